/* BTF struct -> event layout: one field per scalar member, nested structs
 * flattened with dotted names (and the members of anonymous structs and
 * unions into their parent, as C has them), arrays, bitfields and typed
 * formats. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

/* A new field PREFIXNAME at the end of ev, or NULL. */
static struct gen_field *new_field(struct gen_event *ev, const char *prefix,
				   const char *name)
{
	struct gen_field *f;

	f = gen_push((void **)&ev->fields, &ev->field_count, sizeof(*f));
	if (!f)
		return NULL;
	if (asprintf(&f->name, "%s%s", prefix, name) < 0) {
		f->name = NULL; /* left undefined by asprintf */
		return NULL;
	}
	f->count = 1;
	for (const char *c = prefix; *c; c++)
		f->depth += *c == '.';
	return f;
}

static int add_members(struct gen_event *ev, const struct btf *btf,
		       const struct btf_type *st, const char *prefix,
		       unsigned int base_bits, int depth);

/* An array member: a string (char[N]), one run of hex digits (hex_u8[N]),
 * N scalars, or else raw bytes. */
static int add_array(const struct btf *btf, const struct btf_type *t, __u32 id,
		     struct gen_field *f)
{
	const struct btf_array *arr = btf_array(t);
	enum bumble_format elem_format = BUMBLE_FORMAT_PLAIN;
	__u32 elem_id = arr->type;
	const struct btf_type *elem = gen_skip_mods(btf, elem_id);
	int scalar = 0;

	if (elem && gen_is_char_type(btf, elem)) {
		f->kind = BUMBLE_KIND_CHARS;
		f->size = 1;
		f->count = arr->nelems;
		return 0;
	}
	elem = gen_resolve(btf, &elem_id, &elem_format);
	if (elem && elem_format == BUMBLE_FORMAT_HEX && elem->size == 1) {
		f->kind = BUMBLE_KIND_BYTES;
		f->size = arr->nelems;
		return 0;
	}
	if (elem)
		scalar = gen_scalar_kind(btf, elem, f);
	if (scalar < 0)
		return scalar;
	if (scalar && f->kind != BUMBLE_KIND_BYTES) {
		f->count = arr->nelems;
		if (f->format == BUMBLE_FORMAT_PLAIN)
			f->format = elem_format;
		return 0;
	}
	f->kind = BUMBLE_KIND_BYTES;
	f->size = (unsigned int)btf__resolve_size(btf, id);
	f->count = 1;
	return 0;
}

/* Describes one member of type `id` at bit offset `bits`. */
int gen_event_add_member(struct gen_event *ev, const struct btf *btf, __u32 id,
			 const char *prefix, const char *name,
			 unsigned int bits, unsigned int bitfield, int depth)
{
	enum bumble_format format = BUMBLE_FORMAT_PLAIN;
	const struct btf_type *t = gen_resolve(btf, &id, &format);
	struct gen_field *f;
	char sub[512];
	int scalar, err;

	if (!t)
		return -EINVAL;
	/* a struct that nests itself at every level grows as vlen^8 */
	if (ev->field_count >= GEN_MAX_FIELDS)
		return -E2BIG;
	if ((btf_is_struct(t) || (btf_is_union(t) && !*name)) && !bitfield &&
	    depth < 8) {
		snprintf(sub, sizeof(sub), "%s%s%s", prefix, name,
			 *name ? "." : "");
		return add_members(ev, btf, t, sub, bits, depth + 1);
	}
	if (!*name)
		return 0; /* an unnamed bitfield: padding, no member */
	f = new_field(ev, prefix, name);
	if (!f)
		return -ENOMEM;
	f->offset = bits / 8;
	if (bitfield) {
		f->bit_shift = bits % 8;
		f->bit_size = bitfield;
	}
	f->format = format;
	if (format == BUMBLE_FORMAT_IPV6 && btf__resolve_size(btf, id) == 16) {
		f->kind = BUMBLE_KIND_BYTES;
		f->size = 16;
	} else if ((scalar = gen_scalar_kind(btf, t, f)) != 0) {
		if (scalar < 0)
			return scalar;
	} else if (btf_is_array(t)) {
		err = add_array(btf, t, id, f);
		if (err)
			return err;
	} else {
		/* unions, floats, nested arrays: shown as raw bytes */
		long size = btf__resolve_size(btf, id);

		f->kind = BUMBLE_KIND_BYTES;
		f->size = size > 0 ? (unsigned int)size : 0;
	}
	if (!gen_format_fits(f, f->format))
		f->format = BUMBLE_FORMAT_PLAIN;
	f->width = gen_column_width(f);
	return 0;
}

int gen_format_fits(const struct gen_field *f, enum bumble_format format)
{
	int integer = f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT;

	switch (format) {
	case BUMBLE_FORMAT_IPV4:
		return f->size == 4 && !f->bit_size;
	case BUMBLE_FORMAT_IPV6:
		return f->size == 16;
	case BUMBLE_FORMAT_INET:
		return f->size == 16 && !f->bit_size;
	case BUMBLE_FORMAT_DURATION:
		return f->kind == BUMBLE_KIND_UINT && f->count == 1;
	case BUMBLE_FORMAT_PORT:
		return f->size == 2;
	case BUMBLE_FORMAT_KTIME:
		return f->size == 8;
	case BUMBLE_FORMAT_ERRNO:
	case BUMBLE_FORMAT_SYSCALL:
	case BUMBLE_FORMAT_SIGNAL:
	case BUMBLE_FORMAT_TCP_STATE:
	case BUMBLE_FORMAT_SOFTIRQ:
		return integer;
	case BUMBLE_FORMAT_STACK:
		return integer && f->count == 1 && !f->bit_size &&
		       (f->size == 4 || f->size == 8);
	default:
		return 1;
	}
}

