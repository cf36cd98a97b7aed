/* Internal interfaces of the bumble runtime (stub): output buffering,
 * event formatting, diagnostics. Not seen by generated runners. */
#ifndef BUMBLE_STUB_H
#define BUMBLE_STUB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "bumble/runtime.h"
#include "outbuf.h"
#include "payload.h"

struct bpf_object;
struct bpf_link;

/* What an event line shows beside its fields: the map's name (JSON's
 * "map" member; in text a leading column, when map_width is not 0) and
 * the time of --timestamp. format_line_init sets it up once per map:
 * the JSON keys are "map" and "time", with a "_" put before until no
 * member of the event has the same key. */
struct format_line {
	const char *map;	/* NULL: no "map" member */
	unsigned int map_width; /* text: the map column's width, 0: none */
	uint64_t now;		/* CLOCK_REALTIME ns, 0: no time */
	char map_key[24];
	char time_key[24];
	char json_map[96]; /* "map":"NAME" when NAME needs no escape, */
	unsigned char json_map_len; /* in so many bytes (0: it does) */
};

void format_line_init(struct format_line *l, const struct bumble_event_type *t,
		      const char *map);

/* Event formatting from a BTF-derived event description. Fields whose
 * bytes lie beyond `size` are shown as "?" (text) or null (JSON). The
 * line l (NULL: none) adds the map and the time. */
void format_header(struct outbuf *o, const struct bumble_event_type *t,
		   const struct format_line *l, int with_time);
void format_text(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, const struct format_line *l);
void format_json(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, const struct format_line *l);
/* The same without the time and the line's end (text) or braces (JSON),
 * for lines that add columns of their own; field skip (NULL: none) left
 * out; the last column padded to its width when more follow
 * (pad_last). */
void format_header_fields(struct outbuf *o, const struct bumble_event_type *t,
			  const struct bumble_field *skip, int pad_last);
void format_text_fields(struct outbuf *o, const struct bumble_event_type *t,
			const struct bumble_field *skip, const void *data,
			size_t size, int pad_last);
void format_json_fields(struct outbuf *o, const struct bumble_event_type *t,
			const struct bumble_field *skip, const void *data,
			size_t size);
/* One field's value as JSON would show it, strings unquoted: what
 * --filter compares. */
void format_field(struct outbuf *o, const struct bumble_field *f,
		  const void *data, size_t size);

/* Names of the tool's arch's system calls, errnos, signals, TCP states
 * and softirq vectors, or NULL. */
const char *syscall_name(long long nr);
/* Does the tool's arch have a system call of that name? */
int syscall_known(const char *name);
const char *errno_name(long long e);
const char *signal_name(long long sig);
const char *tcp_state_name(long long state);
const char *softirq_name(long long vec);

/* Diagnostics on stderr, prefixed with the tool's name. */
void diag_set_name(const char *name);
void diag_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A bad command line: "NAME: message", with no level; what follows on
 * stderr (a list of names, a hint) belongs to it. */
void diag_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Command line of a produced tool. */
struct run_opts {
	int json;
	int verbose;
	int list;
	int manifest;		      /* --manifest */
	const char *print_gz;	      /* --sbom, --licenses: a layer file */
	int verify;		      /* --verify */
	const char *extract;	      /* --extract DIR */
	int force;		      /* --force (for --extract) */
	double duration;	      /* seconds; 0 = until stopped */
	unsigned long long count;     /* events; 0 = unlimited */
	const char *btf_path;	      /* --btf FILE */
	unsigned char **param_values; /* per tool param: bytes, or NULL */
	int timestamp;
	const char **filters; /* --filter FIELD=VALUE / FIELD~REGEX */
	unsigned int filter_count;
	const char *iface;	 /* --iface IFNAME */
	const char *cgroup;	 /* --cgroup PATH */
	unsigned long long freq; /* --freq HZ */
	double interval;	 /* --interval SECS: show counters */
	long long top;		 /* --top N; -1: not given */
	const char *metrics;	 /* --metrics [ADDR:]PORT */
	int folded;		 /* --folded */
	const char **attaches;	 /* --attach PROG=TARGET */
	unsigned int attach_count;
	const char **perf_events; /* --perf-event PROG=EVENT */
	unsigned int perf_event_count;
	const char **hist_fields; /* --hist-field MAP=FIELD */
	unsigned int hist_field_count;
	const char **hist_buckets; /* --hist-buckets MAP=B1,B2,... */
	unsigned int hist_bucket_count;
};

