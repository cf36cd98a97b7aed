/* BPF object -> model: programs, maps and roles, and event layouts
 * flattened from BTF. Opens the object with libbpf; loads nothing. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "model.h"
#include "sha256.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Widest text column any field gets; longer values overflow it. */
#define MAX_WIDTH 32

static void seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d) {
		fprintf(stderr, "bumble: out of memory\n");
		exit(1);
	}
	return d;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "bumble: out of memory\n");
		exit(1);
	}
	return p;
}

const char *gen_role_name(enum bumble_role role)
{
	switch (role) {
	case BUMBLE_ROLE_PRINT:
		return "print";
	case BUMBLE_ROLE_COUNTER:
		return "counter";
	case BUMBLE_ROLE_GAUGE:
		return "gauge";
	case BUMBLE_ROLE_HIST:
		return "hist";
	default:
		return "none";
	}
}

const char *gen_kind_name(enum bumble_kind kind)
{
	static const char *names[] = {"int",  "uint",  "bool", "chars",
				      "enum", "bytes", "ptr"};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0])
		   ? names[kind]
		   : "?";
}

const char *gen_format_name(enum bumble_format format)
{
	static const char *names[] = {
	    "plain",	"ipv4_addr",  "ipv6_addr",  "duration",	 "net_port",
	    "ktime_ns", "errno_code", "syscall_nr", "signal_nr", "hex"};

	return (unsigned int)format < sizeof(names) / sizeof(names[0])
		   ? names[format]
		   : "?";
}

/* Checks the ELF header before libbpf sees it, for a precise message. */
/* Section names the loader cannot take: BumbleBee's ".maps.print" and
 * kin, which bumble rewrites only when it compiles the source itself. */
