/* Unit tests of the runtime's event formatter on fixture bytes: padding,
 * signedness, bitfields, enums, strings and escaping, typed formats,
 * truncated events, text alignment and JSON. */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "render.h"
#include "stub.h"

static struct outbuf out;

static const char *text(const struct bumble_event_type *t, const void *d,
			size_t n)
{
	outbuf_init(&out, -1);
	format_text(&out, t, d, n, NULL);
	return outbuf_str(&out);
}

static const char *json(const struct bumble_event_type *t, const void *d,
			size_t n)
{
	outbuf_init(&out, -1);
	format_json(&out, t, d, n, NULL);
	return outbuf_str(&out);
}

static const char *header(const struct bumble_event_type *t)
{
	outbuf_init(&out, -1);
	format_header(&out, t, NULL, 0);
	return outbuf_str(&out);
}

#define TYPE(var, fields_)                                                     \
	const struct bumble_event_type var = {                                 \
	    "fixture", 0, sizeof(fields_) / sizeof(fields_[0]), fields_}

/* A struct the compiler pads: 3 bytes after name, 2 after neg. */
struct padded {
	char name[5];
	uint64_t big;
	int16_t neg;
	int32_t s32;
	int64_t s64;
};

static void test_padded(void)
{
	static const struct bumble_field f[] = {
	    {.name = "name",
	     .offset = offsetof(struct padded, name),
	     .size = 1,
	     .count = 5,
	     .kind = BUMBLE_KIND_CHARS,
	     .width = 5},
	    {.name = "big",
	     .offset = offsetof(struct padded, big),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 3},
	    {.name = "neg",
	     .offset = offsetof(struct padded, neg),
	     .size = 2,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .width = 4},
	    {.name = "s32",
	     .offset = offsetof(struct padded, s32),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .width = 3},
	    {.name = "s64",
	     .offset = offsetof(struct padded, s64),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .width = 3},
	};
	TYPE(t, f);
	struct padded p;

	memset(&p, 0xee, sizeof(p)); /* padding bytes must not leak */
	memcpy(p.name, "abcd", 5);
	p.big = UINT64_MAX;
	p.neg = -5;
	p.s32 = -100000;
	p.s64 = INT64_MIN;
	CHECK(offsetof(struct padded, big) == 8, "fixture struct is padded");
	CHECK_STR(json(&t, &p, sizeof(p)),
		  "{\"name\":\"abcd\",\"big\":18446744073709551615,"
		  "\"neg\":-5,\"s32\":-100000,"
		  "\"s64\":-9223372036854775808}\n",
		  "padded struct as JSON: offsets, signedness, extremes");
	CHECK_STR(text(&t, &p, sizeof(p)),
		  "abcd  18446744073709551615   -5 -100000 "
		  "-9223372036854775808\n",
		  "padded struct as text: strings left, numbers right");
	CHECK_STR(header(&t), "NAME  BIG  NEG S32 S64\n",
		  "header aligned like the values");
}

struct bits {
	unsigned int a : 3;
	int b : 5;
	unsigned int c : 24;
	uint64_t wide : 40;
	int64_t swide : 24;
};

/* The first set bit of x, as found in memory: where the compiler put
 * the one bitfield that is all ones. */
static unsigned int first_bit(const struct bits *x)
{
	const unsigned char *p = (const unsigned char *)x;

	for (unsigned int i = 0; i < sizeof(*x) * 8; i++)
		if (p[i / 8] & (1u << (i % 8)))
			return i;
	return 0;
}

#define BIT_OF(member)                                                         \
	({                                                                     \
		struct bits x_;                                                \
		memset(&x_, 0, sizeof(x_));                                    \
		x_.member = -1;                                                \
		first_bit(&x_);                                                \
	})

static void set_bits(struct bumble_field *f, const char *name, unsigned int bit,
		     unsigned int size, int is_signed)
{
	f->name = name;
	f->offset = bit / 8;
	f->bit_shift = bit % 8;
	f->bit_size = (unsigned char)size;
	f->size = 8;
	f->count = 1;
	f->kind = is_signed ? BUMBLE_KIND_INT : BUMBLE_KIND_UINT;
}

