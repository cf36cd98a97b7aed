/* bumble cache: where bumble unpacks the data it carries, and clean:
 * what other builds of bumble, damaged trees and killed bumbles left
 * there (lib_cache.c). */
#include <stdio.h>
#include <string.h>

#include "bundler.h"

static const char cache_usage[] =
    "Usage: bumble cache [clean]\n\n"
    "Prints the directory this bumble unpacks its data into (BUMBLE_CACHE,\n"
    "else XDG_CACHE_HOME/bumble, else ~/.cache/bumble; then its build id),\n"
    "unpacking it if it is not there. clean removes, beside it, the trees\n"
    "of other builds of bumble, trees moved aside as damaged, and the\n"
    "temporary directories of bumbles killed while unpacking.\n";

int cmd_cache(int argc, char **argv)
{
	const char *dir;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(cache_usage, stdout);
		return EXIT_OK;
	}
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "clean"))) {
		err("bumble cache takes nothing or 'clean'");
		return EXIT_USAGE;
	}
	dir = libdir();
	if (!dir)
		return EXIT_CACHE;
	if (argc == 2)
		return lib_cache_clean() ? EXIT_FAIL : EXIT_OK;
	puts(dir);
	return EXIT_OK;
}
