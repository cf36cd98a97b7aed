/* bumble's data tree (per-arch stubs and kits, BPF headers, release
 * data): carried inside bumble (lib_tree.S), unpacked once per build into
 * a private cache keyed by its digest, each file checked before use. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "bundler.h"
#include "registry.h"

/* toolchain/pack-tree.c's archive, linked in by lib_tree.S */
extern const unsigned char bumble_tree[], bumble_tree_end[];

#define TREE_MAGIC "bumble-tree 1\n"

struct tree_file {
	const char *path; /* relative, into index */
	unsigned mode;
	size_t size;
	unsigned char sha[32];
	int checked; /* this run: matches its digest */
};

static struct {
	int state;  /* 0: not yet, 1: ready, -1: failed (said why) */
	char *dir;  /* the tree in use */
	int cached; /* dir is the cache, checked; not BUMBLE_LIBDIR */
	char *base; /* the cache: BUMBLE_CACHE, or .../bumble */
	char id[33];
	char *index; /* the index text, NUL-terminated lines */
	struct tree_file *files;
	size_t count;
	const unsigned char *stream; /* the zlib stream */
	size_t stream_size;
} tree;

static const char fix[] =
    "set BUMBLE_CACHE to a directory of your own that you can write";

static int sha256_of(const void *data, size_t n, unsigned char out[32])
{
	unsigned int len = 32;

	return EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) ? 0 : -1;
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return s[2 * n] == ' ' ? 0 : -1;
}

/* The index of the archive bumble carries, and its id: the first 16
 * bytes of the index's SHA-256, which covers every file's digest. */
static int parse_index(void)
{
	const unsigned char *a = bumble_tree, *end;
	size_t size = (size_t)(bumble_tree_end - bumble_tree), len;
	unsigned char sha[32];
	char *line;

	if (tree.index)
		return 0;
	end = memmem(a, size, "\n\n", 2);
	if (size < sizeof(TREE_MAGIC) ||
	    memcmp(a, TREE_MAGIC, sizeof(TREE_MAGIC) - 1) || !end)
		return -1;
	len = (size_t)(end - a) + 1;
	if (sha256_of(a, len, sha))
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(tree.id + 2 * i, 3, "%02x", sha[i]);
	tree.stream = end + 2;
	tree.stream_size = size - len - 1;
	tree.index = strndup((const char *)a, len);
	if (!tree.index)
		return -1;
	for (size_t i = 0; i < len; i++)
		tree.count += a[i] == '\n';
	tree.count--; /* the magic line */
	tree.files = calloc(tree.count, sizeof(*tree.files));
	if (!tree.files)
		return -1;
	line = tree.index + sizeof(TREE_MAGIC) - 1;
	for (size_t i = 0; i < tree.count; i++) {
		struct tree_file *f = &tree.files[i];
		char *nl = strchr(line, '\n'), *sha_at;
		int at = 0;

		*nl = '\0';
		if (sscanf(line, "%o %zu %n", &f->mode, &f->size, &at) != 2 ||
		    !at)
			return -1;
		sha_at = line + at;
		if (strlen(sha_at) < 66 || unhex(sha_at, f->sha, 32))
			return -1;
		f->path = sha_at + 65;
		if (f->path[0] == '/' || strstr(f->path, ".."))
			return -1;
		line = nl + 1;
	}
	return 0;
}

/* Where the cache is: BUMBLE_CACHE, else XDG_CACHE_HOME/bumble, else
 * HOME/.cache/bumble; NULL when none is set. */
static char *cache_base(void)
{
	const char *env = getenv("BUMBLE_CACHE");
	const char *home = getenv("HOME");
	char *dir;
	size_t n;

	if (env && *env)
		dir = strdup(env);
	else if ((!getenv("XDG_CACHE_HOME") || !*getenv("XDG_CACHE_HOME")) &&
		 (!home || !*home))
		return NULL;
	else
		dir = user_dir(USER_CACHE, "");
	n = dir ? strlen(dir) : 0;
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	return dir;
}

/* A directory of the cache must be bumble's user's alone: anyone else
 * who could write there could change a header before clang reads it. */
