/* Ring-buffer metrics: each event of a counter_, gauge_ or hist_ ring
 * buffer counted, set or observed under its label set, kept in a hash
 * table of at most METRICS_SERIES_MAX series, and written as text. */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct series {
	uint64_t hash;
	unsigned char *key;   /* the label fields' bytes, keylen of them */
	unsigned char *event; /* the first event of the set: its labels */
	size_t event_size;    /* bytes of it that came with the event */
	uint64_t value;	      /* counter: events; gauge: the last value */
	uint64_t sum;	      /* hist: the observations' total */
	uint64_t *counts;     /* hist: per bucket, +Inf last */
};

struct series_table {
	const struct bumble_map *desc;
	const struct bumble_field *value; /* NULL for a counter */
	struct hist_buckets buckets;
	struct series *series;
	unsigned int n;
	unsigned int *slots; /* open addressing: series index + 1, 0 free */
	unsigned int cap;
	size_t keylen_max;
	unsigned char *keybuf;
	unsigned long long uncounted;
	struct outbuf *scratch; /* one label value at a time */
};

struct series_table *series_open(const struct bumble_map *desc,
				 const struct bumble_field *value,
				 const struct hist_buckets *buckets)
{
	struct series_table *st = calloc(1, sizeof(*st));
	const struct bumble_event_type *t = desc->event;

	if (!st)
		return NULL;
	st->desc = desc;
	st->value = value;
	if (buckets)
		st->buckets = *buckets;
	st->keylen_max = t->size + 9 * (size_t)t->field_count + 1;
	st->keybuf = malloc(st->keylen_max);
	st->scratch = malloc(sizeof(*st->scratch));
	st->cap = 64;
	st->slots = calloc(st->cap, sizeof(*st->slots));
	if (!st->keybuf || !st->scratch || !st->slots) {
		series_close(st);
		return NULL;
	}
	outbuf_init(st->scratch, -1);
	return st;
}

void series_close(struct series_table *st)
{
	if (!st)
		return;
	for (unsigned int i = 0; i < st->n; i++) {
		free(st->series[i].key);
		free(st->series[i].event);
		free(st->series[i].counts);
	}
	free(st->series);
	free(st->slots);
	free(st->keybuf);
	free(st->scratch);
	free(st);
}

/* The bytes that tell label sets apart: each label field's value, a
 * string up to its NUL (what is shown), a bitfield by its bits. */
static size_t label_key(struct series_table *st, const unsigned char *data,
			size_t size)
{
	const struct bumble_event_type *t = st->desc->event;
	unsigned char *k = st->keybuf;

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];
		size_t n = (size_t)f->size * f->count, have;

		if (f == st->value)
			continue;
		if (f->bit_size) {
			uint64_t v = field_u64(f, data, size);

			memcpy(k, &v, sizeof(v));
			k += sizeof(v);
			continue;
		}
		have = f->offset >= size      ? 0
		       : f->offset + n > size ? size - f->offset
					      : n;
		if (f->kind == BUMBLE_KIND_CHARS) {
			const unsigned char *nul =
			    memchr(data + f->offset, 0, have);

			if (nul)
				have = (size_t)(nul - (data + f->offset));
		}
		memcpy(k, data + f->offset, have);
		memset(k + have, 0, n - have);
		k += n;
		*k++ = (unsigned char)(have == n); /* cut short or not */
	}
	return (size_t)(k - st->keybuf);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static int grow(struct series_table *st)
{
	unsigned int cap = st->cap * 2;
	unsigned int *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (unsigned int i = 0; i < st->n; i++) {
		unsigned int j = (unsigned int)st->series[i].hash & (cap - 1);

		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = i + 1;
	}
	free(st->slots);
	st->slots = slots;
	st->cap = cap;
	return 0;
}

/* The series of this label set, made if new and there is room. */
static struct series *find(struct series_table *st, const void *data,
			   size_t size)
{
	size_t keylen = label_key(st, data, size);
	uint64_t h = fnv1a(st->keybuf, keylen);
	unsigned int j = (unsigned int)h & (st->cap - 1);
	struct series *s, *grown;

	for (; st->slots[j]; j = (j + 1) & (st->cap - 1)) {
		s = &st->series[st->slots[j] - 1];
		if (s->hash == h && !memcmp(s->key, st->keybuf, keylen))
			return s;
	}
	if (st->n >= METRICS_SERIES_MAX || st->n + 1 >= st->cap)
		return NULL;
	grown = realloc(st->series, (st->n + 1) * sizeof(*grown));
	if (!grown)
		return NULL;
	st->series = grown;
	s = &st->series[st->n];
	memset(s, 0, sizeof(*s));
	s->hash = h;
	s->key = malloc(keylen ? keylen : 1);
	s->event = malloc(size ? size : 1);
	if (st->desc->role == BUMBLE_ROLE_HIST)
		s->counts = calloc(st->buckets.count + 1, sizeof(*s->counts));
	if (!s->key || !s->event ||
	    (st->desc->role == BUMBLE_ROLE_HIST && !s->counts)) {
		free(s->key);
		free(s->event);
		free(s->counts);
		return NULL;
	}
	memcpy(s->key, st->keybuf, keylen);
	memcpy(s->event, data, size);
	s->event_size = size;
	st->slots[j] = ++st->n;
	if (st->n * 2 > st->cap)
		grow(st); /* else it fills up, and new sets are refused */
	return s;
}

