/* Parameters of a produced tool: --NAME VALUE for each `const volatile`
 * global, type-checked, then written into the .rodata map's initial
 * value before the object is loaded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <bpf/libbpf.h>

#include "stub.h"

static const char *kind_text(const struct bumble_param *p)
{
	switch (p->kind) {
	case BUMBLE_KIND_BOOL:
		return "true or false";
	case BUMBLE_KIND_CHARS:
		return "a string";
	case BUMBLE_KIND_ENUM:
		return "one of the names below";
	case BUMBLE_KIND_UINT:
		return "an unsigned integer";
	default:
		return "an integer";
	}
}

/* The metavariable shown in --help. */
const char *param_metavar(const struct bumble_param *p)
{
	switch (p->kind) {
	case BUMBLE_KIND_BOOL:
		return "BOOL";
	case BUMBLE_KIND_CHARS:
		return "TEXT";
	case BUMBLE_KIND_ENUM:
		return "NAME";
	default:
		return "N";
	}
}

static int parse_bool(const char *arg, unsigned char *out)
{
	static const char *const yes[] = {"true", "1", "yes", "on"};
	static const char *const no[] = {"false", "0", "no", "off"};

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(arg, yes[i])) {
			*out = 1;
			return 0;
		}
		if (!strcasecmp(arg, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Decimal, or hexadecimal after 0x: a leading 0 is not octal, since
 * nobody means 8 by --pid 010. */
static int int_base(const char *s)
{
	while (*s == ' ' || *s == '-' || *s == '+')
		s++;
	return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
}

/* Parses an integer of p's size and signedness; 0 or -1 (bad), -2
 * (out of range). */
static int parse_int(const struct bumble_param *p, const char *arg,
		     int is_signed, unsigned char *out)
{
	unsigned int bits = p->size * 8;
	char *end;

	errno = 0;
	if (is_signed) {
		long long v = strtoll(arg, &end, int_base(arg));
		long long max = bits >= 64
				    ? INT64_MAX
				    : (long long)((1ull << (bits - 1)) - 1);

		if (end == arg || *end)
			return -1;
		if (errno == ERANGE || v > max || v < -max - 1)
			return -2;
		memcpy(out, &v, p->size); /* little-endian */
	} else {
		unsigned long long v, max;

		while (*arg == ' ')
			arg++;
		if (*arg == '-')
			return -2;
		v = strtoull(arg, &end, int_base(arg));
		max = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
		if (end == arg || *end)
			return -1;
		if (errno == ERANGE || v > max)
			return -2;
		memcpy(out, &v, p->size);
	}
	return 0;
}

int param_parse(const struct bumble_param *p, const char *arg,
		unsigned char *out)
{
	int rc = 0;

	switch (p->kind) {
	case BUMBLE_KIND_BOOL:
		rc = parse_bool(arg, out);
		break;
	case BUMBLE_KIND_CHARS:
		if (strlen(arg) >= p->count) {
			diag_usage("--%s takes a string of at most %u bytes, "
				   "not '%s'",
				   p->name, p->count - 1, arg);
			return -1;
		}
		memset(out, 0, p->count);
		memcpy(out, arg, strlen(arg));
		return 0;
	case BUMBLE_KIND_ENUM:
		for (unsigned int i = 0; i < p->enum_count; i++) {
			if (!strcasecmp(arg, p->enum_values[i].name)) {
				long long v = p->enum_values[i].value;

				memcpy(out, &v, p->size);
				return 0;
			}
		}
		rc = parse_int(p, arg, 1, out);
		break;
	case BUMBLE_KIND_UINT:
		rc = parse_int(p, arg, 0, out);
		break;
	default:
		rc = parse_int(p, arg, 1, out);
		break;
	}
	if (rc == -2) {
		diag_usage("--%s is out of range for a %u-bit %s integer: '%s'",
			   p->name, p->size * 8,
			   p->kind == BUMBLE_KIND_UINT ? "unsigned" : "signed",
			   arg);
	} else if (rc) {
		diag_usage("--%s takes %s, not '%s'", p->name, kind_text(p),
			   arg);
		if (p->kind == BUMBLE_KIND_ENUM) {
			fprintf(stderr, "  names:");
			for (unsigned int i = 0; i < p->enum_count; i++)
				fprintf(stderr, " %s", p->enum_values[i].name);
			fputc('\n', stderr);
		}
	}
	return rc ? -1 : 0;
}

/* Which parameters are nonzero as loaded: what a format that a
 * parameter selects (bumble_field.format_param) is shown by. */
static unsigned char *nonzero;
static unsigned int nonzero_count;

static void note_nonzero(const struct bumble_tool *t, const unsigned char *data,
			 size_t size)
{
	free(nonzero);
	nonzero = calloc(t->param_count, 1);
	nonzero_count = nonzero ? t->param_count : 0;
	for (unsigned int i = 0; i < nonzero_count; i++) {
		const struct bumble_param *p = &t->params[i];
		size_t n = (size_t)p->size * p->count;

		for (size_t b = 0; p->offset + n <= size && b < n; b++)
			nonzero[i] |= data[p->offset + b] != 0;
	}
}

int params_apply(const struct bumble_tool *t, const struct run_opts *opts,
		 struct bpf_object *obj)
{
	struct bpf_map *map, *rodata = NULL;
	unsigned char *data;
	size_t size = 0;

	if (!t->param_count)
		return 0;
	bpf_object__for_each_map(map, obj)
	{
		const char *dot = strrchr(bpf_map__name(map), '.');

		if (bpf_map__is_internal(map) && dot && !strcmp(dot, ".rodata"))
			rodata = map;
	}
	data = rodata ? bpf_map__initial_value(rodata, &size) : NULL;
	if (!data && !opts->param_values)
		return 0;
	if (!data) {
		diag_err("the embedded object has no .rodata to hold "
			 "parameters; bundle the tool again");
		return BUMBLE_EXIT_PAYLOAD;
	}
	for (unsigned int i = 0; i < t->param_count; i++) {
		const struct bumble_param *p = &t->params[i];
		size_t n = (size_t)p->size * p->count;

		if ((size_t)p->offset + n > size) {
			if (!opts->param_values || !opts->param_values[i])
				continue;
			diag_err("parameter '%s' lies outside .rodata; bundle "
				 "the tool again",
				 p->name);
			return BUMBLE_EXIT_PAYLOAD;
		}
		if (opts->param_values && opts->param_values[i])
			memcpy(data + p->offset, opts->param_values[i], n);
	}
	note_nonzero(t, data, size);
	return 0;
}

const unsigned char *params_nonzero(unsigned int *count)
{
	*count = nonzero_count;
	return nonzero;
}