static int add_members(struct gen_event *ev, const struct btf *btf,
		       const struct btf_type *st, const char *prefix,
		       unsigned int base_bits, int depth)
{
	const struct btf_member *m = btf_members(st);

	for (unsigned int i = 0; i < btf_vlen(st); i++, m++) {
		const char *name = btf__name_by_offset(btf, m->name_off);
		unsigned int bits = base_bits + btf_member_bit_offset(st, i);
		unsigned int bitfield = btf_member_bitfield_size(st, i);
		int err = gen_event_add_member(ev, btf, m->type, prefix,
					       name ? name : "", bits, bitfield,
					       depth);

		if (err)
			return err;
	}
	return 0;
}

struct gen_event *gen_event_new(const char *type_name, __u32 type_id,
				unsigned int size)
{
	struct gen_event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->type_name = strdup(type_name);
	if (!ev->type_name) {
		free(ev);
		return NULL;
	}
	ev->type_id = type_id;
	ev->size = size;
	return ev;
}

int gen_model_take_event(struct gen_model *m, struct gen_event *ev, int err,
			 struct gen_event **out)
{
	struct gen_event **slot = NULL;

	if (!err) {
		slot = gen_push((void **)&m->events, &m->event_count,
				sizeof(*slot));
		if (!slot)
			err = -ENOMEM;
	}
	if (err) {
		gen_event_free(ev);
		/* BTF the layout cannot follow leaves the map without one,
		 * which is no error */
		return err == -EINVAL ? 0 : err;
	}
	*slot = ev;
	*out = ev;
	return 0;
}

/* The address family field of an event: an integer member named family,
 * af or *_family of at most 4 bytes; NULL if none. */
static const struct gen_field *family_field(const struct gen_event *ev)
{
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *f = &ev->fields[i];
		size_t n = strlen(f->name);

		if (f->count == 1 && f->size <= 4 && !f->bit_size &&
		    (f->kind == BUMBLE_KIND_UINT ||
		     f->kind == BUMBLE_KIND_INT) &&
		    (!strcmp(f->name, "family") || !strcmp(f->name, "af") ||
		     (n > 7 && !strcmp(f->name + n - 7, "_family"))))
			return f;
	}
	return NULL;
}

/* libbpf-tools keep IPv4 and IPv6 addresses in 16 bytes (__u8[16],
 * __u32[4], unsigned __int128) beside a family field: such a plain
 * member whose name has "addr" in it is shown as an address of that
 * family (docs/conventions.md). */
static void hint_addresses(struct gen_event *ev)
{
	const struct gen_field *fam = family_field(ev);

	for (unsigned int i = 0; fam && i < ev->field_count; i++) {
		struct gen_field *f = &ev->fields[i];

		if (f->format != BUMBLE_FORMAT_PLAIN || f->bit_size ||
		    f->size * f->count != 16 || !strstr(f->name, "addr") ||
		    (f->kind != BUMBLE_KIND_UINT &&
		     f->kind != BUMBLE_KIND_INT &&
		     f->kind != BUMBLE_KIND_BYTES &&
		     f->kind != BUMBLE_KIND_CHARS))
			continue;
		f->kind = BUMBLE_KIND_BYTES;
		f->size = 16;
		f->count = 1;
		f->format = BUMBLE_FORMAT_INET;
		f->family_offset = fam->offset + 1;
		f->family_size = fam->size;
		f->width = gen_column_width(f);
	}
}

void gen_hint_stacks(struct gen_model *m)
{
	int stack_map = 0;

	for (unsigned int i = 0; i < m->map_count; i++)
		stack_map |= m->maps[i].type == BPF_MAP_TYPE_STACK_TRACE;
	for (unsigned int i = 0; stack_map && i < m->event_count; i++) {
		struct gen_event *ev = m->events[i];

		for (unsigned int j = 0; j < ev->field_count; j++) {
			struct gen_field *f = &ev->fields[j];

			if (f->format != BUMBLE_FORMAT_PLAIN ||
			    !gen_format_fits(f, BUMBLE_FORMAT_STACK) ||
			    !strstr(f->name, "stack_id"))
				continue;
			f->format = BUMBLE_FORMAT_STACK;
			f->width = gen_column_width(f);
		}
	}
}

int gen_event_of_type(struct gen_model *m, const struct btf *btf, __u32 id,
		      const char *map_name, struct gen_event **out)
{
	const struct btf_type *t = gen_resolve(btf, &id, NULL);
	struct gen_event *ev;
	const char *name;
	int err;

	*out = NULL;
	if (!t || !btf_is_struct(t))
		return 0;
	for (unsigned int i = 0; i < m->event_count; i++) {
		if (m->events[i]->type_id == id) {
			*out = m->events[i];
			return 0;
		}
	}
	name = btf__name_by_offset(btf, t->name_off);
	ev = gen_event_new(name && *name ? name : map_name, id, t->size);
	if (!ev)
		return -ENOMEM;
	err = add_members(ev, btf, t, "", 0, 0);
	if (!err)
		hint_addresses(ev);
	return gen_model_take_event(m, ev, err, out);
}

void gen_event_free(struct gen_event *ev)
{
	if (!ev)
		return;
	for (unsigned int i = 0; i < ev->field_count; i++) {
		struct gen_field *f = &ev->fields[i];

		gen_enum_free(f->enum_name, f->enum_values, f->enum_count);
		free(f->name);
		free(f->format_param);
	}
	free(ev->fields);
	free(ev->type_name);
	free(ev);
}
