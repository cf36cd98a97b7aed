/* Counter, gauge and hist maps: the layout of their keys and the
 * integer under each key, or the event of a ring buffer that feeds a
 * metric; maps that do not fit lose their role. The role of a map that
 * names none, by its shape; global arrays shown as such maps. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "enum_names.h"
#include "model_int.h"

/* A key of one scalar field of type id, named field. 0 or -ENOMEM. */
static int scalar_key(struct gen_model *m, const struct btf *btf, __u32 id,
		      const char *map_name, const char *field,
		      struct gen_event **out)
{
	struct gen_event *ev;
	char name[256];
	int err;

	snprintf(name, sizeof(name), "%s_key", map_name);
	/* type id 0: never shared */
	ev = gen_event_new(name, 0, (unsigned int)btf__resolve_size(btf, id));
	if (!ev)
		return -ENOMEM;
	err = gen_event_add_member(ev, btf, id, "", field, 0, 0, 0);
	return gen_model_take_event(m, ev, err, out);
}

/* The key of a lone global: no field, shown with no labels. */
static int no_key(struct gen_model *m, const char *map_name,
		  struct gen_event **out)
{
	struct gen_event *ev;
	char name[256];

	snprintf(name, sizeof(name), "%s_key", map_name);
	ev = gen_event_new(name, 0, sizeof(__u32));
	if (!ev)
		return -ENOMEM;
	return gen_model_take_event(m, ev, 0, out);
}

/* The key of a counter, gauge or hist map: a struct's members, or one
 * field "key" for a scalar (so a syscall_nr key shows by name). *out is
 * NULL if the key has no layout. 0 or -ENOMEM. */
static int event_for_key(struct gen_model *m, const struct btf *btf, __u32 id,
			 const char *map_name, struct gen_event **out)
{
	__u32 rid = id;
	const struct btf_type *t = gen_resolve(btf, &rid, NULL);

	*out = NULL;
	if (!t)
		return 0;
	if (btf_is_struct(t))
		return gen_event_of_type(m, btf, id, map_name, out);
	return scalar_key(m, btf, id, map_name, "key", out);
}

static int is_integer(const struct gen_field *f)
{
	return f->count == 1 &&
	       (f->kind == BUMBLE_KIND_INT || f->kind == BUMBLE_KIND_UINT);
}

/* A hist's value struct with an integer array slots[], or NULL. */
static int slots_value(struct gen_model *m, const struct btf *btf, __u32 vid,
		       struct gen_map *gm, struct gen_event **out)
{
	struct gen_event *ev;
	int err;

	*out = NULL;
	if (gm->role != BUMBLE_ROLE_HIST)
		return 0;
	err = gen_event_of_type(m, btf, vid, gm->name, &ev);
	if (err || !ev)
		return err;
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *f = &ev->fields[i];

		if (!strcmp(f->name, "slots") && f->count > 1 && f->size <= 8 &&
		    !f->bit_size &&
		    (f->kind == BUMBLE_KIND_UINT || f->kind == BUMBLE_KIND_INT))
			*out = ev;
	}
	return 0;
}

/* A counter's or gauge's value struct with an integer field (libbpf-
 * tools' struct data_t { count; total_ns; comm[]; }): a table by key,
 * a column per field. NULL if it has none. */
static int fields_value(struct gen_model *m, const struct btf *btf, __u32 vid,
			struct gen_map *gm, struct gen_event **out)
{
	struct gen_event *ev;
	int err;

	*out = NULL;
	if (gm->role != BUMBLE_ROLE_COUNTER && gm->role != BUMBLE_ROLE_GAUGE)
		return 0;
	err = gen_event_of_type(m, btf, vid, gm->name, &ev);
	if (err || !ev)
		return err;
	for (unsigned int i = 0; i < ev->field_count; i++)
		if (is_integer(&ev->fields[i]) && !ev->fields[i].bit_size)
			*out = ev;
	return 0;
}

int gen_model_aggregate(struct gen_model *m, const struct btf *btf,
			struct bpf_map *map, struct gen_map *gm)
{
	__u32 vid = bpf_map__btf_value_type_id(map);
	__u32 kid = bpf_map__btf_key_type_id(map);
	const struct btf_type *v =
	    btf && vid ? gen_resolve(btf, &vid, NULL) : NULL;
	int err;

