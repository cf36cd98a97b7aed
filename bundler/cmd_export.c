/* bumble export: the command line, and the tool's image (export_image.c)
 * written as an OCI image layout, an OCI archive (oci_layout.c) or a
 * docker-archive (export_docker.c). Works from the tool alone. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "image_attach.h"

static const char usage[] =
    "Usage: bumble export TOOL (--oci DIR | --oci-archive FILE |\n"
    "                           --docker-archive FILE) [--tag NAME:TAG]\n"
    "                           [--force] [--sbom] [--sign-key KEY.pem]\n\n"
    "Writes TOOL as a runnable container image (entrypoint: the tool) and\n"
    "its eBPF artifact (the manifest the tool carries), with bpfman's\n"
    "io.ebpf.programs and io.ebpf.maps labels. The tag defaults to the\n"
    "tool's NAME:VERSION; in an OCI layout the image is ref TAG and the\n"
    "artifact TAG-ebpf. --oci refuses a non-empty DIR without --force.\n"
    "SOURCE_DATE_EPOCH sets the image's timestamps. In an OCI layout,\n"
    "--sbom attaches the tool's SBOM to the image (artifactType\n"
    "application/vnd.cyclonedx+json, ref sha256-HEX.sbom), and\n"
    "--sign-key KEY does too, and signs the image and the artifact in\n"
    "cosign's format (refs sha256-HEX.sig; see 'bumble sign' for keys).\n";

enum {
	OPT_OCI = 256,
	OPT_OCI_ARCHIVE,
	OPT_DOCKER_ARCHIVE,
	OPT_TAG,
	OPT_FORCE,
	OPT_SIGN_KEY,
	OPT_SBOM
};

/* What is attached to the image: the SBOM, and with a key cosign's
 * signatures of the image and of the artifact. */
#define ATTACH_MAX 3
struct export_attached {
	struct attachment a[ATTACH_MAX];
	unsigned int count;
};

/* The runnable image under its tag, the artifact under TAG-ebpf, then
 * what is attached under cosign's tags. */
struct export_layout {
	const struct oci_blob *blobs[6 + 3 * ATTACH_MAX];
	struct oci_ref refs[2 + ATTACH_MAX];
	char art_ref[256];
	struct oci_layout layout;
};

static void layout_of(const struct export_image *img,
		      const struct export_attached *att,
		      struct export_layout *l)
{
	const struct oci_blob *blobs[] = {&img->manifest,   &img->config,
					  &img->layer,	    &img->art_manifest,
					  &img->art_config, &img->art_layer};
	size_t nb = 6, nr = 2;

	memcpy(l->blobs, blobs, sizeof(blobs));
	snprintf(l->art_ref, sizeof(l->art_ref), "%s-ebpf", img->tag);
	l->refs[0] = (struct oci_ref){&img->manifest, img->tag, NULL};
	l->refs[1] = (struct oci_ref){&img->art_manifest, l->art_ref, NULL};
	for (unsigned int i = 0; att && i < att->count; i++) {
		const struct attachment *a = &att->a[i];

		l->blobs[nb++] = &a->manifest;
		l->blobs[nb++] = &a->config;
		l->blobs[nb++] = &a->layer;
		l->refs[nr++] =
		    (struct oci_ref){&a->manifest, a->tag, a->artifact_type};
	}
	l->layout = (struct oci_layout){l->blobs, nb, l->refs, nr};
}

static void attached_free(struct export_attached *att)
{
	for (unsigned int i = 0; i < att->count; i++)
		attachment_free(&att->a[i]);
	att->count = 0;
}

/* The SBOM the tool carries, and signatures with key (may be NULL). A
 * plain export attaches nothing: a layout of exactly the image and the
 * artifact is what validators filtering refs by name get right
 * (oci-image-tool 1.0.0-rc1 skips an entry after each it drops). */
static int attach_all(const struct export_image *img,
		      const struct tool_payload *p, struct sign_key *key,
		      int with_sbom, unsigned char **sbom,
		      struct export_attached *att)
{
	size_t n;
	int rc = with_sbom || key ? tool_sbom(p, sbom, &n) : EXIT_OK;

	if (!rc && *sbom) {
		rc = attach_sbom(&img->manifest, *sbom, n, &att->a[att->count]);
		att->count++;
	}
	if (!rc && key) {
		rc = attach_signature(key, img->name, &img->manifest,
				      &att->a[att->count]);
		att->count++;
	}
	if (!rc && key) {
		rc = attach_signature(key, img->name, &img->art_manifest,
				      &att->a[att->count]);
		att->count++;
	}
	return rc;
}

