/* The runner tables' byte form: little-endian integers, strings as a
 * length and their bytes, each table in the order of its struct. Shared
 * by bumble (encode) and the prelinked stub (decode, checking every
 * count, index and offset against the bytes it has). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tables_codec.h"

#define TABLES_MAGIC   "BUMBLETB"
#define TABLES_VERSION 1
#define NO_STRING      0xffffffffu

/* ---- encoding ---- */

struct writer {
	unsigned char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct writer *w, const void *p, size_t n)
{
	if (w->failed || !n)
		return;
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 1024;
		unsigned char *b;

		while (cap < w->len + n)
			cap *= 2;
		b = realloc(w->buf, cap);
		if (!b) {
			w->failed = 1;
			return;
		}
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += n;
}

static void put_uint(struct writer *w, uint64_t v, int bytes)
{
	unsigned char b[8];

	for (int i = 0; i < bytes; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	put(w, b, (size_t)bytes);
}

static void put_str(struct writer *w, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	put_uint(w, s ? n : NO_STRING, 4);
	put(w, s, n);
}

static void put_enums(struct writer *w, const struct bumble_enum_value *v,
		      unsigned int count)
{
	put_uint(w, count, 2);
	for (unsigned int i = 0; i < count; i++) {
		put_uint(w, (uint64_t)v[i].value, 8);
		put_str(w, v[i].name);
	}
}

static void put_type(struct writer *w, const struct bumble_event_type *t)
{
	put_uint(w, t != NULL, 1);
	if (!t)
		return;
	put_str(w, t->name);
	put_uint(w, t->size, 4);
	put_uint(w, t->field_count, 4);
	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		put_str(w, f->name);
		put_uint(w, f->offset, 4);
		put_uint(w, f->size, 4);
		put_uint(w, f->count, 4);
		put_uint(w, f->bit_shift, 1);
		put_uint(w, f->bit_size, 1);
		put_uint(w, f->kind, 1);
		put_uint(w, f->format, 1);
		put_uint(w, f->width, 2);
		put_uint(w, f->depth, 1);
		put_uint(w, f->enum_unsigned, 1);
		put_enums(w, f->enum_values, f->enum_count);
		put_uint(w, f->family_offset, 4);
		put_uint(w, f->family_size, 1);
		put_uint(w, f->format_param, 2);
		put_uint(w, f->format_param_nonzero, 1);
	}
}

int tables_encode(const struct bumble_tool *t, unsigned char **out,
		  size_t *size)
{
	struct writer w = {0};

	put(&w, TABLES_MAGIC, 8);
	put_uint(&w, TABLES_VERSION, 4);
	put_str(&w, t->name);
	put_str(&w, t->description);
	put_str(&w, t->bumble_version);
	put_str(&w, t->bytecode_digest);
	put_uint(&w, t->map_count, 4);
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *m = &t->maps[i];

		put_str(&w, m->name);
		put_uint(&w, m->role, 1);
		put_type(&w, m->event);
		put_type(&w, m->key);
		put_uint(&w, m->value_size, 1);
		put_uint(&w, m->value_signed, 1);
		put_type(&w, m->value);
		put_str(&w, m->help);
		put_uint(&w, m->max_entries, 4);
		put_str(&w, m->global);
		put_uint(&w, m->global_offset, 4);
		put_uint(&w, m->global_size, 4);
		put_uint(&w, m->global_count, 4);
	}
	put_uint(&w, t->program_count, 4);
	for (unsigned int i = 0; i < t->program_count; i++) {
		put_str(&w, t->programs[i].name);
		put_str(&w, t->programs[i].section);
		put_str(&w, t->programs[i].attach);
	}
	put_uint(&w, t->param_count, 4);
	for (unsigned int i = 0; i < t->param_count; i++) {
		const struct bumble_param *p = &t->params[i];

		put_str(&w, p->name);
		put_str(&w, p->help);
		put_str(&w, p->default_text);
		put_uint(&w, p->offset, 4);
		put_uint(&w, p->size, 4);
		put_uint(&w, p->count, 4);
		put_uint(&w, p->kind, 1);
		put_enums(&w, p->enum_values, p->enum_count);
	}
	if (w.failed) {
		free(w.buf);
		return -ENOMEM;
	}
	*out = w.buf;
	*size = w.len;
	return 0;
}

/* ---- decoding ---- */

/* Every allocation of one decode, freed together. */
struct tables_chunk {
	struct tables_chunk *next;
	max_align_t data[];
};

struct reader {
	const unsigned char *p, *end;
	struct tables *out;
	char *err;
	size_t errlen;
	int failed; /* -1 bad bytes, -2 out of memory */
};

static void fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = -1;
	va_start(ap, fmt);
	vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
}

static void *alloc(struct reader *r, size_t count, size_t size)
{
	struct tables_chunk *c;

	if (r->failed)
		return NULL;
	c = count <= (SIZE_MAX - sizeof(*c)) / (size ? size : 1)
		? calloc(1, sizeof(*c) + count * size)
		: NULL;
	if (!c) {
		r->failed = -2;
		snprintf(r->err, r->errlen, "out of memory");
		return NULL;
	}
	c->next = r->out->chunks;
	r->out->chunks = c;
	return c->data;
}

