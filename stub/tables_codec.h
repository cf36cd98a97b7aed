/* The runner's tables (struct bumble_tool and all it points to) as bytes:
 * what bumble bundle puts in a tool's payload for the prelinked stub,
 * which decodes them instead of having them compiled in. */
#ifndef BUMBLE_TABLES_CODEC_H
#define BUMBLE_TABLES_CODEC_H

#include <stddef.h>

#include <bumble/runtime.h>

/* Where the tables are in the artifact's layer. */
#define TABLES_LAYER_PATH "runner.tables"

/* t as bytes in a malloc'ed buffer (*out, *size): 0, or -ENOMEM. */
int tables_encode(const struct bumble_tool *t, unsigned char **out,
		  size_t *size);

/* Tables decoded from data[0..n), every pointer into memory of their
 * own. */
struct tables {
	struct bumble_tool tool;
	struct tables_chunk *chunks; /* what tables_free releases */
};

/* 0, or -1 with what is wrong in err (damaged, cut short, a value out
 * of range, from a newer bumble); -ENOMEM as -2. */
int tables_decode(const unsigned char *data, size_t n, struct tables *out,
		  char *err, size_t errlen);
void tables_free(struct tables *t);

#endif
