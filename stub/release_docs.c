/* The tool's release documents: --sbom prints the CycloneDX SBOM and
 * --licenses the license texts that bumble bundle put, gzip'd, into the
 * embedded artifact's layer (checked with the rest of the payload). */
#include <errno.h>
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
	} else if ((rc = gz_inflate_to_fd(data, size, STDOUT_FILENO))) {
		/* damaged data is the payload's fault; a full disk is not */
		if (rc == -EBADMSG)
			diag_err(
			    "the embedded %s is damaged; get or bundle the "
			    "tool again",
			    path);
		else
			diag_err("cannot write the output: %s", strerror(-rc));
		rc = rc == -EBADMSG ? BUMBLE_EXIT_PAYLOAD : BUMBLE_EXIT_FAILURE;
	}
	embedded_free(&e);
	return rc;
}
