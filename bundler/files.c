/* Files for the bumble CLI: read whole, written atomically (a temporary
 * file and a rename), an output checked before any work (its directory,
 * its kind, not an input), and private temporary directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundler.h"

int read_file(const char *path, unsigned char **data, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	size_t done = 0;
	/* O_NONBLOCK: opening a FIFO with no writer must not wait for one;
	 * a regular file's reads ignore it */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int e = errno;

		close(fd);
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return -e;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}

const char *file_error(int e)
{
	if (e == -EINVAL)
		return "not a regular file (a device, a FIFO or a socket)";
	return strerror(-e);
}

int check_output_dir(const char *path)
{
	char *copy = strdup(path);
	struct stat st;
	const char *dir;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (stat(dir, &st) != 0) {
		err("cannot write '%s': directory '%s' does not exist; create "
		    "it first (mkdir -p %s)",
		    path, dir, dir);
		rc = -ENOENT;
	} else if (!S_ISDIR(st.st_mode)) {
		err("cannot write '%s': '%s' is not a directory", path, dir);
		rc = -ENOTDIR;
	}
	free(copy);
	return rc;
}

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

int check_output(const char *path, const char *const *inputs)
{
	struct stat st, in;

	if (!*path) {
		err("an empty output path; give a file name");
		return -1;
	}
	if (check_output_dir(path))
		return -1;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0; /* a new file */
		err("cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	/* a symbolic link is followed, as cp does, to a regular file */
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0) {
		err("cannot write '%s': it is a symbolic link %s; remove it or "
		    "give another path",
		    path, errno == ELOOP ? "in a loop of links" : "to nothing");
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		err("will not write '%s': it is %s; give a new path or a "
		    "regular file to replace",
		    path, file_kind(st.st_mode));
		return -1;
	}
	for (; inputs && *inputs; inputs++)
		if (stat(*inputs, &in) == 0 && in.st_dev == st.st_dev &&
		    in.st_ino == st.st_ino) {
			err("will not write '%s': it is the input '%s'; give "
			    "another output path",
			    path, *inputs);
			return -1;
		}
	return 0;
}

/* path with its directory resolved: what two spellings of one output
 * (./x, dir/../x) both come to; malloc'ed, NULL if the directory is
 * not there. */
static char *resolved_output(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *dir = NULL, *out = NULL;

	if (d && b)
		dir = realpath(dirname(d), NULL);
	if (dir && asprintf(&out, "%s/%s", dir, basename(b)) < 0)
		out = NULL;
	free(dir);
	free(b);
	free(d);
	return out;
}

int same_output(const char *a, const char *b)
{
	char *ra = resolved_output(a), *rb = resolved_output(b);
	int same = ra && rb ? !strcmp(ra, rb) : !strcmp(a, b);

	free(ra);
	free(rb);
	return same;
}

int write_file_atomic(const char *path, const void *data, size_t size, int mode)
{
	char tmp[PATH_MAX], target[PATH_MAX];
	const unsigned char *p = data;
	struct stat st;
	sigset_t old;
	int fd, e;

	/* through a symbolic link: replace the file it names, not it */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    realpath(path, target))
		path = target;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	/* made and registered with no stop signal between the two */
	cleanup_block(&old);
	fd = mkstemp(tmp);
	e = errno;
	if (fd >= 0)
		cleanup_tmpfile(tmp);
	cleanup_unblock(&old);
	if (fd < 0)
		return -e;
	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			close(fd);
			unlink(tmp);
			cleanup_tmpfile(NULL);
			return -e;
		}
		p += n;
		size -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) || fsync(fd) || close(fd) ||
	    rename(tmp, path)) {
		e = errno;
		unlink(tmp);
		cleanup_tmpfile(NULL);
		return -e;
	}
	cleanup_tmpfile(NULL);
	return 0;
}

int mkdir_noted(const char *dir, int *made)
{
	sigset_t old;
	int e;

	/* made and registered with no stop signal between the two */
	cleanup_block(&old);
	*made = mkdir(dir, 0755) == 0;
	e = errno;
	if (*made)
		cleanup_dir(dir, 1);
	cleanup_unblock(&old);
	if (!*made && e != EEXIST) {
		err("cannot create the directory '%s': %s", dir, strerror(e));
		return -e;
	}
	return 0;
}

char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	sigset_t old;
	char *dir;
	int made, e;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&dir, "%s/bumble.XXXXXX", base) < 0)
		return NULL;
	/* made and registered with no stop signal between the two */
	cleanup_block(&old);
	made = mkdtemp(dir) != NULL;
	e = errno;
	if (made)
		cleanup_dir(dir, 1);
	cleanup_unblock(&old);
	if (!made) {
		err("cannot create a temporary directory in %s: %s", base,
		    strerror(e));
		free(dir);
		return NULL;
	}
	return dir;
}

void tmpdir_rm(char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir)
		return;
	cleanup_dir(dir, 0);
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d))) {
			char *p;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (asprintf(&p, "%s/%s", dir, e->d_name) >= 0) {
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}
