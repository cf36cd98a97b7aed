/* bumble init: write a starter BPF program from a built-in template
 * (tracepoint, uprobe, xdp, counter, hist) that bundles and runs as is. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bumble.h"

/* The templates: whole programs, with @NAME@ (the tool's name) and @FILE@
 * (the source's file name) filled in when written. tests/cli/init.sh
 * bundles each one and, as root, runs it and checks its events. */
static const char tracepoint_text[] =
    "// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)\n"
    "/* @NAME@: every openat(2) on the host: who opened which path.\n"
    " *\n"
    " *   bumble bundle @FILE@ -o @NAME@\n"
    " *   sudo ./@NAME@              # columns: PID COMM FILENAME\n"
    " *   sudo ./@NAME@ --json       # one JSON object per call\n"
    " *   sudo ./@NAME@ --pid 1234   # one process only\n"
    " *\n"
    " * Written by 'bumble init --template tracepoint'. To trace another\n"
    " * syscall, change the SEC() name; the tracepoints and their arguments\n"
    " * are listed under /sys/kernel/tracing/events/syscalls/. Every\n"
    " * const volatile global is an option of the tool (--pid). */\n"
    "#include <vmlinux.h>\n"
    "#include <bpf/bpf_helpers.h>\n"
    "\n"
    "#define PATH_LEN 256\n"
    "\n"
    "/* only this process id (0: every process) */\n"
    "const volatile __u32 pid = 0;\n"
    "\n"
    "/* One event per call; each member is a column of the tool's output. */\n"
    "struct event {\n"
    "\t__u32 pid;\n"
    "\tchar comm[16];\n"
    "\tchar filename[PATH_LEN];\n"
    "};\n"
    "\n"
    "/* The tool prints every event put on this ring buffer, decoded as the\n"
    " * struct named by __type(value, ...). */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
    "\t__uint(max_entries, 256 * 1024);\n"
    "\t__type(value, struct event);\n"
    "} events SEC(\".maps\");\n"
    "\n"
    "SEC(\"tracepoint/syscalls/sys_enter_openat\")\n"
    "int openat_enter(struct trace_event_raw_sys_enter *ctx)\n"
    "{\n"
    "\t__u32 tgid = bpf_get_current_pid_tgid() >> 32;\n"
    "\tstruct event *e;\n"
    "\n"
    "\tif (pid && pid != tgid)\n"
    "\t\treturn 0;\n"
    "\te = bpf_ringbuf_reserve(&events, sizeof(*e), 0);\n"
    "\tif (!e)\n"
    "\t\treturn 0; /* ring buffer full: the event is dropped */\n"
    "\te->pid = tgid;\n"
    "\tbpf_get_current_comm(e->comm, sizeof(e->comm));\n"
    "\t/* openat(dirfd, pathname, flags, mode): the path is args[1] */\n"
    "\tbpf_probe_read_user_str(e->filename, sizeof(e->filename),\n"
    "\t\t\t\t(const char *)ctx->args[1]);\n"
    "\tbpf_ringbuf_submit(e, 0);\n"
    "\treturn 0;\n"
    "}\n"
    "\n"
    "char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

