/* Model -> the runner's tables as bytes (stub/tables_codec.c), for the
 * prelinked stub: the same tables gen_emit_runner writes as C, with the
 * same choices of what each map shows. */
#include <errno.h>
#include <stdlib.h>

#include "model.h"
#include "tables_codec.h"

#ifndef BUMBLE_VERSION
#define BUMBLE_VERSION "0.0.0"
#endif

/* The runtime's view of one event type; enumerators borrowed from the
 * model (the two structs have the same members). */
struct type_view {
	const struct gen_event *ev;
	struct bumble_event_type type;
	struct bumble_field *fields;
	struct bumble_enum_value *enums;
};

static void enums_copy(struct bumble_enum_value *to,
		       const struct gen_enum_value *from, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		to[i].value = from[i].value;
		to[i].name = from[i].name;
	}
}

static int type_view_make(const struct gen_model *m, const struct gen_event *ev,
			  struct type_view *v)
{
	size_t enums = 0, at = 0;

	v->ev = ev;
	for (unsigned int i = 0; i < ev->field_count; i++)
		enums += ev->fields[i].enum_count;
	v->fields = calloc(ev->field_count + 1, sizeof(*v->fields));
	v->enums = calloc(enums + 1, sizeof(*v->enums));
	if (!v->fields || !v->enums)
		return -ENOMEM;
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *g = &ev->fields[i];
		struct bumble_field *f = &v->fields[i];

		f->name = g->name;
		f->offset = g->offset;
		f->size = g->size;
		f->count = g->count;
		f->bit_shift = (unsigned char)g->bit_shift;
		f->bit_size = (unsigned char)g->bit_size;
		f->kind = (unsigned char)g->kind;
		f->format = (unsigned char)g->format;
		f->width = (unsigned short)g->width;
		f->depth = (unsigned char)g->depth;
		f->enum_unsigned = (unsigned char)g->enum_unsigned;
		f->enum_count = (unsigned short)g->enum_count;
		f->enum_values = v->enums + at;
		enums_copy(v->enums + at, g->enum_values, g->enum_count);
		at += g->enum_count;
		f->family_offset = g->family_offset;
		f->family_size = (unsigned char)g->family_size;
		f->format_param =
		    (unsigned short)gen_param_number(m, g->format_param);
		if (f->format_param)
			f->format_param_nonzero =
			    (unsigned char)g->format_param_nonzero;
	}
	v->type.name = ev->type_name;
	v->type.size = ev->size;
	v->type.field_count = ev->field_count;
	v->type.fields = v->fields;
	return 0;
}

static const struct bumble_event_type *type_of(const struct type_view *views,
					       unsigned int n,
					       const struct gen_event *ev)
{
	for (unsigned int i = 0; ev && i < n; i++)
		if (views[i].ev == ev)
			return &views[i].type;
	return NULL;
}

/* The maps as the runner lists them: a map without a role names its
 * role only (gen_emit_runner's emit_maps). */
static void maps_view(const struct gen_model *m, const struct type_view *views,
		      struct bumble_map *maps)
{
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct gen_map *gm = &m->maps[i];
		struct bumble_map *bm = &maps[i];
		int shown = gm->role != BUMBLE_ROLE_NONE;

		bm->name = gm->name;
		bm->role = (unsigned char)gm->role;
		if (shown) {
			bm->event = type_of(views, m->event_count, gm->event);
			bm->key = type_of(views, m->event_count, gm->key);
			bm->value = type_of(views, m->event_count, gm->value);
			bm->help = gm->help && *gm->help ? gm->help : NULL;
		}
		if (shown && gm->key) {
			bm->value_size =
			    (unsigned char)(gm->value ? 0 : gm->value_size);
			bm->value_signed = (unsigned char)gm->value_signed;
		}
		bm->max_entries = gm->size_override;
		if (gm->global_section) {
			bm->global = gm->global_section;
			bm->global_offset = gm->global_offset;
			bm->global_size = gm->value_size;
			bm->global_count = gm->max_entries;
		}
	}
}

int gen_tables_blob(const struct gen_model *m, unsigned char **out,
		    size_t *size)
{
	struct type_view *views = calloc(m->event_count + 1, sizeof(*views));
	struct bumble_map *maps = calloc(m->map_count + 1, sizeof(*maps));
	struct bumble_program *progs =
	    calloc(m->program_count + 1, sizeof(*progs));
	struct bumble_param *params =
	    calloc(m->param_count + 1, sizeof(*params));
	struct bumble_enum_value *penums = NULL;
	size_t at = 0;
	struct bumble_tool tool = {
	    .sz = sizeof(tool),
	    .name = m->name,
	    .description = m->description,
	    .bumble_version = BUMBLE_VERSION,
	    .bytecode_digest = m->bytecode_digest,
	    .map_count = m->map_count,
	    .maps = maps,
	    .program_count = m->program_count,
	    .programs = progs,
	    .param_count = m->param_count,
	    .params = params,
	};
	int rc;

	for (unsigned int i = 0; i < m->param_count; i++)
		at += m->params[i].enum_count;
	penums = calloc(at + 1, sizeof(*penums));
	rc = views && maps && progs && params && penums ? 0 : -ENOMEM;
	at = 0;

	for (unsigned int i = 0; !rc && i < m->event_count; i++)
		rc = type_view_make(m, m->events[i], &views[i]);
	if (!rc) {
		maps_view(m, views, maps);
		for (unsigned int i = 0; i < m->program_count; i++) {
			progs[i].name = m->programs[i].name;
			progs[i].section = m->programs[i].section;
			progs[i].attach = m->programs[i].attach;
		}
		for (unsigned int i = 0; i < m->param_count; i++) {
			const struct gen_param *gp = &m->params[i];
			struct bumble_param *p = &params[i];

			p->name = gp->name;
			p->help = gp->help;
			p->default_text = gp->default_text;
			p->offset = gp->offset;
			p->size = gp->size;
			p->count = gp->count;
			p->kind = (unsigned char)gp->kind;
			p->enum_count = (unsigned short)gp->enum_count;
			p->enum_values = penums + at;
			enums_copy(penums + at, gp->enum_values,
				   gp->enum_count);
			at += gp->enum_count;
		}
		rc = tables_encode(&tool, out, size);
	}
	for (unsigned int i = 0; views && i < m->event_count; i++) {
		free(views[i].fields);
		free(views[i].enums);
	}
	free(views);
	free(maps);
	free(progs);
	free(params);
	free(penums);
	return rc;
}
