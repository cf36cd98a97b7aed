/* Unit tests of the generator on compiled fixtures (no root): programs,
 * map roles, event layouts from BTF, refusals of bad objects, and every
 * allocation failing in turn. Usage: test_model LAYOUT.bpf.o NOPROG.bpf.o
 * LAYOUT.bpf.c; linked with -Wl,--wrap= for the allocators below. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "bundler.h"
#include "check.h"
#include "model.h"
#include "oci.h"
#include "sbom.h"
#include "tables_codec.h"

/* Fault injection: the test is linked with -Wl,--wrap=malloc and kin, so
 * every allocation the generator (and libbpf) makes comes here. While
 * alloc_counting, each one is counted and number alloc_fail_at fails. */
static int alloc_counting;
static long alloc_calls;
static long alloc_fail_at = -1;

static int alloc_fails(void)
{
	return alloc_counting && alloc_calls++ == alloc_fail_at;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t nmemb, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
int __real_vasprintf(char **out, const char *fmt, va_list ap);

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t nmemb, size_t n)
{
	return alloc_fails() ? NULL : __real_calloc(nmemb, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return alloc_fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return alloc_fails() ? NULL : __real_strndup(s, n);
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	return alloc_fails() ? -1 : __real_vasprintf(out, fmt, ap);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = __wrap_vasprintf(out, fmt, ap);
	va_end(ap);
	return n;
}

/* libbpf's warnings, as bumble shows them; none while allocations fail
 * on purpose. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level != LIBBPF_WARN || alloc_counting)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(2);
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

static const struct gen_map *find_map(const struct gen_model *m,
				      const char *name)
{
	for (unsigned int i = 0; i < m->map_count; i++)
		if (!strcmp(m->maps[i].name, name))
			return &m->maps[i];
	return NULL;
}

static const struct gen_field *find_field(const struct gen_event *ev,
					  const char *name)
{
	for (unsigned int i = 0; ev && i < ev->field_count; i++)
		if (!strcmp(ev->fields[i].name, name))
			return &ev->fields[i];
	return NULL;
}

#define FIELD_IS(ev, fname, off, kind_, sz, cnt)                               \
	do {                                                                   \
		const struct gen_field *f_ = find_field(ev, fname);            \
		CHECK(f_ && f_->offset == (off) && f_->kind == (kind_) &&      \
			  f_->size == (sz) && f_->count == (cnt),              \
		      "field " fname " at offset " #off ", " #kind_);          \
	} while (0)

static const struct gen_param *find_param(const struct gen_model *m,
					  const char *name)
{
	for (unsigned int i = 0; i < m->param_count; i++)
		if (!strcmp(m->params[i].name, name))
			return &m->params[i];
	return NULL;
}

static void test_params(const struct gen_model *m)
{
	const struct gen_param *p;

	CHECK(m->param_count == 5, "five const volatile params");
	p = find_param(m, "targ_pid");
	CHECK(p && p->kind == BUMBLE_KIND_UINT && p->size == 4 &&
		  !strcmp(p->default_text, "7") &&
		  !strcmp(p->help, "only this process id"),
	      "u32 param: default 7, help from the comment before it");
	p = find_param(m, "chatty");
	CHECK(p && p->kind == BUMBLE_KIND_BOOL &&
		  !strcmp(p->default_text, "true") &&
		  !strcmp(p->help, "say more"),
	      "bool param: default true, help from a trailing // comment");
	p = find_param(m, "shade");
	CHECK(p && p->kind == BUMBLE_KIND_ENUM && p->enum_count == 3 &&
		  !strcmp(p->default_text, "BLUE") &&
		  !strcmp(p->help, "the colour to look for, on two lines"),
	      "enum param: default by name, help from several // lines");
	p = find_param(m, "label");
	CHECK(p && p->kind == BUMBLE_KIND_CHARS && p->count == 8 &&
		  !strcmp(p->default_text, "abc"),
	      "char[8] param: a string");
	p = find_param(m, "delta");
	CHECK(p && p->kind == BUMBLE_KIND_INT && p->size == 2 &&
		  !strcmp(p->default_text, "-5") &&
		  !strcmp(p->help, "change per \"tick\""),
	      "s16 param: negative default, help from BUMBLE_HELP");
	CHECK(!find_param(m, "plain_const"), "plain const is not a param");
	CHECK(!find_param(m, "not_a_param") && m->warning_count == 1 &&
		  strstr(m->warnings[0], "not_a_param"),
	      "a struct param is refused with a warning");
}

static unsigned int count_of(const char *s, const char *needle)
{
	unsigned int n = 0;

	for (s = strstr(s, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

/* Enum tables in a runner emitted from a hand-made model: shared by type
 * name, an anonymous enum named after its field, and two different enums
 * of one name told apart. */
static void test_enum_tables(void)
{
	struct gen_enum_value x = {0, "X"}, y = {0, "Y"}, on = {1, "ON"};
	struct gen_field a_fields[] = {
	    {.name = "state",
	     .kind = BUMBLE_KIND_ENUM,
	     .size = 4,
	     .count = 1,
	     .enum_values = &x,
	     .enum_count = 1},
	};
	struct gen_field b_fields[] = {
	    {.name = "state",
	     .kind = BUMBLE_KIND_ENUM,
	     .size = 4,
	     .count = 1,
	     .enum_values = &y,
	     .enum_count = 1},
	    {.name = "mode",
	     .kind = BUMBLE_KIND_ENUM,
	     .size = 4,
	     .count = 1,
	     .enum_name = "mode",
	     .enum_values = &on,
	     .enum_count = 1},
	};
	struct gen_event a = {
	    .type_name = "a", .size = 4, .fields = a_fields, .field_count = 1};
	struct gen_event b = {
	    .type_name = "b", .size = 8, .fields = b_fields, .field_count = 2};
	struct gen_event *events[] = {&a, &b};
	struct gen_param param = {.name = "mode",
				  .help = "",
				  .default_text = "",
				  .size = 4,
				  .count = 1,
				  .kind = BUMBLE_KIND_ENUM,
				  .enum_name = "mode",
				  .enum_values = &on,
				  .enum_count = 1};
	struct gen_map maps[] = {
	    {.name = "first", .role = BUMBLE_ROLE_PRINT, .event = &a},
	    {.name = "second", .role = BUMBLE_ROLE_PRINT, .event = &b},
	};
	struct gen_model m = {.name = "t",
			      .version = "1",
			      .description = "",
			      .maps = maps,
			      .map_count = 2,
			      .events = events,
			      .event_count = 2,
			      .params = &param,
			      .param_count = 1};
	char *src = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&src, &len);

	CHECK(gen_emit_runner(mem, &m) == 0, "runner of a hand-made model");
	fclose(mem);
	CHECK(src && count_of(src, "bumble_enum_value state_names[]") == 1 &&
		  strstr(src, "state_names[] = {\n\t{0, \"X\"},") &&
		  count_of(src, "bumble_enum_value state_2_names[]") == 1 &&
		  strstr(src, "state_2_names[] = {\n\t{0, \"Y\"},"),
	      "anonymous enums named after their field, told apart by values");
	CHECK(src && count_of(src, "bumble_enum_value mode_names[]") == 1 &&
		  count_of(src, "= mode_names,") == 2,
	      "an enum shared by an event field and a parameter: one table");
	free(src);
}

