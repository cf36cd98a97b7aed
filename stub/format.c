/* Event formatting: decodes raw event bytes by a BTF-derived field table
 * into aligned text columns or JSON lines. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stub.h"

/* Room one rendered field may take; arrays longer than fits are cut. */
#define FIELD_ROOM 16384

/* The per-event path: inlined even at -Os, where a call costs more
 * than the work it does. */
#define HOT static inline __attribute__((always_inline))

static const char hexdigits[] = "0123456789abcdef";

/* outbuf_putc and outbuf_put, inlined for the hot paths; they flush
 * exactly when those would. */
HOT void put1(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->buf))
		outbuf_flush(o);
	o->buf[o->len++] = c;
}

HOT void putn(struct outbuf *o, const void *s, size_t n)
{
	if (n < sizeof(o->buf) - o->len) {
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	outbuf_put(o, s, n);
}

/* The decimal digits of v, written to end there; returns their start. */
HOT char *put_digits(char *end, uint64_t v)
{
	uint32_t w;

	while (v > UINT32_MAX) {
		uint64_t q = v / 100;

		end -= 2;
		memcpy(end, outbuf_digit_pairs + 2 * (v - q * 100), 2);
		v = q;
	}
	w = (uint32_t)v;
	while (w >= 100) {
		uint32_t q = w / 100;

		end -= 2;
		memcpy(end, outbuf_digit_pairs + 2 * (w - q * 100), 2);
		w = q;
	}
	if (w >= 10) {
		end -= 2;
		memcpy(end, outbuf_digit_pairs + 2 * w, 2);
	} else {
		*--end = (char)('0' + w);
	}
	return end;
}

/* Room for the digits of any 64-bit integer and its sign. */
#define DIGITS_ROOM 24

/* Copies the number rendered at s (ending at end) to w, copying a fixed
 * DIGITS_ROOM bytes: the caller has that room at w, and s has it before
 * end + DIGITS_ROOM. Returns the end of the number at w. */
HOT char *copy_digits(char *w, const char *s, const char *end)
{
	memcpy(w, s, DIGITS_ROOM);
	return w + (end - s);
}

/* n spaces at w, in blocks of 16: the caller has n + 16 bytes of room. */
HOT char *put_spaces(char *w, size_t n)
{
	static const char spaces[16] = "                ";

	for (size_t i = 0; i < n; i += 16)
		memcpy(w + i, spaces, 16);
	return w + n;
}

HOT uint64_t load_uint(const unsigned char *p, unsigned int size)
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

HOT int64_t sign_extend(uint64_t v, unsigned int bits)
{
	uint64_t m;

	if (bits >= 64)
		return (int64_t)v;
	m = (uint64_t)1 << (bits - 1);
	return (int64_t)((v ^ m) - m);
}

/* Reads element i of an integer-like field, handling bitfields. */
HOT uint64_t field_raw(const struct bumble_field *f, const unsigned char *p)
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

HOT int64_t field_signed(const struct bumble_field *f, uint64_t raw)
{
	unsigned int bits = f->bit_size ? f->bit_size : f->size * 8;

	return sign_extend(raw, bits);
}

/* An INT or UINT field in decimal, as outbuf_i64 or outbuf_u64 would
 * write it, ending at end; returns its start. */
HOT char *int_digits(char *end, const struct bumble_field *f,
		     const unsigned char *p)
{
	uint64_t raw = field_raw(f, p);
	int64_t v;
	char *s;

	if (f->kind != BUMBLE_KIND_INT)
		return put_digits(end, raw);
	v = field_signed(f, raw);
	if (v >= 0)
		return put_digits(end, (uint64_t)v);
	s = put_digits(end, (uint64_t)0 - (uint64_t)v);
	*--s = '-';
	return s;
}

static void put_int(struct outbuf *o, const struct bumble_field *f,
		    const unsigned char *p)
{
	char tmp[DIGITS_ROOM], *s = int_digits(tmp + sizeof(tmp), f, p);

	putn(o, s, (size_t)(tmp + sizeof(tmp) - s));
}

/* A scalar integer shown as a plain number: the common column. */
HOT int plain_int(const struct bumble_field *f)
{
	return f->count == 1 && f->format == BUMBLE_FORMAT_PLAIN &&
	       (f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT);
}

static const char *enum_name(const struct bumble_field *f, int64_t v)
{
	for (unsigned int i = 0; i < f->enum_count; i++)
		if (f->enum_values[i].value == v)
			return f->enum_values[i].name;
	return NULL;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return len;
}

/* Printable ASCII that needs no escaping: copied in runs. */
HOT int plain_char(unsigned char c, int json)
{
	return c - 0x20u < 0x5fu && (!json || (c != '"' && c != '\\'));
}

/* Writes s[0..n) up to its first NUL, escaped for text or JSON. Valid
 * UTF-8 passes through; other bytes become \xNN (text) or \u00NN. */
static void put_string(struct outbuf *o, const unsigned char *s, size_t n,
		       int json)
{
	size_t i = 0;

	while (i < n && s[i]) {
		unsigned char c = s[i];
		size_t seq, run = i;

		if (n - i < sizeof(o->buf) - o->len) {
			/* room for the rest: plain bytes go straight in */
			char *w = o->buf + o->len;

			while (run < n && plain_char(s[run], json))
				*w++ = (char)s[run++];
			o->len = (size_t)(w - o->buf);
		} else {
			while (run < n && plain_char(s[run], json))
				run++;
			putn(o, s + i, run - i);
		}
		if (run > i) {
			i = run;
			continue;
		}
		seq = c >= 0x80 ? utf8_len(s + i, n - i) : 0;

		if (seq) {
			putn(o, s + i, seq);
			i += seq;
			continue;
		}
		if (c == '"' && json) {
			putn(o, "\\\"", 2);
		} else if (c == '\\' && json) {
			putn(o, "\\\\", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			char e[6] = {'\\',
				     'u',
				     '0',
				     '0',
				     hexdigits[c >> 4],
				     hexdigits[c & 15]};
			if (json) {
				putn(o, e, 6);
			} else {
				e[2] = '\\';
				e[3] = 'x';
				putn(o, e + 2, 4);
			}
		} else {
			put1(o, (char)c);
		}
		i++;
	}
}

static void put_hex(struct outbuf *o, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put1(o, hexdigits[p[i] >> 4]);
		put1(o, hexdigits[p[i] & 15]);
	}
}

static void put_hex_u64(struct outbuf *o, uint64_t v)
{
	int shift = 60;

	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		put1(o, hexdigits[(v >> shift) & 15]);
}

/* 0x1f, quoted in JSON: pointers and hex_u* fields. */
static void put_hex_value(struct outbuf *o, uint64_t v, int json)
{
	if (json)
		put1(o, '"');
	putn(o, "0x", 2);
	put_hex_u64(o, v);
	if (json)
		put1(o, '"');
}

static void put_duration_text(struct outbuf *o, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {{1000000000ull, "s"}, {1000000ull, "ms"}, {1000ull, "us"}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].div) {
			uint64_t whole = ns / units[i].div;
			uint64_t frac =
			    (ns % units[i].div) * 1000 / units[i].div;

			outbuf_u64(o, whole);
			put1(o, '.');
			put1(o, (char)('0' + frac / 100));
			put1(o, (char)('0' + frac / 10 % 10));
			put1(o, (char)('0' + frac % 10));
			outbuf_puts(o, units[i].unit);
			return;
		}
	}
	outbuf_u64(o, ns);
	outbuf_puts(o, "ns");
}

