/* The model of an input: its object, with the map roles and parameter
 * help found in its source, read by the generator. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "model.h"

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
	/* --set: into the object, then the model made again from it */
	for (size_t i = 0; m && i < o->set_count; i++) {
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
	role_hints_free(&hints);
	param_docs_free(&docs);
	free(name);
	return m;
}