static void test_bitfields(void)
{
	struct bumble_field f[5] = {{0}};
	TYPE(t, f);
	struct bits b;

	set_bits(&f[0], "a", BIT_OF(a), 3, 0);
	set_bits(&f[1], "b", BIT_OF(b), 5, 1);
	set_bits(&f[2], "c", BIT_OF(c), 24, 0);
	set_bits(&f[3], "wide", BIT_OF(wide), 40, 0);
	set_bits(&f[4], "swide", BIT_OF(swide), 24, 1);
	memset(&b, 0, sizeof(b));
	b.a = 5;
	b.b = -7;
	b.c = 0xabcdef;
	b.wide = 0xfedcba9876ull;
	b.swide = -2;
	CHECK_STR(json(&t, &b, sizeof(b)),
		  "{\"a\":5,\"b\":-7,\"c\":11259375,\"wide\":1094624909430,"
		  "\"swide\":-2}\n",
		  "bitfields: unsigned, signed, wide, across bytes");
	memset(&b, 0xff, sizeof(b));
	b.wide = 1;
	CHECK_STR(json(&t, &b, sizeof(b)),
		  "{\"a\":7,\"b\":-1,\"c\":16777215,\"wide\":1,"
		  "\"swide\":-1}\n",
		  "bitfields masked from their neighbours");
}

static void test_enum_bool_ptr_array(void)
{
	static const struct bumble_enum_value states[] = {
	    {1, "TCP_ESTABLISHED"}, {2, "TCP_SYN_SENT"}, {-1, "NEG"}};
	struct rec {
		int32_t state;
		int32_t other;
		int32_t neg;
		uint8_t yes, no;
		uint16_t ports[3];
		uint64_t ptr;
	} r = {2, 99, -1, 1, 0, {1, 2, 65535}, 0xffff888012345678ull};
	static const struct bumble_field f[] = {
	    {.name = "state",
	     .offset = offsetof(struct rec, state),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_count = 3,
	     .enum_values = states},
	    {.name = "other",
	     .offset = offsetof(struct rec, other),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_count = 3,
	     .enum_values = states},
	    {.name = "neg",
	     .offset = offsetof(struct rec, neg),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_count = 3,
	     .enum_values = states},
	    {.name = "yes",
	     .offset = offsetof(struct rec, yes),
	     .size = 1,
	     .count = 1,
	     .kind = BUMBLE_KIND_BOOL},
	    {.name = "no",
	     .offset = offsetof(struct rec, no),
	     .size = 1,
	     .count = 1,
	     .kind = BUMBLE_KIND_BOOL},
	    {.name = "ports",
	     .offset = offsetof(struct rec, ports),
	     .size = 2,
	     .count = 3,
	     .kind = BUMBLE_KIND_UINT},
	    {.name = "ptr",
	     .offset = offsetof(struct rec, ptr),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_PTR},
	};
	TYPE(t, f);

	CHECK_STR(json(&t, &r, sizeof(r)),
		  "{\"state\":\"TCP_SYN_SENT\",\"other\":99,\"neg\":\"NEG\","
		  "\"yes\":true,\"no\":false,\"ports\":[1,2,65535],"
		  "\"ptr\":\"0xffff888012345678\"}\n",
		  "enums by name (number when unknown), bool, array, pointer");
	CHECK_STR(text(&t, &r, sizeof(r)),
		  "TCP_SYN_SENT 99 NEG true false [1,2,65535] "
		  "0xffff888012345678\n",
		  "the same as text");
}

static void test_strings(void)
{
	static const struct bumble_field f[] = {
	    {.name = "s",
	     .offset = 0,
	     .size = 1,
	     .count = 24,
	     .kind = BUMBLE_KIND_CHARS},
	};
	TYPE(t, f);
	/* quote, backslash, newline, UTF-8 e-acute, a stray 0xff, tab */
	const char s[24] = "a\"b\\c\nd \xc3\xa9 \xff\t";
	const char full[4] = {'a', 'b', 'c', 'd'}; /* no NUL at all */

	/* a backslash doubled in the string JSON holds, and 0xff as the
	 * text \xff there, not as U+00FF */
	CHECK_STR(
	    json(&t, s, sizeof(s)),
	    "{\"s\":\"a\\\"b\\\\\\\\c\\u000ad \xc3\xa9 \\\\xff\\u0009\"}\n",
	    "JSON strings escaped; valid UTF-8 kept");
	CHECK_STR(text(&t, s, sizeof(s)),
		  "a\"b\\\\c\\x0ad \xc3\xa9 \\xff\\x09\n",
		  "text strings: backslash doubled, control and invalid bytes "
		  "as \\xNN");
	{
		static const struct bumble_field g[] = {
		    {.name = "s",
		     .offset = 0,
		     .size = 1,
		     .count = 4,
		     .kind = BUMBLE_KIND_CHARS},
		};
		TYPE(u, g);

		CHECK_STR(json(&u, full, sizeof(full)), "{\"s\":\"abcd\"}\n",
			  "unterminated char array stops at its size");
	}
}

