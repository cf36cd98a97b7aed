/* Event readers: every printed RINGBUF and PERF_EVENT_ARRAY map is read
 * through one epoll set, decoded and written in batches. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "stub.h"

struct event_source {
	struct event_loop *loop;
	const struct bumble_map *desc;
	struct perf_buffer *perf; /* NULL for ringbuf maps */
	unsigned long long lost;
	struct format_line line; /* the map's name and keys on each line */
};

struct event_loop {
	const struct bumble_tool *tool;
	const struct run_opts *opts;
	struct filter_set *filters;
	struct outbuf out;
	struct bpf_object *obj;
	struct ring_buffer *ring; /* all ringbuf maps share one */
	struct event_source *sources;
	unsigned int source_count;
	unsigned long long events;
	unsigned long long seen; /* read from the buffers, filtered or not */
	unsigned long long read_errors;
	struct metrics *metrics; /* --metrics, or NULL */
	int epoll_fd;
	int done;
	int stdout_flags;    /* to restore on close; -1: left alone */
	long long stop_by;   /* after a stop signal: writes give up then */
	int stalled;	     /* they did: stdout was not being read */
	sigset_t waitmask;   /* the signals to take while waiting */
	sigset_t stopset;    /* SIGINT and SIGTERM, blocked by events_run */
	int signals_blocked; /* stopset is, in events_run */
};

/* Batching: after a read that found fewer events than this, wait this
 * long before the next, so a steady stream is read in batches. */
#define BATCH_EVENTS  4096
#define BATCH_WAIT_NS 1000000
/* After a stop signal, writes to a stdout whose reader stalls wait this
 * long in all, then the rest of the output is dropped. */
#define STOP_GRACE_MS 100

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has a stop signal come? epoll_pwait and ppoll take one only when they
 * wait: one that is pending while events keep coming is taken here. The
 * first time it is seen, the grace for writing what was read starts. */
static int stopping(struct event_loop *loop)
{
	static const struct timespec no_wait;
	int sig;

	if (!stop_signal && loop->signals_blocked &&
	    (sig = sigtimedwait(&loop->stopset, NULL, &no_wait)) > 0)
		stop_signal = sig;
	if (stop_signal && !loop->stop_by)
		loop->stop_by = now_ms() + STOP_GRACE_MS;
	return stop_signal != 0;
}

/* outbuf's wait for a non-blocking stdout: until the reader takes more
 * (or leaves: the write then says so), taking signals meanwhile; after a
 * stop signal, only until loop->stop_by. */
static int wait_writable(void *ctx)
{
	struct event_loop *loop = ctx;
	struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};

	for (;;) {
		struct timespec ts, *timeout = NULL;

		if (stopping(loop)) {
			long long left = loop->stop_by - now_ms();

			if (left <= 0) {
				loop->stalled = 1;
				return -EAGAIN;
			}
			ts.tv_sec = left / 1000;
			ts.tv_nsec = left % 1000 * 1000000;
			timeout = &ts;
		}
		if (ppoll(&p, 1, timeout, &loop->waitmask) > 0)
			return 0;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
}

/* A pipe, FIFO or socket on stdout: its reader's leaving shows in the
 * epoll set (EPOLLERR, with &loop->out as its pointer) without waiting
 * for an event to write, and its writes do not block (wait_writable), so
 * a stalled reader cannot hold a stopped tool. */
static void watch_stdout(struct event_loop *loop)
{
	struct epoll_event ev = {.events = 0, .data.ptr = &loop->out};
	struct stat st;
	int flags;

	loop->stdout_flags = -1;
	if (fstat(STDOUT_FILENO, &st) ||
	    !(S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)))
		return;
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, STDOUT_FILENO, &ev);
	flags = fcntl(STDOUT_FILENO, F_GETFL);
	if (flags < 0)
		return;
	if (!(flags & O_NONBLOCK)) {
		if (fcntl(STDOUT_FILENO, F_SETFL, flags | O_NONBLOCK))
			return;
		loop->stdout_flags = flags;
	}
	outbuf_set_wait(&loop->out, wait_writable, loop);
}

