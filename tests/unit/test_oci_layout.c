/* Unit tests of the OCI layout writer shared by --extract and export:
 * index.json escaping (the same bytes as bumble's JSON writer), the
 * order of what is written, and writing below a directory without
 * following a link. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beneath.h"
#include "check.h"
#include "json_writer.h"
#include "oci_layout.h"

#define MANIFEST "application/vnd.oci.image.manifest.v1+json"

/* index.json as bumble export built it with the generator's writer. */
static char *index_by_json_writer(const struct oci_ref *refs, size_t n)
{
	struct json_writer j;

	jw_init(&j);
	jw_object(&j);
	jw_kv_int(&j, "schemaVersion", 2);
	jw_kv_string(&j, "mediaType",
		     "application/vnd.oci.image.index.v1+json");
	jw_key(&j, "manifests");
	jw_array(&j);
	for (size_t i = 0; i < n; i++) {
		jw_object(&j);
		jw_kv_string(&j, "mediaType", refs[i].manifest->media_type);
		jw_kv_string(&j, "digest", refs[i].manifest->digest);
		jw_kv_int(&j, "size", (long long)refs[i].manifest->size);
		jw_key(&j, "annotations");
		jw_object(&j);
		jw_kv_string(&j, "org.opencontainers.image.ref.name",
			     refs[i].name);
		jw_end(&j, '}');
		jw_end(&j, '}');
	}
	jw_end(&j, ']');
	jw_end(&j, '}');
	return jw_finish(&j, NULL);
}

static void test_index(void)
{
	static const char *const names[] = {
	    "1.2.3",	    "1\"0",	   "a\\b", "tab\there",
	    "nl\n\x01\x1f", "caf\xc3\xa9", ""};
	struct oci_blob m;
	char *got, *want, what[64];
	size_t len;

	oci_blob_set(&m, MANIFEST, "{}", 2);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct oci_ref refs[2] = {{&m, names[i], NULL},
					  {&m, "x-ebpf", NULL}};
		struct oci_layout l = {NULL, 0, refs, 2};

		got = oci_layout_index(&l, &len);
		want = index_by_json_writer(refs, 2);
		snprintf(what, sizeof(what), "index.json for ref #%zu", i);
		CHECK_STR(got, want, what);
		CHECK(got && len == strlen(got), "index.json: its length");
		free(got);
		free(want);
	}
	{
		struct oci_ref ref = {&m, "1\"0", NULL};
		struct oci_layout l = {NULL, 0, &ref, 1};

		got = oci_layout_index(&l, &len);
		CHECK(got &&
			  strstr(got, "\"org.opencontainers.image.ref.name\":"
				      "\"1\\\"0\"}"),
		      "index.json: a quote in the ref is escaped");
		free(got);
	}
	{
		/* a referrer (an SBOM): its artifactType, a name or none */
		struct oci_ref refs[2] = {
		    {&m, "sha256-1.sbom", "application/vnd.cyclonedx+json"},
		    {&m, NULL, "application/x"}};
		struct oci_layout l = {NULL, 0, refs, 2};

		got = oci_layout_index(&l, &len);
		CHECK(got && len == strlen(got) &&
			  strstr(got, "\"size\":2,\"artifactType\":"
				      "\"application/vnd.cyclonedx+json\","
				      "\"annotations\":{\"org.opencontainers."
				      "image.ref.name\":\"sha256-1.sbom\"}}") &&
			  strstr(got, "\"artifactType\":\"application/x\"}]}"),
		      "index.json: a referrer's artifactType, with a ref "
		      "name or without");
		free(got);
	}
}

struct record {
	char text[1024];
};

static int rec_dir(void *ctx, const char *path)
{
	struct record *r = ctx;

	snprintf(r->text + strlen(r->text), sizeof(r->text) - strlen(r->text),
		 "d:%s ", path);
	return 0;
}

static int rec_file(void *ctx, const char *path, const void *data, size_t size)
{
	struct record *r = ctx;

	(void)data;
	snprintf(r->text + strlen(r->text), sizeof(r->text) - strlen(r->text),
		 "f:%.20s:%zu ", path, size);
	return strcmp(path, "oci-layout") ? 0 : -ENOSPC;
}

static void test_order(void)
{
	struct oci_blob a, b, c;
	const struct oci_blob *blobs[] = {&a, &b, &c, &a};
	struct oci_ref ref = {&a, "t", NULL};
	struct oci_layout l = {blobs, 4, &ref, 1};
	struct record r = {""};
	struct oci_layout_sink sink = {rec_dir, rec_file, &r};
	char want[512];
	size_t len;
	int rc;

	/* sha256 of "a", "b", "c" begin ca9781..., 3e23e81..., 2e7d2c0... */
	oci_blob_set(&a, MANIFEST, "a", 1);
	oci_blob_set(&b, "x", "b", 1);
	oci_blob_set(&c, "x", "c", 1);
	rc = oci_layout_write(&l, &sink);
	CHECK(rc == -ENOSPC, "layout: the sink's error is returned");
	free(oci_layout_index(&l, &len));
	snprintf(want, sizeof(want),
		 "d:blobs d:blobs/sha256 f:blobs/sha256/2e7d2c0:1 "
		 "f:blobs/sha256/3e23e81:1 f:blobs/sha256/ca97811:1 "
		 "f:index.json:%zu f:oci-layout:30 ",
		 len);
	CHECK_STR(
	    r.text, want,
	    "layout: dirs, blobs once in digest order, index, oci-layout");
}

static void test_beneath(void)
{
	char dir[] = "/tmp/bumble-beneath.XXXXXX", path[256];
	struct stat st;
	int fd;

	if (!mkdtemp(dir)) {
		CHECK(0, "beneath: a temporary directory");
		return;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(path, sizeof(path), "%s/outside", dir);
	mkdir(path, 0755);
	CHECK(symlinkat("outside", fd, "link") == 0, "beneath: a link");
	CHECK(beneath_mkdir(fd, "d", 0755) == 0, "beneath: mkdir");
	CHECK(beneath_mkdir(fd, "d", 0755) == 0, "beneath: mkdir again");
	CHECK(beneath_write(fd, "d/f", "xy", 2, 0644) == 0,
	      "beneath: a file in a subdirectory");
	CHECK(fstatat(fd, "d/f", &st, 0) == 0 && st.st_size == 2,
	      "beneath: the file has its bytes");
	CHECK(beneath_write(fd, "link/f", "x", 1, 0644) < 0,
	      "beneath: no write through a link to a directory");
	CHECK(beneath_mkdir(fd, "link", 0755) == -ENOTDIR,
	      "beneath: a link is not an existing directory");
	CHECK(beneath_write(fd, "link", "x", 1, 0644) < 0,
	      "beneath: no write to a link itself");
	CHECK(fstatat(fd, "outside/f", &st, 0) != 0,
	      "beneath: nothing written outside");
	CHECK(beneath_write(fd, "../f", "x", 1, 0644) == -EINVAL &&
		  beneath_write(fd, "d/..", "x", 1, 0644) == -EINVAL &&
		  beneath_write(fd, "d//f", "x", 1, 0644) == -EINVAL,
	      "beneath: '..' and empty components refused");
	unlinkat(fd, "d/f", 0);
	unlinkat(fd, "d", AT_REMOVEDIR);
	unlinkat(fd, "link", 0);
	unlinkat(fd, "outside", AT_REMOVEDIR);
	close(fd);
	rmdir(dir);
}

int main(void)
{
	test_index();
	test_order();
	test_beneath();
	return check_failures ? 1 : 0;
}