static void test_formats(void)
{
	struct net {
		uint8_t v4[4];
		uint8_t v6[16];
		uint64_t ns;
		uint64_t small;
		uint64_t secs;
	} n = {{10, 0, 0, 1},
	       {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
	       1250000,
	       3,
	       2500000000ull};
	static const struct bumble_field f[] = {
	    {.name = "v4",
	     .offset = offsetof(struct net, v4),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_IPV4},
	    {.name = "v6",
	     .offset = offsetof(struct net, v6),
	     .size = 16,
	     .count = 1,
	     .kind = BUMBLE_KIND_BYTES,
	     .format = BUMBLE_FORMAT_IPV6},
	    {.name = "ns",
	     .offset = offsetof(struct net, ns),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_DURATION},
	    {.name = "small",
	     .offset = offsetof(struct net, small),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_DURATION},
	    {.name = "secs",
	     .offset = offsetof(struct net, secs),
	     .size = 8,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_DURATION},
	};
	TYPE(t, f);

	CHECK_STR(text(&t, &n, sizeof(n)),
		  "10.0.0.1 2001:db8::1 1.250ms 3ns 2.500s\n",
		  "ipv4_addr, ipv6_addr and duration in text");
	CHECK_STR(json(&t, &n, sizeof(n)),
		  "{\"v4\":\"10.0.0.1\",\"v6\":\"2001:db8::1\",\"ns\":1250000,"
		  "\"small\":3,\"secs\":2500000000}\n",
		  "durations are plain nanoseconds in JSON");
}

static void test_truncated(void)
{
	static const struct bumble_field f[] = {
	    {.name = "a",
	     .offset = 0,
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 1},
	    {.name = "b",
	     .offset = 4,
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 1},
	};
	TYPE(t, f);
	uint32_t v[2] = {7, 8};

	CHECK_STR(json(&t, v, 6), "{\"a\":7,\"b\":null}\n",
		  "a field past the event's end is null in JSON");
	CHECK_STR(text(&t, v, 6), "7 ?\n", "and ? in text");
}

/* 16 address bytes shown by the family field beside them, or without
 * one, as IPv4 when bytes 4 to 15 are zero. */
static void test_inet(void)
{
	static const struct bumble_field f[] = {
	    {.name = "addr",
	     .offset = 0,
	     .size = 16,
	     .count = 1,
	     .kind = BUMBLE_KIND_BYTES,
	     .format = BUMBLE_FORMAT_INET,
	     .width = 1,
	     .family_offset = 17,
	     .family_size = 2},
	    {.name = "family",
	     .offset = 16,
	     .size = 2,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 1},
	};
	static const struct bumble_field g[] = {
	    {.name = "addr",
	     .offset = 0,
	     .size = 16,
	     .count = 1,
	     .kind = BUMBLE_KIND_BYTES,
	     .format = BUMBLE_FORMAT_INET,
	     .width = 1},
	};
	TYPE(t, f);
	TYPE(u, g);
	unsigned char e[18] = {10,   0,	   0,	 1,    0xff, 0xff,
			       0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			       0xff, 0xff, 0xff, 0xff, 2,    0};
	unsigned char six[18] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1, [16] = 10};
	unsigned char bare[16] = {192, 168, 0, 9};

	CHECK_STR(json(&t, e, sizeof(e)),
		  "{\"addr\":\"10.0.0.1\",\"family\":2}\n",
		  "AF_INET: the first 4 bytes, whatever follows them");
	CHECK_STR(text(&t, six, sizeof(six)), "2001:db8::1 10\n",
		  "AF_INET6: all 16 bytes");
	CHECK_STR(text(&u, bare, sizeof(bare)), "192.168.0.9\n",
		  "no family field: IPv4 when bytes 4 to 15 are zero");
	bare[15] = 1;
	CHECK_STR(text(&u, bare, sizeof(bare)), "c0a8:9::1\n", "... else IPv6");
}