static int handle_event(struct event_source *src, const void *data, size_t size)
{
	struct event_loop *loop = src->loop;
	const struct bumble_event_type *t = src->desc->event;
	uint64_t now = 0;

	loop->seen++;
	if (loop->done || !filters_match(loop->filters, t, data, size))
		return 0;
	if (loop->opts->timestamp) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
	}
	src->line.now = now;
	if (loop->opts->json)
		format_json(&loop->out, t, data, size, &src->line);
	else
		format_text(&loop->out, t, data, size, &src->line);
	if (loop->metrics && src->desc->role != BUMBLE_ROLE_PRINT)
		metrics_observe(loop->metrics, src->desc, data, size);
	loop->events++;
	if (loop->opts->count && loop->events >= loop->opts->count)
		loop->done = 1;
	if (outbuf_error(&loop->out))
		loop->done = 1;
	return 0;
}

static int on_ring_event(void *ctx, void *data, size_t size)
{
	return handle_event(ctx, data, size);
}

static void on_perf_event(void *ctx, int cpu, void *data, __u32 size)
{
	(void)cpu;
	handle_event(ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 count)
{
	struct event_source *src = ctx;

	(void)cpu;
	src->lost += count;
}

static int add_epoll(struct event_loop *loop, int fd, void *ptr)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = ptr};

	return epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev);
}

static int add_source(struct event_loop *loop, const struct bumble_map *desc,
		      struct bpf_map *map)
{
	struct event_source *src = &loop->sources[loop->source_count];
	int fd = bpf_map__fd(map);

	src->loop = loop;
	src->desc = desc;
	if (bpf_map__type(map) == BPF_MAP_TYPE_RINGBUF) {
		if (!loop->ring) {
			loop->ring =
			    ring_buffer__new(fd, on_ring_event, src, NULL);
			if (!loop->ring)
				return -errno;
			if (add_epoll(loop, ring_buffer__epoll_fd(loop->ring),
				      NULL))
				return -errno;
		} else if (ring_buffer__add(loop->ring, fd, on_ring_event,
					    src)) {
			return -errno;
		}
	} else {
		src->perf = perf_buffer__new(fd, 64, on_perf_event,
					     on_perf_lost, src, NULL);
		if (!src->perf)
			return -errno;
		if (add_epoll(loop, perf_buffer__epoll_fd(src->perf), src))
			return -errno;
	}
	loop->source_count++;
	return 0;
}

int events_open(const struct bumble_tool *t, const struct run_opts *opts,
		struct filter_set *filters, struct bpf_object *obj,
		struct event_loop **out)
{
	struct event_loop *loop;
	int err;

	*out = NULL;
	loop = calloc(1, sizeof(*loop));
	if (!loop)
		goto nomem;
	loop->sources =
	    calloc(t->map_count ? t->map_count : 1, sizeof(*loop->sources));
	if (!loop->sources)
		goto nomem;
	loop->tool = t;
	loop->opts = opts;
	loop->filters = filters;
	loop->obj = obj;
	outbuf_init(&loop->out, STDOUT_FILENO);
	loop->stdout_flags = -1;
	sigprocmask(SIG_BLOCK, NULL, &loop->waitmask);
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		err = errno;
		diag_err("epoll_create1: %s", strerror(err));
		goto fail;
	}
	watch_stdout(loop);
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *desc = &t->maps[i];
		struct bpf_map *map;
		enum bpf_map_type type;

		/* print_, and counter_/gauge_/hist_ ring buffers */
		if (desc->role == BUMBLE_ROLE_NONE || !desc->event)
			continue;
		map = bpf_object__find_map_by_name(obj, desc->name);
		if (!map)
			continue;
		type = bpf_map__type(map);
		if (type != BPF_MAP_TYPE_RINGBUF &&
		    type != BPF_MAP_TYPE_PERF_EVENT_ARRAY)
			continue;
		err = add_source(loop, desc, map);
		if (err) {
			diag_err("cannot read events from map '%s': %s",
				 desc->name, strerror(-err));
			goto fail;
		}
	}
	/* JSON lines name their map when there are several */
	for (unsigned int i = 0; i < loop->source_count; i++)
		format_line_init(
		    &loop->sources[i].line, loop->sources[i].desc->event,
		    loop->source_count > 1 ? loop->sources[i].desc->name
					   : NULL);
	*out = loop;
	return 0;
nomem:
	diag_err("out of memory");
fail:
	events_close(loop);
	return BUMBLE_EXIT_FAILURE;
}

unsigned int events_map_count(const struct event_loop *loop)
{
	return loop->source_count;
}

/* One round over the ready sources, at most BATCH_EVENTS from the ring
 * buffers: a producer that keeps up cannot keep the loop from seeing a
 * signal. */
