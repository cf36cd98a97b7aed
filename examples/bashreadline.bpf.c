// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* bashreadline: every command line typed into an interactive bash on the
 * host, read with a uretprobe on bash's readline().
 *
 *   bumble bundle examples/bashreadline.bpf.c -o bashreadline
 *   sudo ./bashreadline           # columns: PID UID COMM LINE
 *
 * The probe is on /bin/bash; bash links readline in, so one probe sees
 * every interactive bash. Lines longer than 255 bytes are cut. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

struct event {
	__u32 pid;
	__u32 uid;
	char comm[16];
	char line[256];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__type(value, struct event);
} events SEC(".maps");

SEC("uretprobe//bin/bash:readline")
int BPF_URETPROBE(readline_return, const char *line)
{
	struct event *e;

	if (!line)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->line, sizeof(e->line), line);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
