/* Strings from char arrays and names, escaped for text or JSON so that
 * their bytes can always be told back (docs/conventions.md). */
#include "render.h"
#include "utf8.h"

/* ' ' to '~' but '"' (text only) and '\\' (neither) */
const unsigned char render_plain[256] = {
    [' ' ... '!'] = 3,
    ['"'] = 1,
    ['#' ... '['] = 3,
    [']' ... '~'] = 3,
};

/* Valid code points shown escaped all the same: C1 controls, which a
 * terminal obeys (U+009B is CSI), the marks that reorder text around
 * them (bidi embeddings, overrides and isolates) and line separators. */
static int unsafe_code_point(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x61c || c == 0x200e ||
	       c == 0x200f || (c >= 0x2028 && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069);
}

/* \uNNNN: a JSON escape, and the same in text. */
static void render_code_point(struct outbuf *o, uint32_t c)
{
	char e[6] = {'\\',
		     'u',
		     render_hexdigits[c >> 12 & 15],
		     render_hexdigits[c >> 8 & 15],
		     render_hexdigits[c >> 4 & 15],
		     render_hexdigits[c & 15]};

	outbuf_put(o, e, 6);
}

/* The byte c, which plain_char refused and which does not start valid
 * UTF-8, escaped. A backslash is doubled and a byte that is not UTF-8
 * becomes the four characters \xNN, in text and in the text a JSON
 * string holds ("\\xff" on the wire): the bytes can be told back, and
 * no byte is taken for the character of the same number (\u00ff). ASCII
 * controls are \xNN in text and JSON's own escapes in JSON. */
static void render_escape(struct outbuf *o, unsigned char c, int json)
{
	char e[7] = {'\\', '\\', 'x', render_hexdigits[c >> 4],
		     render_hexdigits[c & 15]};

	if (c == '"') {
		outbuf_put(o, "\\\"", 2);
	} else if (c == '\\') {
		outbuf_put(o, "\\\\\\\\", json ? 4 : 2);
	} else if (c < 0x20 || c == 0x7f) {
		if (json)
			render_code_point(o, c);
		else
			outbuf_put(o, e + 1, 4);
	} else if (c >= 0x80) {
		if (json)
			outbuf_put(o, e, 5);
		else
			outbuf_put(o, e + 1, 4);
	} else {
		outbuf_putc(o, (char)c);
	}
}

void render_string(struct outbuf *o, const unsigned char *s, size_t n, int json)
{
	size_t i = 0;

	while (i < n && s[i]) {
		size_t seq, run = i;
		uint32_t c;

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
		seq = s[i] >= 0x80 ? utf8_len(s + i, n - i, &c) : 0;
		if (seq && unsafe_code_point(c)) {
			render_code_point(o, c);
			i += seq;
		} else if (seq) {
			outbuf_put(o, s + i, seq);
			i += seq;
		} else {
			render_escape(o, s[i], json);
			i++;
		}
	}
}