static uint64_t get_uint(struct reader *r, int bytes)
{
	uint64_t v = 0;

	if (r->failed)
		return 0;
	if (r->end - r->p < bytes) {
		fail(r, "cut short");
		return 0;
	}
	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += bytes;
	return v;
}

/* A count of items each at least min_bytes long: no more than the bytes
 * left can hold, so that a damaged count cannot ask for huge memory. */
static unsigned int get_count(struct reader *r, int bytes, size_t min_bytes)
{
	uint64_t n = get_uint(r, bytes);

	if (!r->failed && n > (size_t)(r->end - r->p) / min_bytes) {
		fail(r, "a count of %llu is more than the bytes hold",
		     (unsigned long long)n);
		return 0;
	}
	return (unsigned int)n;
}

static const char *get_str(struct reader *r)
{
	uint64_t n = get_uint(r, 4);
	char *s;

	if (r->failed || n == NO_STRING)
		return NULL;
	if (n > (uint64_t)(r->end - r->p)) {
		fail(r, "a string is cut short");
		return NULL;
	}
	if (memchr(r->p, '\0', (size_t)n)) {
		fail(r, "a string holds a NUL byte");
		return NULL;
	}
	s = alloc(r, (size_t)n + 1, 1);
	if (s)
		memcpy(s, r->p, (size_t)n);
	r->p += n;
	return s;
}

/* A value of an enum list of count names, or the reader fails. */
static unsigned char get_enum(struct reader *r, unsigned int count,
			      const char *what)
{
	uint64_t v = get_uint(r, 1);

	if (v >= count)
		fail(r, "%s %llu is unknown to this runtime", what,
		     (unsigned long long)v);
	return (unsigned char)v;
}

static const struct bumble_enum_value *get_enums(struct reader *r,
						 unsigned short *count)
{
	struct bumble_enum_value *v;

	*count = (unsigned short)get_count(r, 2, 12);
	v = alloc(r, *count, sizeof(*v));
	for (unsigned int i = 0; v && i < *count; i++) {
		v[i].value = (long long)get_uint(r, 8);
		v[i].name = get_str(r);
		if (!r->failed && !v[i].name)
			fail(r, "an enumerator has no name");
	}
	return v;
}

/* The bytes a field reads, first to last, within an event of size. */
static void check_field(struct reader *r, const struct bumble_event_type *t,
			const struct bumble_field *f)
{
	uint64_t end = (uint64_t)f->offset + (uint64_t)f->size * f->count;

	if (!f->name)
		fail(r, "a field of '%s' has no name", t->name);
	else if (end > t->size)
		fail(r,
		     "field '%s' (bytes %u to %llu) is outside its %u-byte "
		     "struct",
		     f->name, f->offset, (unsigned long long)end, t->size);
	else if (f->bit_size && f->bit_shift + f->bit_size > 8 * f->size)
		fail(r, "bitfield '%s' is wider than its %u bytes", f->name,
		     f->size);
	else if (f->family_offset &&
		 f->family_offset - 1 + (uint64_t)f->family_size > t->size)
		fail(r, "the address family of '%s' is outside its struct",
		     f->name);
}

static const struct bumble_event_type *get_type(struct reader *r)
{
	struct bumble_event_type *t;
	struct bumble_field *fields;

	switch (get_uint(r, 1)) {
	case 0:
		return NULL;
	case 1:
		break;
	default:
		fail(r, "a struct is neither there nor absent");
		return NULL;
	}
	t = alloc(r, 1, sizeof(*t));
	if (!t)
		return NULL;
	t->name = get_str(r);
	t->size = (unsigned int)get_uint(r, 4);
	t->field_count = get_count(r, 4, 34);
	t->fields = fields = alloc(r, t->field_count, sizeof(*fields));
	if (!r->failed && !t->name)
		fail(r, "a struct has no name");
	for (unsigned int i = 0; fields && i < t->field_count; i++) {
		struct bumble_field *f = &fields[i];

		f->name = get_str(r);
		f->offset = (unsigned int)get_uint(r, 4);
		f->size = (unsigned int)get_uint(r, 4);
		f->count = (unsigned int)get_uint(r, 4);
		f->bit_shift = (unsigned char)get_uint(r, 1);
		f->bit_size = (unsigned char)get_uint(r, 1);
		f->kind = get_enum(r, BUMBLE_KIND_COUNT, "field kind");
		f->format = get_enum(r, BUMBLE_FORMAT_COUNT, "field format");
		f->width = (unsigned short)get_uint(r, 2);
		f->depth = (unsigned char)get_uint(r, 1);
		f->enum_unsigned = (unsigned char)get_uint(r, 1);
		f->enum_values = get_enums(r, &f->enum_count);
		f->family_offset = (unsigned int)get_uint(r, 4);
		f->family_size = (unsigned char)get_uint(r, 1);
		f->format_param = (unsigned short)get_uint(r, 2);
		f->format_param_nonzero = (unsigned char)get_uint(r, 1);
		if (!r->failed)
			check_field(r, t, f);
	}
	return r->failed ? NULL : t;
}

