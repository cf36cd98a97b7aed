/* bumble run: an image (pulled into the store if missing, verified) or a
 * BPF program (bundled into a cache keyed by its source's digest) as a
 * tool, exec'd with the arguments after --. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "local_store.h"
#include "sha256.h"

static const char usage[] =
    "Usage: bumble run [--ca-file FILE | --insecure | --plain-http]\n"
    "                  [--arch ARCH] HOST/REPO[:TAG]|PROG.bpf.c\n"
    "                  [-- TOOL-ARGS...]\n\n"
    "Runs an image's tool: from the local store, or pulled into it first\n"
    "(every blob verified), written once to $XDG_CACHE_HOME/bumble/tools\n"
    "after its own --verify, then exec'd with TOOL-ARGS. Given a BPF C\n"
    "program (or object), bundles it into $XDG_CACHE_HOME/bumble/run,\n"
    "keyed by the file's digest and bumble's version, and runs that:\n"
    "\n"
    "    sudo bumble run execsnoop.bpf.c -- --json\n";

/* $XDG_CACHE_HOME/bumble/SUB/KEY, made. */
static char *cache_dir(const char *sub, const char *key)
{
	char *path = NULL, *dir;
	int rc;

	if (asprintf(&path, "%s/%s", sub, key) < 0)
		return NULL;
	dir = user_dir(USER_CACHE, path);
	free(path);
	rc = dir ? mkdirs(dir, 0700) : -ENOMEM;
	if (rc) {
		err("cannot create %s: %s", dir ? dir : sub, strerror(-rc));
		free(dir);
		return NULL;
	}
	return dir;
}

/* The tool bundled from a program, made once per source digest. */
static char *tool_of_source(const char *input)
{
	unsigned char *src;
	size_t size;
	struct sha256 h;
	char digest[72], key[33], *dir, *name = name_from_path(input),
					*tool = NULL;
	int rc = read_file(input, &src, &size);

	if (rc) {
		err("cannot read '%s': %s", input, strerror(-rc));
		free(name);
		return NULL;
	}
	sha256_init(&h);
	sha256_update(&h, BUMBLE_VERSION, sizeof(BUMBLE_VERSION));
	sha256_update(&h, src, size);
	sha256_final_string(&h, digest);
	free(src);
	/* the first 16 bytes' hex digits */
	snprintf(key, sizeof(key), "%.32s", digest + 7);
	dir = cache_dir("run", key);
	if (dir && name && asprintf(&tool, "%s/%s", dir, name) >= 0 &&
	    access(tool, X_OK)) {
		char *argv[] = {"bundle", "-o", tool, (char *)input, NULL};

		if (cmd_bundle(4, argv)) {
			free(tool);
			tool = NULL;
		}
	}
	free(dir);
	free(name);
	return tool;
}

/* The tool of an image: the store's, else pulled into it. */
static char *tool_of_image(const char *arg, const struct reg_opts *o,
			   const char *arch)
{
	struct pulled_image img = {0};
	struct pulled_tool t = {0};
	struct reg_ref ref;
	char *name = NULL, *dir = NULL, *tool = NULL;
	int rc;

	if (reg_ref_parse(arg, &ref))
		return NULL;
	name = store_name(&ref);
	rc = name ? store_get(name, &img) : EXIT_FAIL;
	if (rc == STORE_MISSING) {
		fprintf(stderr, "bumble: %s is not in the store; pulling it\n",
			name);
		rc = pull_image(&ref, o, arch, &img);
		if (!rc)
			rc = store_put(name, &img);
	}
	if (!rc)
		rc = image_tool(&img, ref.repo, &t);
	if (!rc)
		dir = cache_dir("tools", img.digest + 7);
	if (dir && asprintf(&tool, "%s/%s", dir, t.name) >= 0 &&
	    access(tool, X_OK) && pulled_tool_write(&t, tool)) {
		free(tool);
		tool = NULL;
	}
	free(dir);
	pulled_tool_free(&t);
	pulled_image_free(&img);
	free(name);
	reg_ref_free(&ref);
	return tool;
}

static int is_program(const char *arg)
{
	size_t n = strlen(arg);

	return (is_c_source(arg) || (n > 2 && !strcmp(arg + n - 2, ".o"))) &&
	       !access(arg, F_OK);
}

int cmd_run(int argc, char **argv)
{
	static const struct option options[] = {
	    REG_LONG_OPTIONS,
	    {"arch", required_argument, NULL, 'a'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts o = {0};
	const char *arch = NULL;
	char *tool, **args;
	int c, first, n, rc;

	/* +: options end at the image; what follows is the tool's */
	optind = 0;
	while ((c = reg_getopt(argc, argv, "+:h", options, usage, &o, &rc)) !=
	       -1) {
		if (c == REG_OPT_DONE)
			return rc;
		if (c == 'a')
			arch = optarg;
	}
	if (optind >= argc) {
		err("give an image or a program: bumble run HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	first = optind + 1;
	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	else if (first < argc) {
		err("unexpected '%s': bumble's options go before the image, "
		    "the tool's after --: bumble run [OPTIONS] %s -- ARGS",
		    argv[first], argv[optind]);
		return EXIT_USAGE;
	}
	tool = is_program(argv[optind]) ? tool_of_source(argv[optind])
					: tool_of_image(argv[optind], &o, arch);
	if (!tool)
		return EXIT_FAIL;
	n = argc - first;
	args = calloc((size_t)n + 2, sizeof(*args));
	if (!args) {
		free(tool);
		return EXIT_FAIL;
	}
	args[0] = tool;
	memcpy(args + 1, argv + first, (size_t)n * sizeof(*args));
	fflush(NULL);
	execv(tool, args);
	err("cannot run %s: %s", tool, strerror(errno));
	free(args);
	free(tool);
	return EXIT_FAIL;
}