static int check_private(const char *path, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode)) {
		err("bumble's cache %s is not a directory; remove it or %s",
		    path, fix);
		return -1;
	}
	if (st->st_uid != geteuid()) {
		err("bumble's cache %s belongs to uid %u, not to you (uid "
		    "%u): refusing to use it; %s",
		    path, (unsigned)st->st_uid, (unsigned)geteuid(), fix);
		return -1;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		err("bumble's cache %s is writable by others (mode %03o): "
		    "refusing to use it; chmod go-w it or %s",
		    path, (unsigned)(st->st_mode & 0777), fix);
		return -1;
	}
	return 0;
}

/* Is name, in the cache, what a bumble left that no bumble uses: a
 * temporary directory (ID.tmp-PID-XXXXXX) of an unpacker that is gone
 * (killed mid-way); with all, also another build's tree (ID) or a
 * damaged one moved aside (ID.broken)? */
static int leftover(const char *name, int all)
{
	long pid;

	if (strspn(name, "0123456789abcdef") != 32)
		return 0;
	if (!strncmp(name + 32, ".tmp-", 5)) {
		pid = strtol(name + 37, NULL, 10);
		return pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH;
	}
	if (!all)
		return 0;
	if (!name[32])
		return strncmp(name, tree.id, 32) != 0;
	return !strcmp(name + 32, ".broken");
}

/* Removes the leftovers (all: every kind) from the cache, saying each
 * when told to. */
static void remove_leftovers(int all, int say)
{
	DIR *d = opendir(tree.base);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path;

		if (!leftover(e->d_name, all) ||
		    asprintf(&path, "%s/%s", tree.base, e->d_name) < 0)
			continue;
		cleanup_remove_tree(path);
		if (say)
			printf("removed %s\n", path);
		free(path);
	}
	closedir(d);
}

/* The file being unpacked: its bytes come in pieces. */
struct unpacking {
	const char *top;
	size_t next; /* index of the next file to open */
	int fd;
	size_t left;
	EVP_MD_CTX *md;
};

