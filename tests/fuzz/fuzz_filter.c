/* Fuzzes --filter: parsing FIELD=VALUE and FIELD~REGEX against an event
 * type with a field of every kind and format, then matching random event
 * bytes, whole or cut short. A filter that parsed matches or not, and
 * the set is freed whatever happened. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stub.h"

static const struct bumble_enum_value states[] = {
    {1, "TCP_ESTABLISHED"}, {7, "TCP_CLOSE"}, {-1, "NEG"}, {0x80, "HIGH"}};

#define F(n, off, sz, cnt, k, fmt)                                             \
	{                                                                      \
		.name = n, .offset = off, .size = sz, .count = cnt,            \
		.kind = BUMBLE_KIND_##k, .format = BUMBLE_FORMAT_##fmt,        \
		.width = 6                                                     \
	}

static const struct bumble_field fields[] = {
    F("pid", 0, 4, 1, UINT, PLAIN),
    F("comm", 4, 1, 16, CHARS, PLAIN),
    F("ret", 20, 8, 1, INT, ERRNO),
    {.name = "state",
     .offset = 28,
     .size = 1,
     .count = 1,
     .kind = BUMBLE_KIND_ENUM,
     .enum_count = 4,
     .enum_values = states},
    F("daddr", 29, 4, 1, UINT, IPV4),
    F("dport", 33, 2, 1, UINT, PORT),
    F("lat", 35, 8, 1, UINT, DURATION),
    F("ok", 43, 1, 1, BOOL, PLAIN),
    {.name = "bits",
     .offset = 44,
     .size = 4,
     .count = 1,
     .bit_shift = 3,
     .bit_size = 5,
     .kind = BUMBLE_KIND_UINT},
    F("saddr6", 48, 16, 1, BYTES, IPV6),
    F("nr", 64, 4, 1, INT, SYSCALL),
    F("sig", 68, 4, 1, INT, SIGNAL),
    F("flags", 72, 2, 1, UINT, HEX),
    F("ts", 74, 8, 1, UINT, KTIME),
    F("ptr", 82, 8, 1, PTR, PLAIN),
    F("vals", 90, 2, 3, INT, PLAIN),
    F("raw", 96, 8, 1, BYTES, PLAIN),
};

static const struct bumble_event_type event = {
    "event", 104, sizeof(fields) / sizeof(fields[0]), fields};
static const struct bumble_map maps[] = {
    {.name = "events", .role = BUMBLE_ROLE_PRINT, .event = &event}};
static const struct bumble_tool tool = {.sz = sizeof(struct bumble_tool),
					.name = "fuzz",
					.map_count = 1,
					.maps = maps};

/* The input: up to 4 filters, each ended by a NUL, then the event. */
int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	const char *filters[4];
	struct run_opts opts = {0};
	struct filter_set *set = NULL;
	char *copy = malloc(n + 1);
	unsigned char *data;
	size_t at = 0, size;

	if (!copy)
		return 0;
	memcpy(copy, in, n);
	copy[n] = '\0';
	while (opts.filter_count < 4 && at < n) {
		size_t len = strlen(copy + at);

		if (at + len >= n)
			break; /* the rest has no NUL: it is the event */
		filters[opts.filter_count++] = copy + at;
		at += len + 1;
	}
	opts.filters = filters;
	size = n - at;
	/* the event alone, so that ASan sees its end */
	data = malloc(size ? size : 1);
	if (data)
		memcpy(data, in + at, size);
	if (data && !filters_parse(&tool, &opts, &set)) {
		int m = filters_match(set, &event, data, size);

		if (m != 0 && m != 1)
			abort();
		filters_match(set, &event, data, size < 8 ? size : 8);
	}
	filters_free(set);
	free(data);
	free(copy);
	return 0;
}
