/* bumble export: the command line, and the tool's image (export_image.c)
 * written as an OCI image layout, an OCI archive (oci_layout.c) or a
 * docker-archive (export_docker.c), or its deployment on a fleet (fleet.c:
 * a Kubernetes DaemonSet or a systemd service). Works from the tool alone. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "fleet.h"
#include "image_attach.h"
#include "oci.h"

static const char usage[] =
    "Usage: bumble export TOOL... (--oci DIR | --oci-archive FILE |\n"
    "                              --docker-archive FILE) [--tag NAME:TAG]\n"
    "                              [--force] [--sbom] [--sign-key KEY.pem]\n"
    "       bumble export TOOL --k8s [--image REF] [--privileged]\n"
    "                           [--sys-admin] [-o FILE [--force]]\n"
    "                           [-- TOOL-ARGS]\n"
    "       bumble export TOOL --systemd [--install-path PATH]\n"
    "                           [--sys-admin] [-o FILE [--force]]\n"
    "                           [-- TOOL-ARGS]\n\n"
    "Writes TOOL as a runnable container image (entrypoint: the tool) and\n"
    "its eBPF artifact (the manifest the tool carries), with bpfman's\n"
    "io.ebpf.programs and io.ebpf.maps labels. The tag defaults to the\n"
    "tool's NAME:VERSION; in an OCI layout the image is ref TAG and the\n"
    "artifact TAG-ebpf. --oci refuses a non-empty DIR without --force.\n"
    "SOURCE_DATE_EPOCH sets the image's timestamps. Several tools of one\n"
    "program (same name and version), each for another architecture\n"
    "(bumble bundle --arch x86_64,aarch64), make one image index: TAG and\n"
    "TAG-ebpf each name a manifest per platform (linux/amd64,\n"
    "linux/arm64); a docker-archive holds one platform only. In an OCI\n"
    "layout, --sbom attaches each tool's SBOM to its image (artifactType\n"
    "application/vnd.cyclonedx+json, ref sha256-HEX.sbom), and\n"
    "--sign-key KEY does too, and signs the images, the artifacts and\n"
    "their indexes in cosign's format (refs sha256-HEX.sig; see 'bumble\n"
    "sign' for keys).\n\n"
    "--k8s writes a DaemonSet running the image (REF: the one 'bumble push'\n"
    "pushed; default NAME:VERSION) on every Linux node, with the tool's\n"
    "arguments, only the capabilities its programs need (--privileged:\n"
    "a privileged container instead), and with --metrics PORT among\n"
    "TOOL-ARGS, Prometheus annotations, a liveness probe and a headless\n"
    "Service. --systemd writes a hardened service running the tool\n"
    "installed at PATH (default /usr/local/bin/NAME). --sys-admin adds\n"
    "CAP_SYS_ADMIN and CAP_SYS_RESOURCE, which kernels before 5.8 need.\n"
    "Both pass --json: JSON lines are the log. Written to stdout, or FILE\n"
    "(new, or --force). See docs/fleet.md.\n";

enum {
	OPT_OCI = 256,
	OPT_OCI_ARCHIVE,
	OPT_DOCKER_ARCHIVE,
	OPT_TAG,
	OPT_FORCE,
	OPT_SIGN_KEY,
	OPT_SBOM,
	OPT_K8S,
	OPT_SYSTEMD,
	OPT_IMAGE,
	OPT_PRIVILEGED,
	OPT_SYS_ADMIN,
	OPT_INSTALL_PATH
};

/* What is attached: each tool's SBOM, and with a key cosign's
 * signatures of each image and artifact manifest and of their indexes. */
#define ATTACH_MAX (3 * BUMBLE_ARCH_MAX + 2)
struct export_attached {
	struct attachment a[ATTACH_MAX];
	unsigned int count;
	unsigned char *sbom[BUMBLE_ARCH_MAX];
};

/* The runnable image under its tag, the artifact under TAG-ebpf; with
 * several tools (one per arch), each of the two an image index with a
 * manifest per platform; then what is attached under cosign's tags. */
