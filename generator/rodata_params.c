/* Parameters: every `const volatile` global in .rodata, with its kind from
 * BTF, its default from the initial value and its help from the source. */
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

/* The initial value of a parameter, as --help shows it. */
static char *default_text(const struct gen_param *p, const unsigned char *v)
{
	long long s = 0;
	unsigned long long u = 0;
	char *text;

	if (p->kind == BUMBLE_KIND_CHARS)
		return strndup((const char *)v, p->count);
	memcpy(&u, v, p->size); /* little-endian: low bytes first */
	if (p->size < 8 && (u >> (p->size * 8 - 1)) & 1)
		s = (long long)(u | (~0ull << (p->size * 8)));
	else
		s = (long long)u;
	if (p->kind == BUMBLE_KIND_BOOL)
		return xstrdup(u ? "true" : "false");
	if (p->kind == BUMBLE_KIND_ENUM)
		for (unsigned int i = 0; i < p->enum_count; i++)
			if (p->enum_values[i].value == s)
				return xstrdup(p->enum_values[i].name);
	if (p->kind == BUMBLE_KIND_UINT ? asprintf(&text, "%llu", u) < 0
					: asprintf(&text, "%lld", s) < 0)
		return NULL;
	return text;
}

/* const volatile T, or for arrays T's elements const volatile. */
static int has_volatile(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_array(t))) {
		if (btf_is_volatile(t))
			return 1;
		t = btf__type_by_id(btf, btf_is_array(t) ? btf_array(t)->type
							 : t->type);
	}
	return 0;
}

static const char *help_for(const struct gen_opts *opts, const char *name)
{
	for (size_t i = 0; i < opts->help_count; i++)
		if (!strcmp(opts->helps[i].name, name))
			return opts->helps[i].help;
	return "";
}

/* Options every tool has; a parameter of the same name could not be set. */
static int is_builtin_option(const char *name)
{
	static const char *const builtin[] = {
	    "json",	"timestamp", "filter",	"duration", "count",
	    "interval", "iface",     "cgroup",	"freq",	    "btf",
	    "pin",	"metrics",   "list",	"verbose",  "version",
	    "help",	"manifest",  "extract", "verify"};

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(name, builtin[i]))
			return 1;
	return 0;
}

/* Every `const volatile` global in .rodata becomes a parameter. */
void gen_add_params(struct gen_model *m, const struct gen_opts *opts,
		    const struct btf *btf, struct bpf_map *rodata)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	const unsigned char *init;
	size_t init_size = 0;
	__u32 sec_id = bpf_map__btf_value_type_id(rodata);

	sec = btf ? btf__type_by_id(btf, sec_id) : NULL;
	init = bpf_map__initial_value(rodata, &init_size);
	if (!sec || !btf_is_datasec(sec) || !init)
		return;
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		const char *name;
		struct gen_field f = {0};
		struct gen_param *p;
		const struct btf_type *t;
		__u32 id;

		if (!var || !btf_is_var(var) || !has_volatile(btf, var->type))
			continue;
		name = btf__name_by_offset(btf, var->name_off);
		if (is_builtin_option(name)) {
			gen_warn(
			    m,
			    "parameter '%s' has the name of the tool's own "
			    "--%s option, so it keeps its default; rename "
			    "the variable to make it settable",
			    name, name);
			continue;
		}
		id = var->type;
		t = gen_resolve(btf, &id, NULL);
		if (t && btf_is_array(t) &&
		    gen_is_char_type(btf,
				     gen_skip_mods(btf, btf_array(t)->type))) {
			f.kind = BUMBLE_KIND_CHARS;
			f.size = 1;
			f.count = btf_array(t)->nelems;
		} else if (!t || !gen_scalar_kind(btf, t, &f) ||
			   f.kind == BUMBLE_KIND_PTR ||
			   f.kind == BUMBLE_KIND_BYTES) {
			gen_warn(
			    m,
			    "parameter '%s' is not an integer, bool, enum or "
			    "char array; it is not settable from the command "
			    "line",
			    name);
			continue;
		} else {
			f.count = 1;
		}
		if ((size_t)vs->offset + (size_t)f.size * f.count > init_size)
			continue;
		m->params = xrealloc(m->params,
				     (m->param_count + 1) * sizeof(*m->params));
		p = &m->params[m->param_count++];
		memset(p, 0, sizeof(*p));
		p->name = xstrdup(name);
		p->help = xstrdup(help_for(opts, name));
		p->offset = vs->offset;
		p->size = f.size;
		p->count = f.count;
		p->kind = f.kind;
		p->enum_values = f.enum_values;
		p->enum_count = f.enum_count;
		p->default_text = default_text(p, init + vs->offset);
		if (!p->default_text)
			p->default_text = xstrdup("");
	}
}