static void get_maps(struct reader *r, struct bumble_tool *t)
{
	struct bumble_map *maps;

	t->map_count = get_count(r, 4, 34);
	t->maps = maps = alloc(r, t->map_count, sizeof(*maps));
	for (unsigned int i = 0; maps && i < t->map_count && !r->failed; i++) {
		struct bumble_map *m = &maps[i];

		m->name = get_str(r);
		m->role = get_enum(r, BUMBLE_ROLE_COUNT, "map role");
		m->event = get_type(r);
		m->key = get_type(r);
		m->value_size = (unsigned char)get_uint(r, 1);
		m->value_signed = (unsigned char)get_uint(r, 1);
		m->value = get_type(r);
		m->help = get_str(r);
		m->max_entries = (unsigned int)get_uint(r, 4);
		m->global = get_str(r);
		m->global_offset = (unsigned int)get_uint(r, 4);
		m->global_size = (unsigned int)get_uint(r, 4);
		m->global_count = (unsigned int)get_uint(r, 4);
		if (!r->failed && !m->name)
			fail(r, "a map has no name");
	}
}

static void get_programs(struct reader *r, struct bumble_tool *t)
{
	struct bumble_program *progs;

	t->program_count = get_count(r, 4, 12);
	t->programs = progs = alloc(r, t->program_count, sizeof(*progs));
	for (unsigned int i = 0; progs && i < t->program_count; i++) {
		progs[i].name = get_str(r);
		progs[i].section = get_str(r);
		progs[i].attach = get_str(r);
		if (!r->failed && (!progs[i].name || !progs[i].section))
			fail(r, "a program has no name or section");
	}
}

static void get_params(struct reader *r, struct bumble_tool *t)
{
	struct bumble_param *params;

	t->param_count = get_count(r, 4, 27);
	t->params = params = alloc(r, t->param_count, sizeof(*params));
	for (unsigned int i = 0; params && i < t->param_count; i++) {
		struct bumble_param *p = &params[i];

		p->name = get_str(r);
		p->help = get_str(r);
		p->default_text = get_str(r);
		p->offset = (unsigned int)get_uint(r, 4);
		p->size = (unsigned int)get_uint(r, 4);
		p->count = (unsigned int)get_uint(r, 4);
		p->kind = get_enum(r, BUMBLE_KIND_COUNT, "parameter kind");
		p->enum_values = get_enums(r, &p->enum_count);
		if (!r->failed && (!p->name || !p->help || !p->default_text))
			fail(r, "a parameter has no name, help or default");
	}
}

/* A field's format_param names one of the tool's parameters. */
static void check_type_params(struct reader *r, const struct bumble_tool *t,
			      const struct bumble_event_type *type)
{
	for (unsigned int i = 0; type && i < type->field_count; i++)
		if (type->fields[i].format_param > t->param_count)
			fail(r, "field '%s' depends on parameter %u of %u",
			     type->fields[i].name, type->fields[i].format_param,
			     t->param_count);
}

static void check_format_params(struct reader *r, const struct bumble_tool *t)
{
	for (unsigned int i = 0; i < t->map_count; i++) {
		check_type_params(r, t, t->maps[i].event);
		check_type_params(r, t, t->maps[i].key);
		check_type_params(r, t, t->maps[i].value);
	}
}

int tables_decode(const unsigned char *data, size_t n, struct tables *out,
		  char *err, size_t errlen)
{
	struct reader r = {data, data + n, out, err, errlen, 0};
	struct bumble_tool *t = &out->tool;
	uint64_t version;

	memset(out, 0, sizeof(*out));
	if (n < 12 || memcmp(data, TABLES_MAGIC, 8)) {
		snprintf(err, errlen, "no runner tables");
		return -1;
	}
	r.p += 8;
	version = get_uint(&r, 4);
	if (version != TABLES_VERSION) {
		snprintf(err, errlen,
			 "runner tables of format %llu, this runtime reads %d",
			 (unsigned long long)version, TABLES_VERSION);
		return -1;
	}
	t->sz = sizeof(*t);
	t->name = get_str(&r);
	t->description = get_str(&r);
	t->bumble_version = get_str(&r);
	t->bytecode_digest = get_str(&r);
	if (!r.failed && (!t->name || !t->description || !t->bumble_version))
		fail(&r, "the tool has no name, description or version");
	get_maps(&r, t);
	get_programs(&r, t);
	get_params(&r, t);
	if (!r.failed)
		check_format_params(&r, t);
	if (!r.failed && r.p != r.end)
		fail(&r, "%zu bytes follow the tables", (size_t)(r.end - r.p));
	if (r.failed) {
		tables_free(out);
		return r.failed;
	}
	return 0;
}

void tables_free(struct tables *t)
{
	while (t->chunks) {
		struct tables_chunk *next = t->chunks->next;

		free(t->chunks);
		t->chunks = next;
	}
	memset(t, 0, sizeof(*t));
}
