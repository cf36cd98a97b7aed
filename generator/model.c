/* BPF object -> model: opens the object with libbpf (loads nothing), walks
 * its programs and maps, ties the pieces together, and frees the model. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "sha256.h"

void gen_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void gen_warn(struct gen_model *m, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	m->warnings = xrealloc(m->warnings,
			       (m->warning_count + 1) * sizeof(*m->warnings));
	m->warnings[m->warning_count++] = msg;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

struct gen_model *gen_model_open(const unsigned char *obj, size_t size,
				 const struct gen_opts *opts, char *err,
				 size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *bobj;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct gen_model *m;
	const struct btf *btf;

	if (gen_check_object(obj, size, err, errlen))
		return NULL;
	open_opts.object_name = opts->name;
	libbpf_set_print(libbpf_quiet);
	bobj = bpf_object__open_mem(obj, size, &open_opts);
	if (!bobj) {
		gen_seterr(err, errlen,
			   "libbpf cannot read this BPF object: %s",
			   strerror(errno));
		return NULL;
	}
	btf = bpf_object__btf(bobj);
	m = xrealloc(NULL, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(opts->name);
	m->version = xstrdup(opts->version ? opts->version : "0.0.0");
	m->description = xstrdup(opts->description);
	m->bytecode = obj;
	m->bytecode_size = size;
	sha256_digest_string(obj, size, m->bytecode_digest);

	bpf_object__for_each_program(prog, bobj)
	{
		struct gen_program *p;

		m->programs =
		    xrealloc(m->programs, (m->program_count + 1) * sizeof(*p));
		p = &m->programs[m->program_count++];
		p->name = xstrdup(bpf_program__name(prog));
		p->section = xstrdup(bpf_program__section_name(prog));
		p->type = bpf_program__type(prog);
	}
	bpf_object__for_each_map(map, bobj)
	{
		struct gen_map *gm;
		__u32 vid = bpf_map__btf_value_type_id(map);

		if (bpf_map__is_internal(map)) {
			/* .rodata/.data/.bss globals: params from .rodata */
			const char *dot = strrchr(bpf_map__name(map), '.');

			if (dot && !strcmp(dot, ".rodata"))
				gen_add_params(m, opts, btf, map);
			continue;
		}
		m->maps = xrealloc(m->maps, (m->map_count + 1) * sizeof(*gm));
		gm = &m->maps[m->map_count++];
		memset(gm, 0, sizeof(*gm));
		gm->name = xstrdup(bpf_map__name(map));
		gm->type = bpf_map__type(map);
		gm->key_size = bpf_map__key_size(map);
		gm->value_size = bpf_map__value_size(map);
		gm->max_entries = bpf_map__max_entries(map);
		gm->role = gen_role_from_map_name(gm->name);
		for (size_t i = 0; i < opts->role_count; i++)
			if (!strcmp(opts->roles[i].map, gm->name))
				gm->role = opts->roles[i].role;
		if (btf && vid)
			gm->event = gen_event_of_type(m, btf, vid, gm->name);
		if (gm->role == BUMBLE_ROLE_NONE && gm->event &&
		    gen_is_event_map(gm->type))
			gm->role = BUMBLE_ROLE_PRINT;
		if (gm->role >= BUMBLE_ROLE_COUNTER) {
			gm->event = NULL;
			gen_model_aggregate(m, btf, map, gm);
		}
	}
	if (gen_apply_event_overrides(m, opts, btf, err, errlen)) {
		bpf_object__close(bobj);
		gen_model_free(m);
		return NULL;
	}
	bpf_object__close(bobj);
	if (!m->program_count) {
		gen_seterr(
		    err, errlen,
		    "the object has no BPF programs: mark a function with "
		    "SEC(\"tracepoint/...\") or another program section");
		gen_model_free(m);
		return NULL;
	}
	return m;
}

void gen_model_free(struct gen_model *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < m->program_count; i++) {
		free(m->programs[i].name);
		free(m->programs[i].section);
	}
	for (unsigned int i = 0; i < m->map_count; i++)
		free(m->maps[i].name);
	for (unsigned int i = 0; i < m->event_count; i++)
		gen_event_free(m->events[i]);
	for (unsigned int i = 0; i < m->param_count; i++) {
		struct gen_param *p = &m->params[i];

		for (unsigned int j = 0; j < p->enum_count; j++)
			free(p->enum_values[j].name);
		free(p->enum_values);
		free(p->name);
		free(p->help);
		free(p->default_text);
	}
	for (unsigned int i = 0; i < m->file_count; i++) {
		free(m->files[i].path);
		free(m->files[i].data);
	}
	free(m->files);
	for (unsigned int i = 0; i < m->warning_count; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m->params);
	free(m->programs);
	free(m->maps);
	free(m->events);
	free(m->name);
	free(m->version);
	free(m->description);
	free(m);
}