static const char uprobe_text[] =
    "// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)\n"
    "/* @NAME@: every command line typed into bash, in any terminal.\n"
    " *\n"
    " *   bumble bundle @FILE@ -o @NAME@\n"
    " *   sudo ./@NAME@              # columns: PID COMM LINE\n"
    " *   sudo ./@NAME@ --json       # one JSON object per line\n"
    " *\n"
    " * Written by 'bumble init --template uprobe'. A uretprobe runs when a\n"
    " * user-space function returns: here bash's readline(), whose return\n"
    " * value points at the line just typed, in the shell's own memory. To\n"
    " * probe another program or library, change the path and function in\n"
    " * SEC(): \"uprobe/PATH:FUNC\" runs on entry, \"uretprobe/PATH:FUNC\" on\n"
    " * return. BPF_URETPROBE names the return value (line) for you. */\n"
    "#include <vmlinux.h>\n"
    "#include <bpf/bpf_helpers.h>\n"
    "#include <bpf/bpf_tracing.h>\n"
    "\n"
    "#define LINE_LEN 256\n"
    "\n"
    "/* One event per line read; each member is a column of the output. */\n"
    "struct event {\n"
    "\t__u32 pid;\n"
    "\tchar comm[16];\n"
    "\tchar line[LINE_LEN];\n"
    "};\n"
    "\n"
    "/* The tool prints every event put on this ring buffer, decoded as the\n"
    " * struct named by __type(value, ...). */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
    "\t__uint(max_entries, 256 * 1024);\n"
    "\t__type(value, struct event);\n"
    "} events SEC(\".maps\");\n"
    "\n"
    "SEC(\"uretprobe//bin/bash:readline\")\n"
    "int BPF_URETPROBE(readline_return, const char *line)\n"
    "{\n"
    "\tstruct event *e;\n"
    "\n"
    "\tif (!line)\n"
    "\t\treturn 0; /* end of input (Ctrl-D) */\n"
    "\te = bpf_ringbuf_reserve(&events, sizeof(*e), 0);\n"
    "\tif (!e)\n"
    "\t\treturn 0; /* ring buffer full: the event is dropped */\n"
    "\te->pid = bpf_get_current_pid_tgid() >> 32;\n"
    "\tbpf_get_current_comm(e->comm, sizeof(e->comm));\n"
    "\t/* the line is in user memory: copy it out, up to its NUL */\n"
    "\tbpf_probe_read_user_str(e->line, sizeof(e->line), line);\n"
    "\tbpf_ringbuf_submit(e, 0);\n"
    "\treturn 0;\n"
    "}\n"
    "\n"
    "char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

static const char xdp_text[] =
    "// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)\n"
    "/* @NAME@: count the packets arriving on a network interface by\n"
    " * protocol, and report each protocol the first time it is seen.\n"
    " *\n"
    " *   bumble bundle @FILE@ -o @NAME@\n"
    " *   sudo ./@NAME@ --iface eth0\n"
    " *\n"
    " * Written by 'bumble init --template xdp'. An XDP program runs for\n"
    " * every packet the interface receives, before the kernel's network\n"
    " * stack; this one only watches and passes every packet on (XDP_PASS).\n"
    " * counter_packets holds the packet count per EtherType: 0x800 is IPv4,\n"
    " * 0x86dd IPv6, 0x806 ARP. */\n"
    "#include <vmlinux.h>\n"
    "#include <bpf/bpf_helpers.h>\n"
    "#include <bpf/bpf_endian.h>\n"
    "#include <bumble.h>\n"
    "\n"
    "/* Sent once per protocol, with the packet that first showed it. */\n"
    "struct event {\n"
    "\t__u32 ifindex;\n"
    "\t__u32 len;\n"
    "\thex_u16 ethertype; /* shown as 0x800 */\n"
    "};\n"
    "\n"
    "/* counter_ in its name: a counter, per key, for the tool to show. */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_HASH);\n"
    "\t__uint(max_entries, 256);\n"
    "\t__type(key, __u16);\n"
    "\t__type(value, __u64);\n"
    "} counter_packets SEC(\".maps\");\n"
    "\n"
    "/* The tool prints every event put on this ring buffer, decoded as the\n"
    " * struct named by __type(value, ...). */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
    "\t__uint(max_entries, 64 * 1024);\n"
    "\t__type(value, struct event);\n"
    "} events SEC(\".maps\");\n"
    "\n"
    "SEC(\"xdp\")\n"
    "int count_packets(struct xdp_md *ctx)\n"
    "{\n"
    "\tvoid *data = (void *)(long)ctx->data;\n"
    "\tvoid *data_end = (void *)(long)ctx->data_end;\n"
    "\tstruct ethhdr *eth = data;\n"
    "\tstruct event *e;\n"
    "\t__u64 one = 1, *count;\n"
    "\t__u16 proto;\n"
    "\n"
    "\t/* the verifier insists: check the bounds before reading a byte */\n"
    "\tif ((void *)(eth + 1) > data_end)\n"
    "\t\treturn XDP_PASS;\n"
    "\tproto = bpf_ntohs(eth->h_proto);\n"
    "\tcount = bpf_map_lookup_elem(&counter_packets, &proto);\n"
    "\tif (count) {\n"
    "\t\t__sync_fetch_and_add(count, 1);\n"
    "\t\treturn XDP_PASS;\n"
    "\t}\n"
    "\t/* a new protocol: start its count; another CPU may have been first */\n"
    "\tif (bpf_map_update_elem(&counter_packets, &proto, &one, BPF_NOEXIST))\n"
    "\t\treturn XDP_PASS;\n"
    "\te = bpf_ringbuf_reserve(&events, sizeof(*e), 0);\n"
    "\tif (!e)\n"
    "\t\treturn XDP_PASS;\n"
    "\te->ifindex = ctx->ingress_ifindex;\n"
    "\te->len = data_end - data;\n"
    "\te->ethertype = proto;\n"
    "\tbpf_ringbuf_submit(e, 0);\n"
    "\treturn XDP_PASS;\n"
    "}\n"
    "\n"
    "char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

