/* Which BPF programs a tool attaches through one of its options (--iface,
 * --cgroup) rather than by libbpf's auto-attach. Pure; shared with
 * bumble, which refuses at bundle time what the tool cannot attach. */
#include <linux/bpf.h>

#include "prog_kinds.h"

int prog_is_net(int type)
{
	return type == BPF_PROG_TYPE_XDP || type == BPF_PROG_TYPE_SCHED_CLS;
}

int prog_is_cgroup(int type)
{
	switch (type) {
	case BPF_PROG_TYPE_CGROUP_SKB:
	case BPF_PROG_TYPE_CGROUP_SOCK:
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
	case BPF_PROG_TYPE_CGROUP_DEVICE:
	case BPF_PROG_TYPE_SOCK_OPS:
		return 1;
	default:
		return 0;
	}
}
