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
#include "oci.h"

static const char usage[] =
    "Usage: bumble export TOOL... (--oci DIR | --oci-archive FILE |\n"
    "                              --docker-archive FILE) [--tag NAME:TAG]\n"
    "                              [--force]\n\n"
    "Writes TOOL as a runnable container image (entrypoint: the tool) and\n"
    "its eBPF artifact (the manifest the tool carries), with bpfman's\n"
    "io.ebpf.programs and io.ebpf.maps labels. The tag defaults to the\n"
    "tool's NAME:VERSION; in an OCI layout the image is ref TAG and the\n"
    "artifact TAG-ebpf. --oci refuses a non-empty DIR without --force.\n"
    "SOURCE_DATE_EPOCH sets the image's timestamps. Several tools of one\n"
    "program (same name and version), each for another architecture\n"
    "(bumble bundle --arch x86_64,aarch64), make one image index: TAG and\n"
    "TAG-ebpf each name a manifest per platform (linux/amd64,\n"
    "linux/arm64); a docker-archive holds one platform only.\n";

enum {
	OPT_OCI = 256,
	OPT_OCI_ARCHIVE,
	OPT_DOCKER_ARCHIVE,
	OPT_TAG,
	OPT_FORCE
};

/* The runnable image under its tag, the artifact under TAG-ebpf; with
 * several tools (one per arch), each of the two an image index with a
 * manifest per platform. */
struct export_layout {
	const struct oci_blob *blobs[6 * BUMBLE_ARCH_MAX + 2];
	struct oci_ref refs[2];
	struct oci_blob index[2]; /* image, artifact */
	char *index_json[2];
	char art_ref[256];
	struct oci_layout layout;
};

/* The index of the manifests of the images (art 0) or their artifacts. */
static char *platform_index(const struct export_image *imgs, size_t n, int art,
			    size_t *len)
{
	struct oci_platform_desc m[BUMBLE_ARCH_MAX];

	for (size_t i = 0; i < n; i++) {
		const struct oci_blob *b =
		    art ? &imgs[i].art_manifest : &imgs[i].manifest;

		m[i].desc.media_type = b->media_type;
		memcpy(m[i].desc.digest, b->digest, sizeof(b->digest));
		m[i].desc.size = b->size;
		m[i].architecture = imgs[i].architecture;
	}
	return oci_index(m, (unsigned int)n, len);
}

static int layout_of(const struct export_image *imgs, size_t n,
		     struct export_layout *l)
{
	size_t nb = 0;

	memset(l, 0, sizeof(*l));
	for (size_t i = 0; i < n; i++) {
		const struct export_image *img = &imgs[i];
		const struct oci_blob *blobs[] = {
		    &img->manifest,	&img->config,	  &img->layer,
		    &img->art_manifest, &img->art_config, &img->art_layer};

		memcpy(l->blobs + nb, blobs, sizeof(blobs));
		nb += 6;
	}
	snprintf(l->art_ref, sizeof(l->art_ref), "%s-ebpf", imgs[0].tag);
	l->refs[0] = (struct oci_ref){&imgs[0].manifest, imgs[0].tag};
	l->refs[1] = (struct oci_ref){&imgs[0].art_manifest, l->art_ref};
	for (int k = 0; n > 1 && k < 2; k++) {
		size_t len;

		l->index_json[k] = platform_index(imgs, n, k, &len);
		if (!l->index_json[k])
			return -1;
		oci_blob_set(&l->index[k], OCI_INDEX_TYPE, l->index_json[k],
			     len);
		l->blobs[nb++] = &l->index[k];
		l->refs[k].manifest = &l->index[k];
	}
	l->layout = (struct oci_layout){l->blobs, nb, l->refs, 2};
	return 0;
}