enum cli_result {
	CLI_RUN,  /* options parsed, run the tool */
	CLI_DONE, /* --help or --version printed, exit 0 */
	CLI_USAGE /* error printed, exit BUMBLE_EXIT_USAGE */
};

enum cli_result cli_parse(int argc, char **argv, const struct bumble_tool *t,
			  struct run_opts *opts);
void cli_free(const struct bumble_tool *t, struct run_opts *opts);

/* Parameters: parse a --NAME value into its bytes (0, or -1 having said
 * why), and write the set ones into the object before load. */
int param_parse(const struct bumble_param *p, const char *arg,
		unsigned char *out);
const char *param_metavar(const struct bumble_param *p);
int params_apply(const struct bumble_tool *t, const struct run_opts *opts,
		 struct bpf_object *obj);
/* After params_apply: for each parameter, is it nonzero as loaded?
 * NULL (*count 0) before. */
const unsigned char *params_nonzero(unsigned int *count);
void cli_list(const struct bumble_tool *t);

/* libbpf's messages, kept for error reports or streamed with --verbose. */
void libbpf_log_init(int verbose);
/* Prints the captured lines that contain `needle` (all if NULL), at
 * most `max_lines` of the last ones. */
void libbpf_log_dump(const char *needle, int max_lines);
/* The verifier log of the last failed program load, or NULL. The name of
 * the program is stored in prog (size n). */
const char *libbpf_log_verifier(char *prog, size_t n);
void libbpf_log_free(void);

/* --filter: parsed and checked against the tool's event fields before
 * anything loads (exit code on error, having said why). */
struct filter_set;

int filters_parse(const struct bumble_tool *t, const struct run_opts *opts,
		  struct filter_set **out);
/* 1 when the event passes every filter (always, for a NULL set). */
int filters_match(struct filter_set *set, const struct bumble_event_type *t,
		  const void *data, size_t size);
void filters_free(struct filter_set *set);

/* The tool's embedded payload (embedded.c): loaded and verified against
 * the manifest's digests; 0 or an enum bumble_exit code, having said
 * why. */
struct embedded {
	unsigned char *data;
	struct payload_view view;
	unsigned char *alu32; /* view.alu32_packed, once unpacked */
	size_t alu32_size;
};

int embedded_load(const struct bumble_tool *t, struct embedded *e);
void embedded_free(struct embedded *e);
/* Unpacks the payload's fallback build into e->alu32 (if it has one and
 * that is not done yet): 0, or an exit code, having said why. */
int embedded_alu32(struct embedded *e);
/* e, loaded and verified, for the next embedded_load to take instead of
 * reading the file again; e is left empty. */
void embedded_keep(struct embedded *e);
int embedded_verify(const struct bumble_tool *t);	  /* 0 or 1 */
int embedded_print_manifest(const struct bumble_tool *t); /* exit code */
int embedded_extract(const struct bumble_tool *t, const char *dir, int force);
/* --sbom and --licenses: the gzip'd file path of the artifact's layer,
 * inflated to stdout (release_docs.c); exit code. */
int embedded_print_gz(const struct bumble_tool *t, const char *path);
/* Inflates gzip data[0..n) into fd (kbtf.c): 0, or -errno (also in
 * errno): -EBADMSG for damaged data, else the write's error. */
int gz_inflate_to_fd(const unsigned char *gz, size_t n, int fd);