static int tar_dir(void *ctx, const char *path)
{
	char name[100];

	snprintf(name, sizeof(name), "%s/", path);
	return tar_add_dir(ctx, name) ? -ENOMEM : 0;
}

static int tar_file(void *ctx, const char *path, const void *data, size_t size)
{
	return tar_add_file(ctx, path, data, size, 0644) ? -ENOMEM : 0;
}

/* An OCI image layout as a tar (the oci-archive format). */
static int layout_tar(const struct export_image *img,
		      const struct export_attached *att, struct tar *t)
{
	struct oci_layout_sink sink = {tar_dir, tar_file, t};
	struct export_layout l;

	layout_of(img, att, &l);
	t->mtime = img->epoch;
	return oci_layout_write(&l.layout, &sink) || tar_finish(t) ? -1 : 0;
}

int check_layout_dir(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			err("'%s' exists and is not a directory", dir);
			return -1;
		}
		return 0;
	}
	return check_output_dir(dir);
}

static int write_layout_dir(const struct export_image *img,
			    const struct export_attached *att, const char *dir,
			    int force)
{
	struct export_layout l;
	struct stat st;
	int rc, dirfd;

	if (stat(dir, &st) == 0) {
		if (!force && rmdir(dir) != 0) {
			err("'%s' is not empty; give a new or empty "
			    "directory, or --force to write into it",
			    dir);
			return EXIT_USAGE;
		}
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return EXIT_FAIL;
	layout_of(img, att, &l);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dirfd < 0 ? -errno : oci_layout_write_dir(&l.layout, dirfd);
	if (dirfd >= 0)
		close(dirfd);
	if (rc) {
		err("writing the OCI layout in '%s' failed: %s", dir,
		    strerror(-rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int write_archive(const char *path, const struct tar *t)
{
	int rc;

	rc = write_file_atomic(path, t->buf, t->len, 0644);
	if (rc) {
		err("cannot write %s: %s", path, strerror(-rc));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int export_tool(const char *tool, const char *oci_dir, const char *oci_archive,
		const char *docker_archive, const char *tag, int force,
		int with_sbom, struct sign_key *key)
{
	struct tool_payload p;
	struct export_image img = {0};
	struct export_attached att = {0};
	unsigned char *sbom = NULL;
	struct tar t = {0};
	const char *const inputs[] = {tool, NULL};
	int rc;

	/* every output checked before anything is written */
	if ((oci_archive && check_output(oci_archive, inputs)) ||
	    (docker_archive && check_output(docker_archive, inputs)) ||
	    (oci_dir && check_layout_dir(oci_dir)))
		return EXIT_USAGE;
	rc = payload_read(tool, &p);
	if (rc)
		return rc;
	rc = export_image_build(tool, &p, tag, &img);
	if (!rc)
		rc = attach_all(&img, &p, key, with_sbom, &sbom, &att);
	if (!rc && oci_dir)
		rc = write_layout_dir(&img, &att, oci_dir, force);
	if (!rc && oci_archive) {
		rc = layout_tar(&img, &att, &t)
			 ? EXIT_FAIL
			 : write_archive(oci_archive, &t);
		tar_free(&t);
	}
	if (!rc && docker_archive) {
		rc = export_docker_tar(&img, &t)
			 ? EXIT_FAIL
			 : write_archive(docker_archive, &t);
		tar_free(&t);
	}
	if (!rc)
		fprintf(stderr,
			"bumble: exported %s as %s:%s (image %.19s...)\n", tool,
			img.name, img.tag, img.manifest.digest);
	if (!rc && (key || with_sbom) && !oci_dir && !oci_archive)
		warn("a docker-archive holds no signatures or SBOM: --sign-key "
		     "and --sbom attach them to --oci and --oci-archive only");
	attached_free(&att);
	free(sbom);
	export_image_free(&img);
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
	    {"sign-key", required_argument, NULL, OPT_SIGN_KEY},
	    {"sbom", no_argument, NULL, OPT_SBOM},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *oci_archive = NULL, *docker = NULL;
	const char *tag = NULL, *key_path = NULL;
	struct sign_key *key = NULL;
	int c, force = 0, with_sbom = 0, rc;

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
		case OPT_SIGN_KEY:
			key_path = optarg;
			break;
		case OPT_SBOM:
			with_sbom = 1;
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
	if (tag && check_image_ref(tag))
		return EXIT_USAGE;
	if (key_path && !(key = sign_key_private(key_path, &rc)))
		return rc;
	rc = export_tool(argv[optind], dir, oci_archive, docker, tag, force,
			 with_sbom, key);
	sign_key_free(key);
	return rc;
}
