/* --metrics: every counter, gauge and hist map of the tool, and its own
 * counts, in the Prometheus text exposition format (version 0.0.4),
 * written afresh for each GET /metrics. */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "metrics.h"
#include "render.h"

struct metrics {
	const struct bumble_tool *tool;
	struct http_server *http;
	struct bpf_object *obj;
	struct event_loop *loop;
	struct series_table **tables; /* per map: its ring-buffer series */
	unsigned long long *cut;      /* per map: left out of the scrape */
	double *bounds;		      /* --hist-buckets, all of them */
	unsigned long long map_errors;
	struct outbuf scratch;
};

void textbuf_put(struct textbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->cap - b->len < n) {
		size_t cap = b->cap ? b->cap : 4096;
		char *p;

		while (cap - b->len < n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void textbuf_puts(struct textbuf *b, const char *s)
{
	textbuf_put(b, s, strlen(s));
}

void textbuf_putc(struct textbuf *b, char c)
{
	textbuf_put(b, &c, 1);
}

void textbuf_u64(struct textbuf *b, uint64_t v)
{
	char tmp[OUTBUF_DIGITS_ROOM], *end = tmp + sizeof(tmp);
	char *s = outbuf_digits(end, v);

	textbuf_put(b, s, (size_t)(end - s));
}

void textbuf_i64(struct textbuf *b, int64_t v)
{
	if (v < 0) {
		textbuf_putc(b, '-');
		textbuf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		textbuf_u64(b, (uint64_t)v);
	}
}

void textbuf_free(struct textbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

void double_text(char *buf, double v)
{
	snprintf(buf, DOUBLE_ROOM, "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, DOUBLE_ROOM, "%.17g", v);
}

void prom_double(struct textbuf *b, double v)
{
	char tmp[DOUBLE_ROOM];

	double_text(tmp, v);
	textbuf_puts(b, tmp);
}

static int name_char(char c, int first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == ':' || (!first && c >= '0' && c <= '9');
}

void prom_name(struct textbuf *b, const char *name)
{
	if (!name_char(*name, 1))
		textbuf_putc(b, '_');
	for (const char *c = name; *c; c++)
		textbuf_putc(b, name_char(*c, 0) ? *c : '_');
}

/* A label value: backslash, double quote and newline escaped. */
static void put_escaped(struct textbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			textbuf_puts(b, "\\\\");
		else if (*s == '"')
			textbuf_puts(b, "\\\"");
		else if (*s == '\n')
			textbuf_puts(b, "\\n");
		else
			textbuf_putc(b, *s);
	}
}

unsigned int prom_labels(struct textbuf *b, struct outbuf *scratch,
			 const struct bumble_event_type *t,
			 const struct bumble_field *skip, const void *data,
			 size_t size)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		if (f == skip)
			continue;
		if (n++)
			textbuf_putc(b, ',');
		/* a label name has no ':' */
		for (const char *c = f->name; *c; c++)
			textbuf_putc(b, name_char(*c, c == f->name) && *c != ':'
					    ? *c
					    : '_');
		textbuf_puts(b, "=\"");
		outbuf_init(scratch, -1);
		/* as the text output shows it: a string as it is, with
		 * control and invalid bytes as \xNN */
		if (field_present(f, size))
			render_value(scratch, f,
				     (const unsigned char *)data + f->offset,
				     0);
		put_escaped(b, outbuf_str(scratch));
		textbuf_putc(b, '"');
	}
	return n;
}

/* Map metric names: <tool>_<map>, the role prefix dropped (the type is
 * said by TYPE), counters ending in _total. */
static void put_map_name(struct textbuf *b, const struct bumble_tool *t,
			 const struct bumble_map *desc)
{
	static const char *const prefixes[] = {"counter_", "gauge_", "hist_"};
	const char *name = desc->name;
	size_t len;

	for (size_t i = 0; i < 3; i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(name, prefixes[i], len) && name[len]) {
			name += len;
			break;
		}
	}
	prom_name(b, t->name);
	textbuf_putc(b, '_');
	prom_name(b, name);
	len = strlen(name);
	if (desc->role == BUMBLE_ROLE_COUNTER &&
	    (len < 6 || strcmp(name + len - 6, "_total")))
		textbuf_puts(b, "_total");
}

