/* What --interval and the exit show: every counter, gauge and hist, a
 * kernel map read whole or a ring buffer's series, as text tables and
 * bar histograms or as one JSON object; the largest --top entries. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/libbpf.h>

#include "enum_names.h"
#include "metrics.h"
#include "render.h"

struct view {
	struct outbuf *o;
	int json;
	unsigned long long top; /* 0: all */
	int maps;		/* JSON: maps written so far */
	int entries;		/* JSON: entries of this map so far */
};

/* Entries of n past --top. */
static unsigned long long past_top(const struct view *v, unsigned long long n)
{
	return v->top && n > v->top ? n - v->top : 0;
}

/* role: as the map shows, which for a hist may be a table (counter) */
static void map_begin(struct view *v, const struct bumble_map *desc,
		      enum bumble_role role)
{
	struct outbuf *o = v->o;

	v->entries = 0;
	if (!v->json) {
		outbuf_puts(o, desc->name);
		outbuf_puts(o, ":\n");
		return;
	}
	if (v->maps++)
		outbuf_putc(o, ',');
	outbuf_putc(o, '"');
	outbuf_puts(o, desc->name); /* a C identifier: nothing to escape */
	outbuf_puts(o, "\":{\"role\":\"");
	outbuf_puts(o, role_name(role));
	outbuf_puts(o, "\",\"entries\":[");
}

static void map_end(struct view *v, unsigned long long more)
{
	struct outbuf *o = v->o;

	if (v->json) {
		outbuf_puts(o, "],\"more\":");
		outbuf_u64(o, more);
		outbuf_putc(o, '}');
	} else if (more) {
		outbuf_puts(o, "  ... ");
		outbuf_u64(o, more);
		outbuf_puts(o, " more (--top 0 shows all)\n");
	}
}

/* JSON: an entry's start, up to its labels' object open. */
static void entry_begin(struct view *v)
{
	if (v->entries++)
		outbuf_putc(v->o, ',');
	outbuf_puts(v->o, "{\"labels\":{");
}

static void put_number(struct outbuf *o, uint64_t v, int is_signed)
{
	if (is_signed)
		outbuf_i64(o, (int64_t)v);
	else
		outbuf_u64(o, v);
}

/* A table: the label columns and the value, or one JSON entry each. */
#define VALUE_WIDTH 12

static void table_head(struct view *v, const struct bumble_event_type *t,
		       const struct bumble_field *skip)
{
	size_t mark;

	if (v->json)
		return;
	outbuf_puts(v->o, "  ");
	format_header_fields(v->o, t, skip, 1);
	outbuf_puts(v->o, "  ");
	outbuf_reserve(v->o, VALUE_WIDTH); /* no flush moves the mark */
	mark = outbuf_mark(v->o);
	outbuf_puts(v->o, "VALUE");
	outbuf_align(v->o, mark, VALUE_WIDTH, 1);
	outbuf_putc(v->o, '\n');
}

static void table_row(struct view *v, const struct bumble_event_type *t,
		      const struct bumble_field *skip, const void *labels,
		      size_t size, uint64_t value, int is_signed)
{
	struct outbuf *o = v->o;

	stacks_set_pid(t, labels, size);
	if (v->json) {
		entry_begin(v);
		format_json_fields(o, t, skip, labels, size);
		outbuf_puts(o, "},\"value\":");
		put_number(o, value, is_signed);
		outbuf_putc(o, '}');
		return;
	}
	outbuf_puts(o, "  ");
	format_text_fields(o, t, skip, labels, size, 1);
	outbuf_puts(o, "  ");
	if (is_signed && (int64_t)value < 0)
		outbuf_decimal(o, (uint64_t)0 - value, 1, VALUE_WIDTH);
	else
		outbuf_decimal(o, value, 0, VALUE_WIDTH);
	outbuf_putc(o, '\n');
}

/* A counter whose value is a struct: its integer fields summed, each a
 * column after the key's (JSON: "value" an object of them), sorted by
 * the first. */
static void struct_head(struct view *v, const struct bumble_map *desc,
			const struct bumble_field *skip)
{
	if (v->json)
		return;
	outbuf_puts(v->o, "  ");
	format_header_fields(v->o, desc->key, NULL, 1);
	outbuf_puts(v->o, "  ");
	format_header_fields(v->o, desc->value, skip, 0);
	outbuf_putc(v->o, '\n');
}

