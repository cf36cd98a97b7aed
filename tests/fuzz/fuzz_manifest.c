/* Fuzzes the parsing of the embedded manifest and config JSON: the
 * string lookups bumble export makes (payload_json_string) and the
 * manifest's descriptors that payload_verify reads. A string found is
 * NUL-terminated and no longer than the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

static const char *const keys[] = {
    "org.opencontainers.image.title",
    "org.opencontainers.image.version",
    "org.opencontainers.image.created",
    "org.opencontainers.image.description",
    "org.opencontainers.image.source",
    "io.ebpf.programs",
    "io.ebpf.maps",
    "io.bumble.model",
    "title",
    "digest",
    "",
};

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	uint64_t sizes[3] = {0, 0, 0};
	struct payload_view v;
	char *text, *s, err[256];

	/* The text alone, so that ASan sees a read past its end. */
	text = malloc(n ? n : 1);
	if (!text)
		return 0;
	memcpy(text, in, n);
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		s = payload_json_string(text, n, keys[k]);
		if (s && strlen(s) > n)
			abort();
		free(s);
	}
	/* As a manifest with no config or layer: its descriptors are read
	 * (their digests cannot match, but the reading must be sound). */
	sizes[0] = n;
	if (!payload_verify((const unsigned char *)text, sizes, &v, err,
			    sizeof(err)))
		abort(); /* an empty layer holds no object */
	free(text);
	return 0;
}
