/* Deterministic ustar archives in memory: fixed owners, modes and times,
 * entries in the order given. OCI layers and archives are made of them. */
#ifndef BUMBLE_TAR_H
#define BUMBLE_TAR_H

#include <stddef.h>

struct tar {
	unsigned char *buf;
	size_t len, cap;
	long long mtime; /* every entry's */
};

int tar_add_file(struct tar *t, const char *name, const void *data, size_t size,
		 int mode);
int tar_add_dir(struct tar *t, const char *name);
int tar_finish(struct tar *t); /* the two zero blocks that end it */
void tar_free(struct tar *t);

#endif