static void put_help_type(struct textbuf *b, const char *name, const char *help,
			  const char *type)
{
	textbuf_puts(b, "# HELP ");
	textbuf_puts(b, name);
	textbuf_putc(b, ' ');
	for (; *help; help++) /* backslash and newline escaped */
		if (*help == '\\')
			textbuf_puts(b, "\\\\");
		else if (*help == '\n')
			textbuf_puts(b, "\\n");
		else
			textbuf_putc(b, *help);
	textbuf_puts(b, "\n# TYPE ");
	textbuf_puts(b, name);
	textbuf_putc(b, ' ');
	textbuf_puts(b, type);
	textbuf_putc(b, '\n');
}

/* A key's labels, and le when given. */
static void put_key(struct metrics *m, struct textbuf *b,
		    const struct bumble_map *desc, const unsigned char *key,
		    size_t ksize, const char *le)
{
	size_t open = b->len;
	unsigned int n;

	textbuf_putc(b, '{');
	n = prom_labels(b, &m->scratch, desc->key, NULL, key, ksize);
	if (le) {
		textbuf_puts(b, n++ ? ",le=\"" : "le=\"");
		textbuf_puts(b, le);
		textbuf_putc(b, '"');
	}
	if (n)
		textbuf_putc(b, '}');
	else
		b->len = open;
}

/* The le of log2 slot i: the largest integer it holds, 2^(i+1)-1. */
static void log2_le(char *le, size_t n, uint64_t slot)
{
	if (slot < 64)
		snprintf(le, n, "%llu",
			 (unsigned long long)(slot == 63 ? ~0ull
							 : (2ull << slot) - 1));
	else
		snprintf(le, n, "%.17g",
			 ldexp(1, (int)(slot > 2000 ? 2000 : slot) + 1));
}

/* A slot hist: one histogram per key, every slot a bucket (linear ones
 * up to min + (i+1)*step - 1), _sum when the value has a field sum. */
static void put_slot_hist(struct metrics *m, struct textbuf *b,
			  const char *name, const struct bumble_map *desc,
			  const struct aggregate_entry *e, size_t ksize)
{
	uint64_t cum = 0;
	char le[40];

	for (unsigned int s = 0; s < e->nslots; s++) {
		cum += e->slots[s];
		if (e->step)
			snprintf(le, sizeof(le), "%llu",
				 (unsigned long long)(e->min +
						      (s + 1) * e->step - 1));
		else
			log2_le(le, sizeof(le), s);
		textbuf_puts(b, name);
		textbuf_puts(b, "_bucket");
		put_key(m, b, desc, e->key, ksize, le);
		textbuf_putc(b, ' ');
		textbuf_u64(b, cum);
		textbuf_putc(b, '\n');
	}
	textbuf_puts(b, name);
	textbuf_puts(b, "_bucket");
	put_key(m, b, desc, e->key, ksize, "+Inf");
	textbuf_putc(b, ' ');
	textbuf_u64(b, cum);
	textbuf_putc(b, '\n');
	if (aggregates_field(desc->value, "sum")) {
		textbuf_puts(b, name);
		textbuf_puts(b, "_sum");
		put_key(m, b, desc, e->key, ksize, NULL);
		textbuf_putc(b, ' ');
		textbuf_u64(b, e->sum);
		textbuf_putc(b, '\n');
	}
	textbuf_puts(b, name);
	textbuf_puts(b, "_count");
	put_key(m, b, desc, e->key, ksize, NULL);
	textbuf_putc(b, ' ');
	textbuf_u64(b, cum);
	textbuf_putc(b, '\n');
}

static void put_value(struct textbuf *b, const struct bumble_map *desc,
		      uint64_t v)
{
	if (desc->value_signed)
		textbuf_i64(b, (int64_t)v);
	else
		textbuf_u64(b, v);
}

struct slot_count {
	uint64_t slot, count;
};

