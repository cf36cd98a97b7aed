/* BTF struct -> event layout: one field per scalar member, nested structs
 * flattened with dotted names, arrays, bitfields and typed formats. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static struct gen_field *new_field(struct gen_event *ev, const char *prefix,
				   const char *name)
{
	struct gen_field *f;
	size_t len = strlen(prefix) + strlen(name) + 1;

	ev->fields =
	    xrealloc(ev->fields, (ev->field_count + 1) * sizeof(*ev->fields));
	f = &ev->fields[ev->field_count++];
	memset(f, 0, sizeof(*f));
	f->name = xrealloc(NULL, len);
	snprintf(f->name, len, "%s%s", prefix, name);
	f->count = 1;
	return f;
}

static int add_members(struct gen_event *ev, const struct btf *btf,
		       const struct btf_type *st, const char *prefix,
		       unsigned int base_bits, int depth);

/* An array member: a string (char[N]), one run of hex digits (hex_u8[N]),
 * N scalars, or else raw bytes. */
static void add_array(const struct btf *btf, const struct btf_type *t, __u32 id,
		      struct gen_field *f)
{
	const struct btf_array *arr = btf_array(t);
	enum bumble_format elem_format = BUMBLE_FORMAT_PLAIN;
	__u32 elem_id = arr->type;
	const struct btf_type *elem = gen_skip_mods(btf, elem_id);

	if (elem && gen_is_char_type(btf, elem)) {
		f->kind = BUMBLE_KIND_CHARS;
		f->size = 1;
		f->count = arr->nelems;
		return;
	}
	elem = gen_resolve(btf, &elem_id, &elem_format);
	if (elem && elem_format == BUMBLE_FORMAT_HEX && elem->size == 1) {
		f->kind = BUMBLE_KIND_BYTES;
		f->size = arr->nelems;
		return;
	}
	if (elem && gen_scalar_kind(btf, elem, f) &&
	    f->kind != BUMBLE_KIND_BYTES) {
		f->count = arr->nelems;
		if (f->format == BUMBLE_FORMAT_PLAIN)
			f->format = elem_format;
		return;
	}
	f->kind = BUMBLE_KIND_BYTES;
	f->size = (unsigned int)btf__resolve_size(btf, id);
	f->count = 1;
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

	if (!t)
		return -EINVAL;
	if (btf_is_struct(t) && !bitfield && depth < 8) {
		snprintf(sub, sizeof(sub), "%s%s%s", prefix, name,
			 *name ? "." : "");
		return add_members(ev, btf, t, sub, bits, depth + 1);
	}
	f = new_field(ev, prefix, name);
	f->offset = bits / 8;
	if (bitfield) {
		f->bit_shift = bits % 8;
		f->bit_size = bitfield;
	}
	f->format = format;
	if (format == BUMBLE_FORMAT_IPV6 && btf__resolve_size(btf, id) == 16) {
		f->kind = BUMBLE_KIND_BYTES;
		f->size = 16;
	} else if (gen_scalar_kind(btf, t, f)) {
		/* kind and size set */
	} else if (btf_is_array(t)) {
		add_array(btf, t, id, f);
	} else {
		/* unions, floats, nested arrays: shown as raw bytes */
		long size = btf__resolve_size(btf, id);

		f->kind = BUMBLE_KIND_BYTES;
		f->size = size > 0 ? (unsigned int)size : 0;
	}
	if (f->format == BUMBLE_FORMAT_IPV4 && f->size != 4)
		f->format = BUMBLE_FORMAT_PLAIN;
	if (f->format == BUMBLE_FORMAT_DURATION &&
	    (f->kind != BUMBLE_KIND_UINT || f->count != 1))
		f->format = BUMBLE_FORMAT_PLAIN;
	if (f->format == BUMBLE_FORMAT_IPV6 && f->size != 16)
		f->format = BUMBLE_FORMAT_PLAIN;
	if ((f->format == BUMBLE_FORMAT_PORT && f->size != 2) ||
	    (f->format == BUMBLE_FORMAT_KTIME && f->size != 8) ||
	    (f->format >= BUMBLE_FORMAT_ERRNO &&
	     f->format <= BUMBLE_FORMAT_SIGNAL &&
	     (f->kind != BUMBLE_KIND_INT && f->kind != BUMBLE_KIND_UINT)))
		f->format = BUMBLE_FORMAT_PLAIN;
	f->width = gen_column_width(f);
	return 0;
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

struct gen_event *gen_event_of_type(struct gen_model *m, const struct btf *btf,
				    __u32 id, const char *map_name)
{
	const struct btf_type *t = gen_resolve(btf, &id, NULL);
	struct gen_event *ev;
	const char *name;

	if (!t || !btf_is_struct(t))
		return NULL;
	for (unsigned int i = 0; i < m->event_count; i++)
		if (m->events[i]->type_id == id)
			return m->events[i];
	name = btf__name_by_offset(btf, t->name_off);
	ev = xrealloc(NULL, sizeof(*ev));
	memset(ev, 0, sizeof(*ev));
	ev->type_name = xstrdup(name && *name ? name : map_name);
	ev->type_id = id;
	ev->size = t->size;
	if (add_members(ev, btf, t, "", 0, 0)) {
		free(ev->type_name);
		free(ev);
		return NULL;
	}
	m->events =
	    xrealloc(m->events, (m->event_count + 1) * sizeof(*m->events));
	m->events[m->event_count++] = ev;
	return ev;
}

void gen_event_free(struct gen_event *ev)
{
	for (unsigned int i = 0; i < ev->field_count; i++) {
		struct gen_field *f = &ev->fields[i];

		for (unsigned int j = 0; j < f->enum_count; j++)
			free(f->enum_values[j].name);
		free(f->enum_values);
		free(f->name);
	}
	free(ev->fields);
	free(ev->type_name);
	free(ev);
}
