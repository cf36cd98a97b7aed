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

int gen_warn(struct gen_model *m, const char *fmt, ...)
{
	va_list ap;
	char *msg, **slot;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	slot =
	    gen_push((void **)&m->warnings, &m->warning_count, sizeof(*slot));
	if (!slot) {
		free(msg);
		return -ENOMEM;
	}
	*slot = msg;
	return 0;
}

void *gen_push(void **array, unsigned int *count, size_t size)
{
	char *grown = realloc(*array, (*count + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	grown += *count * size;
	memset(grown, 0, size);
	(*count)++;
	return grown;
}

struct gen_map *gen_find_map(struct gen_model *m, const char *name)
{
	for (unsigned int i = 0; i < m->map_count; i++)
		if (!strcmp(m->maps[i].name, name))
			return &m->maps[i];
	return NULL;
}

const char *gen_help_for(const struct gen_opts *opts, const char *name)
{
	for (size_t i = 0; i < opts->help_count; i++)
		if (!strcmp(opts->helps[i].name, name))
			return opts->helps[i].help;
	return "";
}

static int add_program(struct gen_model *m, struct bpf_program *prog)
{
	struct gen_program *p;

	p = gen_push((void **)&m->programs, &m->program_count, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->name = strdup(bpf_program__name(prog));
	p->section = strdup(bpf_program__section_name(prog));
	p->type = bpf_program__type(prog);
	return p->name && p->section ? 0 : -ENOMEM;
}

/* A map with its role: from its name, a hint, its event type, or (for
 * counters, gauges and hists) its key and value. A counter_, gauge_ or
 * hist_ ring buffer with an event type keeps both: its events are
 * printed and feed a metric (BumbleBee's ring-buffer metrics). */
static int add_map(struct gen_model *m, const struct gen_opts *opts,
		   const struct btf *btf, struct bpf_map *map, int infer)
{
	__u32 vid = bpf_map__btf_value_type_id(map);
	struct gen_map *gm;
	int err, given;

	gm = gen_push((void **)&m->maps, &m->map_count, sizeof(*gm));
	if (!gm)
		return -ENOMEM;
	gm->name = strdup(bpf_map__name(map));
	gm->help = strdup(gen_help_for(opts, bpf_map__name(map)));
	if (!gm->name || !gm->help)
		return -ENOMEM;
	gm->type = bpf_map__type(map);
	gm->key_size = bpf_map__key_size(map);
	gm->value_size = bpf_map__value_size(map);
	gm->max_entries = bpf_map__max_entries(map);
	gm->role = gen_role_from_map_name(gm->name);
	given = gm->role != BUMBLE_ROLE_NONE;
	for (size_t i = 0; i < opts->role_count; i++)
		if (!strcmp(opts->roles[i].map, gm->name)) {
			gm->role = opts->roles[i].role;
			given = 1;
		}
	if (infer && !given && !gen_is_event_map(gm->type))
		gm->role = gen_infer_role(opts, btf, map);
	if (btf && vid) {
		err = gen_event_of_type(m, btf, vid, gm->name, &gm->event);
		if (err)
			return err;
	}
	if (gm->role == BUMBLE_ROLE_NONE && gm->event &&
	    gen_is_event_map(gm->type))
		gm->role = BUMBLE_ROLE_PRINT;
	if (gm->role >= BUMBLE_ROLE_COUNTER && gen_is_event_map(gm->type) &&
	    gm->event)
		return gen_model_ringbuf_metric(m, gm);
	if (gm->role >= BUMBLE_ROLE_COUNTER) {
		gm->event = NULL;
		return gen_model_aggregate(m, btf, map, gm);
	}
	return 0;
}

/* Does any map name its role (a prefix, a BumbleBee section, --role)?
 * Then the program is taken at its word and no role is inferred. */
static int names_roles(const struct gen_opts *opts, struct bpf_object *bobj)
{
	struct bpf_map *map;

	bpf_object__for_each_map(map, bobj)
	{
		if (gen_role_from_map_name(bpf_map__name(map)) !=
		    BUMBLE_ROLE_NONE)
			return 1;
	}
	for (size_t i = 0; i < opts->role_count; i++)
		if (!opts->roles[i].from_option)
			return 1;
	return 0;
}

int gen_usage_wanted(const unsigned char *obj, size_t size,
		     const struct gen_event_override *given, size_t ngiven,
		     int roles_named)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *bobj;
	struct bpf_map *map;
	int untyped = 0, guessed = 0, globals = 0, events = 0;

	if (gen_check_object(obj, size, NULL, 0))
		return 0; /* the model says what is wrong with it */
	open_opts.object_name = "usage";
	bobj = bpf_object__open_mem(obj, size, &open_opts);
	if (!bobj)
		return 0;
	bpf_object__for_each_map(map, bobj)
	{
		const char *name = bpf_map__name(map);
		size_t i;

		if (bpf_map__is_internal(map)) {
			globals |=
			    gen_globals_want_usage(bpf_object__btf(bobj), map);
			continue;
		}
		if (gen_role_from_map_name(name) != BUMBLE_ROLE_NONE) {
			roles_named = 1;
			continue;
		}
		if (!gen_is_event_map(bpf_map__type(map))) {
			guessed = 1;
			continue;
		}
		events = 1;
		for (i = 0; i < ngiven && strcmp(given[i].map, name); i++)
			;
		if (!bpf_map__btf_value_type_id(map) && i == ngiven)
			untyped = 1;
	}
	bpf_object__close(bobj);
	/* globals that may be counts (cachestat's lone ones) or arrays
	 * indexed by a value of known meaning (softirqs') are worth a read
	 * of their own (a clang run, 0.65 s with vmlinux.h) only in a
	 * program with no events to print */
	return untyped || ((guessed || (globals && !events)) && !roles_named);
}

/* Programs, maps and parameters of the opened object, then --event.
 * 0, -ENOMEM, or -EINVAL with a message in err. */
static int add_object(struct gen_model *m, const struct gen_opts *opts,
		      struct bpf_object *bobj, char *err, size_t errlen)
{
	const struct btf *btf = bpf_object__btf(bobj);
	struct bpf_program *prog;
	struct bpf_map *map;
	int rc, infer = !names_roles(opts, bobj);

	bpf_object__for_each_program(prog, bobj)
	{
		if (bpf_program__autoload(prog) &&
		    gen_check_attach(bpf_program__name(prog),
				     bpf_program__section_name(prog),
				     bpf_program__type(prog), err, errlen))
			return -EINVAL;
		rc = add_program(m, prog);
		if (rc)
			return rc;
	}
	bpf_object__for_each_map(map, bobj)
	{
		const char *dot = strrchr(bpf_map__name(map), '.');

		/* .rodata/.data/.bss globals: params from .rodata */
		if (!bpf_map__is_internal(map))
			rc = add_map(m, opts, btf, map, infer);
		else if (dot && !strcmp(dot, ".rodata"))
			rc = gen_add_params(m, opts, btf, map, err, errlen);
		else if (infer)
			rc = gen_add_global_aggregates(m, opts, btf, map);
		else
			rc = 0;
		if (rc)
			return rc;
	}
	rc = gen_apply_attach(m, opts, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < opts->map_size_count; i++) {
		struct gen_map *gm = gen_find_map(m, opts->map_sizes[i].map);

		if (!gm) {
			gen_seterr(
			    err, errlen,
			    "--map-size %s=%u: the program has no map '%s'",
			    opts->map_sizes[i].map, opts->map_sizes[i].entries,
			    opts->map_sizes[i].map);
			return -EINVAL;
		}
		gm->size_override = opts->map_sizes[i].entries;
	}
	for (size_t i = 0; i < opts->role_count; i++) {
		if (opts->roles[i].from_option &&
		    !gen_find_map(m, opts->roles[i].map)) {
			gen_seterr(err, errlen,
				   "--role %s=...: the program has no map '%s'",
				   opts->roles[i].map, opts->roles[i].map);
			return -EINVAL;
		}
	}
	rc = gen_apply_event_overrides(m, opts, btf, err, errlen);
	if (!rc)
		gen_hint_stacks(m);
	if (!rc)
		rc = gen_apply_formats(m, opts, err, errlen);
	return rc;
}

static char *strdup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

struct gen_model *gen_model_open(const unsigned char *obj, size_t size,
				 const struct gen_opts *opts, char *err,
				 size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *bobj = NULL;
	struct gen_model *m = NULL;
	int rc;

	if (errlen)
		err[0] = '\0';
	rc = -EINVAL;
	if (gen_check_object(obj, size, err, errlen))
		goto err;
	open_opts.object_name = opts->name;
	errno = 0;
	bobj = bpf_object__open_mem(obj, size, &open_opts);
	if (!bobj) {
		char why[128];

		rc = errno ? -errno : -EINVAL;
		/* libbpf's own codes (LIBBPF_ERRNO__FORMAT, ...) are above
		 * errno's: libbpf names them */
		if (libbpf_strerror(rc, why, sizeof(why)))
			snprintf(why, sizeof(why), "%s", strerror(-rc));
		if (rc <= -__LIBBPF_ERRNO__START)
			rc = -EINVAL;
		gen_seterr(err, errlen,
			   "libbpf cannot read this BPF object: %s", why);
		goto err;
	}
	rc = -ENOMEM;
	m = calloc(1, sizeof(*m));
	if (!m)
		goto err;
	m->name = strdup_or_empty(opts->name);
	m->version = strdup_or_empty(opts->version ? opts->version : "0.0.0");
	m->description = strdup_or_empty(opts->description);
	m->arch = strdup_or_empty(opts->arch ? opts->arch : "x86_64");
	m->oci_arch =
	    strdup_or_empty(opts->oci_arch ? opts->oci_arch : "amd64");
	if (!m->name || !m->version || !m->description || !m->arch ||
	    !m->oci_arch)
		goto err;
	m->bytecode = obj;
	m->bytecode_size = size;
	sha256_digest_string(obj, size, m->bytecode_digest);
	rc = add_object(m, opts, bobj, err, errlen);
	if (rc)
		goto err;
	rc = -EINVAL;
	if (!m->program_count) {
		gen_seterr(
		    err, errlen,
		    "the object has no BPF programs: mark a function with "
		    "SEC(\"tracepoint/...\") or another program section");
		goto err;
	}
	bpf_object__close(bobj);
	return m;
err:
	if (rc == -ENOMEM && errlen && !err[0])
		gen_seterr(err, errlen, "out of memory");
	else if (rc == -E2BIG && errlen && !err[0])
		gen_seterr(err, errlen,
			   "an event type has more than %d fields (nested "
			   "structs counted out)",
			   GEN_MAX_FIELDS);
	else if (errlen && !err[0])
		gen_seterr(err, errlen,
			   "the object's BTF describes a type bumble cannot "
			   "lay out (%s)",
			   strerror(-rc));
	bpf_object__close(bobj);
	gen_model_free(m);
	errno = -rc;
	return NULL;
}

void gen_model_free(struct gen_model *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < m->program_count; i++) {
		free(m->programs[i].name);
		free(m->programs[i].section);
		free(m->programs[i].attach);
	}
	for (unsigned int i = 0; i < m->map_count; i++) {
		free(m->maps[i].name);
		free(m->maps[i].help);
		free(m->maps[i].global_section);
	}
	for (unsigned int i = 0; i < m->event_count; i++)
		gen_event_free(m->events[i]);
	for (unsigned int i = 0; i < m->param_count; i++) {
		struct gen_param *p = &m->params[i];

		gen_enum_free(p->enum_name, p->enum_values, p->enum_count);
		free(p->name);
		free(p->help);
		free(p->default_text);
	}
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
	free(m->arch);
	free(m->oci_arch);
	free(m);
}