static void struct_row(struct view *v, const struct bumble_map *desc,
		       const struct bumble_field *skip,
		       const struct aggregate_entry *e, unsigned int ksize,
		       unsigned int vsize)
{
	struct outbuf *o = v->o;

	stacks_set_pid(desc->key, e->key, ksize);
	if (v->json) {
		entry_begin(v);
		format_json_fields(o, desc->key, NULL, e->key, ksize);
		outbuf_puts(o, "},\"value\":{");
		format_json_fields(o, desc->value, skip, e->fields, vsize);
		outbuf_puts(o, "}}");
		return;
	}
	outbuf_puts(o, "  ");
	format_text_fields(o, desc->key, NULL, e->key, ksize, 1);
	outbuf_puts(o, "  ");
	format_text_fields(o, desc->value, skip, e->fields, vsize, 0);
	outbuf_putc(o, '\n');
}

/* A histogram's labels: a line of NAME=VALUE in text. */
static void hist_labels(struct view *v, const struct bumble_event_type *t,
			const struct bumble_field *skip, const void *labels,
			size_t size)
{
	struct outbuf *o = v->o;
	int n = 0;

	if (v->json) {
		entry_begin(v);
		if (t)
			format_json_fields(o, t, skip, labels, size);
		outbuf_putc(o, '}');
		return;
	}
	for (unsigned int f = 0; t && f < t->field_count; f++) {
		if (&t->fields[f] == skip)
			continue;
		outbuf_puts(o, n++ ? " " : "  ");
		outbuf_puts(o, t->fields[f].name);
		outbuf_putc(o, '=');
		format_field(o, &t->fields[f], labels, size);
	}
	if (n)
		outbuf_putc(o, '\n');
}

/* One bucket: [low, high) of a kernel hist, (low, high] of a ring
 * buffer's (Prometheus' le); the bounds written by put_bound. */
struct bucket {
	int64_t slot;
	uint64_t count;
	uint64_t step, min;   /* linear: [min + slot*step, ...); 0: log2 */
	const double *bounds; /* a ring buffer's: slot indexes them */
	unsigned int nbounds;
};

/* Slot i of a log2 histogram (bumble_log2(), libbpf-tools' log2l())
 * holds [2^i, 2^(i+1)); slot 0 holds 0 and 1. */
#define POW2_MAX 1023 /* 2^1023 has 308 digits */

/* 2^k in decimal, exactly: past 2^63 by doubling a digit string; "null"
 * past POW2_MAX, a slot no log2 of a number can give. */
static void put_pow2(struct outbuf *o, int64_t k)
{
	char digits[320];
	size_t n = 1;

	if (k < 64) {
		outbuf_u64(o, k <= 0 ? 0 : 1ull << k);
		return;
	}
	if (k > POW2_MAX) {
		outbuf_puts(o, "null");
		return;
	}
	digits[0] = 1; /* least significant first */
	for (int64_t i = 0; i < k; i++) {
		int carry = 0;

		for (size_t d = 0; d < n; d++) {
			int v = digits[d] * 2 + carry;

			digits[d] = (char)(v % 10);
			carry = v / 10;
		}
		if (carry)
			digits[n++] = (char)carry;
	}
	while (n--)
		outbuf_putc(o, (char)('0' + digits[n]));
}

/* A bound: high 0 gives the bucket's low one. Unbounded: null in JSON,
 * -inf or +inf in text. */
static void put_bound(struct outbuf *o, const struct bucket *b, int high,
		      int json)
{
	char tmp[DOUBLE_ROOM];
	int64_t i = b->slot + (high ? 1 : 0);

	if (b->bounds) { /* bucket slot is (bounds[slot-1], bounds[slot]] */
		if (i == 0 || i > (int64_t)b->nbounds) {
			outbuf_puts(o, json ? "null" : i ? "+inf" : "-inf");
			return;
		}
		double_text(tmp, b->bounds[i - 1]);
		outbuf_puts(o, tmp);
	} else if (b->step) {
		outbuf_u64(o, b->min + (uint64_t)i * b->step);
	} else {
		put_pow2(o, high && b->slot <= 0 ? 1 : i);
	}
}

#define BAR_WIDTH 40

