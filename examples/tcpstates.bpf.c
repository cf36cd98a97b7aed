// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpstates: trace TCP state changes (sock:inet_sock_set_state), with
 * both ends of the connection and the time spent in the old state.
 *
 *   bumble bundle examples/tcpstates.bpf.c -o tcpstates
 *   sudo ./tcpstates                    # every TCP state change
 *   sudo ./tcpstates --port 443         # only connections to or from 443
 *   sudo ./tcpstates --filter newstate=CLOSE
 *
 * Addresses are IPv6; IPv4 ones appear mapped (::ffff:10.0.0.1). IN_OLD
 * is how long the socket was in OLDSTATE (0 for a socket first seen).
 * Needs Linux 5.8+ (ringbuf) with BTF. */
/* arm64's vmlinux.h has a CLOSE of its own (enum fsl_mc_cmd_index):
 * renamed there, so that the enum below names the TCP states as the
 * kernel's tracepoint prints them, on every arch */
#define CLOSE fsl_mc_CLOSE
#include <vmlinux.h>
#undef CLOSE
#include <bpf/bpf_helpers.h>
#include <bumble.h>

#define AF_INET 2
#define IPPROTO_TCP 6

/* only connections with this local or remote port (0: all) */
const volatile __u16 port = 0;

enum tcpstate {
	ESTABLISHED = 1,
	SYN_SENT,
	SYN_RECV,
	FIN_WAIT1,
	FIN_WAIT2,
	TIME_WAIT,
	CLOSE,
	CLOSE_WAIT,
	LAST_ACK,
	LISTEN,
	CLOSING,
	NEW_SYN_RECV,
	BOUND_INACTIVE,
};

struct event {
	__u32 pid;
	char comm[16];
	ipv6_addr saddr;
	__u16 sport;
	ipv6_addr daddr;
	__u16 dport;
	enum tcpstate oldstate;
	enum tcpstate newstate;
	duration in_old;
};

/* when each socket entered its current state */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u64);
} since SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

/* ::ffff:a.b.c.d for an IPv4 address (read whole: the verifier allows
 * no pointer arithmetic on the tracepoint's context) */
static void map_v4(__u8 *dst, __u32 v4)
{
	__builtin_memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	__builtin_memcpy(dst + 12, &v4, 4);
}

SEC("tracepoint/sock/inet_sock_set_state")
int state_change(struct trace_event_raw_inet_sock_set_state *ctx)
{
	__u64 sk = (__u64)ctx->skaddr, now = bpf_ktime_get_ns(), *t;
	struct event *e;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (port && ctx->sport != port && ctx->dport != port)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (ctx->family == AF_INET) {
		map_v4(e->saddr, *(__u32 *)ctx->saddr);
		map_v4(e->daddr, *(__u32 *)ctx->daddr);
	} else {
		bpf_probe_read_kernel(e->saddr, 16, ctx->saddr_v6);
		bpf_probe_read_kernel(e->daddr, 16, ctx->daddr_v6);
	}
	e->sport = ctx->sport;
	e->dport = ctx->dport;
	e->oldstate = ctx->oldstate;
	e->newstate = ctx->newstate;
	t = bpf_map_lookup_elem(&since, &sk);
	e->in_old = t ? now - *t : 0;
	bpf_ringbuf_submit(e, 0);
	if (ctx->newstate == CLOSE)
		bpf_map_delete_elem(&since, &sk);
	else
		bpf_map_update_elem(&since, &sk, &now, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