static int by_slot(const void *a, const void *b)
{
	const struct slot_count *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* A log2 hist map: slot i holds [2^i, 2^(i+1)), integers up to
 * 2^(i+1)-1, its le; slot 0 holds 0 and 1. No _sum: the map keeps
 * counts only. */
static void put_log2_hist(struct textbuf *b, const char *name,
			  const struct bumble_map *desc,
			  const struct aggregate_entry *e, int n, size_t ksize)
{
	struct slot_count *sc = calloc((size_t)n + 1, sizeof(*sc));
	uint64_t cum = 0;
	char le[40];

	if (!sc) {
		b->oom = 1;
		return;
	}
	for (int i = 0; i < n; i++) {
		sc[i].slot = field_u64(&desc->key->fields[0], e[i].key, ksize);
		sc[i].count = e[i].value;
	}
	qsort(sc, (size_t)n, sizeof(*sc), by_slot);
	for (int i = 0; i < n; i++) {
		uint64_t slot = sc[i].slot;

		cum += sc[i].count;
		log2_le(le, sizeof(le), slot);
		textbuf_puts(b, name);
		textbuf_puts(b, "_bucket{le=\"");
		textbuf_puts(b, le);
		textbuf_puts(b, "\"} ");
		textbuf_u64(b, cum);
		textbuf_putc(b, '\n');
	}
	free(sc);
	textbuf_puts(b, name);
	textbuf_puts(b, "_bucket{le=\"+Inf\"} ");
	textbuf_u64(b, cum);
	textbuf_putc(b, '\n');
	textbuf_puts(b, name);
	textbuf_puts(b, "_count ");
	textbuf_u64(b, cum);
	textbuf_putc(b, '\n');
}

/* A counter, gauge or hist BPF map, read now: its largest values first,
 * at most METRICS_SERIES_MAX of them. */
static void put_map(struct metrics *m, struct textbuf *b, unsigned int i,
		    const char *name)
{
	const struct bumble_map *desc = &m->tool->maps[i];
	struct bpf_map *map = aggregates_map(desc, m->obj);
	struct aggregate_entry *e = NULL;
	size_t ksize;
	int n;

	if (!map)
		return;
	ksize = bpf_map__key_size(map);
	n = aggregates_read(desc, map, &e);
	if (n < 0) {
		m->map_errors++;
		return;
	}
	m->cut[i] = 0;
	if (desc->role == BUMBLE_ROLE_HIST && !desc->value) {
		put_log2_hist(b, name, desc, e, n, ksize);
		aggregates_free(e, n);
		return;
	}
	if (n > METRICS_SERIES_MAX) {
		aggregates_sort(desc, e, n);
		m->cut[i] = (unsigned long long)(n - METRICS_SERIES_MAX);
	}
	for (int j = 0; j < n && j < METRICS_SERIES_MAX; j++) {
		if (desc->value && desc->role == BUMBLE_ROLE_HIST) {
			if (!e[j].fields) /* not a slot counted */
				put_slot_hist(m, b, name, desc, &e[j], ksize);
			continue;
		}
		textbuf_puts(b, name);
		put_key(m, b, desc, e[j].key, ksize, NULL);
		textbuf_putc(b, ' ');
		put_value(b, desc, e[j].value);
		textbuf_putc(b, '\n');
	}
	aggregates_free(e, n);
}

static const char *const type_names[] = {
    [BUMBLE_ROLE_COUNTER] = "counter",
    [BUMBLE_ROLE_GAUGE] = "gauge",
    [BUMBLE_ROLE_HIST] = "histogram",
};

/* Map i is on /metrics: a counter, gauge or hist BPF map, or a ring
 * buffer with a series table. */
static int exported(const struct metrics *m, unsigned int i)
{
	return snapshot_shows(&m->tool->maps[i], m);
}

static void put_maps(struct metrics *m, struct textbuf *b)
{
	const struct bumble_tool *t = m->tool;
	struct textbuf name = {0}, help = {0};

	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *desc = &t->maps[i];

		if (!exported(m, i))
			continue;
		name.len = help.len = 0;
		put_map_name(&name, t, desc);
		textbuf_putc(&name, '\0');
		if (desc->help && *desc->help) {
			textbuf_puts(&help, desc->help);
		} else {
			textbuf_puts(&help, desc->event
						? "events of ring buffer "
						: "BPF map ");
			textbuf_puts(&help, desc->name);
			textbuf_puts(&help, " of ");
			textbuf_puts(&help, t->name);
		}
		textbuf_putc(&help, '\0');
		if (name.oom || help.oom)
			break;
		put_help_type(b, name.p, help.p, type_names[desc->role]);
		if (m->tables[i])
			series_render(m->tables[i], name.p, b);
		else
			put_map(m, b, i, name.p);
	}
	textbuf_free(&name);
	textbuf_free(&help);
}

static void put_own(struct metrics *m, struct textbuf *b, const char *name,
		    const char *type, const char *help, const char *map,
		    unsigned long long v)
{
	if (help)
		put_help_type(b, name, help, type);
	textbuf_puts(b, name);
	textbuf_puts(b, "{tool=\"");
	put_escaped(b, m->tool->name);
	if (map) {
		textbuf_puts(b, "\",map=\"");
		put_escaped(b, map);
	}
	textbuf_puts(b, "\"} ");
	textbuf_u64(b, v);
	textbuf_putc(b, '\n');
}

