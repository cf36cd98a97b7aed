/* Fuzzes the payload locator, trailer and verification on random tool
 * tails: a trailer found is within the file, and a verified payload's
 * view lies within its bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

static void must(int ok)
{
	if (!ok)
		abort();
}

/* Walks the layer as --btf-dir's lookup and the object finder do. */
static void walk_layer(const unsigned char *layer, size_t n)
{
	const unsigned char *data;
	size_t pos = 0, size;
	char name[101];

	while (!payload_tar_next(layer, n, &pos, name, &data, &size))
		must(data >= layer && data + size <= layer + n &&
		     strlen(name) <= 100);
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	uint64_t start, sizes[3], appended, total;
	struct payload_view v;
	unsigned char *file;
	char err[256];

	/* The input is the whole file, copied so that ASan sees its end. */
	file = malloc(n ? n : 1);
	if (!file)
		return 0;
	memcpy(file, in, n);
	if (!payload_locate(file, n, n, &start, sizes, &appended)) {
		total = sizes[0] + sizes[1] + sizes[2];
		must(appended <= n &&
		     start + total + PAYLOAD_TRAILER_SIZE + appended == n);
		if (!payload_verify(file + start, sizes, &v, err,
				    sizeof(err))) {
			const unsigned char *end = file + start + total;

			must((const unsigned char *)v.manifest >= file &&
			     v.layer + v.layer_size <= end);
			must(v.bytecode >= v.layer &&
			     v.bytecode + v.bytecode_size <=
				 v.layer + v.layer_size);
		} else {
			must(memchr(err, 0, sizeof(err)) != NULL);
		}
		walk_layer(file + start + sizes[0] + sizes[1],
			   (size_t)sizes[2]);
	}
	/* The same bytes as the tail of a larger file. */
	if (!payload_locate(file, n, (uint64_t)n + 4096, &start, sizes,
			    &appended))
		must(appended <= n);
	free(file);
	return 0;
}