static int check_sections(const unsigned char *obj, size_t size, char *err,
			  size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
	const Elf64_Shdr *sh, *strs;

	if (eh->e_shoff > size || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return 0; /* malformed: libbpf reports it */
	sh = (const Elf64_Shdr *)(obj + eh->e_shoff);
	strs = &sh[eh->e_shstrndx];
	if (strs->sh_offset > size || strs->sh_size > size - strs->sh_offset)
		return 0;
	for (unsigned int i = 0; i < eh->e_shnum; i++) {
		const char *name = (const char *)obj + strs->sh_offset;
		size_t left = strs->sh_size;

		if (sh[i].sh_name >= left)
			continue;
		name += sh[i].sh_name;
		left -= sh[i].sh_name;
		if (strnlen(name, left) < left && !strncmp(name, ".maps.", 6)) {
			seterr(err, errlen,
			       "the object has BumbleBee's map section '%s', "
			       "which libbpf cannot load; bundle the C source "
			       "instead (bumble rewrites such sections as it "
			       "compiles)",
			       name);
			return -1;
		}
	}
	return 0;
}

int gen_check_object(const unsigned char *obj, size_t size, char *err,
		     size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;

	if (size < sizeof(Elf64_Ehdr) || memcmp(obj, ELFMAG, SELFMAG)) {
		seterr(err, errlen,
		       "not an ELF file: give a BPF C source (.bpf.c) or an "
		       "object built with clang -target bpf (.bpf.o)");
		return -1;
	}
	if (obj[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_BPF) {
		seterr(err, errlen,
		       "an ELF file, but not BPF bytecode (machine %u); build "
		       "it with clang -target bpf",
		       obj[EI_CLASS] == ELFCLASS64 ? eh->e_machine : 0);
		return -1;
	}
	if (eh->e_type != ET_REL) {
		seterr(err, errlen,
		       "a BPF ELF file, but not a relocatable object; build "
		       "it with clang -target bpf -c");
		return -1;
	}
	return check_sections(obj, size, err, errlen);
}

enum bumble_role gen_role_by_word(const char *word, size_t len)
{
	for (int r = BUMBLE_ROLE_PRINT; r <= BUMBLE_ROLE_HIST; r++) {
		const char *name = gen_role_name((enum bumble_role)r);

		if (strlen(name) == len && !strncmp(word, name, len))
			return (enum bumble_role)r;
	}
	return BUMBLE_ROLE_NONE;
}

/* BumbleBee's name prefixes: print_, counter_, gauge_, hist_. */
static enum bumble_role role_from_name(const char *name)
{
	const char *underscore = strchr(name, '_');

	if (!underscore)
		return BUMBLE_ROLE_NONE;
	return gen_role_by_word(name, (size_t)(underscore - name));
}

static enum bumble_format format_from_typedef(const char *name)
{
	static const struct {
		const char *typedef_name;
		enum bumble_format format;
	} formats[] = {
	    {"ipv4_addr", BUMBLE_FORMAT_IPV4},
	    {"ipv6_addr", BUMBLE_FORMAT_IPV6},
	    {"duration", BUMBLE_FORMAT_DURATION},
	    {"net_port", BUMBLE_FORMAT_PORT},
	    {"ktime_ns", BUMBLE_FORMAT_KTIME},
	    {"errno_code", BUMBLE_FORMAT_ERRNO},
	    {"syscall_nr", BUMBLE_FORMAT_SYSCALL},
	    {"signal_nr", BUMBLE_FORMAT_SIGNAL},
	    {"hex_u8", BUMBLE_FORMAT_HEX},
	    {"hex_u16", BUMBLE_FORMAT_HEX},
	    {"hex_u32", BUMBLE_FORMAT_HEX},
	    {"hex_u64", BUMBLE_FORMAT_HEX},
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(name, formats[i].typedef_name))
			return formats[i].format;
	return BUMBLE_FORMAT_PLAIN;
}

/* Skips const/volatile/restrict/type tags and typedefs; the outermost
 * typedef that names a format sets *format. */
static const struct btf_type *resolve(const struct btf *btf, __u32 *id,
				      enum bumble_format *format)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);

	while (t &&
	       (btf_is_mod(t) || btf_is_typedef(t) || btf_is_type_tag(t))) {
		if (btf_is_typedef(t) && format &&
		    *format == BUMBLE_FORMAT_PLAIN)
			*format = format_from_typedef(
			    btf__name_by_offset(btf, t->name_off));
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* Skips const/volatile/restrict only: a typedef of char (__u8) is not
 * text. */
static const struct btf_type *skip_mods(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && btf_is_mod(t))
		t = btf__type_by_id(btf, t->type);
	return t;
}

static int is_char_type(const struct btf *btf, const struct btf_type *t)
{
	const char *name;

	if (!btf_is_int(t) || t->size != 1)
		return 0;
	name = btf__name_by_offset(btf, t->name_off);
	return !strcmp(name, "char") || !strcmp(name, "signed char") ||
	       !strcmp(name, "unsigned char");
}

static unsigned int digits_width(unsigned int size, int is_signed)
{
	switch (size) {
	case 1:
		return 3 + is_signed;
	case 2:
		return 5 + is_signed;
	case 4:
		return 7; /* pids, uids, small counts: wider values overflow */
	default:
		return 12;
	}
}

static unsigned int min_u(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

static unsigned int natural_width(const struct gen_field *f)
{
	unsigned int w = 0;

	switch (f->format) {
	case BUMBLE_FORMAT_IPV4:
		return 15;
	case BUMBLE_FORMAT_IPV6:
		return 26;
	case BUMBLE_FORMAT_DURATION:
	case BUMBLE_FORMAT_SYSCALL:
		return 10;
	case BUMBLE_FORMAT_PORT:
		return 5;
	case BUMBLE_FORMAT_KTIME:
		return 15;
	case BUMBLE_FORMAT_ERRNO:
	case BUMBLE_FORMAT_SIGNAL:
		return 7;
	case BUMBLE_FORMAT_HEX:
		if (f->count == 1)
			return f->size * 2 + 2;
		return min_u(f->size * f->count * 2, MAX_WIDTH);
	default:
		break;
	}
	switch (f->kind) {
	case BUMBLE_KIND_CHARS:
		return min_u(f->count, MAX_WIDTH);
	case BUMBLE_KIND_BOOL:
		return 5;
	case BUMBLE_KIND_PTR:
		w = 18;
		break;
	case BUMBLE_KIND_ENUM:
		for (unsigned int i = 0; i < f->enum_count; i++)
			if (strlen(f->enum_values[i].name) > w)
				w = (unsigned int)strlen(
				    f->enum_values[i].name);
		w = min_u(w, 16);
		break;
	case BUMBLE_KIND_BYTES:
		w = f->size * 2;
		break;
	default:
		w = digits_width(f->size, f->kind == BUMBLE_KIND_INT);
		break;
	}
	if (f->count > 1)
		w = w * f->count + f->count + 1;
	return min_u(w, MAX_WIDTH);
}

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

static struct gen_enum_value *enum_values_of(const struct btf *btf,
					     const struct btf_type *t,
					     unsigned int *count)
{
	unsigned int n = btf_vlen(t);
	struct gen_enum_value *values = xrealloc(NULL, n * sizeof(*values));

	*count = n;
	for (unsigned int i = 0; i < n; i++) {
		long long v;
		const char *name;

		if (btf_is_enum(t)) {
			const struct btf_enum *e = btf_enum(t) + i;

			/* Read as signed whatever kflag says: the runtime
			 * compares sign-extended values. */
			v = (long long)e->val;
			name = btf__name_by_offset(btf, e->name_off);
		} else {
			const struct btf_enum64 *e = btf_enum64(t) + i;

			v = (long long)btf_enum64_value(e);
			name = btf__name_by_offset(btf, e->name_off);
		}
		values[i].value = v;
		values[i].name = xstrdup(name);
	}
	return values;
}

/* Sets kind and size for a scalar type; returns 0 if t is not one. */
static int scalar_kind(const struct btf *btf, const struct btf_type *t,
		       struct gen_field *f)
{
	(void)btf;
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
		f->enum_values = enum_values_of(btf, t, &f->enum_count);
		return 1;
	}
	if (btf_is_ptr(t)) {
		f->size = 8;
		f->kind = BUMBLE_KIND_PTR;
		return 1;
	}
	return 0;
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
	const struct btf_type *elem = skip_mods(btf, elem_id);

	if (elem && is_char_type(btf, elem)) {
		f->kind = BUMBLE_KIND_CHARS;
		f->size = 1;
		f->count = arr->nelems;
		return;
	}
	elem = resolve(btf, &elem_id, &elem_format);
	if (elem && elem_format == BUMBLE_FORMAT_HEX && elem->size == 1) {
		f->kind = BUMBLE_KIND_BYTES;
		f->size = arr->nelems;
		return;
	}
	if (elem && scalar_kind(btf, elem, f) && f->kind != BUMBLE_KIND_BYTES) {
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
static int add_member(struct gen_event *ev, const struct btf *btf, __u32 id,
		      const char *prefix, const char *name, unsigned int bits,
		      unsigned int bitfield, int depth)
{
	enum bumble_format format = BUMBLE_FORMAT_PLAIN;
	const struct btf_type *t = resolve(btf, &id, &format);
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
	} else if (scalar_kind(btf, t, f)) {
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
	f->width = natural_width(f);
	if (strlen(f->name) > f->width)
		f->width = (unsigned int)strlen(f->name);
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
		int err = add_member(ev, btf, m->type, prefix, name ? name : "",
				     bits, bitfield, depth);

		if (err)
			return err;
	}
	return 0;
}

static struct gen_event *event_for_type(struct gen_model *m,
					const struct btf *btf, __u32 id,
					const char *map_name)
{
	const struct btf_type *t = resolve(btf, &id, NULL);
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

static void warn(struct gen_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void warn(struct gen_model *m, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		return;
	m->warnings = xrealloc(m->warnings,
			       (m->warning_count + 1) * sizeof(*m->warnings));
	m->warnings[m->warning_count++] = msg;
}

/* The initial value of a parameter, as --help shows it. */
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
		return xstrdup(u ? "true" : "false");
	if (p->kind == BUMBLE_KIND_ENUM)
		for (unsigned int i = 0; i < p->enum_count; i++)
			if (p->enum_values[i].value == s)
				return xstrdup(p->enum_values[i].name);
	if (p->kind == BUMBLE_KIND_UINT ? asprintf(&text, "%llu", u) < 0
					: asprintf(&text, "%lld", s) < 0)
		return NULL;
	return text;
}

/* const volatile T, or for arrays T's elements const volatile. */
static int has_volatile(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_mod(t) || btf_is_typedef(t) || btf_is_array(t))) {
		if (btf_is_volatile(t))
			return 1;
		t = btf__type_by_id(btf, btf_is_array(t) ? btf_array(t)->type
							 : t->type);
	}
	return 0;
}

static const char *help_for(const struct gen_opts *opts, const char *name)
{
	for (size_t i = 0; i < opts->help_count; i++)
		if (!strcmp(opts->helps[i].name, name))
			return opts->helps[i].help;
	return "";
}

/* Options every tool has; a parameter of the same name could not be set. */
static int is_builtin_option(const char *name)
{
	static const char *const builtin[] = {
	    "json",	"timestamp", "filter",	"duration", "count",
	    "interval", "iface",     "cgroup",	"freq",	    "btf",
	    "pin",	"metrics",   "list",	"verbose",  "version",
	    "help",	"manifest",  "extract", "verify"};

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(name, builtin[i]))
			return 1;
	return 0;
}

