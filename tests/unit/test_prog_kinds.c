/* Unit tests of which program sections are alternatives for one target
 * (prog_kinds.c): tp_btf/raw_tp, fentry/kprobe, fexit/kretprobe. */
#include <stdio.h>

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
		char small[8];

		CHECK(prog_alternative("fentry/a_long_function", small,
				       sizeof(small)) < 0,
		      "a target longer than the buffer: none, not cut");
	}
	return check_failures ? 1 : 0;
}