static int fake_stack(struct outbuf *o, int64_t id, int json)
{
	if (id != 7)
		return 0;
	outbuf_puts(o, json ? "\"main;read\"" : "main;read");
	return 1;
}

/* stack_id: the stack the hook renders; a negative id (an error of
 * bpf_get_stackid), an id it has no stack for, or no hook: the number. */
static void test_stack(void)
{
	static const struct bumble_field f[] = {
	    {.name = "kern_stack_id",
	     .offset = 0,
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_STACK,
	     .width = 1},
	};
	TYPE(t, f);
	int32_t id = 7;

	CHECK_STR(text(&t, &id, sizeof(id)), "7\n", "no hook: the id");
	render_stack_hook = fake_stack;
	CHECK_STR(text(&t, &id, sizeof(id)), "main;read\n", "the stack");
	CHECK_STR(json(&t, &id, sizeof(id)),
		  "{\"kern_stack_id\":\"main;read\"}\n", "in JSON a string");
	id = -14;
	CHECK_STR(text(&t, &id, sizeof(id)), "-14\n",
		  "a negative id: the error number");
	id = 9;
	CHECK_STR(json(&t, &id, sizeof(id)), "{\"kern_stack_id\":9}\n",
		  "an id without a stack: the number");
	render_stack_hook = NULL;
}

/* A trailing buffer sent only as far as it is filled. */
static void test_partial_tail(void)
{
	static const struct bumble_field f[] = {
	    {.name = "n",
	     .offset = 0,
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 1},
	    {.name = "args",
	     .offset = 4,
	     .size = 1,
	     .count = 32,
	     .kind = BUMBLE_KIND_CHARS,
	     .width = 1},
	};
	static const struct bumble_field g[] = {
	    {.name = "v",
	     .offset = 0,
	     .size = 2,
	     .count = 8,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 1},
	};
	TYPE(t, f);
	TYPE(u, g);
	unsigned char e[36] = {3, 0, 0, 0, 'l', 's', 0, '-', 'l', 0, '/', 0};
	uint16_t w[8] = {1, 2, 3};

	CHECK_STR(text(&t, e, 4 + 10), "3 ls -l /\n",
		  "a char array cut short: its strings joined by spaces");
	CHECK_STR(json(&t, e, 4 + 12), "{\"n\":3,\"args\":\"ls -l /\"}\n",
		  "and in JSON, trailing NULs dropped");
	CHECK_STR(json(&u, w, 5), "{\"v\":[1,2]}\n",
		  "an integer array cut short: the elements that arrived");
	CHECK_STR(text(&t, e, 2), "? ?\n", "nothing of it arrived: ?");
}

static void test_named_formats(void)
{
	struct rec {
		uint16_t port;
		int32_t err, nerr, unknown_err;
		int32_t sys, bad_sys;
		int32_t sig;
		uint32_t flags;
		uint8_t mac[6];
	} r = {htons(443), 2,	    -13,
	       4000,	   257,	    99999,
	       15,	   0x80000, {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01}};
	static const struct bumble_field f[] = {
	    {.name = "port",
	     .offset = offsetof(struct rec, port),
	     .size = 2,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_PORT},
	    {.name = "err",
	     .offset = offsetof(struct rec, err),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_ERRNO},
	    {.name = "nerr",
	     .offset = offsetof(struct rec, nerr),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_ERRNO},
	    {.name = "uerr",
	     .offset = offsetof(struct rec, unknown_err),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_ERRNO},
	    {.name = "sys",
	     .offset = offsetof(struct rec, sys),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_SYSCALL},
	    {.name = "bad_sys",
	     .offset = offsetof(struct rec, bad_sys),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_SYSCALL},
	    {.name = "sig",
	     .offset = offsetof(struct rec, sig),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_SIGNAL},
	    {.name = "flags",
	     .offset = offsetof(struct rec, flags),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_HEX},
	    {.name = "mac",
	     .offset = offsetof(struct rec, mac),
	     .size = 6,
	     .count = 1,
	     .kind = BUMBLE_KIND_BYTES},
	};
	TYPE(t, f);

	CHECK_STR(json(&t, &r, sizeof(r)),
		  "{\"port\":443,\"err\":\"ENOENT\",\"nerr\":\"-EACCES\","
		  "\"uerr\":4000,\"sys\":\"openat\",\"bad_sys\":99999,"
		  "\"sig\":\"SIGTERM\",\"flags\":\"0x80000\","
		  "\"mac\":\"deadbeef0001\"}\n",
		  "net_port, errno_code, syscall_nr, signal_nr, hex as JSON");
	CHECK_STR(text(&t, &r, sizeof(r)),
		  "443 ENOENT -EACCES 4000 openat 99999 SIGTERM 0x80000 "
		  "deadbeef0001\n",
		  "the same as text; unknown numbers stay numbers");
}