static const char counter_text[] =
    "// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)\n"
    "/* @NAME@: count program executions by name, and show each exec with the\n"
    " * count so far for its name.\n"
    " *\n"
    " *   bumble bundle @FILE@ -o @NAME@\n"
    " *   sudo ./@NAME@              # columns: PID COMM COUNT\n"
    " *   sudo ./@NAME@ --json       # one JSON object per exec\n"
    " *\n"
    " * Written by 'bumble init --template counter'. counter_execs maps\n"
    " * each program name (comm, after the exec) to how many times it ran\n"
    " * since the tool started; the ring buffer shows the counts as they\n"
    " * grow. */\n"
    "#include <vmlinux.h>\n"
    "#include <bpf/bpf_helpers.h>\n"
    "\n"
    "struct comm_key {\n"
    "\tchar comm[16];\n"
    "};\n"
    "\n"
    "/* One event per exec; each member is a column of the output. */\n"
    "struct event {\n"
    "\t__u32 pid;\n"
    "\tchar comm[16];\n"
    "\t__u64 count;\n"
    "};\n"
    "\n"
    "/* counter_ in its name: a counter, per key, for the tool to show. */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_HASH);\n"
    "\t__uint(max_entries, 10240);\n"
    "\t__type(key, struct comm_key);\n"
    "\t__type(value, __u64);\n"
    "} counter_execs SEC(\".maps\");\n"
    "\n"
    "/* The tool prints every event put on this ring buffer, decoded as the\n"
    " * struct named by __type(value, ...). */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
    "\t__uint(max_entries, 256 * 1024);\n"
    "\t__type(value, struct event);\n"
    "} events SEC(\".maps\");\n"
    "\n"
    "SEC(\"tracepoint/sched/sched_process_exec\")\n"
    "int count_exec(void *ctx)\n"
    "{\n"
    "\tstruct comm_key key = {};\n"
    "\t__u64 zero = 0, *count;\n"
    "\tstruct event *e;\n"
    "\n"
    "\tbpf_get_current_comm(key.comm, sizeof(key.comm));\n"
    "\tcount = bpf_map_lookup_elem(&counter_execs, &key);\n"
    "\tif (!count) {\n"
    "\t\t/* first exec of this name (or a race with another CPU) */\n"
    "\t\tbpf_map_update_elem(&counter_execs, &key, &zero, BPF_NOEXIST);\n"
    "\t\tcount = bpf_map_lookup_elem(&counter_execs, &key);\n"
    "\t\tif (!count)\n"
    "\t\t\treturn 0; /* the map is full */\n"
    "\t}\n"
    "\t/* atomic, as a statement: kernels before 5.12 reject using the\n"
    "\t * value it returns */\n"
    "\t__sync_fetch_and_add(count, 1);\n"
    "\n"
    "\te = bpf_ringbuf_reserve(&events, sizeof(*e), 0);\n"
    "\tif (!e)\n"
    "\t\treturn 0; /* ring buffer full: the event is dropped */\n"
    "\te->pid = bpf_get_current_pid_tgid() >> 32;\n"
    "\t__builtin_memcpy(e->comm, key.comm, sizeof(e->comm));\n"
    "\te->count = *count;\n"
    "\tbpf_ringbuf_submit(e, 0);\n"
    "\treturn 0;\n"
    "}\n"
    "\n"
    "char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

