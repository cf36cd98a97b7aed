/* Counter, gauge and hist maps read whole: per-CPU values summed, a
 * value struct with slots[] added up slot by slot; for the snapshots
 * (snapshot.c) and the metrics endpoint (metrics.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "stub.h"

static int is_percpu(enum bpf_map_type type)
{
	return type == BPF_MAP_TYPE_PERCPU_HASH ||
	       type == BPF_MAP_TYPE_PERCPU_ARRAY ||
	       type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The integer at p as 64 bits: sign-extended when it is signed, so that
 * sums wrap alike for both. */
static uint64_t load_value(const unsigned char *p, unsigned int size,
			   int is_signed)
{
	uint64_t u = 0;

	memcpy(&u, p, size > 8 ? 8 : size); /* little-endian */
	if (is_signed && size < 8 && (u >> (size * 8 - 1)) & 1)
		u |= ~0ull << (size * 8);
	return u;
}

uint64_t field_u64(const struct bumble_field *f, const void *data, size_t size)
{
	unsigned int n = f->size > 8 ? 8 : f->size;
	uint64_t u = 0;

	if (f->offset + n > size)
		return 0;
	memcpy(&u, (const unsigned char *)data + f->offset, n);
	if (f->bit_size) {
		u >>= f->bit_shift;
		if (f->bit_size < 64)
			u &= (1ull << f->bit_size) - 1;
		n = 0; /* sign from bit_size below */
	}
	if (f->kind == BUMBLE_KIND_INT) {
		unsigned int bits = f->bit_size ? f->bit_size : n * 8;

		if (bits < 64 && (u >> (bits - 1)) & 1)
			u |= ~0ull << bits;
	}
	return u;
}

const struct bumble_field *aggregates_field(const struct bumble_event_type *t,
					    const char *name)
{
	for (unsigned int i = 0; t && i < t->field_count; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* A slot hist's value over the CPUs: the slots and sum added up, step
 * and min as the first CPU that has them says. 0 or -ENOMEM. */
static int sum_slots(const struct bumble_map *desc, const unsigned char *values,
		     int ncpu, size_t stride, size_t vsize,
		     struct aggregate_entry *e)
{
	const struct bumble_field *f = aggregates_field(desc->value, "slots");
	const struct bumble_field *sum = aggregates_field(desc->value, "sum");
	const struct bumble_field *step = aggregates_field(desc->value, "step");
	const struct bumble_field *min = aggregates_field(desc->value, "min");

	e->nslots = f->count;
	e->slots = calloc(f->count, sizeof(*e->slots));
	if (!e->slots)
		return -ENOMEM;
	for (int cpu = 0; cpu < ncpu; cpu++) {
		const unsigned char *v = values + (size_t)cpu * stride;

		for (unsigned int i = 0; i < f->count; i++) {
			struct bumble_field one = *f;

			one.offset += i * f->size;
			one.count = 1;
			e->slots[i] += field_u64(&one, v, vsize);
		}
		if (sum)
			e->sum += field_u64(sum, v, vsize);
		if (step && !e->step)
			e->step = field_u64(step, v, vsize);
		if (min && !e->min)
			e->min = field_u64(min, v, vsize);
	}
	for (unsigned int i = 0; i < f->count; i++)
		e->value += e->slots[i];
	return 0;
}

/* A counter's value struct over the CPUs: integer fields summed, the
 * rest (a comm) from the first CPU; e->value is its first integer
 * field, by which the table is sorted. 0, 1 if all zero, or -ENOMEM. */
static int sum_fields(const struct bumble_map *desc,
		      const unsigned char *values, int ncpu, size_t stride,
		      size_t vsize, struct aggregate_entry *e)
{
	const struct bumble_event_type *t = desc->value;
	const struct bumble_field *first = NULL;
	int zero = 1;

	e->fields = malloc(vsize ? vsize : 1);
	if (!e->fields)
		return -ENOMEM;
	memcpy(e->fields, values, vsize);
	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];
		uint64_t v = 0;

		if (f->count != 1 || f->bit_size || f->size > 8 ||
		    f->offset + f->size > vsize ||
		    (f->kind != BUMBLE_KIND_INT && f->kind != BUMBLE_KIND_UINT))
			continue;
		for (int cpu = 0; cpu < ncpu; cpu++)
			v += field_u64(f, values + (size_t)cpu * stride, vsize);
		memcpy(e->fields + f->offset, &v, f->size); /* little-endian */
		if (!first)
			first = f;
	}
	for (int cpu = 0; zero && cpu < ncpu; cpu++)
		for (size_t b = 0; zero && b < vsize; b++)
			zero = !values[(size_t)cpu * stride + b];
	if (first)
		e->value = field_u64(first, e->fields, vsize);
	return zero;
}

