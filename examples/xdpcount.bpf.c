// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* xdpcount: count the packets arriving on an interface by IP protocol,
 * at the XDP hook, and show each IPv4 packet's addresses.
 *
 *   bumble bundle examples/xdpcount.bpf.c -o xdpcount
 *   sudo ./xdpcount --iface eth0          # every packet: SADDR DADDR ...
 *   sudo ./xdpcount --iface eth0 --sample 100   # one packet in 100
 *
 * Packets always pass (XDP_PASS); the program is detached on exit. The
 * counts are in counter_packets and counter_bytes, by protocol, shown
 * on exit, every --interval, and with --metrics PORT on /metrics as
 * xdpcount_packets_total{proto="L4_UDP"} and xdpcount_bytes_total. Needs
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

/* packets seen, by IP protocol */
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

/* bytes of those packets, frames whole */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct proto_key);
	__type(value, __u64);
} counter_bytes SEC(".maps");

static __u32 seen;

static void add(void *map, struct proto_key *k, __u64 v)
{
	__u64 *n = bpf_map_lookup_elem(map, k);

	if (n)
		__sync_fetch_and_add(n, v);
	else if (bpf_map_update_elem(map, k, &v, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(map, k); /* made meanwhile */
		if (n)
			__sync_fetch_and_add(n, v);
	}
}

/* one more packet of len bytes (the whole frame) */
static void count(enum l4 proto, __u64 len)
{
	struct proto_key k = {.proto = proto};

	add(&counter_packets, &k, 1);
	add(&counter_bytes, &k, len);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	__u64 len = (__u64)(end - data);
	struct event *e;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + sizeof(*eth);

		if ((void *)(ip6 + 1) <= end)
			count(ip6->nexthdr == L4_ICMPV6 ? L4_ICMPV6 : L4_OTHER,
			      len);
		return XDP_PASS;
	}
	if (eth->h_proto != bpf_htons(ETH_P_IP) || (void *)(ip + 1) > end) {
		count(L4_OTHER, len);
		return XDP_PASS;
	}
	count((enum l4)ip->protocol, len);
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
