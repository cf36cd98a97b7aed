/* Event lines as JSON: one object per event, numbers as numbers, a
 * missing field as null. */
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

void format_json(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, uint64_t now)
{
	outbuf_putc(o, '{');
	if (now) {
		outbuf_puts(o, "\"time\":");
		render_time(o, now, 1);
		if (t->field_count)
			outbuf_putc(o, ',');
	}
	format_json_fields(o, t, data, size);
	outbuf_put(o, "}\n", 2);
}

void format_json_fields(struct outbuf *o, const struct bumble_event_type *t,
			const void *data, size_t size)
{
	const unsigned char *p = data;

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		if (i)
			outbuf_putc(o, ',');
		put_key(o, f->name);
		if (!field_present(f, size)) {
			outbuf_put(o, "null", 4);
		} else if (plain_int(f)) {
			render_int(o, f, p + f->offset, 0);
		} else {
			outbuf_reserve(o, field_room(f)); /* written whole */
			render_value(o, f, p + f->offset, 1);
		}
	}
}
