/* bumble export: a tool as a runnable OCI image (the static tool as the
 * entrypoint, its bytecode beside it, bpfman's labels) together with its
 * eBPF artifact, as an OCI image layout, an OCI archive or a
 * docker-archive. Works from the tool alone: no source needed. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bumble.h"
#include "json.h"
#include "oci.h"
#include "payload.h"
#include "sha256.h"

static const char usage[] =
    "Usage: bumble export TOOL (--oci DIR | --oci-archive FILE |\n"
    "                           --docker-archive FILE) [--tag NAME:TAG]\n"
    "                           [--force]\n\n"
    "Writes TOOL as a runnable container image (entrypoint: the tool) and\n"
    "its eBPF artifact (the manifest the tool carries), with bpfman's\n"
    "io.ebpf.programs and io.ebpf.maps labels. The tag defaults to the\n"
    "tool's NAME:VERSION; in an OCI layout the image is ref TAG and the\n"
    "artifact TAG-ebpf. --oci refuses a non-empty DIR without --force.\n"
    "SOURCE_DATE_EPOCH sets the image's timestamps.\n";

enum {
	OPT_OCI = 256,
	OPT_OCI_ARCHIVE,
	OPT_DOCKER_ARCHIVE,
	OPT_TAG,
	OPT_FORCE
};

struct blob {
	const char *media_type;
	const void *data;
	size_t size;
	char digest[72];
};

/* Everything export writes, whatever the format. */
struct image {
	char *name, *tag;
	struct blob manifest, config, layer; /* runnable image */
	unsigned char *layer_tar;	     /* uncompressed, for docker */
	size_t layer_tar_size;
	char diff_id[72];
	long long epoch; /* every timestamp of the export */
	struct blob art_manifest, art_config, art_layer; /* eBPF artifact */
	char *owned[4];
};

static void blob_set(struct blob *b, const char *type, const void *data,
		     size_t size)
{
	b->media_type = type;
	b->data = data;
	b->size = size;
	sha256_digest_string(data, size, b->digest);
}

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

