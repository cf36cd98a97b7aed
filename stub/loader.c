/* Loading a tool's bytecode: privilege and environment checks, opening
 * the embedded object, loading it into the kernel and attaching. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "stub.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int has_cap(const struct __user_cap_data_struct *data, int cap)
{
	return !!(data[cap / 32].effective & (1u << (cap % 32)));
}

int loader_check_privileges(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2] = {{0}};

	if (syscall(SYS_capget, &hdr, data) != 0)
		return 0; /* cannot tell: let the kernel decide */
	if (has_cap(data, CAP_SYS_ADMIN) ||
	    (has_cap(data, CAP_BPF) && has_cap(data, CAP_PERFMON)))
		return 0;
	diag_err("loading eBPF programs needs root, or the capabilities "
		 "CAP_BPF and CAP_PERFMON (CAP_SYS_ADMIN on kernels before "
		 "5.8); run it with sudo");
	return BUMBLE_EXIT_PRIVILEGE;
}

/* --btf FILE is read by libbpf only at load time, where a file that is
 * not BTF fails with a message about CO-RE relocations: parse it now. */
static int check_btf_file(const char *path)
{
	struct btf *btf = btf__parse(path, NULL);
	char why[128];

	if (btf) {
		btf__free(btf);
		return 0;
	}
	libbpf_strerror(-errno, why, sizeof(why));
	diag_err("'%s' is not a BTF file (%s); give --btf the kernel's BTF "
		 "(raw, as in /sys/kernel/btf/vmlinux, or an ELF file with "
		 "a .BTF section)",
		 path, why);
	return BUMBLE_EXIT_USAGE;
}

int loader_check_btf(const struct run_opts *opts, const struct embedded *e,
		     char *btf_path, size_t n, int *btf_fd)
{
	struct utsname u;

	if (opts->btf_path) {
		if (access(opts->btf_path, R_OK) != 0) {
			diag_err("cannot read the BTF file given with --btf "
				 "'%s': %s",
				 opts->btf_path, strerror(errno));
			return BUMBLE_EXIT_USAGE;
		}
		return check_btf_file(opts->btf_path);
	}
	*btf_fd = -1;
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		return 0;
	uname(&u);
	return kbtf_select(e, u.release, btf_path, n, btf_fd);
}

/* 0 when tracefs' events open, else -errno of the first place tried.
 * Opened, not access()ed: access() takes the real uid and drops the
 * capabilities (CAP_DAC_READ_SEARCH) a non-root tool runs with. */
static int tracefs_open(void)
{
	static const char *const paths[] = {"/sys/kernel/tracing/events",
					    "/sys/kernel/debug/tracing/events"};
	int err = 0;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd >= 0) {
			close(fd);
			return 0;
		}
		if (!err)
			err = -errno;
	}
	return err;
}

/* Tracepoint attachment reads event ids from tracefs: mount it when it
 * is missing, as root would have to by hand. */
static int ensure_tracefs(void)
{
	int err = tracefs_open();

	if (!err)
		return 0;
	if (err == -EACCES) {
		diag_err("tracefs (/sys/kernel/tracing) is mounted but not "
			 "readable: without root, tracepoints need "
			 "CAP_DAC_READ_SEARCH besides CAP_BPF and CAP_PERFMON");
		return BUMBLE_EXIT_PRIVILEGE;
	}
	if (mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0 &&
	    !tracefs_open()) {
		diag_info("mounted tracefs at /sys/kernel/tracing");
		return 0;
	}
	diag_err("tracepoints need tracefs, which is not mounted and could "
		 "not be mounted (%s); run: mount -t tracefs nodev "
		 "/sys/kernel/tracing",
		 strerror(errno));
	return BUMBLE_EXIT_ATTACH;
}

/* A ringbuf whose map declares its event type carries BTF type ids that
 * libbpf passes on and the kernel refuses, so libbpf would create it
 * twice (costly for a large one): create it here, without them. A
 * failure is left to libbpf to make and report. */
static void create_ringbuf(struct bpf_map *map)
{
	LIBBPF_OPTS(bpf_map_create_opts, create_opts,
		    .map_flags = bpf_map__map_flags(map),
		    .numa_node = bpf_map__numa_node(map));
	int fd;

	if (bpf_map__pin_path(map))
		return;
	fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, bpf_map__name(map), 0, 0,
			    bpf_map__max_entries(map), &create_opts);
	if (fd < 0)
		return;
	bpf_map__reuse_fd(map, fd); /* takes a copy of fd */
	close(fd);
}

/* What libbpf-tools' user space sets before loading: --map-size from
 * bundle time, else for a max_entries of 0 MAP_DEFAULT_ENTRIES, and for
 * a stack trace map without a value size room for MAP_STACK_DEPTH
 * addresses. */
#define MAP_DEFAULT_ENTRIES 10240
#define MAP_STACK_DEPTH	    127

static void size_map(const struct bumble_tool *t, struct bpf_map *map)
{
	for (unsigned int i = 0; i < t->map_count; i++)
		if (t->maps[i].max_entries &&
		    !strcmp(t->maps[i].name, bpf_map__name(map))) {
			bpf_map__set_max_entries(map, t->maps[i].max_entries);
			break;
		}
	if (bpf_map__type(map) == BPF_MAP_TYPE_STACK_TRACE &&
	    !bpf_map__value_size(map))
		bpf_map__set_value_size(map, MAP_STACK_DEPTH * sizeof(__u64));
	if (!bpf_map__max_entries(map) && !bpf_map__is_internal(map))
		bpf_map__set_max_entries(map, MAP_DEFAULT_ENTRIES);
}