static void put_bucket(struct view *v, const struct bucket *b, uint64_t max,
		       int first)
{
	struct outbuf *o = v->o;
	size_t mark;
	int bar = max ? (int)((double)b->count * BAR_WIDTH / (double)max) : 0;

	if (v->json) {
		outbuf_reserve(o, 1024); /* bounds of up to 309 digits */
		outbuf_puts(o, first ? "{\"low\":" : ",{\"low\":");
		put_bound(o, b, 0, 1);
		outbuf_puts(o, ",\"high\":");
		put_bound(o, b, 1, 1);
		outbuf_puts(o, ",\"count\":");
		outbuf_u64(o, b->count);
		outbuf_putc(o, '}');
		return;
	}
	/* the line at once: no flush moves its marks */
	outbuf_reserve(o, 1024);
	mark = outbuf_mark(o);
	outbuf_puts(o, b->bounds ? "  (" : "  [");
	put_bound(o, b, 0, 0);
	outbuf_puts(o, ", ");
	put_bound(o, b, 1, 0);
	outbuf_putc(o, b->bounds ? ']' : ')');
	outbuf_align(o, mark, 26, 0);
	mark = outbuf_mark(o);
	outbuf_u64(o, b->count);
	outbuf_align(o, mark, 10, 1); /* the count right-aligned */
	outbuf_puts(o, " |");
	for (int i = 0; i < BAR_WIDTH; i++)
		outbuf_putc(o, i < bar ? '@' : ' ');
	outbuf_puts(o, "|\n");
}

/* The buckets of one histogram from its first counted to its last (in
 * JSON the counted ones); proto gives the bounds, counts[i] slot i. */
static void put_buckets(struct view *v, const struct bucket *proto,
			const uint64_t *counts, unsigned int n)
{
	unsigned int first = n, last = 0;
	uint64_t max = 0;
	int written = 0;

	for (unsigned int s = 0; s < n; s++) {
		if (!counts[s])
			continue;
		if (first == n)
			first = s;
		last = s;
		if (counts[s] > max)
			max = counts[s];
	}
	if (v->json)
		outbuf_puts(v->o, ",\"buckets\":[");
	for (unsigned int s = first; s <= last && first < n; s++) {
		struct bucket b = *proto;

		b.slot = s;
		b.count = counts[s];
		if (!v->json || b.count)
			put_bucket(v, &b, max, !written++);
	}
	if (v->json)
		outbuf_puts(v->o, "]}");
}

