/* Which BPF programs a tool attaches through one of its options (--iface,
 * --cgroup) rather than by libbpf's auto-attach, and which are
 * alternatives for one target. Pure; shared with bumble, which refuses
 * at bundle time what the tool cannot attach. */
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

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

int prog_alternative(const char *section, char *target, size_t n)
{
	static const struct {
		const char *prefix, *target;
		int rank;
	} kinds[] = {
	    {"tp_btf/", "tp", PROG_MODERN},
	    {"raw_tp/", "tp", PROG_CLASSIC},
	    {"raw_tracepoint/", "tp", PROG_CLASSIC},
	    {"fentry/", "entry", PROG_MODERN},
	    {"kprobe/", "entry", PROG_CLASSIC},
	    {"fexit/", "exit", PROG_MODERN},
	    {"kretprobe/", "exit", PROG_CLASSIC},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t len = strlen(kinds[i].prefix);
		const char *name = section + len;
		int w;

		if (strncmp(section, kinds[i].prefix, len) || !*name ||
		    strpbrk(name, "+:/"))
			continue;
		w = snprintf(target, n, "%s/%s", kinds[i].target, name);
		if (w < 0 || (size_t)w >= n)
			return -1;
		return kinds[i].rank;
	}
	return -1;
}
