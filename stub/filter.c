/* --filter FIELD=VALUE and FIELD~REGEX: user-space event filters, ANDed.
 * A value is compared with the field as JSON shows it, strings unquoted
 * (comm=bash, pid=42, state=TCP_CLOSE, daddr=10.0.0.1, age=1500000). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub.h"

struct filter {
	char *field;
	char *value;
	int is_regex;
	regex_t re;
};

struct filter_set {
	struct filter *filters;
	unsigned int count;
	struct outbuf scratch;
};

static const struct bumble_field *find_field(const struct bumble_event_type *t,
					     const char *name)
{
	for (unsigned int i = 0; t && i < t->field_count; i++)
		if (!strcmp(t->fields[i].name, name))
			return &t->fields[i];
	return NULL;
}

/* Is there a printed event type with this field? */
static int known_field(const struct bumble_tool *t, const char *name)
{
	for (unsigned int i = 0; i < t->map_count; i++)
		if (t->maps[i].role == BUMBLE_ROLE_PRINT &&
		    find_field(t->maps[i].event, name))
			return 1;
	return 0;
}

static void list_fields(const struct bumble_tool *t)
{
	fprintf(stderr, "  fields:");
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_event_type *ev = t->maps[i].event;

		if (t->maps[i].role != BUMBLE_ROLE_PRINT || !ev)
			continue;
		for (unsigned int j = 0; j < ev->field_count; j++)
			fprintf(stderr, " %s", ev->fields[j].name);
	}
	fputc('\n', stderr);
}

/* Is a duplication symbol (*, +, ?, {m,n}) right after another, outside
 * brackets? POSIX leaves that undefined, and glibc's regcomp takes
 * exponential memory for "a++++...": refused, whatever the libc. */
static int stacked_repetition(const char *re)
{
	int after_repeat = 0;

	for (const char *p = re; *p; p++) {
		int repeat = 0;

		if (*p == '\\' && p[1]) {
			p++;
		} else if (*p == '[') {
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']')
				p++;
			if (!*p)
				return 0; /* regcomp says what is wrong */
		} else if (*p == '*' || *p == '+' || *p == '?') {
			repeat = 1;
		} else if (*p == '{') {
			repeat = 1;
			while (p[1] && *p != '}')
				p++;
		}
		if (repeat && after_repeat)
			return 1;
		after_repeat = repeat;
	}
	return 0;
}

int filters_parse(const struct bumble_tool *t, const struct run_opts *opts,
		  struct filter_set **out)
{
	struct filter_set *set;

	*out = NULL;
	if (!opts->filter_count)
		return 0;
	set = calloc(1, sizeof(*set));
	if (set)
		set->filters =
		    calloc(opts->filter_count, sizeof(*set->filters));
	if (!set || !set->filters) {
		free(set);
		diag_err("out of memory");
		return BUMBLE_EXIT_FAILURE;
	}
	outbuf_init(&set->scratch, -1);
	*out = set;
	for (unsigned int i = 0; i < opts->filter_count; i++) {
		const char *arg = opts->filters[i];
		size_t split = strcspn(arg, "=~");
		struct filter *f = &set->filters[set->count];
		int err;

		f->field = strndup(arg, split);
		f->value = strdup(arg + split + 1);
		f->is_regex = arg[split] == '~';
		if (!f->field || !f->value) {
			free(f->field);
			free(f->value);
			diag_err("out of memory");
			return BUMBLE_EXIT_FAILURE;
		}
		set->count++;
		if (!known_field(t, f->field)) {
			diag_usage("--filter '%s': no event has a field '%s'",
				   arg, f->field);
			list_fields(t);
			return BUMBLE_EXIT_USAGE;
		}
		if (!f->is_regex)
			continue;
		if (stacked_repetition(f->value)) {
			diag_usage("--filter '%s': bad regular expression: a "
				   "repetition (*, +, ? or {}) follows another",
				   arg);
			return BUMBLE_EXIT_USAGE;
		}
		err = regcomp(&f->re, f->value, REG_EXTENDED | REG_NOSUB);
		if (err) {
			char msg[128];

			regerror(err, &f->re, msg, sizeof(msg));
			diag_usage("--filter '%s': bad regular expression: %s",
				   arg, msg);
			f->is_regex = 0; /* nothing to regfree */
			return BUMBLE_EXIT_USAGE;
		}
	}
	return 0;
}

int filters_match(struct filter_set *set, const struct bumble_event_type *t,
		  const void *data, size_t size)
{
	if (!set)
		return 1;
	for (unsigned int i = 0; i < set->count; i++) {
		const struct filter *f = &set->filters[i];
		const struct bumble_field *field = find_field(t, f->field);
		struct outbuf *s = &set->scratch;
		int ok;

		if (!field)
			return 0;
		outbuf_init(s, -1);
		format_field(s, field, data, size);
		if (f->is_regex)
			ok = regexec(&f->re, outbuf_str(s), 0, NULL, 0) == 0;
		else
			ok = strcmp(outbuf_str(s), f->value) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

void filters_free(struct filter_set *set)
{
	if (!set)
		return;
	for (unsigned int i = 0; i < set->count; i++) {
		if (set->filters[i].is_regex)
			regfree(&set->filters[i].re);
		free(set->filters[i].field);
		free(set->filters[i].value);
	}
	free(set->filters);
	free(set);
}