/* Loading: privilege and environment checks, open, load, attach. */
struct tc_legacy; /* a filter on a clsact qdisc, where tcx is missing */

struct loaded_tool {
	struct bpf_object *obj;
	struct bpf_link **links;
	unsigned int link_count;
	struct tc_legacy *tc;
	unsigned int tc_count;
	int ifindex;	       /* --iface, resolved */
	int cgroup_fd;	       /* --cgroup, opened; -1 when none */
	unsigned int attached; /* programs attached */
	int rank;	       /* the alternatives loaded: PROG_MODERN, ... */
	int chosen;	       /* programs turned off for their alternative */
	int alu32;	       /* the fallback build (32-bit ALU) was opened */
	int load_err;	       /* bpf_object__load's error, when it failed */
	/* where programs attach other than their sections say: the tool's
	 * table (bumble bundle --attach) and --attach PROG=TARGET */
	const struct bumble_tool *tool;
	const char *const *attaches;
	unsigned int attach_count;
	const char *const *perf_events; /* --perf-event PROG=EVENT */
	unsigned int perf_event_count;
};

/* attach_all's answer when a tp_btf/fentry/fexit program that has a
 * raw_tp/kprobe/kretprobe alternative loaded but cannot attach here
 * (ENOTSUPP: no BPF trampolines, as on arm64 before Linux 6.4): load
 * the alternatives instead. */
#define ATTACH_RETRY_CLASSIC (-1)
/* For a syscalls/sys_enter_X or sys_exit_X tracepoint of a call this
 * arch lacks: says the program is skipped, and why; returns 1. Else 0,
 * saying nothing. */
struct bpf_program;
int attach_say_no_syscall(struct bpf_program *prog);

/* attach_target.c: --attach PROG=TARGET and bumble bundle's defaults.
 * The target program name attaches to, or NULL for its section's. */
const char *attach_target(const struct loaded_tool *lt, const char *name);
/* Before load: every --attach names a program that takes a target, in
 * the form it takes; every bare uprobe section has one; a BINARY given
 * as a path exists; fentry/fexit targets are set. 0 or an exit code,
 * having said why. */
int attach_targets_check(struct loaded_tool *lt);
/* Attaches a kprobe or uprobe program to its target: 0, or an exit
 * code having said why; 1 when prog has no target of its own. */
int attach_to_target(struct bpf_program *prog, struct loaded_tool *lt,
		     struct bpf_link **link);
/* The event a perf_event program samples: --perf-event's, else
 * bumble bundle --perf-event's, else "cpu-clock". */
const char *attach_perf_event_name(const struct loaded_tool *lt,
				   const char *name);

/* prog_choice.c: of each pair of alternatives for one target (tp_btf or
 * raw_tp, fentry or kprobe, fexit or kretprobe), only the one of rank
 * (PROG_MODERN, PROG_CLASSIC) loads; returns how many were turned off. */
int prog_choose(struct loaded_tool *lt, int rank);
/* Turns off, with a warning, programs whose attach point this kernel
 * lacks (a function not in its BTF or kallsyms, a tracepoint not in
 * tracefs), unless that would leave none. btf_path: --btf, or NULL;
 * warn: say so (once, not again on a second attempt). */
void prog_skip_absent(struct loaded_tool *lt, const char *btf_path, int warn);

/* stacks.c: stack_id fields of the loaded object shown as stacks from
 * its stack trace map, until stacks_close. */
void stacks_open(struct bpf_object *obj);
void stacks_close(void);
/* The process whose user stacks are shown next: the tgid (else pid)
 * member of the entry t lays out in data; none when it has neither. */
void stacks_set_pid(const struct bumble_event_type *t, const void *data,
		    size_t size);

int loader_check_privileges(void);
/* 0 when the kernel has BTF, or --btf gave a readable file, or the tool
 * embeds BTF for this kernel: then *btf_path is set to it (a memfd in
 * *btf_fd, to close after load). Else an exit code, having said why. */
