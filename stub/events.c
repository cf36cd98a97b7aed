/* Event readers: every printed RINGBUF and PERF_EVENT_ARRAY map is read
 * through one epoll set, decoded and written in batches. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
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
};

/* Batching: after a read that found fewer events than this, wait this
 * long before the next, so a steady stream is read in batches. */
#define BATCH_EVENTS  4096
#define BATCH_WAIT_NS 1000000

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
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
	if (loop->opts->json)
		format_json(&loop->out, t, data, size, now);
	else
		format_text(&loop->out, t, data, size, now);
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
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epoll_fd < 0) {
		err = errno;
		diag_err("epoll_create1: %s", strerror(err));
		goto fail;
	}
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int consume(struct event_loop *loop, struct epoll_event *evs, int n)
{
	for (int i = 0; i < n && !loop->done; i++) {
		struct event_source *src = evs[i].data.ptr;
		int err;

		if (evs[i].data.ptr == &loop->metrics) {
			metrics_serve(loop->metrics);
			continue;
		}
		err = src ? perf_buffer__consume(src->perf)
			  : ring_buffer__consume(loop->ring);
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
	if (add_epoll(loop, metrics_poll_fd(m), &loop->metrics)) {
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
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (loop->opts->duration > 0)
		deadline = now_ms() + (long long)(loop->opts->duration * 1000);
	if (loop->opts->interval > 0 && aggregates_count(loop->tool))
		tick = now_ms() + (long long)(loop->opts->interval * 1000);
	while (!loop->done && !stop_signal) {
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
				rc = aggregates_print(loop->tool, loop->obj,
						      &loop->out,
						      loop->opts->json);
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
	if (!outbuf_error(&loop->out) &&
	    aggregates_print(loop->tool, loop->obj, &loop->out,
			     loop->opts->json))
		return BUMBLE_EXIT_FAILURE;
	report_lost(loop);
	err = outbuf_flush(&loop->out);
	if (err && err != -EPIPE) {
		diag_err("writing events failed: %s", strerror(-err));
		return BUMBLE_EXIT_FAILURE;
	}
	return 0;
}

/* Header of the text output: printed once, before any event. */
void events_header(struct event_loop *loop)
{
	const struct bumble_event_type *shown = NULL;

	if (loop->opts->json)
		return;
	for (unsigned int i = 0; i < loop->source_count; i++) {
		const struct bumble_event_type *t =
		    loop->sources[i].desc->event;

		if (!shown)
			shown = t;
		else if (shown != t)
			return; /* several layouts: no single header fits */
	}
	if (shown) {
		format_header(&loop->out, shown, loop->opts->timestamp);
		outbuf_flush(&loop->out);
	}
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
	free(loop->sources);
	free(loop);
}
