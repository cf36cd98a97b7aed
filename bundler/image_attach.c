/* The manifests bumble attaches to an image: cosign's signature (the
 * simple-signing payload naming the image's digest, signed as a blob)
 * and the SBOM as an OCI 1.1 referrer; pushing them, and checking a
 * pulled image's signature before anything of it is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "image_attach.h"

/* The config of a signature manifest as cosign writes it: the payload
 * as the one layer's diff_id, no time. */
static char *sig_config(const char *payload_digest)
{
	json_t *c = json_pack(
	    "{s:s, s:s, s:[{s:s}], s:s, s:{s:s, s:[s]}, s:{}}", "architecture",
	    "", "created", "0001-01-01T00:00:00Z", "history", "created",
	    "0001-01-01T00:00:00Z", "os", "", "rootfs", "type", "layers",
	    "diff_ids", payload_digest, "config");
	char *text =
	    c ? json_dumps(c, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(c);
	return text;
}

static json_t *descriptor(const struct oci_blob *b)
{
	return json_pack("{s:s, s:I, s:s}", "mediaType", b->media_type, "size",
			 (json_int_t)b->size, "digest", b->digest);
}

/* An image manifest of a's config and layer (annotated with layer_notes,
 * whose reference it takes, when given), with artifactType and subject
 * for a referrer. */
static int attachment_manifest(struct attachment *a, json_t *layer_notes,
			       const struct oci_blob *subject)
{
	json_t *layer = descriptor(&a->layer), *m;
	char *text;

	/* the notes are the layer's now, or freed with nothing to own them */
	if (layer && layer_notes)
		json_object_set_new(layer, "annotations", layer_notes);
	else
		json_decref(layer_notes);
	m = json_pack("{s:i, s:s}", "schemaVersion", 2, "mediaType",
		      OCI_MANIFEST_TYPE);
	if (!m || !layer) {
		json_decref(layer);
		json_decref(m);
		return EXIT_FAIL;
	}
	if (a->artifact_type)
		json_object_set_new(m, "artifactType",
				    json_string(a->artifact_type));
	json_object_set_new(m, "config", descriptor(&a->config));
	json_object_set_new(m, "layers", json_pack("[o]", layer));
	if (subject)
		json_object_set_new(m, "subject", descriptor(subject));
	text = json_dumps(m, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(m);
	if (!text)
		return EXIT_FAIL;
	a->owned[2] = text;
	oci_blob_set(&a->manifest, OCI_MANIFEST_TYPE, text, strlen(text));
	return EXIT_OK;
}

/* cosign's simple-signing payload for the image digest */
static char *simple_signing(const char *docker_ref, const char *digest)
{
	json_t *p = json_pack("{s:{s:{s:s}, s:{s:s}, s:s}, s:n}", "critical",
			      "identity", "docker-reference", docker_ref,
			      "image", "docker-manifest-digest", digest, "type",
			      "cosign container image signature", "optional");
	char *text =
	    p ? json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(p);
	return text;
}

int attach_signature(struct sign_key *k, const char *docker_ref,
		     const struct oci_blob *image, struct attachment *a)
{
	char *payload, *sig = NULL, *config;
	int rc = EXIT_FAIL;

	memset(a, 0, sizeof(*a));
	payload = simple_signing(docker_ref, image->digest);
	if (payload)
		sig = sign_blob(k, payload, strlen(payload));
	a->owned[0] = payload;
	if (!sig)
		return EXIT_FAIL;
	oci_blob_set(&a->layer, COSIGN_PAYLOAD_TYPE, payload, strlen(payload));
	config = sig_config(a->layer.digest);
	a->owned[1] = config;
	if (config) {
		oci_blob_set(&a->config, OCI_CONFIG_TYPE, config,
			     strlen(config));
		rc = attachment_manifest(
		    a, json_pack("{s:s}", COSIGN_SIG_ANNOTATION, sig), NULL);
	}
	free(sig);
	/* sha256:HEX -> sha256-HEX.sig */
	snprintf(a->tag, sizeof(a->tag), "sha256-%s.sig", image->digest + 7);
	return rc;
}

int attach_sbom(const struct oci_blob *image, const void *sbom, size_t n,
		struct attachment *a)
{
	memset(a, 0, sizeof(*a));
	a->artifact_type = SBOM_TYPE;
	/* cosign's tag for an image's SBOM, for registries without the
	 * referrers API */
	snprintf(a->tag, sizeof(a->tag), "sha256-%s.sbom", image->digest + 7);
	oci_blob_set(&a->layer, SBOM_TYPE, sbom, n);
	/* the empty descriptor's blob: "{}" */
	oci_blob_set(&a->config, OCI_EMPTY_TYPE, "{}", 2);
	return attachment_manifest(a, NULL, image);
}

void attachment_free(struct attachment *a)
{
	for (int i = 0; i < 4; i++)
		free(a->owned[i]);
	memset(a, 0, sizeof(*a));
}

int tool_sbom(const struct tool_payload *p, unsigned char **sbom, size_t *n)
{
	const unsigned char *data;
	char name[101];
	size_t pos = 0, size;

	*sbom = NULL;
	*n = 0;
	while (!payload_tar_next(p->v.layer, p->v.layer_size, &pos, name, &data,
				 &size)) {
		if (strcmp(name, "sbom.cdx.json.gz"))
			continue;
		if (gunzip_buffer(data, size, sbom, n)) {
			err("the tool's embedded SBOM is damaged");
			return EXIT_INPUT;
		}
		return EXIT_OK;
	}
	return EXIT_OK;
}

int attachment_push(struct registry *r, const char *repo,
		    const struct attachment *a)
{
	const struct oci_blob *blobs[] = {&a->config, &a->layer};
	int rc = EXIT_OK;

	for (int i = 0; i < 2 && !rc; i++)
		rc = registry_blob_push(r, repo, NULL, blobs[i]->digest,
					blobs[i]->data, blobs[i]->size);
	if (!rc)
		rc = registry_manifest_put(r, repo, a->tag, OCI_MANIFEST_TYPE,
					   a->manifest.data, a->manifest.size);
	return rc;
}

/* Does the signature layer d (with its payload in payload) hold for
 * digest under k? */
static int layer_holds(json_t *d, const struct reg_buf *payload,
		       const char *digest, struct sign_key *k)
{
	const char *sig = json_string_value(json_object_get(
	    json_object_get(d, "annotations"), COSIGN_SIG_ANNOTATION));
	json_t *p;
	const char *named;
	int ok;

	if (!sig ||
	    verify_blob(k, payload->data, payload->len, sig, strlen(sig)))
		return 0;
	/* signed: now what it says must be this image */
	p = json_loadb((char *)payload->data, payload->len, 0, NULL);
	named = json_string_value(json_object_get(
	    json_object_get(json_object_get(p, "critical"), "image"),
	    "docker-manifest-digest"));
	ok = named && !strcmp(named, digest);
	json_decref(p);
	return ok;
}

int verify_image_signature(struct registry *r, const char *repo,
			   const char *digest, struct sign_key *k)
{
	struct reg_buf m = {0}, payload = {0};
	char tag[80], type[128], got[72];
	json_t *mj, *d;
	size_t i;
	int ok = 0;

	snprintf(tag, sizeof(tag), "sha256-%s.sig", digest + 7);
	if (registry_manifest_get(r, repo, tag, &m, type, got)) {
		err("%s@%s carries no cosign signature (no %s); refused", repo,
		    digest, tag);
		return EXIT_SIGNATURE;
	}
	mj = json_loadb((char *)m.data, m.len, 0, NULL);
	json_array_foreach(json_object_get(mj, "layers"), i, d)
	{
		const char *ld =
		    json_string_value(json_object_get(d, "digest"));
		json_t *size = json_object_get(d, "size");

		if (!ld || !json_is_integer(size) ||
		    json_integer_value(size) < 0 ||
		    json_integer_value(size) > REG_MANIFEST_MAX)
			continue;
		if (registry_blob_get(r, repo, ld,
				      (size_t)json_integer_value(size),
				      &payload))
			continue;
		ok = layer_holds(d, &payload, digest, k);
		free(payload.data);
		memset(&payload, 0, sizeof(payload));
		if (ok)
			break;
	}
	json_decref(mj);
	free(m.data);
	if (!ok) {
		err("%s@%s: no signature in %s holds for this image under the "
		    "given key; refused",
		    repo, digest, tag);
		return EXIT_SIGNATURE;
	}
	return EXIT_OK;
}
