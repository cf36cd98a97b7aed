/* Programs attached where --attach PROG=TARGET (or bumble bundle's
 * --attach, the tool's default) says rather than where their sections
 * do: kprobes and fentry/fexit programs to a FUNCTION, uprobes (bare
 * SEC("uprobe") ones included) to a BINARY:FUNCTION; and the event a
 * perf_event program samples (--perf-event PROG=EVENT). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "stub.h"

enum target_kind {
	TARGET_NONE, /* attached as its section says */
	TARGET_KPROBE,
	TARGET_KRETPROBE,
	TARGET_UPROBE,
	TARGET_URETPROBE,
	TARGET_FENTRY, /* fentry, fexit, fmod_ret: set before load */
};

static const struct {
	const char *prefix;
	enum target_kind kind;
} kinds[] = {
    {"kprobe", TARGET_KPROBE},	     {"kretprobe", TARGET_KRETPROBE},
    {"uprobe", TARGET_UPROBE},	     {"uprobe.s", TARGET_UPROBE},
    {"uretprobe", TARGET_URETPROBE}, {"uretprobe.s", TARGET_URETPROBE},
    {"fentry", TARGET_FENTRY},	     {"fexit", TARGET_FENTRY},
    {"fmod_ret", TARGET_FENTRY},     {"fentry.s", TARGET_FENTRY},
    {"fexit.s", TARGET_FENTRY},	     {"fmod_ret.s", TARGET_FENTRY},
};

static enum target_kind kind_of(const char *section)
{
	size_t n = strcspn(section, "/");

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strlen(kinds[i].prefix) == n &&
		    !strncmp(section, kinds[i].prefix, n))
			return kinds[i].kind;
	return TARGET_NONE;
}

static int is_uprobe(enum target_kind k)
{
	return k == TARGET_UPROBE || k == TARGET_URETPROBE;
}

/* What the last NAME=VALUE of list gives name, else bumble bundle's
 * default for the program (its attach), or NULL. */
static const char *given_for(const struct loaded_tool *lt,
			     const char *const *list, unsigned int count,
			     const char *name)
{
	size_t n = strlen(name);

	for (unsigned int i = count; i-- > 0;)
		if (!strncmp(list[i], name, n) && list[i][n] == '=')
			return list[i] + n + 1;
	for (unsigned int i = 0; lt->tool && i < lt->tool->program_count; i++)
		if (!strcmp(lt->tool->programs[i].name, name))
			return lt->tool->programs[i].attach;
	return NULL;
}

const char *attach_target(const struct loaded_tool *lt, const char *name)
{
	return given_for(lt, lt->attaches, lt->attach_count, name);
}