static int consume(struct event_loop *loop, struct epoll_event *evs, int n)
{
	for (int i = 0; i < n && !loop->done; i++) {
		struct event_source *src = evs[i].data.ptr;
		int err;

		if (evs[i].data.ptr == &loop->out) {
			loop->done = 1; /* stdout's reader left (| head) */
			break;
		}
		if (evs[i].data.ptr == &loop->metrics) {
			metrics_serve(loop->metrics);
			continue;
		}
		err = src ? perf_buffer__consume(src->perf)
			  : ring_buffer__consume_n(loop->ring, BATCH_EVENTS);
		if (err < 0 && err != -EINTR) {
			loop->read_errors++;
			diag_err("reading events failed: %s", strerror(-err));
			return BUMBLE_EXIT_FAILURE;
		}
	}
	return 0;
}

/* bumble_lost_events (bumble.h): ringbuf reservations that failed. */
static unsigned long long ringbuf_lost(struct bpf_object *obj)
{
	const struct btf *btf = bpf_object__btf(obj);
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj)
	{
		const char *dot = strrchr(bpf_map__name(map), '.');
		const struct btf_type *sec;
		const struct btf_var_secinfo *v;
		const unsigned char *data;
		size_t size = 0;

		if (!btf || !bpf_map__is_internal(map) || !dot ||
		    strcmp(dot, ".bss"))
			continue;
		sec = btf__type_by_id(btf, bpf_map__btf_value_type_id(map));
		data = bpf_map__initial_value(map, &size);
		if (!sec || !btf_is_datasec(sec) || !data)
			continue;
		v = btf_var_secinfos(sec);
		for (unsigned int i = 0; i < btf_vlen(sec); i++, v++) {
			const struct btf_type *var =
			    btf__type_by_id(btf, v->type);
			unsigned long long lost;

			if (!var ||
			    strcmp(btf__name_by_offset(btf, var->name_off),
				   "bumble_lost_events") ||
			    v->offset + sizeof(lost) > size)
				continue;
			memcpy(&lost, data + v->offset, sizeof(lost));
			return lost;
		}
	}
	return 0;
}

static void put_lost(struct event_loop *loop, const char *map,
		     unsigned long long lost)
{
	if (map)
		diag_info("lost %llu events from map '%s': the perf buffer "
			  "was full",
			  lost, map);
	else
		diag_info("lost %llu events: the ring buffer was full (give it "
			  "more max_entries)",
			  lost);
	if (!loop->opts->json)
		return;
	outbuf_puts(&loop->out, "{\"lost_events\":");
	outbuf_u64(&loop->out, lost);
	if (map) {
		outbuf_puts(&loop->out, ",\"map\":\"");
		outbuf_puts(&loop->out, map);
		outbuf_putc(&loop->out, '"');
	}
	outbuf_puts(&loop->out, "}\n");
}

int events_serve(struct event_loop *loop, struct metrics *m)
{
	loop->metrics = m;
	if (metrics_poll_fd(m) >= 0 &&
	    add_epoll(loop, metrics_poll_fd(m), &loop->metrics)) {
		diag_err("epoll_ctl: %s", strerror(errno));
		return BUMBLE_EXIT_FAILURE;
	}
	return 0;
}

void events_stats(const struct event_loop *loop, struct event_stats *st)
{
	st->read = loop->seen;
	st->lost = ringbuf_lost(loop->obj);
	for (unsigned int i = 0; i < loop->source_count; i++)
		st->lost += loop->sources[i].lost;
	st->errors = loop->read_errors;
}

/* On exit: events lost on the way, on stderr and as JSON lines. */
static void report_lost(struct event_loop *loop)
{
	unsigned long long lost = ringbuf_lost(loop->obj);

	for (unsigned int i = 0; i < loop->source_count; i++)
		if (loop->sources[i].lost)
			put_lost(loop, loop->sources[i].desc->name,
				 loop->sources[i].lost);
	if (lost)
		put_lost(loop, NULL, lost);
	outbuf_flush(&loop->out);
}

/* The snapshot: in text, the largest --top entries of each map (20
 * unless given); in JSON every entry unless --top is given. */
#define TOP_TEXT 20

static int print_snapshot(struct event_loop *loop, int final)
{
	const struct run_opts *opts = loop->opts;
	struct snapshot_opts so = {
	    .json = opts->json,
	    .folded = opts->folded,
	    .final = final,
	    .stamp = opts->interval > 0 && !opts->folded,
	    .top = opts->top >= 0 ? (unsigned long long)opts->top
		   : opts->json	  ? 0
				  : TOP_TEXT,
	};

	return snapshot_print(loop->tool, loop->obj, loop->metrics, &loop->out,
			      &so);
}

