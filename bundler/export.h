/* bumble export's pieces: the image it builds from a tool (the runnable
 * image and the eBPF artifact, every blob in memory) and the formats it
 * writes that image in. */
#ifndef BUMBLE_EXPORT_H
#define BUMBLE_EXPORT_H

#include "bundler.h"
#include "oci_layout.h"

struct export_image {
	char *name, *tag;
	char *architecture; /* OCI's, from the tool's artifact config */
	struct oci_blob manifest, config, layer; /* runnable image */
	unsigned char *layer_tar;		 /* uncompressed, for docker */
	size_t layer_tar_size;
	long long epoch; /* every timestamp of the export */
	struct oci_blob art_manifest, art_config, art_layer; /* eBPF artifact */
	char *owned[3];
};

/* The image of the tool at tool_path, whose payload is p, tagged
 * tag_arg (NAME:TAG or NAME; NULL: the tool's NAME:VERSION). Returns an
 * exit code, having said why (export_image.c). */
int export_image_build(const char *tool_path, const struct tool_payload *p,
		       const char *tag_arg, struct export_image *img);
void export_image_free(struct export_image *img);

/* docker save's format: manifest.json, the config, the uncompressed
 * layer (export_docker.c). 0 or -1. */
int export_docker_tar(const struct export_image *img, struct tar *t);

#endif
