/* One field's value by its kind: integers, bools, enums by name,
 * pointers and bytes in hex, arrays in brackets; and the one-field view
 * --filter compares. */
#include "render.h"

const char render_hexdigits[16] = "0123456789abcdef";

static const char *enum_name(const struct bumble_field *f, int64_t v)
{
	for (unsigned int i = 0; i < f->enum_count; i++)
		if (f->enum_values[i].value == v)
			return f->enum_values[i].name;
	return NULL;
}

static void render_bytes(struct outbuf *o, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		outbuf_putc(o, render_hexdigits[p[i] >> 4]);
		outbuf_putc(o, render_hexdigits[p[i] & 15]);
	}
}

void render_hex(struct outbuf *o, uint64_t v, int json)
{
	int shift = 60;

	if (json)
		outbuf_putc(o, '"');
	outbuf_put(o, "0x", 2);
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		outbuf_putc(o, render_hexdigits[(v >> shift) & 15]);
	if (json)
		outbuf_putc(o, '"');
}

/* One scalar element of field f at p. */
static void render_scalar(struct outbuf *o, const struct bumble_field *f,
			  const unsigned char *p, int json)
{
	uint64_t raw;
	int64_t value;
	const char *name;

	if (f->format != BUMBLE_FORMAT_PLAIN && render_typed(o, f, p, json))
		return;
	switch (f->kind) {
	case BUMBLE_KIND_INT:
	case BUMBLE_KIND_UINT:
		render_int(o, f, p, 0);
		break;
	case BUMBLE_KIND_BOOL:
		outbuf_puts(o, field_raw(f, p) ? "true" : "false");
		break;
	case BUMBLE_KIND_ENUM:
		raw = field_raw(f, p);
		value = f->enum_unsigned ? (int64_t)raw : field_signed(f, raw);
		name = enum_name(f, value);
		if (!name && f->enum_unsigned) {
			outbuf_u64(o, raw);
		} else if (!name) {
			outbuf_i64(o, value);
		} else if (json) {
			outbuf_putc(o, '"');
			outbuf_puts(o, name);
			outbuf_putc(o, '"');
		} else {
			outbuf_puts(o, name);
		}
		break;
	case BUMBLE_KIND_PTR:
		render_hex(o, field_raw(f, p), json);
		break;
	default: /* BUMBLE_KIND_BYTES */
		if (json)
			outbuf_putc(o, '"');
		render_bytes(o, p, f->size);
		if (json)
			outbuf_putc(o, '"');
		break;
	}
}

static size_t element_room(const struct bumble_field *f)
{
	return (size_t)f->size * 4 + 48;
}

void render_value(struct outbuf *o, const struct bumble_field *f,
		  const unsigned char *p, int json)
{
	if (f->kind == BUMBLE_KIND_CHARS) {
		if (json)
			outbuf_putc(o, '"');
		render_string(o, p, (size_t)f->size * f->count, json);
		if (json)
			outbuf_putc(o, '"');
		return;
	}
	if (f->count == 1) {
		render_scalar(o, f, p, json);
		return;
	}
	outbuf_putc(o, '[');
	for (unsigned int i = 0; i < f->count; i++) {
		if (i)
			outbuf_putc(o, ',');
		if ((i + 2) * element_room(f) > FIELD_ROOM) {
			if (json)
				outbuf_puts(o, "null");
			else
				outbuf_puts(o, "...");
			break;
		}
		render_scalar(o, f, p + (size_t)i * f->size, json);
	}
	outbuf_putc(o, ']');
}

void render_partial(struct outbuf *o, const struct bumble_field *f,
		    const unsigned char *p, size_t size, int json)
{
	struct bumble_field part = *f;
	size_t n = size - f->offset, i = 0;

	part.count = (unsigned int)(n / f->size);
	if (f->kind != BUMBLE_KIND_CHARS) {
		render_value(o, &part, p, json);
		return;
	}
	while (n && !p[n - 1])
		n--;
	if (json)
		outbuf_putc(o, '"');
	while (i < n) {
		size_t len = strnlen((const char *)p + i, n - i);

		if (i)
			outbuf_putc(o, ' ');
		render_string(o, p + i, len, json);
		i += len + 1;
	}
	if (json)
		outbuf_putc(o, '"');
}

void format_field(struct outbuf *o, const struct bumble_field *f,
		  const void *data, size_t size)
{
	size_t mark;

	if (!field_present(f, size))
		return;
	outbuf_reserve(o, field_room(f));
	mark = outbuf_mark(o);
	render_value(o, f, (const unsigned char *)data + f->offset, 1);
	/* strings unquoted: comm=bash, not comm="bash" */
	outbuf_unwrap(o, mark, '"');
}
