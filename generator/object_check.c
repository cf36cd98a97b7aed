/* Checks an object before libelf and libbpf read it: an ELF file, BPF
 * bytecode, relocatable, every table inside the file and consistent, and
 * no BumbleBee map sections libbpf cannot load; then that each program's
 * section names something the tool can attach, and the targets --attach
 * gives kprobe, fentry and uprobe programs. */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "model_int.h"
#include "prog_kinds.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* The parts of the object the checks walk; sh is inside the file. */
struct elf_view {
	const unsigned char *obj;
	size_t size;
	const Elf64_Shdr *sh;
	unsigned int shnum;
	char *err;
	size_t errlen;
};

static int damaged(struct elf_view *v, const char *what, unsigned int sec)
{
	gen_seterr(v->err, v->errlen,
		   "cannot read this BPF object, a damaged ELF file: %s "
		   "(section %u); build the object again with clang -target "
		   "bpf -c",
		   what, sec);
	return -1;
}

/* Does [off, off + len) lie inside the file? */
static int inside(const struct elf_view *v, uint64_t off, uint64_t len)
{
	return off <= v->size && len <= v->size - off;
}

/* A string table: inside the file and ending in NUL, so that libelf's
 * and libbpf's strings all end inside it. */
static int check_strtab(struct elf_view *v, unsigned int i)
{
	const Elf64_Shdr *s = &v->sh[i];

	if (s->sh_type != SHT_STRTAB)
		return damaged(v, "a link to a string table is not one", i);
	if (!s->sh_size || v->obj[s->sh_offset + s->sh_size - 1] != '\0')
		return damaged(v, "a string table does not end in NUL", i);
	return 0;
}

/* Every section: its name in the section name table, its bytes in the
 * file, its links to other sections. */
static int check_headers(struct elf_view *v, unsigned int shstrndx)
{
	const Elf64_Shdr *names = &v->sh[shstrndx];

	for (unsigned int i = 0; i < v->shnum; i++) {
		const Elf64_Shdr *s = &v->sh[i];

		if (i && s->sh_name >= names->sh_size)
			return damaged(v,
				       "a section name is outside the "
				       "name table",
				       i);
		/* every section but the first and .bss-like ones holds
		 * bytes of the file, whatever its type says (a .BTF typed
		 * SHT_NULL is still read by name) */
		if (i && s->sh_type != SHT_NOBITS &&
		    !inside(v, s->sh_offset, s->sh_size))
			return damaged(v,
				       "a section reaches past the end "
				       "of the file",
				       i);
		if (s->sh_link >= v->shnum)
			return damaged(v, "a section links to no section", i);
		/* the linker pads each section to its alignment: a huge
		 * one makes a 6 KB object a 128 MB tool */
		if (s->sh_addralign & (s->sh_addralign - 1) ||
		    s->sh_addralign > 4096)
			return damaged(v,
				       "a section's alignment is not a "
				       "power of two up to 4096",
				       i);
		if (s->sh_flags & SHF_COMPRESSED)
			return damaged(v, "a compressed section", i);
		if (s->sh_type == SHT_NOBITS && s->sh_size > (1u << 30))
			return damaged(v, "an empty section over 1 GiB", i);
	}
	return 0;
}

/* The symbol table: whole entries, names in its string table, each
 * symbol in a section that exists. */
static int check_symtab(struct elf_view *v, unsigned int i)
{
	const Elf64_Shdr *s = &v->sh[i];
	const Elf64_Sym *sym = (const Elf64_Sym *)(v->obj + s->sh_offset);
	size_t count = s->sh_size / sizeof(Elf64_Sym);
	uint64_t strsize = v->sh[s->sh_link].sh_size;

	if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_size % sizeof(*sym) ||
	    s->sh_offset % 8 || !count || s->sh_info > count)
		return damaged(v, "a symbol table of partial entries", i);
	if (check_strtab(v, s->sh_link))
		return -1;
	for (size_t k = 0; k < count; k++) {
		unsigned int shndx = sym[k].st_shndx;

		if (sym[k].st_name >= strsize)
			return damaged(v,
				       "a symbol's name is outside its "
				       "string table",
				       i);
		if (shndx >= v->shnum && shndx != SHN_ABS &&
		    shndx != SHN_COMMON)
			return damaged(v, "a symbol is in no section", i);
		/* the linker maps a section's symbol to its section */
		if (ELF64_ST_TYPE(sym[k].st_info) == STT_SECTION &&
		    (!shndx || shndx >= v->shnum))
			return damaged(v, "a section symbol is in no section",
				       i);
	}
	return 0;
}

