/* Fuzzes the event formatter on random layouts and event bytes; property:
 * text and JSON lines are strict UTF-8, and each JSON line parses as JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "stub.h"

#define MAX_FIELDS 8
#define MAX_OUT	   (1 << 20)

/* --- an independent check of what the formatter wrote --- */

/* Length of the strict UTF-8 sequence at s, its code point in *cp; 0 if
 * none. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Strict UTF-8, one line ending in its only newline, no other control
 * character, C1 control or bidi mark. */
static int clean_line(const unsigned char *s, size_t n)
{
	size_t i = 0;

	if (!n || s[n - 1] != '\n')
		return 0;
	while (i < n - 1) {
		uint32_t c;
		size_t len = utf8_seq(s + i, n - 1 - i, &c);

		if (!len || c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
		    (c >= 0x202a && c <= 0x202e) ||
		    (c >= 0x2066 && c <= 0x2069))
			return 0;
		i += len;
	}
	return 1;
}

struct json_in {
	const unsigned char *s;
	size_t n, i;
};

static int json_value(struct json_in *j, int depth);

static int json_peek(struct json_in *j)
{
	return j->i < j->n ? j->s[j->i] : -1;
}

static int json_lit(struct json_in *j, const char *lit)
{
	size_t len = strlen(lit);

	if (j->n - j->i < len || memcmp(j->s + j->i, lit, len))
		return 0;
	j->i += len;
	return 1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int json_number(struct json_in *j)
{
	if (json_peek(j) == '-')
		j->i++;
	if (json_peek(j) == '0') {
		j->i++;
	} else if (is_digit(json_peek(j))) {
		while (is_digit(json_peek(j)))
			j->i++;
	} else {
		return 0;
	}
	if (json_peek(j) == '.') {
		j->i++;
		if (!is_digit(json_peek(j)))
			return 0;
		while (is_digit(json_peek(j)))
			j->i++;
	}
	if (json_peek(j) == 'e' || json_peek(j) == 'E') {
		j->i++;
		if (json_peek(j) == '+' || json_peek(j) == '-')
			j->i++;
		if (!is_digit(json_peek(j)))
			return 0;
		while (is_digit(json_peek(j)))
			j->i++;
	}
	return 1;
}

static int hex_value(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A string; lone surrogate escapes refused. */
static int json_string(struct json_in *j)
{
	if (json_peek(j) != '"')
		return 0;
	j->i++;
	for (;;) {
		int c = json_peek(j);
		uint32_t cp;

		if (c < 0x20) /* end of input or a raw control */
			return 0;
		if (c == '"') {
			j->i++;
			return 1;
		}
		if (c != '\\') {
			size_t len = utf8_seq(j->s + j->i, j->n - j->i, &cp);

			if (!len)
				return 0;
			j->i += len;
			continue;
		}
		j->i++;
		c = json_peek(j);
		j->i++;
		if (c == 'u') {
			unsigned int v = 0;

			for (int k = 0; k < 4; k++) {
				int h = hex_value(json_peek(j));

				if (h < 0)
					return 0;
				v = v << 4 | (unsigned int)h;
				j->i++;
			}
			if (v >= 0xd800 && v <= 0xdfff)
				return 0;
		} else if (!c || !strchr("\"\\/bfnrt", c)) {
			return 0;
		}
	}
}

static int json_members(struct json_in *j, int depth, int object)
{
	int close = object ? '}' : ']';

	j->i++;
	if (json_peek(j) == close) {
		j->i++;
		return 1;
	}
	for (;;) {
		if (object) {
			if (!json_string(j) || json_peek(j) != ':')
				return 0;
			j->i++;
		}
		if (!json_value(j, depth + 1))
			return 0;
		if (json_peek(j) == close) {
			j->i++;
			return 1;
		}
		if (json_peek(j) != ',')
			return 0;
		j->i++;
	}
}

static int json_value(struct json_in *j, int depth)
{
	int c = json_peek(j);

	if (depth > 64)
		return 0;
	if (c == '{' || c == '[')
		return json_members(j, depth, c == '{');
	if (c == '"')
		return json_string(j);
	if (c == 't')
		return json_lit(j, "true");
	if (c == 'f')
		return json_lit(j, "false");
	if (c == 'n')
		return json_lit(j, "null");
	return json_number(j);
}

/* One JSON object and its newline, nothing else. */
static int json_line(const unsigned char *s, size_t n)
{
	struct json_in j = {s, n, 0};

	return json_peek(&j) == '{' && json_value(&j, 0) && j.i + 1 == n &&
	       s[j.i] == '\n';
}

/* --- the layout the input describes --- */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t take(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static const struct bumble_enum_value enum_values[] = {
    {0, "ZERO"},	   {1, "ONE"},	     {-1, "MINUS_ONE"},
    {200, "TWO_HUNDRED"},  {0x8001, "WIDE"}, {-2147483647LL - 1, "INT_MIN"},
    {4294967295LL, "U32"},
};

/* Names as C and the generator make them, and some no C has. */
static const char *const names[] = {
    "pid",   "time",	     "map", "_time", "comm",	"a.x",	  "a.y",
    "a.b.z", "a.b.w",	     "c.d", "a.x",   "q\"uote", "back\\", "\xff",
    "e\xcc", "\xe2\x80\xae", "",    "x.",    ".y",	"a..b",	  "o.p.q.r",
};

static unsigned int dots(const char *s)
{
	unsigned int n = 0;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* The size of one element of an integer-like kind. */
static unsigned int int_size(uint8_t b)
{
	static const unsigned int sizes[] = {1, 2, 4, 8};

	return sizes[b & 3];
}

/* Field i from the input, kept to what event_layout.c makes. */
static void make_field(struct input *in, struct bumble_field *f)
{
	uint8_t kind = take(in) % BUMBLE_KIND_COUNT;
	uint8_t format = take(in) % BUMBLE_FORMAT_COUNT;
	uint8_t b = take(in), c = take(in);

	memset(f, 0, sizeof(*f));
	f->name = names[take(in) % (sizeof(names) / sizeof(names[0]))];
	f->depth = (unsigned char)dots(f->name);
	f->offset = take(in) % 96;
	f->kind = kind;
	f->count = 1;
	f->width = take(in) % 24;
	switch (kind) {
	case BUMBLE_KIND_CHARS:
		f->size = 1;
		f->count = 1 + b % 64;
		break;
	case BUMBLE_KIND_BYTES:
		f->size = 1 + b % 40;
		if (format == BUMBLE_FORMAT_IPV6)
			f->size = 16;
		break;
	case BUMBLE_KIND_PTR:
		f->size = 8;
		break;
	case BUMBLE_KIND_BOOL:
		f->size = 1;
		break;
	default: /* INT, UINT, ENUM */
		f->size = int_size(b);
		break;
	}
	if (kind != BUMBLE_KIND_CHARS && kind != BUMBLE_KIND_BYTES) {
		if (c & 0x80) { /* an array */
			f->count = 1 + c % 12;
		} else if (c & 0x40) { /* a bitfield */
			f->bit_shift = c & 7;
			f->bit_size = 1 + (take(in) % (f->size * 8));
		}
	}
	if (kind == BUMBLE_KIND_ENUM) {
		uint8_t e = take(in);

		f->enum_values = enum_values + e % 7;
		f->enum_count = (unsigned short)(7 - e % 7);
		f->enum_unsigned = e >> 7;
	}
	/* formats only where gen_event_add_member leaves them */
	f->format = format;
	if (format == BUMBLE_FORMAT_IPV6 && kind != BUMBLE_KIND_BYTES)
		f->format = BUMBLE_FORMAT_PLAIN;
	if (kind == BUMBLE_KIND_BYTES && format != BUMBLE_FORMAT_IPV6)
		f->format = BUMBLE_FORMAT_PLAIN;
	if (kind == BUMBLE_KIND_CHARS)
		f->format = BUMBLE_FORMAT_PLAIN;
	if (f->format == BUMBLE_FORMAT_IPV4 && f->size != 4)
		f->format = BUMBLE_FORMAT_PLAIN;
	if (f->format == BUMBLE_FORMAT_DURATION &&
	    (kind != BUMBLE_KIND_UINT || f->count != 1))
		f->format = BUMBLE_FORMAT_PLAIN;
	if ((f->format == BUMBLE_FORMAT_PORT && f->size != 2) ||
	    (f->format == BUMBLE_FORMAT_KTIME && f->size != 8) ||
	    (f->format >= BUMBLE_FORMAT_ERRNO &&
	     f->format <= BUMBLE_FORMAT_SIGNAL && kind != BUMBLE_KIND_INT &&
	     kind != BUMBLE_KIND_UINT))
		f->format = BUMBLE_FORMAT_PLAIN;
}

/* --- formatting into a memory file, read back line by line --- */

static int out_fd = -1;
static struct outbuf out;
static unsigned char *got;

static size_t collect(void)
{
	off_t end;

	outbuf_flush(&out);
	end = lseek(out_fd, 0, SEEK_CUR);
	if (end <= 0 || end > MAX_OUT)
		abort(); /* a line that never came, or one too long */
	if (pread(out_fd, got, (size_t)end, 0) != end)
		abort();
	return (size_t)end;
}

static void restart(void)
{
	if (ftruncate(out_fd, 0) || lseek(out_fd, 0, SEEK_SET))
		abort();
	outbuf_init(&out, out_fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct bumble_field fields[MAX_FIELDS];
	struct bumble_event_type t = {"fuzz", 0, 0, fields};
	struct format_line line;
	uint8_t flags = take(&in);
	char map[8];
	size_t n;

	if (out_fd < 0) {
		out_fd = memfd_create("fuzz_format", 0);
		got = malloc(MAX_OUT);
		if (out_fd < 0 || !got)
			abort();
	}
	t.field_count = 1 + take(&in) % MAX_FIELDS;
	for (unsigned int i = 0; i < t.field_count; i++)
		make_field(&in, &fields[i]);
	for (size_t i = 0; i < sizeof(map) - 1; i++)
		map[i] = (char)take(&in);
	map[flags & 7] = '\0';
	format_line_init(&line, &t, map);
	line.map_width = flags & 8 ? 12 : 0;
	line.now = flags & 16 ? 1795787112123456789ull : 0;
	t.size = (unsigned int)in.n;

	restart();
	format_json(&out, &t, in.p, in.n, &line);
	n = collect();
	if (!json_line(got, n))
		abort();

	restart();
	format_text(&out, &t, in.p, in.n, &line);
	n = collect();
	if (!clean_line(got, n))
		abort();

	restart();
	format_header(&out, &t, &line, flags & 16);
	n = collect();
	if (!clean_line(got, n))
		abort();

	for (unsigned int i = 0; i < t.field_count; i++) {
		restart();
		format_field(&out, &fields[i], in.p, in.n);
		outbuf_putc(&out, '\n');
		n = collect();
		if (!clean_line(got, n))
			abort(); /* what --filter compares is clean too */
	}
	return 0;
}
