/* bumble version: the bumble and libbpf versions, and where the headers
 * and the runtime stub are found. */
#include <stdio.h>

#include <bpf/libbpf.h>

#include "bundler.h"

#ifndef BUMBLE_VERSION
#define BUMBLE_VERSION "0.0.0"
#endif

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("bumble %s\nlibbpf %s\nlibdir %s\n", BUMBLE_VERSION,
	       libbpf_version_string(), libdir());
	return EXIT_OK;
}
