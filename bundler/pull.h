/* Pulling a tool out of a registry image (pull_image.c), and BumbleBee's
 * images bundled into one (pull_bee.c): shared by pull and run. */
#ifndef BUMBLE_PULL_H
#define BUMBLE_PULL_H

#include "registry.h"

struct pulled_tool {
	unsigned char *data; /* the tool, byte for byte as pushed */
	size_t size;
	char *name;
	char digest[72]; /* of the image's manifest */
};

/* An image of one tool: its manifest, config and layer, each verified. */
struct pulled_image {
	struct reg_buf manifest, config, layer;
	char manifest_type[128];
	char digest[72];     /* of the manifest */
	char top_digest[72]; /* of what the reference names: the index */
	struct {
		char digest[72], media_type[128];
		size_t size;
	} desc[2]; /* the config's and the layer's */
};

/* Fetches ref (an index resolved to linux/arch, NULL: this host's), its
 * config and layer checked against their digests and sizes. Exit code. */
int pull_image(const struct reg_ref *ref, const struct reg_opts *o,
	       const char *arch, struct pulled_image *img);
/* Fills img->desc from img->manifest; where names it in errors. */
int image_descriptors(struct pulled_image *img, const char *where);
void pulled_image_free(struct pulled_image *img);
/* The tool of an image: taken out of its layer (a BumbleBee image's
 * program bundled here, named after repo), its payload checked. */
int image_tool(const struct pulled_image *img, const char *repo,
	       struct pulled_tool *t);
void pulled_tool_free(struct pulled_tool *t);
/* Writes the tool at path atomically, after its own --verify passed
 * there; nothing is left on failure. Exit code. */
int pulled_tool_write(const struct pulled_tool *t, const char *path);

/* A BumbleBee image: its program (the layer, a BPF object) bundled into
 * a tool, in memory. Exit code. */
int pull_bee_bundle(const char *repo, const struct reg_buf *layer,
		    struct pulled_tool *t);

#endif
