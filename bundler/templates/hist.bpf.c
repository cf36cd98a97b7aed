// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* @NAME@: how long read(2) calls take, host-wide, as a log2 histogram;
 * each slow read is also shown as it returns.
 *
 *   bumble bundle @FILE@ -o @NAME@
 *   sudo ./@NAME@              # columns: PID COMM TOOK
 *   sudo ./@NAME@ --json       # TOOK in nanoseconds
 *   sudo ./@NAME@ --min_ms 10  # show reads slower than 10 ms
 *
 * Written by 'bumble init --template hist'. hist_read_ns[i] counts the
 * reads that took from 2^i to 2^(i+1) - 1 nanoseconds. Slow reads are
 * mostly waits: on a terminal, a pipe or a socket. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bumble.h>

/* show each read slower than this many milliseconds */
const volatile __u64 min_ms = 100;

/* One event per slow read; each member is a column of the output. */
struct event {
	__u32 pid;
	char comm[16];
	duration took; /* shown in human units: 1.250ms */
};

/* When each thread entered read(), by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} starts SEC(".maps");

/* hist_ in its name: a histogram, 64 log2 slots of nanoseconds. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hist_read_ns SEC(".maps");

/* The tool prints every event put on this ring buffer, decoded as the
 * struct named by __type(value, ...). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_read")
int read_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();

	bpf_map_update_elem(&starts, &tid, &now, BPF_ANY);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_read")
int read_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, slot;
	__u64 *start, *bucket, took;
	struct event *e;

	start = bpf_map_lookup_elem(&starts, &tid);
	if (!start)
		return 0; /* the read began before the tool started */
	took = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&starts, &tid);

	slot = bumble_log2(took); /* floor(log2(took)): 0..63 (bumble.h) */
	bucket = bpf_map_lookup_elem(&hist_read_ns, &slot);
	if (bucket)
		__sync_fetch_and_add(bucket, 1);

	if (took < min_ms * 1000000)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0; /* ring buffer full: the event is dropped */
	e->pid = id >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->took = took;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
