/* --event MAP=STRUCT, and the types the bundler inferred from the
 * source: the event type of a ringbuf or perf event array that declares
 * none, looked up by name in the program's BTF. */
#include <errno.h>
#include <string.h>

#include "model_int.h"

int gen_is_event_map(int type)
{
	return type == BPF_MAP_TYPE_RINGBUF ||
	       type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

static int overridden(const struct gen_opts *opts, const char *map)
{
	for (size_t i = 0; i < opts->event_count; i++)
		if (!strcmp(opts->events[i].map, map))
			return 1;
	return 0;
}

/* An inferred type: only for an event map that has none and that no
 * --event names; what does not fit is a warning, not an error. */
static int apply_inferred(struct gen_model *m, const struct gen_opts *opts,
			  const struct btf *btf,
			  const struct gen_event_override *o)
{
	struct gen_map *gm = gen_find_map(m, o->map);
	__s32 id;
	int rc;

	if (!gm || !gen_is_event_map(gm->type) || gm->event ||
	    overridden(opts, o->map) || gm->role != BUMBLE_ROLE_NONE)
		return 0;
	if (!*o->type)
		return gen_warn(m,
				"map '%s' is filled with more than one struct; "
				"name its event type with --event %s=STRUCT",
				o->map, o->map);
	id = btf ? btf__find_by_name_kind(btf, o->type, BTF_KIND_STRUCT) : -1;
	if (id <= 0)
		return gen_warn(m,
				"map '%s' is filled with struct %s, but the "
				"program's BTF has no such struct",
				o->map, o->type);
	rc = gen_event_of_type(m, btf, (__u32)id, o->map, &gm->event);
	if (!rc && gm->event)
		gm->role = BUMBLE_ROLE_PRINT;
	return rc;
}

/* --event MAP=STRUCT for maps that declare no value type (libbpf-tools
 * style perf buffers). */
int gen_apply_event_overrides(struct gen_model *m, const struct gen_opts *opts,
			      const struct btf *btf, char *err, size_t errlen)
{
	for (size_t i = 0; i < opts->event_count; i++) {
		const struct gen_event_override *o = &opts->events[i];
		struct gen_map *gm = gen_find_map(m, o->map);
		__s32 id;
		int rc;

		if (!gm) {
			gen_seterr(err, errlen,
				   "--event %s=%s: the program has no map '%s'",
				   o->map, o->type, o->map);
			return -EINVAL;
		}
		if (!gen_is_event_map(gm->type)) {
			gen_seterr(
			    err, errlen,
			    "--event %s=%s: map '%s' is not a ringbuf or "
			    "perf event array",
			    o->map, o->type, o->map);
			return -EINVAL;
		}
		id = btf ? btf__find_by_name_kind(btf, o->type, BTF_KIND_STRUCT)
			 : -1;
		if (id <= 0) {
			gen_seterr(
			    err, errlen,
			    "--event %s=%s: no struct %s in the program's "
			    "BTF (clang emits only the types the program "
			    "uses)",
			    o->map, o->type, o->type);
			return -EINVAL;
		}
		rc = gen_event_of_type(m, btf, (__u32)id, o->map, &gm->event);
		if (rc)
			return rc;
		gm->role = BUMBLE_ROLE_PRINT;
	}
	for (size_t i = 0; i < opts->inferred_count; i++) {
		int rc = apply_inferred(m, opts, btf, &opts->inferred[i]);

		if (rc)
			return rc;
	}
	return 0;
}