struct export_layout {
	const struct oci_blob *blobs[6 * BUMBLE_ARCH_MAX + 2 + 3 * ATTACH_MAX];
	struct oci_ref refs[2 + ATTACH_MAX];
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
	l->refs[0] = (struct oci_ref){&imgs[0].manifest, imgs[0].tag, NULL};
	l->refs[1] = (struct oci_ref){&imgs[0].art_manifest, l->art_ref, NULL};
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

/* What is attached, added to the layout. */
static void layout_attach(struct export_layout *l,
			  const struct export_attached *att)
{
	for (unsigned int i = 0; i < att->count; i++) {
		const struct attachment *a = &att->a[i];

		l->blobs[l->layout.blob_count++] = &a->manifest;
		l->blobs[l->layout.blob_count++] = &a->config;
		l->blobs[l->layout.blob_count++] = &a->layer;
		l->refs[l->layout.ref_count++] =
		    (struct oci_ref){&a->manifest, a->tag, a->artifact_type};
	}
}

static void attached_free(struct export_attached *att)
{
	for (unsigned int i = 0; i < att->count; i++)
		attachment_free(&att->a[i]);
	for (unsigned int i = 0; i < BUMBLE_ARCH_MAX; i++)
		free(att->sbom[i]);
	memset(att, 0, sizeof(*att));
}

/* The SBOM each tool carries, and signatures with key (may be NULL). A
 * plain export attaches nothing: a layout of exactly the image and the
 * artifact is what validators filtering refs by name get right
 * (oci-image-tool 1.0.0-rc1 skips an entry after each it drops). */
static int attach_all(const struct export_image *imgs,
		      const struct tool_payload *p, size_t n,
		      const struct export_layout *l, struct sign_key *key,
		      int with_sbom, struct export_attached *att)
{
	int rc = EXIT_OK;

	for (size_t i = 0; !rc && i < n; i++) {
		size_t len;

		if (with_sbom || key)
			rc = tool_sbom(&p[i], &att->sbom[i], &len);
		if (!rc && att->sbom[i])
			rc = attach_sbom(&imgs[i].manifest, att->sbom[i], len,
					 &att->a[att->count++]);
		if (!rc && key)
			rc = attach_signature(key, imgs[i].name,
					      &imgs[i].manifest,
					      &att->a[att->count++]);
		if (!rc && key)
			rc = attach_signature(key, imgs[i].name,
					      &imgs[i].art_manifest,
					      &att->a[att->count++]);
	}
	for (int k = 0; !rc && key && n > 1 && k < 2; k++)
		rc = attach_signature(key, imgs[0].name, &l->index[k],
				      &att->a[att->count++]);
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
static int layout_tar(const struct export_layout *l, uint64_t epoch,
		      struct tar *t)
{
	struct oci_layout_sink sink = {tar_dir, tar_file, t};

	t->mtime = epoch;
	return oci_layout_write(&l->layout, &sink) || tar_finish(t) ? -1 : 0;
}

int check_layout_dir(const char *dir)
{
	struct stat st;
	int e;

	if (!*dir) {
		err("an empty directory path; give a directory");
		return -1;
	}
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			err("'%s' exists and is not a directory", dir);
			return -1;
		}
		return 0;
	}
	/* a symbolic link that names no directory cannot be made one */
	e = errno;
	if (lstat(dir, &st) == 0) {
		err("'%s' is a symbolic link %s; remove it or give another "
		    "directory",
		    dir, e == ELOOP ? "in a loop of links" : "to nothing");
		return -1;
	}
	return check_output_dir(dir);
}

int check_empty_dir(const char *dir, const char *what)
{
	struct dirent *e;
	int entries = 0;
	DIR *d;

	if (check_layout_dir(dir))
		return -1;
	d = opendir(dir);
	if (!d && errno != ENOENT) {
		err("cannot read the directory '%s': %s", dir, strerror(errno));
		return -1;
	}
	while (d && (e = readdir(d)))
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (d)
		closedir(d);
	if (entries) {
		err("'%s' is not empty; give a new or empty directory for %s",
		    dir, what);
		return -1;
	}
	return 0;
}

