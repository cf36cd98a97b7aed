/* Files below a directory, never through a link: each component of a
 * path is opened with O_NOFOLLOW, so a symlink planted in the directory
 * cannot send a write outside it. Shared by the tool and bumble. */
#ifndef BUMBLE_BENEATH_H
#define BUMBLE_BENEATH_H

#include <stddef.h>
#include <sys/types.h>

/* Creates dirfd/path (its parent must exist); an existing directory is
 * fine. 0 or a negative errno. */
int beneath_mkdir(int dirfd, const char *path, mode_t mode);
/* Writes data as dirfd/path, created or truncated. 0 or a negative
 * errno. */
int beneath_write(int dirfd, const char *path, const void *data, size_t n,
		  mode_t mode);

#endif