int events_run(struct event_loop *loop)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block, waitmask;
	long long deadline = 0, tick = 0;
	int rc = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	/* Signals are delivered only inside epoll_pwait: no lost wakeups. */
	sigprocmask(SIG_BLOCK, &block, &waitmask);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGTERM);
	loop->waitmask = waitmask;
	loop->stopset = block;
	loop->signals_blocked = 1;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (loop->opts->duration > 0)
		deadline = now_ms() + (long long)(loop->opts->duration * 1000);
	if (loop->opts->interval > 0 &&
	    snapshot_count(loop->tool, loop->metrics))
		tick = now_ms() + (long long)(loop->opts->interval * 1000);
	while (!loop->done && !stopping(loop)) {
		struct epoll_event evs[16];
		unsigned long long before;
		int timeout = -1, n;

		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0)
				break;
			timeout = left > 1000000 ? 1000000 : (int)left;
		}
		if (tick) {
			long long left = tick - now_ms();

			if (left <= 0) {
				rc = print_snapshot(loop, 0);
				if (outbuf_flush(&loop->out) || rc)
					break;
				tick +=
				    (long long)(loop->opts->interval * 1000);
				continue;
			}
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		n = epoll_pwait(loop->epoll_fd, evs, 16, timeout, &waitmask);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			diag_err("epoll_pwait: %s", strerror(errno));
			rc = BUMBLE_EXIT_FAILURE;
			break;
		}
		before = loop->seen;
		rc = consume(loop, evs, n);
		if (outbuf_flush(&loop->out) || rc)
			break; /* a closed stdout (| head) ends the run too */
		/* A consumer that has caught up is woken for every event or
		 * two; waiting a moment lets events gather into one batch, at
		 * most BATCH_WAIT_NS later on screen. */
		if (loop->seen - before < BATCH_EVENTS && !loop->done) {
			struct timespec ts = {0, BATCH_WAIT_NS};

			nanosleep(&ts, NULL);
		}
	}
	return rc;
}

int events_drain(struct event_loop *loop)
{
	int err;

	if (loop->ring)
		ring_buffer__consume(loop->ring);
	for (unsigned int i = 0; i < loop->source_count; i++)
		if (loop->sources[i].perf)
			perf_buffer__consume(loop->sources[i].perf);
	if (!outbuf_error(&loop->out) && print_snapshot(loop, 1))
		return BUMBLE_EXIT_FAILURE;
	report_lost(loop);
	err = outbuf_flush(&loop->out);
	if (loop->stalled) {
		diag_info("stdout was not being read: the output still "
			  "unwritten %d ms after the stop was dropped",
			  STOP_GRACE_MS);
		return 0;
	}
	if (err && err != -EPIPE) {
		diag_err("writing events failed: %s", strerror(-err));
		return BUMBLE_EXIT_FAILURE;
	}
	return 0;
}

/* Header of the text output, printed before any event: one, or when
 * maps of several layouts print, one per map, and then every line
 * starts with its map's name. */
void events_header(struct event_loop *loop)
{
	unsigned int width = 0;
	int several = 0;

	if (loop->opts->json)
		return;
	for (unsigned int i = 0; i < loop->source_count; i++) {
		const struct bumble_map *desc = loop->sources[i].desc;

		if (desc->event != loop->sources[0].desc->event)
			several = 1;
		if (strlen(desc->name) > width)
			width = (unsigned int)strlen(desc->name);
	}
	for (unsigned int i = 0; i < loop->source_count; i++) {
		struct event_source *src = &loop->sources[i];

		if (several) /* its name is set: there are several maps */
			src->line.map_width = width;
		else if (i)
			break; /* one layout: one header fits every map */
		format_header(&loop->out, src->desc->event, &src->line,
			      loop->opts->timestamp);
	}
	outbuf_flush(&loop->out);
}

void events_close(struct event_loop *loop)
{
	if (!loop)
		return;
	ring_buffer__free(loop->ring);
	for (unsigned int i = 0; i < loop->source_count; i++)
		perf_buffer__free(loop->sources[i].perf);
	if (loop->epoll_fd > 0)
		close(loop->epoll_fd);
	if (loop->stdout_flags >= 0)
		fcntl(STDOUT_FILENO, F_SETFL, loop->stdout_flags);
	free(loop->sources);
	free(loop);
}