/* Every `const volatile` global in .rodata becomes a parameter. */
static void add_params(struct gen_model *m, const struct gen_opts *opts,
		       const struct btf *btf, struct bpf_map *rodata)
{
	const struct btf_type *sec;
	const struct btf_var_secinfo *vs;
	const unsigned char *init;
	size_t init_size = 0;
	__u32 sec_id = bpf_map__btf_value_type_id(rodata);

	sec = btf ? btf__type_by_id(btf, sec_id) : NULL;
	init = bpf_map__initial_value(rodata, &init_size);
	if (!sec || !btf_is_datasec(sec) || !init)
		return;
	vs = btf_var_secinfos(sec);
	for (unsigned int i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		const char *name;
		struct gen_field f = {0};
		struct gen_param *p;
		const struct btf_type *t;
		__u32 id;

		if (!var || !btf_is_var(var) || !has_volatile(btf, var->type))
			continue;
		name = btf__name_by_offset(btf, var->name_off);
		if (is_builtin_option(name)) {
			warn(m,
			     "parameter '%s' has the name of the tool's own "
			     "--%s option, so it keeps its default; rename "
			     "the variable to make it settable",
			     name, name);
			continue;
		}
		id = var->type;
		t = resolve(btf, &id, NULL);
		if (t && btf_is_array(t) &&
		    is_char_type(btf, skip_mods(btf, btf_array(t)->type))) {
			f.kind = BUMBLE_KIND_CHARS;
			f.size = 1;
			f.count = btf_array(t)->nelems;
		} else if (!t || !scalar_kind(btf, t, &f) ||
			   f.kind == BUMBLE_KIND_PTR ||
			   f.kind == BUMBLE_KIND_BYTES) {
			warn(m,
			     "parameter '%s' is not an integer, bool, enum or "
			     "char array; it is not settable from the command "
			     "line",
			     name);
			continue;
		} else {
			f.count = 1;
		}
		if ((size_t)vs->offset + (size_t)f.size * f.count > init_size)
			continue;
		m->params = xrealloc(m->params,
				     (m->param_count + 1) * sizeof(*m->params));
		p = &m->params[m->param_count++];
		memset(p, 0, sizeof(*p));
		p->name = xstrdup(name);
		p->help = xstrdup(help_for(opts, name));
		p->offset = vs->offset;
		p->size = f.size;
		p->count = f.count;
		p->kind = f.kind;
		p->enum_values = f.enum_values;
		p->enum_count = f.enum_count;
		p->default_text = default_text(p, init + vs->offset);
		if (!p->default_text)
			p->default_text = xstrdup("");
	}
}

