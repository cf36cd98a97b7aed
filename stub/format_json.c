/* Event lines as JSON: one object per event, numbers as numbers, a
 * missing field as null, nested structs as nested objects. */
#include "render.h"

/* "name": for a JSON object, the name escaped as any string. */
static inline __attribute__((always_inline)) void put_key(struct outbuf *o,
							  const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	char *w, *end;

	outbuf_putc(o, '"');
	w = outbuf_tail(o);
	end = w + outbuf_room(o);
	while (plain_char(*s, 1) && w < end)
		*w++ = (char)*s++;
	outbuf_advance(o, w);
	if (*s)
		render_string(o, s, strlen((const char *)s), 1);
	outbuf_put(o, "\":", 2);
}

/* The same for the n bytes at name: a part of a dotted name. */
static void put_key_part(struct outbuf *o, const char *name, size_t n)
{
	outbuf_putc(o, '"');
	render_string(o, (const unsigned char *)name, n, 1);
	outbuf_put(o, "\":", 2);
}

/* The top-level key of field f: its name up to the first dot. */
static size_t top_key_len(const struct bumble_field *f)
{
	return f->depth ? strcspn(f->name, ".") : strlen(f->name);
}

/* Has a field of t the top-level key key? */
static int key_taken(const struct bumble_event_type *t, const char *key)
{
	size_t len = strlen(key);

	for (unsigned int i = 0; t && i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		if (top_key_len(f) == len && !memcmp(f->name, key, len))
			return 1;
	}
	return 0;
}

/* base, or base with "_" before it until no field has it as its key
 * (or room runs out: C names are not that long). */
static void unique_key(char *key, size_t room, const char *base,
		       const struct bumble_event_type *t)
{
	size_t len = strlen(base);

	memcpy(key, base, len + 1);
	while (key_taken(t, key) && len + 2 <= room) {
		memmove(key + 1, key, len + 1);
		key[0] = '_';
		len++;
	}
}

/* "key":"value" into buf if value is plain and it fits; its length,
 * or 0. */
static unsigned char plain_member(char *buf, size_t room, const char *key,
				  const char *value)
{
	size_t k = strlen(key), v = strlen(value);

	if (k + v + 6 > room || room > 256)
		return 0;
	for (size_t i = 0; i < v; i++)
		if (!plain_char((unsigned char)value[i], 1))
			return 0;
	buf[0] = '"';
	memcpy(buf + 1, key, k);
	memcpy(buf + 1 + k, "\":\"", 3);
	memcpy(buf + 4 + k, value, v);
	buf[4 + k + v] = '"';
	return (unsigned char)(k + v + 5);
}

void format_line_init(struct format_line *l, const struct bumble_event_type *t,
		      const char *map)
{
	memset(l, 0, sizeof(*l));
	l->map = map;
	unique_key(l->map_key, sizeof(l->map_key), "map", t);
	unique_key(l->time_key, sizeof(l->time_key), "time", t);
	if (map)
		l->json_map_len = plain_member(l->json_map, sizeof(l->json_map),
					       l->map_key, map);
}

void format_json(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, const struct format_line *l)
{
	outbuf_putc(o, '{');
	if (l && l->json_map_len) { /* the usual map name: copied */
		outbuf_put(o, l->json_map, l->json_map_len);
		if (l->now || t->field_count)
			outbuf_putc(o, ',');
	} else if (l && l->map) {
		put_key(o, l->map_key);
		outbuf_putc(o, '"');
		render_string(o, (const unsigned char *)l->map, strlen(l->map),
			      1);
		outbuf_putc(o, '"');
		if (l->now || t->field_count)
			outbuf_putc(o, ',');
	}
	if (l && l->now) {
		put_key(o, l->time_key);
		render_time(o, l->now, 1);
		if (t->field_count)
			outbuf_putc(o, ',');
	}
	format_json_fields(o, t, NULL, data, size);
	outbuf_put(o, "}\n", 2);
}

/* Segment k of a dotted name: its start, and its length in *n. */
static const char *segment(const char *name, unsigned int k, size_t *n)
{
	while (k--) {
		name += strcspn(name, ".");
		if (*name)
			name++;
	}
	*n = strcspn(name, ".");
	return name;
}

/* The objects a dotted name is nested in: the dots, if depth says so. */
static unsigned int objects_of(const struct bumble_field *f)
{
	unsigned int n = 0;

	if (!f->depth)
		return 0;
	for (const char *c = f->name; *c; c++)
		n += *c == '.';
	return n;
}

/* From the objects prev (nested in open of them) is in to the ones f
 * is in: closes the ones f is not in and opens its others; f's own key
 * follows. Returns how many f is in. */
static __attribute__((noinline)) unsigned int
enter_objects(struct outbuf *o, const struct bumble_field *prev,
	      unsigned int open, const struct bumble_field *f)
{
	unsigned int want = objects_of(f), same = 0;
	int comma = prev != NULL;
	const char *leaf;
	size_t n;

	while (same < open && same < want) {
		size_t a, b;
		const char *sa = segment(prev->name, same, &a);
		const char *sb = segment(f->name, same, &b);

		if (a != b || memcmp(sa, sb, a))
			break;
		same++;
	}
	for (; open > same; open--)
		outbuf_putc(o, '}');
	for (; open < want; open++) {
		const char *s = segment(f->name, open, &n);

		if (comma)
			outbuf_putc(o, ',');
		put_key_part(o, s, n);
		outbuf_putc(o, '{');
		comma = 0;
	}
	if (comma)
		outbuf_putc(o, ',');
	leaf = segment(f->name, want, &n);
	put_key_part(o, leaf, n);
	return want;
}

void format_json_fields(struct outbuf *o, const struct bumble_event_type *t,
			const struct bumble_field *skip, const void *data,
			size_t size)
{
	const unsigned char *p = data;
	const struct bumble_field *prev = NULL; /* the last one written */
	unsigned int open = 0; /* objects of nested structs not yet closed */

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		if (f == skip)
			continue;
		if (!(f->depth | open)) { /* the common case: not nested */
			if (prev)
				outbuf_putc(o, ',');
			put_key(o, f->name);
		} else {
			open = enter_objects(o, prev, open, f);
		}
		prev = f;
		if (field_partial(f, size)) {
			outbuf_reserve(o, field_room(f));
			render_partial(o, f, p + f->offset, size, 1);
		} else if (!field_present(f, size)) {
			outbuf_put(o, "null", 4);
		} else if (plain_int(f)) {
			render_int(o, f, p + f->offset, 0);
		} else {
			outbuf_reserve(o, field_room(f)); /* written whole */
			render_value(o, f, p + f->offset, 1);
		}
	}
	for (; open; open--)
		outbuf_putc(o, '}');
}