static void test_layout(const char *path, const char *source)
{
	struct gen_opts opts = {.name = "layout", .version = "1.2.3"};
	struct param_docs docs = {0};
	unsigned char *text;
	const struct gen_map *mp;
	const struct gen_event *ev;
	const struct gen_field *f;
	struct gen_model *m;
	char err[256] = "";
	unsigned char *obj;
	size_t size;
	char *src = NULL;
	size_t srclen = 0;
	FILE *mem;

	text = slurp(source, &size);
	text = realloc(text, size + 1);
	text[size] = '\0';
	CHECK(param_docs_scan((char *)text, &docs) == 0, "source docs scanned");
	free(text);
	opts.helps = docs.helps;
	opts.help_count = docs.count;
	obj = slurp(path, &size);
	m = gen_model_open(obj, size, &opts, err, sizeof(err));
	param_docs_free(&docs);
	CHECK(m != NULL, "model of the layout fixture opens");
	if (!m) {
		printf("# %s\n", err);
		free(obj);
		return;
	}
	test_params(m);
	CHECK(m->program_count == 2, "two programs");
	CHECK_STR(m->programs[0].section,
		  "tracepoint/syscalls/sys_enter_getpid",
		  "tracepoint section kept");
	CHECK_STR(m->programs[1].section, "uprobe//bin/bash:readline",
		  "uprobe section kept");

	mp = find_map(m, "events");
	CHECK(mp && mp->role == BUMBLE_ROLE_PRINT && mp->event,
	      "typed ringbuf without prefix is printed");
	mp = find_map(m, "counter_calls");
	CHECK(mp && mp->role == BUMBLE_ROLE_COUNTER, "counter_ prefix");
	CHECK_STR(mp ? mp->help : "", "Calls counted: by key.",
		  "a map's help from the comment before its declaration");
	mp = find_map(m, "events");
	CHECK_STR(mp ? mp->help : "", "", "a map without a comment: no help");
	mp = find_map(m, "counter_calls");
	mp = find_map(m, "scratch");
	CHECK(mp && mp->role == BUMBLE_ROLE_NONE, "hash map has no role");
	mp = find_map(m, "print_untyped");
	CHECK(mp && mp->role == BUMBLE_ROLE_PRINT && !mp->event,
	      "print_ prefix without a value type: role but no layout");
	mp = find_map(m, "perf_events");
	CHECK(mp && mp->role == BUMBLE_ROLE_PRINT && mp->event &&
		  !strcmp(mp->event->type_name, "inner"),
	      "typed perf event array is printed");
	CHECK(find_map(m, ".rodata") == NULL &&
		  find_map(m, "layout.rodata") == NULL,
	      "internal maps are not listed");

	mp = find_map(m, "events");
	ev = mp ? mp->event : NULL;
	CHECK(ev && !strcmp(ev->type_name, "event"), "event struct name");
	FIELD_IS(ev, "tag", 0, BUMBLE_KIND_INT, 1, 1);
	FIELD_IS(ev, "big", 8, BUMBLE_KIND_UINT, 8, 1);
	FIELD_IS(ev, "in.port", 16, BUMBLE_KIND_UINT, 2, 1);
	FIELD_IS(ev, "in.addr", 20, BUMBLE_KIND_UINT, 4, 1);
	f = find_field(ev, "in.addr");
	CHECK(f && f->format == BUMBLE_FORMAT_IPV4,
	      "ipv4_addr typedef in a nested struct");
	f = find_field(ev, "lo");
	CHECK(f && f->offset == 24 && f->bit_shift == 0 && f->bit_size == 3,
	      "bitfield lo: bits 0..2 of offset 24");
	f = find_field(ev, "mid");
	CHECK(f && f->offset == 24 && f->bit_shift == 3 && f->bit_size == 13,
	      "bitfield mid: 13 bits from bit 3");
	f = find_field(ev, "neg");
	CHECK(f && f->offset == 26 && f->bit_shift == 0 && f->bit_size == 4 &&
		  f->kind == BUMBLE_KIND_INT,
	      "signed bitfield neg at bit 16");
	FIELD_IS(ev, "comm", 27, BUMBLE_KIND_CHARS, 1, 16);
	FIELD_IS(ev, "raw", 43, BUMBLE_KIND_UINT, 1, 4);
	FIELD_IS(ev, "color", 48, BUMBLE_KIND_ENUM, 4, 1);
	f = find_field(ev, "color");
	CHECK(f && f->enum_count == 3 && f->enum_values[2].value == -3 &&
		  !strcmp(f->enum_values[2].name, "BLUE"),
	      "enum values and names, negative too");
	CHECK(f && f->enum_name && !strcmp(f->enum_name, "color"),
	      "the enum's type name is kept");
	FIELD_IS(ev, "flag", 52, BUMBLE_KIND_BOOL, 1, 1);
	f = find_field(ev, "took");
	CHECK(f && f->offset == 56 && f->format == BUMBLE_FORMAT_DURATION,
	      "duration typedef");
	f = find_field(ev, "v6");
	CHECK(f && f->offset == 64 && f->size == 16 &&
		  f->format == BUMBLE_FORMAT_IPV6,
	      "ipv6_addr typedef: 16 bytes");
	FIELD_IS(ev, "u", 80, BUMBLE_KIND_BYTES, 8, 1);
	FIELD_IS(ev, "ptr", 88, BUMBLE_KIND_PTR, 8, 1);
	FIELD_IS(ev, "shorts", 96, BUMBLE_KIND_INT, 2, 3);
	CHECK(ev && ev->size == 104, "event size includes tail padding");
	f = find_field(ev, "comm");
	CHECK(f && f->width == 16, "char[16] column is 16 wide");

	mem = open_memstream(&src, &srclen);
	CHECK(gen_emit_runner(mem, m) == 0, "runner emitted");
	fclose(mem);
	CHECK(src && strstr(src,
			    "static const struct bumble_field event_fields[]"),
	      "runner names its tables after the struct");
	CHECK(src && strstr(src, ".name = \"in.addr\""),
	      "runner lists nested fields with dotted names");
	CHECK(src && strstr(src, ".format = BUMBLE_FORMAT_IPV4"),
	      "runner carries typed formats");
	CHECK(src && strstr(src, "{-3, \"BLUE\"}"),
	      "runner carries enum names");
	CHECK(src && !strstr(src, ".version") && !strstr(src, "manifest"),
	      "runner leaves version and manifest digest to the bundle");
	CHECK(src && strstr(src, "bumble_event_type event_type = {") &&
		  !strstr(src, "event_event"),
	      "runner names struct event's type event_type");
	CHECK(src && count_of(src, "bumble_enum_value color_names[]") == 1 &&
		  count_of(src, ".enum_values = color_names,") == 2 &&
		  !strstr(src, "shade_names"),
	      "one enum table for the field and the parameter of enum color");
	CHECK(src && strstr(src, "{.name = \"scratch\", "
				 ".role = BUMBLE_ROLE_NONE},"),
	      "a map without a role carries no event type");
	free(src);
	gen_model_free(m);
	free(obj);
}