/* tcp_state and softirq_vec, and a format that holds only while a
 * parameter selects it (format_param) */
static void test_state_formats(void)
{
	struct rec {
		int32_t state, bad_state;
		uint32_t vec;
		uint32_t key;
	} r = {1, 99, 3, 257};
	static const struct bumble_field f[] = {
	    {.name = "state",
	     .offset = offsetof(struct rec, state),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_TCP_STATE},
	    {.name = "bad",
	     .offset = offsetof(struct rec, bad_state),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_INT,
	     .format = BUMBLE_FORMAT_TCP_STATE},
	    {.name = "vec",
	     .offset = offsetof(struct rec, vec),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_SOFTIRQ},
	    {.name = "key",
	     .offset = offsetof(struct rec, key),
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_SYSCALL,
	     .format_param = 2,
	     .format_param_nonzero = 0},
	};
	static const unsigned char zero[2] = {1, 0}, set[2] = {0, 1};
	TYPE(t, f);

	render_param_nonzero = zero;
	render_param_count = 2;
	CHECK_STR(json(&t, &r, sizeof(r)),
		  "{\"state\":\"ESTABLISHED\",\"bad\":99,\"vec\":\"net_rx\","
		  "\"key\":\"openat\"}\n",
		  "tcp_state, softirq_vec; a key that is a syscall while its "
		  "parameter is 0");
	render_param_nonzero = set;
	CHECK_STR(json(&t, &r, sizeof(r)),
		  "{\"state\":\"ESTABLISHED\",\"bad\":99,\"vec\":\"net_rx\","
		  "\"key\":257}\n",
		  "the parameter set: the key is a number");
	render_param_nonzero = NULL;
	render_param_count = 0;
	CHECK_STR(json(&t, &r, sizeof(r)),
		  "{\"state\":\"ESTABLISHED\",\"bad\":99,\"vec\":\"net_rx\","
		  "\"key\":\"openat\"}\n",
		  "parameters not yet known: the format holds");
}

static void test_time_and_field(void)
{
	static const struct bumble_field f[] = {
	    {.name = "pid",
	     .offset = 0,
	     .size = 4,
	     .count = 1,
	     .kind = BUMBLE_KIND_UINT,
	     .width = 3},
	    {.name = "comm",
	     .offset = 4,
	     .size = 1,
	     .count = 8,
	     .kind = BUMBLE_KIND_CHARS,
	     .width = 4},
	};
	TYPE(t, f);
	struct {
		uint32_t pid;
		char comm[8];
	} e = {42, "bash"};
	/* 2026-11-27 13:45:12.123456789 UTC */
	uint64_t now = 1795787112ull * 1000000000ull + 123456789ull;
	struct format_line line;

	format_line_init(&line, &t, NULL);
	line.now = now;
	outbuf_init(&out, -1);
	format_json(&out, &t, &e, sizeof(e), &line);
	CHECK_STR(outbuf_str(&out),
		  "{\"time\":\"2026-11-27T13:45:12.123456789Z\",\"pid\":42,"
		  "\"comm\":\"bash\"}\n",
		  "--timestamp in JSON: RFC 3339 UTC with nanoseconds");
	outbuf_init(&out, -1);
	format_text(&out, &t, &e, sizeof(e), &line);
	CHECK_STR(outbuf_str(&out), "13:45:12.123456  42 bash\n",
		  "--timestamp in text: a leading time column");
	outbuf_init(&out, -1);
	format_header(&out, &t, NULL, 1);
	CHECK_STR(outbuf_str(&out), "TIME            PID COMM\n",
		  "--timestamp header");
	outbuf_init(&out, -1);
	format_field(&out, &f[1], &e, sizeof(e));
	CHECK_STR(outbuf_str(&out), "bash",
		  "a field for --filter: strings unquoted");
	outbuf_init(&out, -1);
	format_field(&out, &f[1], &e, 6);
	CHECK(outbuf_mark(&out) == 0,
	      "a field past the event's end: empty for --filter");
}

