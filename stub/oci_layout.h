/* An OCI image layout (oci-layout, index.json, blobs/sha256/HEX): what
 * goes in it and in which order. Shared by the tool's --extract and bumble
 * export, which write it into a directory or a tar through a sink. */
#ifndef BUMBLE_OCI_LAYOUT_H
#define BUMBLE_OCI_LAYOUT_H

#include <stddef.h>

struct oci_blob {
	const char *media_type;
	const void *data;
	size_t size;
	char digest[72]; /* sha256:HEX */
};

/* A manifest listed in index.json under a ref name (NULL: none, as for
 * a referrer such as an SBOM, found by its artifactType and subject). */
struct oci_ref {
	const struct oci_blob *manifest;
	const char *name;	   /* org.opencontainers.image.ref.name */
	const char *artifact_type; /* NULL: none */
};

struct oci_layout {
	const struct oci_blob *const *blobs; /* duplicates are written once */
	size_t blob_count;
	const struct oci_ref *refs;
	size_t ref_count;
};

/* Where a layout goes: each call gets a path inside the layout and
 * returns 0 or a negative errno. */
struct oci_layout_sink {
	int (*dir)(void *ctx, const char *path); /* blobs, blobs/sha256 */
	int (*file)(void *ctx, const char *path, const void *data, size_t size);
	void *ctx;
};

/* Points b at data and computes its digest. */
void oci_blob_set(struct oci_blob *b, const char *media_type, const void *data,
		  size_t size);

/* index.json: compact, every string escaped; malloc'ed, NULL when out of
 * memory. */
char *oci_layout_index(const struct oci_layout *l, size_t *len);

/* Writes blobs/, blobs/sha256/, each blob once in digest order, then
 * index.json and oci-layout. 0, or the first error of the sink. */
int oci_layout_write(const struct oci_layout *l,
		     const struct oci_layout_sink *sink);

/* Writes the layout below the directory dirfd, never following a link
 * (beneath.c). 0 or a negative errno. */
int oci_layout_write_dir(const struct oci_layout *l, int dirfd);

#endif