static void expect_refused(const unsigned char *obj, size_t size,
			   const char *needle, const char *what)
{
	struct gen_opts opts = {.name = "bad"};
	struct gen_model *m;
	char err[256] = "";

	m = gen_model_open(obj, size, &opts, err, sizeof(err));
	CHECK(m == NULL && strstr(err, needle), what);
	if (m || !strstr(err, needle))
		printf("# message was: %s\n", err);
	gen_model_free(m);
}

/* Opens the model with allocation number `fail_at` failing (-1: none);
 * returns how many allocations it made. */
static long open_failing(const unsigned char *obj, size_t size, long fail_at,
			 struct gen_model **m, char *err, size_t errlen)
{
	struct gen_opts opts = {.name = "layout"};

	alloc_calls = 0;
	alloc_fail_at = fail_at;
	alloc_counting = 1;
	errno = 0;
	*m = gen_model_open(obj, size, &opts, err, errlen);
	alloc_counting = 0;
	return alloc_calls;
}

/* Each allocation of gen_model_open fails in turn: the generator returns
 * NULL with a message and ENOMEM, or (where libbpf carries on without
 * what it could not allocate) a model; it never exits, and under ASan
 * no failure leaks. */
/* A decoded event type against the model's: every member the runtime
 * reads. */
static int same_type(const struct gen_model *m,
		     const struct bumble_event_type *t,
		     const struct gen_event *ev)
{
	if (!t || !ev)
		return !t && !ev;
	if (strcmp(t->name, ev->type_name) || t->size != ev->size ||
	    t->field_count != ev->field_count)
		return 0;
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];
		const struct gen_field *g = &ev->fields[i];

		if (strcmp(f->name, g->name) || f->offset != g->offset ||
		    f->size != g->size || f->count != g->count ||
		    f->bit_shift != g->bit_shift ||
		    f->bit_size != g->bit_size || f->kind != g->kind ||
		    f->format != g->format || f->width != g->width ||
		    f->depth != g->depth || f->enum_count != g->enum_count ||
		    f->family_offset != g->family_offset ||
		    f->format_param != gen_param_number(m, g->format_param))
			return 0;
		for (unsigned int j = 0; j < g->enum_count; j++)
			if (f->enum_values[j].value !=
				g->enum_values[j].value ||
			    strcmp(f->enum_values[j].name,
				   g->enum_values[j].name))
				return 0;
	}
	return 1;
}