/* s[0..n) as the one field of an event, a char[n]: as JSON or text. */
static const char *chars(const char *s, unsigned int n, int as_json)
{
	const struct bumble_field f[] = {
	    {.name = "s",
	     .offset = 0,
	     .size = 1,
	     .count = n,
	     .kind = BUMBLE_KIND_CHARS},
	};
	TYPE(t, f);

	return as_json ? json(&t, s, n) : text(&t, s, n);
}

/* Bytes that are not UTF-8 (RFC 3629) though they look like it. */
static void test_utf8_strict(void)
{
	/* a surrogate, an overlong '/', U+110000, a valid U+1F600, then a
	 * sequence cut short by the array's end */
	const char s[32] = "\xed\xa0\x80|\xe0\x80\xaf|\xf4\x90\x80\x80|"
			   "\xf0\x9f\x98\x80|\xe2\x82";

	CHECK_STR(chars(s, 20, 1),
		  "{\"s\":\"\\\\xed\\\\xa0\\\\x80|\\\\xe0\\\\x80\\\\xaf|"
		  "\\\\xf4\\\\x90\\\\x80\\\\x80|\xf0\x9f\x98\x80|"
		  "\\\\xe2\\\\x82\"}\n",
		  "JSON: surrogates, overlong forms, code points above "
		  "U+10FFFF and cut sequences are bytes, as \\\\xNN");
	CHECK_STR(chars(s, 20, 0),
		  "\\xed\\xa0\\x80|\\xe0\\x80\\xaf|\\xf4\\x90\\x80\\x80|"
		  "\xf0\x9f\x98\x80|\\xe2\\x82\n",
		  "text: the same bytes as \\xNN");
}

/* Valid characters a terminal would obey or that reorder the line. */
static void test_unsafe_characters(void)
{
	/* CSI (U+009B) "2J", RLO (U+202E), LRI (U+2066), U+2028 */
	const char s[32] = "a\xc2\x9b"
			   "2J\xe2\x80\xae"
			   "b\xe2\x81\xa6\xe2\x80\xa8";

	CHECK_STR(chars(s, sizeof(s), 0), "a\\u009b2J\\u202eb\\u2066\\u2028\n",
		  "text: C1 controls and direction marks as \\uNNNN");
	CHECK_STR(chars(s, sizeof(s), 1),
		  "{\"s\":\"a\\u009b2J\\u202eb\\u2066\\u2028\"}\n",
		  "JSON: the same as JSON escapes");
}

/* 1- and 2-byte enums with values above the signed range. */
static void test_unsigned_enums(void)
{
	static const struct bumble_enum_value small[] = {{1, "ONE"},
							 {200, "HIGH"}};
	static const struct bumble_enum_value wide[] = {{0x8001, "BIG"}};
	static const struct bumble_enum_value neg[] = {{-2, "MINUS_TWO"}};
	struct rec {
		uint8_t a, b;
		uint16_t c;
		int8_t d;
	} r = {200, 255, 0x8001, -2};
	static const struct bumble_field f[] = {
	    {.name = "a",
	     .offset = offsetof(struct rec, a),
	     .size = 1,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_unsigned = 1,
	     .enum_count = 2,
	     .enum_values = small},
	    {.name = "b",
	     .offset = offsetof(struct rec, b),
	     .size = 1,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_unsigned = 1,
	     .enum_count = 2,
	     .enum_values = small},
	    {.name = "c",
	     .offset = offsetof(struct rec, c),
	     .size = 2,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_unsigned = 1,
	     .enum_count = 1,
	     .enum_values = wide},
	    {.name = "d",
	     .offset = offsetof(struct rec, d),
	     .size = 1,
	     .count = 1,
	     .kind = BUMBLE_KIND_ENUM,
	     .enum_count = 1,
	     .enum_values = neg},
	};
	TYPE(t, f);

	CHECK_STR(
	    json(&t, &r, sizeof(r)),
	    "{\"a\":\"HIGH\",\"b\":255,\"c\":\"BIG\",\"d\":\"MINUS_TWO\"}\n",
	    "unsigned 1- and 2-byte enums: named, unknown ones unsigned");
	outbuf_init(&out, -1);
	format_field(&out, &f[0], &r, sizeof(r));
	CHECK_STR(outbuf_str(&out), "HIGH", "--filter a=HIGH can match");
}

