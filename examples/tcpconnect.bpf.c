// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpconnect: trace active IPv4 TCP connections (connect(2) on a TCP
 * socket), with the process, the source and destination addresses and
 * the destination port.
 *
 *   bumble bundle examples/tcpconnect.bpf.c -o tcpconnect
 *   sudo ./tcpconnect               # columns: PID UID COMM SADDR DADDR DPORT
 *   sudo ./tcpconnect --port 443    # only connections to port 443
 *
 * A kprobe on tcp_v4_connect() remembers the socket and a kretprobe
 * reports it once the kernel has chosen the source address; connects
 * that fail there (no route, bad address) are not shown, those refused
 * later by the peer are. Needs a kernel with kprobes (CONFIG_KPROBES, as
 * Debian's and most distributions' kernels have; without them the tool
 * says so and exits 7), Linux 5.8+ (ringbuf) and BTF. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bumble.h>

/* only connections to this destination port (0: every port) */
const volatile __u16 port = 0;

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	ipv4_addr saddr;
	ipv4_addr daddr;
	net_port dport;
};

/* connects in flight, by thread id: the socket tcp_v4_connect got */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct sock *);
} sockets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(tcp_v4_connect_enter, struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	bpf_map_update_elem(&sockets, &tid, &sk, BPF_ANY);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(tcp_v4_connect_return, int ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct sock **skp, *sk;
	struct event *e;
	__u16 dport;

	skp = bpf_map_lookup_elem(&sockets, &tid);
	if (!skp)
		return 0;
	sk = *skp;
	bpf_map_delete_elem(&sockets, &tid);
	if (ret)
		return 0;
	dport = BPF_CORE_READ(sk, __sk_common.skc_dport);
	if (port && bpf_ntohs(dport) != port)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->saddr = BPF_CORE_READ(sk, __sk_common.skc_rcv_saddr);
	e->daddr = BPF_CORE_READ(sk, __sk_common.skc_daddr);
	e->dport = dport;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
