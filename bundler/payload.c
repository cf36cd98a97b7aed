/* The payload of a tool: bumble writes it after linking (manifest, config
 * and a tar layer holding the object) and reads it back for export. The
 * format and its checks are shared with the tool (stub/payload.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bumble.h"
#include "oci.h"
#include "payload.h"
#include "sha256.h"

int gzip_buffer(const void *data, size_t n, unsigned char **out,
		size_t *out_len)
{
	z_stream z;
	unsigned char *buf;
	size_t cap = compressBound((uLong)n) + 64;
	int rc;

	memset(&z, 0, sizeof(z));
	buf = malloc(cap);
	/* windowBits 15 + 16: a gzip wrapper with no name and time 0 */
	if (!buf || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = cap - z.avail_out;
	return 0;
}

/* Fills the labels and annotations of info from the model. */
static int info_from_model(const struct gen_model *m, const char *source,
			   const char *created, struct oci_info *info)
{
	memset(info, 0, sizeof(*info));
	info->name = m->name;
	info->version = m->version;
	info->description = m->description;
	info->source = source;
	info->created = created;
	info->programs_label = oci_programs_label(m);
	info->maps_label = oci_maps_label(m);
	info->model_label = oci_model_label(m);
	return info->programs_label && info->maps_label && info->model_label
		   ? 0
		   : -1;
}

static void info_free(struct oci_info *info)
{
	free((char *)info->programs_label);
	free((char *)info->maps_label);
	free((char *)info->model_label);
}

int payload_build(const struct gen_model *m, const char *source,
		  unsigned char **out, size_t *len)
{
	struct oci_desc config_desc = {.media_type = OCI_CONFIG_TYPE};
	struct oci_desc layer_desc = {.media_type = OCI_LAYER_TAR};
	struct tar layer = {0};
	struct oci_info info;
	char created[32], name[256], by[512];
	char *config = NULL, *manifest = NULL;
	size_t config_len = 0, manifest_len = 0;
	uint64_t sizes[3];
	unsigned char *p;
	int rc = -1;

	oci_created(created);
	if (info_from_model(m, source, created, &info))
		goto out;
	layer.mtime = oci_epoch();
	snprintf(name, sizeof(name), "%s.bpf.o", m->name);
	/* entries in name order: btf/... sorts before most tool names */
	for (unsigned int i = 0; i < m->file_count; i++)
		if (strcmp(m->files[i].path, name) < 0 &&
		    tar_add_file(&layer, m->files[i].path, m->files[i].data,
				 m->files[i].size, 0644))
			goto out;
	if (tar_add_file(&layer, name, m->bytecode, m->bytecode_size, 0644))
		goto out;
	for (unsigned int i = 0; i < m->file_count; i++)
		if (strcmp(m->files[i].path, name) > 0 &&
		    tar_add_file(&layer, m->files[i].path, m->files[i].data,
				 m->files[i].size, 0644))
			goto out;
	if (tar_finish(&layer))
		goto out;
	sha256_digest_string(layer.buf, layer.len, layer_desc.digest);
	layer_desc.size = layer.len;
	snprintf(by, sizeof(by), "bumble bundle %s", source);
	config =
	    oci_image_config(&info, layer_desc.digest, NULL, by, &config_len);
	if (!config)
		goto out;
	sha256_digest_string(config, config_len, config_desc.digest);
	config_desc.size = config_len;
	manifest =
	    oci_manifest(&info, &config_desc, &layer_desc, 1, &manifest_len);
	if (!manifest)
		goto out;
	sizes[0] = manifest_len;
	sizes[1] = config_len;
	sizes[2] = layer.len;
	*len = manifest_len + config_len + layer.len + PAYLOAD_TRAILER_SIZE;
	p = *out = malloc(*len);
	if (!p)
		goto out;
	memcpy(p, manifest, manifest_len);
	memcpy(p + manifest_len, config, config_len);
	memcpy(p + manifest_len + config_len, layer.buf, layer.len);
	payload_trailer_make(p + *len - PAYLOAD_TRAILER_SIZE, sizes);
	rc = 0;
out:
	free(manifest);
	free(config);
	tar_free(&layer);
	info_free(&info);
	return rc;
}

int payload_manifest_digest(struct gen_model *m, const char *source)
{
	unsigned char *payload;
	uint64_t start, sizes[3];
	size_t len;

	if (payload_build(m, source, &payload, &len))
		return -1;
	if (payload_trailer_parse(payload + len - PAYLOAD_TRAILER_SIZE, len,
				  &start, sizes)) {
		free(payload);
		return -1;
	}
	sha256_digest_string(payload + start, (size_t)sizes[0],
			     m->manifest_digest);
	free(payload);
	return 0;
}

int payload_read(const char *tool, struct tool_payload *p)
{
	unsigned char *file = NULL;
	struct payload_view v;
	uint64_t start, sizes[3];
	size_t size;
	char msg[256];
	int rc;

	memset(p, 0, sizeof(*p));
	rc = read_file(tool, &file, &size);
	if (rc) {
		err("cannot read '%s': %s", tool, strerror(-rc));
		return EXIT_INPUT;
	}
	if (size < PAYLOAD_TRAILER_SIZE ||
	    payload_trailer_parse(file + size - PAYLOAD_TRAILER_SIZE, size,
				  &start, sizes)) {
		err("'%s' is not a bumble tool, or it was cut short or "
		    "stripped: it carries no payload",
		    tool);
		free(file);
		return EXIT_INPUT;
	}
	if (payload_verify(file + start, sizes, &v, msg, sizeof(msg))) {
		err("'%s': %s; the file was modified or damaged", tool, msg);
		free(file);
		return EXIT_INPUT;
	}
	p->data = file;
	p->v = v;
	return 0;
}

void payload_free(struct tool_payload *p)
{
	free(p->data);
	memset(p, 0, sizeof(*p));
}