/* A 1-byte unsigned field at offset off: the nested layouts below. */
#define BYTE_FIELD(name_, off, width_, depth_)                                 \
	{                                                                      \
		.name = name_, .offset = off, .size = 1, .count = 1,           \
		.kind = BUMBLE_KIND_UINT, .width = width_, .depth = depth_     \
	}

/* Nested structs: dotted columns in text, nested objects in JSON. */
static void test_nested(void)
{
	static const struct bumble_field f[] = {
	    BYTE_FIELD("pid", 0, 3, 0),	      BYTE_FIELD("in.a", 1, 4, 1),
	    BYTE_FIELD("in.deep.x", 2, 9, 2), BYTE_FIELD("in.deep.y", 3, 9, 2),
	    BYTE_FIELD("in.b", 4, 4, 1),      BYTE_FIELD("out.c", 5, 5, 1),
	    BYTE_FIELD("tail", 6, 4, 0),
	};
	TYPE(t, f);
	const struct bumble_event_type last = {"fixture", 0, 2, f + 4};
	const uint8_t v[7] = {1, 2, 3, 4, 5, 6, 7};

	CHECK_STR(json(&t, v, sizeof(v)),
		  "{\"pid\":1,\"in\":{\"a\":2,\"deep\":{\"x\":3,\"y\":4},"
		  "\"b\":5},\"out\":{\"c\":6},\"tail\":7}\n",
		  "JSON: nested structs as nested objects");
	CHECK_STR(json(&last, v, sizeof(v)),
		  "{\"in\":{\"b\":5},\"out\":{\"c\":6}}\n",
		  "JSON: objects open at the start and closed at the end");
	CHECK_STR(text(&t, v, sizeof(v)),
		  "  1    2         3         4    5     6    7\n",
		  "text: one column each");
	CHECK_STR(header(&t), "PID IN.A IN.DEEP.X IN.DEEP.Y IN.B OUT.C TAIL\n",
		  "text header: dotted names");
	outbuf_init(&out, -1);
	format_field(&out, &f[2], v, sizeof(v));
	CHECK_STR(outbuf_str(&out), "3", "--filter in.deep.x=3 can match");
}

/* The map and time members beside fields of those names. */
static void test_line_keys(void)
{
	static const struct bumble_field f[] = {
	    BYTE_FIELD("time", 0, 4, 0),
	    BYTE_FIELD("map.x", 1, 5, 1),
	    BYTE_FIELD("_time", 2, 5, 0),
	};
	TYPE(t, f);
	const struct bumble_event_type plain = {"fixture", 0, 1, f + 1};
	const uint8_t v[3] = {1, 2, 3};
	struct format_line line;

	format_line_init(&line, &t, "print_a");
	line.now = 1795787112ull * 1000000000ull;
	outbuf_init(&out, -1);
	format_json(&out, &t, v, sizeof(v), &line);
	CHECK_STR(outbuf_str(&out),
		  "{\"_map\":\"print_a\",\"__time\":\"2026-11-27T13:45:12."
		  "000000000Z\",\"time\":1,\"map\":{\"x\":2},\"_time\":3}\n",
		  "JSON: the map and time keys made unique with \"_\"");
	format_line_init(&line, &plain, "print_b");
	outbuf_init(&out, -1);
	format_json(&out, &plain, v, sizeof(v), &line);
	CHECK_STR(outbuf_str(&out),
		  "{\"_map\":\"print_b\",\"map\":{\"x\":2}}\n",
		  "a nested struct's key counts too");
	format_line_init(&line, &plain, "print_b");
	line.map_width = 9;
	outbuf_init(&out, -1);
	format_text(&out, &plain, v, sizeof(v), &line);
	CHECK_STR(outbuf_str(&out), "print_b       2\n",
		  "text: a map column when map_width is set");
	outbuf_init(&out, -1);
	format_header(&out, &plain, &line, 0);
	CHECK_STR(outbuf_str(&out), "print_b   MAP.X\n",
		  "text: the map's own header starts with its name");
}

/* A bitfield of a typed format that reads whole bytes: its span may be
 * shorter than the type (found by tests/fuzz/fuzz_format.c). */
