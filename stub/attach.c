/* Attaching every program of a tool: what libbpf attaches by itself
 * (tracepoint, raw_tp, tp_btf, fentry, kprobe, ksyscall, uprobe, usdt),
 * XDP and tc on --iface (tcx, or a clsact qdisc on kernels before 6.6),
 * cgroup programs on --cgroup, perf_event programs on every CPU at
 * --freq. Everything is detached again on exit. */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mntent.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "prog_kinds.h"
#include "stub.h"

#define CGROUP2_MAGIC 0x63677270

struct tc_legacy {
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int created_hook;
};

/* The root of the cgroup v2 hierarchy: /sys/fs/cgroup on most systems,
 * /sys/fs/cgroup/unified on hybrid ones. Static storage; NULL if none. */
static const char *cgroup2_root(void)
{
	static char path[256];
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");

	if (!f)
		return NULL;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_type, "cgroup2")) {
			snprintf(path, sizeof(path), "%s", m->mnt_dir);
			endmntent(f);
			return path;
		}
	endmntent(f);
	return NULL;
}

static int open_cgroup(const char *given, struct loaded_tool *lt)
{
	const char *path = given ? given : cgroup2_root();
	struct statfs fs;

	if (!path) {
		diag_err(
		    "no cgroup v2 hierarchy is mounted; mount one (mount "
		    "-t cgroup2 none /sys/fs/cgroup) or give --cgroup PATH");
		return BUMBLE_EXIT_USAGE;
	}
	lt->cgroup_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lt->cgroup_fd < 0) {
		diag_err("cannot open cgroup '%s': %s; give a cgroup v2 "
			 "directory with --cgroup PATH",
			 path, strerror(errno));
		return BUMBLE_EXIT_USAGE;
	}
	if (fstatfs(lt->cgroup_fd, &fs) || fs.f_type != CGROUP2_MAGIC) {
		diag_err("'%s' is not a cgroup v2 directory; give one with "
			 "--cgroup PATH (cgroup v2 is mounted at %s)",
			 path, cgroup2_root() ? cgroup2_root() : "no place");
		return BUMBLE_EXIT_USAGE;
	}
	return 0;
}

int attach_check_targets(const struct run_opts *opts, struct loaded_tool *lt)
{
	struct bpf_program *prog;
	const char *net = NULL;
	int cgroup = 0, rc = attach_targets_check(lt);

	if (rc)
		return rc;
	bpf_object__for_each_program(prog, lt->obj)
	{
		enum bpf_prog_type type = bpf_program__type(prog);

		if (!bpf_program__autoload(prog))
			continue;
		if (prog_is_net(type) && !net)
			net = bpf_program__name(prog);
		if (prog_is_cgroup(type))
			cgroup = 1;
	}
	if (net && !opts->iface) {
		diag_err("program '%s' attaches to a network interface: give "
			 "one with --iface IFNAME (see: ip link)",
			 net);
		return BUMBLE_EXIT_USAGE;
	}
	if (net) {
		lt->ifindex = (int)if_nametoindex(opts->iface);
		if (!lt->ifindex) {
			diag_err("no network interface '%s' (%s); see: ip link",
				 opts->iface, strerror(errno));
			return BUMBLE_EXIT_USAGE;
		}
	}
	if (cgroup || opts->cgroup)
		return open_cgroup(opts->cgroup, lt);
	return 0;
}

static int add_link(struct loaded_tool *lt, struct bpf_link *link)
{
	struct bpf_link **grown;

	grown = realloc(lt->links, (lt->link_count + 1) * sizeof(*grown));
	if (!grown) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	lt->links = grown;
	lt->links[lt->link_count++] = link;
	return 0;
}

static int is_egress(const char *section)
{
	return strstr(section, "egress") != NULL;
}

/* tc on kernels without tcx: a clsact qdisc (made if missing, removed
 * on exit if made here) and a direct-action filter. */
