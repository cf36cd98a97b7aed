/* The tool's release documents: --sbom prints the CycloneDX SBOM and
 * --licenses the license texts that bumble bundle put, gzip'd, into the
 * embedded artifact's layer (checked with the rest of the payload). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "payload.h"
#include "stub.h"

int embedded_print_gz(const struct bumble_tool *t, const char *path)
{
	const unsigned char *data;
	struct embedded e;
	char name[101];
	size_t pos = 0, size;
	int rc = embedded_load(t, &e), found = 0;

	if (rc)
		return rc;
	while (!found && !payload_tar_next(e.view.layer, e.view.layer_size,
					   &pos, name, &data, &size))
		found = !strcmp(name, path);
	if (!found) {
		diag_err("this tool carries no %s: it was bundled by a bumble "
			 "without it; bundle it again",
			 path);
		rc = BUMBLE_EXIT_PAYLOAD;
	} else if (gz_inflate_to_fd(data, size, STDOUT_FILENO)) {
		diag_err("cannot write %s: the embedded copy is damaged, or "
			 "stdout is closed",
			 path);
		rc = BUMBLE_EXIT_PAYLOAD;
	}
	embedded_free(&e);
	return rc;
}
