/* The output buffer's out-of-line half: flushing, long writes, padding,
 * alignment in place (the hot writers are inline in outbuf.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "outbuf.h"

void outbuf_init(struct outbuf *o, int fd)
{
	o->fd = fd;
	o->error = 0;
	o->len = 0;
	o->wait = NULL;
	o->wait_ctx = NULL;
}

void outbuf_set_wait(struct outbuf *o, int (*wait)(void *ctx), void *ctx)
{
	o->wait = wait;
	o->wait_ctx = ctx;
}

int outbuf_flush(struct outbuf *o)
{
	size_t done = 0;

	while (done < o->len && !o->error) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n < 0) {
			int err = -errno;

			if (err == -EINTR)
				continue;
			if (err == -EAGAIN && o->wait &&
			    !(err = o->wait(o->wait_ctx)))
				continue;
			o->error = err;
			break;
		}
		done += (size_t)n;
	}
	o->len = 0;
	return o->error;
}

void outbuf_put_flushing(struct outbuf *o, const void *s, size_t n)
{
	const char *c = s;

	while (n > 0) {
		size_t room = sizeof(o->buf) - o->len;
		size_t take = n < room ? n : room;

		memcpy(o->buf + o->len, c, take);
		o->len += take;
		c += take;
		n -= take;
		if (o->len == sizeof(o->buf))
			outbuf_flush(o);
	}
}

void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

/* n spaces, flushing where n calls of outbuf_putc would. */
void outbuf_pad(struct outbuf *o, size_t n)
{
	while (n > 0) {
		size_t room, take;

		if (o->len == sizeof(o->buf))
			outbuf_flush(o);
		room = sizeof(o->buf) - o->len;
		take = n < room ? n : room;
		memset(o->buf + o->len, ' ', take);
		o->len += take;
		n -= take;
	}
}

const char outbuf_digit_pairs[201] = "00010203040506070809"
				     "10111213141516171819"
				     "20212223242526272829"
				     "30313233343536373839"
				     "40414243444546474849"
				     "50515253545556575859"
				     "60616263646566676869"
				     "70717273747576777879"
				     "80818283848586878889"
				     "90919293949596979899";

void outbuf_u64(struct outbuf *o, uint64_t v)
{
	outbuf_decimal(o, v, 0, 0);
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	if (v < 0)
		outbuf_decimal(o, (uint64_t)0 - (uint64_t)v, 1, 0);
	else
		outbuf_decimal(o, (uint64_t)v, 0, 0);
}

void outbuf_align(struct outbuf *o, size_t mark, size_t width, int right)
{
	size_t n = o->len - mark; /* huge if a flush came between: no-op */

	if (n >= width)
		return;
	if (!right) {
		outbuf_pad(o, width - n);
		return;
	}
	if (sizeof(o->buf) - o->len < width - n) /* no room to move it */
		return;
	memmove(o->buf + mark + (width - n), o->buf + mark, n);
	memset(o->buf + mark, ' ', width - n);
	o->len += width - n;
}

void outbuf_unwrap(struct outbuf *o, size_t mark, char c)
{
	size_t n = o->len - mark;

	if (n < 2 || n > o->len || o->buf[mark] != c || o->buf[o->len - 1] != c)
		return;
	memmove(o->buf + mark, o->buf + mark + 1, n - 2);
	o->len -= 2;
}

const char *outbuf_str(struct outbuf *o)
{
	if (o->len >= sizeof(o->buf))
		o->len = sizeof(o->buf) - 1;
	o->buf[o->len] = '\0';
	return o->buf;
}
