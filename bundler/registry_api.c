/* The OCI distribution API calls bumble makes: blobs checked (HEAD),
 * mounted, uploaded whole or in chunks (PATCH with Content-Range, always
 * to the newest Location), fetched and verified; manifests put and got. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry_int.h"

/* Uploads larger than this go in chunks of this size. */
static size_t chunk_size(void)
{
	const char *env = getenv("BUMBLE_PUSH_CHUNK");
	size_t n = env ? strtoull(env, NULL, 10) : 0;

	return n >= 1024 ? n : 16u << 20;
}

static void reg_buf_drop(struct reg_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static int call(struct registry *r, struct reg_req *q, const char *doing,
		long ok1, long ok2)
{
	if (reg_do(r, q))
		return -1;
	if (q->status == ok1 || q->status == ok2)
		return 0;
	reg_status_error(r, q, doing);
	return -1;
}

int registry_ping(struct registry *r, int *asked)
{
	struct reg_req q = {.method = "GET", .url = "/v2/"};
	int rc = call(r, &q, "the API check (GET /v2/)", 200, 200);

	*asked = r->auth != NULL;
	reg_req_free(&q);
	return rc ? EXIT_FAIL : EXIT_OK;
}

int registry_blob_exists(struct registry *r, const char *repo,
			 const char *digest)
{
	struct reg_req q = {.method = "HEAD"};
	char *url;
	int rc = -1;

	if (asprintf(&url, "/v2/%s/blobs/%s", repo, digest) < 0)
		return -1;
	q.url = url;
	if (!reg_do(r, &q)) {
		if (q.status == 200)
			rc = 1;
		else if (q.status == 404)
			rc = 0;
		else
			reg_status_error(r, &q, "checking a blob");
	}
	reg_req_free(&q);
	free(url);
	return rc;
}

/* The upload URL Location with the query key=value added (the value
 * escaped), malloc'ed. */
static char *with_query(struct registry *r, const char *location,
			const char *key, const char *value)
{
	char *v = curl_easy_escape(r->curl, value, 0), *url = NULL;

	if (v && asprintf(&url, "%s%c%s=%s", location,
			  strchr(location, '?') ? '&' : '?', key, v) < 0)
		url = NULL;
	curl_free(v);
	return url;
}

static int next_location(struct registry *r, const struct reg_req *q,
			 char **location)
{
	if (!*q->location) {
		err("%s: the upload answer has no Location", r->host);
		return -1;
	}
	free(*location);
	*location = strdup(q->location);
	return *location ? 0 : -1;
}

static int upload(struct registry *r, const char *repo, const char *from,
		  const char *digest, const void *data, size_t size)
{
	struct reg_req q = {.method = "POST"};
	char *url = NULL, *location = NULL, range[64], what[40];
	size_t chunk = chunk_size(), done = 0;
	int rc = -1;

	snprintf(what, sizeof(what), "blob %.19s", digest);
	if (from && strcmp(from, repo)) {
		char *v = curl_easy_escape(r->curl, from, 0);

		if (!v ||
		    asprintf(&url, "/v2/%s/blobs/uploads/?mount=%s&from=%s",
			     repo, digest, v) < 0)
			url = NULL;
		curl_free(v);
	} else if (asprintf(&url, "/v2/%s/blobs/uploads/", repo) < 0) {
		url = NULL;
	}
	if (!url)
		goto out;
	q.url = url;
	if (call(r, &q, "starting an upload", 201, 202))
		goto out;
	if (q.status == 201) { /* mounted */
		rc = 0;
		goto out;
	}
	if (next_location(r, &q, &location))
		goto out;
	while (size > chunk && done < size) {
		size_t n = size - done < chunk ? size - done : chunk;

		reg_req_free(&q);
		snprintf(range, sizeof(range), "%zu-%zu", done, done + n - 1);
		q = (struct reg_req){.method = "PATCH",
				     .url = location,
				     .content_type = "application/octet-stream",
				     .content_range = range,
				     .body = (const char *)data + done,
				     .body_len = n,
				     .what = what};
		if (call(r, &q, "uploading a chunk", 202, 202) ||
		    next_location(r, &q, &location))
			goto out;
		done += n;
	}
	free(url);
	url = with_query(r, location, "digest", digest);
	if (!url)
		goto out;
	reg_req_free(&q);
	q = (struct reg_req){.method = "PUT",
			     .url = url,
			     .content_type = "application/octet-stream",
			     .body = done ? NULL : data,
			     .body_len = done ? 0 : size,
			     .what = what};
	rc = call(r, &q, "finishing an upload", 201, 201);
out:
	reg_req_free(&q);
	free(url);
	free(location);
	return rc;
}

int registry_blob_push(struct registry *r, const char *repo,
		       const char *from_repo, const char *digest,
		       const void *data, size_t size)
{
	int have = registry_blob_exists(r, repo, digest);

	if (have < 0)
		return EXIT_FAIL;
	if (have)
		return EXIT_OK;
	return upload(r, repo, from_repo, digest, data, size) ? EXIT_FAIL
							      : EXIT_OK;
}

int registry_blob_get(struct registry *r, const char *repo, const char *digest,
		      size_t size, struct reg_buf *out)
{
	struct sha256 h;
	struct reg_req q = {.method = "GET", .out = out, .hash = &h};
	char *url, got[72], what[40];
	int rc = EXIT_FAIL;

	memset(out, 0, sizeof(*out));
	if (size > REG_BLOB_MAX) {
		err("%s: blob %.19s... is %zu bytes, more than bumble takes",
		    r->host, digest, size);
		return EXIT_FAIL;
	}
	out->max = size;
	snprintf(what, sizeof(what), "blob %.19s", digest);
	q.what = what;
	if (asprintf(&url, "/v2/%s/blobs/%s", repo, digest) < 0)
		return EXIT_FAIL;
	q.url = url;
	if (call(r, &q, "fetching a blob", 200, 200))
		goto out;
	sha256_final_string(&h, got);
	if (out->len != size || strcmp(got, digest)) {
		err("%s: blob %s is damaged: %zu bytes with digest %s, "
		    "expected %zu bytes; refused",
		    r->host, digest, out->len, got, size);
		goto out;
	}
	rc = EXIT_OK;
out:
	if (rc)
		reg_buf_drop(out);
	reg_req_free(&q);
	free(url);
	return rc;
}

int registry_manifest_put(struct registry *r, const char *repo, const char *ref,
			  const char *media_type, const void *data, size_t size)
{
	struct reg_req q = {.method = "PUT",
			    .content_type = media_type,
			    .body = data,
			    .body_len = size};
	char *url;
	int rc;

	if (asprintf(&url, "/v2/%s/manifests/%s", repo, ref) < 0)
		return EXIT_FAIL;
	q.url = url;
	rc = call(r, &q, "putting the manifest", 201, 201);
	reg_req_free(&q);
	free(url);
	return rc ? EXIT_FAIL : EXIT_OK;
}

int registry_manifest_get(struct registry *r, const char *repo, const char *ref,
			  struct reg_buf *out, char media_type[128],
			  char digest[72])
{
	struct reg_req q = {.method = "GET",
			    .accept = OCI_MANIFEST_TYPE
			    ", " OCI_INDEX_TYPE ", " DOCKER_MANIFEST_TYPE
			    ", " DOCKER_LIST_TYPE,
			    .out = out,
			    .what = "manifest"};
	char *url;
	int rc = EXIT_FAIL;

	memset(out, 0, sizeof(*out));
	out->max = REG_MANIFEST_MAX;
	if (asprintf(&url, "/v2/%s/manifests/%s", repo, ref) < 0)
		return EXIT_FAIL;
	q.url = url;
	if (reg_do(r, &q))
		goto out;
	if (q.status == 404) {
		err("%s: %s:%s not found", r->host, repo, ref);
		goto out;
	}
	if (q.status != 200) {
		reg_status_error(r, &q, "fetching the manifest");
		goto out;
	}
	sha256_digest_string(out->data, out->len, digest);
	if (!strncmp(ref, "sha256:", 7) && strcmp(ref, digest)) {
		err("%s: manifest %s came with digest %s; refused", r->host,
		    ref, digest);
		goto out;
	}
	snprintf(media_type, 128, "%s", q.got_type);
	if (strchr(media_type, ';'))
		*strchr(media_type, ';') = 0;
	rc = EXIT_OK;
out:
	if (rc)
		reg_buf_drop(out);
	reg_req_free(&q);
	free(url);
	return rc;
}
