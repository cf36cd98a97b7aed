/* bumble push: a tool (as the image bumble export makes: the runnable
 * image under TAG, its eBPF artifact under TAG-ebpf) or an OCI image
 * layout to a registry. Blobs first, each manifest last, so a tag never
 * names an image the registry does not hold whole. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "export.h"
#include "image_attach.h"
#include "registry.h"

static const char usage[] =
    "Usage: bumble push TOOL|LAYOUT HOST[:PORT]/REPO[:TAG]\n"
    "                   [--ca-file FILE | --insecure | --plain-http]\n"
    "                   [--mount-from REPO] [--sign-key KEY.pem]\n\n"
    "Pushes a bundled TOOL as the image 'bumble export' makes (the\n"
    "runnable image under TAG, its eBPF artifact under TAG-ebpf), or an OCI\n"
    "image layout directory (its image under TAG, an image named\n"
    "REF-ebpf beside it under TAG-ebpf). TAG defaults to latest. Blobs the\n"
    "registry has are skipped; --mount-from REPO mounts them from another\n"
    "repository of the same registry. Credentials: 'bumble login', or\n"
    "docker's and podman's. TLS is verified; --ca-file trusts a CA,\n"
    "--insecure skips the check, --plain-http speaks HTTP.\n"
    "Prints HOST/REPO@DIGEST of the image on stdout. A tool's SBOM goes\n"
    "with it (an OCI referrer of the image, also under the tag\n"
    "sha256-HEX.sbom); --sign-key KEY signs the image and its artifact in\n"
    "cosign's format (tags sha256-HEX.sig), which 'bumble pull\n"
    "--verify-key' and 'cosign verify --key' check.\n";

enum {
	OPT_MOUNT_FROM = 400,
	OPT_SIGN_KEY
};

/* Every blob of the image, in memory. */
struct blob_set {
	struct oci_blob *blobs;
	size_t count;
	unsigned char **owned; /* what a layout's blobs were read into */
	size_t owned_count;
};

static const struct oci_blob *find_blob(const struct blob_set *s,
					const char *digest)
{
	for (size_t i = 0; i < s->count; i++)
		if (!strcmp(s->blobs[i].digest, digest))
			return &s->blobs[i];
	return NULL;
}

static int push_blob(struct registry *r, const struct reg_ref *ref,
		     const char *from, const struct blob_set *s,
		     const char *digest)
{
	const struct oci_blob *b = find_blob(s, digest);

	if (!b) {
		err("blob %s is missing from the image", digest);
		return EXIT_INPUT;
	}
	return registry_blob_push(r, ref->repo, from, b->digest, b->data,
				  b->size);
}

/* The config and layers of manifest m, or the manifests of index m,
 * then m under tag (an index's manifests under their digests). */
static int push_manifest(struct registry *r, const struct reg_ref *ref,
			 const char *from, const struct blob_set *s,
			 const struct oci_blob *m, const char *tag, int depth)
{
	json_t *j = json_loadb(m->data, m->size, 0, NULL), *d;
	json_t *children = json_object_get(j, "manifests");
	const char *type = json_string_value(json_object_get(j, "mediaType"));
	size_t i;
	int rc = EXIT_OK;

	if (children && depth == 0) {
		json_array_foreach(children, i, d)
		{
			const char *digest =
			    json_string_value(json_object_get(d, "digest"));
			const struct oci_blob *child =
			    digest ? find_blob(s, digest) : NULL;

			if (!child) {
				err("index %s names a manifest the image "
				    "lacks",
				    m->digest);
				rc = EXIT_INPUT;
				break;
			}
			rc = push_manifest(r, ref, from, s, child, digest, 1);
			if (rc)
				break;
		}
	} else if (!json_object_get(j, "config")) {
		err("manifest %s names no config; not an image manifest",
		    m->digest);
		rc = EXIT_INPUT;
	} else {
		rc = push_blob(r, ref, from, s,
			       json_string_value(json_object_get(
				   json_object_get(j, "config"), "digest"))
				   ?: "");
		json_array_foreach(json_object_get(j, "layers"), i, d)
		{
			if (rc)
				break;
			rc = push_blob(
			    r, ref, from, s,
			    json_string_value(json_object_get(d, "digest"))
				?: "");
		}
	}
	if (!type)
		type = children ? OCI_INDEX_TYPE : m->media_type;
	if (!rc)
		rc = registry_manifest_put(r, ref->repo, tag, type, m->data,
					   m->size);
	json_decref(j);
	return rc;
}

