/* The architectures bumble bundles for, from toolchain/arches (one
 * table for the build, the tests and bumble): lookup by name, the
 * host's, --arch lists, and where each arch's headers and stub are
 * in bumble's data tree (lib_cache.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "arch.h"
#include "bundler.h"

static const struct bumble_arch arches[] = {
#include "arches.h"
};

#define ARCH_COUNT (sizeof(arches) / sizeof(arches[0]))

const struct bumble_arch *arch_find(const char *name)
{
	for (size_t i = 0; i < ARCH_COUNT; i++)
		if (!strcmp(name, arches[i].name) ||
		    !strcmp(name, arches[i].debian) ||
		    !strcmp(name, arches[i].oci))
			return &arches[i];
	return NULL;
}

const struct bumble_arch *arch_at(size_t i)
{
	return i < ARCH_COUNT ? &arches[i] : NULL;
}

const struct bumble_arch *arch_host(void)
{
	struct utsname u;

	return uname(&u) ? NULL : arch_find(u.machine);
}

const char *arch_names(void)
{
	static char names[256];
	size_t n = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < ARCH_COUNT; i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
				      i ? ", " : "", arches[i].name);
	return names;
}

int arch_list_parse(const char *arg, const struct bumble_arch **out, size_t max)
{
	char *copy = strdup(arg), *rest = copy, *tok;
	int n = 0;

	if (!copy)
		return -1;
	/* strsep, not strtok: "x86_64,,aarch64" has an empty name in it */
	while ((tok = strsep(&rest, ","))) {
		const struct bumble_arch *a = arch_find(tok);

		if (!*tok) {
			n = 0; /* said below */
			break;
		}
		if (!a) {
			err("--arch: unknown architecture '%s' (known: %s)",
			    tok, arch_names());
			n = -1;
			break;
		}
		for (int i = 0; i < n && a; i++)
			if (out[i] == a)
				a = NULL;
		if (!a) {
			err("--arch names '%s' twice", tok);
			n = -1;
			break;
		}
		if ((size_t)n == max)
			break;
		out[n++] = a;
	}
	if (n == 0) {
		err("--arch takes ARCH[,ARCH...] (known: %s), no name "
		    "empty, not '%s'",
		    arch_names(), arg);
		n = -1;
	}
	free(copy);
	return n;
}

/* rel under the arch's directory of the tree: "aarch64/include" */
static char *arch_rel(const struct bumble_arch *a, const char *rel)
{
	char *path = NULL;
	int top = !strcmp(a->dir, ".");

	if (asprintf(&path, "%s%s%s", top ? "" : a->dir, top ? "" : "/", rel) <
	    0)
		return NULL;
	return path;
}

char *arch_path(const struct bumble_arch *a, const char *rel)
{
	char *r = arch_rel(a, rel), *path = r ? lib_path(r) : NULL;

	free(r);
	return path;
}

int arch_has(const struct bumble_arch *a, const char *rel)
{
	char *r = arch_rel(a, rel);
	int has = r && lib_has(r);

	free(r);
	return has;
}
