/* The output buffer: the one writer of event lines, one write(2) per
 * batch of events, numbers without printf. */
#ifndef BUMBLE_OUTBUF_H
#define BUMBLE_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Buffered writes to one file descriptor; flushed per batch of events.
 *
 * The struct is in the header only so that the writers below inline
 * into the formatter's per-event path, where a call costs as much as
 * the work: code outside outbuf.[ch] goes through the functions and
 * never reads or writes a field. */
#define OUTBUF_SIZE 65536

struct outbuf {
	int fd;
	int error; /* first write error as -errno, sticky */
	size_t len;
	/* For a non-blocking fd: called when a write would block; 0 to
	 * write again, or -errno to give up (which sticks as the error). */
	int (*wait)(void *ctx);
	void *wait_ctx;
	char buf[OUTBUF_SIZE];
};

void outbuf_init(struct outbuf *o, int fd);
/* Sets the wait for a non-blocking fd (without one, EAGAIN is an
 * error). */
void outbuf_set_wait(struct outbuf *o, int (*wait)(void *ctx), void *ctx);
/* Writes what is buffered; 0 or the first write error. */
int outbuf_flush(struct outbuf *o);
/* The first write error as -errno, or 0: it sticks. */
static inline int outbuf_error(const struct outbuf *o)
{
	return o->error;
}
/* outbuf_put for n bytes that do not fit: fills, flushes, goes on. */
void outbuf_put_flushing(struct outbuf *o, const void *s, size_t n);
void outbuf_puts(struct outbuf *o, const char *s);
/* n spaces. */
void outbuf_pad(struct outbuf *o, size_t n);
/* Integers in decimal: outbuf_decimal, not inlined where speed does not
 * matter. */
void outbuf_u64(struct outbuf *o, uint64_t v);
void outbuf_i64(struct outbuf *o, int64_t v);
/* Aligns what was written since mark in width columns: spaces after it,
 * or before it when right. */
void outbuf_align(struct outbuf *o, size_t mark, size_t width, int right);
/* Drops c from both ends of what was written since mark, when it is at
 * both: "bash" to bash. */
void outbuf_unwrap(struct outbuf *o, size_t mark, char c);
/* What is buffered as a C string, cut to fit its NUL: for a scratch
 * outbuf that is never flushed. */
const char *outbuf_str(struct outbuf *o);

/* The hot writers, always inlined: at -Os the compiler would call them,
 * and the call would cost more than the copy it makes. */

static inline __attribute__((always_inline)) void outbuf_putc(struct outbuf *o,
							      char c)
{
	if (o->len == sizeof(o->buf))
		outbuf_flush(o);
	o->buf[o->len++] = c;
}

static inline __attribute__((always_inline)) void
outbuf_put(struct outbuf *o, const void *s, size_t n)
{
	if (n < sizeof(o->buf) - o->len) { /* the usual case: it fits */
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	outbuf_put_flushing(o, s, n);
}

/* Free bytes before the next flush. */
static inline __attribute__((always_inline)) size_t
outbuf_room(const struct outbuf *o)
{
	return sizeof(o->buf) - o->len;
}

/* Flushes unless n bytes fit: a line part of at most n bytes is then
 * written without a flush, and a mark taken before it stays valid. */
static inline __attribute__((always_inline)) void
outbuf_reserve(struct outbuf *o, size_t n)
{
	if (outbuf_room(o) < n)
		outbuf_flush(o);
}

/* Where the next byte goes, for outbuf_align and outbuf_unwrap. */
static inline __attribute__((always_inline)) size_t
outbuf_mark(const struct outbuf *o)
{
	return o->len;
}

/* For a writer that fills the buffer in place, within outbuf_room:
 * outbuf_tail is where its bytes go, outbuf_advance takes them up to
 * end. */
static inline __attribute__((always_inline)) char *outbuf_tail(struct outbuf *o)
{
	return o->buf + o->len;
}

static inline __attribute__((always_inline)) void
outbuf_advance(struct outbuf *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}

/* Two decimal digits at a time: "00" to "99". */
extern const char outbuf_digit_pairs[201];

/* Room for the digits of any 64-bit integer and its sign. */
#define OUTBUF_DIGITS_ROOM 24

/* The decimal digits of v, written to end there; returns their start.
 * Two digits per division, and 32-bit divisions once v fits. */
static inline __attribute__((always_inline)) char *outbuf_digits(char *end,
								 uint64_t v)
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

/* An integer given as its magnitude and sign, right-aligned in width
 * columns (0: as wide as it is). Where the buffer has room, the spaces
 * go in blocks of 16 and the digits in one fixed-size copy. */
static inline __attribute__((always_inline)) void
outbuf_decimal(struct outbuf *o, uint64_t magnitude, int negative, size_t width)
{
	static const char spaces[16] = "                ";
	char tmp[2 * OUTBUF_DIGITS_ROOM], *end = tmp + OUTBUF_DIGITS_ROOM;
	char *s = outbuf_digits(end, magnitude), *w;
	size_t n;

	if (negative)
		*--s = '-';
	n = (size_t)(end - s);
	if (outbuf_room(o) <= width + 16 + OUTBUF_DIGITS_ROOM) {
		if (n < width)
			outbuf_pad(o, width - n);
		outbuf_put(o, s, n);
		return;
	}
	w = outbuf_tail(o);
	if (n < width) {
		size_t pad = width - n, i = 0;

		do {
			memcpy(w + i, spaces, 16);
			i += 16;
		} while (i < pad);
		w += pad;
	}
	/* s has OUTBUF_DIGITS_ROOM bytes of tmp from it, w the room */
	memcpy(w, s, OUTBUF_DIGITS_ROOM);
	outbuf_advance(o, w + n);
}

#endif