static void layout_free(struct export_layout *l)
{
	free(l->index_json[0]);
	free(l->index_json[1]);
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
static int layout_tar(const struct export_image *imgs, size_t n, struct tar *t)
{
	struct oci_layout_sink sink = {tar_dir, tar_file, t};
	struct export_layout l;
	int rc;

	t->mtime = imgs[0].epoch;
	rc = layout_of(imgs, n, &l) || oci_layout_write(&l.layout, &sink) ||
		     tar_finish(t)
		 ? -1
		 : 0;
	layout_free(&l);
	return rc;
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

static int write_layout_dir(const struct export_image *imgs, size_t n,
			    const char *dir, int force)
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
	if (layout_of(imgs, n, &l)) {
		layout_free(&l);
		return EXIT_FAIL;
	}
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dirfd < 0 ? -errno : oci_layout_write_dir(&l.layout, dirfd);
	if (dirfd >= 0)
		close(dirfd);
	layout_free(&l);
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

/* Several tools make one index: one program, one tool per platform. */
static int check_platforms(const char *const *tools,
			   const struct export_image *imgs, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (strcmp(imgs[i].name, imgs[0].name) ||
		    strcmp(imgs[i].tag, imgs[0].tag)) {
			err("'%s' is %s:%s and '%s' %s:%s: an image index "
			    "holds one program, bundled for several "
			    "architectures",
			    tools[0], imgs[0].name, imgs[0].tag, tools[i],
			    imgs[i].name, imgs[i].tag);
			return EXIT_USAGE;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(imgs[i].architecture,
				    imgs[k].architecture)) {
				err("'%s' and '%s' are both for %s: give one "
				    "tool per architecture",
				    tools[k], tools[i], imgs[i].architecture);
				return EXIT_USAGE;
			}
	}
	return EXIT_OK;
}

int export_tools(const char *const *tools, size_t n, const char *oci_dir,
		 const char *oci_archive, const char *docker_archive,
		 const char *tag, int force)
{
	struct tool_payload p[BUMBLE_ARCH_MAX] = {0};
	struct export_image imgs[BUMBLE_ARCH_MAX] = {0};
	struct tar t = {0};
	size_t read = 0;
	int rc = EXIT_OK;

	if (n > BUMBLE_ARCH_MAX) {
		err("at most %d tools, one per architecture", BUMBLE_ARCH_MAX);
		return EXIT_USAGE;
	}
	if (docker_archive && n > 1) {
		err("a docker-archive holds one platform: export each tool on "
		    "its own, or use --oci / --oci-archive for one index");
		return EXIT_USAGE;
	}
	/* every output checked before anything is written */
	for (size_t i = 0; i < n; i++) {
		const char *const inputs[] = {tools[i], NULL};

		if ((oci_archive && check_output(oci_archive, inputs)) ||
		    (docker_archive && check_output(docker_archive, inputs)))
			return EXIT_USAGE;
	}
	if (oci_dir && check_layout_dir(oci_dir))
		return EXIT_USAGE;
	for (; read < n && !rc; read++) {
		rc = payload_read(tools[read], &p[read]);
		if (!rc)
			rc = export_image_build(tools[read], &p[read], tag,
						&imgs[read]);
	}
	if (!rc)
		rc = check_platforms(tools, imgs, n);
	if (!rc && oci_dir)
		rc = write_layout_dir(imgs, n, oci_dir, force);
	if (!rc && oci_archive) {
		rc = layout_tar(imgs, n, &t) ? EXIT_FAIL
					     : write_archive(oci_archive, &t);
		tar_free(&t);
	}
	if (!rc && docker_archive) {
		rc = export_docker_tar(&imgs[0], &t)
			 ? EXIT_FAIL
			 : write_archive(docker_archive, &t);
		tar_free(&t);
	}
	for (size_t i = 0; !rc && i < n; i++)
		fprintf(stderr,
			"bumble: exported %s as %s:%s (image %.19s..., "
			"linux/%s)\n",
			tools[i], imgs[i].name, imgs[i].tag,
			imgs[i].manifest.digest, imgs[i].architecture);
	for (size_t i = 0; i < read; i++) {
		export_image_free(&imgs[i]);
		payload_free(&p[i]);
	}
	return rc;
}

int export_tool(const char *tool, const char *oci_dir, const char *oci_archive,
		const char *docker_archive, const char *tag, int force)
{
	return export_tools(&tool, 1, oci_dir, oci_archive, docker_archive, tag,
			    force);
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
	if (optind >= argc) {
		err("give a tool to export; see 'bumble export --help'");
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
	return export_tools((const char *const *)argv + optind,
			    (size_t)(argc - optind), dir, oci_archive, docker,
			    tag, force);
}