static int same_tables(const struct bumble_tool *t, const struct gen_model *m)
{
	if (strcmp(t->name, m->name) ||
	    strcmp(t->bytecode_digest, m->bytecode_digest) ||
	    t->map_count != m->map_count ||
	    t->program_count != m->program_count ||
	    t->param_count != m->param_count)
		return 0;
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct gen_map *g = &m->maps[i];
		const struct bumble_map *b = &t->maps[i];
		int shown = g->role != BUMBLE_ROLE_NONE;

		if (strcmp(b->name, g->name) || b->role != g->role ||
		    !same_type(m, b->event, shown ? g->event : NULL) ||
		    !same_type(m, b->key, shown ? g->key : NULL) ||
		    !same_type(m, b->value, shown ? g->value : NULL))
			return 0;
	}
	for (unsigned int i = 0; i < m->program_count; i++)
		if (strcmp(t->programs[i].name, m->programs[i].name) ||
		    strcmp(t->programs[i].section, m->programs[i].section) ||
		    !t->programs[i].attach != !m->programs[i].attach ||
		    (t->programs[i].attach &&
		     strcmp(t->programs[i].attach, m->programs[i].attach)))
			return 0;
	for (unsigned int i = 0; i < m->param_count; i++) {
		const struct gen_param *g = &m->params[i];
		const struct bumble_param *p = &t->params[i];

		if (strcmp(p->name, g->name) || strcmp(p->help, g->help) ||
		    strcmp(p->default_text, g->default_text) ||
		    p->offset != g->offset || p->size != g->size ||
		    p->count != g->count || p->kind != g->kind ||
		    p->enum_count != g->enum_count)
			return 0;
		for (unsigned int j = 0; j < g->enum_count; j++)
			if (strcmp(p->enum_values[j].name,
				   g->enum_values[j].name))
				return 0;
	}
	return 1;
}

