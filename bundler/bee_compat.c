/* BumbleBee's map sections: SEC(".maps.print"), ".maps.counter",
 * ".maps.gauge" and ".maps.hist" mark a map's role, but libbpf loads maps
 * only from ".maps". In the preprocessed source each such section becomes
 * ".maps" and the map's role is recorded for the generator. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "enum_names.h"
#include "model.h"

/* Start of the line that holds p. */
static const char *line_start(const char *text, const char *p)
{
	while (p > text && p[-1] != '\n')
		p--;
	return p;
}

/* The identifier declared just before `at`: the map's name. Skips white
 * space, and whole lines of preprocessor output (# markers, #pragma),
 * which libbpf's SEC() macro puts between the name and the attribute. */
static int name_before(const char *text, const char *at, char *name, size_t n)
{
	const char *p = at, *end;

	for (;;) {
		while (p > text && isspace((unsigned char)p[-1]))
			p--;
		if (p == text)
			return -1;
		{
			const char *ls = line_start(text, p);
			const char *q = ls;

			while (q < p && isspace((unsigned char)*q))
				q++;
			if (*q == '#') {
				p = ls;
				continue;
			}
		}
		break;
	}
	end = p;
	while (p > text && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		p--;
	if (p == end || (size_t)(end - p) >= n)
		return -1;
	memcpy(name, p, (size_t)(end - p));
	name[end - p] = '\0';
	return 0;
}

static int add_hint(struct role_hints *h, const char *name,
		    enum bumble_role role)
{
	struct gen_role_hint *grown;

	grown = realloc(h->hints, (h->count + 1) * sizeof(*h->hints));
	if (!grown)
		return -1;
	h->hints = grown;
	h->hints[h->count].map = strdup(name);
	h->hints[h->count].role = role;
	if (!h->hints[h->count].map)
		return -1;
	h->count++;
	return 0;
}

int bee_rewrite_sections(char *text, struct role_hints *h)
{
	static const char key[] = "section(\".maps.";
	char *p = text;

	while ((p = strstr(p, key))) {
		char *suffix = p + sizeof(key) - 1;
		char *attr = p, *quote = strchr(suffix, '"');
		enum bumble_role role;
		char name[256];

		if (!quote)
			break;
		role = role_by_word(suffix, (size_t)(quote - suffix));
		if (role == BUMBLE_ROLE_NONE) {
			p = quote;
			continue; /* not a role: left for libbpf to judge */
		}
		/* Back from section( to the __attribute__ that holds it. */
		while (attr > text && strncmp(attr, "__attribute__", 13))
			attr--;
		if (name_before(text, attr, name, sizeof(name)) ||
		    add_hint(h, name, role))
			return -1;
		/* ".maps.print" -> ".maps" padded with blanks, in place. */
		suffix[-1] = '"';
		memset(suffix, ' ', (size_t)(quote - suffix) + 1);
		p = quote + 1;
	}
	return 0;
}

void role_hints_free(struct role_hints *h)
{
	for (size_t i = 0; i < h->count; i++)
		free((char *)h->hints[i].map);
	free(h->hints);
	h->hints = NULL;
	h->count = 0;
	map_usage_free(&h->events);
}
