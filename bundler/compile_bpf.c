/* Compiling BPF C with clang: the target (and the arch it is for),
 * that arch's bumble headers, the user's flags, BumbleBee's map sections
 * rewritten, and --event types and those inferred from the source (its
 * AST) kept. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundler.h"

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

/* --event types: clang puts into BTF only the types the program's
 * globals, maps and functions use, not those of its locals. A pointer to
 * each such struct, declared before the source, makes it part of BTF. */
static char *write_event_header(const struct input_opts *o,
				const struct map_usage *inferred,
				const char *out)
{
	size_t n = inferred ? inferred->count : 0;
	char *path = NULL;
	FILE *f;

	if ((!o->event_count && !n) || asprintf(&path, "%s.events.h", out) < 0)
		return NULL;
	f = fopen(path, "w");
	if (!f) {
		free(path);
		return NULL;
	}
	for (size_t i = 0; i < o->event_count; i++)
		fprintf(f, "struct %s *__bumble_event_%zu;\n",
			o->events[i].type, i);
	for (size_t i = 0; i < n; i++)
		if (*inferred->events[i].type)
			fprintf(f, "struct %s *__bumble_inferred_%zu;\n",
				inferred->events[i].type, i);
	fclose(f);
	return path;
}

/* The paths clang would write into the object (its line info names
 * source files) made independent of where the source and bumble's
 * temporary files are: the source's directory, as given and as a real
 * path, and the temporary directory become "."; the compilation
 * directory is ".". Each flag is malloc'ed into maps[0..4). */
static int prefix_maps(const char *srcdir, const char *out, char *maps[4])
{
	char *real = realpath(srcdir, NULL), *tmpdir = strdup(out), *slash;
	int rc = 0;

	slash = tmpdir ? strrchr(tmpdir, '/') : NULL;
	if (slash)
		*slash = '\0';
	if (!real || !tmpdir ||
	    asprintf(&maps[0], "-ffile-prefix-map=%s=.", srcdir) < 0 ||
	    asprintf(&maps[1], "-ffile-prefix-map=%s=.", real) < 0 ||
	    asprintf(&maps[2], "-ffile-prefix-map=%s=.", tmpdir) < 0 ||
	    !(maps[3] = strdup("-fdebug-compilation-dir=.")))
		rc = -1;
	free(real);
	free(tmpdir);
	return rc;
}

/* Do the user's flags choose a BPF ISA (-mcpu=...)? */
static int names_isa(const struct input_opts *o)
{
	for (size_t i = 0; i < o->cflag_count; i++)
		if (!strncmp(o->cflags[i], "-mcpu=", 6))
			return 1;
	return 0;
}

/* Runs clang on src: preprocess only (-E) or compile (-c) to out. The
 * user's flags come last, so that a flag of theirs that takes a value
 * cannot take one of bumble's arguments as it. */