static int attach_tc_legacy(struct bpf_program *prog, struct loaded_tool *lt)
{
	struct tc_legacy *grown, *tc;
	int err;

	grown = realloc(lt->tc, (lt->tc_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	lt->tc = grown;
	tc = &lt->tc[lt->tc_count];
	memset(tc, 0, sizeof(*tc));
	tc->hook.sz = sizeof(tc->hook);
	tc->hook.ifindex = lt->ifindex;
	tc->hook.attach_point = is_egress(bpf_program__section_name(prog))
				    ? BPF_TC_EGRESS
				    : BPF_TC_INGRESS;
	tc->opts.sz = sizeof(tc->opts);
	tc->opts.prog_fd = bpf_program__fd(prog);
	err = bpf_tc_hook_create(&tc->hook);
	if (err && err != -EEXIST)
		return err;
	tc->created_hook = !err;
	err = bpf_tc_attach(&tc->hook, &tc->opts);
	if (err) {
		if (tc->created_hook) {
			tc->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&tc->hook);
		}
		return err;
	}
	/* bpf_tc_detach wants only the handle and priority set */
	tc->opts.prog_fd = 0;
	tc->opts.prog_id = 0;
	tc->opts.flags = 0;
	lt->tc_count++;
	return 0;
}

static int attach_tc(struct bpf_program *prog, struct loaded_tool *lt)
{
	struct bpf_link *link;
	int err;

	link = bpf_program__attach_tcx(prog, lt->ifindex, NULL);
	if (link)
		return add_link(lt, link);
	err = -errno;
	if (err != -EINVAL && err != -EOPNOTSUPP && err != -ENOTSUP)
		return err;
	return attach_tc_legacy(prog, lt);
}

static int perf_event_open(struct perf_event_attr *attr, int cpu)
{
	return (int)syscall(SYS_perf_event_open, attr, -1, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

/* A sampling perf event on every online CPU, the program on each. */
static int attach_perf_event(struct bpf_program *prog, struct loaded_tool *lt,
			     unsigned long long freq)
{
	struct perf_event_attr attr = {
	    .size = sizeof(attr),
	    .freq = 1,
	    .sample_freq = freq,
	};
	int cpus = libbpf_num_possible_cpus(), attached = 0;

	/* checked by the tool's CLI or bumble bundle: known names */
	if (perf_event_by_name(
		attach_perf_event_name(lt, bpf_program__name(prog)), &attr.type,
		(unsigned long long *)&attr.config))
		return -EINVAL;

	for (int cpu = 0; cpu < cpus; cpu++) {
		struct bpf_link *link;
		int fd = perf_event_open(&attr, cpu);

		if (fd < 0) {
			if (errno == ENODEV)
				continue; /* possible, not online */
			return -errno;
		}
		link = bpf_program__attach_perf_event(prog, fd);
		if (!link) {
			int err = -errno;

			close(fd);
			return err;
		}
		if (add_link(lt, link))
			return -ENOMEM;
		attached++;
	}
	return attached ? 0 : -ENODEV;
}

static int attach_one(struct bpf_program *prog, const struct run_opts *opts,
		      struct loaded_tool *lt)
{
	struct bpf_link *link;

	switch (bpf_program__type(prog)) {
	case BPF_PROG_TYPE_XDP:
		link = bpf_program__attach_xdp(prog, lt->ifindex);
		break;
	case BPF_PROG_TYPE_SCHED_CLS:
		return attach_tc(prog, lt);
	case BPF_PROG_TYPE_PERF_EVENT:
		return attach_perf_event(prog, lt, opts->freq);
	default:
		if (prog_is_cgroup(bpf_program__type(prog)))
			link = bpf_program__attach_cgroup(prog, lt->cgroup_fd);
		else
			link = bpf_program__attach(prog);
		break;
	}
	if (!link)
		return -errno;
	return add_link(lt, link);
}

/* The kernel's own ENOTSUPP (524), which libc has no text for: what an
 * arm64 kernel before 6.4 answers to fentry/fexit on a kernel function. */
#define KERNEL_ENOTSUPP 524

static const char *attach_strerror(int err)
{
	if (err == KERNEL_ENOTSUPP)
		return "not supported by this kernel (ENOTSUPP)";
	return strerror(err);
}

static const char *attach_hint(const char *section, int err,
			       enum kprobe_blame blame)
{
	if (blame == KPROBE_BLAME_UNSUPPORTED)
		return " (kprobes may be unavailable on this kernel: it needs "
		       "CONFIG_KPROBES and CONFIG_KPROBE_EVENTS)";
	if (!strncmp(section, "fentry", 6) || !strncmp(section, "fexit", 5) ||
	    !strncmp(section, "fmod_ret", 8))
		return " (fentry/fexit may be unavailable on this kernel: it "
		       "needs BPF trampoline support)";
	if (!strncmp(section, "uprobe", 6) || !strncmp(section, "uretprobe", 9))
		return " (is the binary there, and does it have that symbol?)";
	if (err == EBUSY || err == EEXIST)
		return " (another program is attached there already)";
	if (err == ENOENT)
		return " (no such attach point on this kernel)";
	return "";
}

/* The system call a syscalls tracepoint section names ("open" of
 * tracepoint/syscalls/sys_enter_open), when this arch has none of that
 * name (aarch64 has no open, only openat): NULL otherwise. */
static const char *missing_syscall(const char *section)
{
	static const char *const prefixes[] = {
	    "tracepoint/syscalls/sys_enter_", "tracepoint/syscalls/sys_exit_",
	    "tp/syscalls/sys_enter_", "tp/syscalls/sys_exit_"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(section, prefixes[i], n))
			return syscall_known(section + n) ? NULL : section + n;
	}
	return NULL;
}

int attach_say_no_syscall(struct bpf_program *prog)
{
	const char *section = bpf_program__section_name(prog);
	const char *call = missing_syscall(section);

	if (call)
		diag_info("skipped program '%s': no '%s' system call on %s, "
			  "so no tracepoint '%s'",
			  bpf_program__name(prog), call,
			  bumble_bundle.arch ? bumble_bundle.arch
					     : "this architecture",
			  section);
	return call != NULL;
}

int attach_all(const struct run_opts *opts, struct loaded_tool *lt)
{
	unsigned int skipped = 0;

	struct bpf_program *prog;

	bpf_object__for_each_program(prog, lt->obj)
	{
		const char *section = bpf_program__section_name(prog);
		struct bpf_link *link = NULL;
		enum kprobe_blame blame;
		char fn[128];
		int err;

		if (!bpf_program__autoload(prog))
			continue;
		err = attach_to_target(prog, lt, &link);
		if (!err && add_link(lt, link))
			return BUMBLE_EXIT_FAILURE;
		if (!err) {
			lt->attached++;
			continue;
		}
		if (err != 1)
			return err;
		err = -attach_one(prog, opts, lt);
		if (!err) {
			lt->attached++;
			continue;
		}
		/* no trampolines (ENOTSUPP), or a function whose entry is
		 * no ftrace site, so none can be put there (EBUSY) */
		if ((err == KERNEL_ENOTSUPP || err == EBUSY) &&
		    lt->rank == PROG_MODERN && lt->chosen &&
		    prog_alternative(section, fn, sizeof(fn)) == PROG_MODERN)
			return ATTACH_RETRY_CLASSIC;
		if (err == ENOENT && attach_say_no_syscall(prog)) {
			skipped++;
			continue;
		}
		/* no trampoline here: none on this kernel (ENOTSUPP), or
		 * none on this function, whose entry is no ftrace site
		 * (EBUSY on x86_64, ENOTSUPP on arm64). Like a function the
		 * kernel lacks, skipped: the tool's other programs may
		 * still serve, and nothing left is an error below. */
		if ((err == EBUSY || err == KERNEL_ENOTSUPP) &&
		    (!strncmp(section, "fentry/", 7) ||
		     !strncmp(section, "fexit/", 6))) {
			diag_info("warning: program '%s' (section '%s') failed "
				  "to attach: %s%s; skipped",
				  bpf_program__name(prog), section,
				  attach_strerror(err),
				  attach_hint(section, err, KPROBE_BLAME_NONE));
			skipped++;
			continue;
		}
		if (bpf_program__type(prog) == BPF_PROG_TYPE_PERF_EVENT) {
			const char *ev =
			    attach_perf_event_name(lt, bpf_program__name(prog));

			diag_err("program '%s' cannot sample '%s': %s%s; "
				 "choose another with --perf-event %s=EVENT",
				 bpf_program__name(prog), ev,
				 attach_strerror(err),
				 err == ENOENT || err == EOPNOTSUPP
				     ? " (this machine does not count it: no "
				       "PMU, as in many VMs)"
				     : "",
				 bpf_program__name(prog));
		} else if (err == EOPNOTSUPP || err == ESRCH) {
			diag_err("program '%s' (section '%s') has no attach "
				 "point bumble knows; use a section such as "
				 "tracepoint/, raw_tp/, tp_btf/, kprobe/, "
				 "uprobe/, xdp, tcx/ingress, cgroup_skb/, "
				 "perf_event",
				 bpf_program__name(prog), section);
		} else if ((blame = kprobe_blame(
				section, KPROBE_PMU, "/proc/kallsyms", fn,
				sizeof(fn))) == KPROBE_BLAME_NO_FUNCTION) {
			diag_err("program '%s' (section '%s') failed to "
				 "attach: kernel function '%s' does not exist "
				 "on this kernel (module not loaded, or "
				 "inlined)",
				 bpf_program__name(prog), section, fn);
		} else {
			diag_err("program '%s' (section '%s') failed to "
				 "attach: %s%s",
				 bpf_program__name(prog), section,
				 attach_strerror(err),
				 attach_hint(section, err, blame));
			libbpf_log_dump(bpf_program__name(prog), 5);
		}
		return BUMBLE_EXIT_ATTACH;
	}
	if (skipped && !lt->attached) {
		diag_err("no program attached: every one was skipped (the "
			 "reasons are above)");
		return BUMBLE_EXIT_ATTACH;
	}
	return 0;
}

void attach_close(struct loaded_tool *lt)
{
	while (lt->link_count > 0)
		bpf_link__destroy(lt->links[--lt->link_count]);
	free(lt->links);
	lt->links = NULL;
	while (lt->tc_count > 0) {
		struct tc_legacy *tc = &lt->tc[--lt->tc_count];

		bpf_tc_detach(&tc->hook, &tc->opts);
		if (tc->created_hook) {
			tc->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&tc->hook);
		}
	}
	free(lt->tc);
	lt->tc = NULL;
	if (lt->cgroup_fd >= 0)
		close(lt->cgroup_fd);
	lt->cgroup_fd = -1;
}
