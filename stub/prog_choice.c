/* Which of a tool's programs load: of two alternatives for one target
 * (tp_btf or raw_tp, fentry or kprobe), the one this attempt prefers;
 * and none whose attach point this kernel lacks, unless none is left. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "prog_kinds.h"
#include "stub.h"

/* Has another program to load the same target with the other rank? */
static int has_rival(struct bpf_object *obj, struct bpf_program *prog,
		     const char *target, int rank)
{
	struct bpf_program *q;
	char other[160];

	bpf_object__for_each_program(q, obj)
	{
		if (q == prog || !bpf_program__autoload(q))
			continue;
		if (prog_alternative(bpf_program__section_name(q), other,
				     sizeof(other)) == !rank &&
		    !strcmp(other, target))
			return 1;
	}
	return 0;
}

int prog_choose(struct loaded_tool *lt, int rank)
{
	struct bpf_program *prog, *off[64];
	unsigned int n = 0;
	char target[160];

	bpf_object__for_each_program(prog, lt->obj)
	{
		int r = prog_alternative(bpf_program__section_name(prog),
					 target, sizeof(target));

		if (r >= 0 && r != rank && bpf_program__autoload(prog) &&
		    has_rival(lt->obj, prog, target, r) &&
		    n < sizeof(off) / sizeof(off[0]))
			off[n++] = prog;
	}
	for (unsigned int i = 0; i < n; i++)
		bpf_program__set_autoload(off[i], false);
	return (int)n;
}

/* The kernel's BTF, parsed the first time a program needs it (several
 * MiB: not for tools without tp_btf/fentry/fexit programs); NULL when it
 * cannot be read. */
struct kernel_btf {
	const char *path; /* --btf, or NULL: the running kernel's */
	struct btf *btf;
	int tried;
};

static const struct btf *kernel_btf(struct kernel_btf *k)
{
	if (!k->tried) {
		k->tried = 1;
		k->btf = k->path ? btf__parse(k->path, NULL)
				 : btf__load_vmlinux_btf();
		if (libbpf_get_error(k->btf))
			k->btf = NULL;
	}
	return k->btf;
}

/* Does this kernel have the program's attach point? 1 when it cannot
 * tell: only the kinds whose target can be looked up are checked. */
static int target_exists(const char *section, struct kernel_btf *k)
{
	char name[160], path[320];
	const char *slash = strchr(section, '/');
	int r = prog_alternative(section, name, sizeof(name));
	const struct btf *vmlinux = r == PROG_MODERN ? kernel_btf(k) : NULL;

	if (r == PROG_MODERN && vmlinux) {
		const char *fn = strchr(name, '/') + 1;

		if (!strncmp(section, "tp_btf/", 7)) {
			snprintf(path, sizeof(path), "btf_trace_%s", fn);
			return btf__find_by_name_kind(vmlinux, path,
						      BTF_KIND_TYPEDEF) > 0;
		}
		return btf__find_by_name_kind(vmlinux, fn, BTF_KIND_FUNC) > 0;
	}
	if (!kprobe_target(section, name, sizeof(name)))
		return ksym_exists("/proc/kallsyms", name) != 0;
	if (slash &&
	    (!strncmp(section, "tracepoint/", 11) ||
	     !strncmp(section, "tp/", 3)) &&
	    strchr(slash + 1, '/')) {
		snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s",
			 slash + 1);
		return access(path, F_OK) == 0 || errno != ENOENT;
	}
	return 1;
}

void prog_skip_absent(struct loaded_tool *lt, const char *btf_path, int warn)
{
	struct kernel_btf vmlinux = {.path = btf_path};
	struct bpf_program *prog, *absent[64];
	unsigned int n = 0, loading = 0;

	bpf_object__for_each_program(prog, lt->obj)
	{
		if (!bpf_program__autoload(prog))
			continue;
		loading++;
		if (attach_target(lt, bpf_program__name(prog)))
			continue; /* --attach: not where its section says */
		if (!target_exists(bpf_program__section_name(prog), &vmlinux) &&
		    n < sizeof(absent) / sizeof(absent[0]))
			absent[n++] = prog;
	}
	btf__free(vmlinux.btf);
	if (n == loading) /* nothing would be left: let it fail plainly */
		return;
	for (unsigned int i = 0; i < n; i++) {
		if (warn && !attach_say_no_syscall(absent[i]))
			diag_info(
			    "warning: program '%s' is skipped: this kernel has "
			    "no attach point '%s'",
			    bpf_program__name(absent[i]),
			    bpf_program__section_name(absent[i]));
		bpf_program__set_autoload(absent[i], false);
	}
}
