/* Unit tests of which program sections are alternatives for one target
 * (prog_kinds.c): tp_btf/raw_tp, fentry/kprobe, fexit/kretprobe. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "prog_kinds.h"

static const char *target_of(const char *section, int *rank)
{
	static char t[64];

	*rank = prog_alternative(section, t, sizeof(t));
	return *rank < 0 ? "" : t;
}

int main(void)
{
	int r;

	CHECK_STR(target_of("tp_btf/irq_handler_entry", &r),
		  "tp/irq_handler_entry", "tp_btf/X: the target tp/X");
	CHECK(r == PROG_MODERN, "tp_btf is the modern one");
	CHECK_STR(target_of("raw_tp/irq_handler_entry", &r),
		  "tp/irq_handler_entry", "raw_tp/X: the same target");
	CHECK(r == PROG_CLASSIC, "raw_tp is the classic one");
	CHECK_STR(target_of("raw_tracepoint/sched_switch", &r),
		  "tp/sched_switch", "raw_tracepoint/X too");
	CHECK_STR(target_of("fentry/vfs_read", &r), "entry/vfs_read",
		  "fentry/F: entry/F");
	CHECK(r == PROG_MODERN, "fentry is the modern one");
	CHECK_STR(target_of("kprobe/vfs_read", &r), "entry/vfs_read",
		  "kprobe/F: the same target");
	CHECK(r == PROG_CLASSIC, "kprobe is the classic one");
	CHECK_STR(target_of("fexit/vfs_read", &r), "exit/vfs_read",
		  "fexit/F: exit/F");
	CHECK_STR(target_of("kretprobe/vfs_read", &r), "exit/vfs_read",
		  "kretprobe/F: exit/F");
	target_of("kprobe/vfs_read+16", &r);
	CHECK(r < 0, "a kprobe at an offset has no fentry twin");
	target_of("tracepoint/syscalls/sys_enter_read", &r);
	CHECK(r < 0, "a tracepoint is no alternative");
	target_of("kprobe/", &r);
	CHECK(r < 0, "a section without a target is none");
	target_of("uprobe//bin/bash:readline", &r);
	CHECK(r < 0, "a uprobe is none");
	{
		unsigned int type = 0;
		unsigned long long config = 0;

		CHECK(!perf_event_by_name("cache-misses", &type, &config) &&
			  type == 0 /* PERF_TYPE_HARDWARE */ && config == 3,
		      "cache-misses: a hardware event");
		CHECK(!perf_event_by_name("page-faults", &type, &config) &&
			  type == 1 /* PERF_TYPE_SOFTWARE */ && config == 2,
		      "page-faults: a software event");
		CHECK(!perf_event_by_name("LLC-load-misses", &type, &config) &&
			  type == 3 && config == (2 | 0 << 8 | 1 << 16),
		      "LLC-load-misses: a cache event, read, miss");
		CHECK(perf_event_by_name("cycle", &type, &config) < 0,
		      "an unknown name: none");
		CHECK(strstr(perf_event_names(), "cpu-clock, task-clock") &&
			  strstr(perf_event_names(), "dTLB-load-misses"),
		      "the names, for a message");
	}
	{
		char small[8];

		CHECK(prog_alternative("fentry/a_long_function", small,
				       sizeof(small)) < 0,
		      "a target longer than the buffer: none, not cut");
	}
	return check_failures ? 1 : 0;
}
