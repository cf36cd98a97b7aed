// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpcount: count the packets arriving on an interface by IP protocol,
 * at the XDP hook, and show each IPv4 packet's addresses.
 *
 *   bumble bundle examples/xdpcount.bpf.c -o xdpcount
 *   sudo ./xdpcount --iface eth0          # every packet: SADDR DADDR ...
 *   sudo ./xdpcount --iface eth0 --sample 100   # one packet in 100
 *
 * Packets always pass (XDP_PASS); the program is detached on exit. The
 * counts are in counter_packets, by protocol, shown on exit. Needs
 * Linux 5.9+ (XDP links, ringbuf) with BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bumble.h>

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD

/* show one packet in this many (1: every packet) */
const volatile __u32 sample = 1;

enum l4 {
	L4_OTHER = 0,
	L4_ICMP = 1,
	L4_TCP = 6,
	L4_UDP = 17,
	L4_ICMPV6 = 58,
};

struct proto_key {
	enum l4 proto;
};

struct event {
	ipv4_addr saddr;
	ipv4_addr daddr;
	enum l4 proto;
	__u16 len;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct proto_key);
	__type(value, __u64);
} counter_packets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

static __u32 seen;

static void count(enum l4 proto)
{
	struct proto_key k = {.proto = proto};
	__u64 one = 1, *n;

	n = bpf_map_lookup_elem(&counter_packets, &k);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&counter_packets, &k, &one, BPF_NOEXIST);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct event *e;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + sizeof(*eth);

		if ((void *)(ip6 + 1) <= end)
			count(ip6->nexthdr == L4_ICMPV6 ? L4_ICMPV6 : L4_OTHER);
		return XDP_PASS;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > end) {
		count(L4_OTHER);
		return XDP_PASS;
	}
	count((enum l4)ip->protocol);
	if (sample > 1 && seen++ % sample)
		return XDP_PASS;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return XDP_PASS;
	e->saddr = ip->saddr;
	e->daddr = ip->daddr;
	e->proto = (enum l4)ip->protocol;
	e->len = bpf_ntohs(ip->tot_len);
	bpf_ringbuf_submit(e, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