static const char hist_text[] =
    "// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)\n"
    "/* @NAME@: how long read(2) calls take, host-wide, as a log2 histogram;\n"
    " * each slow read is also shown as it returns.\n"
    " *\n"
    " *   bumble bundle @FILE@ -o @NAME@\n"
    " *   sudo ./@NAME@              # columns: PID COMM TOOK\n"
    " *   sudo ./@NAME@ --json       # TOOK in nanoseconds\n"
    " *   sudo ./@NAME@ --min_ms 10  # show reads slower than 10 ms\n"
    " *\n"
    " * Written by 'bumble init --template hist'. hist_read_ns[i] counts the\n"
    " * reads that took from 2^i to 2^(i+1) - 1 nanoseconds. Slow reads are\n"
    " * mostly waits: on a terminal, a pipe or a socket. */\n"
    "#include <vmlinux.h>\n"
    "#include <bpf/bpf_helpers.h>\n"
    "#include <bumble.h>\n"
    "\n"
    "/* show each read slower than this many milliseconds */\n"
    "const volatile __u64 min_ms = 100;\n"
    "\n"
    "/* One event per slow read; each member is a column of the output. */\n"
    "struct event {\n"
    "\t__u32 pid;\n"
    "\tchar comm[16];\n"
    "\tduration took; /* shown in human units: 1.250ms */\n"
    "};\n"
    "\n"
    "/* When each thread entered read(), by thread id. */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_HASH);\n"
    "\t__uint(max_entries, 10240);\n"
    "\t__type(key, __u32);\n"
    "\t__type(value, __u64);\n"
    "} starts SEC(\".maps\");\n"
    "\n"
    "/* hist_ in its name: a histogram, 64 log2 slots of nanoseconds. */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_ARRAY);\n"
    "\t__uint(max_entries, 64);\n"
    "\t__type(key, __u32);\n"
    "\t__type(value, __u64);\n"
    "} hist_read_ns SEC(\".maps\");\n"
    "\n"
    "/* The tool prints every event put on this ring buffer, decoded as the\n"
    " * struct named by __type(value, ...). */\n"
    "struct {\n"
    "\t__uint(type, BPF_MAP_TYPE_RINGBUF);\n"
    "\t__uint(max_entries, 256 * 1024);\n"
    "\t__type(value, struct event);\n"
    "} events SEC(\".maps\");\n"
    "\n"
    "/* floor(log2(v)) for v > 0, 0 for 0: 0..63, without a loop. */\n"
    "static __always_inline __u32 log2_u64(__u64 v)\n"
    "{\n"
    "\t__u32 r = 0;\n"
    "\n"
    "\tif (v >> 32) {\n"
    "\t\tv >>= 32;\n"
    "\t\tr += 32;\n"
    "\t}\n"
    "\tif (v >> 16) {\n"
    "\t\tv >>= 16;\n"
    "\t\tr += 16;\n"
    "\t}\n"
    "\tif (v >> 8) {\n"
    "\t\tv >>= 8;\n"
    "\t\tr += 8;\n"
    "\t}\n"
    "\tif (v >> 4) {\n"
    "\t\tv >>= 4;\n"
    "\t\tr += 4;\n"
    "\t}\n"
    "\tif (v >> 2) {\n"
    "\t\tv >>= 2;\n"
    "\t\tr += 2;\n"
    "\t}\n"
    "\tif (v >> 1)\n"
    "\t\tr += 1;\n"
    "\treturn r;\n"
    "}\n"
    "\n"
    "SEC(\"tracepoint/syscalls/sys_enter_read\")\n"
    "int read_enter(struct trace_event_raw_sys_enter *ctx)\n"
    "{\n"
    "\t__u32 tid = (__u32)bpf_get_current_pid_tgid();\n"
    "\t__u64 now = bpf_ktime_get_ns();\n"
    "\n"
    "\tbpf_map_update_elem(&starts, &tid, &now, BPF_ANY);\n"
    "\treturn 0;\n"
    "}\n"
    "\n"
    "SEC(\"tracepoint/syscalls/sys_exit_read\")\n"
    "int read_exit(struct trace_event_raw_sys_exit *ctx)\n"
    "{\n"
    "\t__u64 id = bpf_get_current_pid_tgid();\n"
    "\t__u32 tid = (__u32)id, slot;\n"
    "\t__u64 *start, *bucket, took;\n"
    "\tstruct event *e;\n"
    "\n"
    "\tstart = bpf_map_lookup_elem(&starts, &tid);\n"
    "\tif (!start)\n"
    "\t\treturn 0; /* the read began before the tool started */\n"
    "\ttook = bpf_ktime_get_ns() - *start;\n"
    "\tbpf_map_delete_elem(&starts, &tid);\n"
    "\n"
    "\tslot = log2_u64(took);\n"
    "\tbucket = bpf_map_lookup_elem(&hist_read_ns, &slot);\n"
    "\tif (bucket)\n"
    "\t\t__sync_fetch_and_add(bucket, 1);\n"
    "\n"
    "\tif (took < min_ms * 1000000)\n"
    "\t\treturn 0;\n"
    "\te = bpf_ringbuf_reserve(&events, sizeof(*e), 0);\n"
    "\tif (!e)\n"
    "\t\treturn 0; /* ring buffer full: the event is dropped */\n"
    "\te->pid = id >> 32;\n"
    "\tbpf_get_current_comm(e->comm, sizeof(e->comm));\n"
    "\te->took = took;\n"
    "\tbpf_ringbuf_submit(e, 0);\n"
    "\treturn 0;\n"
    "}\n"
    "\n"
    "char LICENSE[] SEC(\"license\") = \"Dual BSD/GPL\";\n";