/* A relocation section: whole entries, against the symbol table, for a
 * section that exists, each naming a symbol of that table. */
static int check_relocs(struct elf_view *v, unsigned int i)
{
	const Elf64_Shdr *s = &v->sh[i], *syms = &v->sh[s->sh_link];
	size_t entsize =
	    s->sh_type == SHT_REL ? sizeof(Elf64_Rel) : sizeof(Elf64_Rela);
	size_t count = s->sh_size / entsize;
	uint64_t nsyms = syms->sh_size / sizeof(Elf64_Sym);
	const Elf64_Shdr *target;
	uint64_t word;
	int exec;

	if (s->sh_entsize != entsize || s->sh_size % entsize ||
	    s->sh_offset % 8)
		return damaged(v, "a relocation table of partial entries", i);
	if (syms->sh_type != SHT_SYMTAB)
		return damaged(v, "relocations against no symbol table", i);
	if (!s->sh_info || s->sh_info >= v->shnum)
		return damaged(v, "relocations for no section", i);
	target = &v->sh[s->sh_info];
	exec = (target->sh_flags & SHF_EXECINSTR) != 0;
	word = exec ? 8 : 4;
	for (size_t k = 0; k < count; k++) {
		const unsigned char *at = v->obj + s->sh_offset + k * entsize;
		const Elf64_Rel *r = (const Elf64_Rel *)at;

		if (ELF64_R_SYM(r->r_info) >= nsyms)
			return damaged(v, "a relocation names no symbol", i);
		/* the linker patches the word (in code, the instruction)
		 * at r_offset of the section */
		if (r->r_offset > target->sh_size ||
		    target->sh_size - r->r_offset < word ||
		    (exec && r->r_offset % 8))
			return damaged(v, "a relocation is outside its section",
				       i);
	}
	return 0;
}

/* Section names the loader cannot take: BumbleBee's ".maps.print" and
 * kin, which bumble rewrites only when it compiles the source itself. */
static int check_bee_section(struct elf_view *v, const char *name)
{
	if (strncmp(name, ".maps.", 6))
		return 0;
	gen_seterr(v->err, v->errlen,
		   "the object has BumbleBee's map section '%s', which "
		   "libbpf cannot load; bundle the C source instead (bumble "
		   "rewrites such sections as it compiles)",
		   name);
	return -1;
}

/* .BTF: no chain of modifiers and typedefs that loops, which libbpf
 * 1.5's own resolvers (skip_mods_and_typedefs) follow for ever. */
static int check_btf_chains(struct elf_view *v, unsigned int i)
{
	const Elf64_Shdr *s = &v->sh[i];
	struct btf *btf;
	int rc = 0;

	if (s->sh_type == SHT_NOBITS)
		return 0;
	btf = btf__new(v->obj + s->sh_offset, (__u32)s->sh_size);
	if (!btf)
		return 0; /* libbpf says why when it reads the object */
	for (__u32 id = 1; id < btf__type_cnt(btf) && !rc; id++) {
		__u32 cur = id;

		/* NULL at a type that exists: the chain did not end */
		if (!gen_resolve(btf, &cur, NULL) && btf__type_by_id(btf, cur))
			rc =
			    damaged(v, "BTF types that refer to themselves", i);
	}
	btf__free(btf);
	return rc;
}