/* The tables the prelinked stub reads: what the model says, bytes that
 * encode again to the same bytes; cut, damaged or padded bytes and a
 * failed allocation refused without a crash or a leak. */
static void test_tables(const unsigned char *obj, size_t size)
{
	struct gen_opts opts = {.name = "layout"};
	unsigned char *blob = NULL, *again = NULL, *copy;
	size_t n = 0, n2 = 0;
	long accepted = 0, allocs;
	struct tables t;
	struct gen_model *m;
	char err[256];
	int rc;

	m = gen_model_open(obj, size, &opts, err, sizeof(err));
	CHECK(m != NULL, "model for the tables opens");
	if (!m)
		return;
	CHECK(gen_tables_blob(m, &blob, &n) == 0 && n > 100,
	      "the model's tables encode");
	rc = tables_decode(blob, n, &t, err, sizeof(err));
	CHECK(rc == 0, "the tables decode");
	if (rc) {
		printf("# %s\n", err);
		goto out;
	}
	CHECK(t.tool.map_count > 2 && t.tool.param_count > 2,
	      "the fixture's tables have maps and parameters");
	CHECK(same_tables(&t.tool, m),
	      "decoded tables hold every map, type, field, enumerator, "
	      "program and parameter of the model");
	CHECK(tables_encode(&t.tool, &again, &n2) == 0 && n2 == n &&
		  !memcmp(again, blob, n),
	      "decoded tables encode to the same bytes");
	tables_free(&t);
	for (size_t cut = 0; cut < n; cut++)
		if (!tables_decode(blob, cut, &t, err, sizeof(err))) {
			accepted++;
			tables_free(&t);
		}
	CHECK(accepted == 0, "every cut-short copy of the tables is refused");
	copy = malloc(n + 1);
	memcpy(copy, blob, n);
	copy[n] = 0;
	CHECK(tables_decode(copy, n + 1, &t, err, sizeof(err)) == -1 &&
		  strstr(err, "follow the tables"),
	      "a byte after the tables is refused");
	accepted = 0;
	for (size_t i = 0; i < n; i++) {
		copy[i] ^= 0xa5;
		if (!tables_decode(copy, n, &t, err, sizeof(err))) {
			accepted += i < 12;
			tables_free(&t);
		}
		copy[i] ^= 0xa5;
	}
	/* the rest is ASan's: no read outside copy, no leak */
	CHECK(accepted == 0, "each byte damaged in turn is decoded in bounds "
			     "or refused; a damaged magic or format always");
	free(copy);
	alloc_calls = 0;
	alloc_fail_at = -1;
	alloc_counting = 1;
	tables_decode(blob, n, &t, err, sizeof(err));
	alloc_counting = 0;
	tables_free(&t);
	allocs = alloc_calls;
	accepted = 0;
	for (long i = 0; i < allocs; i++) {
		alloc_calls = 0;
		alloc_fail_at = i;
		alloc_counting = 1;
		rc = tables_decode(blob, n, &t, err, sizeof(err));
		alloc_counting = 0;
		if (rc != -2 || strcmp(err, "out of memory"))
			accepted++;
		if (!rc)
			tables_free(&t);
	}
	CHECK(allocs > 10 && accepted == 0,
	      "each failed allocation of the decoder is out of memory");
out:
	free(again);
	free(blob);
	gen_model_free(m);
}

