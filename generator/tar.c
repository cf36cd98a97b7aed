/* Deterministic ustar archives in memory: fixed owners, modes and times,
 * entries in the order given. OCI layers and archives are made of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

static int grow(struct tar *t, size_t n)
{
	unsigned char *grown;
	size_t cap = t->cap ? t->cap : 65536;

	if (t->len + n <= t->cap)
		return 0;
	while (cap < t->len + n)
		cap *= 2;
	grown = realloc(t->buf, cap);
	if (!grown)
		return -1;
	t->buf = grown;
	t->cap = cap;
	return 0;
}

static int add_entry(struct tar *t, const char *name, const void *data,
		     size_t size, int mode, char type)
{
	unsigned char *h;
	unsigned int sum = 0;
	size_t padded = (size + 511) / 512 * 512;

	if (strlen(name) >= 100 || grow(t, 512 + padded))
		return -1;
	h = t->buf + t->len;
	memset(h, 0, 512 + padded);
	memcpy(h, name, strlen(name));
	snprintf((char *)h + 100, 8, "%07o", mode);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011lo", (unsigned long)size);
	snprintf((char *)h + 136, 12, "%011lo", (unsigned long)t->mtime);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	if (size)
		memcpy(h + 512, data, size);
	t->len += 512 + padded;
	return 0;
}

int tar_add_file(struct tar *t, const char *name, const void *data, size_t size,
		 int mode)
{
	return add_entry(t, name, data, size, mode, '0');
}

int tar_add_dir(struct tar *t, const char *name)
{
	return add_entry(t, name, NULL, 0, 0755, '5');
}

int tar_finish(struct tar *t)
{
	if (grow(t, 1024))
		return -1;
	memset(t->buf + t->len, 0, 1024);
	t->len += 1024;
	return 0;
}

void tar_free(struct tar *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
