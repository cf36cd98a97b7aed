/* Pulling an image into a tool: the manifest (an index resolved to this
 * host's platform), the config and the layer, each blob checked against
 * its digest and size; the tool taken out of the layer and checked by its
 * own payload digests, then by its own --verify before it is written. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "pull.h"
#include "sha256.h"

/* The platform to pull, as OCI names it: --arch (bumble's, Debian's or
 * OCI's name of an arch in toolchain/arches; any other as given), or this
 * host's. */
static const char *oci_arch(const char *arch)
{
	static struct utsname u;
	const struct bumble_arch *a = arch ? arch_find(arch) : arch_host();

	if (a)
		return a->oci;
	if (arch)
		return arch;
	return uname(&u) ? "amd64" : u.machine;
}

/* The manifest of this host's platform in an index. */
static const char *pick_platform(json_t *index, const char *arch)
{
	json_t *m;
	size_t i;

	json_array_foreach(json_object_get(index, "manifests"), i, m)
	{
		json_t *p = json_object_get(m, "platform");
		const char *a =
		    json_string_value(json_object_get(p, "architecture"));
		const char *os = json_string_value(json_object_get(p, "os"));

		if (a && !strcmp(a, arch) && (!os || !strcmp(os, "linux")))
			return json_string_value(json_object_get(m, "digest"));
	}
	return NULL;
}

/* The tool in a bumble image's layer: the entrypoint's file. */
static int tool_from_layer(json_t *config, const struct reg_buf *layer,
			   struct pulled_tool *t)
{
	json_t *cfg = json_object_get(config, "config");
	const char *entry = json_string_value(
	    json_array_get(json_object_get(cfg, "Entrypoint"), 0));
	const char *diff_id = json_string_value(json_array_get(
	    json_object_get(json_object_get(config, "rootfs"), "diff_ids"), 0));
	unsigned char *tar;
	const unsigned char *data;
	char name[101], digest[72];
	size_t n, pos = 0, size;
	int rc = EXIT_INPUT;

	/* the tool's name becomes a file name: one plain component */
	if (!entry || *entry != '/' || !entry[1] || strchr(entry + 1, '/') ||
	    entry[1] == '.' || strlen(entry) > 100) {
		err("the image's config has no entrypoint /NAME; not a bumble "
		    "tool");
		return EXIT_INPUT;
	}
	if (gunzip_buffer(layer->data, layer->len, &tar, &n)) {
		err("the image's layer is not a gzip'd tar");
		return EXIT_INPUT;
	}
	sha256_digest_string(tar, n, digest);
	if (!diff_id || strcmp(diff_id, digest)) {
		err("the image's layer does not match its diff_id; refused");
		goto out;
	}
	while (!payload_tar_next(tar, n, &pos, name, &data, &size))
		if (!strcmp(name, entry + 1)) {
			t->data = malloc(size ? size : 1);
			if (!t->data) {
				rc = EXIT_FAIL;
				goto out;
			}
			memcpy(t->data, data, size);
			t->size = size;
			t->name = strdup(entry + 1);
			rc = t->name ? EXIT_OK : EXIT_FAIL;
			goto out;
		}
	err("the image's layer has no %s, its entrypoint", entry);
out:
	free(tar);
	return rc;
}