/* What one read of a map collects. */
struct map_reader {
	const struct bumble_map *desc;
	unsigned int ksize, vsize;
	int ncpu;
	size_t stride; /* of one CPU's value */
	struct aggregate_entry *entries;
	size_t cap;
	int n;
};

/* One key and its values (one per CPU): kept unless zero (but for a
 * lone global count). 0 or -ENOMEM. */
static int add_entry(struct map_reader *r, const unsigned char *key,
		     const unsigned char *values)
{
	struct aggregate_entry e = {0};
	int err, zero;

	if (r->desc->value && r->desc->role != BUMBLE_ROLE_HIST) {
		zero = sum_fields(r->desc, values, r->ncpu, r->stride, r->vsize,
				  &e);
		if (zero < 0)
			return zero;
		if (zero) {
			free(e.fields);
			return 0;
		}
	} else if (r->desc->value) {
		err = sum_slots(r->desc, values, r->ncpu, r->stride, r->vsize,
				&e);
		if (err)
			return err;
		/* no slot counted: its other fields, as a counter's are
		 * (hardirqs' struct info { count; slots[]; } counting) */
		zero = e.value ? 0
			       : sum_fields(r->desc, values, r->ncpu, r->stride,
					    r->vsize, &e);
		if (zero) {
			free(e.slots);
			free(e.fields);
			return zero < 0 ? zero : 0;
		}
	}
	for (int cpu = 0; !r->desc->value && cpu < r->ncpu; cpu++)
		e.value += load_value(values + (size_t)cpu * r->stride,
				      r->vsize, r->desc->value_signed);
	/* a lone global count is shown even when zero */
	if (!e.value && !e.fields &&
	    !(r->desc->global_count == 1 && !r->desc->value)) {
		free(e.slots);
		return 0;
	}
	if ((size_t)r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		struct aggregate_entry *grown =
		    realloc(r->entries, cap * sizeof(*grown));

		if (!grown) {
			free(e.slots);
			free(e.fields);
			return -ENOMEM;
		}
		r->entries = grown;
		r->cap = cap;
	}
	e.key = malloc(r->ksize ? r->ksize : 1);
	if (!e.key) {
		free(e.slots);
		free(e.fields);
		return -ENOMEM;
	}
	memcpy(e.key, key, r->ksize);
	r->entries[r->n++] = e;
	return 0;
}

/* A key at a time: two system calls per key. */
static int read_each(struct map_reader *r, int fd)
{
	size_t ksize = r->ksize ? r->ksize : 1;
	unsigned char *key = calloc(2, ksize), *next = key + ksize;
	unsigned char *values = calloc((size_t)r->ncpu, r->stride);
	void *prev = NULL;
	int err = 0;

	if (!key || !values)
		err = -ENOMEM;
	while (!err && !bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, r->ksize);
		prev = key;
		if (bpf_map_lookup_elem(fd, key, values))
			continue; /* deleted meanwhile */
		err = add_entry(r, key, values);
	}
	free(key);
	free(values);
	return err;
}

#define BATCH_MAX 4096 /* keys per system call */

/* Many keys per system call (Linux 5.6+ for hashes, 5.7+ for arrays):
 * 0, or -errno (-EOPNOTSUPP where the map or kernel has no batches). */
static int read_batched(struct map_reader *r, int fd, unsigned int max)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	unsigned int batch = max < BATCH_MAX ? (max ? max : 1) : BATCH_MAX;
	size_t tok = r->ksize > 8 ? r->ksize : 8;
	unsigned char *tokens = calloc(2, tok);
	unsigned char *keys = malloc((size_t)batch * (r->ksize ? r->ksize : 1));
	unsigned char *values = malloc((size_t)batch * r->ncpu * r->stride);
	void *in = NULL;
	int err = 0;

	if (!tokens || !keys || !values)
		err = -ENOMEM;
	while (!err) {
		__u32 count = batch;
		int rc = bpf_map_lookup_batch(fd, in, tokens + tok, keys,
					      values, &count, &opts);

		if (rc && rc != -ENOENT) {
			err = rc == -ENOSPC ? -ENOSPC : -EOPNOTSUPP;
			break;
		}
		for (__u32 i = 0; !err && i < count; i++)
			err =
			    add_entry(r, keys + (size_t)i * r->ksize,
				      values + (size_t)i * r->ncpu * r->stride);
		if (rc) /* -ENOENT: the end */
			break;
		memcpy(tokens, tokens + tok, tok);
		in = tokens;
	}
	free(tokens);
	free(keys);
	free(values);
	return err;
}