static int by_slot(const void *a, const void *b)
{
	const struct bucket *x = a, *y = b;

	return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* A hist map keyed by its slot: one histogram, its key the slot. Slots
 * are sparse (a hash) and may be past 64 bits: drawn from its buckets
 * themselves. */
static int put_slot_keyed(struct view *v, const struct bumble_map *desc,
			  const struct aggregate_entry *e, int n,
			  unsigned int ksize)
{
	const struct bumble_field *f = &desc->key->fields[0];
	struct bucket *b = calloc((size_t)(n ? n : 1), sizeof(*b));
	uint64_t max = 0;

	if (!b)
		return -1;
	for (int i = 0; i < n; i++) {
		b[i].slot = (int64_t)field_u64(f, e[i].key, ksize);
		b[i].count = e[i].value;
		if (b[i].count > max)
			max = b[i].count;
	}
	qsort(b, (size_t)n, sizeof(*b), by_slot);
	if (v->json) {
		entry_begin(v);
		outbuf_puts(v->o, "},\"buckets\":[");
	}
	for (int i = 0; i < n; i++)
		put_bucket(v, &b[i], max, !i);
	if (v->json)
		outbuf_puts(v->o, "]}");
	free(b);
	return 0;
}

/* A kernel map: counters and gauges as a table, hists as histograms. */
static int put_kernel_map(struct view *v, const struct bumble_map *desc,
			  struct bpf_map *map)
{
	unsigned int ksize = bpf_map__key_size(map);
	struct aggregate_entry *e = NULL;
	unsigned long long shown;
	int n = aggregates_read(desc, map, &e), rc = 0, slotless;

	if (n < 0) {
		diag_err("reading map '%s' failed: %s", desc->name,
			 strerror(-n));
		return BUMBLE_EXIT_FAILURE;
	}
	aggregates_sort(desc, e, n);
	if (!v->json && n == 1 && !desc->value && !desc->key->field_count) {
		/* a lone global count: one line */
		outbuf_puts(v->o, desc->name);
		outbuf_puts(v->o, ": ");
		put_number(v->o, e[0].value, desc->value_signed);
		outbuf_putc(v->o, '\n');
		aggregates_free(e, n);
		return 0;
	}
	shown = (unsigned long long)n - past_top(v, (unsigned long long)n);
	/* a slot hist with no slot counted: a table of its other fields */
	slotless = n && e[0].slots && e[0].fields;
	map_begin(v, desc, slotless ? BUMBLE_ROLE_COUNTER : desc->role);
	if (slotless) {
		const struct bumble_field *slots =
		    aggregates_field(desc->value, "slots");

		struct_head(v, desc, slots);
		for (unsigned long long i = 0; i < shown; i++)
			struct_row(v, desc, slots, &e[i], ksize,
				   aggregates_value_size(desc, map));
	} else if (desc->value && desc->role == BUMBLE_ROLE_HIST) {
		/* slots[]: a histogram per key, largest first */
		for (unsigned long long i = 0; i < shown; i++) {
			struct bucket proto = {.step = e[i].step,
					       .min = e[i].min};

			hist_labels(v, desc->key, NULL, e[i].key, ksize);
			if (v->json) {
				outbuf_puts(v->o, ",\"count\":");
				outbuf_u64(v->o, e[i].value);
				if (aggregates_field(desc->value, "sum")) {
					outbuf_puts(v->o, ",\"sum\":");
					outbuf_u64(v->o, e[i].sum);
				}
			}
			put_buckets(v, &proto, e[i].slots, e[i].nslots);
		}
	} else if (desc->role == BUMBLE_ROLE_HIST) {
		shown = (unsigned long long)n; /* one histogram */
		rc = put_slot_keyed(v, desc, e, n, ksize);
	} else if (desc->value) { /* a value struct: a column each */
		struct_head(v, desc, NULL);
		for (unsigned long long i = 0; i < shown; i++)
			struct_row(v, desc, NULL, &e[i], ksize,
				   aggregates_value_size(desc, map));
	} else {
		table_head(v, desc->key, NULL);
		for (unsigned long long i = 0; i < shown; i++)
			table_row(v, desc->key, NULL, e[i].key, ksize,
				  e[i].value, desc->value_signed);
	}
	map_end(v, (unsigned long long)n - shown);
	aggregates_free(e, n);
	if (rc)
		diag_err("out of memory");
	return rc ? BUMBLE_EXIT_FAILURE : 0;
}

struct ranked {
	uint64_t rank; /* ordered as unsigned: signed values offset */
	unsigned int index;
};

static int by_rank_desc(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? 1 : -1;
	return x->index < y->index ? -1 : 1; /* the older first */
}

/* A ring buffer's series: counters and gauges as a table, hists as a
 * histogram per label set; largest first. */
static int put_ring_map(struct view *v, const struct bumble_map *desc,
			const struct series_table *st)
{
	const struct bumble_field *value = series_value_field(st);
	const struct hist_buckets *hb = series_buckets(st);
	int is_signed = value && value->kind == BUMBLE_KIND_INT;
	unsigned int n = series_count(st);
	struct ranked *r = calloc(n ? n : 1, sizeof(*r));
	unsigned long long shown;

	if (!r) {
		diag_err("out of memory");
		return BUMBLE_EXIT_FAILURE;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct series_view s;

		series_get(st, i, &s);
		r[i].index = i;
		r[i].rank = s.value;
		if (is_signed && desc->role == BUMBLE_ROLE_GAUGE)
			r[i].rank ^= 1ull << 63;
	}
	qsort(r, n, sizeof(*r), by_rank_desc);
	shown = n - past_top(v, n);
	map_begin(v, desc, desc->role);
	if (desc->role != BUMBLE_ROLE_HIST)
		table_head(v, desc->event, value);
	for (unsigned long long i = 0; i < shown; i++) {
		struct series_view s;
		struct bucket proto = {.bounds = hb->bounds,
				       .nbounds = hb->count};

		series_get(st, r[i].index, &s);
		if (desc->role != BUMBLE_ROLE_HIST) {
			table_row(v, desc->event, value, s.event, s.event_size,
				  s.value,
				  is_signed && desc->role == BUMBLE_ROLE_GAUGE);
			continue;
		}
		hist_labels(v, desc->event, value, s.event, s.event_size);
		if (v->json) {
			outbuf_puts(v->o, ",\"count\":");
		} else {
			outbuf_puts(v->o, "  count ");
		}
		outbuf_u64(v->o, s.value);
		outbuf_puts(v->o, v->json ? ",\"sum\":" : ", sum ");
		put_number(v->o, s.sum, is_signed);
		if (!v->json)
			outbuf_putc(v->o, '\n');
		put_buckets(v, &proto, s.counts, hb->count + 1);
	}
	map_end(v, n - shown);
	free(r);
	return 0;
}

/* The kernel map of desc, or NULL when it is not one to show. */
/* --folded: each entry one line, its names (char arrays) and stacks
 * (root first) ';'-joined, then its count; as flamegraph.pl reads. */
static int put_folded(struct view *v, const struct bumble_map *desc,
		      struct bpf_map *map)
{
	unsigned int ksize = bpf_map__key_size(map);
	struct aggregate_entry *e = NULL;
	int n = aggregates_read(desc, map, &e);

	if (n < 0) {
		diag_err("reading map '%s' failed: %s", desc->name,
			 strerror(-n));
		return BUMBLE_EXIT_FAILURE;
	}
	aggregates_sort(desc, e, n);
	for (int i = 0; i < n; i++) {
		unsigned int nf = desc->key->field_count, parts = 0;

		stacks_set_pid(desc->key, e[i].key, ksize);
		/* the names first, then the stacks in the key's order */
		for (unsigned int j = 0; j < 2 * nf; j++) {
			const struct bumble_field *f =
			    &desc->key->fields[j % nf];
			int stack = f->format == BUMBLE_FORMAT_STACK;

			if (!field_present(f, ksize) ||
			    (j < nf ? f->kind != BUMBLE_KIND_CHARS : !stack) ||
			    (stack &&
			     field_signed(
				 f, field_raw(f, e[i].key + f->offset)) < 0))
				continue; /* an error, not a stack: none */
			if (parts++)
				outbuf_putc(v->o, ';');
			format_field(v->o, f, e[i].key, ksize);
		}
		outbuf_putc(v->o, ' ');
		outbuf_u64(v->o, e[i].value);
		outbuf_putc(v->o, '\n');
	}
	aggregates_free(e, n);
	return 0;
}

int snapshot_folds(const struct bumble_map *desc)
{
	if ((desc->role != BUMBLE_ROLE_COUNTER &&
	     desc->role != BUMBLE_ROLE_GAUGE) ||
	    !desc->key)
		return 0;
	for (unsigned int j = 0; j < desc->key->field_count; j++)
		if (desc->key->fields[j].format == BUMBLE_FORMAT_STACK)
			return 1;
	return 0;
}

static struct bpf_map *kernel_map(const struct bumble_map *desc,
				  struct bpf_object *obj)
{
	if (desc->role < BUMBLE_ROLE_COUNTER || !desc->key)
		return NULL;
	return aggregates_map(desc, obj);
}

int snapshot_shows(const struct bumble_map *desc, const struct metrics *m)
{
	return desc->role >= BUMBLE_ROLE_COUNTER &&
	       desc->role < BUMBLE_ROLE_COUNT &&
	       (desc->key || metrics_table(m, desc));
}

int snapshot_count(const struct bumble_tool *t, const struct metrics *m)
{
	int n = 0;

	for (unsigned int i = 0; i < t->map_count; i++)
		n += snapshot_shows(&t->maps[i], m);
	return n;
}

int snapshot_print(const struct bumble_tool *t, struct bpf_object *obj,
		   const struct metrics *m, struct outbuf *o,
		   const struct snapshot_opts *so)
{
	struct view v = {.o = o, .json = so->json, .top = so->top};
	struct timespec now;
	uint64_t ns;
	int rc = 0;

	if (!snapshot_count(t, m))
		return 0;
	for (unsigned int i = 0; so->folded && i < t->map_count && !rc; i++) {
		struct bpf_map *map = obj && snapshot_folds(&t->maps[i])
					  ? kernel_map(&t->maps[i], obj)
					  : NULL;

		if (map)
			rc = put_folded(&v, &t->maps[i], map);
	}
	if (so->folded)
		return rc;
	clock_gettime(CLOCK_REALTIME, &now);
	ns = (uint64_t)now.tv_sec * 1000000000 + (uint64_t)now.tv_nsec;
	if (v.json) {
		outbuf_puts(o, "{\"time\":");
		render_time(o, ns, 1);
		outbuf_puts(o, so->final ? ",\"final\":true,\"maps\":{"
					 : ",\"final\":false,\"maps\":{");
	} else if (so->stamp) {
		outbuf_putc(o, '[');
		render_time(o, ns, 0);
		outbuf_puts(o, "]\n");
	}
	for (unsigned int i = 0; i < t->map_count && !rc; i++) {
		const struct bumble_map *desc = &t->maps[i];
		const struct series_table *st = metrics_table(m, desc);
		struct bpf_map *map = obj ? kernel_map(desc, obj) : NULL;

		if (map)
			rc = put_kernel_map(&v, desc, map);
		else if (st)
			rc = put_ring_map(&v, desc, st);
	}
	if (v.json)
		outbuf_puts(o, "}}\n");
	return rc;
}
