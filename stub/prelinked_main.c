/* main() of the prelinked stub: a tool made by copying this executable,
 * filling its slot and appending the payload. The runner's tables come
 * from the payload (runner.tables in the layer) instead of being
 * compiled in. Not in libbumble-stub.a: runners bring their own main. */
#include <stdio.h>
#include <string.h>

#include "prelinked_slot.h"
#include "stub.h"
#include "tables_codec.h"

/* Written by bumble bundle; the marker stays, the rest is NUL until
 * then. Not const: nothing may fold the unpatched bytes into code. */
char bumble_slot[SLOT_SIZE] = SLOT_MARKER;

const struct bumble_bundle bumble_bundle = {
    .manifest_digest = bumble_slot + SLOT_DIGEST_AT,
    .version = bumble_slot + SLOT_VERSION_AT,
    .arch = bumble_slot + SLOT_ARCH_AT,
};

/* The slot's strings each end inside their field. */
static int slot_filled(void)
{
	return bumble_slot[SLOT_DIGEST_AT] &&
	       memchr(bumble_slot + SLOT_DIGEST_AT, 0, SLOT_DIGEST_SIZE) &&
	       memchr(bumble_slot + SLOT_VERSION_AT, 0, SLOT_VERSION_SIZE) &&
	       memchr(bumble_slot + SLOT_ARCH_AT, 0, SLOT_ARCH_SIZE);
}

/* --verify's exit code for a payload that does not check out is 1, as
 * bumble_main's is (docs/tool.md); the tables are not there to parse
 * the rest of the command line by. */
static int payload_failed(int argc, char **argv, int rc)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--verify"))
			return 1;
	return rc;
}

int main(int argc, char **argv)
{
	/* only a name for messages until the tables are read */
	const char *slash = argv[0] ? strrchr(argv[0], '/') : NULL;
	const struct bumble_tool bare = {
	    .sz = sizeof(bare),
	    .name = slash     ? slash + 1
		    : argv[0] ? argv[0]
			      : "tool",
	};
	struct embedded e;
	struct tables tables;
	const unsigned char *data = NULL;
	size_t pos = 0, size = 0;
	char name[101], msg[160];
	int rc;

	diag_set_name(bare.name);
	if (!slot_filled()) {
		diag_err("this is bumble's prelinked stub, not a tool: make "
			 "a tool with 'bumble bundle PROG.bpf.c'");
		return BUMBLE_EXIT_PAYLOAD;
	}
	rc = embedded_load(&bare, &e);
	if (rc)
		return payload_failed(argc, argv, rc);
	while (!payload_tar_next(e.view.layer, e.view.layer_size, &pos, name,
				 &data, &size) &&
	       strcmp(name, TABLES_LAYER_PATH))
		data = NULL;
	rc = data ? tables_decode(data, size, &tables, msg, sizeof(msg)) : -1;
	if (!data)
		snprintf(msg, sizeof(msg), "%s is missing", TABLES_LAYER_PATH);
	if (rc) {
		diag_err("this tool's runner tables cannot be read (%s); "
			 "bundle it again with this bumble",
			 msg);
		embedded_free(&e);
		return payload_failed(argc, argv, BUMBLE_EXIT_PAYLOAD);
	}
	/* verified once: bumble_main's first load takes it as it is */
	embedded_keep(&e);
	rc = bumble_main(argc, argv, &tables.tool);
	tables_free(&tables);
	return rc;
}
