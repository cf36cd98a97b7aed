/* The local image store (local_store.c): an OCI image layout in
 * $XDG_DATA_HOME/bumble/store, its refs named HOST/REPO:TAG. pull and
 * run fill it, images lists it, tag and rmi change it. */
#ifndef BUMBLE_LOCAL_STORE_H
#define BUMBLE_LOCAL_STORE_H

#include <stdio.h>

#include "pull.h"

/* The store's name for ref: HOST/REPO:TAG, or HOST/REPO@DIGEST. */
char *store_name(const struct reg_ref *ref);
/* Adds the image's blobs and names it. Exit code. */
int store_put(const char *name, const struct pulled_image *img);
/* The image named name, every blob checked again. Exit code; STORE_MISSING
 * (silently) when the store has no such name. */
enum {
	STORE_MISSING = -1
};
int store_get(const char *name, struct pulled_image *img);
/* REFERENCE, DIGEST and SIZE of every image, to out. Exit code. */
int store_list(FILE *out);
/* Names src's image dst too. Exit code. */
int store_tag(const char *src, const char *dst);
/* Forgets name, and the blobs no other name needs. Exit code. */
int store_remove(const char *name);

#endif