/* A slot hist's entries without a counted slot stay only when no entry
 * has one: then the map shows as a table of their other fields. The
 * count of entries kept. */
static int drop_slotless(struct aggregate_entry *e, int n)
{
	int kept = 0, counted = 0;

	for (int i = 0; i < n && !counted; i++)
		counted = e[i].slots && !e[i].fields;
	if (!counted)
		return n;
	for (int i = 0; i < n; i++) {
		if (e[i].fields) {
			free(e[i].key);
			free(e[i].slots);
			free(e[i].fields);
			continue;
		}
		e[kept++] = e[i];
	}
	return kept;
}

/* A global array: the section's one value read, an entry per element
 * keyed by its index. 0 or -errno. */
static int read_global(struct map_reader *r, struct bpf_map *map)
{
	size_t size = bpf_map__value_size(map);
	unsigned char *sec = calloc(1, size ? size : 1);
	const struct bumble_map *desc = r->desc;
	__u32 zero = 0;
	int err = 0;

	if (!sec)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(map), &zero, sec))
		err = -errno;
	for (__u32 i = 0; !err && i < desc->global_count; i++) {
		size_t at = desc->global_offset + (size_t)i * desc->global_size;

		if (at + desc->global_size > size)
			break;
		err = add_entry(r, (const unsigned char *)&i, sec + at);
	}
	free(sec);
	return err;
}

struct bpf_map *aggregates_map(const struct bumble_map *desc,
			       struct bpf_object *obj)
{
	/* libbpf finds an internal map by its section's name */
	return bpf_object__find_map_by_name(obj, desc->global ? desc->global
							      : desc->name);
}

unsigned int aggregates_value_size(const struct bumble_map *desc,
				   struct bpf_map *map)
{
	return desc->global ? desc->global_size : bpf_map__value_size(map);
}

int aggregates_read(const struct bumble_map *desc, struct bpf_map *map,
		    struct aggregate_entry **out)
{
	int percpu = is_percpu(bpf_map__type(map));
	struct map_reader r = {
	    .desc = desc,
	    .ksize = bpf_map__key_size(map),
	    .vsize = bpf_map__value_size(map),
	    .ncpu = percpu ? libbpf_num_possible_cpus() : 1,
	};
	int fd = bpf_map__fd(map), err;

	if (r.ncpu <= 0)
		return -ENOMEM;
	r.stride = percpu ? (r.vsize + 7) / 8 * 8 : r.vsize;
	if (desc->global) {
		r.ksize = sizeof(__u32);
		r.vsize = r.stride = desc->global_size;
		err = read_global(&r, map);
	} else {
		err = read_batched(&r, fd, bpf_map__max_entries(map));
	}
	if (err == -EOPNOTSUPP || err == -ENOSPC) {
		/* no batches here, or a hash bucket fuller than a batch:
		 * start again a key at a time */
		aggregates_free(r.entries, r.n);
		r.entries = NULL;
		r.n = 0;
		r.cap = 0;
		err = read_each(&r, fd);
	}
	if (err) {
		aggregates_free(r.entries, r.n);
		return err;
	}
	*out = r.entries;
	return drop_slotless(r.entries, r.n);
}

void aggregates_free(struct aggregate_entry *e, int n)
{
	for (int i = 0; i < n; i++) {
		free(e[i].key);
		free(e[i].slots);
		free(e[i].fields);
	}
	free(e);
}

static int by_unsigned_desc(const void *a, const void *b)
{
	const struct aggregate_entry *x = a, *y = b;

	return x->value < y->value ? 1 : x->value > y->value ? -1 : 0;
}

static int by_signed_desc(const void *a, const void *b)
{
	const struct aggregate_entry *x = a, *y = b;
	int64_t u = (int64_t)x->value, v = (int64_t)y->value;

	return u < v ? 1 : u > v ? -1 : 0;
}

void aggregates_sort(const struct bumble_map *desc, struct aggregate_entry *e,
		     int n)
{
	qsort(e, (size_t)n, sizeof(*e),
	      desc->value_signed ? by_signed_desc : by_unsigned_desc);
}
