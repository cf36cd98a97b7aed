/* bumble export's image, built from the tool alone: the runnable image
 * (the static tool as the entrypoint, its bytecode beside it, bpfman's
 * labels) and the eBPF artifact the tool carries, every blob in memory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "oci.h"
#include "sha256.h"

static char *annotation(const struct tool_payload *p, const char *key)
{
	char full[128];

	snprintf(full, sizeof(full), "org.opencontainers.image.%s", key);
	return payload_json_string(p->v.manifest, p->v.manifest_size, full);
}

static char *label(const struct tool_payload *p, const char *key)
{
	return payload_json_string(p->v.config, p->v.config_size, key);
}

/* The image's time: SOURCE_DATE_EPOCH when set, else the time the tool
 * was bundled with (its manifest's created annotation). */
static char *export_created(const struct tool_payload *p, long long *epoch)
{
	char *created = annotation(p, "created");
	struct tm tm = {0};
	char buf[32];

	if (getenv("SOURCE_DATE_EPOCH") || !created ||
	    !strptime(created, "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		free(created);
		*epoch = oci_epoch();
		oci_created(buf);
		return strdup(buf);
	}
	*epoch = (long long)timegm(&tm);
	return created;
}

int export_image_build(const char *tool_path, const struct tool_payload *p,
		       const char *tag_arg, struct export_image *img)
{
	struct oci_info info = {0};
	struct tar tar = {0};
	unsigned char *tool = NULL, *gz = NULL;
	size_t tool_size, gz_size, config_len, manifest_len;
	char *title, *version, *path = NULL, *entry = NULL, *config, *manifest;
	char bytecode_name[300], diff_id[72];
	const char *tag_colon;
	int rc = EXIT_FAIL;

	title = annotation(p, "title");
	version = annotation(p, "version");
	info.name = title ? title : "tool";
	info.version = version ? version : "0.0.0";
	info.description = annotation(p, "description");
	info.source = annotation(p, "source");
	info.created = export_created(p, &img->epoch);
	info.programs_label = label(p, "io.ebpf.programs");
	info.maps_label = label(p, "io.ebpf.maps");
	info.model_label = label(p, "io.bumble.model");
	/* the image runs where the tool does: the artifact's platform */
	info.architecture = img->architecture = label(p, "architecture");
	if (!info.created || !info.programs_label || !info.maps_label ||
	    !info.model_label || !info.architecture) {
		err("'%s': its embedded config lacks bumble's labels; bundle "
		    "it again",
		    tool_path);
		rc = EXIT_INPUT;
		goto out;
	}
	/* a tool bundled by an older bumble may carry any name: it names
	 * files in the image, so it must be valid whatever --tag says */
	if (check_tool_name(info.name, "the tool's name") ||
	    check_tool_version(info.version, "the tool's version")) {
		err("'%s': bundle it again with a valid --name and --version",
		    tool_path);
		rc = EXIT_INPUT;
		goto out;
	}
	tag_colon = tag_arg ? strrchr(tag_arg, ':') : NULL;
	if (tag_colon && strchr(tag_colon, '/'))
		tag_colon = NULL; /* HOST:PORT/NAME */
	if (tag_colon) {
		img->name = strndup(tag_arg, (size_t)(tag_colon - tag_arg));
		img->tag = strdup(tag_colon + 1);
	} else {
		img->name = strdup(tag_arg ? tag_arg : info.name);
		img->tag = strdup(info.version);
	}
	if (read_file(tool_path, &tool, &tool_size))
		goto out;
	/* the tool at /NAME, its object beside it */
	tar.mtime = img->epoch;
	if (asprintf(&path, "%s", info.name) < 0 ||
	    asprintf(&entry, "/%s", info.name) < 0)
		goto out;
	snprintf(bytecode_name, sizeof(bytecode_name), "%s.bpf.o", info.name);
	if (tar_add_file(&tar, path, tool, tool_size, 0755) ||
	    tar_add_file(&tar, bytecode_name, p->v.bytecode, p->v.bytecode_size,
			 0644) ||
	    tar_finish(&tar) || gzip_buffer(tar.buf, tar.len, &gz, &gz_size))
		goto out;
	sha256_digest_string(tar.buf, tar.len, diff_id);
	oci_blob_set(&img->layer, OCI_LAYER_TGZ, gz, gz_size);
	config = oci_image_config(&info, diff_id, entry, "bumble export",
				  &config_len);
	if (!config)
		goto out;
	oci_blob_set(&img->config, OCI_CONFIG_TYPE, config, config_len);
	{
		struct oci_desc cd = {.media_type = OCI_CONFIG_TYPE,
				      .size = config_len};
		struct oci_desc ld = {.media_type = OCI_LAYER_TGZ,
				      .size = gz_size};

		memcpy(cd.digest, img->config.digest, 72);
		memcpy(ld.digest, img->layer.digest, 72);
		manifest = oci_manifest(&info, &cd, &ld, 1, &manifest_len);
	}
	if (!manifest)
		goto out;
	oci_blob_set(&img->manifest, OCI_MANIFEST_TYPE, manifest, manifest_len);
	oci_blob_set(&img->art_manifest, OCI_MANIFEST_TYPE, p->v.manifest,
		     p->v.manifest_size);
	oci_blob_set(&img->art_config, OCI_CONFIG_TYPE, p->v.config,
		     p->v.config_size);
	oci_blob_set(&img->art_layer, OCI_LAYER_TAR, p->v.layer,
		     p->v.layer_size);
	img->layer_tar = tar.buf;
	img->layer_tar_size = tar.len;
	tar.buf = NULL;
	img->owned[0] = (char *)gz;
	img->owned[1] = config;
	img->owned[2] = manifest;
	gz = NULL;
	rc = EXIT_OK;
out:
	free(gz);
	free(tool);
	free(path);
	free(entry);
	tar_free(&tar);
	free(title);
	free(version);
	free((char *)info.description);
	free((char *)info.source);
	free((char *)info.created);
	free((char *)info.programs_label);
	free((char *)info.maps_label);
	free((char *)info.model_label);
	return rc;
}

void export_image_free(struct export_image *img)
{
	for (int i = 0; i < 3; i++)
		free(img->owned[i]);
	free(img->layer_tar);
	free(img->name);
	free(img->tag);
	free(img->architecture);
}
