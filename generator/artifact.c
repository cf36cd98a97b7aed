/* The eBPF artifact of a tool, built once per bundle from the model: the
 * tar layer (object and carried files, in name order), the image config
 * with the model's labels, and the manifest naming both by digest. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "tables_codec.h"
#include "oci.h"
#include "payload.h"
#include "sha256.h"
#include "tar.h"

/* The labels and annotations of the artifact, from the model. */
static int info_from_model(const struct gen_model *m, const char *source,
			   const char *created, struct oci_info *info)
{
	memset(info, 0, sizeof(*info));
	info->name = m->name;
	info->version = m->version;
	info->description = m->description;
	info->source = source;
	info->created = created;
	info->architecture = m->oci_arch;
	info->programs_label = oci_programs_label(m);
	info->maps_label = oci_maps_label(m);
	info->model_label = oci_model_label(m);
	return info->programs_label && info->maps_label && info->model_label
		   ? 0
		   : -ENOMEM;
}

static void info_free(struct oci_info *info)
{
	free((char *)info->programs_label);
	free((char *)info->maps_label);
	free((char *)info->model_label);
}

static int by_path(const void *a, const void *b)
{
	const struct gen_file *const *fa = a, *const *fb = b;

	return strcmp((*fa)->path, (*fb)->path);
}

/* The layer: NAME.bpf.o (and its fallback build, packed against it, as
 * alu32/NAME.bpf.o.z),
 * the runner's tables (what the prelinked stub runs by) and the files,
 * every entry in name order. */
static int build_layer(const struct gen_model *m, const struct gen_files *files,
		       struct tar *layer)
{
	unsigned int n = files ? files->count : 0, total;
	struct gen_file object = {.data = (unsigned char *)m->bytecode,
				  .size = m->bytecode_size};
	struct gen_file alu32 = {.data = (unsigned char *)m->alu32_packed,
				 .size = m->alu32_packed_size};
	struct gen_file tables = {.path = TABLES_LAYER_PATH};
	const struct gen_file **order;
	char name[256], alu32_name[256];
	int rc;

	snprintf(name, sizeof(name), "%s.bpf.o", m->name);
	snprintf(alu32_name, sizeof(alu32_name),
		 PAYLOAD_ALU32_DIR "%s" PAYLOAD_ALU32_SUFFIX, m->name);
	object.path = name;
	alu32.path = alu32_name;
	order = calloc(n + 3, sizeof(*order));
	rc = order ? gen_tables_blob(m, &tables.data, &tables.size) : -ENOMEM;
	if (rc) {
		free(order);
		return rc;
	}
	for (unsigned int i = 0; i < n; i++)
		order[i] = &files->files[i];
	order[n] = &object;
	order[n + 1] = &tables;
	total = n + 2;
	if (m->alu32_packed)
		order[total++] = &alu32;
	qsort(order, total, sizeof(*order), by_path);
	layer->mtime = oci_epoch();
	for (unsigned int i = 0; i < total && !rc; i++)
		if (tar_add_file(layer, order[i]->path, order[i]->data,
				 order[i]->size, 0644))
			rc = -EINVAL;
	if (!rc && tar_finish(layer))
		rc = -ENOMEM;
	free(tables.data);
	free(order);
	return rc;
}

int gen_artifact_build(const struct gen_model *m, const struct gen_files *files,
		       const char *source, struct gen_artifact *a)
{
	struct oci_desc config_desc = {.media_type = OCI_CONFIG_TYPE};
	struct oci_desc layer_desc = {.media_type = OCI_LAYER_TAR};
	struct tar layer = {0};
	struct oci_info info;
	char created[32], by[512];
	int rc;

	memset(a, 0, sizeof(*a));
	oci_created(created);
	rc = info_from_model(m, source, created, &info);
	if (rc)
		goto err;
	rc = build_layer(m, files, &layer);
	if (rc)
		goto err;
	sha256_digest_string(layer.buf, layer.len, layer_desc.digest);
	layer_desc.size = layer.len;
	snprintf(by, sizeof(by), "bumble bundle %s", source);
	rc = -ENOMEM;
	a->config = oci_image_config(&info, layer_desc.digest, NULL, by,
				     &a->config_size);
	if (!a->config)
		goto err;
	sha256_digest_string(a->config, a->config_size, config_desc.digest);
	config_desc.size = a->config_size;
	a->manifest = oci_manifest(&info, &config_desc, &layer_desc, 1,
				   &a->manifest_size);
	if (!a->manifest)
		goto err;
	sha256_digest_string(a->manifest, a->manifest_size, a->manifest_digest);
	a->layer = layer.buf;
	a->layer_size = layer.len;
	info_free(&info);
	return 0;
err:
	tar_free(&layer);
	info_free(&info);
	gen_artifact_free(a);
	return rc;
}

void gen_artifact_free(struct gen_artifact *a)
{
	free(a->manifest);
	free(a->config);
	free(a->layer);
	memset(a, 0, sizeof(*a));
}

void gen_files_free(struct gen_files *files)
{
	for (unsigned int i = 0; i < files->count; i++) {
		free(files->files[i].path);
		free(files->files[i].data);
	}
	free(files->files);
	memset(files, 0, sizeof(*files));
}
