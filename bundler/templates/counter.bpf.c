// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* @NAME@: count program executions by name, and show each exec with the
 * count so far for its name.
 *
 *   bumble bundle @FILE@ -o @NAME@
 *   sudo ./@NAME@              # columns: PID COMM COUNT
 *   sudo ./@NAME@ --json       # one JSON object per exec
 *
 * Written by 'bumble init --template counter'. counter_execs maps
 * each program name (comm, after the exec) to how many times it ran
 * since the tool started; the ring buffer shows the counts as they
 * grow. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

struct comm_key {
	char comm[16];
};

/* One event per exec; each member is a column of the output. */
struct event {
	__u32 pid;
	char comm[16];
	__u64 count;
};

/* counter_ in its name: a counter, per key, for the tool to show. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct comm_key);
	__type(value, __u64);
} counter_execs SEC(".maps");

/* The tool prints every event put on this ring buffer, decoded as the
 * struct named by __type(value, ...). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("tracepoint/sched/sched_process_exec")
int count_exec(void *ctx)
{
	struct comm_key key = {};
	__u64 zero = 0, *count;
	struct event *e;

	bpf_get_current_comm(key.comm, sizeof(key.comm));
	count = bpf_map_lookup_elem(&counter_execs, &key);
	if (!count) {
		/* first exec of this name (or a race with another CPU) */
		bpf_map_update_elem(&counter_execs, &key, &zero, BPF_NOEXIST);
		count = bpf_map_lookup_elem(&counter_execs, &key);
		if (!count)
			return 0; /* the map is full */
	}
	/* atomic, as a statement: kernels before 5.12 reject using the
	 * value it returns */
	__sync_fetch_and_add(count, 1);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0; /* ring buffer full: the event is dropped */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	__builtin_memcpy(e->comm, key.comm, sizeof(e->comm));
	e->count = *count;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