static int build_image(const char *tool_path, const struct tool_payload *p,
		       const char *tag_arg, struct image *img)
{
	struct oci_info info = {0};
	struct tar tar = {0};
	unsigned char *tool = NULL, *gz = NULL;
	size_t tool_size, gz_size, config_len, manifest_len;
	char *title, *version, *path = NULL, *entry = NULL, *config, *manifest;
	char bytecode_name[300];
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
	if (!info.created || !info.programs_label || !info.maps_label ||
	    !info.model_label) {
		err("'%s': its embedded config lacks bumble's labels; bundle "
		    "it again",
		    tool_path);
		rc = EXIT_INPUT;
		goto out;
	}
	if (tag_arg && strchr(tag_arg, ':')) {
		img->name = strndup(tag_arg, strchr(tag_arg, ':') - tag_arg);
		img->tag = strdup(strchr(tag_arg, ':') + 1);
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
	sha256_digest_string(tar.buf, tar.len, img->diff_id);
	blob_set(&img->layer, OCI_LAYER_TGZ, gz, gz_size);
	config = oci_image_config(&info, img->diff_id, entry, "bumble export",
				  &config_len);
	if (!config)
		goto out;
	blob_set(&img->config, OCI_CONFIG_TYPE, config, config_len);
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
	blob_set(&img->manifest, OCI_MANIFEST_TYPE, manifest, manifest_len);
	blob_set(&img->art_manifest, OCI_MANIFEST_TYPE, p->v.manifest,
		 p->v.manifest_size);
	blob_set(&img->art_config, OCI_CONFIG_TYPE, p->v.config,
		 p->v.config_size);
	blob_set(&img->art_layer, OCI_LAYER_TAR, p->v.layer, p->v.layer_size);
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

static void image_free(struct image *img)
{
	for (int i = 0; i < 4; i++)
		free(img->owned[i]);
	free(img->layer_tar);
	free(img->name);
	free(img->tag);
}

static void put_index_entry(struct json *j, const struct blob *m,
			    const char *ref)
{
	json_object(j);
	json_kv_string(j, "mediaType", m->media_type);
	json_kv_string(j, "digest", m->digest);
	json_kv_int(j, "size", (long long)m->size);
	json_key(j, "annotations");
	json_object(j);
	json_kv_string(j, "org.opencontainers.image.ref.name", ref);
	json_end(j, '}');
	json_end(j, '}');
}

static char *index_json(const struct image *img, size_t *len)
{
	struct json j;
	char ref[256];

	json_init(&j);
	json_object(&j);
	json_kv_int(&j, "schemaVersion", 2);
	json_kv_string(&j, "mediaType",
		       "application/vnd.oci.image.index.v1+json");
	json_key(&j, "manifests");
	json_array(&j);
	put_index_entry(&j, &img->manifest, img->tag);
	snprintf(ref, sizeof(ref), "%s-ebpf", img->tag);
	put_index_entry(&j, &img->art_manifest, ref);
	json_end(&j, ']');
	json_end(&j, '}');
	return json_finish(&j, len);
}

static int by_digest(const void *a, const void *b)
{
	const struct blob *const *x = a, *const *y = b;

	return strcmp((*x)->digest, (*y)->digest);
}

/* The blobs of the layout, sorted by digest, duplicates once. */
static int layout_blobs(const struct image *img, const struct blob **out)
{
	const struct blob *all[] = {&img->manifest,   &img->config,
				    &img->layer,      &img->art_manifest,
				    &img->art_config, &img->art_layer};
	int n = 0;

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		int dup = 0;

		for (int k = 0; k < n; k++)
			dup |= !strcmp(out[k]->digest, all[i]->digest);
		if (!dup)
			out[n++] = all[i];
	}
	qsort(out, (size_t)n, sizeof(*out), by_digest);
	return n;
}

static const char oci_layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

/* An OCI image layout as a tar (the oci-archive format). */
static int layout_tar(const struct image *img, struct tar *t)
{
	const struct blob *blobs[6];
	char *index, name[128];
	size_t index_len;
	int n = layout_blobs(img, blobs), rc;

	t->mtime = img->epoch;
	index = index_json(img, &index_len);
	if (!index)
		return -1;
	rc = tar_add_dir(t, "blobs/") || tar_add_dir(t, "blobs/sha256/");
	for (int i = 0; i < n && !rc; i++) {
		snprintf(name, sizeof(name), "blobs/sha256/%s",
			 blobs[i]->digest + 7);
		rc =
		    tar_add_file(t, name, blobs[i]->data, blobs[i]->size, 0644);
	}
	if (!rc)
		rc = tar_add_file(t, "index.json", index, index_len, 0644) ||
		     tar_add_file(t, "oci-layout", oci_layout,
				  sizeof(oci_layout) - 1, 0644) ||
		     tar_finish(t);
	free(index);
	return rc ? -1 : 0;
}

static int write_layout_dir(const struct image *img, const char *dir, int force)
{
	const struct blob *blobs[6];
	char *index, *path = NULL;
	size_t index_len;
	int n = layout_blobs(img, blobs), rc = 0;
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			err("'%s' exists and is not a directory", dir);
			return EXIT_USAGE;
		}
		if (!force && rmdir(dir) != 0) {
			err("'%s' is not empty; give a new or empty "
			    "directory, or --force to write into it",
			    dir);
			return EXIT_USAGE;
		}
	} else if (check_output_dir(dir)) {
		return EXIT_USAGE;
	}
	if ((mkdir(dir, 0755) && errno != EEXIST) ||
	    asprintf(&path, "%s/blobs/sha256", dir) < 0)
		return EXIT_FAIL;
	path[strlen(dir) + 6] = '\0';
	mkdir(path, 0755);
	path[strlen(dir) + 6] = '/';
	mkdir(path, 0755);
	free(path);
	for (int i = 0; i < n && !rc; i++) {
		if (asprintf(&path, "%s/blobs/sha256/%s", dir,
			     blobs[i]->digest + 7) < 0)
			return EXIT_FAIL;
		rc = write_file_atomic(path, blobs[i]->data, blobs[i]->size,
				       0644);
		free(path);
	}
	index = index_json(img, &index_len);
	if (!rc && index && asprintf(&path, "%s/oci-layout", dir) >= 0) {
		rc = write_file_atomic(path, oci_layout, sizeof(oci_layout) - 1,
				       0644);
		free(path);
		if (!rc && asprintf(&path, "%s/index.json", dir) >= 0) {
			rc = write_file_atomic(path, index, index_len, 0644);
			free(path);
		}
	}
	free(index);
	if (rc) {
		err("writing the OCI layout in '%s' failed: %s", dir,
		    strerror(-rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int add_docker_layer(struct tar *t, const struct image *img,
			    const char *hex, const char *layer_name)
{
	char dir[80];

	snprintf(dir, sizeof(dir), "%.64s/", hex);
	return tar_add_dir(t, dir) ||
	       tar_add_file(t, layer_name, img->layer_tar, img->layer_tar_size,
			    0644);
}

/* docker save's format: manifest.json, the config, uncompressed layers. */
static int docker_tar(const struct image *img, struct tar *t)
{
	struct json j;
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
	json_init(&j);
	json_array(&j);
	json_object(&j);
	json_kv_string(&j, "Config", config_name);
	json_key(&j, "RepoTags");
	json_array(&j);
	json_string(&j, repo_tag);
	json_end(&j, ']');
	json_key(&j, "Layers");
	json_array(&j);
	json_string(&j, layer_name);
	json_end(&j, ']');
	json_end(&j, '}');
	json_end(&j, ']');
	manifest = json_finish(&j, &manifest_len);
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

static int write_archive(const char *path, const struct tar *t)
{
	int rc;

	if (check_output_dir(path))
		return EXIT_USAGE;
	rc = write_file_atomic(path, t->buf, t->len, 0644);
	if (rc) {
		err("cannot write %s: %s", path, strerror(-rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int export_tool(const char *tool, const char *oci_dir, const char *oci_archive,
		const char *docker_archive, const char *tag, int force)
{
	struct tool_payload p;
	struct image img = {0};
	struct tar t = {0};
	int rc;

	rc = payload_read(tool, &p);
	if (rc)
		return rc;
	rc = build_image(tool, &p, tag, &img);
	if (!rc && oci_dir)
		rc = write_layout_dir(&img, oci_dir, force);
	if (!rc && oci_archive) {
		rc = layout_tar(&img, &t) ? EXIT_FAIL
					  : write_archive(oci_archive, &t);
		tar_free(&t);
	}
	if (!rc && docker_archive) {
		rc = docker_tar(&img, &t) ? EXIT_FAIL
					  : write_archive(docker_archive, &t);
		tar_free(&t);
	}
	if (!rc)
		fprintf(stderr,
			"bumble: exported %s as %s:%s (image %.19s...)\n", tool,
			img.name, img.tag, img.manifest.digest);
	image_free(&img);
	payload_free(&p);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
	    {"oci", required_argument, NULL, OPT_OCI},
	    {"oci-archive", required_argument, NULL, OPT_OCI_ARCHIVE},
	    {"docker-archive", required_argument, NULL, OPT_DOCKER_ARCHIVE},
	    {"tag", required_argument, NULL, OPT_TAG},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *oci_archive = NULL, *docker = NULL;
	const char *tag = NULL;
	int c, force = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_OCI:
			dir = optarg;
			break;
		case OPT_OCI_ARCHIVE:
			oci_archive = optarg;
			break;
		case OPT_DOCKER_ARCHIVE:
			docker = optarg;
			break;
		case OPT_TAG:
			tag = optarg;
			break;
		case OPT_FORCE:
			force = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble export --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble export --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		err("give one tool to export; see 'bumble export --help'");
		return EXIT_USAGE;
	}
	if (!dir && !oci_archive && !docker) {
		err("say where: --oci DIR, --oci-archive FILE or "
		    "--docker-archive FILE");
		return EXIT_USAGE;
	}
	if (tag && (!*tag || strchr(tag, ' ') || tag[strlen(tag) - 1] == ':')) {
		err("--tag takes NAME:TAG or NAME, not '%s'", tag);
		return EXIT_USAGE;
	}
	return export_tool(argv[optind], dir, oci_archive, docker, tag, force);
}
