/* An OCI image layout: its blobs once each in digest order, index.json
 * (escaped as JSON must be, whatever the ref names hold) and oci-layout,
 * written through a sink: a directory, or bumble's tar. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beneath.h"
#include "oci_layout.h"
#include "sha256.h"

#define INDEX_TYPE "application/vnd.oci.image.index.v1+json"

static const char layout_file[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

void oci_blob_set(struct oci_blob *b, const char *media_type, const void *data,
		  size_t size)
{
	b->media_type = media_type;
	b->data = data;
	b->size = size;
	sha256_digest_string(data, size, b->digest);
}

/* s as a JSON string at w: '"' and '\' escaped, control bytes as \u00XX,
 * the rest as it is. w has room for 6 bytes per byte of s, plus 2. */
static char *put_string(char *w, const char *s)
{
	*w++ = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			*w++ = '\\';
			*w++ = (char)c;
		} else if (c < 0x20) {
			w += sprintf(w, "\\u%04x", c);
		} else {
			*w++ = (char)c;
		}
	}
	*w++ = '"';
	return w;
}

static char *put(char *w, const char *s)
{
	size_t n = strlen(s);

	memcpy(w, s, n);
	return w + n;
}

char *oci_layout_index(const struct oci_layout *l, size_t *len)
{
	size_t cap = 128;
	char *text, *w;

	for (size_t i = 0; i < l->ref_count; i++)
		cap += 256 + strlen(l->refs[i].manifest->media_type) * 6 +
		       (l->refs[i].name ? strlen(l->refs[i].name) * 6 : 0) +
		       (l->refs[i].artifact_type
			    ? strlen(l->refs[i].artifact_type) * 6
			    : 0);
	text = malloc(cap);
	if (!text)
		return NULL;
	w = put(text, "{\"schemaVersion\":2,\"mediaType\":\"" INDEX_TYPE
		      "\",\"manifests\":[");
	for (size_t i = 0; i < l->ref_count; i++) {
		const struct oci_blob *m = l->refs[i].manifest;

		w = put(w, i ? ",{\"mediaType\":" : "{\"mediaType\":");
		w = put_string(w, m->media_type);
		w = put(w, ",\"digest\":");
		w = put_string(w, m->digest);
		w += sprintf(w, ",\"size\":%zu", m->size);
		if (l->refs[i].artifact_type) {
			w = put(w, ",\"artifactType\":");
			w = put_string(w, l->refs[i].artifact_type);
		}
		if (l->refs[i].name) {
			w = put(w, ",\"annotations\":{"
				   "\"org.opencontainers.image.ref.name\":");
			w = put_string(w, l->refs[i].name);
			w = put(w, "}");
		}
		w = put(w, "}");
	}
	w = put(w, "]}");
	*w = '\0';
	*len = (size_t)(w - text);
	return text;
}

static int by_digest(const void *a, const void *b)
{
	const struct oci_blob *const *x = a, *const *y = b;

	return strcmp((*x)->digest, (*y)->digest);
}

int oci_layout_write(const struct oci_layout *l,
		     const struct oci_layout_sink *sink)
{
	const struct oci_blob **sorted;
	char path[96], *index;
	size_t n = 0, index_len;
	int rc;

	sorted = malloc((l->blob_count ? l->blob_count : 1) * sizeof(*sorted));
	index = oci_layout_index(l, &index_len);
	if (!sorted || !index) {
		free(sorted);
		free(index);
		return -ENOMEM;
	}
	for (size_t i = 0; i < l->blob_count; i++) {
		int dup = 0;

		for (size_t k = 0; k < n; k++)
			dup |= !strcmp(sorted[k]->digest, l->blobs[i]->digest);
		if (!dup)
			sorted[n++] = l->blobs[i];
	}
	qsort(sorted, n, sizeof(*sorted), by_digest);
	rc = sink->dir(sink->ctx, "blobs");
	if (!rc)
		rc = sink->dir(sink->ctx, "blobs/sha256");
	for (size_t i = 0; i < n && !rc; i++) {
		snprintf(path, sizeof(path), "blobs/sha256/%s",
			 sorted[i]->digest + 7);
		rc = sink->file(sink->ctx, path, sorted[i]->data,
				sorted[i]->size);
	}
	if (!rc)
		rc = sink->file(sink->ctx, "index.json", index, index_len);
	if (!rc)
		rc = sink->file(sink->ctx, "oci-layout", layout_file,
				sizeof(layout_file) - 1);
	free(index);
	free(sorted);
	return rc;
}

static int dir_mkdir(void *ctx, const char *path)
{
	return beneath_mkdir(*(int *)ctx, path, 0755);
}

static int dir_write(void *ctx, const char *path, const void *data, size_t size)
{
	return beneath_write(*(int *)ctx, path, data, size, 0644);
}

int oci_layout_write_dir(const struct oci_layout *l, int dirfd)
{
	struct oci_layout_sink sink = {dir_mkdir, dir_write, &dirfd};

	return oci_layout_write(l, &sink);
}