static void test_typed_bitfield(void)
{
	static const struct bumble_field f[] = {
	    {.name = "addr",
	     .offset = 0,
	     .size = 4,
	     .count = 1,
	     .bit_size = 8,
	     .kind = BUMBLE_KIND_UINT,
	     .format = BUMBLE_FORMAT_IPV4},
	};
	TYPE(t, f);
	const uint8_t *one = (const uint8_t *)"\x0a"; /* 1 byte of event */

	CHECK_STR(json(&t, one, 1), "{\"addr\":10}\n",
		  "an ipv4_addr bitfield is a number, read within its span");
}

/* What an outbuf on a temporary file wrote, flushes included. */
static const char *flushed(struct outbuf *o, FILE *f, char *buf, size_t n)
{
	size_t got;

	outbuf_flush(o);
	rewind(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
	return buf;
}

/* The writers at the buffer's end, where a line part crosses a flush:
 * the same bytes as in the middle. */
static void test_outbuf(void)
{
	static char got[OUTBUF_SIZE + 64], want[OUTBUF_SIZE + 64];
	size_t fill = OUTBUF_SIZE - 12, mark;
	FILE *f = tmpfile();

	CHECK(f != NULL, "a temporary file for outbuf tests");
	if (!f)
		return;
	outbuf_init(&out, fileno(f));
	outbuf_pad(&out, fill);
	outbuf_decimal(&out, 123456789, 1, 14);
	outbuf_u64(&out, UINT64_MAX);
	memset(want, ' ', fill + 4);
	strcpy(want + fill + 4, "-12345678918446744073709551615");
	CHECK_STR(flushed(&out, f, got, sizeof(got)), want,
		  "numbers across a flush: padded, signed, whole");

	outbuf_init(&out, -1);
	outbuf_puts(&out, "a ");
	mark = outbuf_mark(&out);
	outbuf_i64(&out, -42);
	outbuf_align(&out, mark, 6, 1);
	outbuf_putc(&out, '|');
	mark = outbuf_mark(&out);
	outbuf_puts(&out, "ab");
	outbuf_align(&out, mark, 4, 0);
	outbuf_putc(&out, '|');
	mark = outbuf_mark(&out);
	outbuf_puts(&out, "toolong");
	outbuf_align(&out, mark, 4, 1);
	CHECK_STR(outbuf_str(&out), "a    -42|ab  |toolong",
		  "outbuf_align: right, left, and text wider than the column");

	outbuf_init(&out, -1);
	outbuf_puts(&out, "x=");
	mark = outbuf_mark(&out);
	outbuf_puts(&out, "\"v\"");
	outbuf_unwrap(&out, mark, '"');
	outbuf_putc(&out, ',');
	mark = outbuf_mark(&out);
	outbuf_puts(&out, "\"v");
	outbuf_unwrap(&out, mark, '"');
	CHECK_STR(outbuf_str(&out), "x=v,\"v",
		  "outbuf_unwrap: only a value quoted at both ends");

	outbuf_init(&out, -1);
	outbuf_pad(&out, OUTBUF_SIZE);
	CHECK(strlen(outbuf_str(&out)) == OUTBUF_SIZE - 1,
	      "outbuf_str of a full buffer: cut to fit its NUL");
	fclose(f);
}

/* The system call names of the arch the names table was made for (the
 * host's, x86_64, here): a syscalls tracepoint of a call it lacks is
 * skipped by the tool (stub/attach.c). */
static void test_syscall_known(void)
{
	CHECK(syscall_known("openat") && syscall_known("execve"),
	      "openat and execve are system calls");
	CHECK(!syscall_known("no_such_call") && !syscall_known(""),
	      "a name no system call has is not one");
	CHECK(syscall_name(59) && !strcmp(syscall_name(59), "execve"),
	      "x86_64's 59 is execve");
}

int main(void)
{
	test_syscall_known();
	test_padded();
	test_bitfields();
	test_enum_bool_ptr_array();
	test_strings();
	test_formats();
	test_truncated();
	test_partial_tail();
	test_inet();
	test_stack();
	test_named_formats();
	test_state_formats();
	test_time_and_field();
	test_utf8_strict();
	test_unsafe_characters();
	test_unsigned_enums();
	test_nested();
	test_line_keys();
	test_typed_bitfield();
	test_outbuf();
	return check_failures ? 1 : 0;
}