static int check_sections(struct elf_view *v, const Elf64_Ehdr *eh)
{
	const char *names;
	unsigned int symtabs = 0;

	if (eh->e_ehsize != sizeof(Elf64_Ehdr) ||
	    eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 ||
	    !eh->e_shnum || eh->e_shoff < sizeof(Elf64_Ehdr) ||
	    !inside(v, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return damaged(v,
			       "the section header table is not inside "
			       "the file",
			       0);
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return damaged(v, "no section name table", 0);
	v->sh = (const Elf64_Shdr *)(v->obj + eh->e_shoff);
	v->shnum = eh->e_shnum;
	if (v->sh[0].sh_type != SHT_NULL || v->sh[0].sh_size ||
	    v->sh[0].sh_link)
		return damaged(v, "the first section is not empty", 0);
	if (check_headers(v, eh->e_shstrndx) || check_strtab(v, eh->e_shstrndx))
		return -1;
	names = (const char *)v->obj + v->sh[eh->e_shstrndx].sh_offset;
	for (unsigned int i = 1; i < v->shnum; i++) {
		const Elf64_Shdr *s = &v->sh[i];
		int rc = 0;

		if (s->sh_type == SHT_SYMTAB) {
			rc = symtabs++ ? damaged(v, "a second symbol table", i)
				       : check_symtab(v, i);
		} else if (s->sh_type == SHT_REL || s->sh_type == SHT_RELA) {
			rc = check_relocs(v, i);
		} else if (s->sh_type == SHT_STRTAB) {
			rc = check_strtab(v, i);
		} else if (s->sh_type == SHT_DYNSYM ||
			   s->sh_type == SHT_SYMTAB_SHNDX ||
			   s->sh_type == SHT_GROUP) {
			rc = damaged(v,
				     "a section of a kind BPF objects do "
				     "not have",
				     i);
		}
		if (!rc)
			rc = check_bee_section(v, names + s->sh_name);
		if (!rc && !strcmp(names + s->sh_name, ".BTF"))
			rc = check_btf_chains(v, i);
		if (rc)
			return rc;
	}
	if (!symtabs)
		return damaged(v, "no symbol table", 0);
	return 0;
}

int gen_check_object(const unsigned char *obj, size_t size, char *err,
		     size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
	struct elf_view v = {obj, size, NULL, 0, err, errlen};

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
	if (obj[EI_DATA] != ELFDATA2LSB || obj[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT) {
		gen_seterr(err, errlen,
			   "a BPF ELF file, but not little-endian ELF version "
			   "1; build it with clang -target bpf (bpfel)");
		return -1;
	}
	if (eh->e_type != ET_REL) {
		gen_seterr(
		    err, errlen,
		    "a BPF ELF file, but not a relocatable object; build "
		    "it with clang -target bpf -c");
		return -1;
	}
	return check_sections(&v, eh);
}

/* The sections libbpf attaches by itself, and the target each needs
 * after its '/': libbpf accepts them bare ("uprobe") at open time, but
 * then has nothing to attach to. */
enum target_form {
	TARGET_ANY,    /* NAME */
	TARGET_TP,     /* CATEGORY/NAME */
	TARGET_UPROBE, /* PATH:FUNCTION */
	TARGET_USDT,   /* PATH:PROVIDER:NAME */
};

static const struct {
	const char *prefix;
	enum target_form form;
	const char *example;
} auto_attach[] = {
    {"tracepoint", TARGET_TP, "tracepoint/CATEGORY/NAME"},
    {"tp", TARGET_TP, "tp/CATEGORY/NAME"},
    {"raw_tracepoint", TARGET_ANY, "raw_tracepoint/NAME"},
    {"raw_tp", TARGET_ANY, "raw_tp/NAME"},
    {"raw_tracepoint.w", TARGET_ANY, "raw_tracepoint.w/NAME"},
    {"raw_tp.w", TARGET_ANY, "raw_tp.w/NAME"},
    {"tp_btf", TARGET_ANY, "tp_btf/NAME"},
    {"kprobe", TARGET_ANY, "kprobe/FUNCTION"},
    {"kretprobe", TARGET_ANY, "kretprobe/FUNCTION"},
    {"kprobe.multi", TARGET_ANY, "kprobe.multi/PATTERN"},
    {"kretprobe.multi", TARGET_ANY, "kretprobe.multi/PATTERN"},
    {"kprobe.session", TARGET_ANY, "kprobe.session/PATTERN"},
    {"ksyscall", TARGET_ANY, "ksyscall/SYSCALL"},
    {"kretsyscall", TARGET_ANY, "kretsyscall/SYSCALL"},
    {"uprobe", TARGET_UPROBE, "uprobe/PATH:FUNCTION"},
    {"uretprobe", TARGET_UPROBE, "uretprobe/PATH:FUNCTION"},
    {"uprobe.s", TARGET_UPROBE, "uprobe.s/PATH:FUNCTION"},
    {"uretprobe.s", TARGET_UPROBE, "uretprobe.s/PATH:FUNCTION"},
    {"uprobe.multi", TARGET_UPROBE, "uprobe.multi/PATH:PATTERN"},
    {"uretprobe.multi", TARGET_UPROBE, "uretprobe.multi/PATH:PATTERN"},
    {"uprobe.multi.s", TARGET_UPROBE, "uprobe.multi.s/PATH:PATTERN"},
    {"uretprobe.multi.s", TARGET_UPROBE, "uretprobe.multi.s/PATH:PATTERN"},
    {"usdt", TARGET_USDT, "usdt/PATH:PROVIDER:NAME"},
    {"usdt.s", TARGET_USDT, "usdt.s/PATH:PROVIDER:NAME"},
    {"fentry", TARGET_ANY, "fentry/FUNCTION"},
    {"fexit", TARGET_ANY, "fexit/FUNCTION"},
    {"fmod_ret", TARGET_ANY, "fmod_ret/FUNCTION"},
    {"fentry.s", TARGET_ANY, "fentry.s/FUNCTION"},
    {"fexit.s", TARGET_ANY, "fexit.s/FUNCTION"},
    {"fmod_ret.s", TARGET_ANY, "fmod_ret.s/FUNCTION"},
    {"lsm", TARGET_ANY, "lsm/HOOK"},
    {"lsm.s", TARGET_ANY, "lsm.s/HOOK"},
    {"iter", TARGET_ANY, "iter/ITERATOR"},
    {"iter.s", TARGET_ANY, "iter.s/ITERATOR"},
};

#define AUTO_ATTACH_COUNT (sizeof(auto_attach) / sizeof(auto_attach[0]))

static const char known_sections[] =
    "tracepoint/CATEGORY/NAME, raw_tp/NAME, tp_btf/NAME, kprobe/FUNCTION, "
    "uprobe/PATH:FUNCTION, usdt/PATH:PROVIDER:NAME, fentry/FUNCTION, xdp, "
    "tcx/ingress, cgroup_skb/egress or perf_event";

static int has_target(enum target_form form, const char *t)
{
	const char *colon = strchr(t, ':');

	switch (form) {
	case TARGET_TP:
		return *t && *t != '/' && strchr(t, '/') && strchr(t, '/')[1];
	case TARGET_UPROBE:
		return colon && colon[1];
	case TARGET_USDT:
		return colon && strchr(colon + 1, ':') &&
		       strchr(colon + 1, ':')[1];
	default:
		return *t != '\0';
	}
}

/* A section that takes its target from --attach BINARY:FUNCTION: a
 * uprobe naming no binary, bare or with a function only
 * ("uretprobe/readline", its binary left to user space). */
static int bare_uprobe(const char *section)
{
	static const char *const kinds[] = {"uprobe", "uretprobe", "uprobe.s",
					    "uretprobe.s"};
	size_t n = strcspn(section, "/");

	/* a function has no '/': "uretprobe//bin/bash" is a binary */
	if (strchr(section, ':') ||
	    (section[n] && strchr(section + n + 1, '/')))
		return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i]) == n && !strncmp(section, kinds[i], n))
			return 1;
	return 0;
}

