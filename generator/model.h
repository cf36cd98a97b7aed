/* The model of a BPF object: its programs, maps with their roles and
 * decoded event types. Built from the ELF and BTF with libbpf, no load. */
#ifndef BUMBLE_MODEL_H
#define BUMBLE_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include "bumble/runtime.h"

struct gen_enum_value {
	long long value;
	char *name;
};

struct gen_field {
	char *name; /* dotted path for nested members */
	unsigned int offset, size, count;
	unsigned int bit_shift, bit_size;
	enum bumble_kind kind;
	enum bumble_format format;
	unsigned int width;
	char *enum_name; /* the enum's C name; NULL if anonymous */
	struct gen_enum_value *enum_values;
	unsigned int enum_count;
	int enum_unsigned;  /* an enum with no negative value */
	unsigned int depth; /* the structs it is nested in: dots in name */
	unsigned int family_offset, family_size; /* inet_addr: as runtime.h */
	/* the format holds only while this parameter is nonzero
	 * (format_param_nonzero) or zero; NULL: always */
	char *format_param;
	int format_param_nonzero;
};

struct gen_event {
	char *type_name; /* C struct name, or the map's name if anonymous */
	unsigned int type_id;
	unsigned int size;
	struct gen_field *fields;
	unsigned int field_count;
};

struct gen_map {
	char *name;
	char *help; /* the comment before its declaration: "" or NULL if none */
	int type;   /* enum bpf_map_type */
	enum bumble_role role;
	unsigned int key_size, value_size, max_entries;
	unsigned int size_override; /* --map-size; 0 if none */
	struct gen_event *event;    /* shared between maps of one type */
	/* counter, gauge, hist: key layout; the value is an integer of
	 * value_size bytes */
	struct gen_event *key;
	int value_signed;
	/* hist: a value struct with an integer array slots[] (bcc's
	 * tools' shape), and optional step, min and sum; else NULL */
	struct gen_event *value;
	/* a global array shown as a counter or hist: its section (".bss"
	 * or ".data"), where it starts there; max_entries elements of
	 * value_size bytes; NULL for a map */
	char *global_section;
	unsigned int global_offset;
};

struct gen_program {
	char *name;
	char *section;
	char *attach; /* --attach: its default target; NULL: its section's */
	int type;     /* enum bpf_prog_type */
};

struct gen_param {
	char *name;
	char *help;
	char *default_text;
	unsigned int offset, size, count;
	enum bumble_kind kind;
	char *enum_name; /* the enum's C name; NULL if anonymous */
	struct gen_enum_value *enum_values;
	unsigned int enum_count;
};

struct gen_model {
	char *name;
	char *version;
	char *description;
	char *arch;	/* what the object was built for: aarch64 */
	char *oci_arch; /* the same as OCI names it: arm64 */
	const unsigned char *bytecode; /* borrowed from the caller */
	size_t bytecode_size;
	char bytecode_digest[72]; /* sha256:... */
	/* the fallback build (v1 with 32-bit ALU) the layer carries too,
	 * packed against bytecode (packed.h), borrowed from the caller: NULL
	 * for none */
	const unsigned char *alu32_packed;
	size_t alu32_packed_size;
	struct gen_program *programs;
	unsigned int program_count;
	struct gen_map *maps;
	unsigned int map_count;
	struct gen_event **events;
	unsigned int event_count;
	struct gen_param *params;
	unsigned int param_count;
	char **warnings; /* for the user: what could not be modelled */
	unsigned int warning_count;
};

/* A role given to a map by other means than its name, e.g. BumbleBee's
 * SEC(".maps.print"), or bumble bundle --role MAP=ROLE (from_option: it
 * does not keep the other maps' roles from being inferred). */
struct gen_role_hint {
	const char *map;
	enum bumble_role role;
	int from_option;
};

/* Help text for a parameter, found in the program's source. */
struct gen_param_help {
	const char *name;
	const char *help;
};

/* --map-size MAP=N: max_entries set at bundle time. */
struct gen_map_size {
	const char *map;
	unsigned int entries;
};

/* --event MAP=STRUCT: the event type of a map that declares none. */
struct gen_event_override {
	const char *map;
	const char *type;
};

/* A format for fields by name: --format FIELD=NAME (map and strct
 * NULL; field "MAP.FIELD" or "FIELD"), or one inferred from the source:
 * field of map's key (a scalar key's field is "key") or of struct
 * strct wherever a map shows it. param: the format holds only while
 * that parameter is nonzero (param_nonzero) or zero. */
struct gen_format_hint {
	const char *map;
	const char *strct;
	const char *field;
	enum bumble_format format;
	const char *param;
	int param_nonzero;
};

