// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* @NAME@: every openat(2) on the host: who opened which path.
 *
 *   bumble bundle @FILE@ -o @NAME@
 *   sudo ./@NAME@              # columns: PID COMM FILENAME
 *   sudo ./@NAME@ --json       # one JSON object per call
 *   sudo ./@NAME@ --pid 1234   # one process only
 *
 * Written by 'bumble init --template tracepoint'. To trace another
 * syscall, change the SEC() name; the tracepoints and their arguments
 * are listed under /sys/kernel/tracing/events/syscalls/. Every
 * const volatile global is an option of the tool (--pid). */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

#define PATH_LEN 256

/* only this process id (0: every process) */
const volatile __u32 pid = 0;

/* One event per call; each member is a column of the tool's output. */
struct event {
	__u32 pid;
	char comm[16];
	char filename[PATH_LEN];
};

/* The tool prints every event put on this ring buffer, decoded as the
 * struct named by __type(value, ...). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct event *e;

	if (pid && pid != tgid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0; /* ring buffer full: the event is dropped */
	e->pid = tgid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* openat(dirfd, pathname, flags, mode): the path is args[1] */
	bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				(const char *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
