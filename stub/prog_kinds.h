/* Which BPF programs a tool attaches through one of its options rather
 * than by libbpf's auto-attach: shared by the tool's attach code and
 * bumble's bundle-time section check (prog_kinds.c). */
#ifndef BUMBLE_PROG_KINDS_H
#define BUMBLE_PROG_KINDS_H

/* XDP and tc programs: attached on --iface. type: enum bpf_prog_type */
int prog_is_net(int type);
/* cgroup programs: attached on --cgroup (default: the root cgroup) */
int prog_is_cgroup(int type);

#endif