struct gen_opts {
	const char *name;
	const char *version;
	const char *description;
	const char *arch;     /* default x86_64 */
	const char *oci_arch; /* default amd64 */
	const struct gen_role_hint *roles;
	size_t role_count;
	const struct gen_param_help *helps;
	size_t help_count;
	const struct gen_event_override *events;
	size_t event_count;
	/* event types inferred from the source: used for maps that
	 * declare none and that --event does not name */
	const struct gen_event_override *inferred;
	size_t inferred_count;
	/* maps the source deletes from: internal state, given no role by
	 * their shape (gen_infer_role) */
	const char *const *state_maps;
	size_t state_count;
	/* usage_known: the source was read, and updated_maps lists every
	 * map it adds entries to; a hash it does not is filled by user
	 * space (a filter), not shown */
	const char *const *updated_maps;
	size_t updated_count;
	/* globals the source only adds to: a lone integer one is shown
	 * as a count (known only when usage_known) */
	const char *const *counted_globals;
	size_t counted_global_count;
	int usage_known;
	const struct gen_map_size *map_sizes;
	size_t map_size_count;
	/* --format FIELD=NAME: a field it names nothing, or that cannot
	 * be shown so, is an error */
	const struct gen_format_hint *formats;
	size_t format_count;
	/* formats inferred from the source: those that fit */
	const struct gen_format_hint *inferred_formats;
	size_t inferred_format_count;
	/* --attach PROG=TARGET, as .map = PROG, .type = TARGET: the
	 * tool's default target of a kprobe, fentry or uprobe program */
	const struct gen_event_override *attaches;
	size_t attach_count;
	/* --perf-event PROG=EVENT: the event a perf_event program samples
	 * by default (as .map = PROG, .type = EVENT) */
	const struct gen_event_override *perf_events;
	size_t perf_event_count;
};

/* Checks that obj[0..size) is a relocatable BPF ELF object; on failure
 * returns -1 with a message for the user in err. */
int gen_check_object(const unsigned char *obj, size_t size, char *err,
		     size_t errlen);

/* Checks that a program's section names something a tool attaches:
 * known to libbpf, with the target its kind needs (tracepoint/CAT/NAME,
 * uprobe/PATH:FUNC, ...), or attached through an option of the tool
 * (xdp, tc, cgroup, perf_event). -1 with a message in err if not. */
int gen_check_attach(const char *name, const char *section, int type, char *err,
		     size_t errlen);

/* Builds the model of the BPF object in obj[0..size). On failure returns
 * NULL with a message for the user in err and errno set: ENOMEM when out
 * of memory, else why the object is refused. Never exits. */
/* Has the program's source more to tell than its object (what the
 * calls in it do, map_usage.c)? It has when an event map has no type
 * and none is given (--event), or when the program names no role (a
 * prefix, roles_named: a BumbleBee section) and has maps whose role
 * its use decides, or no event map but lone globals that it may show.
 * 0 for an object the model would refuse. */
int gen_usage_wanted(const unsigned char *obj, size_t size,
		     const struct gen_event_override *given, size_t ngiven,
		     int roles_named);
struct gen_model *gen_model_open(const unsigned char *obj, size_t size,
				 const struct gen_opts *opts, char *err,
				 size_t errlen);
void gen_model_free(struct gen_model *m);

/* --set NAME=VALUE: writes VALUE, parsed as parameter NAME of model m
 * takes it, into obj's .rodata as the parameter's initial value. m was
 * built from obj[0..size); build it again after. 0, or -EINVAL with a
 * message for the user in err. */
int gen_param_set(unsigned char *obj, size_t size, const struct gen_model *m,
		  const char *name, const char *value, char *err,
		  size_t errlen);

/* Writes the runner C source for the model. Returns 0 or -errno. */
int gen_emit_runner(FILE *out, const struct gen_model *m);

/* A C string literal for s (NULL: ""), escaped. */
void gen_put_cstr(FILE *out, const char *s);
/* 1 + the index of m's parameter named name, 0 if none (the runtime's
 * bumble_field.format_param). */
unsigned int gen_param_number(const struct gen_model *m, const char *name);
/* The tables gen_emit_runner writes, as the bytes the prelinked stub
 * reads (stub/tables_codec.h) in a malloc'ed buffer: 0 or -ENOMEM. */
int gen_tables_blob(const struct gen_model *m, unsigned char **out,
		    size_t *size);

/* Human-readable summary: programs, maps, roles, event layouts. */
void gen_describe(FILE *out, const struct gen_model *m);

#endif
