/* Strings from char arrays and names, escaped for text or JSON: valid
 * UTF-8 passes through, other bytes become \xNN (text) or \u00NN. */
#include "render.h"

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

/* The byte c, which plain_char refused, escaped. */
static void render_escape(struct outbuf *o, unsigned char c, int json)
{
	if (c == '"' && json) {
		outbuf_put(o, "\\\"", 2);
	} else if (c == '\\' && json) {
		outbuf_put(o, "\\\\", 2);
	} else if (c < 0x20 || c >= 0x7f) {
		char e[6] = {'\\',
			     'u',
			     '0',
			     '0',
			     render_hexdigits[c >> 4],
			     render_hexdigits[c & 15]};

		if (json) {
			outbuf_put(o, e, 6);
		} else {
			e[2] = '\\';
			e[3] = 'x';
			outbuf_put(o, e + 2, 4);
		}
	} else {
		outbuf_putc(o, (char)c);
	}
}

void render_string(struct outbuf *o, const unsigned char *s, size_t n, int json)
{
	size_t i = 0;

	while (i < n && s[i]) {
		size_t seq, run = i;

		if (n - i < outbuf_room(o)) {
			/* room for the rest: plain bytes go straight in */
			char *w = outbuf_tail(o);

			while (run < n && plain_char(s[run], json))
				*w++ = (char)s[run++];
			outbuf_advance(o, w);
		} else {
			while (run < n && plain_char(s[run], json))
				run++;
			outbuf_put(o, s + i, run - i);
		}
		if (run > i) {
			i = run;
			continue;
		}
		seq = s[i] >= 0x80 ? utf8_len(s + i, n - i) : 0;
		if (seq) {
			outbuf_put(o, s + i, seq);
			i += seq;
			continue;
		}
		render_escape(o, s[i], json);
		i++;
	}
}