	if (v && btf_is_struct(v) && kid) {
		err = slots_value(m, btf, vid, gm, &gm->value);
		if (!err && !gm->value)
			err = fields_value(m, btf, vid, gm, &gm->value);
		if (err)
			return err;
	}
	if (gm->value) {
		err = event_for_key(m, btf, kid, gm->name, &gm->key);
		if (!err && !gm->key)
			gm->role = BUMBLE_ROLE_NONE;
		return err;
	}
	if (!v || !btf_is_int(v) || v->size > 8 || !kid) {
		err = gen_warn(
		    m,
		    "map '%s' is a %s but %s; it is not shown (declare "
		    "__type(key, ...) and an integer __type(value, ...) or a "
		    "struct with an integer field, or for a hist a struct "
		    "with an integer array slots[])",
		    gm->name, role_name(gm->role),
		    kid ? "its value is not an integer"
			: "declares no key type");
		gm->role = BUMBLE_ROLE_NONE;
		return err;
	}
	err = event_for_key(m, btf, kid, gm->name, &gm->key);
	if (err)
		return err;
	gm->value_signed = !!(btf_int_encoding(v) & BTF_INT_SIGNED);
	if (!gm->key)
		gm->role = BUMBLE_ROLE_NONE;
	return 0;
}

int gen_model_ringbuf_metric(struct gen_model *m, struct gen_map *gm)
{
	const struct gen_event *ev = gm->event;

	if (gm->role != BUMBLE_ROLE_GAUGE)
		return 0;
	for (unsigned int i = 0; i < ev->field_count; i++)
		if (is_integer(&ev->fields[i]))
			return 0;
	gm->role = BUMBLE_ROLE_PRINT;
	return gen_warn(m,
			"map '%s' is a gauge ring buffer but struct %s has "
			"no integer field for its value; its events are only "
			"printed",
			gm->name, ev->type_name);
}

static int listed(const char *const *list, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return 1;
	return 0;
}

static int is_state(const struct gen_opts *opts, const char *name)
{
	return listed(opts->state_maps, opts->state_count, name);
}

/* A hash the source never adds to: user space fills it (a filter). */
static int filled_outside(const struct gen_opts *opts, struct bpf_map *map)
{
	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return opts->usage_known &&
		       !listed(opts->updated_maps, opts->updated_count,
			       bpf_map__name(map));
	default:
		return 0;
	}
}

/* Has the struct value an integer array slots[]? */
static int has_slots(const struct btf *btf, const struct btf_type *v)
{
	const struct btf_member *mb = btf_members(v);

	for (unsigned int i = 0; i < btf_vlen(v); i++, mb++) {
		const struct btf_type *m;
		__u32 id = mb->type;

		if (strcmp(btf__name_by_offset(btf, mb->name_off), "slots"))
			continue;
		m = gen_resolve(btf, &id, NULL);
		if (!m || !btf_is_array(m))
			return 0;
		id = btf_array(m)->type;
		m = gen_resolve(btf, &id, NULL);
		return m && btf_is_int(m) && m->size <= 8;
	}
	return 0;
}

/* Has the struct value an integer member of its own (not nested)? */
static int has_int_member(const struct btf *btf, const struct btf_type *v)
{
	const struct btf_member *mb = btf_members(v);

	for (unsigned int i = 0; i < btf_vlen(v); i++, mb++) {
		__u32 id = mb->type;
		const struct btf_type *m = gen_resolve(btf, &id, NULL);

		if (m && btf_is_int(m) && m->size <= 8 &&
		    !btf_member_bitfield_size(v, i))
			return 1;
	}
	return 0;
}

enum bumble_role gen_infer_role(const struct gen_opts *opts,
				const struct btf *btf, struct bpf_map *map)
{
	__u32 vid = bpf_map__btf_value_type_id(map);
	const struct btf_type *v =
	    btf && vid ? gen_resolve(btf, &vid, NULL) : NULL;

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		break;
	default:
		return BUMBLE_ROLE_NONE;
	}
	/* one-entry scratch space, libraries' maps (libbpf's usdt.bpf.h:
	 * __bpf_usdt_...), and hashes user space fills */
	if (!v || !bpf_map__btf_key_type_id(map) ||
	    !strncmp(bpf_map__name(map), "__", 2) ||
	    bpf_map__max_entries(map) == 1 || filled_outside(opts, map))
		return BUMBLE_ROLE_NONE;
	if (btf_is_struct(v) && has_slots(btf, v))
		return BUMBLE_ROLE_HIST;
	/* a value the program deletes or replaces is state (pid -> start
	 * time); counts are only created and added to */
	if (is_state(opts, bpf_map__name(map)))
		return BUMBLE_ROLE_NONE;
	if ((btf_is_int(v) && v->size <= 8) ||
	    (btf_is_struct(v) && has_int_member(btf, v)))
		return BUMBLE_ROLE_COUNTER;
	return BUMBLE_ROLE_NONE;
}

/* How a global of a .bss or .data section may be shown: an array (two
 * elements or more) of structs with slots[] is a hist by index, of
 * integers wider than a byte a counter by index; a lone one of those
 * (*count 1) is shown only if the source only adds to it. *eid is the
 * element's type. BUMBLE_ROLE_NONE: not shown. */