/* What --attach gives a program of that section: 'u' BINARY:FUNCTION,
 * 'k' FUNCTION, 0 nothing (it attaches where its section says). */
static int attach_form(const char *section)
{
	static const char *const kernel[] = {"kprobe",	"kretprobe", "fentry",
					     "fexit",	"fmod_ret",  "fentry.s",
					     "fexit.s", "fmod_ret.s"};
	size_t n = strcspn(section, "/");
	char prefix[16];

	if (n >= sizeof(prefix))
		return 0;
	memcpy(prefix, section, n);
	prefix[n] = '\0';
	if (bare_uprobe(prefix)) /* a kind of uprobe */
		return 'u';
	for (size_t i = 0; i < sizeof(kernel) / sizeof(kernel[0]); i++)
		if (!strcmp(prefix, kernel[i]))
			return 'k';
	return 0;
}

static struct gen_program *find_program(struct gen_model *m, const char *name)
{
	for (unsigned int j = 0; j < m->program_count; j++)
		if (!strcmp(m->programs[j].name, name))
			return &m->programs[j];
	return NULL;
}

/* --perf-event PROG=EVENT: PROG a perf_event program, EVENT a name */
static int apply_perf_events(struct gen_model *m, const struct gen_opts *opts,
			     char *err, size_t errlen)
{
	for (size_t i = 0; i < opts->perf_event_count; i++) {
		const char *prog = opts->perf_events[i].map;
		const char *event = opts->perf_events[i].type;
		struct gen_program *p = find_program(m, prog);
		unsigned long long config;
		unsigned int type;

		if (!p || p->type != BPF_PROG_TYPE_PERF_EVENT) {
			gen_seterr(err, errlen,
				   "--perf-event %s=%s: there is no perf_event "
				   "program '%s'",
				   prog, event, prog);
			return -EINVAL;
		}
		if (perf_event_by_name(event, &type, &config)) {
			gen_seterr(err, errlen,
				   "--perf-event %s=%s: no event '%s'; the "
				   "events are: %s",
				   prog, event, event, perf_event_names());
			return -EINVAL;
		}
		free(p->attach);
		p->attach = strdup(event);
		if (!p->attach)
			return -ENOMEM;
	}
	return 0;
}