/* The tool's own series, after the maps (whose reading they count). */
static void put_tool(struct metrics *m, struct textbuf *b)
{
	const struct bumble_tool *t = m->tool;
	struct event_stats st = {0};
	const char *help;

	if (m->loop)
		events_stats(m->loop, &st);
	put_own(m, b, "bumble_events_read_total", "counter",
		"Events read from the tool's ring and perf buffers.", NULL,
		st.read);
	put_own(m, b, "bumble_events_lost_total", "counter",
		"Events lost: the buffer was full when the program wrote.",
		NULL, st.lost);
	put_own(m, b, "bumble_read_errors_total", "counter",
		"Failed reads of event buffers and maps.", NULL,
		st.errors + m->map_errors);
	help = "Series left out by the limit of 10000 per map: entries of a "
	       "BPF map in this scrape, events of a ring buffer since start.";
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *desc = &t->maps[i];

		if (!exported(m, i))
			continue;
		put_own(m, b, "bumble_series_cut", "gauge", help, desc->name,
			m->tables[i] ? series_uncounted(m->tables[i])
				     : m->cut[i]);
		help = NULL;
	}
}

static void render(void *ctx, struct textbuf *b)
{
	struct metrics *m = ctx;

	put_maps(m, b);
	put_tool(m, b);
}

static const double bumblebee_buckets[] = {0,	10,  20,   50,	 100,
					   200, 500, 1000, 2000, 5000};

/* "MAP=..." options naming map i: the last one wins. */
static const char *option_for(const char **opts, unsigned int n,
			      const char *map)
{
	const char *found = NULL;
	size_t len = strlen(map);

	for (unsigned int i = 0; i < n; i++)
		if (!strncmp(opts[i], map, len) && opts[i][len] == '=')
			found = opts[i] + len + 1;
	return found;
}

/* Each MAP= of --hist-field and --hist-buckets names a hist_ ring
 * buffer. */
static int check_hist_maps(const struct bumble_tool *t, const char **opts,
			   unsigned int n, const char *option)
{
	for (unsigned int i = 0; i < n; i++) {
		const char *eq = strchr(opts[i], '=');
		unsigned int j;

		for (j = 0; eq && j < t->map_count; j++)
			if (t->maps[j].role == BUMBLE_ROLE_HIST &&
			    t->maps[j].event &&
			    strlen(t->maps[j].name) == (size_t)(eq - opts[i]) &&
			    !strncmp(t->maps[j].name, opts[i],
				     (size_t)(eq - opts[i])))
				break;
		if (!eq || j == t->map_count) {
			diag_usage("--%s %s: no hist_ ring buffer of that "
				   "name (give MAP=...)",
				   option, opts[i]);
			return -1;
		}
	}
	return 0;
}

static int parse_buckets(const char *arg, double *out, unsigned int *count)
{
	const char *p = arg;
	char *end;

	*count = 0;
	do {
		double v;

		errno = 0;
		v = strtod(p, &end);
		if (errno || end == p || !isfinite(v) ||
		    (*count && v <= out[*count - 1]) || *count >= 64)
			return -1;
		out[(*count)++] = v;
		p = end + 1;
	} while (*end == ',');
	return *end ? -1 : 0;
}

/* The series table of ring buffer i: a gauge's value is its field
 * `value`, else its last integer field; a hist observes its field `le`
 * or --hist-field's. */
static int open_table(struct metrics *m, const struct run_opts *opts,
		      unsigned int i, double *bounds)
{
	const struct bumble_map *desc = &m->tool->maps[i];
	const struct bumble_event_type *t = desc->event;
	const struct bumble_field *value = NULL;
	struct hist_buckets buckets = {bumblebee_buckets, 10};
	const char *want = NULL, *arg;

	if (desc->role == BUMBLE_ROLE_HIST) {
		want = option_for(opts->hist_fields, opts->hist_field_count,
				  desc->name);
		if (!want)
			want = "le";
		arg = option_for(opts->hist_buckets, opts->hist_bucket_count,
				 desc->name);
		if (arg && parse_buckets(arg, bounds, &buckets.count)) {
			diag_usage("--hist-buckets %s=%s: give up to 64 "
				   "increasing numbers, comma-separated",
				   desc->name, arg);
			return BUMBLE_EXIT_USAGE;
		}
		if (arg)
			buckets.bounds = bounds;
	}
	for (unsigned int j = 0;
	     desc->role != BUMBLE_ROLE_COUNTER && j < t->field_count; j++) {
		const struct bumble_field *f = &t->fields[j];
		int integer = f->count == 1 && (f->kind == BUMBLE_KIND_INT ||
						f->kind == BUMBLE_KIND_UINT);

		if (want && !strcmp(f->name, want) && integer)
			value = f;
		else if (!want && integer &&
			 (!value || strcmp(value->name, "value")))
			value = f;
	}
	if (desc->role != BUMBLE_ROLE_COUNTER && !value && !opts->metrics &&
	    !(want && strcmp(want, "le"))) {
		/* nothing asked for it: the events still print */
		diag_info("map '%s' has no integer field '%s': its events are "
			  "printed but not summed up (name one with "
			  "--hist-field %s=FIELD)",
			  desc->name, want ? want : "value", desc->name);
		return 0;
	}
	if (desc->role != BUMBLE_ROLE_COUNTER && !value) {
		diag_usage("map '%s' has no integer field '%s' to observe; "
			   "name one with --hist-field %s=FIELD",
			   desc->name, want ? want : "value", desc->name);
		return BUMBLE_EXIT_USAGE;
	}
	m->tables[i] = series_open(desc, value, &buckets);
	if (!m->tables[i]) {
		diag_err("out of memory");
		return BUMBLE_EXIT_FAILURE;
	}
	return 0;
}

