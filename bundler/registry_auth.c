/* Registry credentials: bumble's own auth.json (written by login, mode
 * 0600), and docker's and podman's, read in that order; all three in
 * docker's format ({"auths": {HOST: {"auth": base64(USER:PASSWORD)}}}). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "registry_int.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const void *data, size_t n)
{
	const unsigned char *p = data;
	char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < n ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*o = 0;
	return out;
}

unsigned char *base64_decode(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	unsigned char *out = malloc(len / 4 * 3 + 3);
	unsigned v = 0, bits = 0;

	if (!out)
		return NULL;
	for (; *s && *s != '='; s++) {
		const char *c = strchr(b64, *s);

		if (!c || !*s) {
			free(out);
			return NULL;
		}
		v = v << 6 | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (unsigned char)(v >> bits);
		}
	}
	out[k] = 0;
	*n = k;
	return out;
}

char *reg_auth_path(void)
{
	return user_dir(USER_CONFIG, "auth.json");
}

/* Does an "auths" key name host? docker writes https://HOST/... too,
 * and Docker Hub as index.docker.io. */
static int key_names(const char *key, const char *host)
{
	size_t n = strlen(host);

	if (!strncmp(key, "https://", 8))
		key += 8;
	else if (!strncmp(key, "http://", 7))
		key += 7;
	if (!strcmp(host, "docker.io") && !strncmp(key, "index.docker.io", 15))
		return 1;
	return !strncmp(key, host, n) && (!key[n] || key[n] == '/');
}

static int find_in(const char *path, const char *host, char **user,
		   char **password)
{
	json_t *j = json_load_file(path, 0, NULL), *auths, *v;
	const char *key, *enc;
	unsigned char *dec;
	char *colon;
	size_t n;
	int rc = -1;

	auths = json_object_get(j, "auths");
	json_object_foreach(auths, key, v)
	{
		if (!key_names(key, host))
			continue;
		enc = json_string_value(json_object_get(v, "auth"));
		dec = enc ? base64_decode(enc, &n) : NULL;
		colon = dec ? memchr(dec, ':', n) : NULL;
		if (colon) {
			*user = strndup((char *)dec, colon - (char *)dec);
			*password = strdup(colon + 1);
			rc = *user && *password ? 0 : -1;
		}
		if (dec) {
			explicit_bzero(dec, n);
			free(dec);
		}
		if (!rc)
			break;
	}
	json_decref(j);
	return rc;
}

int reg_creds_find(const char *host, char **user, char **password)
{
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *docker = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	char *paths[3] = {reg_auth_path(), NULL, NULL};
	int rc = -1;

	if (runtime &&
	    asprintf(&paths[1], "%s/containers/auth.json", runtime) < 0)
		paths[1] = NULL;
	if (docker ? asprintf(&paths[2], "%s/config.json", docker) < 0
		   : asprintf(&paths[2], "%s/.docker/config.json",
			      home ? home : "") < 0)
		paths[2] = NULL;
	*user = *password = NULL;
	for (int i = 0; i < 3 && rc; i++)
		if (paths[i])
			rc = find_in(paths[i], host, user, password);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
	return rc;
}

int reg_creds_store(const char *host, const char *user, const char *password)
{
	char *path = reg_auth_path(), *text = NULL, *cred = NULL, *enc = NULL;
	char *dir = NULL;
	json_t *j = NULL, *auths;
	int rc = EXIT_FAIL, e;

	if (!path)
		return EXIT_FAIL;
	j = json_load_file(path, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	auths = json_object_get(j, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	if (!password) {
		if (json_object_del(auths, host)) {
			err("not logged in to %s (%s has no entry for it)",
			    host, path);
			goto out;
		}
	} else {
		if (asprintf(&cred, "%s:%s", user, password) < 0)
			goto out;
		enc = base64_encode(cred, strlen(cred));
		if (!enc)
			goto out;
		json_object_set_new(auths, host,
				    json_pack("{s:s}", "auth", enc));
	}
	text = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
	dir = user_dir(USER_CONFIG, "");
	e = text && dir ? mkdirs(dir, 0700) : -ENOMEM;
	if (!e)
		e = write_file_atomic(path, text, strlen(text), 0600);
	if (e) {
		err("cannot write %s: %s", path, strerror(-e));
		goto out;
	}
	rc = EXIT_OK;
out:
	if (cred)
		explicit_bzero(cred, strlen(cred));
	if (enc)
		explicit_bzero(enc, strlen(enc));
	if (text)
		explicit_bzero(text, strlen(text));
	free(cred);
	free(enc);
	free(text);
	json_decref(j);
	free(dir);
	free(path);
	return rc;
}