static int open_next(struct unpacking *u)
{
	const struct tree_file *f = &tree.files[u->next];
	char *path, *slash;
	int e = 0;

	if (asprintf(&path, "%s/%s", u->top, f->path) < 0)
		return -ENOMEM;
	slash = strrchr(path, '/');
	*slash = '\0';
	e = mkdirs(path, 0755);
	*slash = '/';
	if (!e) {
		u->fd = open(
		    path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
		e = u->fd < 0 ? -errno : 0;
	}
	free(path);
	if (e)
		return e;
	u->left = f->size;
	return EVP_DigestInit_ex(u->md, EVP_sha256(), NULL) ? 0 : -ENOMEM;
}

/* The file just written: its digest as the index says, its mode. */
static int close_file(struct unpacking *u)
{
	const struct tree_file *f = &tree.files[u->next];
	unsigned char sha[32];
	int e = 0;

	if (!EVP_DigestFinal_ex(u->md, sha, NULL) || memcmp(sha, f->sha, 32))
		e = -EBADMSG;
	else if (fchmod(u->fd, f->mode & 0755))
		e = -errno;
	if (close(u->fd) && !e)
		e = -errno;
	u->fd = -1;
	u->next++;
	return e;
}

static int write_piece(struct unpacking *u, const unsigned char *p, size_t n)
{
	while (n) {
		size_t take;
		ssize_t w;
		int e;

		while (u->fd >= 0 && !u->left)
			if ((e = close_file(u)))
				return e;
		if (u->fd < 0) {
			if (u->next == tree.count)
				return -EBADMSG; /* more bytes than files */
			if ((e = open_next(u)))
				return e;
			continue;
		}
		take = n < u->left ? n : u->left;
		w = write(u->fd, p, take);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		EVP_DigestUpdate(u->md, p, (size_t)w);
		p += w;
		n -= (size_t)w;
		u->left -= (size_t)w;
	}
	return 0;
}

/* Every file of the archive into top, each checked against its digest
 * as it is written: 0 or -errno (-EBADMSG: the archive is damaged). */
static int unpack_into(const char *top)
{
	static unsigned char buf[1 << 17];
	struct unpacking u = {top, 0, -1, 0, EVP_MD_CTX_new()};
	z_stream z;
	int zr, e = 0;

	memset(&z, 0, sizeof(z));
	if (!u.md || inflateInit(&z) != Z_OK) {
		EVP_MD_CTX_free(u.md);
		return -ENOMEM;
	}
	z.next_in = (unsigned char *)tree.stream;
	z.avail_in = (uInt)tree.stream_size;
	do {
		z.next_out = buf;
		z.avail_out = sizeof(buf);
		zr = inflate(&z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			e = -EBADMSG;
		else
			e = write_piece(&u, buf, sizeof(buf) - z.avail_out);
	} while (!e && zr != Z_STREAM_END);
	/* the last file, and any empty ones after it */
	while (!e && u.next < tree.count) {
		if (u.fd < 0)
			e = open_next(&u);
		if (!e)
			e = u.left ? -EBADMSG : close_file(&u);
	}
	if (u.fd >= 0)
		close(u.fd);
	inflateEnd(&z);
	EVP_MD_CTX_free(u.md);
	return e;
}

/* The archive unpacked into a temporary directory beside the cache's
 * place, then renamed into it: a reader never sees half a tree. When
 * another bumble got there first, its tree is used and this one goes. */
static int unpack(void)
{
	char *tmp;
	int e;

	remove_leftovers(0, 0);
	if (asprintf(&tmp, "%s/%s.tmp-%ld-XXXXXX", tree.base, tree.id,
		     (long)getpid()) < 0)
		return -1;
	if (!mkdtemp(tmp)) {
		err("cannot write bumble's cache in %s: %s; %s", tree.base,
		    strerror(errno), fix);
		free(tmp);
		return -1;
	}
	cleanup_dir(tmp, 1);
	e = unpack_into(tmp);
	if (!e && rename(tmp, tree.dir) && errno != EEXIST &&
	    errno != ENOTEMPTY)
		e = -errno;
	if (e == -EBADMSG)
		err("the data bumble carries is damaged; rebuild bumble");
	else if (e)
		err("cannot unpack bumble's data into %s: %s; %s", tree.base,
		    strerror(-e), fix);
	cleanup_remove_tree(tmp); /* gone if renamed */
	cleanup_dir(tmp, 0);
	free(tmp);
	return e ? -1 : 0;
}

/* The cache's directory for this build: made (unpacked) when missing,
 * and refused when it is not a directory of this user's alone. */
static int open_cache(void)
{
	struct stat st;
	int e;

	tree.base = cache_base();
	if (!tree.base) {
		err("bumble has nowhere to unpack its data: none of "
		    "BUMBLE_CACHE, XDG_CACHE_HOME and HOME is set; %s",
		    fix);
		return -1;
	}
	if (asprintf(&tree.dir, "%s/%s", tree.base, tree.id) < 0)
		return -1;
	e = mkdirs(tree.base, 0700);
	if (e) {
		err("cannot make bumble's cache %s: %s; %s", tree.base,
		    strerror(-e), fix);
		return -1;
	}
	/* the cache itself may be a link (~/.cache often is): followed */
	if (stat(tree.base, &st) || check_private(tree.base, &st))
		return -1;
	e = lstat(tree.dir, &st) ? errno : 0;
	if (e == ENOENT) {
		if (unpack())
			return -1;
		e = lstat(tree.dir, &st) ? errno : 0;
	}
	if (e) {
		err("cannot use bumble's cache %s: %s; %s", tree.dir,
		    strerror(e), fix);
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		err("bumble's cache %s is a symbolic link: refusing to use "
		    "it; remove it or %s",
		    tree.dir, fix);
		return -1;
	}
	return check_private(tree.dir, &st);
}

/* Ready to use: BUMBLE_LIBDIR (a development tree, used as it is), or
 * the cache. 0, or -1 having said why (once). */
static int tree_ready(void)
{
	const char *env = getenv("BUMBLE_LIBDIR");

	if (tree.state)
		return tree.state > 0 ? 0 : -1;
	tree.state = -1;
	if (env && *env) {
		tree.dir = strdup(env);
		if (!tree.dir)
			return -1;
		tree.state = 1;
		return 0;
	}
	if (parse_index()) {
		err("the data bumble carries is damaged; rebuild bumble");
		return -1;
	}
	if (open_cache())
		return -1;
	tree.cached = 1;
	tree.state = 1;
	return 0;
}

/* Is the cache's file f as bumble wrote it? NULL, or what is wrong. */
static const char *file_problem(const struct tree_file *f)
{
	static unsigned char buf[1 << 16];
	unsigned char sha[32];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	const char *problem = NULL;
	struct stat st;
	char *path;
	ssize_t n;
	int fd;

	if (!md || asprintf(&path, "%s/%s", tree.dir, f->path) < 0) {
		EVP_MD_CTX_free(md);
		return "unreadable";
	}
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode))
		problem = "missing";
	else if ((size_t)st.st_size != f->size)
		problem =
		    (size_t)st.st_size < f->size ? "truncated" : "modified";
	else if ((st.st_mode & 0777) != (f->mode & 0755))
		problem = "changed in mode";
	else if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		problem = "unreadable";
	while (!problem && (n = read(fd, buf, sizeof(buf))) > 0)
		EVP_DigestUpdate(md, buf, (size_t)n);
	if (!problem && (n < 0 || !EVP_DigestFinal_ex(md, sha, NULL) ||
			 memcmp(sha, f->sha, 32)))
		problem = "modified";
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(md);
	return problem;
}

