/* Files below a directory, never through a link: every component of a
 * path opened with O_NOFOLLOW, relative to the one before. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"

#define DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* The directory holding path's last component, opened (the caller
 * closes it), and that component in *last; or a negative errno. */
static int open_parent(int dirfd, const char *path, const char **last)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	const char *slash;

	if (fd < 0)
		return -errno;
	while ((slash = strchr(path, '/'))) {
		char name[256];
		size_t n = (size_t)(slash - path);
		int next;

		if (n == 0 || n >= sizeof(name) ||
		    (n == 2 && !strncmp(path, "..", 2))) {
			close(fd);
			return -EINVAL;
		}
		memcpy(name, path, n);
		name[n] = '\0';
		next = openat(fd, name, DIR_FLAGS);
		close(fd);
		if (next < 0)
			return -errno;
		fd = next;
		path = slash + 1;
	}
	if (!*path || !strcmp(path, "..")) {
		close(fd);
		return -EINVAL;
	}
	*last = path;
	return fd;
}

int beneath_mkdir(int dirfd, const char *path, mode_t mode)
{
	const char *last;
	struct stat st;
	int parent = open_parent(dirfd, path, &last), rc = 0;

	if (parent < 0)
		return parent;
	if (mkdirat(parent, last, mode) != 0) {
		rc = -errno;
		/* there already: fine if it is a directory, not a link */
		if (rc == -EEXIST &&
		    fstatat(parent, last, &st, AT_SYMLINK_NOFOLLOW) == 0)
			rc = S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
	}
	close(parent);
	return rc;
}

int beneath_write(int dirfd, const char *path, const void *data, size_t n,
		  mode_t mode)
{
	const unsigned char *p = data;
	const char *last;
	int parent = open_parent(dirfd, path, &last), fd, rc = 0;

	if (parent < 0)
		return parent;
	fd =
	    openat(parent, last,
		   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	rc = fd < 0 ? -errno : 0;
	close(parent);
	while (!rc && n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = -errno;
		else {
			p += w;
			n -= (size_t)w;
		}
	}
	if (fd >= 0 && close(fd) && !rc)
		rc = -errno;
	return rc;
}
