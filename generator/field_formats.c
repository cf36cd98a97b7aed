/* Formats given to fields by name rather than by typedef: bumble bundle
 * --format FIELD=NAME, and those inferred from what fills a field in the
 * program's source (a syscall tracepoint's id, a signal's number ...). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "enum_names.h"
#include "model_int.h"

static int param_known(const struct gen_model *m, const char *name)
{
	for (unsigned int i = 0; i < m->param_count; i++)
		if (!strcmp(m->params[i].name, name))
			return 1;
	return 0;
}

/* The layouts a map shows: its event, key and value. */
static unsigned int layouts_of(const struct gen_map *gm,
			       struct gen_event *out[3])
{
	unsigned int n = 0;

	if (gm->role == BUMBLE_ROLE_NONE)
		return 0;
	if (gm->event)
		out[n++] = gm->event;
	if (gm->key)
		out[n++] = gm->key;
	if (gm->value && gm->value != gm->event)
		out[n++] = gm->value;
	return n;
}

/* Sets the format of f; 0, -ENOMEM. */
static int set_format(struct gen_field *f, const struct gen_format_hint *h)
{
	char *param = NULL;

	if (h->param && !(param = strdup(h->param)))
		return -ENOMEM;
	free(f->format_param);
	f->format_param = param;
	f->format_param_nonzero = h->param_nonzero;
	f->format = h->format;
	f->width = gen_column_width(f);
	return 0;
}

/* Applies h to the fields it names in map gm: the count set in *hits,
 * and the first that does not fit in *misfit. 0 or -ENOMEM. */
static int apply_to_map(struct gen_map *gm, const struct gen_format_hint *h,
			const char *field, unsigned int *hits,
			const struct gen_field **misfit)
{
	struct gen_event *evs[3];
	unsigned int n = layouts_of(gm, evs);

	for (unsigned int e = 0; e < n; e++) {
		if (h->strct && strcmp(evs[e]->type_name, h->strct))
			continue;
		if (h->map && !h->strct && evs[e] != gm->key)
			continue;
		for (unsigned int i = 0; i < evs[e]->field_count; i++) {
			struct gen_field *f = &evs[e]->fields[i];

			if (strcmp(f->name, field))
				continue;
			if (!gen_format_fits(f, h->format)) {
				if (!*misfit)
					*misfit = f;
				continue;
			}
			if (set_format(f, h))
				return -ENOMEM;
			(*hits)++;
		}
	}
	return 0;
}

/* An inferred format: the fields it names that fit, silently. */
static int apply_inferred(struct gen_model *m, const struct gen_format_hint *h)
{
	const struct gen_field *misfit = NULL;
	unsigned int hits = 0;

	if (h->param && !param_known(m, h->param))
		return 0;
	for (unsigned int i = 0; i < m->map_count; i++) {
		if (h->map && strcmp(m->maps[i].name, h->map))
			continue;
		if (apply_to_map(&m->maps[i], h, h->field, &hits, &misfit))
			return -ENOMEM;
	}
	return 0;
}

/* Every field a map shows, for the message of a --format that names
 * none: "map.field, ..." in err after prefix. */
static void list_fields(const struct gen_model *m, char *err, size_t errlen)
{
	size_t used = strlen(err);
	int any = 0;

	for (unsigned int i = 0; i < m->map_count && used < errlen; i++) {
		struct gen_event *evs[3];
		unsigned int n = layouts_of(&m->maps[i], evs);

		for (unsigned int e = 0; e < n; e++)
			for (unsigned int j = 0;
			     j < evs[e]->field_count && used < errlen; j++) {
				int w = snprintf(err + used, errlen - used,
						 "%s%s.%s", any ? ", " : "",
						 m->maps[i].name,
						 evs[e]->fields[j].name);

				any = 1;
				used += w > 0 ? (size_t)w : 0;
			}
	}
	if (!any && used < errlen)
		snprintf(err + used, errlen - used, "(none: no map is shown)");
}

/* --format FIELD=NAME: FIELD is MAP.FIELD when it starts with a map's
 * name, else a field of any map. */
static int apply_option(struct gen_model *m, const struct gen_format_hint *h,
			char *err, size_t errlen)
{
	const struct gen_field *misfit = NULL;
	const char *dot = strchr(h->field, '.');
	struct gen_format_hint any = *h;
	unsigned int hits = 0;
	int rc = 0;

	any.map = any.strct = any.param = NULL;
	for (unsigned int i = 0; i < m->map_count && !rc; i++) {
		const char *name = m->maps[i].name;
		size_t len = strlen(name);

		if (dot && (size_t)(dot - h->field) == len &&
		    !strncmp(h->field, name, len))
			rc = apply_to_map(&m->maps[i], &any, dot + 1, &hits,
					  &misfit);
	}
	for (unsigned int i = 0; i < m->map_count && !rc && !hits && !misfit;
	     i++)
		rc = apply_to_map(&m->maps[i], &any, h->field, &hits, &misfit);
	if (rc || hits)
		return rc;
	if (misfit) {
		gen_seterr(err, errlen,
			   "--format %s=%s: field '%s' (%s, %u bytes%s) cannot "
			   "be shown as %s",
			   h->field, format_name(h->format), misfit->name,
			   kind_name(misfit->kind), misfit->size,
			   misfit->count > 1 ? ", an array" : "",
			   format_name(h->format));
		return -EINVAL;
	}
	gen_seterr(err, errlen,
		   "--format %s=%s: no map shows a field '%s'; the fields "
		   "are: ",
		   h->field, format_name(h->format), h->field);
	list_fields(m, err, errlen);
	return -EINVAL;
}

int gen_apply_formats(struct gen_model *m, const struct gen_opts *opts,
		      char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; i < opts->inferred_format_count && !rc; i++)
		rc = apply_inferred(m, &opts->inferred_formats[i]);
	/* the options after: they override what was inferred */
	for (size_t i = 0; i < opts->format_count && !rc; i++)
		rc = apply_option(m, &opts->formats[i], err, errlen);
	return rc;
}
