// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* tcpconns: a gauge of TCP sockets by state, kept up to date from the
 * sock:inet_sock_set_state tracepoint, for a terminal or Prometheus.
 *
 *   bumble bundle examples/tcpconns.bpf.c -o tcpconns
 *   sudo ./tcpconns --interval 5           # the table every 5 seconds
 *   sudo ./tcpconns --port 443 --metrics 9435
 *
 * Each state change takes one from the old state and adds one to the
 * new: the gauge counts the changes seen since the tool started, so a
 * socket opened before it and closed since shows as -1 in its state.
 * On /metrics: tcpconns_tcp_states{state="ESTABLISHED"}. Needs Linux
 * 4.16+ with BTF. */
/* arm64's vmlinux.h has a CLOSE of its own (enum fsl_mc_cmd_index):
 * renamed there, so that the enum below names the TCP states as the
 * kernel's tracepoint prints them, on every arch */
#define CLOSE fsl_mc_CLOSE
#include <vmlinux.h>
#undef CLOSE
#include <bpf/bpf_helpers.h>
#include <bumble.h>

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

struct state_key {
	enum tcpstate state;
};

/* TCP sockets by state: state changes in, minus out, since start. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, struct state_key);
	__type(value, __s64);
} gauge_tcp_states SEC(".maps");

static void add(int state, __s64 delta)
{
	struct state_key k = {.state = (enum tcpstate)state};
	__s64 *n;

	n = bpf_map_lookup_elem(&gauge_tcp_states, &k);
	if (n) {
		__sync_fetch_and_add(n, delta);
		return;
	}
	if (!bpf_map_update_elem(&gauge_tcp_states, &k, &delta, BPF_NOEXIST))
		return;
	n = bpf_map_lookup_elem(&gauge_tcp_states, &k); /* made meanwhile */
	if (n)
		__sync_fetch_and_add(n, delta);
}

SEC("tracepoint/sock/inet_sock_set_state")
int state_change(struct trace_event_raw_inet_sock_set_state *ctx)
{
	/* read whole, once: the verifier allows no pointer arithmetic on
	 * the tracepoint's context */
	int oldstate = ctx->oldstate, newstate = ctx->newstate;
	__u16 sport = ctx->sport, dport = ctx->dport;

	if (ctx->protocol != IPPROTO_TCP)
		return 0;
	if (port && sport != port && dport != port)
		return 0;
	/* a connection accepted on a listener is born as its copy: it
	 * leaves no LISTEN, it enters SYN_RECV */
	if (!(oldstate == LISTEN && newstate == SYN_RECV))
		add(oldstate, -1);
	add(newstate, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
