/* The metrics endpoint's interfaces: the Prometheus text of a tool's maps
 * (metrics.c), the ring-buffer metrics it keeps (metrics_series.c) and
 * the small HTTP server that serves it (metrics_http.c). */
#ifndef BUMBLE_METRICS_H
#define BUMBLE_METRICS_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics_addr.h"
#include "stub.h"

/* At most this many series per map in one scrape (the largest values of
 * a BPF map; the first label sets a ring buffer shows): what is cut is
 * counted in bumble_series_cut{map=...}. */
#define METRICS_SERIES_MAX 10000

/* A growing text in memory; oom is set (and the text kept as it was)
 * when it cannot grow. */
struct textbuf {
	char *p;
	size_t len, cap;
	int oom;
};

void textbuf_put(struct textbuf *b, const char *s, size_t n);
void textbuf_puts(struct textbuf *b, const char *s);
void textbuf_putc(struct textbuf *b, char c);
void textbuf_u64(struct textbuf *b, uint64_t v);
void textbuf_i64(struct textbuf *b, int64_t v);
void textbuf_free(struct textbuf *b);

/* The HTTP server: listening when open returns (0, else an exit code,
 * having said why). Its sockets are watched through one epoll fd, which
 * the event loop polls with the event buffers; http_serve handles what
 * is ready there without blocking. A GET of /metrics is answered with
 * what render writes. */
struct http_server;
typedef void (*http_render_fn)(void *ctx, struct textbuf *body);

int http_open(const struct sockaddr_in *addr, http_render_fn render, void *ctx,
	      struct http_server **out);
int http_poll_fd(const struct http_server *s);
/* The port listened on (--metrics :0 takes a free one). */
unsigned int http_port(const struct http_server *s);
void http_serve(struct http_server *s);
void http_close(struct http_server *s);

/* A hist_ ring buffer's buckets: --hist-buckets, or BumbleBee's. */
struct hist_buckets {
	const double *bounds; /* the finite upper bounds, increasing */
	unsigned int count;
};

/* The series a counter_, gauge_ or hist_ ring buffer feeds: one per
 * label set (the event's fields but the one that gives the value). */
struct series_table;

/* value: the field that gives the gauge's value or the hist's
 * observation, or NULL (a counter). NULL if out of memory. */
struct series_table *series_open(const struct bumble_map *desc,
				 const struct bumble_field *value,
				 const struct hist_buckets *buckets);
void series_observe(struct series_table *st, const void *data, size_t size);
/* Writes the table's series (at most METRICS_SERIES_MAX) as
 * Prometheus text under the metric name. */
void series_render(struct series_table *st, const char *name,
		   struct textbuf *b);
/* The table's series, for the snapshots (snapshot.c): each one's
 * labels are its first event's fields but the value field. */
struct series_view {
	const unsigned char *event;
	size_t event_size;
	uint64_t value;		/* counter: events; gauge: the last value;
				   hist: observations */
	uint64_t sum;		/* hist: their total */
	const uint64_t *counts; /* hist: per bucket, +Inf last */
};

unsigned int series_count(const struct series_table *st);
void series_get(const struct series_table *st, unsigned int i,
		struct series_view *v);
/* The gauge's or hist's value field; NULL for a counter. */
const struct bumble_field *series_value_field(const struct series_table *st);
const struct hist_buckets *series_buckets(const struct series_table *st);
/* Events not counted because their label set was new past the limit. */
unsigned long long series_uncounted(const struct series_table *st);
void series_close(struct series_table *st);

/* Prometheus text pieces shared by metrics.c and metrics_series.c. */
/* name sanitised to [a-zA-Z_:][a-zA-Z0-9_:]*. */
void prom_name(struct textbuf *b, const char *name);
/* name="value" for each field of t but skip (may be NULL), separated by
 * commas, values escaped; returns how many were written. */
unsigned int prom_labels(struct textbuf *b, struct outbuf *scratch,
			 const struct bumble_event_type *t,
			 const struct bumble_field *skip, const void *data,
			 size_t size);
/* A bucket bound: 10, 0.5, 1.8446744073709552e+19 (as short as reads
 * back the same), into buf of at least DOUBLE_ROOM bytes. */
#define DOUBLE_ROOM 32
void double_text(char *buf, double v);
void prom_double(struct textbuf *b, double v);

#endif
