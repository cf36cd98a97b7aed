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
	static const char *names[] = {"plain", "ipv4_addr", "ipv6_addr",
				      "duration"};

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
	if (!strcmp(name, "ipv4_addr"))
		return BUMBLE_FORMAT_IPV4;
	if (!strcmp(name, "ipv6_addr"))
		return BUMBLE_FORMAT_IPV6;
	if (!strcmp(name, "duration"))
		return BUMBLE_FORMAT_DURATION;
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
		return 10;
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

static void set_enum_values(struct gen_field *f, const struct btf *btf,
			    const struct btf_type *t)
{
	unsigned int n = btf_vlen(t);

	f->enum_values = xrealloc(NULL, n * sizeof(*f->enum_values));
	f->enum_count = n;
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
		f->enum_values[i].value = v;
		f->enum_values[i].name = xstrdup(name);
	}
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
		set_enum_values(f, btf, t);
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
		const struct btf_array *arr = btf_array(t);
		__u32 elem_id = arr->type;
		const struct btf_type *elem = btf__type_by_id(btf, elem_id);

		if (elem && is_char_type(btf, elem)) {
			f->kind = BUMBLE_KIND_CHARS;
			f->size = 1;
			f->count = arr->nelems;
		} else if ((elem = resolve(btf, &elem_id, NULL)) &&
			   scalar_kind(btf, elem, f) &&
			   f->kind != BUMBLE_KIND_BYTES) {
			f->count = arr->nelems;
		} else {
			f->kind = BUMBLE_KIND_BYTES;
			f->size = (unsigned int)btf__resolve_size(btf, id);
			f->count = 1;
		}
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

		if (bpf_map__is_internal(map))
			continue; /* .rodata/.data/.bss globals */
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
		    (gm->type == BPF_MAP_TYPE_RINGBUF ||
		     gm->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY))
			gm->role = BUMBLE_ROLE_PRINT;
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
	free(m->programs);
	free(m->maps);
	free(m->events);
	free(m->name);
	free(m->version);
	free(m->description);
	free(m);
}
