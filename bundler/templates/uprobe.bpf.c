// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* @NAME@: every command line typed into bash, in any terminal.
 *
 *   bumble bundle @FILE@ -o @NAME@
 *   sudo ./@NAME@              # columns: PID COMM LINE
 *   sudo ./@NAME@ --json       # one JSON object per line
 *
 * Written by 'bumble init --template uprobe'. A uretprobe runs when a
 * user-space function returns: here bash's readline(), whose return
 * value points at the line just typed, in the shell's own memory. To
 * probe another program or library, change the path and function in
 * SEC(): "uprobe/PATH:FUNC" runs on entry, "uretprobe/PATH:FUNC" on
 * return. BPF_URETPROBE names the return value (line) for you. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define LINE_LEN 256

/* One event per line read; each member is a column of the output. */
struct event {
	__u32 pid;
	char comm[16];
	char line[LINE_LEN];
};

/* The tool prints every event put on this ring buffer, decoded as the
 * struct named by __type(value, ...). */
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
		return 0; /* end of input (Ctrl-D) */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0; /* ring buffer full: the event is dropped */
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* the line is in user memory: copy it out, up to its NUL */
	bpf_probe_read_user_str(e->line, sizeof(e->line), line);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
