// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* evbench: the benchmark program. One ringbuf event per getppid(2) made
 * by one process (--target_pid), so a driver controls the event rate
 * exactly. Both bumble and the hand-written tool in bench/reference/
 * build this same file. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bumble.h>

struct event {
	__u32 pid;
	__u32 uid;
	__u64 seq;
	__u64 ts_ns;
	char comm[16];
};

/* 32 MiB: room for a burst the consumer has not caught up with yet. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 * 1024 * 1024);
	__type(value, struct event);
} events SEC(".maps");

/* Only getppid(2) calls by this process (tgid) make events. */
const volatile __u32 target_pid = 0;

__u64 seq;

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct event *e;

	if ((__u32)(id >> 32) != target_pid)
		return 0;
	e = bumble_ringbuf_reserve(&events, sizeof(*e));
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->seq = __sync_fetch_and_add(&seq, 1);
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
