/* The model of an input: its object, with the map roles and parameter
 * help found in its source, read by the generator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "model.h"
#include "packed.h"

static void drop_alu32(struct input_opts *o)
{
	if (o->verbose)
		fprintf(stderr,
			"bumble: the 32-bit ALU build differs from the "
			"v1 build; the tool carries only the v1 build\n");
	input_opts_drop_alu32(o);
}

/* Do a and b, two builds of one source, have the same programs, maps and
 * parameters where the tool finds them (by name, and in .rodata)? */
static int same_build(const struct gen_model *a, const struct gen_model *b)
{
	if (a->program_count != b->program_count ||
	    a->map_count != b->map_count || a->param_count != b->param_count)
		return 0;
	for (unsigned int i = 0; i < a->program_count; i++)
		if (strcmp(a->programs[i].name, b->programs[i].name) ||
		    strcmp(a->programs[i].section, b->programs[i].section))
			return 0;
	for (unsigned int i = 0; i < a->map_count; i++)
		if (strcmp(a->maps[i].name, b->maps[i].name) ||
		    a->maps[i].type != b->maps[i].type ||
		    a->maps[i].key_size != b->maps[i].key_size ||
		    a->maps[i].value_size != b->maps[i].value_size)
			return 0;
	for (unsigned int i = 0; i < a->param_count; i++)
		if (strcmp(a->params[i].name, b->params[i].name) ||
		    a->params[i].offset != b->params[i].offset ||
		    a->params[i].size != b->params[i].size ||
		    a->params[i].count != b->params[i].count)
			return 0;
	return 1;
}

/* The fallback build into m's layer, packed against m's, if it matches
 * m's build. */
static void take_alu32(struct input_opts *o, struct gen_model *m,
		       const struct gen_opts *gopts)
{
	struct gen_model *alt;
	unsigned char *packed;
	size_t size;
	char msg[512];

	alt = gen_model_open(o->alu32_obj, o->alu32_size, gopts, msg,
			     sizeof(msg));
	if (!alt || !same_build(m, alt) ||
	    packed_make(m->bytecode, m->bytecode_size, o->alu32_obj,
			o->alu32_size, &packed, &size)) {
		drop_alu32(o);
	} else {
		/* the packed form replaces the build it was made from */
		free(o->alu32_obj);
		o->alu32_obj = packed;
		o->alu32_size = size;
		m->alu32_packed = packed;
		m->alu32_packed_size = size;
	}
	gen_model_free(alt);
}

struct gen_model *open_model(struct input_opts *o, unsigned char **obj, int *rc)
{
	struct gen_opts gopts = {0};
	struct role_hints hints = {0};
	struct param_docs docs = {0};
	unsigned char *src;
	size_t src_size;
	struct gen_model *m;
	char msg[512];
	char *name = NULL;
	size_t size;

	*obj = NULL;
	*rc = load_input_object(o, obj, &size, &hints);
	if (*rc != EXIT_OK) {
		role_hints_free(&hints);
		return NULL;
	}
	if (!o->name && !(name = tool_name_from_path(o->input))) {
		*rc = EXIT_USAGE;
		role_hints_free(&hints);
		free(*obj);
		*obj = NULL;
		return NULL;
	}
	gopts.name = o->name ? o->name : name;
	gopts.version = o->version;
	gopts.description = o->description;
	gopts.arch = o->arch->name;
	gopts.oci_arch = o->arch->oci;
	gopts.map_sizes = o->map_sizes;
	gopts.map_size_count = o->map_size_count;
	gopts.perf_events = o->perf_events;
	gopts.perf_event_count = o->perf_event_count;
	gopts.attaches = o->attaches;
	gopts.attach_count = o->attach_count;
	gopts.formats = o->formats;
	gopts.format_count = o->format_count;
	gopts.events = o->events;
	gopts.event_count = o->event_count;
	gopts.inferred = hints.events.events;
	gopts.inferred_count = hints.events.count;
	gopts.inferred_formats = hints.events.formats;
	gopts.inferred_format_count = hints.events.format_count;
	gopts.state_maps = (const char *const *)hints.events.deleted;
	gopts.state_count = hints.events.deleted_count;
	if (hints.events.read) {
		gopts.updated_maps = (const char *const *)hints.events.updated;
		gopts.updated_count = hints.events.updated_count;
		gopts.counted_globals =
		    (const char *const *)hints.events.counted;
		gopts.counted_global_count = hints.events.counted_count;
		gopts.usage_known = 1;
	}
	/* --role after the source's hints: the later one wins */
	if (o->role_count) {
		struct gen_role_hint *all = realloc(
		    hints.hints, (hints.count + o->role_count) * sizeof(*all));

		if (!all) {
			*rc = EXIT_FAIL;
			role_hints_free(&hints);
			free(*obj);
			*obj = NULL;
			free(name);
			return NULL;
		}
		for (size_t i = 0; i < o->role_count; i++) {
			all[hints.count + i] = o->roles[i];
			all[hints.count + i].map = strdup(o->roles[i].map);
		}
		hints.hints = all;
		hints.count += o->role_count;
	}
	gopts.roles = hints.hints;
	gopts.role_count = hints.count;
	if (is_c_source(o->input) && !read_file(o->input, &src, &src_size)) {
		char *text = realloc(src, src_size + 1);

		if (text) {
			text[src_size] = '\0';
			param_docs_scan(text, &docs);
			src = (unsigned char *)text;
		}
		free(src);
		gopts.helps = docs.helps;
		gopts.help_count = docs.count;
	}
	m = gen_model_open(*obj, size, &gopts, msg, sizeof(msg));
	/* --set: into the object (and its fallback build), then the model
	 * made again from it */
	for (size_t i = 0; m && i < o->set_count; i++) {
		if (o->alu32_obj &&
		    gen_param_set(o->alu32_obj, o->alu32_size, m,
				  o->sets[i].map, o->sets[i].type, msg,
				  sizeof(msg)))
			drop_alu32(o);
		if (gen_param_set(*obj, size, m, o->sets[i].map,
				  o->sets[i].type, msg, sizeof(msg))) {
			gen_model_free(m);
			m = NULL;
			errno = EINVAL;
		} else if (i + 1 == o->set_count) {
			gen_model_free(m);
			m = gen_model_open(*obj, size, &gopts, msg,
					   sizeof(msg));
		}
	}
	for (unsigned int i = 0; m && i < m->warning_count; i++)
		warn("%s", m->warnings[i]);
	if (!m) {
		*rc = errno == ENOMEM ? EXIT_FAIL : EXIT_INPUT;
		err("%s: %s", o->input, msg);
		free(*obj);
		*obj = NULL;
	}
	if (m && o->alu32_obj)
		take_alu32(o, m, &gopts);
	role_hints_free(&hints);
	param_docs_free(&docs);
	free(name);
	return m;
}
