// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* scrapebench: the program the metrics benchmark scrapes. Each getppid(2)
 * call of one process (--target_pid) adds a key to a counter map (up to
 * 10,000 of them, each key a series) and counts in one of 64 slots of a
 * log2-shaped histogram, so a driver fills both to a known size. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_pid = 0;

__u64 calls;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10000);
	__type(key, __u32);
	__type(value, __u64);
} counter_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} hist_slots SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
	__u64 n = __sync_fetch_and_add(&calls, 1) + 1, *v;
	__u32 key = (__u32)n, slot = (__u32)n & 63;

	if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_pid)
		return 0;
	bpf_map_update_elem(&counter_keys, &key, &n, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&hist_slots, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
