/* bumble rmi: an image out of the local store, and the blobs no other
 * image of it needs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local_store.h"

static const char usage[] =
    "Usage: bumble rmi HOST/REPO:TAG...\n\n"
    "Removes images from the local store, and the blobs no other image\n"
    "there needs.\n";

int cmd_rmi(int argc, char **argv)
{
	int rc = EXIT_OK;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc < 2) {
		err("give an image to remove: bumble rmi HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		struct reg_ref ref;
		char *name;
		int one;

		if (reg_ref_parse(argv[i], &ref))
			return EXIT_USAGE;
		name = store_name(&ref);
		one = name ? store_remove(name) : EXIT_FAIL;
		if (!one)
			fprintf(stderr, "bumble: removed %s\n", name);
		else if (!rc)
			rc = one;
		free(name);
		reg_ref_free(&ref);
	}
	return rc;
}
