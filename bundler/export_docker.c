/* docker save's format for bumble export: manifest.json with the repo
 * tag, the image config, and the layer uncompressed in a directory named
 * after its digest, entries in name order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "json_writer.h"
#include "sha256.h"

static int add_docker_layer(struct tar *t, const struct export_image *img,
			    const char *hex, const char *layer_name)
{
	char dir[80];

	snprintf(dir, sizeof(dir), "%.64s/", hex);
	return tar_add_dir(t, dir) ||
	       tar_add_file(t, layer_name, img->layer_tar, img->layer_tar_size,
			    0644);
}

int export_docker_tar(const struct export_image *img, struct tar *t)
{
	struct json_writer j;
	char config_name[80], layer_name[96], repo_tag[512];
	char *manifest;
	size_t manifest_len;
	char layer_hex[72];
	int rc;

	sha256_digest_string(img->layer_tar, img->layer_tar_size, layer_hex);
	snprintf(config_name, sizeof(config_name), "%s.json",
		 img->config.digest + 7);
	snprintf(layer_name, sizeof(layer_name), "%s/layer.tar", layer_hex + 7);
	snprintf(repo_tag, sizeof(repo_tag), "%s:%s", img->name, img->tag);
	jw_init(&j);
	jw_array(&j);
	jw_object(&j);
	jw_kv_string(&j, "Config", config_name);
	jw_key(&j, "RepoTags");
	jw_array(&j);
	jw_string(&j, repo_tag);
	jw_end(&j, ']');
	jw_key(&j, "Layers");
	jw_array(&j);
	jw_string(&j, layer_name);
	jw_end(&j, ']');
	jw_end(&j, '}');
	jw_end(&j, ']');
	manifest = jw_finish(&j, &manifest_len);
	if (!manifest)
		return -1;
	t->mtime = img->epoch;
	/* entries in name order: the layer's directory may sort first */
	if (strcmp(layer_hex + 7, img->config.digest + 7) > 0)
		rc = tar_add_file(t, config_name, img->config.data,
				  img->config.size, 0644) ||
		     add_docker_layer(t, img, layer_hex + 7, layer_name);
	else
		rc = add_docker_layer(t, img, layer_hex + 7, layer_name) ||
		     tar_add_file(t, config_name, img->config.data,
				  img->config.size, 0644);
	if (!rc)
		rc = tar_add_file(t, "manifest.json", manifest, manifest_len,
				  0644) ||
		     tar_finish(t);
	free(manifest);
	return rc ? -1 : 0;
}