static enum bumble_role global_role(const struct btf *btf,
				    const struct btf_var_secinfo *vs,
				    unsigned int *count, __u32 *eid)
{
	const struct btf_type *var = btf__type_by_id(btf, vs->type);
	const char *name = btf__name_by_offset(btf, var->name_off);
	const struct btf_type *t, *e;

	*eid = var->type;
	t = gen_resolve(btf, eid, NULL);
	*count = 1;
	/* __: a library's; bumble_: bumble.h's (bumble_lost_events, which
	 * the tool reports itself) */
	if (!btf_is_var(var) || !t || !strncmp(name, "__", 2) ||
	    !strncmp(name, "bumble_", 7))
		return BUMBLE_ROLE_NONE;
	if (btf_is_array(t)) {
		*count = btf_array(t)->nelems;
		*eid = btf_array(t)->type;
		if (*count < 2)
			return BUMBLE_ROLE_NONE;
	}
	e = gen_resolve(btf, eid, NULL);
	if (e && btf_is_struct(e) && has_slots(btf, e))
		return BUMBLE_ROLE_HIST;
	if (e && btf_is_int(e) && e->size > 1 && e->size <= 8)
		return BUMBLE_ROLE_COUNTER;
	return BUMBLE_ROLE_NONE;
}

/* One global of the section, shown as global_role says: a lone one
 * only if the source only adds to it (opts->counted_globals), not a
 * zero to copy from (static struct hist zero) nor a timestamp (last =
 * now). 0 or -ENOMEM. */
static int add_global(struct gen_model *m, const struct gen_opts *opts,
		      const struct btf *btf, const char *section,
		      const struct btf_var_secinfo *vs)
{
	const struct btf_type *var = btf__type_by_id(btf, vs->type), *e, *t;
	const char *name = btf__name_by_offset(btf, var->name_off);
	unsigned int count;
	__u32 eid, id = var->type;
	enum bumble_role role = global_role(btf, vs, &count, &eid);
	struct gen_map *gm;
	int err;

	if (role == BUMBLE_ROLE_NONE ||
	    (count == 1 &&
	     !listed(opts->counted_globals, opts->counted_global_count, name)))
		return 0;
	t = gen_resolve(btf, &id, NULL);
	e = gen_resolve(btf, &eid, NULL);
	gm = gen_push((void **)&m->maps, &m->map_count, sizeof(*gm));
	if (!gm)
		return -ENOMEM;
	gm->name = strdup(name);
	gm->help = strdup(gen_help_for(opts, name));
	gm->global_section = strdup(section);
	if (!gm->name || !gm->help || !gm->global_section)
		return -ENOMEM;
	gm->type = BPF_MAP_TYPE_ARRAY;
	gm->role = role;
	gm->key_size = sizeof(__u32);
	gm->value_size = e->size;
	gm->max_entries = count;
	gm->global_offset = vs->offset;
	/* the key: its index, of the array's index type; none for a lone
	 * global */
	if (count > 1)
		err = scalar_key(m, btf, btf_array(t)->index_type, name,
				 "index", &gm->key);
	else
		err = no_key(m, name, &gm->key);
	if (!err && role == BUMBLE_ROLE_HIST)
		err = slots_value(m, btf, eid, gm, &gm->value);
	else if (!err)
		gm->value_signed = !!(btf_int_encoding(e) & BTF_INT_SIGNED);
	return err;
}

/* The DATASEC of a .bss or .data map's section, or NULL. */
static const struct btf_type *
global_section(const struct btf *btf, struct bpf_map *map, const char **section)
{
	int id;

	*section = strrchr(bpf_map__name(map), '.');
	if (!btf || !*section ||
	    (strcmp(*section, ".bss") && strcmp(*section, ".data")))
		return NULL;
	id = btf__find_by_name_kind(btf, *section, BTF_KIND_DATASEC);
	return id > 0 ? btf__type_by_id(btf, (__u32)id) : NULL;
}

int gen_globals_want_usage(const struct btf *btf, struct bpf_map *map)
{
	const char *section;
	const struct btf_type *sec = global_section(btf, map, &section);
	const struct btf_var_secinfo *vs = sec ? btf_var_secinfos(sec) : NULL;
	unsigned int count;
	__u32 eid;

	for (unsigned int i = 0; sec && i < btf_vlen(sec); i++, vs++)
		if (global_role(btf, vs, &count, &eid) != BUMBLE_ROLE_NONE)
			return 1;
	return 0;
}

int gen_add_global_aggregates(struct gen_model *m, const struct gen_opts *opts,
			      const struct btf *btf, struct bpf_map *map)
{
	const char *section;
	const struct btf_type *sec = global_section(btf, map, &section);
	const struct btf_var_secinfo *vs = sec ? btf_var_secinfos(sec) : NULL;
	int err = 0;

	for (unsigned int i = 0; sec && !err && i < btf_vlen(sec); i++, vs++)
		err = add_global(m, opts, btf, section, vs);
	return err;
}
