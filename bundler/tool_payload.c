/* The payload of a tool file: bumble appends the eBPF artifact after the
 * linked executable, and reads it back for export. The format and its
 * checks are shared with the tool (stub/payload.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "payload.h"
#include "prelinked_slot.h"
#include "sha256.h"

size_t payload_size(const struct gen_artifact *a)
{
	return a->manifest_size + a->config_size + a->layer_size +
	       PAYLOAD_TRAILER_SIZE;
}

void payload_put(const struct gen_artifact *a, unsigned char *p)
{
	uint64_t sizes[3] = {a->manifest_size, a->config_size, a->layer_size};

	memcpy(p, a->manifest, a->manifest_size);
	p += a->manifest_size;
	memcpy(p, a->config, a->config_size);
	p += a->config_size;
	memcpy(p, a->layer, a->layer_size);
	p += a->layer_size;
	payload_trailer_make(p, sizes);
}

/* exe[0..exe_size) (malloc'ed; taken) with a's payload after it, at out. */
static int write_exe_payload(unsigned char *exe, size_t exe_size,
			     const struct gen_artifact *a, const char *out)
{
	size_t total = exe_size + payload_size(a);
	unsigned char *tool = realloc(exe, total);
	int rc;

	if (!tool) {
		free(exe);
		err("out of memory");
		return EXIT_FAIL;
	}
	payload_put(a, tool + exe_size);
	rc = write_file_atomic(out, tool, total, 0755);
	if (rc) {
		err("cannot write %s: %s", out, strerror(-rc));
		rc = EXIT_FAIL;
	}
	free(tool);
	return rc;
}

int payload_write_tool(const char *linked, const struct gen_artifact *a,
		       const char *out)
{
	unsigned char *exe = NULL;
	size_t exe_size;
	int rc;

	rc = read_file(linked, &exe, &exe_size);
	if (rc) {
		err("cannot read the linked tool %s: %s", linked,
		    strerror(-rc));
		return EXIT_FAIL;
	}
	return write_exe_payload(exe, exe_size, a, out);
}

/* s into the slot's field of size bytes at at, NUL-filled; -1 if it
 * does not fit. */
static int slot_put(unsigned char *slot, size_t at, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (n >= size)
		return -1;
	memset(slot + at, 0, size);
	memcpy(slot + at, s, n);
	return 0;
}

int payload_write_prelinked(const char *stub, const struct gen_artifact *a,
			    const char *version, const char *arch,
			    const char *out)
{
	unsigned char *exe = NULL, *slot;
	size_t size;
	int rc;

	rc = read_file(stub, &exe, &size);
	if (rc) {
		err("bumble's prelinked stub %s cannot be read (%s); rebuild "
		    "or reinstall bumble",
		    stub, strerror(-rc));
		return EXIT_FAIL;
	}
	slot = memmem(exe, size, SLOT_MARKER, sizeof(SLOT_MARKER));
	if (!slot || (size_t)(exe + size - slot) < SLOT_SIZE ||
	    memmem(slot + 1, size - (size_t)(slot + 1 - exe), SLOT_MARKER,
		   sizeof(SLOT_MARKER))) {
		free(exe);
		err("bumble's prelinked stub %s has %s slot for the bundle; "
		    "rebuild or reinstall bumble",
		    stub, slot ? "more than one" : "no");
		return EXIT_FAIL;
	}
	if (slot_put(slot, SLOT_DIGEST_AT, SLOT_DIGEST_SIZE,
		     a->manifest_digest) ||
	    slot_put(slot, SLOT_VERSION_AT, SLOT_VERSION_SIZE, version) ||
	    slot_put(slot, SLOT_ARCH_AT, SLOT_ARCH_SIZE, arch)) {
		free(exe);
		err("the version '%s' does not fit the tool's %d bytes",
		    version, SLOT_VERSION_SIZE - 1);
		return EXIT_USAGE;
	}
	return write_exe_payload(exe, size, a, out);
}

int payload_read(const char *tool, struct tool_payload *p)
{
	unsigned char *file = NULL;
	struct payload_view v;
	uint64_t start, sizes[3], appended = 0;
	size_t size, tail;
	char msg[256];
	int rc;

	memset(p, 0, sizeof(*p));
	rc = read_file(tool, &file, &size);
	if (rc) {
		err("cannot read '%s': %s", tool, file_error(rc));
		return EXIT_INPUT;
	}
	tail = size < PAYLOAD_APPENDED_MAX ? size : PAYLOAD_APPENDED_MAX;
	if (payload_locate(file + size - tail, tail, size, &start, sizes,
			   &appended) ||
	    appended) {
		if (appended)
			err("'%s': %llu bytes were appended after its eBPF "
			    "payload; cut them off (truncate -s -%llu) or get "
			    "the tool again",
			    tool, (unsigned long long)appended,
			    (unsigned long long)appended);
		else
			err("'%s' is not a bumble tool, or it was cut short or "
			    "stripped: it carries no payload",
			    tool);
		free(file);
		return EXIT_INPUT;
	}
	if (payload_verify(file + start, sizes, &v, msg, sizeof(msg))) {
		err("'%s': %s; the file was modified or damaged", tool, msg);
		free(file);
		return EXIT_INPUT;
	}
	p->data = file;
	p->v = v;
	return 0;
}

void payload_free(struct tool_payload *p)
{
	free(p->data);
	memset(p, 0, sizeof(*p));
}