int gen_apply_attach(struct gen_model *m, const struct gen_opts *opts,
		     char *err, size_t errlen)
{
	int rc = apply_perf_events(m, opts, err, errlen);

	if (rc)
		return rc;
	for (size_t i = 0; i < opts->attach_count; i++) {
		const char *prog = opts->attaches[i].map;
		const char *target = opts->attaches[i].type;
		struct gen_program *p = find_program(m, prog);
		int form;

		if (!p) {
			gen_seterr(err, errlen,
				   "--attach %s=%s: there is no program "
				   "'%s'",
				   prog, target, prog);
			return -EINVAL;
		}
		form = attach_form(p->section);
		if (!form || (form == 'u') != (strchr(target, ':') != NULL)) {
			gen_seterr(err, errlen,
				   "--attach %s=%s: program '%s' (section "
				   "'%s') takes %s",
				   prog, target, prog, p->section,
				   !form ? "no target: it attaches where its "
					   "section says"
				   : form == 'u' ? "BINARY:FUNCTION"
						 : "a kernel FUNCTION");
			return -EINVAL;
		}
		free(p->attach);
		p->attach = strdup(target);
		if (!p->attach)
			return -ENOMEM;
	}
	for (unsigned int j = 0; j < m->program_count; j++)
		if (bare_uprobe(m->programs[j].section) &&
		    !m->programs[j].attach &&
		    gen_warn(m,
			     "program '%s' has section '%s', which names no "
			     "binary: run the tool with --attach "
			     "%s=BINARY:FUNCTION, or give it here as the "
			     "default",
			     m->programs[j].name, m->programs[j].section,
			     m->programs[j].name))
			return -ENOMEM;
	return 0;
}

/* Attached through an option of the tool: --iface, --cgroup, or a
 * sampling event on every CPU (--freq). */
static int is_attached_with_option(int type)
{
	return prog_is_net(type) || prog_is_cgroup(type) ||
	       type == BPF_PROG_TYPE_PERF_EVENT;
}

int gen_check_attach(const char *name, const char *section, int type, char *err,
		     size_t errlen)
{
	const char *kind = libbpf_bpf_prog_type_str(type);

	if (type == BPF_PROG_TYPE_UNSPEC) {
		gen_seterr(err, errlen,
			   "program '%s' has section '%s', which libbpf does "
			   "not know; use a section such as %s",
			   name, section, known_sections);
		return -1;
	}
	if (is_attached_with_option(type))
		return 0;
	for (size_t i = AUTO_ATTACH_COUNT; i-- > 0;) {
		size_t n = strlen(auto_attach[i].prefix);

		if (strncmp(section, auto_attach[i].prefix, n) ||
		    (section[n] && section[n] != '/'))
			continue;
		if (section[n] &&
		    has_target(auto_attach[i].form, section + n + 1))
			return 0;
		/* given a target by --attach: uprobe, uretprobe (.s) */
		if (bare_uprobe(section))
			return 0;
		gen_seterr(err, errlen,
			   "program '%s' has section '%s', which names no "
			   "%s to attach to; write it as SEC(\"%s\")",
			   name, section,
			   auto_attach[i].form == TARGET_ANY
			       ? "target"
			       : "complete target",
			   auto_attach[i].example);
		return -1;
	}
	gen_seterr(err, errlen,
		   "program '%s' has section '%s', a %s program, which a "
		   "bumble tool cannot attach; use a section such as %s",
		   name, section, kind ? kind : "unknown", known_sections);
	return -1;
}
