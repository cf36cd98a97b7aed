/* The local image store: an OCI image layout (oci-layout, index.json,
 * blobs/sha256/) in $XDG_DATA_HOME/bumble/store, readable by skopeo as
 * oci:DIR:NAME. Blobs are checked on the way in and on the way out;
 * index.json changes under a lock and by a rename. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "local_store.h"
#include "sha256.h"

#define REF_NAME "org.opencontainers.image.ref.name"

char *store_name(const struct reg_ref *ref)
{
	char *name;

	if (ref->tag ? asprintf(&name, "%s/%s:%s", ref->host, ref->repo,
				ref->tag) < 0
		     : asprintf(&name, "%s/%s@%s", ref->host, ref->repo,
				ref->digest) < 0)
		return NULL;
	return name;
}

/* The store, created if need be, locked; the lock's fd or -1. */
static int store_open(char **dir)
{
	char *path = NULL;
	int fd = -1, rc;

	*dir = user_dir(USER_DATA, "store");
	if (!*dir)
		return -1;
	rc = asprintf(&path, "%s/blobs/sha256", *dir) < 0 ? -ENOMEM
							  : mkdirs(path, 0755);
	free(path);
	path = NULL;
	if (!rc && asprintf(&path, "%s/oci-layout", *dir) >= 0 &&
	    access(path, F_OK)) {
		static const char layout[] =
		    "{\"imageLayoutVersion\":\"1.0.0\"}";

		rc = write_file_atomic(path, layout, sizeof(layout) - 1, 0644);
	}
	free(path);
	path = NULL;
	if (!rc && asprintf(&path, "%s/.lock", *dir) >= 0) {
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0 || flock(fd, LOCK_EX))
			rc = -errno;
	}
	free(path);
	if (rc) {
		err("cannot use the image store %s: %s", *dir, strerror(-rc));
		if (fd >= 0)
			close(fd);
		free(*dir);
		*dir = NULL;
		return -1;
	}
	return fd;
}

static void store_close(char *dir, int lock)
{
	close(lock);
	free(dir);
}

static json_t *index_load(const char *dir)
{
	char *path;
	json_t *j = NULL;

	if (asprintf(&path, "%s/index.json", dir) >= 0) {
		j = json_load_file(path, 0, NULL);
		free(path);
	}
	if (!json_is_array(json_object_get(j, "manifests"))) {
		json_decref(j);
		j = json_pack("{s:i,s:[]}", "schemaVersion", 2, "manifests");
	}
	return j;
}

static int index_save(const char *dir, json_t *index)
{
	char *path = NULL, *text = json_dumps(index, JSON_COMPACT);
	int rc = -ENOMEM;

	if (text && asprintf(&path, "%s/index.json", dir) >= 0)
		rc = write_file_atomic(path, text, strlen(text), 0644);
	if (rc)
		err("cannot write the image store's index.json: %s",
		    strerror(-rc));
	free(path);
	free(text);
	return rc ? EXIT_FAIL : EXIT_OK;
}

static const char *entry_name(json_t *e)
{
	return json_string_value(
	    json_object_get(json_object_get(e, "annotations"), REF_NAME));
}

/* The index of name in the manifests, or -1. */
static long find(json_t *index, const char *name)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(index, "manifests"), i, e)
	{
		const char *n = entry_name(e);

		if (n && !strcmp(n, name))
			return (long)i;
	}
	return -1;
}

static char *blob_path(const char *dir, const char *digest)
{
	char *path;

	return asprintf(&path, "%s/blobs/sha256/%s", dir, digest + 7) < 0
		   ? NULL
		   : path;
}

static int blob_put(const char *dir, const char *digest,
		    const struct reg_buf *b)
{
	char *path = blob_path(dir, digest);
	int rc = path ? 0 : -ENOMEM;

	if (path && access(path, F_OK))
		rc = write_file_atomic(path, b->data, b->len, 0644);
	if (rc)
		err("cannot write a blob to the image store: %s",
		    strerror(-rc));
	free(path);
	return rc ? EXIT_FAIL : EXIT_OK;
}

