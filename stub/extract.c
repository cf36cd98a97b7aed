/* tool --extract DIR: the eBPF artifact the tool carries, verified, as an
 * OCI image layout (oci_layout.c) in a new or empty DIR, never written
 * through a link. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci_layout.h"
#include "stub.h"

/* DIR is new, or empty, or --force was given. */
static int prepare_dir(const char *dir, int force)
{
	struct stat st;

	if (lstat(dir, &st) != 0) {
		if (mkdir(dir, 0755) == 0)
			return 0;
		diag_err("cannot create '%s': %s", dir, strerror(errno));
		return BUMBLE_EXIT_USAGE;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_err("'%s' exists and is not a directory", dir);
		return BUMBLE_EXIT_USAGE;
	}
	if (!force && rmdir(dir) != 0) {
		diag_err("'%s' is not empty; give an empty or new directory, "
			 "or --force to write into it",
			 dir);
		return BUMBLE_EXIT_USAGE;
	}
	if (!force && mkdir(dir, 0755) != 0) {
		diag_err("cannot create '%s': %s", dir, strerror(errno));
		return BUMBLE_EXIT_USAGE;
	}
	return 0;
}

/* A sink for oci_layout_write that writes nothing: it checks that each
 * path the layout takes is absent or of the kind it will be, so that a
 * layout that cannot be written is refused before its first file. */
struct layout_check {
	int dirfd;
	const char *bad; /* the path that is in the way */
};

static int check_path(struct layout_check *c, const char *path, int dir)
{
	struct stat st;

	if (fstatat(c->dirfd, path, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))
		return 0;
	c->bad = path;
	return S_ISLNK(st.st_mode) ? -ELOOP : dir ? -ENOTDIR : -EISDIR;
}

static int check_dir(void *ctx, const char *path)
{
	return check_path(ctx, path, 1);
}

static int check_file(void *ctx, const char *path, const void *data,
		      size_t size)
{
	(void)data;
	(void)size;
	return check_path(ctx, path, 0);
}

static int layout_check(const struct oci_layout *layout, int dirfd,
			const char *dir)
{
	struct layout_check c = {dirfd, NULL};
	struct oci_layout_sink sink = {check_dir, check_file, &c};
	int err = oci_layout_write(layout, &sink);

	if (!err)
		return 0;
	if (err == -ELOOP)
		diag_err("'%s/%s' is a symbolic link: --extract writes "
			 "nothing through a link; remove it",
			 dir, c.bad);
	else if (c.bad)
		diag_err("'%s/%s' is in the way: it is not a %s", dir, c.bad,
			 err == -ENOTDIR ? "directory" : "regular file");
	else
		diag_err("cannot write into '%s': %s", dir, strerror(-err));
	return err;
}

/* The artifact as an OCI image layout (oci_layout.c): its manifest,
 * config and layer, the manifest under the ref of the tool's version. */
int embedded_extract(const struct bumble_tool *t, const char *dir, int force)
{
	struct oci_blob manifest, config, layer;
	const struct oci_blob *blobs[] = {&manifest, &config, &layer};
	struct oci_ref ref = {&manifest, t->version, NULL};
	struct oci_layout layout = {blobs, 3, &ref, 1};
	struct embedded e;
	int rc, dirfd, err;

	rc = embedded_load(t, &e);
	if (rc)
		return rc;
	rc = prepare_dir(dir, force);
	if (rc) {
		embedded_free(&e);
		return rc;
	}
	oci_blob_set(&manifest, "application/vnd.oci.image.manifest.v1+json",
		     e.view.manifest, e.view.manifest_size);
	oci_blob_set(&config, "application/vnd.oci.image.config.v1+json",
		     e.view.config, e.view.config_size);
	oci_blob_set(&layer, "application/vnd.oci.image.layer.v1.tar",
		     e.view.layer, e.view.layer_size);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd >= 0 && layout_check(&layout, dirfd, dir)) {
		rc = BUMBLE_EXIT_FAILURE; /* said why; nothing written */
	} else if ((err = dirfd < 0 ? -errno
				    : oci_layout_write_dir(&layout, dirfd))) {
		diag_err("writing the OCI layout into '%s' failed: %s", dir,
			 strerror(-err));
		rc = BUMBLE_EXIT_FAILURE;
	} else {
		diag_info("wrote the eBPF artifact to %s as an OCI image "
			  "layout (ref %s); e.g. skopeo copy oci:%s:%s ...",
			  dir, t->version, dir, t->version);
	}
	if (dirfd >= 0)
		close(dirfd);
	embedded_free(&e);
	return rc;
}
