/* bumble version: the bumble and libbpf versions, where the headers
 * and the runtime stub are found, the arches it has a stub for, the
 * libraries it links (static or shared), and the clang it would compile
 * with (or how to install one). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "bundler.h"

#ifndef BUMBLE_VERSION
#define BUMBLE_VERSION "0.0.0"
#endif

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	const struct bumble_arch *a;
	const char *dir;
	char *clang;

	dir = libdir();
	printf("bumble %s\nlibbpf %s\nlibdir %s\narches", BUMBLE_VERSION,
	       libbpf_version_string(), dir ? dir : "unusable (see above)");
	for (size_t i = 0; (a = arch_at(i)); i++)
		if (arch_has(a, "stub/libbumble-stub.a"))
			printf(" %s", a->name);
	putchar('\n');
	/* no program interpreter (AT_BASE 0): linked static */
	printf("libs %s: libcurl %s, OpenSSL %s, jansson %s, zlib %s\n",
	       getauxval(AT_BASE) ? "shared" : "static",
	       curl_version_info(CURLVERSION_NOW)->version,
	       OpenSSL_version(OPENSSL_VERSION_STRING), jansson_version_str(),
	       zlibVersion());
	clang = clang_find();
	if (clang)
		printf("clang %s\n", clang);
	else if (getenv("BUMBLE_CLANG") && *getenv("BUMBLE_CLANG"))
		printf("clang missing: BUMBLE_CLANG=%s is not an executable "
		       "program\n",
		       getenv("BUMBLE_CLANG"));
	else
		printf("clang missing: install it with: apt-get install "
		       "clang\n");
	free(clang);
	return EXIT_OK;
}