static int write_layout_dir(const struct export_layout *l, const char *dir,
			    int force)
{
	struct stat st;
	int rc, dirfd, made;

	if (stat(dir, &st) == 0) {
		if (!force && rmdir(dir) != 0) {
			err("'%s' is not empty; give a new or empty "
			    "directory, or --force to write into it",
			    dir);
			return EXIT_USAGE;
		}
	}
	/* a directory of bumble's own goes on a stop signal, half written */
	if (mkdir_noted(dir, &made))
		return EXIT_FAIL;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = dirfd < 0 ? -errno : oci_layout_write_dir(&l->layout, dirfd);
	if (dirfd >= 0)
		close(dirfd);
	if (made)
		cleanup_dir(dir, 0);
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
		 const char *tag, int force, int with_sbom,
		 struct sign_key *key)
{
	struct tool_payload p[BUMBLE_ARCH_MAX] = {0};
	struct export_image imgs[BUMBLE_ARCH_MAX] = {0};
	struct export_attached att = {0};
	struct export_layout l = {0};
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
	/* every output checked before anything is written, each on a path
	 * of its own */
	{
		const char *outs[] = {oci_dir, oci_archive, docker_archive};
		const char *names[] = {"--oci", "--oci-archive",
				       "--docker-archive"};

		for (int a = 0; a < 3; a++)
			for (int b = a + 1; b < 3; b++)
				if (outs[a] && outs[b] &&
				    same_output(outs[a], outs[b])) {
					err("%s and %s name one path, '%s'; "
					    "give each its own",
					    names[a], names[b], outs[b]);
					return EXIT_USAGE;
				}
	}
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
	if (!rc && (oci_dir || oci_archive)) {
		rc = layout_of(imgs, n, &l) ? EXIT_FAIL : EXIT_OK;
		if (!rc)
			rc = attach_all(imgs, p, n, &l, key, with_sbom, &att);
		if (!rc)
			layout_attach(&l, &att);
	}
	if (!rc && oci_dir)
		rc = write_layout_dir(&l, oci_dir, force);
	if (!rc && oci_archive) {
		rc = layout_tar(&l, imgs[0].epoch, &t)
			 ? EXIT_FAIL
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
	if (!rc && (key || with_sbom) && !oci_dir && !oci_archive)
		warn("a docker-archive holds no signatures or SBOM: --sign-key "
		     "and --sbom attach them to --oci and --oci-archive only");
	attached_free(&att);
	layout_free(&l);
	for (size_t i = 0; i < read; i++) {
		export_image_free(&imgs[i]);
		payload_free(&p[i]);
	}
	return rc;
}

int export_tool(const char *tool, const char *oci_dir, const char *oci_archive,
		const char *docker_archive, const char *tag, int force,
		int with_sbom, struct sign_key *key)
{
	return export_tools(&tool, 1, oci_dir, oci_archive, docker_archive, tag,
			    force, with_sbom, key);
}

/* --k8s or --systemd: their options, checked; then fleet.c. rest is
 * "--" and the tool's arguments (rest_count 0: no "--"). */
static int export_deployment(struct fleet_opts *fleet, int systemd,
			     const char *tool, char **rest, int rest_count,
			     int image_opts, int force)
{
	if (fleet->k8s == systemd) {
		err(fleet->k8s ? "give one of --k8s and --systemd"
			       : "tool arguments after -- go with --k8s or "
				 "--systemd");
		return EXIT_USAGE;
	}
	if (image_opts) {
		err("--%s writes a deployment: --oci, --oci-archive, "
		    "--docker-archive and --tag write an image",
		    systemd ? "systemd" : "k8s");
		return EXIT_USAGE;
	}
	if (systemd && (fleet->image || fleet->privileged)) {
		err("--image and --privileged go with --k8s");
		return EXIT_USAGE;
	}
	if (fleet->k8s && fleet->install_path) {
		err("--install-path goes with --systemd");
		return EXIT_USAGE;
	}
	if (fleet->image && check_image_ref(fleet->image))
		return EXIT_USAGE;
	fleet->tool = tool;
	fleet->force = force;
	fleet->args = rest_count ? rest + 1 : NULL;
	fleet->arg_count = rest_count ? rest_count - 1 : 0;
	return export_fleet(fleet);
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
	    {"k8s", no_argument, NULL, OPT_K8S},
	    {"systemd", no_argument, NULL, OPT_SYSTEMD},
	    {"image", required_argument, NULL, OPT_IMAGE},
	    {"privileged", no_argument, NULL, OPT_PRIVILEGED},
	    {"sys-admin", no_argument, NULL, OPT_SYS_ADMIN},
	    {"install-path", required_argument, NULL, OPT_INSTALL_PATH},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *oci_archive = NULL, *docker = NULL;
	const char *tag = NULL, *key_path = NULL;
	struct sign_key *key = NULL;
	struct fleet_opts fleet = {0};
	int c, force = 0, with_sbom = 0, systemd = 0, dashes = argc, rc;
	int deployment;

	/* the tool's own arguments follow "--", untouched */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dashes = i;
			break;
		}
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(dashes, argv, ":ho:", options, NULL)) != -1) {
		switch (c) {
		case OPT_K8S:
			fleet.k8s = 1;
			break;
		case OPT_SYSTEMD:
			systemd = 1;
			break;
		case OPT_IMAGE:
			fleet.image = optarg;
			break;
		case OPT_PRIVILEGED:
			fleet.privileged = 1;
			break;
		case OPT_SYS_ADMIN:
			fleet.sys_admin = 1;
			break;
		case OPT_INSTALL_PATH:
			fleet.install_path = optarg;
			break;
		case 'o':
			fleet.output = optarg;
			break;
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
	deployment = fleet.k8s || systemd || dashes < argc;
	if (optind >= dashes) {
		err("give %s to export; see 'bumble export --help'",
		    deployment ? "one tool" : "a tool");
		return EXIT_USAGE;
	}
	if (deployment && optind + 1 != dashes) {
		err("give one tool to export; see 'bumble export --help'");
		return EXIT_USAGE;
	}
	if (deployment)
		return export_deployment(&fleet, systemd, argv[optind],
					 argv + dashes, argc - dashes,
					 dir || oci_archive || docker || tag ||
					     key_path || with_sbom,
					 force);
	if (fleet.output || fleet.image || fleet.privileged ||
	    fleet.sys_admin || fleet.install_path) {
		err("-o, --image, --privileged, --sys-admin and --install-path "
		    "go with --k8s or --systemd; an image is written with "
		    "--oci DIR, --oci-archive FILE or --docker-archive FILE");
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
	rc = export_tools((const char *const *)argv + optind,
			  (size_t)(dashes - optind), dir, oci_archive, docker,
			  tag, force, with_sbom, key);
	sign_key_free(key);
	return rc;
}