/* A blob of the layout at dir, checked against its digest. */
static int layout_blob(const char *dir, const char *digest,
		       const char *media_type, struct blob_set *s)
{
	unsigned char *data;
	char *path;
	size_t size;
	struct oci_blob *b;
	unsigned char **o;
	int rc;

	if (find_blob(s, digest))
		return 0;
	if (strncmp(digest, "sha256:", 7) || strchr(digest, '/') ||
	    asprintf(&path, "%s/blobs/sha256/%s", dir, digest + 7) < 0) {
		err("%s: a descriptor's digest '%s' is not sha256", dir,
		    digest);
		return EXIT_INPUT;
	}
	rc = read_file(path, &data, &size);
	if (rc) {
		err("cannot read %s: %s", path, strerror(-rc));
		free(path);
		return EXIT_INPUT;
	}
	free(path);
	b = realloc(s->blobs, (s->count + 1) * sizeof(*b));
	o = realloc(s->owned, (s->owned_count + 1) * sizeof(*o));
	if (b)
		s->blobs = b;
	if (o)
		s->owned = o;
	if (!b || !o) {
		free(data);
		return EXIT_FAIL;
	}
	s->owned[s->owned_count++] = data;
	oci_blob_set(&s->blobs[s->count], media_type, data, size);
	if (strcmp(s->blobs[s->count].digest, digest)) {
		err("%s: blob %s does not match its digest; the layout is "
		    "damaged",
		    dir, digest);
		return EXIT_INPUT;
	}
	s->count++;
	return 0;
}

/* The blob a descriptor of the layout names. */
static int desc_blob(const char *dir, json_t *d, struct blob_set *s)
{
	return layout_blob(
	    dir, json_string_value(json_object_get(d, "digest")) ?: "",
	    json_string_value(json_object_get(d, "mediaType")) ?: "", s);
}

/* Manifest digest of the layout at dir and every blob it names: an
 * image's config and layers, or an index's manifests and theirs. */
static int read_manifest(const char *dir, const char *digest,
			 struct blob_set *s, int depth)
{
	const struct oci_blob *m;
	json_t *mj, *d;
	size_t k;
	int rc = layout_blob(dir, digest, OCI_MANIFEST_TYPE, s);

	if (rc)
		return rc;
	m = find_blob(s, digest);
	mj = json_loadb(m->data, m->size, 0, NULL);
	if (json_object_get(mj, "manifests") && depth == 0) {
		json_array_foreach(json_object_get(mj, "manifests"), k, d)
		{
			rc = read_manifest(
			    dir,
			    json_string_value(json_object_get(d, "digest"))
				?: "",
			    s, 1);
			if (rc)
				break;
		}
	} else {
		rc = desc_blob(dir, json_object_get(mj, "config"), s);
		json_array_foreach(json_object_get(mj, "layers"), k, d)
		{
			if (rc)
				break;
			rc = desc_blob(dir, d, s);
		}
	}
	json_decref(mj);
	return rc;
}

/* The manifests of the layout's index, and every blob they name; names
 * gets the digests of the image and of the artifact named after it. */
static int read_layout(const char *dir, struct blob_set *s, char names[2][72])
{
	char *path;
	json_t *index, *d;
	json_error_t je;
	size_t i;
	int rc = 0;

	if (asprintf(&path, "%s/index.json", dir) < 0)
		return EXIT_FAIL;
	index = json_load_file(path, 0, &je);
	if (!index) {
		err("%s: not an OCI image layout: %s", dir, je.text);
		free(path);
		return EXIT_INPUT;
	}
	free(path);
	json_array_foreach(json_object_get(index, "manifests"), i, d)
	{
		const char *digest =
		    json_string_value(json_object_get(d, "digest"));
		const char *name = json_string_value(
		    json_object_get(json_object_get(d, "annotations"),
				    "org.opencontainers.image.ref.name"));

		if (!digest || (rc = read_manifest(dir, digest, s, 0)))
			break;
		/* the image, and the artifact named after it */
		if (!*names[0] && (!name || !strstr(name, "-ebpf")))
			snprintf(names[0], 72, "%s", digest);
		else if (name && strstr(name, "-ebpf"))
			snprintf(names[1], 72, "%s", digest);
	}
	json_decref(index);
	if (!rc && !*names[0]) {
		err("%s: the layout's index lists no image", dir);
		rc = EXIT_INPUT;
	}
	return rc;
}