/* Wall-clock time: "13:45:12.123456" in text, RFC 3339 with nanoseconds
 * in JSON. UTC, so a tool needs no time zone data. The seconds part is
 * kept from the last call: events come many to a second. */
static void put_time(struct outbuf *o, uint64_t ns, int json)
{
	static struct {
		uint64_t secs;
		int valid;
		size_t len;
		char text[48];
	} last[2];
	uint64_t secs = ns / 1000000000;
	unsigned long frac = (unsigned long)(ns % 1000000000);
	int digits = json ? 9 : 6;
	char buf[12];

	json = !!json;
	if (!last[json].valid || last[json].secs != secs) {
		time_t t = (time_t)secs;
		struct tm tm;

		gmtime_r(&t, &tm);
		last[json].len =
		    strftime(last[json].text, sizeof(last[json].text),
			     json ? "\"%Y-%m-%dT%H:%M:%S." : "%H:%M:%S.", &tm);
		last[json].secs = secs;
		last[json].valid = 1;
	}
	putn(o, last[json].text, last[json].len);
	if (!json)
		frac /= 1000;
	for (int i = digits - 1; i >= 0; i--) {
		buf[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (json) {
		buf[digits] = 'Z';
		buf[digits + 1] = '"';
		digits += 2;
	}
	putn(o, buf, (size_t)digits);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, to show bpf_ktime_get_ns(). */
static uint64_t monotonic_to_realtime(uint64_t mono)
{
	static int64_t offset;
	static int known;

	if (!known) {
		struct timespec rt, mt;

		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mt);
		offset = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 +
			 (rt.tv_nsec - mt.tv_nsec);
		known = 1;
	}
	return mono + (uint64_t)offset;
}

/* A name for the value, quoted in JSON; 0 if there is none. */
static int put_name(struct outbuf *o, const char *name, int negative, int json)
{
	if (!name)
		return 0;
	if (json)
		put1(o, '"');
	if (negative)
		put1(o, '-');
	outbuf_puts(o, name);
	if (json)
		put1(o, '"');
	return 1;
}

/* Formats chosen by typedef name; 0 when f has none or the value has no
 * such form (an unknown syscall), to be shown plainly. */
static int put_formatted(struct outbuf *o, const struct bumble_field *f,
			 const unsigned char *p, int json)
{
	char addr[INET6_ADDRSTRLEN];
	int64_t v;

	switch (f->format) {
	case BUMBLE_FORMAT_IPV4:
	case BUMBLE_FORMAT_IPV6:
		if (f->size != (f->format == BUMBLE_FORMAT_IPV4 ? 4u : 16u))
			return 0;
		inet_ntop(f->size == 4 ? AF_INET : AF_INET6, p, addr,
			  sizeof(addr));
		return put_name(o, addr, 0, json);
	case BUMBLE_FORMAT_DURATION:
		if (json)
			return 0;
		put_duration_text(o, field_raw(f, p));
		return 1;
	case BUMBLE_FORMAT_PORT:
		if (f->size != 2)
			return 0;
		outbuf_u64(o, ntohs((uint16_t)field_raw(f, p)));
		return 1;
	case BUMBLE_FORMAT_KTIME:
		put_time(o, monotonic_to_realtime(field_raw(f, p)), json);
		return 1;
	case BUMBLE_FORMAT_ERRNO:
		v = field_signed(f, field_raw(f, p));
		return put_name(o, errno_name(v < 0 ? -v : v), v < 0, json);
	case BUMBLE_FORMAT_SYSCALL:
		return put_name(
		    o, syscall_name(field_signed(f, field_raw(f, p))), 0, json);
	case BUMBLE_FORMAT_SIGNAL:
		return put_name(
		    o, signal_name(field_signed(f, field_raw(f, p))), 0, json);
	case BUMBLE_FORMAT_HEX:
		put_hex_value(o, field_raw(f, p), json);
		return 1;
	default:
		return 0;
	}
}

/* One scalar element of field f at p. */
static void put_scalar(struct outbuf *o, const struct bumble_field *f,
		       const unsigned char *p, int json)
{
	uint64_t raw;
	const char *name;

	if (f->format != BUMBLE_FORMAT_PLAIN && put_formatted(o, f, p, json))
		return;
	switch (f->kind) {
	case BUMBLE_KIND_INT:
	case BUMBLE_KIND_UINT:
		put_int(o, f, p);
		break;
	case BUMBLE_KIND_BOOL:
		outbuf_puts(o, field_raw(f, p) ? "true" : "false");
		break;
	case BUMBLE_KIND_ENUM:
		raw = field_raw(f, p);
		name = enum_name(f, field_signed(f, raw));
		if (!name) {
			outbuf_i64(o, field_signed(f, raw));
		} else if (json) {
			put1(o, '"');
			outbuf_puts(o, name);
			put1(o, '"');
		} else {
			outbuf_puts(o, name);
		}
		break;
	case BUMBLE_KIND_PTR:
		put_hex_value(o, field_raw(f, p), json);
		break;
	default: /* BUMBLE_KIND_BYTES */
		if (json)
			put1(o, '"');
		put_hex(o, p, f->size);
		if (json)
			put1(o, '"');
		break;
	}
}

static size_t element_room(const struct bumble_field *f)
{
	return (size_t)f->size * 4 + 48;
}

static void put_value(struct outbuf *o, const struct bumble_field *f,
		      const unsigned char *p, int json)
{
	if (f->kind == BUMBLE_KIND_CHARS) {
		if (json)
			put1(o, '"');
		put_string(o, p, (size_t)f->size * f->count, json);
		if (json)
			put1(o, '"');
		return;
	}
	if (f->count == 1) {
		put_scalar(o, f, p, json);
		return;
	}
	put1(o, '[');
	for (unsigned int i = 0; i < f->count; i++) {
		if (i)
			put1(o, ',');
		if ((i + 2) * element_room(f) > FIELD_ROOM) {
			if (json)
				outbuf_puts(o, "null");
			else
				outbuf_puts(o, "...");
			break;
		}
		put_scalar(o, f, p + (size_t)i * f->size, json);
	}
	put1(o, ']');
}

HOT int field_present(const struct bumble_field *f, size_t size)
{
	size_t span = (size_t)f->size * f->count;

	if (f->bit_size)
		span = (f->bit_shift + f->bit_size + 7) / 8;
	return (size_t)f->offset + span <= size;
}

static int right_aligned(const struct bumble_field *f)
{
	if (f->count != 1 || f->format != BUMBLE_FORMAT_PLAIN)
		return f->format == BUMBLE_FORMAT_DURATION;
	return f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT;
}

/* Room for the field plus its padding, so rendering never flushes
 * midway and the start offset stays valid for alignment. */
HOT void reserve(struct outbuf *o, const struct bumble_field *f)
{
	if (sizeof(o->buf) - o->len < (size_t)FIELD_ROOM + f->width + 2)
		outbuf_flush(o);
}

static void put_aligned(struct outbuf *o, size_t start, size_t width, int right,
			int last)
{
	size_t n = o->len - start;

	if (n >= width)
		return;
	if (right) {
		memmove(o->buf + start + (width - n), o->buf + start, n);
		memset(o->buf + start, ' ', width - n);
		o->len += width - n;
	} else if (!last) {
		outbuf_pad(o, width - n);
	}
}

/* Column i of a text line: a separator, room reserved; returns where the
 * column's text starts, for column_end to align it. */
HOT size_t column_begin(struct outbuf *o, const struct bumble_field *f,
			unsigned int i)
{
	if (i)
		put1(o, ' ');
	reserve(o, f);
	return o->len;
}

static void column_end(struct outbuf *o, const struct bumble_event_type *t,
		       unsigned int i, size_t start)
{
	const struct bumble_field *f = &t->fields[i];

	put_aligned(o, start, f->width, right_aligned(f),
		    i + 1 == t->field_count);
}

#define TIME_WIDTH 15 /* 13:45:12.123456 */

void format_header(struct outbuf *o, const struct bumble_event_type *t,
		   int with_time)
{
	if (with_time) {
		outbuf_puts(o, "TIME");
		outbuf_pad(o, TIME_WIDTH - 4 + 1);
	}
	format_header_fields(o, t);
	put1(o, '\n');
}

void format_header_fields(struct outbuf *o, const struct bumble_event_type *t)
{
	for (unsigned int i = 0; i < t->field_count; i++) {
		size_t start = column_begin(o, &t->fields[i], i);

		for (const char *c = t->fields[i].name; *c; c++)
			put1(o, (*c >= 'a' && *c <= 'z') ? *c - 32 : *c);
		column_end(o, t, i, start);
	}
}

void format_text(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, uint64_t now)
{
	if (now) {
		put_time(o, now, 0);
		put1(o, ' ');
	}
	format_text_fields(o, t, data, size);
	put1(o, '\n');
}

void format_text_fields(struct outbuf *o, const struct bumble_event_type *t,
			const void *data, size_t size)
{
	const unsigned char *p = data;

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];
		size_t start = column_begin(o, f, i);

		if (plain_int(f) && field_present(f, size)) {
			/* right-aligned in place: reserve() made the room */
			char tmp[2 * DIGITS_ROOM], *end = tmp + DIGITS_ROOM;
			char *s = int_digits(end, f, p + f->offset);
			char *w = o->buf + o->len;
			size_t n = (size_t)(end - s);

			if (n < f->width)
				w = put_spaces(w, f->width - n);
			o->len = (size_t)(copy_digits(w, s, end) - o->buf);
			continue;
		}
		if (field_present(f, size))
			put_value(o, f, p + f->offset, 0);
		else
			put1(o, '?');
		column_end(o, t, i, start);
	}
}