struct starter {
	const char *name;
	const char *summary;
	const char *text;
};

static const struct starter templates[] = {
    {"tracepoint", "every openat(2): pid, comm and path (a syscall tracepoint)",
     tracepoint_text},
    {"uprobe", "every line typed into bash (a uretprobe on readline)",
     uprobe_text},
    {"xdp", "packets per protocol on an interface (XDP, needs --iface)",
     xdp_text},
    {"counter", "execs counted per program name (a counter_ map)",
     counter_text},
    {"hist", "log2 histogram of read(2) latency, slow reads shown (hist_)",
     hist_text},
};

#define TEMPLATE_COUNT (sizeof(templates) / sizeof(templates[0]))

static void usage(FILE *out)
{
	fputs("Usage: bumble init NAME [--template T] [-o FILE] [--force]\n\n"
	      "Writes NAME.bpf.c (or FILE), a short commented BPF program to\n"
	      "start from; it bundles and runs as it is written:\n"
	      "  bumble init NAME && bumble bundle NAME.bpf.c -o NAME && "
	      "sudo ./NAME\n\n"
	      "Options:\n"
	      "  -t, --template T   the kind of program (default: tracepoint)\n"
	      "  -o, --output FILE  where to write it (a .c file)\n"
	      "  -f, --force        overwrite FILE if it exists\n\n"
	      "Templates:\n",
	      out);
	for (size_t i = 0; i < TEMPLATE_COUNT; i++)
		fprintf(out, "  %-11s %s\n", templates[i].name,
			templates[i].summary);
	fputs("\nNAME is the tool's name: a letter or '_', then letters, "
	      "digits, '_' or '-'.\n",
	      out);
}

static const struct starter *find_template(const char *name)
{
	for (size_t i = 0; i < TEMPLATE_COUNT; i++)
		if (!strcmp(name, templates[i].name))
			return &templates[i];
	return NULL;
}

