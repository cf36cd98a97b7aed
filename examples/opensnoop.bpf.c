// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* opensnoop: trace open(2) and openat(2): who opened which file, with
 * which flags, and the file descriptor or the error it got.
 *
 *   bumble bundle examples/opensnoop.bpf.c -o opensnoop
 *   sudo ./opensnoop                       # every open on the host
 *   sudo ./opensnoop --pid 1234            # one process
 *   sudo ./opensnoop --uid 1000 --failed   # one user's failed opens
 *
 * RET is the new fd, or -errno (-2 is ENOENT). The filters run in the
 * kernel: events that do not match are never copied to user space.
 * Needs Linux 5.8+ (ringbuf) with BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bumble.h>

/* only this process id (0: every process) */
const volatile __u32 pid = 0;
/* only this user id (-1: every user) */
const volatile __s64 uid = -1;
const volatile bool failed = false; /* only opens that failed */

struct event {
	__u32 pid;
	__u32 uid;
	int ret;
	hex_u32 flags;
	char comm[16];
	char filename[256];
};

/* opens in flight, by thread id, from syscall entry to exit */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct event);
} inflight SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

static const struct event empty;

static __always_inline int enter(const char *filename, int flags)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, uid_now = (__u32)bpf_get_current_uid_gid();
	struct event *e;

	if (pid && pid != id >> 32)
		return 0;
	if (uid >= 0 && uid != uid_now)
		return 0;
	if (bpf_map_update_elem(&inflight, &tid, &empty, BPF_ANY))
		return 0;
	e = bpf_map_lookup_elem(&inflight, &tid);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = uid_now;
	e->flags = flags;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename), filename);
	return 0;
}

static __always_inline int leave(long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct event *e = bpf_map_lookup_elem(&inflight, &tid);

	if (!e)
		return 0;
	e->ret = ret;
	if (!failed || ret < 0)
		bpf_ringbuf_output(&events, e, sizeof(*e), 0);
	bpf_map_delete_elem(&inflight, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[0], (int)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	return enter((const char *)ctx->args[1], (int)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct trace_event_raw_sys_exit *ctx)
{
	return leave(ctx->ret);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
