/* Which BPF programs a tool attaches through one of its options (--iface,
 * --cgroup) rather than by libbpf's auto-attach, which are alternatives
 * for one target, and the events perf_event programs sample. Pure;
 * shared with bumble, which refuses at bundle time what the tool cannot
 * attach. */
#include <linux/bpf.h>
#include <linux/perf_event.h>
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

/* perf(1)'s names: software, hardware and cache events */
#define CACHE(id, op, res) ((id) | ((op) << 8) | ((res) << 16))

static const struct {
	const char *name;
	unsigned int type;
	unsigned long long config;
} perf_events[] = {
    {"cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK},
    {"task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {"context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
    {"cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {"branch-instructions", PERF_TYPE_HARDWARE,
     PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
    {"bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES},
    {"ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES},
    {"LLC-loads", PERF_TYPE_HW_CACHE,
     CACHE(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ,
	   PERF_COUNT_HW_CACHE_RESULT_ACCESS)},
    {"LLC-load-misses", PERF_TYPE_HW_CACHE,
     CACHE(PERF_COUNT_HW_CACHE_LL, PERF_COUNT_HW_CACHE_OP_READ,
	   PERF_COUNT_HW_CACHE_RESULT_MISS)},
    {"L1-dcache-load-misses", PERF_TYPE_HW_CACHE,
     CACHE(PERF_COUNT_HW_CACHE_L1D, PERF_COUNT_HW_CACHE_OP_READ,
	   PERF_COUNT_HW_CACHE_RESULT_MISS)},
    {"dTLB-load-misses", PERF_TYPE_HW_CACHE,
     CACHE(PERF_COUNT_HW_CACHE_DTLB, PERF_COUNT_HW_CACHE_OP_READ,
	   PERF_COUNT_HW_CACHE_RESULT_MISS)},
};

int perf_event_by_name(const char *name, unsigned int *type,
		       unsigned long long *config)
{
	for (size_t i = 0; i < sizeof(perf_events) / sizeof(perf_events[0]);
	     i++)
		if (!strcmp(perf_events[i].name, name)) {
			*type = perf_events[i].type;
			*config = perf_events[i].config;
			return 0;
		}
	return -1;
}

const char *perf_event_names(void)
{
	static char names[512];

	if (!names[0])
		for (size_t i = 0;
		     i < sizeof(perf_events) / sizeof(perf_events[0]); i++)
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s",
				 i ? ", " : "", perf_events[i].name);
	return names;
}
