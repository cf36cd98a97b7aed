/* The input of build, gen, bundle and inspect: common options, and the
 * BPF object they work on, compiled from C with clang when needed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "bumble.h"
#include "model.h"

enum {
	OPT_NAME = 256,
	OPT_VERSION,
	OPT_DESCRIPTION,
	OPT_CFLAGS,
	OPT_RUNNER,
	OPT_EVENT,
	OPT_OCI,
	OPT_BTF_DIR,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"cflags", required_argument, NULL, OPT_CFLAGS},
    {"name", required_argument, NULL, OPT_NAME},
    {"version", required_argument, NULL, OPT_VERSION},
    {"description", required_argument, NULL, OPT_DESCRIPTION},
    {"runner", required_argument, NULL, OPT_RUNNER},
    {"event", required_argument, NULL, OPT_EVENT},
    {"oci", required_argument, NULL, OPT_OCI},
    {"btf-dir", required_argument, NULL, OPT_BTF_DIR},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void add_cflag(struct input_opts *o, const char *flag)
{
	const char **grown =
	    realloc(o->cflags, (o->cflag_count + 1) * sizeof(*o->cflags));

	if (!grown) {
		err("out of memory");
		exit(EXIT_FAIL);
	}
	o->cflags = grown;
	o->cflags[o->cflag_count++] = strdup(flag);
}

static void add_joined(struct input_opts *o, const char *opt, const char *arg)
{
	char *flag;

	if (asprintf(&flag, "%s%s", opt, arg) < 0) {
		err("out of memory");
		exit(EXIT_FAIL);
	}
	add_cflag(o, flag);
	free(flag);
}

/* --cflags "A B": split on white space, no shell quoting. */
static void add_split(struct input_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;

	for (char *tok = strtok_r(copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		add_cflag(o, tok);
	free(copy);
}

/* --event MAP=STRUCT (also MAP=struct STRUCT) */
static int add_event(struct input_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '='), *type;
	struct gen_event_override *grown;

	type = eq ? eq + 1 : NULL;
	if (type && !strncmp(type, "struct ", 7))
		type += 7;
	if (!eq || eq == arg || !type || !*type) {
		err("--event takes MAP=STRUCT, as in --event events=event, not "
		    "'%s'",
		    arg);
		return -1;
	}
	grown = realloc(o->events, (o->event_count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	o->events = grown;
	o->events[o->event_count].map = strndup(arg, (size_t)(eq - arg));
	o->events[o->event_count].type = strdup(type);
	o->event_count++;
	return 0;
}

static int refuse(const char *cmd, const char *opt)
{
	err("'bumble %s' takes no %s option; see 'bumble %s --help'", cmd, opt,
	    cmd);
	return EXIT_USAGE;
}

int input_opts_parse(int argc, char **argv, const char *cmd, int takes,
		     const char *usage, struct input_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:I:D:vh", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			if (!(takes & TAKES_OUTPUT))
				return refuse(cmd, "-o");
			o->output = optarg;
			break;
		case 'I':
		case 'D':
			if (!(takes & TAKES_CFLAGS))
				return refuse(cmd, c == 'I' ? "-I" : "-D");
			add_joined(o, c == 'I' ? "-I" : "-D", optarg);
			break;
		case OPT_CFLAGS:
			if (!(takes & TAKES_CFLAGS))
				return refuse(cmd, "--cflags");
			add_split(o, optarg);
			break;
		case OPT_NAME:
		case OPT_VERSION:
		case OPT_DESCRIPTION:
			if (!(takes & TAKES_META))
				return refuse(cmd, argv[optind - 1]);
			if (c == OPT_NAME)
				o->name = optarg;
			else if (c == OPT_VERSION)
				o->version = optarg;
			else
				o->description = optarg;
			break;
		case OPT_RUNNER:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--runner");
			o->runner = optarg;
			break;
		case OPT_BTF_DIR:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--btf-dir");
			o->btf_dir = optarg;
			break;
		case OPT_OCI:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--oci");
			o->oci_dir = optarg;
			break;
		case OPT_EVENT:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--event");
			if (add_event(o, optarg))
				return EXIT_USAGE;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble %s --help'",
			    argv[optind - 1], cmd);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble %s --help'",
			    argv[optind - 1], cmd);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		err("no input: give a BPF C source (.bpf.c) or object "
		    "(.bpf.o); see 'bumble %s --help'",
		    cmd);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		err("one input at a time; unexpected '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	o->input = argv[optind];
	if (o->name && !*o->name) {
		err("--name must not be empty");
		return EXIT_USAGE;
	}
	return -1; /* parsed: go on */
}

void input_opts_free(struct input_opts *o)
{
	for (size_t i = 0; i < o->cflag_count; i++)
		free((char *)o->cflags[i]);
	free(o->cflags);
	o->cflags = NULL;
	o->cflag_count = 0;
	for (size_t i = 0; i < o->event_count; i++) {
		free((char *)o->events[i].map);
		free((char *)o->events[i].type);
	}
	free(o->events);
	o->events = NULL;
	o->event_count = 0;
}

static int is_c_source(const char *path)
{
	size_t n = strlen(path);

	return n > 2 && !strcmp(path + n - 2, ".c");
}

char *output_path(const struct input_opts *o, const char *fmt)
{
	char *out = NULL, *name;

	if (o->output) {
		out = strdup(o->output);
	} else {
		name = o->name ? strdup(o->name) : name_from_path(o->input);
		if (!name || asprintf(&out, fmt, name) < 0)
			out = NULL;
		free(name);
	}
	if (out && check_output_dir(out)) {
		free(out);
		out = NULL;
	}
	return out;
}

/* Does the source name a BumbleBee map section (".maps.print")? */
static int uses_bee_sections(const char *path)
{
	unsigned char *text;
	size_t size;
	int found;

	if (read_file(path, &text, &size))
		return 0;
	found = memmem(text, size, "\".maps.", 7) != NULL;
	free(text);
	return found;
}

/* Runs clang on src: preprocess only (-E) or compile (-c) to out. */
/* --event types: clang puts into BTF only the types the program's
 * globals, maps and functions use, not those of its locals. A pointer to
 * each such struct, declared before the source, makes it part of BTF. */
static char *write_event_header(const struct input_opts *o, const char *out)
{
	char *path = NULL;
	FILE *f;

	if (!o->event_count || asprintf(&path, "%s.events.h", out) < 0)
		return NULL;
	f = fopen(path, "w");
	if (!f) {
		free(path);
		return NULL;
	}
	for (size_t i = 0; i < o->event_count; i++)
		fprintf(f, "struct %s *__bumble_event_%zu;\n",
			o->events[i].type, i);
	fclose(f);
	return path;
}

static int run_clang(const struct input_opts *o, const char *clang,
		     const char *incdir, const char *mode, const char *src,
		     const char *out, const char *event_header)
{
	char *srcdir = strdup(o->input), *slash;
	const char **argv;
	size_t n = 0;
	int status;

	argv = calloc(o->cflag_count + 20, sizeof(*argv));
	if (!srcdir || !argv) {
		free(srcdir);
		free(argv);
		return -1;
	}
	slash = strrchr(srcdir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(srcdir, ".");
	argv[n++] = clang;
	argv[n++] = "-target";
	argv[n++] = "bpf";
	argv[n++] = "-g";
	argv[n++] = "-O2";
	argv[n++] = "-D__TARGET_ARCH_x86";
	argv[n++] = "-D__BUMBLE__";
	argv[n++] = "-I";
	argv[n++] = srcdir;
	argv[n++] = "-I";
	argv[n++] = incdir;
	for (size_t i = 0; i < o->cflag_count; i++)
		argv[n++] = o->cflags[i];
	if (strcmp(src, o->input)) /* preprocessed: -I and -D are moot */
		argv[n++] = "-Wno-unused-command-line-argument";
	else if (event_header) {
		argv[n++] = "-include";
		argv[n++] = event_header;
	}
	argv[n++] = mode;
	argv[n++] = src;
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n] = NULL;
	status = run_command((char *const *)argv, o->verbose);
	free(argv);
	free(srcdir);
	return status;
}

/* BumbleBee programs: preprocess, rewrite the map sections, and leave
 * the path of the source to compile in *src (malloc'ed). */
static int rewrite_bee_source(const struct input_opts *o, const char *clang,
			      const char *incdir, const char *out,
			      struct role_hints *hints, char **src)
{
	unsigned char *text = NULL;
	size_t size;
	int rc = EXIT_OK;

	if (asprintf(src, "%s.i", out) < 0) {
		*src = NULL;
		return EXIT_FAIL;
	}
	if (run_clang(o, clang, incdir, "-E", o->input, *src, NULL) != 0) {
		err("preprocessing %s failed (clang's messages are above)",
		    o->input);
		return EXIT_COMPILE;
	}
	if (read_file(*src, &text, &size) ||
	    !(text = realloc(text, size + 1))) {
		err("cannot read the preprocessed source %s", *src);
		return EXIT_FAIL;
	}
	text[size] = '\0';
	if (bee_rewrite_sections((char *)text, hints)) {
		err("%s: cannot tell which map a SEC(\".maps.*\") belongs to",
		    o->input);
		rc = EXIT_INPUT;
	} else if (write_file_atomic(*src, text, size, 0644)) {
		err("cannot write %s", *src);
		rc = EXIT_FAIL;
	}
	free(text);
	return rc;
}

int compile_bpf(const struct input_opts *o, const char *out,
		struct role_hints *hints)
{
	static const char *const clangs[] = {"clang", "clang-19", "clang-16",
					     "clang-14", NULL};
	char *clang, *incdir = NULL, *src = NULL, *events = NULL;
	int rc = EXIT_OK;

	clang = require_program("BUMBLE_CLANG", clangs, "clang");
	if (!clang)
		return EXIT_MISSING;
	if (asprintf(&incdir, "%s/include", libdir()) < 0)
		incdir = NULL;
	if (!incdir || access(incdir, R_OK) != 0) {
		err("bumble's BPF headers are missing from %s; rebuild or "
		    "reinstall bumble (make, make install)",
		    incdir ? incdir : libdir());
		free(incdir);
		free(clang);
		return EXIT_FAIL;
	}
	if (hints && uses_bee_sections(o->input))
		rc = rewrite_bee_source(o, clang, incdir, out, hints, &src);
	events = write_event_header(o, out);
	if (rc == EXIT_OK &&
	    run_clang(o, clang, incdir, "-c", src ? src : o->input, out,
		      events) != 0) {
		err("compiling %s failed (clang's messages are above)",
		    o->input);
		unlink(out);
		rc = EXIT_COMPILE;
	}
	if (src)
		unlink(src);
	if (events)
		unlink(events);
	free(events);
	free(src);
	free(incdir);
	free(clang);
	return rc;
}

/* Links the object with libbpf's BPF linker: the result keeps code, maps,
 * BTF and CO-RE relocations and drops DWARF, which is most of the size. */
static int link_object(const char *in, const char *out)
{
	struct bpf_linker *linker;
	int rc;

	linker = bpf_linker__new(out, NULL);
	if (!linker)
		return -errno;
	rc = bpf_linker__add_file(linker, in, NULL);
	if (!rc)
		rc = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	return rc;
}

int load_input_object(const struct input_opts *o, unsigned char **obj,
		      size_t *size, struct role_hints *hints)
{
	struct stat st;
	char *dir, *compiled = NULL, *linked = NULL;
	const char *object = o->input;
	char msg[512];
	int rc;

	*obj = NULL;
	if (stat(o->input, &st) != 0) {
		err("cannot read '%s': %s", o->input, strerror(errno));
		return EXIT_INPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		err("'%s' is not a regular file", o->input);
		return EXIT_INPUT;
	}
	dir = tmpdir_make();
	if (!dir)
		return EXIT_FAIL;
	if (asprintf(&compiled, "%s/prog.bpf.o", dir) < 0 ||
	    asprintf(&linked, "%s/linked.bpf.o", dir) < 0) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (is_c_source(o->input)) {
		rc = compile_bpf(o, compiled, hints);
		if (rc)
			goto out;
		object = compiled;
	}
	rc = read_file(object, obj, size);
	if (rc) {
		err("cannot read '%s': %s", object, strerror(-rc));
		rc = EXIT_INPUT;
		goto out;
	}
	if (gen_check_object(*obj, *size, msg, sizeof(msg))) {
		err("%s: %s", o->input, msg);
		rc = EXIT_INPUT;
		goto out;
	}
	free(*obj);
	*obj = NULL;
	rc = link_object(object, linked);
	if (rc) {
		err("%s: libbpf cannot link this BPF object: %s", o->input,
		    strerror(-rc));
		rc = EXIT_INPUT;
		goto out;
	}
	rc = read_file(linked, obj, size);
	if (rc) {
		err("cannot read '%s': %s", linked, strerror(-rc));
		rc = EXIT_FAIL;
	}
out:
	if (rc) {
		free(*obj);
		*obj = NULL;
	}
	free(linked);
	free(compiled);
	tmpdir_rm(dir);
	return rc;
}

struct gen_model *open_model(const struct input_opts *o, unsigned char **obj,
			     int *rc)
{
	struct gen_opts gopts = {0};
	struct role_hints hints = {0};
	struct param_docs docs = {0};
	unsigned char *src;
	size_t src_size;
	struct gen_model *m;
	char msg[512];
	char *name = NULL;
	size_t size;

	*obj = NULL;
	*rc = load_input_object(o, obj, &size, &hints);
	if (*rc != EXIT_OK) {
		role_hints_free(&hints);
		return NULL;
	}
	if (!o->name)
		name = name_from_path(o->input);
	gopts.name = o->name ? o->name : name;
	gopts.version = o->version;
	gopts.description = o->description;
	gopts.events = o->events;
	gopts.event_count = o->event_count;
	gopts.roles = hints.hints;
	gopts.role_count = hints.count;
	if (is_c_source(o->input) && !read_file(o->input, &src, &src_size)) {
		char *text = realloc(src, src_size + 1);

		if (text) {
			text[src_size] = '\0';
			param_docs_scan(text, &docs);
			src = (unsigned char *)text;
		}
		free(src);
		gopts.helps = docs.helps;
		gopts.help_count = docs.count;
	}
	m = gen_model_open(*obj, size, &gopts, msg, sizeof(msg));
	for (unsigned int i = 0; m && i < m->warning_count; i++)
		fprintf(stderr, "bumble: warning: %s\n", m->warnings[i]);
	if (!m) {
		err("%s: %s", o->input, msg);
		free(*obj);
		*obj = NULL;
		*rc = EXIT_INPUT;
	}
	role_hints_free(&hints);
	param_docs_free(&docs);
	free(name);
	return m;
}