int loader_open(const struct bumble_tool *t, const struct run_opts *opts,
		const struct embedded *e, int alu32, struct loaded_tool *lt)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = t->name,
		    .btf_custom_path = opts->btf_path);
	struct bpf_map *map;
	int err;

	memset(lt, 0, sizeof(*lt));
	lt->cgroup_fd = -1;
	lt->tool = t;
	lt->attaches = opts->attaches;
	lt->attach_count = opts->attach_count;
	lt->perf_events = opts->perf_events;
	lt->perf_event_count = opts->perf_event_count;
	lt->alu32 = alu32 && e->alu32;
	lt->obj =
	    lt->alu32
		? bpf_object__open_mem(e->alu32, e->alu32_size, &open_opts)
		: bpf_object__open_mem(e->view.bytecode, e->view.bytecode_size,
				       &open_opts);
	if (!lt->obj) {
		err = errno;
		diag_err("the embedded bytecode is not a usable BPF object "
			 "(%s); rebuild the tool with bumble bundle",
			 strerror(err));
		libbpf_log_dump(NULL, 10);
		return BUMBLE_EXIT_PAYLOAD;
	}
	/* A struct value type on a ringbuf or perf buffer map describes the
	 * events; the kernel itself accepts no such value size. */
	bpf_object__for_each_map(map, lt->obj)
	{
		switch (bpf_map__type(map)) {
		case BPF_MAP_TYPE_RINGBUF:
			if (bpf_map__value_size(map))
				bpf_map__set_value_size(map, 0);
			if (bpf_map__key_size(map))
				bpf_map__set_key_size(map, 0);
			create_ringbuf(map);
			break;
		case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
			bpf_map__set_value_size(map, sizeof(int));
			bpf_map__set_key_size(map, sizeof(int));
			break;
		default:
			size_map(t, map);
			break;
		}
	}
	return 0;
}

static int needs_tracefs(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
	{
		if (bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT)
			return 1;
	}
	return 0;
}

int loader_load(const struct bumble_tool *t, struct loaded_tool *lt, int quiet)
{
	char prog[128];
	int err;

	if (needs_tracefs(lt->obj) && (err = ensure_tracefs()))
		return err;
	err = bpf_object__load(lt->obj);
	if (!err)
		return 0;
	lt->load_err = err;
	if (quiet) /* another attempt may follow, or loader_report */
		return libbpf_log_verifier(prog, sizeof(prog))
			   ? BUMBLE_EXIT_VERIFIER
			   : BUMBLE_EXIT_FAILURE;
	return loader_report(t, lt);
}

int loader_report(const struct bumble_tool *t, const struct loaded_tool *lt)
{
	int err = lt->load_err;
	char prog[128];
	const char *vlog;

	vlog = libbpf_log_verifier(prog, sizeof(prog));
	if (vlog) {
		const char *tail = vlog + strlen(vlog);
		int lines = 0;

		while (tail > vlog && lines <= 20)
			if (*--tail == '\n')
				lines++;
		if (tail > vlog)
			tail++;
		diag_err("the kernel's verifier rejected program '%s' of "
			 "%s%s; the end of its log:",
			 prog[0] ? prog : "?", t->name,
			 lt->alu32 ? " (its v1 build too; this is the log of "
				     "its 32-bit ALU build)"
				   : "");
		fprintf(stderr, "%s%s", tail,
			*tail && tail[strlen(tail) - 1] != '\n' ? "\n" : "");
		if (strstr(vlog, "BPF_STX uses reserved fields"))
			diag_info(
			    "hint: atomic instructions that fetch a value "
			    "(the result of __sync_fetch_and_add used) "
			    "need Linux 5.12 or later; on older kernels "
			    "use __sync_fetch_and_add as a statement");
		return BUMBLE_EXIT_VERIFIER;
	}
	if ((err == -EPERM || err == -EACCES) && geteuid() == 0) {
		/* not a missing capability: the kernel says no to root */
		diag_err("the kernel refused to load the programs even for "
			 "root (%s): it may not support one of their types "
			 "(fentry/fexit need BPF trampolines) or kernel "
			 "lockdown may forbid BPF; libbpf said:",
			 strerror(-err));
		libbpf_log_dump("prog '", 4);
		return BUMBLE_EXIT_FAILURE;
	}
	if (err == -EPERM || err == -EACCES) {
		diag_err("the kernel refused to load the programs (%s): needs "
			 "root, or CAP_BPF and CAP_PERFMON",
			 strerror(-err));
		return BUMBLE_EXIT_PRIVILEGE;
	}
	diag_err("loading into the kernel failed: %s", strerror(-err));
	libbpf_log_dump(NULL, 10);
	return BUMBLE_EXIT_FAILURE;
}

void loader_close(struct loaded_tool *lt)
{
	attach_close(lt);
	bpf_object__close(lt->obj);
	lt->obj = NULL;
}
