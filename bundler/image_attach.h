/* What bumble attaches to an image it exports or pushes: a signature in
 * cosign's OCI format (a manifest under the tag sha256-HEX.sig whose one
 * layer is the simple-signing payload, its signature in the layer's
 * dev.cosignproject.cosign/signature annotation), and the tool's SBOM as
 * an OCI referrer (artifactType application/vnd.cyclonedx+json, the
 * image manifest as its subject). */
#ifndef BUMBLE_IMAGE_ATTACH_H
#define BUMBLE_IMAGE_ATTACH_H

#include "oci_layout.h"
#include "registry.h"
#include "signing.h"

#define COSIGN_PAYLOAD_TYPE   "application/vnd.dev.cosign.simplesigning.v1+json"
#define COSIGN_SIG_ANNOTATION "dev.cosignproject.cosign/signature"
#define SBOM_TYPE	      "application/vnd.cyclonedx+json"
#define OCI_EMPTY_TYPE	      "application/vnd.oci.empty.v1+json"

/* A manifest attached to an image, with its config and one layer. */
struct attachment {
	struct oci_blob manifest, config, layer;
	char tag[80]; /* cosign's: sha256-HEX.sig, sha256-HEX.sbom */
	const char *artifact_type; /* of a referrer, else NULL */
	char *owned[4];
};

/* cosign's signature of the image manifest image, which is known as
 * docker_ref (REGISTRY/REPO, or the exported image's name). Exit code. */
int attach_signature(struct sign_key *k, const char *docker_ref,
		     const struct oci_blob *image, struct attachment *a);
/* The SBOM sbom[0..n) as a referrer of image. Exit code. */
int attach_sbom(const struct oci_blob *image, const void *sbom, size_t n,
		struct attachment *a);
void attachment_free(struct attachment *a);

/* The SBOM a tool carries (tool --sbom), inflated from its payload;
 * malloc'ed. 0 with *sbom NULL when the tool carries none. Exit code. */
int tool_sbom(const struct tool_payload *p, unsigned char **sbom, size_t *n);

/* Pushes a: its blobs, then its manifest under its tag. Exit code. */
int attachment_push(struct registry *r, const char *repo,
		    const struct attachment *a);

/* Checks that the image whose manifest digest is digest, in repo, has a
 * cosign signature that k verifies, naming that digest. Exit code:
 * EXIT_SIGNATURE, having said why, when it has none or none holds. */
int verify_image_signature(struct registry *r, const char *repo,
			   const char *digest, struct sign_key *k);

#endif