static int blob_get(const char *dir, const char *digest, size_t size,
		    struct reg_buf *b)
{
	char *path = blob_path(dir, digest), got[72];
	int rc;

	memset(b, 0, sizeof(*b));
	rc = path ? read_file(path, &b->data, &b->len) : -ENOMEM;
	free(path);
	if (rc) {
		err("the image store lacks blob %s: %s", digest, strerror(-rc));
		return EXIT_FAIL;
	}
	sha256_digest_string(b->data, b->len, got);
	if (strcmp(got, digest) || (size != (size_t)-1 && b->len != size)) {
		err("the image store's blob %s is damaged; refused (bumble "
		    "rmi the image and pull it again)",
		    digest);
		free(b->data);
		memset(b, 0, sizeof(*b));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int store_put(const char *name, const struct pulled_image *img)
{
	char *dir;
	int lock = store_open(&dir), rc;
	json_t *index, *entry;
	long at;

	if (lock < 0)
		return EXIT_FAIL;
	rc = blob_put(dir, img->desc[0].digest, &img->config);
	if (!rc)
		rc = blob_put(dir, img->desc[1].digest, &img->layer);
	if (!rc)
		rc = blob_put(dir, img->digest, &img->manifest);
	if (rc) {
		store_close(dir, lock);
		return rc;
	}
	index = index_load(dir);
	entry = json_pack(
	    "{s:s,s:s,s:I,s:{s:s}}", "mediaType",
	    *img->manifest_type ? img->manifest_type : OCI_MANIFEST_TYPE,
	    "digest", img->digest, "size", (json_int_t)img->manifest.len,
	    "annotations", REF_NAME, name);
	at = find(index, name);
	if (at >= 0)
		json_array_set_new(json_object_get(index, "manifests"),
				   (size_t)at, entry);
	else
		json_array_append_new(json_object_get(index, "manifests"),
				      entry);
	rc = index_save(dir, index);
	json_decref(index);
	store_close(dir, lock);
	return rc;
}

int store_get(const char *name, struct pulled_image *img)
{
	char *dir;
	int lock = store_open(&dir), rc = STORE_MISSING;
	json_t *index, *e;
	long at;

	memset(img, 0, sizeof(*img));
	if (lock < 0)
		return EXIT_FAIL;
	index = index_load(dir);
	at = find(index, name);
	if (at < 0)
		goto out;
	e = json_array_get(json_object_get(index, "manifests"), (size_t)at);
	snprintf(img->digest, sizeof(img->digest), "%s",
		 json_string_value(json_object_get(e, "digest")) ?: "");
	snprintf(img->manifest_type, sizeof(img->manifest_type), "%s",
		 json_string_value(json_object_get(e, "mediaType")) ?: "");
	rc = strlen(img->digest) == 71
		 ? blob_get(dir, img->digest, (size_t)-1, &img->manifest)
		 : EXIT_FAIL;
	if (!rc)
		rc = image_descriptors(img, name);
	if (!rc)
		rc = blob_get(dir, img->desc[0].digest, img->desc[0].size,
			      &img->config);
	if (!rc)
		rc = blob_get(dir, img->desc[1].digest, img->desc[1].size,
			      &img->layer);
	if (rc)
		pulled_image_free(img);
out:
	json_decref(index);
	store_close(dir, lock);
	return rc;
}

static long long file_size(const char *dir, const char *digest)
{
	char *path =
	    digest && strlen(digest) == 71 ? blob_path(dir, digest) : NULL;
	struct stat st;
	long long n = path && !stat(path, &st) ? (long long)st.st_size : 0;

	free(path);
	return n;
}

int store_list(FILE *out)
{
	char *dir;
	int lock = store_open(&dir);
	json_t *index, *e;
	size_t i;

	if (lock < 0)
		return EXIT_FAIL;
	index = index_load(dir);
	fprintf(out, "%-50s %-19s %s\n", "REFERENCE", "DIGEST", "SIZE");
	json_array_foreach(json_object_get(index, "manifests"), i, e)
	{
		const char *digest =
		    json_string_value(json_object_get(e, "digest"));
		struct pulled_image img = {0};
		long long size = 0;

		if (digest && strlen(digest) == 71 &&
		    !blob_get(dir, digest, (size_t)-1, &img.manifest) &&
		    !image_descriptors(&img, entry_name(e)))
			size = (long long)img.manifest.len +
			       file_size(dir, img.desc[0].digest) +
			       file_size(dir, img.desc[1].digest);
		fprintf(out, "%-50s %-19.19s %lld KiB\n",
			entry_name(e) ? entry_name(e) : "(unnamed)",
			digest ? digest : "?", (size + 1023) / 1024);
		pulled_image_free(&img);
	}
	json_decref(index);
	store_close(dir, lock);
	return EXIT_OK;
}

int store_tag(const char *src, const char *dst)
{
	char *dir;
	int lock = store_open(&dir), rc = EXIT_FAIL;
	json_t *index, *entry;
	long at, old;

	if (lock < 0)
		return EXIT_FAIL;
	index = index_load(dir);
	at = find(index, src);
	if (at < 0) {
		err("no image %s in the store; see 'bumble images'", src);
		goto out;
	}
	entry = json_deep_copy(
	    json_array_get(json_object_get(index, "manifests"), (size_t)at));
	json_object_set_new(json_object_get(entry, "annotations"), REF_NAME,
			    json_pack("s", dst));
	old = find(index, dst);
	if (old >= 0)
		json_array_set_new(json_object_get(index, "manifests"),
				   (size_t)old, entry);
	else
		json_array_append_new(json_object_get(index, "manifests"),
				      entry);
	rc = index_save(dir, index);
out:
	json_decref(index);
	store_close(dir, lock);
	return rc;
}

/* Is digest needed by a manifest of the index? */
static int needed(const char *dir, json_t *index, const char *digest)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(index, "manifests"), i, e)
	{
		const char *m = json_string_value(json_object_get(e, "digest"));
		struct pulled_image img = {0};
		int hit;

		if (!m || strlen(m) != 71)
			continue;
		if (!strcmp(m, digest))
			return 1;
		if (blob_get(dir, m, (size_t)-1, &img.manifest))
			return 1; /* unsure: keep it */
		hit = !image_descriptors(&img, m) &&
		      (!strcmp(img.desc[0].digest, digest) ||
		       !strcmp(img.desc[1].digest, digest));
		pulled_image_free(&img);
		if (hit)
			return 1;
	}
	return 0;
}

int store_remove(const char *name)
{
	char *dir, *blobs = NULL;
	int lock = store_open(&dir), rc = EXIT_FAIL;
	json_t *index;
	struct dirent *d;
	DIR *dp;
	long at;

	if (lock < 0)
		return EXIT_FAIL;
	index = index_load(dir);
	at = find(index, name);
	if (at < 0) {
		err("no image %s in the store; see 'bumble images'", name);
		goto out;
	}
	json_array_remove(json_object_get(index, "manifests"), (size_t)at);
	rc = index_save(dir, index);
	if (rc || asprintf(&blobs, "%s/blobs/sha256", dir) < 0)
		goto out;
	dp = opendir(blobs);
	while (dp && (d = readdir(dp))) {
		char digest[80], *path;

		if (strlen(d->d_name) != 64)
			continue;
		snprintf(digest, sizeof(digest), "sha256:%.64s", d->d_name);
		if (needed(dir, index, digest))
			continue;
		path = blob_path(dir, digest);
		if (path)
			unlink(path);
		free(path);
	}
	if (dp)
		closedir(dp);
out:
	free(blobs);
	json_decref(index);
	store_close(dir, lock);
	return rc;
}
