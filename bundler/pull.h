/* Pulling a tool out of a registry image (pull_image.c), and BumbleBee's
 * images bundled into one (pull_bee.c): shared by pull and run. */
#ifndef BUMBLE_PULL_H
#define BUMBLE_PULL_H

#include <jansson.h>

#include "registry.h"

struct pulled_tool {
	unsigned char *data; /* the tool, byte for byte as pushed */
	size_t size;
	char *name;
	char digest[72]; /* of the image's manifest */
};

/* Fetches ref (an index resolved to linux/arch, NULL: this host's),
 * every blob verified, and the tool's payload checked. Exit code. */
int pull_tool(const struct reg_ref *ref, const struct reg_opts *o,
	      const char *arch, struct pulled_tool *t);
void pulled_tool_free(struct pulled_tool *t);
/* Writes the tool at path atomically, after its own --verify passed
 * there; nothing is left on failure. Exit code. */
int pulled_tool_write(const struct pulled_tool *t, const char *path);

/* A BumbleBee image: its program (the layer, a BPF object) bundled into
 * a tool, in memory. Exit code. */
int pull_bee_bundle(const struct reg_ref *ref, json_t *config,
		    const struct reg_buf *layer, struct pulled_tool *t);

#endif