static void test_alloc_failures(const unsigned char *obj, size_t size)
{
	struct gen_model *m;
	long total, out_of_memory = 0, refused_badly = 0;
	char err[256];

	total = open_failing(obj, size, -1, &m, err, sizeof(err));
	CHECK(m != NULL && total > 100, "the model counts its allocations");
	gen_model_free(m);
	for (long i = 0; i < total; i++) {
		open_failing(obj, size, i, &m, err, sizeof(err));
		if (m) {
			gen_model_free(m);
			continue;
		}
		if (!strcmp(err, "out of memory") && errno == ENOMEM)
			out_of_memory++;
		else if (!err[0] || !errno)
			refused_badly++;
	}
	printf("# %ld allocations, %ld failures reported as out of memory\n",
	       total, out_of_memory);
	CHECK(out_of_memory > 0 && refused_badly == 0,
	      "a failed allocation is returned as an error, not exited");
}

/* The artifact's config says the arch the model is for (amd64 when
 * none is given), and an image index lists a manifest per platform. */
static void test_artifact_arch(const unsigned char *obj, size_t size)
{
	struct gen_opts opts = {.name = "layout"};
	struct oci_platform_desc m[2] = {
	    {{OCI_MANIFEST_TYPE, "sha256:aa", 10}, "amd64"},
	    {{OCI_MANIFEST_TYPE, "sha256:bb", 20}, "arm64"}};
	struct gen_artifact a;
	struct gen_model *gm;
	char err[256], *index;
	size_t len;

	for (int i = 0; i < 2; i++) {
		opts.arch = i ? "aarch64" : NULL;
		opts.oci_arch = i ? "arm64" : NULL;
		gm = gen_model_open(obj, size, &opts, err, sizeof(err));
		CHECK(gm && !gen_artifact_build(gm, NULL, "layout.bpf.c", &a),
		      "the artifact of a model for an arch");
		CHECK(gm && a.config &&
			  strstr(a.config, i ? "\"architecture\":\"arm64\""
					     : "\"architecture\":\"amd64\""),
		      i ? "its config says arm64" : "by default, amd64");
		CHECK_STR(gm ? gm->arch : NULL, i ? "aarch64" : "x86_64",
			  "the model says its arch");
		gen_artifact_free(&a);
		gen_model_free(gm);
	}
	index = oci_index(m, 2, &len);
	CHECK_STR(index,
		  "{\"schemaVersion\":2,\"mediaType\":\"application/"
		  "vnd.oci.image.index.v1+json\",\"manifests\":[{\"mediaType\":"
		  "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":"
		  "\"sha256:aa\",\"size\":10,\"platform\":{\"architecture\":"
		  "\"amd64\",\"os\":\"linux\"}},{\"mediaType\":\"application/"
		  "vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:bb\","
		  "\"size\":20,\"platform\":{\"architecture\":\"arm64\","
		  "\"os\":\"linux\"}}]}",
		  "an image index: a manifest per platform, in order");
	free(index);
}

/* bumble's own SBOM (make dist): the component table parsed, bumble as
 * the subject with its own hash, Debian versions encoded in purls. */
