/* bumble tag: another name for an image of the local store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "local_store.h"

static const char usage[] =
    "Usage: bumble tag SRC DST\n\n"
    "Names the store's image SRC (HOST/REPO:TAG) DST as well; 'bumble run\n"
    "DST' then runs it without a registry.\n";

/* The store's name for what the user wrote; NULL having said why. */
static char *name_of(const char *arg)
{
	struct reg_ref ref;
	char *name;

	if (reg_ref_parse(arg, &ref))
		return NULL;
	name = store_name(&ref);
	reg_ref_free(&ref);
	return name;
}

int cmd_tag(int argc, char **argv)
{
	char *src, *dst;
	int rc = EXIT_USAGE;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc != 3) {
		err("give the image and its new name: bumble tag SRC DST");
		return EXIT_USAGE;
	}
	src = name_of(argv[1]);
	dst = src ? name_of(argv[2]) : NULL;
	if (dst && strchr(dst, '@'))
		err("a tag names an image by HOST/REPO:TAG, not by digest");
	else if (dst)
		rc = store_tag(src, dst);
	free(src);
	free(dst);
	return rc;
}
