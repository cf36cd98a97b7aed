/* What the pieces of the generator's model share (model.c ties them
 * together): error and warning text, BTF helpers, event layouts. */
#ifndef BUMBLE_MODEL_INT_H
#define BUMBLE_MODEL_INT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "model.h"

static inline char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "bumble: out of memory\n");
		exit(1);
	}
	return d;
}

static inline void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "bumble: out of memory\n");
		exit(1);
	}
	return p;
}

/* model.c: a message for the user in err; a warning kept in the model. */
void gen_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void gen_warn(struct gen_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* model_names.c */
/* The role a BumbleBee name prefix gives a map (print_, counter_, ...). */
enum bumble_role gen_role_from_map_name(const char *name);
/* The format a typedef name selects (ipv4_addr, duration, ...), or PLAIN. */
enum bumble_format gen_format_from_typedef(const char *name);

/* btf_types.c */
/* Skips const/volatile/restrict/type tags and typedefs, updating *id; the
 * outermost typedef that names a format sets *format (if not NULL). */
const struct btf_type *gen_resolve(const struct btf *btf, __u32 *id,
				   enum bumble_format *format);
/* Skips const/volatile/restrict only: a typedef of char (__u8) is not
 * text. */
const struct btf_type *gen_skip_mods(const struct btf *btf, __u32 id);
int gen_is_char_type(const struct btf *btf, const struct btf_type *t);
/* Sets kind and size (and enum values) of f for a scalar type t; returns
 * 0 if t is not one. */
int gen_scalar_kind(const struct btf *btf, const struct btf_type *t,
		    struct gen_field *f);

/* column_width.c: the text column width of a described field. */
unsigned int gen_column_width(const struct gen_field *f);

/* event_layout.c */
/* Appends the fields of a member of type id at bit offset bits to ev. */
int gen_event_add_member(struct gen_event *ev, const struct btf *btf, __u32 id,
			 const char *prefix, const char *name,
			 unsigned int bits, unsigned int bitfield, int depth);
/* The layout of struct type id, shared by every map of that type; named
 * after map_name if the struct is anonymous. NULL if id is no struct. */
struct gen_event *gen_event_of_type(struct gen_model *m, const struct btf *btf,
				    __u32 id, const char *map_name);
void gen_event_free(struct gen_event *ev);

/* rodata_params.c: the parameters in the .rodata map. */
void gen_add_params(struct gen_model *m, const struct gen_opts *opts,
		    const struct btf *btf, struct bpf_map *rodata);

/* aggregate_maps.c: the key layout and value sign of a counter, gauge or
 * hist map; a map that does not fit loses its role with a warning. */
void gen_model_aggregate(struct gen_model *m, const struct btf *btf,
			 struct bpf_map *map, struct gen_map *gm);

/* event_override.c */
int gen_is_event_map(int type);
/* Applies --event MAP=STRUCT; 0, or -1 with a message in err. */
int gen_apply_event_overrides(struct gen_model *m, const struct gen_opts *opts,
			      const struct btf *btf, char *err, size_t errlen);

#endif
