/* The architectures bumble bundles for: toolchain/arches as a C table
 * (generated into arches.h), looked up by the names --arch takes. */
#ifndef BUMBLE_ARCH_H
#define BUMBLE_ARCH_H

#include <stddef.h>

/* at most this many rows in toolchain/arches */
#define BUMBLE_ARCH_MAX 8

struct bumble_arch {
	const char *name;    /* bumble's, as uname -m says: aarch64 */
	const char *debian;  /* Debian's: arm64 */
	const char *triplet; /* aarch64-linux-gnu */
	const char *cc;	     /* the musl compiler that links its tools */
	const char *target;  /* clang's -D__TARGET_ARCH_<target> */
	const char *oci;     /* the OCI platform architecture */
	const char *btf;     /* btfhub's directory name: arm64 */
	const char *dir;     /* under lib/bumble ("." : the top) */
};

/* The arch named name: bumble's, Debian's or OCI's name; NULL if none. */
const struct bumble_arch *arch_find(const char *name);
/* The i-th row of the table, NULL past its end. */
const struct bumble_arch *arch_at(size_t i);
/* This machine's arch (uname -m), or NULL when bumble has no row for it. */
const struct bumble_arch *arch_host(void);
/* The known names, "x86_64, aarch64", for messages. */
const char *arch_names(void);

/* "x86_64,aarch64": each named arch once, in the order given, into
 * out[0..max). Returns the count, or -1 having said why. */
int arch_list_parse(const char *arg, const struct bumble_arch **out,
		    size_t max);

/* rel in the directory of an arch's headers and stub: libdir()/rel, or
 * libdir()/DIR/rel ("include", "stub/libbumble-stub.a"), its files
 * checked (lib_path). malloc'ed; NULL having said why (EXIT_CACHE). */
char *arch_path(const struct bumble_arch *a, const char *rel);
/* Does bumble's data tree have rel for the arch? Nothing is unpacked. */
int arch_has(const struct bumble_arch *a, const char *rel);

#endif
