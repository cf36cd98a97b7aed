// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* @NAME@: count the packets arriving on a network interface by
 * protocol, and report each protocol the first time it is seen.
 *
 *   bumble bundle @FILE@ -o @NAME@
 *   sudo ./@NAME@ --iface eth0
 *
 * Written by 'bumble init --template xdp'. An XDP program runs for
 * every packet the interface receives, before the kernel's network
 * stack; this one only watches and passes every packet on (XDP_PASS).
 * counter_packets holds the packet count per EtherType: 0x800 is IPv4,
 * 0x86dd IPv6, 0x806 ARP. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bumble.h>

/* Sent once per protocol, with the packet that first showed it. */
struct event {
	__u32 ifindex;
	__u32 len;
	hex_u16 ethertype; /* shown as 0x800 */
};

/* counter_ in its name: a counter, per key, for the tool to show. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u16);
	__type(value, __u64);
} counter_packets SEC(".maps");

/* The tool prints every event put on this ring buffer, decoded as the
 * struct named by __type(value, ...). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("xdp")
int count_packets(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct event *e;
	__u64 one = 1, *count;
	__u16 proto;

	/* the verifier insists: check the bounds before reading a byte */
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	proto = bpf_ntohs(eth->h_proto);
	count = bpf_map_lookup_elem(&counter_packets, &proto);
	if (count) {
		__sync_fetch_and_add(count, 1);
		return XDP_PASS;
	}
	/* a new protocol: start its count; another CPU may have been first */
	if (bpf_map_update_elem(&counter_packets, &proto, &one, BPF_NOEXIST))
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->ifindex = ctx->ingress_ifindex;
	e->len = data_end - data;
	e->ethertype = proto;
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
