/* User-space addresses of a stack named: the process's /proc/PID/maps
 * gives the file mapped at the address and its offset there, the file's
 * program headers the address in its ELF image, and its symbol tables
 * (.symtab, else .dynsym, read with libelf) the function. Each process's
 * maps and each file's symbols are read once, when first needed. */
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ustacks.h"

#define MAX_PROCS 64
#define MAX_FILES 128

struct mapping {
	uint64_t start, end, offset;
	int file; /* index in files[], -1 if not read */
	char *path;
};

struct proc {
	int pid;
	struct mapping *maps;
	size_t count;
};

struct sym {
	uint64_t addr, size;
	char *name;
};

struct file {
	char *path; /* as /proc/PID/root sees it */
	struct sym *syms;
	size_t count;
	GElf_Phdr *loads; /* PT_LOAD program headers */
	size_t load_count;
};

static struct proc procs[MAX_PROCS];
static size_t proc_count;
static struct file files[MAX_FILES];
static size_t file_count;

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The functions of one symbol table section. */
static void read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh,
			struct file *f)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;

	for (size_t i = 0; data && i < n; i++) {
		GElf_Sym s;
		const char *name;
		struct sym *grown;

		if (!gelf_getsym(data, (int)i, &s) ||
		    GELF_ST_TYPE(s.st_info) != STT_FUNC || !s.st_value)
			continue;
		name = elf_strptr(elf, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		grown = realloc(f->syms, (f->count + 1) * sizeof(*grown));
		if (!grown)
			return;
		f->syms = grown;
		f->syms[f->count].addr = s.st_value;
		f->syms[f->count].size = s.st_size;
		f->syms[f->count].name = strdup(name);
		if (f->syms[f->count].name)
			f->count++;
	}
}

static void read_file(struct file *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	Elf_Scn *scn = NULL, *dyn = NULL, *tab = NULL;
	GElf_Shdr sh, dynsh, tabsh;
	size_t phnum = 0;

	if (fd < 0)
		return;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (elf && !elf_getphdrnum(elf, &phnum)) {
		f->loads = calloc(phnum ? phnum : 1, sizeof(*f->loads));
		for (size_t i = 0; f->loads && i < phnum; i++)
			if (gelf_getphdr(elf, (int)i,
					 &f->loads[f->load_count]) &&
			    f->loads[f->load_count].p_type == PT_LOAD)
				f->load_count++;
	}
	while (elf && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			tab = scn;
			tabsh = sh;
		} else if (sh.sh_type == SHT_DYNSYM) {
			dyn = scn;
			dynsh = sh;
		}
	}
	if (tab)
		read_symtab(elf, tab, &tabsh, f);
	else if (dyn)
		read_symtab(elf, dyn, &dynsh, f);
	qsort(f->syms, f->count, sizeof(*f->syms), by_addr);
	if (elf)
		elf_end(elf);
	close(fd);
}

static int file_of(int pid, const char *path)
{
	char full[4352];

	snprintf(full, sizeof(full), "/proc/%d/root%s", pid, path);
	for (size_t i = 0; i < file_count; i++)
		if (!strcmp(files[i].path, full))
			return (int)i;
	if (file_count == MAX_FILES || !(files[file_count].path = strdup(full)))
		return -1;
	read_file(&files[file_count]);
	return (int)file_count++;
}

static struct proc *proc_of(int pid)
{
	char path[64], line[4608];
	struct proc *p;
	FILE *f;

	for (size_t i = 0; i < proc_count; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	if (proc_count == MAX_PROCS)
		return NULL;
	p = &procs[proc_count++];
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long long start, end, offset;
		char perms[8], file[4096] = "";
		struct mapping *grown;

		if (sscanf(line, "%llx-%llx %7s %llx %*s %*s %4095[^\n]",
			   &start, &end, perms, &offset, file) < 4 ||
		    perms[2] != 'x' || file[0] != '/')
			continue;
		grown = realloc(p->maps, (p->count + 1) * sizeof(*grown));
		if (!grown)
			break;
		p->maps = grown;
		p->maps[p->count] =
		    (struct mapping){start, end, offset, -2, strdup(file)};
		if (p->maps[p->count].path)
			p->count++;
	}
	if (f)
		fclose(f);
	return p;
}

const char *usym_name(int pid, uint64_t addr)
{
	struct proc *p = pid > 0 ? proc_of(pid) : NULL;

	for (size_t i = 0; p && i < p->count; i++) {
		struct mapping *m = &p->maps[i];
		uint64_t off, vaddr = 0;
		struct file *f;
		size_t lo = 0, hi;
		int found = 0;

		if (addr < m->start || addr >= m->end)
			continue;
		if (m->file == -2)
			m->file = file_of(pid, m->path);
		if (m->file < 0)
			return NULL;
		f = &files[m->file];
		off = addr - m->start + m->offset;
		for (size_t k = 0; k < f->load_count && !found; k++)
			if (off >= f->loads[k].p_offset &&
			    off < f->loads[k].p_offset + f->loads[k].p_filesz) {
				vaddr = off - f->loads[k].p_offset +
					f->loads[k].p_vaddr;
				found = 1;
			}
		if (!found)
			return NULL;
		hi = f->count;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (f->syms[mid].addr <= vaddr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo ||
		    (f->syms[lo - 1].size &&
		     vaddr >= f->syms[lo - 1].addr + f->syms[lo - 1].size))
			return NULL;
		return f->syms[lo - 1].name;
	}
	return NULL;
}

void usyms_free(void)
{
	for (size_t i = 0; i < proc_count; i++) {
		for (size_t j = 0; j < procs[i].count; j++)
			free(procs[i].maps[j].path);
		free(procs[i].maps);
	}
	proc_count = 0;
	for (size_t i = 0; i < file_count; i++) {
		for (size_t j = 0; j < files[i].count; j++)
			free(files[i].syms[j].name);
		free(files[i].syms);
		free(files[i].loads);
		free(files[i].path);
	}
	file_count = 0;
}