void series_observe(struct series_table *st, const void *data, size_t size)
{
	struct series *s = find(st, data, size);
	uint64_t v;
	double x;
	unsigned int b;

	if (!s) {
		st->uncounted++;
		return;
	}
	if (st->desc->role == BUMBLE_ROLE_COUNTER) {
		s->value++;
		return;
	}
	v = field_u64(st->value, data, size);
	if (st->desc->role == BUMBLE_ROLE_GAUGE) {
		s->value = v;
		return;
	}
	x = st->value->kind == BUMBLE_KIND_INT ? (double)(int64_t)v : (double)v;
	for (b = 0; b < st->buckets.count && x > st->buckets.bounds[b]; b++)
		;
	s->counts[b]++;
	s->sum += v;
	s->value++;
}

unsigned long long series_uncounted(const struct series_table *st)
{
	return st->uncounted;
}

unsigned int series_count(const struct series_table *st)
{
	return st->n;
}

void series_get(const struct series_table *st, unsigned int i,
		struct series_view *v)
{
	const struct series *s = &st->series[i];

	v->event = s->event;
	v->event_size = s->event_size;
	v->value = s->value;
	v->sum = s->sum;
	v->counts = s->counts;
}

const struct bumble_field *series_value_field(const struct series_table *st)
{
	return st->value;
}

const struct hist_buckets *series_buckets(const struct series_table *st)
{
	return &st->buckets;
}

static void put_labels(struct series_table *st, const struct series *s,
		       struct textbuf *b, const char *le, double bound)
{
	size_t open = b->len;
	unsigned int n;

	textbuf_putc(b, '{');
	n = prom_labels(b, st->scratch, st->desc->event, st->value, s->event,
			s->event_size);
	if (le) {
		textbuf_puts(b, n ? ",le=\"" : "le=\"");
		if (*le)
			textbuf_puts(b, le);
		else
			prom_double(b, bound);
		textbuf_putc(b, '"');
		n++;
	}
	if (n)
		textbuf_putc(b, '}');
	else
		b->len = open; /* no labels: no braces */
}

static void put_signed(struct textbuf *b, uint64_t v, int is_signed)
{
	if (is_signed)
		textbuf_i64(b, (int64_t)v);
	else
		textbuf_u64(b, v);
}

static void put_hist(struct series_table *st, const struct series *s,
		     const char *name, struct textbuf *b)
{
	uint64_t cum = 0;

	for (unsigned int i = 0; i <= st->buckets.count; i++) {
		cum += s->counts[i];
		textbuf_puts(b, name);
		textbuf_puts(b, "_bucket");
		put_labels(st, s, b, i < st->buckets.count ? "" : "+Inf",
			   i < st->buckets.count ? st->buckets.bounds[i] : 0);
		textbuf_putc(b, ' ');
		textbuf_u64(b, cum);
		textbuf_putc(b, '\n');
	}
	textbuf_puts(b, name);
	textbuf_puts(b, "_sum");
	put_labels(st, s, b, NULL, 0);
	textbuf_putc(b, ' ');
	put_signed(b, s->sum, st->value->kind == BUMBLE_KIND_INT);
	textbuf_putc(b, '\n');
	textbuf_puts(b, name);
	textbuf_puts(b, "_count");
	put_labels(st, s, b, NULL, 0);
	textbuf_putc(b, ' ');
	textbuf_u64(b, s->value);
	textbuf_putc(b, '\n');
}

void series_render(struct series_table *st, const char *name, struct textbuf *b)
{
	for (unsigned int i = 0; i < st->n; i++) {
		const struct series *s = &st->series[i];

		if (st->desc->role == BUMBLE_ROLE_HIST) {
			put_hist(st, s, name, b);
			continue;
		}
		textbuf_puts(b, name);
		put_labels(st, s, b, NULL, 0);
		textbuf_putc(b, ' ');
		put_signed(b, s->value,
			   st->value && st->value->kind == BUMBLE_KIND_INT);
		textbuf_putc(b, '\n');
	}
}
