/* The tool's own payload: read from /proc/self/exe, verified against the
 * embedded OCI manifest before anything loads; --manifest and --verify
 * (--extract is extract.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "packed.h"
#include "payload.h"
#include "sha256.h"
#include "stub.h"

static int read_all(int fd, void *buf, size_t n, off_t at)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = pread(fd, p, n, at);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		at += r;
	}
	return 0;
}

/* A payload loaded and verified before the tables were known (the
 * prelinked stub's main): the next embedded_load takes it. */
static struct embedded kept;

void embedded_keep(struct embedded *e)
{
	embedded_free(&kept);
	kept = *e;
	memset(e, 0, sizeof(*e));
}

void embedded_free(struct embedded *e)
{
	free(e->data);
	free(e->alu32);
	memset(e, 0, sizeof(*e));
}

int embedded_alu32(struct embedded *e)
{
	const struct payload_view *v = &e->view;

	if (e->alu32 || !v->alu32_packed)
		return 0;
	/* a verified layer's: it opens unless bumble packed it wrongly */
	if (packed_open(v->bytecode, v->bytecode_size, v->alu32_packed,
			v->alu32_packed_size, v->bytecode_size * 4 + 65536,
			&e->alu32, &e->alu32_size)) {
		diag_err("this tool's 32-bit ALU build does not unpack "
			 "against its object; bundle the tool again");
		return BUMBLE_EXIT_PAYLOAD;
	}
	return 0;
}

static int embedded_check_object(const struct bumble_tool *t,
				 const struct embedded *e);

int embedded_load(const struct bumble_tool *t, struct embedded *e)
{
	unsigned char *tail;
	uint64_t start, sizes[3], total, appended = 0;
	char msg[256];
	struct stat st;
	size_t n;
	int fd, found;

	memset(e, 0, sizeof(*e));
	if (kept.data) {
		*e = kept;
		memset(&kept, 0, sizeof(kept));
		return embedded_check_object(t, e);
	}
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		diag_err("cannot read the tool's own file (/proc/self/exe): "
			 "%s; is /proc mounted?",
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return BUMBLE_EXIT_PAYLOAD;
	}
	/* The trailer ends the file, unless bytes were appended to it. */
	n = (uint64_t)st.st_size < PAYLOAD_APPENDED_MAX ? (size_t)st.st_size
							: PAYLOAD_APPENDED_MAX;
	tail = malloc(n ? n : 1);
	found = tail && !read_all(fd, tail, n, st.st_size - (off_t)n) &&
		!payload_locate(tail, n, (uint64_t)st.st_size, &start, sizes,
				&appended);
	free(tail);
	if (!found || appended) {
		close(fd);
		if (appended)
			diag_err("%llu bytes were appended to this tool after "
				 "its embedded eBPF payload; refusing to load "
				 "it: get or bundle the tool again (or cut "
				 "them off: truncate -s -%llu)",
				 (unsigned long long)appended,
				 (unsigned long long)appended);
		else
			diag_err(
			    "this tool's embedded eBPF payload is missing "
			    "(the file is %lld bytes: was it cut short, or "
			    "stripped?); get or bundle the tool again",
			    (long long)st.st_size);
		return BUMBLE_EXIT_PAYLOAD;
	}
	total = sizes[0] + sizes[1] + sizes[2];
	e->data = malloc(total ? (size_t)total : 1);
	if (!e->data || read_all(fd, e->data, (size_t)total, (off_t)start)) {
		close(fd);
		embedded_free(e);
		diag_err("cannot read this tool's embedded payload");
		return BUMBLE_EXIT_PAYLOAD;
	}
	close(fd);
	/* Damage first: the payload against its manifest, the manifest
	 * against the digest linked in at bundle time. */
	if (payload_verify(e->data, sizes, &e->view, msg, sizeof(msg))) {
		diag_err("%s: the tool was modified or damaged; refusing to "
			 "load it",
			 msg);
		return BUMBLE_EXIT_PAYLOAD;
	}
	if (strcmp(bumble_bundle.manifest_digest, e->view.manifest_digest)) {
		diag_err(
		    "the embedded manifest (%.19s...) is not the one this "
		    "tool was built with (%.19s...): the tool was modified "
		    "or damaged; refusing to load it",
		    e->view.manifest_digest, bumble_bundle.manifest_digest);
		return BUMBLE_EXIT_PAYLOAD;
	}
	return embedded_check_object(t, e);
}

/* Intact, but the runner describes another build of the program? */
static int embedded_check_object(const struct bumble_tool *t,
				 const struct embedded *e)
{
	char digest[72];

	sha256_digest_string(e->view.bytecode, e->view.bytecode_size, digest);
	if (t->bytecode_digest && strcmp(digest, t->bytecode_digest)) {
		diag_err("this tool's runner was generated for another build "
			 "of the program (object %.19s...), not for the "
			 "object it carries (%.19s...); run 'bumble gen' "
			 "again, or bundle without --runner",
			 t->bytecode_digest, digest);
		return BUMBLE_EXIT_PAYLOAD;
	}
	return 0;
}

int embedded_verify(const struct bumble_tool *t)
{
	struct embedded e;
	int rc = embedded_load(t, &e);

	if (!rc)
		printf("%s: OK\n  manifest %s\n  object   %zu bytes, matching "
		       "its digests\n",
		       t->name, e.view.manifest_digest, e.view.bytecode_size);
	if (!rc && e.view.alu32_packed) {
		rc = embedded_alu32(&e);
		if (!rc)
			printf("  its 32-bit ALU build %zu bytes (%zu packed "
			       "against the object)\n",
			       e.alu32_size, e.view.alu32_packed_size);
	}
	embedded_free(&e);
	return rc ? 1 : 0;
}

int embedded_print_manifest(const struct bumble_tool *t)
{
	struct embedded e;
	int rc = embedded_load(t, &e);

	if (!rc) {
		fwrite(e.view.manifest, 1, e.view.manifest_size, stdout);
		putchar('\n');
	}
	embedded_free(&e);
	return rc;
}