int loader_check_btf(const struct run_opts *opts, const struct embedded *e,
		     char *btf_path, size_t n, int *btf_fd);
/* The embedded BTF for kernel release, in a memfd (kbtf.c). */
int kbtf_select(const struct embedded *e, const char *release, char *path,
		size_t n, int *fd);
/* Each returns 0 or an enum bumble_exit code, having said why. */
/* loader_open opens the object, or with alu32 the payload's fallback
 * build if it has one. loader_load loads it; quiet, a failure is left
 * unsaid, for another attempt or loader_report, and its code is
 * BUMBLE_EXIT_VERIFIER when the verifier rejected a program. */
int loader_open(const struct bumble_tool *t, const struct run_opts *opts,
		const struct embedded *e, int alu32, struct loaded_tool *lt);
int loader_load(const struct bumble_tool *t, struct loaded_tool *lt, int quiet);
/* Says why loader_load failed (lt->load_err, and libbpf's log). */
int loader_report(const struct bumble_tool *t, const struct loaded_tool *lt);
void loader_close(struct loaded_tool *lt);

/* Attaching (attach.c). attach_check_targets runs before load: --iface
 * and --cgroup are checked and resolved for the programs that need them.
 * attach_all attaches every program; attach_close detaches everything,
 * XDP and tc included. Each returns 0 or an enum bumble_exit code. */
int attach_check_targets(const struct run_opts *opts, struct loaded_tool *lt);
int attach_all(const struct run_opts *opts, struct loaded_tool *lt);
void attach_close(struct loaded_tool *lt);

/* Why a kprobe program did not attach (kprobe_check.c). */
enum kprobe_blame {
	KPROBE_BLAME_NONE,	  /* not a kprobe, or nothing to say */
	KPROBE_BLAME_UNSUPPORTED, /* the kernel has no kprobe PMU */
	KPROBE_BLAME_NO_FUNCTION, /* no such function in kallsyms */
};

#define KPROBE_PMU "/sys/bus/event_source/devices/kprobe"

/* The function of a kprobe/NAME[+OFF] or kretprobe/NAME section into
 * name (size n); 0, or -1 for another section. */
int kprobe_target(const char *section, char *name, size_t n);
/* Is name a symbol in the kallsyms-format file? 1, 0, or -1 when it
 * cannot be read. */
int ksym_exists(const char *kallsyms, const char *name);
/* For a program of section that did not attach: whether the kprobe PMU
 * (pmu, a path) is missing or its function (set in name) is not in
 * kallsyms. */
enum kprobe_blame kprobe_blame(const char *section, const char *pmu,
			       const char *kallsyms, char *name, size_t n);

/* Counter, gauge and hist maps, printed whole (aggregates.c). */
struct bpf_map;

struct aggregate_entry {
	unsigned char *key;
	/* per-CPU values summed, signed ones sign-extended; for a slot
	 * hist (a value struct with slots[]), the count of all slots */
	uint64_t value;
	uint64_t *slots; /* slot hist: each slot summed; else NULL */
	unsigned int nslots;
	uint64_t sum, step, min; /* slot hist: those fields, or 0 */
	/* a counter's value struct, or a slot hist's with no slot
	 * counted (value: its first integer field): its integer fields
	 * summed over the CPUs, the others as the first CPU has them;
	 * else NULL */
	unsigned char *fields;
};

/* An integer field's value as 64 bits, sign-extended when signed; 0
 * when it lies beyond size. */
uint64_t field_u64(const struct bumble_field *f, const void *data, size_t size);
/* The field of t of that name, or NULL. */
const struct bumble_field *aggregates_field(const struct bumble_event_type *t,
					    const char *name);

/* Every key of the map with its value; zero values left out. A slot
 * hist's entry whose slots are all zero has its fields (as a counter's)
 * and is kept only if no entry has a counted slot. Returns
 * the number of entries, or -errno. */