/* After the image: its SBOM (a tool's), and signatures with key. */
static int push_attached(struct registry *r, const struct reg_ref *ref,
			 const struct tool_payload *p, struct sign_key *key,
			 const struct oci_blob *image,
			 const struct oci_blob *art)
{
	const struct oci_blob *signed_blobs[] = {image, art};
	unsigned char *sbom = NULL;
	struct attachment a;
	char *docker_ref = NULL;
	size_t n;
	int rc = p->data ? tool_sbom(p, &sbom, &n) : EXIT_OK;

	if (!rc && sbom) {
		rc = attach_sbom(image, sbom, n, &a);
		if (!rc)
			rc = attachment_push(r, ref->repo, &a);
		attachment_free(&a);
	}
	if (key && asprintf(&docker_ref, "%s/%s", ref->host, ref->repo) < 0)
		rc = EXIT_FAIL;
	for (int i = 0; key && !rc && i < 2; i++) {
		if (!signed_blobs[i])
			continue;
		rc = attach_signature(key, docker_ref, signed_blobs[i], &a);
		if (!rc)
			rc = attachment_push(r, ref->repo, &a);
		attachment_free(&a);
	}
	free(docker_ref);
	free(sbom);
	return rc;
}

static int push(const char *input, const struct reg_ref *ref,
		const struct reg_opts *o, const char *from,
		struct sign_key *key)
{
	struct blob_set s = {0};
	struct export_image img = {0};
	struct tool_payload p = {0};
	struct registry *r = NULL;
	char names[2][72] = {"", ""};
	const struct oci_blob *image, *art;
	char art_tag[160], *scope = NULL;
	struct stat st;
	int rc;

	if (!ref->tag) {
		err("push needs a tag, not a digest: HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	if (stat(input, &st) == 0 && S_ISDIR(st.st_mode)) {
		rc = read_layout(input, &s, names);
	} else {
		rc = payload_read(input, &p);
		if (!rc)
			rc = export_image_build(input, &p, NULL, &img);
		if (!rc) {
			s.blobs = calloc(6, sizeof(*s.blobs));
			if (!s.blobs)
				rc = EXIT_FAIL;
		}
		if (!rc) {
			const struct oci_blob *all[] = {
			    &img.manifest,     &img.config,	&img.layer,
			    &img.art_manifest, &img.art_config, &img.art_layer};

			for (s.count = 0; s.count < 6; s.count++)
				s.blobs[s.count] = *all[s.count];
			strcpy(names[0], img.manifest.digest);
			strcpy(names[1], img.art_manifest.digest);
		}
	}
	if (rc)
		goto out;
	r = registry_open(ref->host, o);
	if (!r) {
		rc = EXIT_FAIL;
		goto out;
	}
	/* one token for the whole push, not one to look and one to write */
	if (asprintf(&scope, "repository:%s:pull,push", ref->repo) < 0)
		scope = NULL;
	if (!scope || registry_want_scope(r, scope)) {
		rc = EXIT_FAIL;
		goto out;
	}
	image = find_blob(&s, names[0]);
	art = *names[1] ? find_blob(&s, names[1]) : NULL;
	snprintf(art_tag, sizeof(art_tag), "%s-ebpf", ref->tag);
	/* the artifact first: the tag the user named comes last */
	if (art)
		rc = push_manifest(r, ref, from, &s, art, art_tag, 0);
	if (!rc)
		rc = push_manifest(r, ref, from, &s, image, ref->tag, 0);
	if (!rc)
		rc = push_attached(r, ref, &p, key, image, art);
	if (!rc) {
		printf("%s/%s@%s\n", ref->host, ref->repo, image->digest);
		fprintf(stderr, "bumble: pushed %s to %s/%s:%s\n", input,
			ref->host, ref->repo, ref->tag);
	}
out:
	free(scope);
	registry_close(r);
	for (size_t i = 0; i < s.owned_count; i++)
		free(s.owned[i]);
	free(s.owned);
	free(s.blobs);
	export_image_free(&img);
	payload_free(&p);
	return rc;
}

int cmd_push(int argc, char **argv)
{
	static const struct option options[] = {
	    REG_LONG_OPTIONS,
	    {"mount-from", required_argument, NULL, OPT_MOUNT_FROM},
	    {"sign-key", required_argument, NULL, OPT_SIGN_KEY},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts o = {0};
	const char *from = NULL, *key_path = NULL;
	struct sign_key *key = NULL;
	struct reg_ref ref;
	int c, rc;

	optind = 0;
	while ((c = reg_getopt(argc, argv, ":h", options, usage, &o, &rc)) !=
	       -1) {
		if (c == REG_OPT_DONE)
			return rc;
		if (c == OPT_MOUNT_FROM)
			from = optarg;
		else if (c == OPT_SIGN_KEY)
			key_path = optarg;
	}
	if (optind + 2 != argc) {
		err("give a tool or layout and where to push it: bumble push "
		    "TOOL HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	if (reg_ref_parse(argv[optind + 1], &ref))
		return EXIT_USAGE;
	/* the key (and its passphrase) before anything is sent */
	if (key_path && !(key = sign_key_private(key_path, &rc))) {
		reg_ref_free(&ref);
		return rc;
	}
	rc = push(argv[optind], &ref, &o, from, key);
	sign_key_free(key);
	reg_ref_free(&ref);
	return rc;
}
