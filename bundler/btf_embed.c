/* bundle --btf-dir DIR: kernel BTF for hosts that have none of their own.
 * For each BTF file under DIR of the tool's arch (laid out like
 * btfhub-archive, ID/VERSION/ARCH/RELEASE.btf), only the types the object
 * needs, kept by bpftool gen min_core_btf, gzip'd, go into the artifact layer
 * as btf/<that path>.gz; the tool picks one by uname -r at start. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundler.h"
#include "model.h"

static char **found;
static size_t found_count;
static const struct bumble_arch *found_arch;
static size_t found_root; /* the --btf-dir part of a path */

/* Is a directory of path (below the --btf-dir) named after an arch
 * other than found_arch, as btfhub names them (x86_64, arm64)? */
static int other_arch(const char *path)
{
	const char *seg = path, *end;
	const struct bumble_arch *a;

	for (; (end = strchr(seg, '/')); seg = end + 1)
		for (size_t i = 0; (a = arch_at(i)); i++)
			if (a != found_arch &&
			    strlen(a->btf) == (size_t)(end - seg) &&
			    !strncmp(seg, a->btf, (size_t)(end - seg)))
				return 1;
	return 0;
}

static int collect(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	size_t n = strlen(path);
	char **grown;

	(void)st;
	(void)ftw;
	if (type != FTW_F || n < 5 || strcmp(path + n - 4, ".btf") ||
	    other_arch(path + found_root))
		return 0;
	grown = realloc(found, (found_count + 1) * sizeof(*found));
	if (!grown)
		return -1;
	found = grown;
	found[found_count] = strdup(path);
	return found[found_count++] ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_found(void)
{
	for (size_t i = 0; i < found_count; i++)
		free(found[i]);
	free(found);
	found = NULL;
	found_count = 0;
}

/* The types the object at obj needs from the BTF file at in, gzip'd. */
static int minimise(const char *bpftool, const char *in, const char *obj,
		    const char *tmp, int verbose, struct gen_file *f)
{
	char *argv[] = {
	    (char *)bpftool, "gen", "min_core_btf", (char *)in, (char *)tmp,
	    (char *)obj,     NULL};
	unsigned char *min = NULL;
	size_t size;
	int rc;

	if (run_command(argv, verbose) != 0 || read_file(tmp, &min, &size)) {
		err("bpftool could not take the types the program needs from "
		    "'%s' (is it a kernel BTF file?)",
		    in);
		return EXIT_INPUT;
	}
	rc = gzip_buffer(min, size, &f->data, &f->size);
	free(min);
	return rc ? EXIT_FAIL : EXIT_OK;
}

int btf_embed(const struct gen_model *m, const char *dir,
	      const struct bumble_arch *arch, const char *tmpdir, int verbose,
	      struct gen_files *files)
{
	static const char *const bpftools[] = {"bpftool", NULL};
	char *bpftool = NULL, *obj = NULL, *tmp = NULL;
	size_t dirlen = strlen(dir), total = 0;
	struct stat st;
	int rc = EXIT_OK;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		err("--btf-dir '%s' is not a directory", dir);
		return EXIT_USAGE;
	}
	found_arch = arch;
	found_root = dirlen;
	if (nftw(dir, collect, 16, FTW_PHYS) != 0) {
		err("cannot read '%s': %s", dir, strerror(errno));
		free_found();
		return EXIT_FAIL;
	}
	if (!found_count) {
		err("no kernel BTF files (*.btf) under '%s' for %s (another "
		    "arch's are in a directory named after it, as btfhub's "
		    "x86_64/ and arm64/)",
		    dir, arch->name);
		return EXIT_USAGE;
	}
	qsort(found, found_count, sizeof(*found), by_name);
	bpftool = require_program("BUMBLE_BPFTOOL", bpftools, "bpftool");
	if (!bpftool) {
		free_found();
		return EXIT_MISSING;
	}
	if (asprintf(&obj, "%s/object.bpf.o", tmpdir) < 0 ||
	    asprintf(&tmp, "%s/min.btf", tmpdir) < 0 ||
	    write_file_atomic(obj, m->bytecode, m->bytecode_size, 0644)) {
		rc = EXIT_FAIL;
		goto out;
	}
	files->files = calloc(found_count, sizeof(*files->files));
	if (!files->files) {
		rc = EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < found_count && !rc; i++) {
		struct gen_file *f = &files->files[files->count];
		const char *rel = found[i] + dirlen;

		while (*rel == '/')
			rel++;
		if (asprintf(&f->path, "btf/%s.gz", rel) < 0 ||
		    strlen(f->path) > 99) {
			err("'%s': the path is too long to embed (99 bytes at "
			    "most under btf/)",
			    found[i]);
			free(f->path);
			f->path = NULL;
			rc = EXIT_USAGE;
			break;
		}
		files->count++;
		rc = minimise(bpftool, found[i], obj, tmp, verbose, f);
		total += f->size;
	}
	if (!rc)
		fprintf(stderr,
			"bumble: embedded BTF for %u kernel%s: %zu bytes in "
			"all, %zu per kernel\n",
			files->count, files->count == 1 ? "" : "s", total,
			total / files->count);
out:
	free(obj);
	free(tmp);
	free(bpftool);
	free_found();
	return rc;
}