static void free_event(struct gen_event *ev);
static void warn(struct gen_model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The key of a counter, gauge or hist map: a struct's members, or one
 * field "key" for a scalar (so a syscall_nr key shows by name). */
static struct gen_event *event_for_key(struct gen_model *m,
				       const struct btf *btf, __u32 id,
				       const char *map_name)
{
	__u32 rid = id;
	const struct btf_type *t = resolve(btf, &rid, NULL);
	struct gen_event *ev;
	char name[256];

	if (!t)
		return NULL;
	if (btf_is_struct(t))
		return event_for_type(m, btf, id, map_name);
	snprintf(name, sizeof(name), "%s_key", map_name);
	ev = xrealloc(NULL, sizeof(*ev));
	memset(ev, 0, sizeof(*ev));
	ev->type_name = xstrdup(name);
	ev->type_id = 0; /* never shared */
	ev->size = (unsigned int)btf__resolve_size(btf, id);
	if (add_member(ev, btf, id, "", "key", 0, 0, 0)) {
		free_event(ev);
		return NULL;
	}
	m->events =
	    xrealloc(m->events, (m->event_count + 1) * sizeof(*m->events));
	m->events[m->event_count++] = ev;
	return ev;
}

/* Counter, gauge and hist maps: an integer value under a typed key. */
static void model_aggregate(struct gen_model *m, const struct btf *btf,
			    struct bpf_map *map, struct gen_map *gm)
{
	__u32 vid = bpf_map__btf_value_type_id(map);
	__u32 kid = bpf_map__btf_key_type_id(map);
	const struct btf_type *v = btf && vid ? resolve(btf, &vid, NULL) : NULL;

	if (!v || !btf_is_int(v) || v->size > 8 || !kid) {
		warn(m,
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

static int is_event_map(int type)
{
	return type == BPF_MAP_TYPE_RINGBUF ||
	       type == BPF_MAP_TYPE_PERF_EVENT_ARRAY;
}

/* --event MAP=STRUCT for maps that declare no value type (libbpf-tools
 * style perf buffers). 0, or -1 with a message in err. */
static int apply_event_overrides(struct gen_model *m,
				 const struct gen_opts *opts,
				 const struct btf *btf, char *err,
				 size_t errlen)
{
	for (size_t i = 0; i < opts->event_count; i++) {
		const struct gen_event_override *o = &opts->events[i];
		struct gen_map *gm = NULL;
		__s32 id;

		for (unsigned int j = 0; j < m->map_count; j++)
			if (!strcmp(m->maps[j].name, o->map))
				gm = &m->maps[j];
		if (!gm) {
			seterr(err, errlen,
			       "--event %s=%s: the program has no map '%s'",
			       o->map, o->type, o->map);
			return -1;
		}
		if (!is_event_map(gm->type)) {
			seterr(err, errlen,
			       "--event %s=%s: map '%s' is not a ringbuf or "
			       "perf event array",
			       o->map, o->type, o->map);
			return -1;
		}
		id = btf ? btf__find_by_name_kind(btf, o->type, BTF_KIND_STRUCT)
			 : -1;
		if (id <= 0) {
			seterr(err, errlen,
			       "--event %s=%s: no struct %s in the program's "
			       "BTF (clang emits only the types the program "
			       "uses)",
			       o->map, o->type, o->type);
			return -1;
		}
		gm->event = event_for_type(m, btf, (__u32)id, o->map);
		gm->role = BUMBLE_ROLE_PRINT;
	}
	return 0;
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

struct gen_model *gen_model_open(const unsigned char *obj, size_t size,
				 const struct gen_opts *opts, char *err,
				 size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct bpf_object *bobj;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct gen_model *m;
	const struct btf *btf;

	if (gen_check_object(obj, size, err, errlen))
		return NULL;
	open_opts.object_name = opts->name;
	libbpf_set_print(libbpf_quiet);
	bobj = bpf_object__open_mem(obj, size, &open_opts);
	if (!bobj) {
		seterr(err, errlen, "libbpf cannot read this BPF object: %s",
		       strerror(errno));
		return NULL;
	}
	btf = bpf_object__btf(bobj);
	m = xrealloc(NULL, sizeof(*m));
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(opts->name);
	m->version = xstrdup(opts->version ? opts->version : "0.0.0");
	m->description = xstrdup(opts->description);
	m->bytecode = obj;
	m->bytecode_size = size;
	sha256_digest_string(obj, size, m->bytecode_digest);

	bpf_object__for_each_program(prog, bobj)
	{
		struct gen_program *p;

		m->programs =
		    xrealloc(m->programs, (m->program_count + 1) * sizeof(*p));
		p = &m->programs[m->program_count++];
		p->name = xstrdup(bpf_program__name(prog));
		p->section = xstrdup(bpf_program__section_name(prog));
		p->type = bpf_program__type(prog);
	}
	bpf_object__for_each_map(map, bobj)
	{
		struct gen_map *gm;
		__u32 vid = bpf_map__btf_value_type_id(map);

		if (bpf_map__is_internal(map)) {
			/* .rodata/.data/.bss globals: params from .rodata */
			const char *dot = strrchr(bpf_map__name(map), '.');

			if (dot && !strcmp(dot, ".rodata"))
				add_params(m, opts, btf, map);
			continue;
		}
		m->maps = xrealloc(m->maps, (m->map_count + 1) * sizeof(*gm));
		gm = &m->maps[m->map_count++];
		memset(gm, 0, sizeof(*gm));
		gm->name = xstrdup(bpf_map__name(map));
		gm->type = bpf_map__type(map);
		gm->key_size = bpf_map__key_size(map);
		gm->value_size = bpf_map__value_size(map);
		gm->max_entries = bpf_map__max_entries(map);
		gm->role = role_from_name(gm->name);
		for (size_t i = 0; i < opts->role_count; i++)
			if (!strcmp(opts->roles[i].map, gm->name))
				gm->role = opts->roles[i].role;
		if (btf && vid)
			gm->event = event_for_type(m, btf, vid, gm->name);
		if (gm->role == BUMBLE_ROLE_NONE && gm->event &&
		    is_event_map(gm->type))
			gm->role = BUMBLE_ROLE_PRINT;
		if (gm->role >= BUMBLE_ROLE_COUNTER) {
			gm->event = NULL;
			model_aggregate(m, btf, map, gm);
		}
	}
	if (apply_event_overrides(m, opts, btf, err, errlen)) {
		bpf_object__close(bobj);
		gen_model_free(m);
		return NULL;
	}
	bpf_object__close(bobj);
	if (!m->program_count) {
		seterr(err, errlen,
		       "the object has no BPF programs: mark a function with "
		       "SEC(\"tracepoint/...\") or another program section");
		gen_model_free(m);
		return NULL;
	}
	return m;
}

static void free_event(struct gen_event *ev)
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

void gen_model_free(struct gen_model *m)
{
	if (!m)
		return;
	for (unsigned int i = 0; i < m->program_count; i++) {
		free(m->programs[i].name);
		free(m->programs[i].section);
	}
	for (unsigned int i = 0; i < m->map_count; i++)
		free(m->maps[i].name);
	for (unsigned int i = 0; i < m->event_count; i++)
		free_event(m->events[i]);
	for (unsigned int i = 0; i < m->param_count; i++) {
		struct gen_param *p = &m->params[i];

		for (unsigned int j = 0; j < p->enum_count; j++)
			free(p->enum_values[j].name);
		free(p->enum_values);
		free(p->name);
		free(p->help);
		free(p->default_text);
	}
	for (unsigned int i = 0; i < m->warning_count; i++)
		free(m->warnings[i]);
	free(m->warnings);
	free(m->params);
	free(m->programs);
	free(m->maps);
	free(m->events);
	free(m->name);
	free(m->version);
	free(m->description);
	free(m);
}
