// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* exitsnoop: trace every process exit, with its exit code or the signal
 * that killed it, and how long it lived.
 *
 *   bumble bundle examples/exitsnoop.bpf.c -o exitsnoop
 *   sudo ./exitsnoop          # columns: COMM PID PPID AGE EXIT_CODE SIG
 *   sudo ./exitsnoop --json   # AGE in nanoseconds
 *
 * Only whole processes are shown (the exit of the last thread); SIG is
 * the signal that ended it (SIGTERM), 0 for a normal exit. Needs
 * Linux 5.8+ (ringbuf) with BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bumble.h>

struct event {
	char comm[16];
	__u32 pid;
	__u32 ppid;
	duration age; /* shown in human units: 1.250ms */
	int exit_code;
	signal_nr sig; /* shown by name: SIGTERM */
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("tracepoint/sched/sched_process_exit")
int process_exit(void *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct task_struct *task;
	struct event *e;
	int code;

	if ((__u32)(id >> 32) != (__u32)id)
		return 0; /* a thread, not the process */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	code = BPF_CORE_READ(task, exit_code);
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->age = bpf_ktime_get_ns() - BPF_CORE_READ(task, start_time);
	e->exit_code = (code >> 8) & 0xff;
	e->sig = code & 0x7f;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
