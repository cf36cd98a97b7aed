/* OCI JSON for a bundled tool: the eBPF artifact's image config (bpfman's
 * io.ebpf.* labels and bumble's model description), the runnable image's
 * config, and image manifests. Deterministic: same inputs, same bytes. */
#ifndef BUMBLE_OCI_H
#define BUMBLE_OCI_H

#include <stddef.h>

#include "model.h"

#define OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX_TYPE	  "application/vnd.oci.image.index.v1+json"
#define OCI_CONFIG_TYPE	  "application/vnd.oci.image.config.v1+json"
#define OCI_LAYER_TAR	  "application/vnd.oci.image.layer.v1.tar"
#define OCI_LAYER_TGZ	  "application/vnd.oci.image.layer.v1.tar+gzip"

struct oci_desc {
	const char *media_type;
	char digest[72]; /* sha256:... */
	size_t size;
};

/* What annotations and labels say about the tool. */
struct oci_info {
	const char *name;
	const char *version;
	const char *description;
	const char *source;
	const char *created;	  /* RFC 3339 */
	const char *architecture; /* OCI's: amd64, arm64 */
	/* JSON text of bpfman's labels and bumble's model */
	const char *programs_label;
	const char *maps_label;
	const char *model_label;
};

/* The labels' JSON text for the model (malloc'ed, caller frees). */
char *oci_programs_label(const struct gen_model *m);
char *oci_maps_label(const struct gen_model *m);
char *oci_model_label(const struct gen_model *m);

/* An image config: os linux, info's architecture, one layer (diff_id), the
 * labels of info, and an Entrypoint when entrypoint is not NULL. */
char *oci_image_config(const struct oci_info *info, const char *diff_id,
		       const char *entrypoint, const char *created_by,
		       size_t *len);

/* An image manifest for config and layers, annotated from info. */
char *oci_manifest(const struct oci_info *info, const struct oci_desc *config,
		   const struct oci_desc *layers, unsigned int layer_count,
		   size_t *len);

/* A manifest of an image index, and the platform it is for. */
struct oci_platform_desc {
	struct oci_desc desc;
	const char *architecture; /* OCI's: amd64, arm64; os is linux */
};

/* An image index: one manifest per platform, in the order given. */
char *oci_index(const struct oci_platform_desc *manifests, unsigned int count,
		size_t *len);

/* "1970-01-01T00:00:00Z" from SOURCE_DATE_EPOCH, or epoch 0 when unset:
 * bundles are reproducible by default. */
void oci_created(char out[32]);
/* The same time in seconds, for tar entries. */
long long oci_epoch(void);

#endif
