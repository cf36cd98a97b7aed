/* BTF types as the model sees them: modifiers and typedefs skipped (a
 * typedef may name a format), char types, scalar kinds and enum values. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

/* How many modifiers and typedefs a chain may have, as libbpf's own
 * resolvers allow: a damaged object's BTF may loop. */
#define MAX_RESOLVE_DEPTH 32

/* Skips const/volatile/restrict/type tags and typedefs; the outermost
 * typedef that names a format sets *format. NULL for a chain that does
 * not end. */
const struct btf_type *gen_resolve(const struct btf *btf, __u32 *id,
				   enum bumble_format *format)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);
	int depth = 0;

	while (t &&
	       (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		if (++depth > MAX_RESOLVE_DEPTH)
			return NULL;
		if (btf_is_typedef(t) && format &&
		    *format == BUMBLE_FORMAT_PLAIN)
			*format = gen_format_from_typedef(
			    btf__name_by_offset(btf, t->name_off));
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* Skips const/volatile/restrict only: a typedef of char (__u8) is not
 * text. */
const struct btf_type *gen_skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	int depth = 0;

	while (t && btf_is_mod(t)) {
		if (++depth > MAX_RESOLVE_DEPTH)
			return NULL;
		t = btf__type_by_id(btf, t->type);
	}
	return t;
}

int gen_is_char_type(const struct btf *btf, const struct btf_type *t)
{
	const char *name;

	if (!t || !btf_is_int(t) || t->size != 1)
		return 0;
	name = btf__name_by_offset(btf, t->name_off);
	return !strcmp(name, "char") || !strcmp(name, "signed char") ||
	       !strcmp(name, "unsigned char");
}

void gen_enum_free(char *name, struct gen_enum_value *values,
		   unsigned int count)
{
	free(name);
	for (unsigned int i = 0; i < count; i++)
		free(values[i].name);
	free(values);
}

/* The name and enumerators of an enum or enum64 type t into f; 0 or
 * -ENOMEM. */
static int enum_values_of(const struct btf *btf, const struct btf_type *t,
			  struct gen_field *f)
{
	const char *type_name = btf__name_by_offset(btf, t->name_off);
	unsigned int n = btf_vlen(t), i = 0;
	struct gen_enum_value *values = calloc(n ? n : 1, sizeof(*values));
	char *enum_name = NULL;

	if (!values)
		goto err;
	if (type_name && *type_name) {
		enum_name = strdup(type_name);
		if (!enum_name)
			goto err;
	}
	for (; i < n; i++) {
		long long v;
		const char *name;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			/* Signed whatever kflag says: exact for 1 and 2
			 * bytes, and for 4 the sign-extended value the
			 * runtime compares when one is negative. */
			v = (long long)e->val;
			name = btf__name_by_offset(btf, e->name_off);
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			v = (long long)btf_enum64_value(e);
			name = btf__name_by_offset(btf, e->name_off);
		}
		values[i].value = v;
		values[i].name = strdup(name ? name : "");
		if (!values[i].name)
			goto err;
	}
	f->enum_name = enum_name;
	f->enum_values = values;
	f->enum_count = n;
	/* Read zero-extended unless a value is negative, as C types an
	 * enum; a BTF enum's values are exact below 4 bytes, and the kflag
	 * says signed where clang 15 and later set it. */
	f->enum_unsigned = !btf_kflag(t);
	for (i = 0; i < n; i++)
		if (values[i].value < 0)
			f->enum_unsigned = 0;
	return 0;
err:
	gen_enum_free(enum_name, values, i);
	return -ENOMEM;
}

int gen_scalar_kind(const struct btf *btf, const struct btf_type *t,
		    struct gen_field *f)
{
	if (btf_is_int(t)) {
		__u8 enc = btf_int_encoding(t);

		f->size = t->size;
		if (enc & BTF_INT_BOOL)
			f->kind = BUMBLE_KIND_BOOL;
		else if (enc & BTF_INT_SIGNED)
			f->kind = BUMBLE_KIND_INT;
		else
			f->kind = BUMBLE_KIND_UINT;
		if (t->size > 8)
			f->kind = BUMBLE_KIND_BYTES;
		return 1;
	}
	if (btf_is_any_enum(t)) {
		f->size = t->size;
		f->kind = BUMBLE_KIND_ENUM;
		if (enum_values_of(btf, t, f))
			return -ENOMEM;
		return 1;
	}
	if (btf_is_ptr(t)) {
		f->size = 8;
		f->kind = BUMBLE_KIND_PTR;
		return 1;
	}
	return 0;
}