static int under(const char *path, const char *rel)
{
	size_t n = strlen(rel);

	return !strncmp(path, rel, n) && (!path[n] || path[n] == '/');
}

/* Files of the cache under rel that bumble did not write: a header
 * there could shadow one of the tree's. */
static char walk_extra[4096];

static int find_extra(const char *path, const struct stat *st, int type,
		      struct FTW *ftw)
{
	const char *rel = path + strlen(tree.dir) + 1;

	(void)st;
	(void)ftw;
	if (type == FTW_D || type == FTW_DP || !strcmp(path, tree.dir))
		return 0;
	for (size_t i = 0; i < tree.count; i++)
		if (!strcmp(tree.files[i].path, rel))
			return 0;
	snprintf(walk_extra, sizeof(walk_extra), "%s", rel);
	return 1;
}

/* The first problem of the files under rel, NULL when each matches. */
static const char *tree_problem(const char *rel, const char **which)
{
	char *top;
	int found;

	for (size_t i = 0; i < tree.count; i++) {
		struct tree_file *f = &tree.files[i];
		const char *p;

		if (f->checked || !under(f->path, rel))
			continue;
		p = file_problem(f);
		if (p) {
			*which = f->path;
			return p;
		}
		f->checked = 1;
	}
	if (asprintf(&top, "%s/%s", tree.dir, rel) < 0)
		return NULL;
	walk_extra[0] = '\0';
	found = nftw(top, find_extra, 16, FTW_PHYS) == 1;
	free(top);
	if (found) {
		*which = walk_extra;
		return "not bumble's";
	}
	return NULL;
}

/* A damaged cache: moved aside (DIR.broken, replacing an older one) for
 * a look, and unpacked again. */
static int rebuild(const char *rel, const char *which, const char *problem)
{
	char *aside;
	int rc;

	if (asprintf(&aside, "%s.broken", tree.dir) < 0)
		return -1;
	warn("bumble's cache %s was damaged (%s %s): moved aside to %s and "
	     "unpacked again",
	     tree.dir, which, problem, aside);
	cleanup_remove_tree(aside);
	if (rename(tree.dir, aside) && errno != ENOENT) {
		err("cannot move %s aside: %s; %s", tree.dir, strerror(errno),
		    fix);
		free(aside);
		return -1;
	}
	free(aside);
	for (size_t i = 0; i < tree.count; i++)
		tree.files[i].checked = 0;
	rc = unpack();
	if (!rc && tree_problem(rel, &which)) {
		err("bumble's cache %s is damaged again just after it was "
		    "unpacked (%s); %s",
		    tree.dir, which, fix);
		rc = -1;
	}
	return rc;
}

const char *libdir(void)
{
	return tree_ready() ? NULL : tree.dir;
}

char *lib_path(const char *rel)
{
	const char *which = NULL, *problem;
	char *path;

	if (tree_ready())
		return NULL;
	if (tree.cached) {
		problem = tree_problem(rel, &which);
		if (problem && rebuild(rel, which, problem))
			return NULL;
	}
	return asprintf(&path, "%s/%s", tree.dir, rel) < 0 ? NULL : path;
}

int lib_has(const char *rel)
{
	const char *env = getenv("BUMBLE_LIBDIR");
	char *path;
	int has;

	if (env && *env) {
		if (asprintf(&path, "%s/%s", env, rel) < 0)
			return 0;
		has = access(path, R_OK) == 0;
		free(path);
		return has;
	}
	if (parse_index())
		return 0;
	for (size_t i = 0; i < tree.count; i++)
		if (under(tree.files[i].path, rel))
			return 1;
	return 0;
}

int lib_cache_clean(void)
{
	if (tree_ready())
		return -1;
	if (tree.cached)
		remove_leftovers(1, 1);
	return 0;
}