int aggregates_read(const struct bumble_map *desc, struct bpf_map *map,
		    struct aggregate_entry **out);
void aggregates_free(struct aggregate_entry *e, int n);
/* The BPF map desc reads (for a global, its section's), or NULL; the
 * size of one value there. */
struct bpf_map *aggregates_map(const struct bumble_map *desc,
			       struct bpf_object *obj);
unsigned int aggregates_value_size(const struct bumble_map *desc,
				   struct bpf_map *map);
/* Largest value first, signed or unsigned as the map declares. */
void aggregates_sort(const struct bumble_map *desc, struct aggregate_entry *e,
		     int n);

/* What --interval and the exit show (snapshot.c): every counter, gauge
 * and hist, kernel map or ring buffer. */
struct metrics;

struct snapshot_opts {
	int json;		/* one JSON object, else text */
	int folded;		/* --folded: stack-keyed maps, folded */
	int final;		/* the one on exit */
	int stamp;		/* text: a time line first */
	unsigned long long top; /* entries per map; 0: all */
};

/* Does a snapshot (and /metrics) show desc: a counter, gauge or hist
 * map with a key, or a ring buffer whose series m keeps? */
int snapshot_shows(const struct bumble_map *desc, const struct metrics *m);
/* Can --folded show desc: a counter or gauge keyed by a stack_id? */
int snapshot_folds(const struct bumble_map *desc);
/* How many maps a snapshot shows: 0, and there is none. */
int snapshot_count(const struct bumble_tool *t, const struct metrics *m);
/* 0, or an exit code having said why. */
int snapshot_print(const struct bumble_tool *t, struct bpf_object *obj,
		   const struct metrics *m, struct outbuf *o,
		   const struct snapshot_opts *so);

/* Event readers over every printed ringbuf and perf buffer map. */
struct event_loop;

int events_open(const struct bumble_tool *t, const struct run_opts *opts,
		struct filter_set *filters, struct bpf_object *obj,
		struct event_loop **out);
/* Runs until a signal, the deadline, the event count or a closed stdout.
 * Returns 0 or an enum bumble_exit code. */
int events_run(struct event_loop *loop);
/* After detaching: reads what the buffers still hold, reports events
 * lost on the way. Returns 0 or an enum bumble_exit code. */
int events_drain(struct event_loop *loop);
unsigned int events_map_count(const struct event_loop *loop);
/* What the tool's own metrics show. */
struct event_stats {
	unsigned long long read;   /* events read, filtered or not */
	unsigned long long lost;   /* the buffers were full */
	unsigned long long errors; /* reads that failed */
};

void events_stats(const struct event_loop *loop, struct event_stats *st);

/* Metrics (metrics.c): the series of every counter_, gauge_ and hist_
 * ring buffer, and with --metrics the endpoint, which listens once
 * metrics_open returns (0, else an exit code having said why; *out NULL
 * when there is neither); it reads the maps of obj and the counts of
 * loop when scraped. The event loop polls metrics_poll_fd (-1: no
 * endpoint) with the event buffers, calls metrics_serve when it is
 * ready, and metrics_observe with each event of such a ring buffer. */

int metrics_open(const struct bumble_tool *t, const struct run_opts *opts,
		 struct metrics **out);
void metrics_attach(struct metrics *m, struct bpf_object *obj,
		    struct event_loop *loop);
void metrics_observe(struct metrics *m, const struct bumble_map *desc,
		     const void *data, size_t size);
int metrics_poll_fd(const struct metrics *m);
void metrics_serve(struct metrics *m);
void metrics_close(struct metrics *m);
/* The series of ring buffer desc, or NULL. */
struct series_table;
const struct series_table *metrics_table(const struct metrics *m,
					 const struct bumble_map *desc);
/* The event loop feeds m, and serves its endpoint (in its epoll set). */
int events_serve(struct event_loop *loop, struct metrics *m);
void events_header(struct event_loop *loop);
void events_close(struct event_loop *loop);

#endif