/* "name": for a JSON object, the name escaped as any string. */
HOT void put_key(struct outbuf *o, const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	char *w, *end;

	put1(o, '"');
	w = o->buf + o->len;
	end = o->buf + sizeof(o->buf) - 3;
	while (plain_char(*s, 1) && w < end)
		*w++ = (char)*s++;
	o->len = (size_t)(w - o->buf);
	if (*s)
		put_string(o, s, strlen((const char *)s), 1);
	putn(o, "\":", 2);
}

void format_json(struct outbuf *o, const struct bumble_event_type *t,
		 const void *data, size_t size, uint64_t now)
{
	put1(o, '{');
	if (now) {
		outbuf_puts(o, "\"time\":");
		put_time(o, now, 1);
		if (t->field_count)
			put1(o, ',');
	}
	format_json_fields(o, t, data, size);
	putn(o, "}\n", 2);
}

void format_json_fields(struct outbuf *o, const struct bumble_event_type *t,
			const void *data, size_t size)
{
	const unsigned char *p = data;

	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		if (i)
			put1(o, ',');
		reserve(o, f);
		put_key(o, f->name);
		if (!field_present(f, size)) {
			putn(o, "null", 4);
		} else if (plain_int(f) &&
			   sizeof(o->buf) - o->len > 2 * DIGITS_ROOM) {
			char tmp[2 * DIGITS_ROOM], *end = tmp + DIGITS_ROOM;
			char *s = int_digits(end, f, p + f->offset);

			o->len = (size_t)(copy_digits(o->buf + o->len, s, end) -
					  o->buf);
		} else {
			put_value(o, f, p + f->offset, 1);
		}
	}
}

void format_field(struct outbuf *o, const struct bumble_field *f,
		  const void *data, size_t size)
{
	size_t start = o->len;

	if (!field_present(f, size))
		return;
	reserve(o, f);
	start = o->len;
	put_value(o, f, (const unsigned char *)data + f->offset, 1);
	/* strings unquoted: comm=bash, not comm="bash" */
	if (o->len - start >= 2 && o->buf[start] == '"' &&
	    o->buf[o->len - 1] == '"') {
		memmove(o->buf + start, o->buf + start + 1, o->len - start - 2);
		o->len -= 2;
	}
}
