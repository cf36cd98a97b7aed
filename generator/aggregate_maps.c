/* Counter, gauge and hist maps: the layout of their keys and the
 * integer under each key; maps that do not fit lose their role. */
#include <stdio.h>
#include <string.h>

#include "model_int.h"

/* The key of a counter, gauge or hist map: a struct's members, or one
 * field "key" for a scalar (so a syscall_nr key shows by name). */
static struct gen_event *event_for_key(struct gen_model *m,
				       const struct btf *btf, __u32 id,
				       const char *map_name)
{
	__u32 rid = id;
	const struct btf_type *t = gen_resolve(btf, &rid, NULL);
	struct gen_event *ev;
	char name[256];

	if (!t)
		return NULL;
	if (btf_is_struct(t))
		return gen_event_of_type(m, btf, id, map_name);
	snprintf(name, sizeof(name), "%s_key", map_name);
	ev = xrealloc(NULL, sizeof(*ev));
	memset(ev, 0, sizeof(*ev));
	ev->type_name = xstrdup(name);
	ev->type_id = 0; /* never shared */
	ev->size = (unsigned int)btf__resolve_size(btf, id);
	if (gen_event_add_member(ev, btf, id, "", "key", 0, 0, 0)) {
		gen_event_free(ev);
		return NULL;
	}
	m->events =
	    xrealloc(m->events, (m->event_count + 1) * sizeof(*m->events));
	m->events[m->event_count++] = ev;
	return ev;
}

/* Counter, gauge and hist maps: an integer value under a typed key. */
void gen_model_aggregate(struct gen_model *m, const struct btf *btf,
			 struct bpf_map *map, struct gen_map *gm)
{
	__u32 vid = bpf_map__btf_value_type_id(map);
	__u32 kid = bpf_map__btf_key_type_id(map);
	const struct btf_type *v =
	    btf && vid ? gen_resolve(btf, &vid, NULL) : NULL;

	if (!v || !btf_is_int(v) || v->size > 8 || !kid) {
		gen_warn(m,
			 "map '%s' is a %s but %s; it is not shown (declare "
			 "__type(key, ...) and an integer __type(value, ...))",
			 gm->name, gen_role_name(gm->role),
			 kid ? "its value is not an integer"
			     : "declares no key type");
		gm->role = BUMBLE_ROLE_NONE;
		return;
	}
	gm->key = event_for_key(m, btf, kid, gm->name);
	gm->value_signed = !!(btf_int_encoding(v) & BTF_INT_SIGNED);
	if (!gm->key)
		gm->role = BUMBLE_ROLE_NONE;
}
