/* Inside the event formatter: reading a field's value out of event
 * bytes, and the value renderers the text and JSON lines call. */
#ifndef BUMBLE_RENDER_H
#define BUMBLE_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stub.h"

/* Room one rendered field may take; arrays longer than fits are cut. */
#define FIELD_ROOM 16384

/* Room for field f, its padding and a separator: reserved before it is
 * rendered, so that no flush comes midway and moves its mark. */
static inline size_t field_room(const struct bumble_field *f)
{
	return (size_t)FIELD_ROOM + f->width + 2;
}

/* The readers below are inline for the per-event path: at -Os the
 * compiler would call them, and each call costs more than its work. */

static inline __attribute__((always_inline)) uint64_t
load_uint(const unsigned char *p, unsigned int size)
{
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	switch (size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default:
		memcpy(&u64, p, 8);
		return u64;
	}
}

static inline __attribute__((always_inline)) int64_t
sign_extend(uint64_t v, unsigned int bits)
{
	uint64_t m;

	if (bits >= 64)
		return (int64_t)v;
	m = (uint64_t)1 << (bits - 1);
	return (int64_t)((v ^ m) - m);
}

/* Reads element i of an integer-like field, handling bitfields. */
static inline __attribute__((always_inline)) uint64_t
field_raw(const struct bumble_field *f, const unsigned char *p)
{
	uint64_t v, lo;
	unsigned int need;

	if (!f->bit_size)
		return load_uint(p, f->size);
	/* Bitfield: gather the bytes covering it, little-endian. */
	need = (f->bit_shift + f->bit_size + 7) / 8;
	v = 0;
	for (unsigned int i = 0; i < need && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	v >>= f->bit_shift;
	if (need > 8) {
		lo = (uint64_t)p[8] << (64 - f->bit_shift);
		v |= lo;
	}
	if (f->bit_size < 64)
		v &= ((uint64_t)1 << f->bit_size) - 1;
	return v;
}

static inline __attribute__((always_inline)) int64_t
field_signed(const struct bumble_field *f, uint64_t raw)
{
	unsigned int bits = f->bit_size ? f->bit_size : f->size * 8;

	return sign_extend(raw, bits);
}

/* A scalar integer shown as a plain number: the common column. */
static inline __attribute__((always_inline)) int
plain_int(const struct bumble_field *f)
{
	return f->count == 1 && f->format == BUMBLE_FORMAT_PLAIN &&
	       (f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT);
}

/* The field's bytes lie within an event of this size. */
static inline __attribute__((always_inline)) int
field_present(const struct bumble_field *f, size_t size)
{
	size_t span = (size_t)f->size * f->count;

	if (f->bit_size)
		span = (f->bit_shift + f->bit_size + 7) / 8;
	return (size_t)f->offset + span <= size;
}

/* Part of an array arrived: the event ends inside it (a trailing
 * buffer of variable length, sent only as long as it is filled). */
static inline int field_partial(const struct bumble_field *f, size_t size)
{
	return f->count > 1 && !f->bit_size && f->offset + f->size <= size &&
	       !field_present(f, size);
}

/* Printable ASCII that needs no escaping, copied in runs: bit 1 for
 * text, bit 2 for JSON. A backslash never is: it starts the escapes of
 * text too. A table, since the test runs for every byte of every key
 * and string. */
extern const unsigned char render_plain[256];

static inline __attribute__((always_inline)) int plain_char(unsigned char c,
							    int json)
{
	return render_plain[c] & (json ? 2 : 1);
}

/* An INT or UINT field in decimal, right-aligned in width columns (0:
 * as wide as it is): the common column, inline on the per-event path. */
static inline __attribute__((always_inline)) void
render_int(struct outbuf *o, const struct bumble_field *f,
	   const unsigned char *p, size_t width)
{
	uint64_t magnitude = field_raw(f, p);
	int negative = 0;
	int64_t v;

	if (f->kind == BUMBLE_KIND_INT) {
		v = field_signed(f, magnitude);
		negative = v < 0;
		magnitude = negative ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	}
	outbuf_decimal(o, magnitude, negative, width);
}

extern const char render_hexdigits[16];

/* The renderers: each writes one value at p as field f describes it,
 * for text (json 0) or JSON (json 1; strings and names quoted). */

/* render_value.c: by kind, arrays in brackets. */
void render_value(struct outbuf *o, const struct bumble_field *f,
		  const unsigned char *p, int json);
/* The elements of a field_partial array that arrived; of a char
 * array, its NUL-separated strings joined by spaces (argv-like). */
void render_partial(struct outbuf *o, const struct bumble_field *f,
		    const unsigned char *p, size_t size, int json);
/* stack_id fields: set by stacks.c once the program's stack trace map
 * is loaded; NULL (the id shown as a number) until then. 1 if it
 * rendered the stack, 0 if the id has none. */
extern int (*render_stack_hook)(struct outbuf *o, int64_t id, int json);
/* Per parameter of the tool: is it nonzero as loaded? Set once the
 * parameters are applied; a field's format_param looks here. */
extern const unsigned char *render_param_nonzero;
extern unsigned int render_param_count;
/* 0x1f, quoted in JSON: pointers and hex_u* fields. */
void render_hex(struct outbuf *o, uint64_t v, int json);

/* render_string.c: s[0..n) up to its first NUL, escaped, unquoted. */
void render_string(struct outbuf *o, const unsigned char *s, size_t n,
		   int json);

/* render_typed.c: by typedef name; 0 when f has no such format or the
 * value has no such form (an unknown syscall), to be shown plainly. */
int render_typed(struct outbuf *o, const struct bumble_field *f,
		 const unsigned char *p, int json);

/* render_time.c: wall-clock ns as "13:45:12.123456" in text, RFC 3339
 * in JSON (quoted). */
void render_time(struct outbuf *o, uint64_t ns, int json);

#endif