/* The tool's own check of its payload, in memory. */
static int verify_payload(const struct pulled_tool *t)
{
	uint64_t start, sizes[3];
	struct payload_view v;
	char msg[256];

	if (t->size < PAYLOAD_TRAILER_SIZE ||
	    payload_trailer_parse(t->data + t->size - PAYLOAD_TRAILER_SIZE,
				  t->size, &start, sizes)) {
		err("the image's %s is not a bumble tool: it carries no "
		    "payload",
		    t->name);
		return EXIT_INPUT;
	}
	if (payload_verify(t->data + start, sizes, &v, msg, sizeof(msg))) {
		err("the image's %s: %s; refused", t->name, msg);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

/* The manifest, resolved through an index to linux/arch. */
static int get_manifest(struct registry *r, const struct reg_ref *ref,
			const char *arch, struct pulled_image *img)
{
	json_t *index;
	const char *d;
	char *copy;
	int rc;

	rc = registry_manifest_get(
	    r, ref->repo, ref->digest ? ref->digest : ref->tag, &img->manifest,
	    img->manifest_type, img->digest);
	if (rc)
		return rc;
	memcpy(img->top_digest, img->digest, sizeof(img->top_digest));
	index =
	    json_loadb((char *)img->manifest.data, img->manifest.len, 0, NULL);
	if (strcmp(img->manifest_type, OCI_INDEX_TYPE) &&
	    strcmp(img->manifest_type, DOCKER_LIST_TYPE) &&
	    !json_object_get(index, "manifests")) {
		json_decref(index);
		return EXIT_OK;
	}
	d = pick_platform(index, oci_arch(arch));
	copy = d ? strdup(d) : NULL;
	json_decref(index);
	if (!copy) {
		err("%s/%s has no image for linux/%s", ref->host, ref->repo,
		    oci_arch(arch));
		return EXIT_INPUT;
	}
	free(img->manifest.data);
	rc = registry_manifest_get(r, ref->repo, copy, &img->manifest,
				   img->manifest_type, img->digest);
	free(copy);
	return rc;
}

int image_descriptors(struct pulled_image *img, const char *where)
{
	json_t *m =
	    json_loadb((char *)img->manifest.data, img->manifest.len, 0, NULL);
	json_t *layers = json_object_get(m, "layers");
	json_t *descs[2] = {json_object_get(m, "config"),
			    json_array_get(layers, 0)};
	int rc = EXIT_OK;

	for (int i = 0; i < 2 && !rc; i++) {
		const char *digest =
		    json_string_value(json_object_get(descs[i], "digest"));
		const char *type =
		    json_string_value(json_object_get(descs[i], "mediaType"));
		json_t *size = json_object_get(descs[i], "size");

		if (json_array_size(layers) != 1 || !digest || !type ||
		    strlen(digest) != 71 || !json_is_integer(size) ||
		    json_integer_value(size) < 0) {
			err("%s: not an image of one tool (a config and one "
			    "layer, with digests, sizes and media types)",
			    where);
			rc = EXIT_INPUT;
			break;
		}
		img->desc[i].size = (size_t)json_integer_value(size);
		snprintf(img->desc[i].digest, sizeof(img->desc[i].digest), "%s",
			 digest);
		snprintf(img->desc[i].media_type,
			 sizeof(img->desc[i].media_type), "%s", type);
	}
	json_decref(m);
	return rc;
}

/* --arch given for an image of one platform: its config must say that
 * platform (an image without the field, BumbleBee's, is taken). */
static int check_arch(const struct reg_buf *config, const char *arch,
		      const char *where)
{
	json_t *c = json_loadb((char *)config->data, config->len, 0, NULL);
	const char *has = json_string_value(json_object_get(c, "architecture"));
	int rc = EXIT_OK;

	if (has && strcmp(has, oci_arch(arch))) {
		err("%s is an image for linux/%s, not linux/%s", where, has,
		    oci_arch(arch));
		rc = EXIT_INPUT;
	}
	json_decref(c);
	return rc;
}

int pull_image(const struct reg_ref *ref, const struct reg_opts *o,
	       const char *arch, struct pulled_image *img)
{
	struct registry *r = registry_open(ref->host, o);
	char where[300];
	int rc;

	memset(img, 0, sizeof(*img));
	if (!r)
		return EXIT_FAIL;
	snprintf(where, sizeof(where), "%s/%s", ref->host, ref->repo);
	rc = get_manifest(r, ref, arch, img);
	if (!rc)
		rc = image_descriptors(img, where);
	if (!rc)
		rc = registry_blob_get(r, ref->repo, img->desc[0].digest,
				       img->desc[0].size, &img->config);
	if (!rc && arch)
		rc = check_arch(&img->config, arch, where);
	if (!rc)
		rc = registry_blob_get(r, ref->repo, img->desc[1].digest,
				       img->desc[1].size, &img->layer);
	registry_close(r);
	if (rc)
		pulled_image_free(img);
	return rc;
}

void pulled_image_free(struct pulled_image *img)
{
	free(img->manifest.data);
	free(img->config.data);
	free(img->layer.data);
	memset(img, 0, sizeof(*img));
}

int image_tool(const struct pulled_image *img, const char *repo,
	       struct pulled_tool *t)
{
	const char *ctype = img->desc[0].media_type;
	const char *ltype = img->desc[1].media_type;
	json_t *cj;
	int rc;

	memset(t, 0, sizeof(*t));
	memcpy(t->digest, img->digest, sizeof(t->digest));
	if (!strcmp(ctype, BEE_CONFIG_TYPE) || !strcmp(ltype, BEE_LAYER_TYPE))
		return pull_bee_bundle(repo, &img->layer, t);
	if (strcmp(ltype, OCI_LAYER_TGZ) &&
	    strcmp(ltype, "application/vnd.docker.image.rootfs.diff.tar."
			  "gzip")) {
		err("%s: a layer of type %s is not a bumble tool", repo, ltype);
		return EXIT_INPUT;
	}
	cj = json_loadb((char *)img->config.data, img->config.len, 0, NULL);
	rc = tool_from_layer(cj, &img->layer, t);
	json_decref(cj);
	if (!rc)
		rc = verify_payload(t);
	if (rc)
		pulled_tool_free(t);
	return rc;
}

void pulled_tool_free(struct pulled_tool *t)
{
	free(t->data);
	free(t->name);
	t->data = NULL;
	t->name = NULL;
}

/* TOOL --verify, its report dropped (its errors go to stderr); its exit
 * status. */
static int self_check(const char *path)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		execl(path, path, "--verify", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int pulled_tool_write(const struct pulled_tool *t, const char *path)
{
	char *tmp = NULL, target[PATH_MAX];
	struct stat st;
	int rc, status;

	/* never renamed over a device, a FIFO or a directory */
	if (check_output(path, NULL))
		return EXIT_USAGE;
	/* through a symbolic link: the file it names, as every output */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    realpath(path, target))
		path = target;
	/* the tool checks itself where it will live, then takes its name */
	if (asprintf(&tmp, "%s.pull.%d", path, (int)getpid()) < 0)
		return EXIT_FAIL;
	rc = write_file_atomic(tmp, t->data, t->size, 0755);
	if (rc) {
		err("cannot write %s: %s", path, strerror(-rc));
		free(tmp);
		return EXIT_FAIL;
	}
	cleanup_tmpfile(tmp); /* a stop signal during the check removes it */
	status = self_check(tmp);
	rc = EXIT_OK;
	if (status) {
		err("the pulled %s failed its own --verify (exit %d); not "
		    "written",
		    t->name, status);
		unlink(tmp);
		rc = EXIT_INPUT;
	} else if (rename(tmp, path)) {
		err("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		rc = EXIT_FAIL;
	}
	cleanup_tmpfile(NULL);
	free(tmp);
	return rc;
}
