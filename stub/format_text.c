/* Event lines as text columns: the header of field names and one line
 * per event, strings left-aligned and numbers right-aligned; a map
 * column first when maps of several layouts print. */
#include "render.h"

#define TIME_WIDTH 15 /* 13:45:12.123456 */

static int right_aligned(const struct bumble_field *f)
{
	if (f->count != 1 || f->format != BUMBLE_FORMAT_PLAIN)
		return f->format == BUMBLE_FORMAT_DURATION;
	return f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT;
}

/* A column whose text is aligned after it is written: room reserved,
 * so that no flush moves the mark column_end aligns from. */
static size_t column_begin(struct outbuf *o, const struct bumble_field *f)
{
	outbuf_reserve(o, field_room(f));
	return outbuf_mark(o);
}

/* The last column of a line is not padded: no trailing spaces; but
 * the last of fields that more columns follow is (pad_last). */
static void column_end(struct outbuf *o, const struct bumble_event_type *t,
		       unsigned int i, size_t mark, int pad_last)
{
	const struct bumble_field *f = &t->fields[i];
	int right = right_aligned(f);

	if (right || pad_last || i + 1 < t->field_count)
		outbuf_align(o, mark, f->width, right);
}

/* The map column of line l: the map's name, padded. */
static void map_column(struct outbuf *o, const struct format_line *l)
{
	size_t n = strlen(l->map);

	render_string(o, (const unsigned char *)l->map, n, 0);
	outbuf_pad(o, (n < l->map_width ? l->map_width - n : 0) + 1);
}

static void put_header(struct outbuf *o, const struct bumble_event_type *t,
		       const struct bumble_field *skip, int pad_last);
static void put_fields(struct outbuf *o, const struct bumble_event_type *t,
		       const struct bumble_field *skip, const void *data,
		       size_t size, int pad_last);

void format_header(struct outbuf *o, const struct bumble_event_type *t,
		   const struct format_line *l, int with_time)
{
	if (l && l->map_width && l->map)
		map_column(o, l);
	if (with_time) {
		outbuf_puts(o, "TIME");
		outbuf_pad(o, TIME_WIDTH - 4 + 1);
	}
	put_header(o, t, NULL, 0);
	outbuf_putc(o, '\n');
}

static unsigned char upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static void put_header(struct outbuf *o, const struct bumble_event_type *t,
		       const struct bumble_field *skip, int pad_last)
{
	for (unsigned int i = 0, n = 0; i < t->field_count; i++) {
		const char *name = t->fields[i].name;
		size_t mark;

		if (&t->fields[i] == skip)
			continue;
		if (n++)
			outbuf_putc(o, ' ');
		mark = column_begin(o, &t->fields[i]);
		while (*name) { /* upper case, escaped as any string */
			unsigned char up[64];
			size_t n = 0;

			for (; *name && n < sizeof(up); name++, n++)
				up[n] = upper((unsigned char)*name);
			render_string(o, up, n, 0);
		}
		column_end(o, t, i, mark, pad_last);
	}
}

void format_header_fields(struct outbuf *o, const struct bumble_event_type *t,
			  const struct bumble_field *skip, int pad_last)
{
	put_header(o, t, skip, pad_last);
}

void format_text(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, const struct format_line *l)
{
	if (l && l->map_width && l->map)
		map_column(o, l);
	if (l && l->now) {
		render_time(o, l->now, 0);
		outbuf_putc(o, ' ');
	}
	put_fields(o, t, NULL, data, size, 0);
	outbuf_putc(o, '\n');
}

void format_text_fields(struct outbuf *o, const struct bumble_event_type *t,
			const struct bumble_field *skip, const void *data,
			size_t size, int pad_last)
{
	put_fields(o, t, skip, data, size, pad_last);
}

static void put_fields(struct outbuf *o, const struct bumble_event_type *t,
		       const struct bumble_field *skip, const void *data,
		       size_t size, int pad_last)
{
	const unsigned char *p = data;

	for (unsigned int i = 0, n = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];
		size_t mark;

		if (f == skip)
			continue;
		if (n++)
			outbuf_putc(o, ' ');
		if (plain_int(f) && field_present(f, size)) {
			/* the common column: right-aligned as it is written */
			render_int(o, f, p + f->offset, f->width);
			continue;
		}
		mark = column_begin(o, f);
		if (field_present(f, size))
			render_value(o, f, p + f->offset, 0);
		else if (field_partial(f, size))
			render_partial(o, f, p + f->offset, size, 0);
		else
			outbuf_putc(o, '?');
		column_end(o, t, i, mark, pad_last);
	}
}
