/* Fuzzes the parsing of parameter values (--NAME VALUE) for each kind
 * and size: nothing is written past the parameter's bytes, and an
 * integer taken is the one the text says (decimal or 0x hex). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stub.h"

static const struct bumble_enum_value modes[] = {
    {0, "off"}, {1, "ON"}, {-3, "minus"}, {200, "big"}};

#define P(n, sz, cnt, k)                                                       \
	{                                                                      \
		.name = n, .size = sz, .count = cnt, .kind = BUMBLE_KIND_##k   \
	}

static const struct bumble_param params[] = {
    P("b", 1, 1, BOOL),
    P("s", 1, 16, CHARS),
    P("s1", 1, 1, CHARS),
    P("u8", 1, 1, UINT),
    P("u16", 2, 1, UINT),
    P("u32", 4, 1, UINT),
    P("u64", 8, 1, UINT),
    P("i8", 1, 1, INT),
    P("i16", 2, 1, INT),
    P("i32", 4, 1, INT),
    P("i64", 8, 1, INT),
    {.name = "e1",
     .size = 1,
     .count = 1,
     .kind = BUMBLE_KIND_ENUM,
     .enum_count = 4,
     .enum_values = modes},
    {.name = "e4",
     .size = 4,
     .count = 1,
     .kind = BUMBLE_KIND_ENUM,
     .enum_count = 4,
     .enum_values = modes},
};

/* A plain decimal the integer parsers must agree with: -?[1-9][0-9]* or
 * 0, at most 18 digits (no overflow here). */
static int plain_decimal(const char *s, long long *v)
{
	const char *d = s + (*s == '-');
	size_t len = strlen(d);

	if (!len || len > 18 || (d[0] == '0' && len > 1))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (d[i] < '0' || d[i] > '9')
			return 0;
	*v = strtoll(s, NULL, 10);
	return 1;
}

/* The input: a byte choosing the parameter, then the value's text. */
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	const struct bumble_param *p;
	unsigned char *out;
	char *arg;
	long long want;
	size_t bytes;

	if (n < 1)
		return 0;
	p = &params[in[0] % (sizeof(params) / sizeof(params[0]))];
	arg = malloc(n);
	if (!arg)
		return 0;
	memcpy(arg, in + 1, n - 1);
	arg[n - 1] = '\0';
	bytes = (size_t)p->size * p->count;
	out = malloc(bytes); /* exactly: ASan sees a write past it */
	if (out && !param_parse(p, arg, out) &&
	    (p->kind == BUMBLE_KIND_INT || p->kind == BUMBLE_KIND_UINT) &&
	    plain_decimal(arg, &want)) {
		long long got = 0;

		memcpy(&got, out, p->size); /* little-endian */
		if (p->kind == BUMBLE_KIND_INT && p->size < 8 &&
		    (got >> (p->size * 8 - 1)) & 1)
			got |= (long long)(~0ULL << (p->size * 8)); /* sign */
		if (got != want)
			abort();
	}
	free(out);
	free(arg);
	return 0;
}