/* A counter_, gauge_ or hist_ ring buffer: its events feed series. */
static int ring_metric(const struct bumble_map *desc)
{
	return desc->role >= BUMBLE_ROLE_COUNTER &&
	       desc->role < BUMBLE_ROLE_COUNT && desc->event;
}

static int ring_metrics(const struct bumble_tool *t)
{
	for (unsigned int i = 0; i < t->map_count; i++)
		if (ring_metric(&t->maps[i]))
			return 1;
	return 0;
}

int metrics_open(const struct bumble_tool *t, const struct run_opts *opts,
		 struct metrics **out)
{
	char shown[INET_ADDRSTRLEN] = "?";
	struct sockaddr_in addr;
	struct metrics *m;
	int rc;

	*out = NULL;
	if (check_hist_maps(t, opts->hist_fields, opts->hist_field_count,
			    "hist-field") ||
	    check_hist_maps(t, opts->hist_buckets, opts->hist_bucket_count,
			    "hist-buckets"))
		return BUMBLE_EXIT_USAGE;
	if (!opts->metrics && !ring_metrics(t))
		return 0;
	if (opts->metrics && metrics_parse_addr(opts->metrics, &addr))
		return BUMBLE_EXIT_USAGE; /* cli.c has checked it */
	m = calloc(1, sizeof(*m));
	if (!m)
		goto nomem;
	m->tool = t;
	m->tables = calloc(t->map_count + 1, sizeof(*m->tables));
	m->cut = calloc(t->map_count + 1, sizeof(*m->cut));
	m->bounds = calloc(64 * (size_t)(t->map_count + 1), sizeof(double));
	if (!m->tables || !m->cut || !m->bounds)
		goto nomem;
	for (unsigned int i = 0; i < t->map_count; i++) {
		if (!ring_metric(&t->maps[i]))
			continue;
		rc = open_table(m, opts, i, m->bounds + 64 * (size_t)i);
		if (rc)
			goto fail;
	}
	*out = m;
	if (!opts->metrics)
		return 0; /* the series, for the snapshots */
	rc = http_open(&addr, render, m, &m->http);
	if (rc)
		goto fail;
	inet_ntop(AF_INET, &addr.sin_addr, shown, sizeof(shown));
	diag_info("serving metrics on http://%s:%u/metrics", shown,
		  http_port(m->http));
	return 0;
nomem:
	diag_err("out of memory");
	rc = BUMBLE_EXIT_FAILURE;
fail:
	metrics_close(m);
	*out = NULL;
	return rc;
}

void metrics_attach(struct metrics *m, struct bpf_object *obj,
		    struct event_loop *loop)
{
	m->obj = obj;
	m->loop = loop;
}

void metrics_observe(struct metrics *m, const struct bumble_map *desc,
		     const void *data, size_t size)
{
	struct series_table *st = m->tables[desc - m->tool->maps];

	if (st)
		series_observe(st, data, size);
}

int metrics_poll_fd(const struct metrics *m)
{
	return m->http ? http_poll_fd(m->http) : -1;
}

const struct series_table *metrics_table(const struct metrics *m,
					 const struct bumble_map *desc)
{
	return m ? m->tables[desc - m->tool->maps] : NULL;
}

void metrics_serve(struct metrics *m)
{
	http_serve(m->http);
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	http_close(m->http);
	for (unsigned int i = 0; m->tables && i < m->tool->map_count; i++)
		series_close(m->tables[i]);
	free(m->tables);
	free(m->cut);
	free(m->bounds);
	free(m);
}