/* [A-Za-z_][A-Za-z0-9_-]*: a tool name that is safe in a file name, a
 * C comment and a shell command line. */
static int valid_name(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	      (*s >= 'a' && *s <= 'z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The template's text with every @NAME@ and @FILE@ filled in; NULL when
 * out of memory. */
static char *expand(const char *text, const char *name, const char *file)
{
	size_t cap = strlen(text) + 1, len = 0;
	char *out;

	/* each placeholder grows by at most the longer of the two values */
	for (const char *p = text; (p = strchr(p, '@')); p++)
		cap += strlen(name) + strlen(file);
	out = malloc(cap);
	if (!out)
		return NULL;
	while (*text) {
		const char *value = NULL;

		if (!strncmp(text, "@NAME@", 6))
			value = name;
		else if (!strncmp(text, "@FILE@", 6))
			value = file;
		if (value) {
			memcpy(out + len, value, strlen(value));
			len += strlen(value);
			text += 6;
		} else {
			out[len++] = *text++;
		}
	}
	out[len] = '\0';
	return out;
}

/* path as one shell word, quoted when it needs to be. */
static void print_shell_word(const char *path)
{
	if (!path[strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
			       "tuvwxyz0123456789_-+=.,/:@%")]) {
		fputs(path, stderr);
		return;
	}
	fputc('\'', stderr);
	for (; *path; path++)
		if (*path == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*path, stderr);
	fputc('\'', stderr);
}

static const struct option long_options[] = {
    {"template", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_init(int argc, char **argv)
{
	const char *tname = "tracepoint", *output = NULL, *name, *base;
	const struct starter *t;
	char *path = NULL, *text = NULL;
	struct stat st;
	int c, force = 0, rc = EXIT_USAGE;
	size_t n;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:o:fh", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 't':
			tname = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble init --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble init --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		err("no NAME: say what the tool is called, as in 'bumble init "
		    "mytool'; see 'bumble init --help'");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		err("one NAME at a time; unexpected '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (!valid_name(name)) {
		err("'%s' is not a valid NAME: start with a letter or '_', "
		    "then use only letters, digits, '_' and '-'",
		    name);
		return EXIT_USAGE;
	}
	t = find_template(tname);
	if (!t) {
		err("unknown template '%s'; the templates are:", tname);
		for (size_t i = 0; i < TEMPLATE_COUNT; i++)
			fprintf(stderr, "  %-11s %s\n", templates[i].name,
				templates[i].summary);
		return EXIT_USAGE;
	}
	if (output)
		path = strdup(output);
	else if (asprintf(&path, "%s.bpf.c", name) < 0)
		path = NULL;
	if (!path) {
		err("out of memory");
		return EXIT_FAIL;
	}
	n = strlen(path);
	if (n < 3 || strcmp(path + n - 2, ".c")) {
		err("'%s' does not end in .c, so bumble bundle would not "
		    "compile it; use -o %s.bpf.c",
		    path, name);
		goto out;
	}
	if (check_output_dir(path))
		goto out;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			err("'%s' is a directory; give a file with -o", path);
			goto out;
		}
		if (!force) {
			err("'%s' already exists; pass --force to overwrite it",
			    path);
			goto out;
		}
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	text = expand(t->text, name, base);
	if (!text) {
		err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	rc = write_file_atomic(path, text, strlen(text), 0644);
	if (rc) {
		err("cannot write %s: %s", path, strerror(-rc));
		rc = EXIT_FAIL;
		goto out;
	}
	fputs("wrote ", stderr);
	print_shell_word(path);
	fputs(" (", stderr);
	fputs(t->name, stderr);
	fputs("); next: bumble bundle ", stderr);
	print_shell_word(path);
	fprintf(stderr, " -o %s && sudo ./%s%s\n", name, name,
		strcmp(t->name, "xdp") ? "" : " --iface IFNAME");
	rc = EXIT_OK;
out:
	free(text);
	free(path);
	return rc;
}
