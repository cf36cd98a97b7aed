/* bumble export: the command line, and the tool's image (export_image.c)
 * written as an OCI image layout, an OCI archive (oci_layout.c) or a
 * docker-archive (export_docker.c), or its deployment on a fleet (fleet.c:
 * a Kubernetes DaemonSet or a systemd service). Works from the tool alone. */
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

static const char usage[] =
    "Usage: bumble export TOOL (--oci DIR | --oci-archive FILE |\n"
    "                           --docker-archive FILE) [--tag NAME:TAG]\n"
    "                           [--force]\n"
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
    "SOURCE_DATE_EPOCH sets the image's timestamps.\n\n"
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
	OPT_K8S,
	OPT_SYSTEMD,
	OPT_IMAGE,
	OPT_PRIVILEGED,
	OPT_SYS_ADMIN,
	OPT_INSTALL_PATH
};

/* The runnable image under its tag, the artifact under TAG-ebpf. */
struct export_layout {
	const struct oci_blob *blobs[6];
	struct oci_ref refs[2];
	char art_ref[256];
	struct oci_layout layout;
};

static void layout_of(const struct export_image *img, struct export_layout *l)
{
	const struct oci_blob *blobs[] = {&img->manifest,   &img->config,
					  &img->layer,	    &img->art_manifest,
					  &img->art_config, &img->art_layer};

	memcpy(l->blobs, blobs, sizeof(blobs));
	snprintf(l->art_ref, sizeof(l->art_ref), "%s-ebpf", img->tag);
	l->refs[0] = (struct oci_ref){&img->manifest, img->tag};
	l->refs[1] = (struct oci_ref){&img->art_manifest, l->art_ref};
	l->layout = (struct oci_layout){l->blobs, 6, l->refs, 2};
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
static int layout_tar(const struct export_image *img, struct tar *t)
{
	struct oci_layout_sink sink = {tar_dir, tar_file, t};
	struct export_layout l;

	layout_of(img, &l);
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

static int write_layout_dir(const struct export_image *img, const char *dir,
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
	layout_of(img, &l);
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
		const char *docker_archive, const char *tag, int force)
{
	struct tool_payload p;
	struct export_image img = {0};
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
	if (!rc && oci_dir)
		rc = write_layout_dir(&img, oci_dir, force);
	if (!rc && oci_archive) {
		rc = layout_tar(&img, &t) ? EXIT_FAIL
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
	export_image_free(&img);
	payload_free(&p);
	return rc;
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
	const char *tag = NULL;
	struct fleet_opts fleet = {0};
	int c, force = 0, systemd = 0, dashes = argc;

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
	if (optind + 1 != dashes) {
		err("give one tool to export; see 'bumble export --help'");
		return EXIT_USAGE;
	}
	if (fleet.k8s || systemd || dashes < argc)
		return export_deployment(
		    &fleet, systemd, argv[optind], argv + dashes, argc - dashes,
		    dir || oci_archive || docker || tag, force);
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
	return export_tool(argv[optind], dir, oci_archive, docker, tag, force);
}
