/* The text column width of a field: from its format or kind, its count,
 * and its name, capped so one long value does not widen every line. */
#include <string.h>

#include "model_int.h"

/* Widest text column any field gets; longer values overflow it. */
#define MAX_WIDTH 32

static unsigned int digits_width(unsigned int size, int is_signed)
{
	switch (size) {
	case 1:
		return 3 + is_signed;
	case 2:
		return 5 + is_signed;
	case 4:
		return 7; /* pids, uids, small counts: wider values overflow */
	default:
		return 12;
	}
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static unsigned int natural_width(const struct gen_field *f)
{
	unsigned int w = 0;

	switch (f->format) {
	case BUMBLE_FORMAT_IPV4:
		return 15;
	case BUMBLE_FORMAT_IPV6:
	case BUMBLE_FORMAT_INET:
		return 26;
	case BUMBLE_FORMAT_DURATION:
	case BUMBLE_FORMAT_SYSCALL:
		return 10;
	case BUMBLE_FORMAT_PORT:
		return 5;
	case BUMBLE_FORMAT_STACK:
		return 40;
	case BUMBLE_FORMAT_KTIME:
		return 15;
	case BUMBLE_FORMAT_ERRNO:
	case BUMBLE_FORMAT_SIGNAL:
	case BUMBLE_FORMAT_SOFTIRQ:
		return 7;
	case BUMBLE_FORMAT_TCP_STATE:
		return 11;
	case BUMBLE_FORMAT_HEX:
		if (f->count == 1)
			return f->size * 2 + 2;
		return min_u(f->size * f->count * 2, MAX_WIDTH);
	default:
		break;
	}
	switch (f->kind) {
	case BUMBLE_KIND_CHARS:
		return min_u(f->count, MAX_WIDTH);
	case BUMBLE_KIND_BOOL:
		return 5;
	case BUMBLE_KIND_PTR:
		w = 18;
		break;
	case BUMBLE_KIND_ENUM:
		for (unsigned int i = 0; i < f->enum_count; i++)
			if (strlen(f->enum_values[i].name) > w)
				w = (unsigned int)strlen(
				    f->enum_values[i].name);
		w = min_u(w, 16);
		break;
	case BUMBLE_KIND_BYTES:
		w = f->size * 2;
		break;
	default:
		w = digits_width(f->size, f->kind == BUMBLE_KIND_INT);
		break;
	}
	if (f->count > 1)
		w = w * f->count + f->count + 1;
	return min_u(w, MAX_WIDTH);
}

unsigned int gen_column_width(const struct gen_field *f)
{
	unsigned int w = natural_width(f);

	if (strlen(f->name) > w)
		w = (unsigned int)strlen(f->name);
	return w;
}
