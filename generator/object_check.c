/* Checks an object before libbpf reads it: an ELF file, BPF bytecode,
 * relocatable, and no BumbleBee map sections libbpf cannot load. */
#include <elf.h>
#include <string.h>

#include "model_int.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Section names the loader cannot take: BumbleBee's ".maps.print" and
 * kin, which bumble rewrites only when it compiles the source itself. */
static int check_sections(const unsigned char *obj, size_t size, char *err,
			  size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
	const Elf64_Shdr *sh, *strs;

	if (eh->e_shoff > size || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return 0; /* malformed: libbpf reports it */
	sh = (const Elf64_Shdr *)(obj + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
		return 0;
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const char *name = (const char *)obj + strs->sh_offset;
		size_t left = strs->sh_size;

		if (sh[i].sh_name >= left)
			continue;
		name += sh[i].sh_name;
		left -= sh[i].sh_name;
		if (strnlen(name, left) < left && !strncmp(name, ".maps.", 6)) {
			gen_seterr(
			    err, errlen,
			    "the object has BumbleBee's map section '%s', "
			    "which libbpf cannot load; bundle the C source "
			    "instead (bumble rewrites such sections as it "
			    "compiles)",
			    name);
			return -1;
		}
	}
	return 0;
}

int gen_check_object(const unsigned char *obj, size_t size, char *err,
		     size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;

	if (size < sizeof(Elf64_Ehdr) || memcmp(obj, ELFMAG, SELFMAG)) {
		gen_seterr(
		    err, errlen,
		    "not an ELF file: give a BPF C source (.bpf.c) or an "
		    "object built with clang -target bpf (.bpf.o)");
		return -1;
	}
	if (obj[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_BPF) {
		gen_seterr(
		    err, errlen,
		    "an ELF file, but not BPF bytecode (machine %u); build "
		    "it with clang -target bpf",
		    obj[EI_CLASS] == ELFCLASS64 ? eh->e_machine : 0);
		return -1;
	}
	if (eh->e_type != ET_REL) {
		gen_seterr(
		    err, errlen,
		    "a BPF ELF file, but not a relocatable object; build "
		    "it with clang -target bpf -c");
		return -1;
	}
	return check_sections(obj, size, err, errlen);
}
