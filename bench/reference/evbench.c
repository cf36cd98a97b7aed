// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* evbench, hand-written: what a careful human writes with libbpf for
 * bench/evbench.bpf.c. A skeleton (bpftool gen skeleton), the target pid
 * set through rodata, ring_buffer__poll, one printf per event; text or
 * --json lines. The baseline bumble's generated tool is measured
 * against.
 *
 *   evbench-ref [--json] [--target_pid PID]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "evbench.skel.h"

/* The same layout as struct event in evbench.bpf.c. */
struct event {
	__u32 pid;
	__u32 uid;
	__u64 seq;
	__u64 ts_ns;
	char comm[16];
};

static volatile sig_atomic_t exiting;
static int json;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

/* comm may hold any byte: escape it for JSON when it needs it. */
static void print_json_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int needs_escape(const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == '"' || s[i] == '\\')
			return 1;
	return 0;
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct event *e = data;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	if (!json) {
		printf("%7u %7u %12llu %12llu %.16s\n", e->pid, e->uid,
		       (unsigned long long)e->seq, (unsigned long long)e->ts_ns,
		       e->comm);
	} else if (!needs_escape(e->comm, sizeof(e->comm))) {
		printf("{\"pid\":%u,\"uid\":%u,\"seq\":%llu,\"ts_ns\":%llu,"
		       "\"comm\":\"%.16s\"}\n",
		       e->pid, e->uid, (unsigned long long)e->seq,
		       (unsigned long long)e->ts_ns, e->comm);
	} else {
		printf("{\"pid\":%u,\"uid\":%u,\"seq\":%llu,\"ts_ns\":%llu,"
		       "\"comm\":",
		       e->pid, e->uid, (unsigned long long)e->seq,
		       (unsigned long long)e->ts_ns);
		print_json_string(e->comm, sizeof(e->comm));
		fputs("}\n", stdout);
	}
	return 0;
}

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--json] [--target_pid PID]\n", prog);
	return 2;
}

int main(int argc, char **argv)
{
	struct ring_buffer *rb = NULL;
	struct evbench *skel;
	unsigned long pid = 0;
	int err = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--target_pid") && i + 1 < argc) {
			char *end;

			errno = 0;
			pid = strtoul(argv[++i], &end, 10);
			if (errno || *end || pid > 0xffffffffUL)
				return usage(argv[0]);
		} else {
			return usage(argv[0]);
		}
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	skel = evbench__open();
	if (!skel) {
		fprintf(stderr, "failed to open the BPF skeleton\n");
		return 1;
	}
	skel->rodata->target_pid = (__u32)pid;
	/* evbench.bpf.c names its event type on the ringbuf map (bumble reads
	 * it from BTF); the kernel wants a ringbuf's value size to be 0. */
	bpf_map__set_value_size(skel->maps.events, 0);
	err = evbench__load(skel);
	if (err) {
		fprintf(stderr, "failed to load the BPF programs: %d\n", err);
		goto out;
	}
	err = evbench__attach(skel);
	if (err) {
		fprintf(stderr, "failed to attach the BPF programs: %d\n", err);
		goto out;
	}
	rb = ring_buffer__new(bpf_map__fd(skel->maps.events), handle_event,
			      NULL, NULL);
	if (!rb) {
		err = -errno;
		fprintf(stderr, "failed to create the ring buffer: %d\n", err);
		goto out;
	}
	fprintf(stderr, "evbench: attached; Ctrl-C to stop\n");
	if (!json)
		printf("%7s %7s %12s %12s %s\n", "PID", "UID", "SEQ", "TS_NS",
		       "COMM");

	while (!exiting) {
		err = ring_buffer__poll(rb, 100 /* ms */);
		if (err == -EINTR) {
			err = 0;
			break;
		}
		if (err < 0) {
			fprintf(stderr, "polling the ring buffer: %d\n", err);
			break;
		}
		err = 0;
	}
	ring_buffer__consume(rb);
	if (skel->bss->bumble_lost_events)
		fprintf(stderr, "lost %llu events\n",
			(unsigned long long)skel->bss->bumble_lost_events);
out:
	fflush(stdout);
	ring_buffer__free(rb);
	evbench__destroy(skel);
	return err < 0 ? 1 : 0;
}
