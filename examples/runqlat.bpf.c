// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* runqlat: how long runnable tasks wait for a CPU (scheduler run queue
 * latency), as a log2 histogram in microseconds, from the sched_wakeup,
 * sched_wakeup_new and sched_switch tracepoints.
 *
 *   bumble bundle examples/runqlat.bpf.c -o runqlat
 *   sudo ./runqlat --interval 5            # the histogram every 5 s
 *   sudo ./runqlat --metrics 9435          # a Prometheus histogram
 *
 * A task is timed from its wakeup (or from being preempted while still
 * runnable) to the switch that puts it on a CPU. Slot i of
 * hist_runq_latency counts waits of [2^i, 2^(i+1)) microseconds; on
 * /metrics that is le="2^(i+1)-1". Needs Linux 5.5+ (tp_btf) with BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bumble.h>

#define TASK_RUNNING 0

/* task_struct's state, named state before Linux 5.14 */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

static long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ((struct task_struct___old *)t, state);
}

/* only this process id (0: every process) */
const volatile __u32 pid = 0;

/* when each runnable task was queued, by thread id */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} queued_at SEC(".maps");

/* Run queue latency of tasks, in microseconds (log2 slots). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hist_runq_latency SEC(".maps");

static int enqueue(struct task_struct *p)
{
	__u32 tid = p->pid;
	__u64 now;

	if (!tid || (pid && p->tgid != pid))
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&queued_at, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(on_wakeup, struct task_struct *p)
{
	return enqueue(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(on_wakeup_new, struct task_struct *p)
{
	return enqueue(p);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	__u32 tid = next->pid, slot;
	__u64 *t, *n;

	if (task_state(prev) == TASK_RUNNING)
		enqueue(prev); /* preempted: waits again */
	t = bpf_map_lookup_elem(&queued_at, &tid);
	if (!t)
		return 0;
	slot = bumble_log2((bpf_ktime_get_ns() - *t) / 1000);
	bpf_map_delete_elem(&queued_at, &tid);
	if (slot > 63)
		slot = 63;
	n = bpf_map_lookup_elem(&hist_runq_latency, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
