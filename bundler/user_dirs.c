/* The user's directories bumble keeps things in (XDG base directories):
 * credentials in the config dir, the image store in the data dir, tools
 * in the cache dir; made with their parents when first needed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry.h"

char *user_dir(enum user_dir_kind kind, const char *sub)
{
	static const struct {
		const char *env, *fallback;
	} kinds[] = {
	    [USER_CONFIG] = {"XDG_CONFIG_HOME", ".config"},
	    [USER_DATA] = {"XDG_DATA_HOME", ".local/share"},
	    [USER_CACHE] = {"XDG_CACHE_HOME", ".cache"},
	};
	const char *x = getenv(kinds[kind].env), *home = getenv("HOME");
	char *dir;

	if (x && *x)
		return asprintf(&dir, "%s/bumble/%s", x, sub) < 0 ? NULL : dir;
	return asprintf(&dir, "%s/%s/bumble/%s", home ? home : "",
			kinds[kind].fallback, sub) < 0
		   ? NULL
		   : dir;
}

int mkdirs(const char *path, int mode)
{
	char *copy = strdup(path);
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *p = copy + 1; *p && !rc; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(copy, (mode_t)mode) && errno != EEXIST)
			rc = -errno;
		*p = '/';
	}
	if (!rc && mkdir(copy, (mode_t)mode) && errno != EEXIST)
		rc = -errno;
	free(copy);
	return rc;
}
