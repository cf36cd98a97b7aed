/* Kernel BTF for hosts without /sys/kernel/btf/vmlinux: the one embedded
 * for this kernel (bundle --btf-dir), picked by uname -r (and, among
 * several, by /etc/os-release), inflated into a memfd for libbpf. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <zlib.h>

#include "stub.h"

/* "ID/VERSION_ID/" of /etc/os-release, as btfhub lays out its files. */
static void os_prefix(char *out, size_t n)
{
	char line[256], id[64] = "", version[64] = "";
	FILE *f = fopen("/etc/os-release", "r");

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, '='), *end;

		if (!v)
			continue;
		*v++ = '\0';
		if (*v == '"')
			v++;
		end = v + strcspn(v, "\"\n");
		*end = '\0';
		if (!strcmp(line, "ID"))
			snprintf(id, sizeof(id), "%s", v);
		else if (!strcmp(line, "VERSION_ID"))
			snprintf(version, sizeof(version), "%s", v);
	}
	fclose(f);
	if (id[0])
		snprintf(out, n, "btf/%s/%s/", id, version);
}

/* Is path btf/.../RELEASE.btf.gz? */
static int for_release(const char *path, const char *release)
{
	const char *base = strrchr(path, '/');
	size_t n = strlen(release);

	return base && !strncmp(path, "btf/", 4) &&
	       !strncmp(base + 1, release, n) &&
	       !strcmp(base + 1 + n, ".btf.gz");
}

/* All of data[0..n) to fd: 0, or -errno. */
static int write_all(int fd, const unsigned char *data, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, data, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		data += w;
		n -= (size_t)w;
	}
	return 0;
}

int gz_inflate_to_fd(const unsigned char *gz, size_t n, int fd)
{
	unsigned char out[65536];
	z_stream z;
	int rc, e = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 15 + 16) != Z_OK) {
		errno = ENOMEM;
		return -ENOMEM;
	}
	z.next_in = (unsigned char *)gz;
	z.avail_in = (unsigned int)n;
	do {
		z.next_out = out;
		z.avail_out = sizeof(out);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		e = write_all(fd, out, sizeof(out) - z.avail_out);
	} while (!e && rc != Z_STREAM_END);
	inflateEnd(&z);
	if (!e && rc != Z_STREAM_END)
		e = -EBADMSG;
	if (e)
		errno = -e;
	return e;
}

static void list_embedded(const struct embedded *e)
{
	const unsigned char *data;
	size_t pos = 0, size;
	char name[101];
	int any = 0;

	fprintf(stderr, "  embedded:");
	while (!payload_tar_next(e->view.layer, e->view.layer_size, &pos, name,
				 &data, &size))
		if (!strncmp(name, "btf/", 4)) {
			fprintf(stderr, " %s", name + 4);
			any = 1;
		}
	fprintf(stderr, any ? "\n" : " none (bundle with --btf-dir)\n");
}

int kbtf_select(const struct embedded *e, const char *release, char *path,
		size_t n, int *fd)
{
	const unsigned char *data, *best = NULL;
	size_t pos = 0, size, best_size = 0;
	char name[101], best_name[101] = "", prefix[160];

	*fd = -1;
	os_prefix(prefix, sizeof(prefix));
	while (!payload_tar_next(e->view.layer, e->view.layer_size, &pos, name,
				 &data, &size)) {
		if (!for_release(name, release))
			continue;
		/* the first match, or one for this distribution */
		if (!best ||
		    (prefix[0] && !strncmp(name, prefix, strlen(prefix)))) {
			best = data;
			best_size = size;
			snprintf(best_name, sizeof(best_name), "%s", name);
		}
	}
	if (!best) {
		diag_err(
		    "this kernel (%s) has no BTF (/sys/kernel/btf/vmlinux is "
		    "missing; it needs CONFIG_DEBUG_INFO_BTF=y) and the "
		    "tool embeds none for it; pass the kernel's BTF with "
		    "--btf FILE, or bundle with --btf-dir",
		    release);
		list_embedded(e);
		return BUMBLE_EXIT_NO_BTF;
	}
	*fd = memfd_create("bumble-btf", MFD_CLOEXEC);
	if (*fd < 0 || gz_inflate_to_fd(best, best_size, *fd)) {
		diag_err("cannot unpack the embedded BTF %s: %s", best_name,
			 strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return BUMBLE_EXIT_PAYLOAD;
	}
	snprintf(path, n, "/proc/self/fd/%d", *fd);
	diag_info("this kernel has no BTF of its own; using the embedded %s",
		  best_name + 4);
	return 0;
}
