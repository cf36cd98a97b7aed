/* What the pieces of the generator's model share (model.c ties them
 * together): messages, growing arrays, BTF helpers, event layouts.
 * Functions that allocate return 0 or -ENOMEM and never exit. */
#ifndef BUMBLE_MODEL_INT_H
#define BUMBLE_MODEL_INT_H

#include <stddef.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "model.h"

/* The most fields an event type may have (nested structs flattened). */
#define GEN_MAX_FIELDS 1024

/* model.c */
/* A message for the user in err[0..errlen). */
void gen_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A warning for the user kept in the model; 0 or -ENOMEM. */
int gen_warn(struct gen_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Grows the array *array of *count elements of size bytes by one zeroed
 * element and returns it; NULL (the array unchanged) if out of memory. */
void *gen_push(void **array, unsigned int *count, size_t size);
/* The help text the source gives the parameter or map name, or "". */
const char *gen_help_for(const struct gen_opts *opts, const char *name);

/* model_names.c */
/* The role a BumbleBee name prefix gives a map (print_, counter_, ...). */
enum bumble_role gen_role_from_map_name(const char *name);
/* The format a typedef name selects (ipv4_addr, duration, ...), or PLAIN. */
enum bumble_format gen_format_from_typedef(const char *name);

/* btf_types.c */
/* Skips const/volatile/restrict/type tags and typedefs, updating *id; the
 * outermost typedef that names a format sets *format (if not NULL). NULL
 * for a chain of more than 32 (a loop in damaged BTF). */
const struct btf_type *gen_resolve(const struct btf *btf, __u32 *id,
				   enum bumble_format *format);
/* Skips const/volatile/restrict only: a typedef of char (__u8) is not
 * text. */
const struct btf_type *gen_skip_mods(const struct btf *btf, __u32 id);
int gen_is_char_type(const struct btf *btf, const struct btf_type *t);
/* Sets kind and size of f (and its enum values) for a scalar type t:
 * 1 if t is a scalar, 0 if not, or -ENOMEM. */
int gen_scalar_kind(const struct btf *btf, const struct btf_type *t,
		    struct gen_field *f);
/* Frees an enum's name and its count values. */
void gen_enum_free(char *name, struct gen_enum_value *values,
		   unsigned int count);

/* column_width.c: the text column width of a described field. */
unsigned int gen_column_width(const struct gen_field *f);

/* event_layout.c */
/* Can field f be shown in that format (its size and kind)? */
int gen_format_fits(const struct gen_field *f, enum bumble_format format);
/* Appends the fields of a member of type id at bit offset bits to ev:
 * 0, -ENOMEM, or -EINVAL for BTF it cannot follow. */
int gen_event_add_member(struct gen_event *ev, const struct btf *btf, __u32 id,
			 const char *prefix, const char *name,
			 unsigned int bits, unsigned int bitfield, int depth);
/* Sets *out to the layout of struct type id, shared by every map of that
 * type and named after map_name if the struct is anonymous; NULL if id is
 * no struct. 0 or -ENOMEM. */
int gen_event_of_type(struct gen_model *m, const struct btf *btf, __u32 id,
		      const char *map_name, struct gen_event **out);
/* A new event without fields, or NULL. */
struct gen_event *gen_event_new(const char *type_name, __u32 type_id,
				unsigned int size);
/* Ends building ev, whose fields were added with result err: on success
 * the model takes ev and *out points at it; otherwise ev is freed, and
 * BTF the layout cannot follow (-EINVAL) leaves *out NULL, which is no
 * error. 0 or -ENOMEM. */
int gen_model_take_event(struct gen_model *m, struct gen_event *ev, int err,
			 struct gen_event **out);
void gen_event_free(struct gen_event *ev);

/* rodata_params.c: the parameters in the .rodata map; 0, -ENOMEM, or
 * -EINVAL with a message in errmsg. */
int gen_add_params(struct gen_model *m, const struct gen_opts *opts,
		   const struct btf *btf, struct bpf_map *rodata, char *errmsg,
		   size_t errlen);

/* aggregate_maps.c: the key layout and value sign of a counter, gauge or
 * hist map; a map that does not fit loses its role with a warning. 0 or
 * -ENOMEM. */
int gen_model_aggregate(struct gen_model *m, const struct btf *btf,
			struct bpf_map *map, struct gen_map *gm);
/* Globals in a .bss or .data map, in a program that names no role:
 * each array of slots[] structs a hist by index, each integer array a
 * counter by index (docs/conventions.md). 0 or -ENOMEM. */
/* Has the .bss or .data map a global the source is worth reading for:
 * a lone one, shown only if the source adds to it, or an array, whose
 * index may be a value of known meaning (softirqs' counts[vec_nr])? */
int gen_globals_want_usage(const struct btf *btf, struct bpf_map *map);
int gen_add_global_aggregates(struct gen_model *m, const struct gen_opts *opts,
			      const struct btf *btf, struct bpf_map *map);
/* A counter_, gauge_ or hist_ ring buffer: its events are printed and
 * feed a metric. A gauge needs an integer field for its value (else it
 * is only printed, with a warning). 0 or -ENOMEM. */
/* The role of a map that names none (no prefix, section or --role), by
 * its shape: a value struct with an integer array slots[] is a hist, an
 * integer value a counter; state the source deletes from, one-entry
 * scratch arrays and every other map stay NONE (docs/conventions.md). */
enum bumble_role gen_infer_role(const struct gen_opts *opts,
				const struct btf *btf, struct bpf_map *map);

/* A program with a stack trace map: the integer members of its events
 * and keys named *stack_id* are shown as the stacks (stack_id format). */
void gen_hint_stacks(struct gen_model *m);

/* The map of that name, or NULL. */
struct gen_map *gen_find_map(struct gen_model *m, const char *name);

int gen_model_ringbuf_metric(struct gen_model *m, struct gen_map *gm);

/* field_formats.c: --format FIELD=NAME and the formats inferred from
 * the source; 0, or -EINVAL with a message in err (an inferred format
 * that does not fit is left out), -ENOMEM. */
int gen_apply_formats(struct gen_model *m, const struct gen_opts *opts,
		      char *err, size_t errlen);

/* object_check.c: --attach PROG=TARGET and --perf-event PROG=EVENT,
 * the default targets, and a
 * warning for each bare uprobe section left without one; 0, -ENOMEM,
 * or -EINVAL with a message in err. */
int gen_apply_attach(struct gen_model *m, const struct gen_opts *opts,
		     char *err, size_t errlen);

/* event_override.c */
int gen_is_event_map(int type);
/* Applies --event MAP=STRUCT: 0, -ENOMEM, or -EINVAL with a message in
 * err. */
int gen_apply_event_overrides(struct gen_model *m, const struct gen_opts *opts,
			      const struct btf *btf, char *err, size_t errlen);

#endif