/* The programs of the tool, for a message: "a, b, c". */
static void list_programs(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_program *prog;
	size_t used = 0;

	buf[0] = '\0';
	bpf_object__for_each_program(prog, obj)
	{
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", bpf_program__name(prog));

		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

/* A uprobe target BINARY:FUNCTION: its binary, up to the last ':'. */
static int split_uprobe(const char *target, char *binary, size_t len,
			const char **func)
{
	const char *colon = strrchr(target, ':');

	if (!colon || colon == target || !colon[1] ||
	    (size_t)(colon - target) >= len)
		return -1;
	memcpy(binary, target, (size_t)(colon - target));
	binary[colon - target] = '\0';
	*func = colon + 1;
	return 0;
}

static int check_given(struct loaded_tool *lt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char name[128], list[512];
	struct bpf_program *prog;
	enum target_kind kind;

	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	prog = bpf_object__find_program_by_name(lt->obj, name);
	if (!prog) {
		list_programs(lt->obj, list, sizeof(list));
		diag_err("--attach %s: the tool has no program '%s'; its "
			 "programs are: %s",
			 arg, name, list);
		return BUMBLE_EXIT_USAGE;
	}
	kind = kind_of(bpf_program__section_name(prog));
	if (kind == TARGET_NONE) {
		diag_err("--attach %s: program '%s' (section '%s') attaches "
			 "where its section says; --attach takes kprobe, "
			 "fentry/fexit and uprobe programs",
			 arg, name, bpf_program__section_name(prog));
		return BUMBLE_EXIT_USAGE;
	}
	if (is_uprobe(kind) != (strchr(eq + 1, ':') != NULL)) {
		diag_err("--attach %s: program '%s' (section '%s') takes %s",
			 arg, name, bpf_program__section_name(prog),
			 is_uprobe(kind) ? "BINARY:FUNCTION, as in --attach "
					   "NAME=/bin/bash:readline"
					 : "a kernel FUNCTION, as in --attach "
					   "NAME=vfs_read");
		return BUMBLE_EXIT_USAGE;
	}
	return 0;
}

const char *attach_perf_event_name(const struct loaded_tool *lt,
				   const char *name)
{
	const char *event =
	    given_for(lt, lt->perf_events, lt->perf_event_count, name);

	return event ? event : "cpu-clock";
}

/* --perf-event PROG=EVENT: PROG a perf_event program */
static int check_perf_event(struct loaded_tool *lt, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct bpf_program *prog;
	char name[128], list[512];

	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	prog = bpf_object__find_program_by_name(lt->obj, name);
	if (prog && bpf_program__type(prog) == BPF_PROG_TYPE_PERF_EVENT)
		return 0;
	list_programs(lt->obj, list, sizeof(list));
	if (prog)
		diag_err(
		    "--perf-event %s: program '%s' (section '%s') is not a "
		    "perf_event program",
		    arg, name, bpf_program__section_name(prog));
	else
		diag_err("--perf-event %s: the tool has no program '%s'; its "
			 "programs are: %s",
			 arg, name, list);
	return BUMBLE_EXIT_USAGE;
}

int attach_targets_check(struct loaded_tool *lt)
{
	struct bpf_program *prog;
	int rc;

	for (unsigned int i = 0; i < lt->perf_event_count; i++)
		if ((rc = check_perf_event(lt, lt->perf_events[i])))
			return rc;
	for (unsigned int i = 0; i < lt->attach_count; i++)
		if ((rc = check_given(lt, lt->attaches[i])))
			return rc;
	bpf_object__for_each_program(prog, lt->obj)
	{
		const char *name = bpf_program__name(prog);
		const char *section = bpf_program__section_name(prog);
		const char *target = attach_target(lt, name), *func;
		enum target_kind kind = kind_of(section);
		char binary[4096];

		if (!bpf_program__autoload(prog))
			continue;
		if (!target && is_uprobe(kind) && !strchr(section, ':')) {
			diag_err("program '%s' has section '%s', which names "
				 "no binary: give one with --attach "
				 "%s=BINARY:FUNCTION (as in --attach "
				 "%s=/bin/bash:readline)",
				 name, section, name, name);
			return BUMBLE_EXIT_USAGE;
		}
		if (!target)
			continue;
		if (kind == TARGET_FENTRY &&
		    bpf_program__set_attach_target(prog, 0, target)) {
			diag_err("program '%s': cannot attach to '%s': %s",
				 name, target, strerror(errno));
			return BUMBLE_EXIT_ATTACH;
		}
		if (is_uprobe(kind) &&
		    (split_uprobe(target, binary, sizeof(binary), &func) ||
		     (strchr(binary, '/') && access(binary, R_OK)))) {
			diag_err("program '%s': no binary '%s' to attach to "
				 "(%s); give one with --attach "
				 "%s=BINARY:FUNCTION",
				 name, binary, strerror(errno), name);
			return BUMBLE_EXIT_USAGE;
		}
	}
	return 0;
}

int attach_to_target(struct bpf_program *prog, struct loaded_tool *lt,
		     struct bpf_link **link)
{
	const char *name = bpf_program__name(prog), *func;
	const char *target = attach_target(lt, name);
	enum target_kind kind = kind_of(bpf_program__section_name(prog));
	LIBBPF_OPTS(bpf_uprobe_opts, uopts);
	char binary[4096];
	int err;

	if (!target || kind == TARGET_NONE || kind == TARGET_FENTRY ||
	    bpf_program__type(prog) == BPF_PROG_TYPE_PERF_EVENT)
		return 1;
	if (!is_uprobe(kind)) {
		*link = bpf_program__attach_kprobe(
		    prog, kind == TARGET_KRETPROBE, target);
		if (*link)
			return 0;
		err = errno;
		diag_err("program '%s' failed to attach to kernel function "
			 "'%s': %s (is it in /proc/kallsyms? give another "
			 "with --attach %s=FUNCTION)",
			 name, target, strerror(err), name);
		return BUMBLE_EXIT_ATTACH;
	}
	if (split_uprobe(target, binary, sizeof(binary), &func))
		return BUMBLE_EXIT_USAGE; /* attach_targets_check said why */
	uopts.func_name = func;
	uopts.retprobe = kind == TARGET_URETPROBE;
	*link = bpf_program__attach_uprobe_opts(prog, -1, binary, 0, &uopts);
	if (*link)
		return 0;
	err = errno;
	if (err == ENOENT && strchr(binary, '/'))
		diag_err("program '%s' failed to attach: '%s' has no function "
			 "'%s' (see: nm %s); give another with --attach "
			 "%s=BINARY:FUNCTION",
			 name, binary, func, binary, name);
	else if (err == ENOENT)
		diag_err("program '%s' failed to attach: no binary '%s' on "
			 "PATH or in the library paths, or no function '%s' "
			 "in it; give its path with --attach "
			 "%s=BINARY:FUNCTION",
			 name, binary, func, name);
	else
		diag_err("program '%s' failed to attach to '%s' in '%s': %s "
			 "(is it an ELF executable or library?)",
			 name, func, binary, strerror(err));
	return BUMBLE_EXIT_ATTACH;
}
