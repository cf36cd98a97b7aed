/* Buffered output for event lines: one write(2) per batch instead of one
 * per event, and integer printing without printf. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "stub.h"

void outbuf_init(struct outbuf *o, int fd)
{
	o->fd = fd;
	o->error = 0;
	o->len = 0;
}

int outbuf_flush(struct outbuf *o)
{
	size_t done = 0;

	while (done < o->len && !o->error) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->error = -errno;
			break;
		}
		done += (size_t)n;
	}
	o->len = 0;
	return o->error;
}

void outbuf_put(struct outbuf *o, const char *s, size_t n)
{
	if (n < sizeof(o->buf) - o->len) { /* the usual case: it fits */
		memcpy(o->buf + o->len, s, n);
		o->len += n;
		return;
	}
	while (n > 0) {
		size_t room = sizeof(o->buf) - o->len;
		size_t take = n < room ? n : room;

		memcpy(o->buf + o->len, s, take);
		o->len += take;
		s += take;
		n -= take;
		if (o->len == sizeof(o->buf))
			outbuf_flush(o);
	}
}

void outbuf_puts(struct outbuf *o, const char *s)
{
	outbuf_put(o, s, strlen(s));
}

void outbuf_putc(struct outbuf *o, char c)
{
	if (o->len == sizeof(o->buf))
		outbuf_flush(o);
	o->buf[o->len++] = c;
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

/* Two decimal digits at a time: "00" to "99". */
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
	const char *pairs = outbuf_digit_pairs;
	char tmp[20];
	int i = sizeof(tmp);

	while (v >= 100) {
		uint64_t q = v / 100;

		i -= 2;
		memcpy(tmp + i, pairs + 2 * (v - q * 100), 2);
		v = q;
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, pairs + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	outbuf_put(o, tmp + i, sizeof(tmp) - i);
}

void outbuf_i64(struct outbuf *o, int64_t v)
{
	if (v < 0) {
		outbuf_putc(o, '-');
		outbuf_u64(o, (uint64_t)0 - (uint64_t)v);
		return;
	}
	outbuf_u64(o, (uint64_t)v);
}