static int run_clang(const struct input_opts *o, const char *clang,
		     const char *incdir, const char *mode, const char *src,
		     const char *out, const char *event_header, int alu32)
{
	int ast = !strcmp(mode, "-fsyntax-only");
	/* before src is made ./src below */
	int preprocessed = strcmp(src, o->input) != 0;
	char *srcdir = strdup(o->input), *slash, *maps[4] = {0};
	char *dotted = NULL, *target = NULL;
	const char **argv;
	size_t n = 0;
	int status = -1;

	argv = calloc(o->cflag_count + 29, sizeof(*argv));
	if (!srcdir || !argv)
		goto out;
	slash = strrchr(srcdir, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(srcdir, ".");
	if (prefix_maps(srcdir, out, maps) ||
	    asprintf(&target, "-D__TARGET_ARCH_%s", o->arch->target) < 0) {
		target = NULL;
		goto out;
	}
	/* prog.bpf.c as ./prog.bpf.c: named the same as from elsewhere */
	if (!strchr(src, '/')) {
		if (asprintf(&dotted, "./%s", src) < 0)
			goto out;
		src = dotted;
	}
	argv[n++] = clang;
	argv[n++] = "-target";
	argv[n++] = "bpf";
	argv[n++] = "-g";
	/* the source in the debug info: BTF's line info takes its lines
	 * from there, not from a file the prefix maps renamed */
	argv[n++] = "-gdwarf-5";
	argv[n++] = "-gembed-source";
	argv[n++] = "-O2";
	/* BPF ISA v1, unless the user's flags name one (docs/cli.md):
	 * the verifiers of 5.10 and 6.1 lose the bound of v3's 32-bit
	 * compares in the log2 histogram code of most libbpf-tools,
	 * while v1 costs only programs of softirqs' shape; named, so
	 * that LLVM 20's v3 default changes nothing */
	if (!names_isa(o))
		argv[n++] = "-mcpu=v1";
	if (alu32) { /* the fallback build (compile_bpf) */
		argv[n++] = "-Xclang";
		argv[n++] = "-target-feature";
		argv[n++] = "-Xclang";
		argv[n++] = "+alu32";
	}
	argv[n++] = target;
	argv[n++] = "-D__BUMBLE__";
	argv[n++] = "-I";
	argv[n++] = srcdir;
	argv[n++] = "-I";
	argv[n++] = incdir;
	for (size_t i = 0; i < 4; i++)
		argv[n++] = maps[i];
	if (preprocessed) /* -I and -D are moot */
		argv[n++] = "-Wno-unused-command-line-argument";
	else if (event_header) {
		argv[n++] = "-include";
		argv[n++] = event_header;
	}
	if (ast) {
		argv[n++] = "-Xclang";
		argv[n++] = "-ast-dump";
		argv[n++] = "-fno-color-diagnostics";
	}
	argv[n++] = mode;
	argv[n++] = src;
	if (!ast) {
		argv[n++] = "-o";
		argv[n++] = out;
	}
	for (size_t i = 0; i < o->cflag_count; i++)
		argv[n++] = o->cflags[i];
	argv[n] = NULL;
	if (ast)
		status =
		    run_command_quiet_to((char *const *)argv, o->verbose, out);
	else
		status = run_command((char *const *)argv, o->verbose);
out:
	for (size_t i = 0; i < 4; i++)
		free(maps[i]);
	free(dotted);
	free(target);
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
	if (run_clang(o, clang, incdir, "-E", o->input, *src, NULL, 0) != 0) {
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

/* The clangs bumble takes, in order: BUMBLE_CLANG overrides them. */
static const char *const clangs[] = {"clang", "clang-19", "clang-16",
				     "clang-14", NULL};

char *clang_find(void)
{
	return find_first_program("BUMBLE_CLANG", clangs);
}

/* The event types of maps that declare none, from the calls that fill
 * them (map_usage.c). Quiet: a source clang refuses is reported by the
 * compilation that follows; nothing is inferred from it. */
static void infer_events(const struct input_opts *o, const char *clang,
			 const char *incdir, const char *out,
			 struct map_usage *found)
{
	unsigned char *text = NULL, *grown;
	char *dump = NULL;
	size_t size;

	if (asprintf(&dump, "%s.ast", out) < 0)
		return;
	if (run_clang(o, clang, incdir, "-fsyntax-only", o->input, dump, NULL,
		      0) == 0 &&
	    !read_file(dump, &text, &size) &&
	    (grown = realloc(text, size + 1))) {
		text = grown;
		text[size] = '\0';
		if (map_usage_scan((char *)text, found))
			map_usage_free(found);
	}
	unlink(dump);
	free(dump);
	free(text);
}

static int compile_once(const struct input_opts *o, const char *clang,
			const char *incdir, const char *src, const char *out,
			const char *events)
{
	if (run_clang(o, clang, incdir, "-c", src ? src : o->input, out, events,
		      0) == 0)
		return EXIT_OK;
	err("compiling %s failed (clang's messages are above)", o->input);
	unlink(out);
	return EXIT_COMPILE;
}

static void drop_header(char **events)
{
	if (*events)
		unlink(*events);
	free(*events);
	*events = NULL;
}

static int usage_wanted(const struct input_opts *o, const char *out,
			int roles_named)
{
	unsigned char *obj = NULL;
	size_t size;
	int wanted;

	if (read_file(out, &obj, &size))
		return 1; /* read the source: the next step says what failed */
	wanted =
	    gen_usage_wanted(obj, size, o->events, o->event_count, roles_named);
	free(obj);
	return wanted;
}

/* The fallback build: the program for v1 with 32-bit ALU instructions,
 * which a verifier takes where v1's 64-bit arithmetic loses a 32-bit
 * value's bound (docs/cli.md, "Compiler flags"). Compiled by a helper
 * process at the same time as the main build, quietly: the main build
 * reports what clang says, and without the fallback the tool is whole. */
static pid_t alu32_start(const struct input_opts *o, const char *clang,
			 const char *incdir, const char *src, const char *out,
			 const char *events)
{
	sigset_t old;
	pid_t pid;
	int null;

	fflush(NULL);
	/* registered before a stop signal can find it missing */
	cleanup_block(&old);
	pid = fork();
	if (pid == 0) {
		cleanup_helpers_forget();
		cleanup_unblock(&old);
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (!o->verbose && null >= 0)
			dup2(null, STDERR_FILENO);
		_exit(run_clang(o, clang, incdir, "-c", src ? src : o->input,
				out, events, 1) == 0
			  ? 0
			  : 1);
	}
	if (pid > 0)
		cleanup_helper(pid, 1);
	cleanup_unblock(&old);
	return pid;
}

/* Waits for alu32_start's helper: 0 if it built the object. */
static int alu32_wait(pid_t pid)
{
	int status = -1;

	if (pid <= 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	cleanup_helper(pid, 0);
	return status == 0 ? 0 : -1;
}

int compile_bpf(const struct input_opts *o, const char *out,
		const char *alu32_out, struct role_hints *hints)
{
	char *clang, *incdir = NULL, *src = NULL, *events = NULL;
	int rc = EXIT_OK, alu32_rc = -1;
	pid_t alu32 = -1;

	clang = require_program("BUMBLE_CLANG", clangs, "clang");
	if (!clang)
		return EXIT_MISSING;
	incdir = arch_path(o->arch, "include");
	if (!incdir || access(incdir, R_OK) != 0) {
		if (incdir)
			err("bumble's BPF headers are missing from %s; "
			    "rebuild or reinstall bumble (make, make install)",
			    incdir);
		free(incdir);
		free(clang);
		return incdir ? EXIT_FAIL : EXIT_CACHE;
	}
	if (hints && uses_bee_sections(o->input))
		rc = rewrite_bee_source(o, clang, incdir, out, hints, &src);
	/* no fallback where the user's flags name the ISA */
	if (names_isa(o))
		alu32_out = NULL;
	events = write_event_header(o, NULL, out);
	if (rc == EXIT_OK && alu32_out)
		alu32 = alu32_start(o, clang, incdir, src, alu32_out, events);
	if (rc == EXIT_OK)
		rc = compile_once(o, clang, incdir, src, out, events);
	/* the source's calls, read only where the object leaves something
	 * open (an AST dump costs more than the compile); the objects again
	 * if they name event types */
	if (rc == EXIT_OK && hints && usage_wanted(o, out, hints->count > 0)) {
		infer_events(o, clang, incdir, out, &hints->events);
		if (hints->events.count) {
			alu32_wait(alu32); /* it reads the header */
			drop_header(&events);
			events = write_event_header(o, &hints->events, out);
			alu32 = alu32_out ? alu32_start(o, clang, incdir, src,
							alu32_out, events)
					  : -1;
			rc = compile_once(o, clang, incdir, src, out, events);
		}
	}
	alu32_rc = alu32_wait(alu32);
	if (alu32_out && (rc != EXIT_OK || alu32_rc)) {
		if (rc == EXIT_OK && o->verbose)
			fprintf(stderr, "bumble: the 32-bit ALU build failed; "
					"the tool carries only the v1 build\n");
		unlink(alu32_out);
	}
	if (src)
		unlink(src);
	drop_header(&events);
	free(src);
	free(incdir);
	free(clang);
	return rc;
}
