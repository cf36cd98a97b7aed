/* Packs a directory tree (build/lib/bumble) into the archive bumble
 * carries (bundler/lib_cache.c reads it): a sorted index, then one zlib
 * stream of every file's bytes. Deterministic: no times, no owners.
 *
 *   pack-tree DIR OUT
 *
 * The format: "bumble-tree 1\n", a line "MODE SIZE SHA256 PATH\n" per
 * regular file (MODE 755 or 644 in octal, SIZE in decimal, PATH relative
 * to DIR, paths in byte order), an empty line, then the files' contents
 * in that order as one zlib stream (deflate, level 9). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "sha256.h"

struct packed {
	char *path; /* relative to the tree */
	unsigned mode;
	unsigned char *data;
	size_t size;
};

static struct packed *files;
static size_t count, cap;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "pack-tree: %s: %s\n", path, what);
	exit(1);
}

static unsigned char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t n = 0, got;

	if (!f)
		die(strerror(errno), path);
	do {
		data = realloc(data, n + 65536);
		if (!data)
			die("out of memory", path);
		got = fread(data + n, 1, 65536, f);
		n += got;
	} while (got == 65536);
	if (ferror(f))
		die("read error", path);
	fclose(f);
	*size = n;
	return data;
}

/* Every regular file under top/rel, in any order (sorted later); a
 * symbolic link is packed as what it names. */
static void walk(const char *top, const char *rel)
{
	char dir[4096], path[4096], sub[4096];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s%s%s", top, *rel ? "/" : "", rel);
	d = opendir(dir);
	if (!d)
		die(strerror(errno), dir);
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
			 e->d_name);
		snprintf(path, sizeof(path), "%s/%s", top, sub);
		if (strchr(sub, '\n') || strchr(sub, ' '))
			die("a space or newline in a file name", path);
		if (stat(path, &st))
			die(strerror(errno), path);
		if (S_ISDIR(st.st_mode)) {
			walk(top, sub);
			continue;
		}
		if (!S_ISREG(st.st_mode))
			die("neither a file nor a directory", path);
		if (count == cap) {
			cap = cap ? cap * 2 : 256;
			files = realloc(files, cap * sizeof(*files));
			if (!files)
				die("out of memory", path);
		}
		files[count].path = strdup(sub);
		files[count].mode = st.st_mode & 0111 ? 0755 : 0644;
		files[count].data = slurp(path, &files[count].size);
		count++;
	}
	closedir(d);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct packed *)a)->path,
		      ((const struct packed *)b)->path);
}

static void put(FILE *out, const void *data, size_t n, const char *path)
{
	if (fwrite(data, 1, n, out) != n)
		die("write error", path);
}

/* Deflates every file's bytes, in index order, into out. */
static void deflate_all(FILE *out, const char *path)
{
	static unsigned char buf[1 << 16];
	z_stream z;
	int zr;

	memset(&z, 0, sizeof(z));
	if (deflateInit(&z, 9) != Z_OK)
		die("deflateInit failed", path);
	for (size_t i = 0; i <= count; i++) {
		int last = i == count;

		z.next_in = last ? NULL : files[i].data;
		z.avail_in = last ? 0 : (uInt)files[i].size;
		do {
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			zr = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
			if (zr == Z_STREAM_ERROR)
				die("deflate failed", path);
			put(out, buf, sizeof(buf) - z.avail_out, path);
		} while (z.avail_out == 0 || (last && zr != Z_STREAM_END));
	}
	deflateEnd(&z);
}

int main(int argc, char **argv)
{
	char tmp[4096], digest[72];
	FILE *out;

	if (argc != 3) {
		fprintf(stderr, "usage: pack-tree DIR OUT\n");
		return 2;
	}
	walk(argv[1], "");
	qsort(files, count, sizeof(*files), by_path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
	out = fopen(tmp, "wb");
	if (!out)
		die(strerror(errno), tmp);
	fputs("bumble-tree 1\n", out);
	for (size_t i = 0; i < count; i++) {
		sha256_digest_string(files[i].data, files[i].size, digest);
		fprintf(out, "%o %zu %s %s\n", files[i].mode, files[i].size,
			digest + 7, files[i].path);
	}
	fputc('\n', out);
	deflate_all(out, tmp);
	if (fclose(out) || rename(tmp, argv[2]))
		die(strerror(errno), argv[2]);
	return 0;
}