static void test_sbom_subject(void)
{
	char table[] = "# name\tversion\tlinked\tlicense\torig\tdsc\n"
		       "curl\t7.88.1-10+deb12u15\tlibcurl\tcurl\taa\tbb\n"
		       "x\t1:2.0-1\tx\tMIT\tcc\tdd\n";
	char damaged[] = "curl\t7.88.1\tlibcurl\tcurl\taa\n";
	char comment_only[] = "# name\tversion\n";
	char copy[sizeof(table)];
	struct sbom_component c[2];
	struct sbom_tool gcc = {"gcc", "12.2.0"};
	struct sbom_input in = {
	    .subject = {.bom_ref = "bumble",
			.name = "bumble",
			.version = "0.1.0",
			.sha256 = "00ff"},
	    .components = c,
	    .tools = &gcc,
	    .tool_count = 1,
	};
	unsigned int n = 9;
	char *sbom;
	size_t len;

	CHECK(gen_sbom_parse_components(damaged, c, 2, &n) == -1,
	      "sbom: a component line of five fields is refused");
	CHECK(gen_sbom_parse_components(comment_only, c, 2, &n) == -1 && n == 0,
	      "sbom: a table without components is refused");
	memcpy(copy, table, sizeof(table)); /* parsed in place */
	CHECK(gen_sbom_parse_components(copy, c, 1, &n) == -1,
	      "sbom: more components than room is refused");
	CHECK(gen_sbom_parse_components(table, c, 2, &n) == 0 && n == 2 &&
		  !strcmp(c[0].version, "7.88.1-10+deb12u15") &&
		  !strcmp(c[1].dsc_sha256, "dd"),
	      "sbom: the table's two components, each field in place");
	in.component_count = n;
	sbom = gen_sbom(&in, &len);
	CHECK(sbom && strlen(sbom) == len, "sbom: written");
	CHECK(sbom && strstr(sbom, "\"component\":{\"type\":\"application\","
				   "\"bom-ref\":\"bumble\",\"name\":"
				   "\"bumble\",\"version\":\"0.1.0\","
				   "\"hashes\":[{\"alg\":\"SHA-256\","
				   "\"content\":\"00ff\"}]}"),
	      "sbom: bumble is the subject, with its own hash, no source");
	CHECK(sbom && strstr(sbom, "\"purl\":\"pkg:deb/debian/curl@7.88.1-10"
				   "%2Bdeb12u15?arch=source\""),
	      "sbom: a '+' in a Debian version is %2B in the purl");
	CHECK(sbom && strstr(sbom, "pkg:deb/debian/x@1%3A2.0-1?arch=source"),
	      "sbom: an epoch's ':' is %3A");
	CHECK(sbom && strstr(sbom, "{\"ref\":\"bumble\",\"dependsOn\":["),
	      "sbom: bumble depends on its components");
	free(sbom);
}

int main(int argc, char **argv)
{
	unsigned char *obj;
	size_t size;
	static const unsigned char garbage[] = "this is not an object at all";

	if (argc != 4) {
		fprintf(stderr,
			"usage: %s LAYOUT.bpf.o NOPROG.bpf.o LAYOUT.bpf.c\n",
			argv[0]);
		return 2;
	}
	/* each line out at once: a sanitizer ending the process keeps them */
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(libbpf_print);
	test_layout(argv[1], argv[3]);
	test_enum_tables();
	test_sbom_subject();
	obj = slurp(argv[1], &size);
	test_alloc_failures(obj, size);
	test_artifact_arch(obj, size);
	test_tables(obj, size);
	free(obj);

	expect_refused(garbage, sizeof(garbage), "not an ELF file",
		       "garbage input refused as not ELF");
	obj = slurp("/proc/self/exe", &size);
	expect_refused(obj, size, "not BPF bytecode",
		       "an x86-64 executable refused as not BPF");
	free(obj);
	obj = slurp(argv[2], &size);
	expect_refused(obj, size, "no BPF programs",
		       "an object without programs refused");
	free(obj);
	obj = slurp(argv[1], &size);
	expect_refused(obj, size / 2, "cannot read",
		       "a truncated object refused, no crash");
	/* e_shoff (offset 40) pointing past the end of the file */
	memset(obj + 40, 0x7f, 4);
	expect_refused(obj, size, "cannot read",
		       "an object with a corrupt header refused, no crash");
	free(obj);
	expect_refused(garbage, 3, "not an ELF file",
		       "a three-byte file refused");
#ifdef __SANITIZE_ADDRESS__
	/* a leak on any path above fails a check, not only the exit code */
	CHECK(__lsan_do_recoverable_leak_check() == 0,
	      "nothing leaked (LeakSanitizer)");
#endif
	return check_failures ? 1 : 0;
}
