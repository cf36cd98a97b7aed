/* The eBPF artifact of a tool: an OCI image manifest, its config and one
 * tar layer holding the object (and any files carried beside it), built
 * as one pure function of the model. */
#ifndef BUMBLE_ARTIFACT_H
#define BUMBLE_ARTIFACT_H

#include <stddef.h>

#include "model.h"

/* A file the artifact carries beside the object, e.g. kernel BTF for
 * hosts without their own: btf/debian/11/x86_64/5.10.0-46-amd64.btf.gz */
struct gen_file {
	char *path; /* in the layer; 99 bytes at most */
	unsigned char *data;
	size_t size;
};

struct gen_files {
	struct gen_file *files; /* any order: the layer sorts them */
	unsigned int count;
};

struct gen_artifact {
	char *manifest;
	size_t manifest_size;
	char *config;
	size_t config_size;
	unsigned char *layer;
	size_t layer_size;
	char manifest_digest[72]; /* sha256:... of manifest */
};

/* Builds the artifact of m with files (may be NULL) beside the object;
 * source names the input in annotations. 0 or -ENOMEM / -EINVAL; a is
 * zeroed on failure. */
int gen_artifact_build(const struct gen_model *m, const struct gen_files *files,
		       const char *source, struct gen_artifact *a);
void gen_artifact_free(struct gen_artifact *a);

void gen_files_free(struct gen_files *files);

#endif
