// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* syscount: count system calls by call and by process name, from the
 * raw_syscalls:sys_enter tracepoint, for a terminal or for Prometheus.
 *
 *   bumble bundle examples/syscount.bpf.c -o syscount
 *   sudo ./syscount --interval 5           # the busiest every 5 seconds
 *   sudo ./syscount --pid 1234             # one process only
 *   sudo ./syscount --metrics 9435         # http://127.0.0.1:9435/metrics
 *
 * The counts are in counter_syscalls, keyed by the call (shown by its
 * name: openat) and the process name; on /metrics they are the series
 * syscount_syscalls_total{nr="openat",comm="bash"}. Needs Linux 4.17+
 * with BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bumble.h>

/* only this process id (0: every process) */
const volatile __u32 pid = 0;

struct call_key {
	syscall_nr nr;
	char comm[16];
};

/* System calls made, by call and process name. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct call_key);
	__type(value, __u64);
} counter_syscalls SEC(".maps");

SEC("tracepoint/raw_syscalls/sys_enter")
int count_syscall(struct trace_event_raw_sys_enter *ctx)
{
	struct call_key k = {};
	__u64 one = 1, *n;

	if (pid && (bpf_get_current_pid_tgid() >> 32) != pid)
		return 0;
	k.nr = (syscall_nr)ctx->id;
	bpf_get_current_comm(k.comm, sizeof(k.comm));
	n = bpf_map_lookup_elem(&counter_syscalls, &k);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counter_syscalls, &k, &one, BPF_NOEXIST);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
