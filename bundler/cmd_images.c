/* bumble images: the images of the local store (local_store.c). */
#include <stdio.h>
#include <string.h>

#include "local_store.h"

static const char usage[] =
    "Usage: bumble images\n\n"
    "Lists the images in the local store, an OCI image layout in\n"
    "$XDG_DATA_HOME/bumble/store (~/.local/share/bumble/store): what\n"
    "'bumble pull' and 'bumble run' fetched, and 'bumble tag' named.\n";

int cmd_images(int argc, char **argv)
{
	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc != 1) {
		err("images takes no arguments; see 'bumble images --help'");
		return EXIT_USAGE;
	}
	return store_list(stdout);
}
