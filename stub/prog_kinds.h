/* Which BPF programs a tool attaches through one of its options rather
 * than by libbpf's auto-attach: shared by the tool's attach code and
 * bumble's bundle-time section check (prog_kinds.c). */
#ifndef BUMBLE_PROG_KINDS_H
#define BUMBLE_PROG_KINDS_H

#include <stddef.h>

/* XDP and tc programs: attached on --iface. type: enum bpf_prog_type */
int prog_is_net(int type);
/* cgroup programs: attached on --cgroup (default: the root cgroup) */
int prog_is_cgroup(int type);

/* Programs that are alternatives for one target, as libbpf-tools ship
 * them for user space to choose: tp_btf/X and raw_tp/X (or
 * raw_tracepoint/X), fentry/F and kprobe/F, fexit/F and kretprobe/F.
 * Writes the target ("tp/X", "entry/F", "exit/F") into target and
 * returns PROG_MODERN (tp_btf, fentry, fexit) or PROG_CLASSIC; -1 for any
 * other section. */
enum {
	PROG_MODERN = 0,
	PROG_CLASSIC = 1
};
int prog_alternative(const char *section, char *target, size_t n);

/* The events a perf_event program samples (--perf-event PROG=EVENT):
 * perf's names for them (cycles, cache-misses, page-faults, ...). 0 and
 * the perf_event_attr type and config, or -1 for another name. */
int perf_event_by_name(const char *name, unsigned int *type,
		       unsigned long long *config);
/* Their names, ", "-joined, for a message. */
const char *perf_event_names(void);

#endif
