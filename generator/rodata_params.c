/* Parameters: every `const volatile` global in .rodata, with its kind from
 * BTF, its default from the initial value and its help from the source. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "tool_options.h"

/* The initial value of a parameter, as --help shows it; NULL if out of
 * memory. */
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
		return strdup(u ? "true" : "false");
	if (p->kind == BUMBLE_KIND_ENUM)
		for (unsigned int i = 0; i < p->enum_count; i++)
			if (p->enum_values[i].value == s)
				return strdup(p->enum_values[i].name);
	if (p->kind == BUMBLE_KIND_UINT ? asprintf(&text, "%llu", u) < 0
					: asprintf(&text, "%lld", s) < 0)
		return NULL;
	return text;
}

/* const volatile T, or for arrays T's elements const volatile. A chain
 * of more than 32 (a loop in damaged BTF) is none. */
static int has_volatile(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_array(t))) {
		if (btf_is_volatile(t))
			return 1;
		if (++depth > 32)
			return 0;
		t = btf__type_by_id(btf, btf_is_array(t) ? btf_array(t)->type
							 : t->type);
	}
	return 0;
}

/* The kind, size and count of a parameter of type id into f: 1 if it can
 * be set from the command line, 0 if not, or -ENOMEM. */
static int param_kind(const struct btf *btf, __u32 id, struct gen_field *f)
{
	const struct btf_type *t = gen_resolve(btf, &id, NULL);
	int scalar;

	if (!t)
		return 0;
	if (btf_is_array(t)) {
		if (!gen_is_char_type(btf,
				      gen_skip_mods(btf, btf_array(t)->type)))
			return 0;
		f->kind = BUMBLE_KIND_CHARS;
		f->size = 1;
		f->count = btf_array(t)->nelems;
		return 1;
	}
	scalar = gen_scalar_kind(btf, t, f);
	f->count = 1;
	if (scalar <= 0)
		return scalar;
	/* a value of 1 to 8 bytes (damaged BTF may say an enum has 16) */
	if (!f->size || f->size > 8)
		return 0;
	return f->kind != BUMBLE_KIND_PTR && f->kind != BUMBLE_KIND_BYTES;
}

/* The variable vs of .rodata as a parameter, or a warning saying why it
 * is none. 0, -ENOMEM, or -EINVAL with a message in err: a parameter
 * named like one of the tool's own options could never be set. */
static int add_param(struct gen_model *m, const struct gen_opts *opts,
		     const struct btf *btf, const struct btf_var_secinfo *vs,
		     const unsigned char *init, size_t init_size, char *errmsg,
		     size_t errlen)
{
	const struct tool_option *clash;
	const struct btf_type *var = btf__type_by_id(btf, vs->type);
	struct gen_field f = {0};
	struct gen_param *p;
	const char *name;
	int err;

	if (!var || !btf_is_var(var) || !has_volatile(btf, var->type))
		return 0;
	name = btf__name_by_offset(btf, var->name_off);
	clash = tool_option_find(name);
	if (clash) {
		gen_seterr(errmsg, errlen,
			   "parameter '%s' has the name of the tool's own "
			   "--%s option, so it could never be set; rename the "
			   "variable (e.g. targ_%s)",
			   name, clash->name, name);
		return -EINVAL;
	}
	err = param_kind(btf, var->type, &f);
	if (err <= 0) {
		if (!err)
			err =
			    gen_warn(m,
				     "parameter '%s' is not an integer, bool, "
				     "enum or char array; it is not settable "
				     "from the command line",
				     name);
		goto out;
	}
	err = 0;
	if ((size_t)vs->offset + (size_t)f.size * f.count > init_size)
		goto out; /* beyond the initial values: not a parameter */
	err = -ENOMEM;
	p = gen_push((void **)&m->params, &m->param_count, sizeof(*p));
	if (!p)
		goto out;
	p->offset = vs->offset;
	p->size = f.size;
	p->count = f.count;
	p->kind = f.kind;
	/* the enum values move to p, which the model frees */
	p->enum_name = f.enum_name;
	p->enum_values = f.enum_values;
	p->enum_count = f.enum_count;
	f.enum_name = NULL;
	f.enum_values = NULL;
	f.enum_count = 0;
	p->name = strdup(name);
	p->help = strdup(gen_help_for(opts, name));
	p->default_text = default_text(p, init + vs->offset);
	if (p->name && p->help && p->default_text)
		err = 0;
out:
	gen_enum_free(f.enum_name, f.enum_values, f.enum_count);
	return err;
}

int gen_add_params(struct gen_model *m, const struct gen_opts *opts,
		   const struct btf *btf, struct bpf_map *rodata, char *errmsg,
		   size_t errlen)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	const unsigned char *init;
	size_t init_size = 0;
	__u32 sec_id = bpf_map__btf_value_type_id(rodata);
	int err;

	sec = btf ? btf__type_by_id(btf, sec_id) : NULL;
	init = bpf_map__initial_value(rodata, &init_size);
	if (!sec || !btf_is_datasec(sec) || !init)
		return 0;
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; i < btf_vlen(sec); i++, vs++) {
		err = add_param(m, opts, btf, vs, init, init_size, errmsg,
				errlen);
		if (err)
			return err;
	}
	return 0;
}
