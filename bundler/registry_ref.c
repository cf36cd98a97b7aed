/* Image references (HOST[:PORT]/REPO[:TAG][@DIGEST]) and the TLS options
 * every registry command shares. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"

static int valid_repo(const char *s)
{
	if (!*s || *s == '/' || s[strlen(s) - 1] == '/')
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && !strchr("._-/", *s))
			return 0;
	return 1;
}

static int valid_tag(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 128 || *s == '.' || *s == '-')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
			return 0;
	return 1;
}

static int valid_digest(const char *s)
{
	if (strncmp(s, "sha256:", 7) || strlen(s) != 71)
		return 0;
	for (s += 7; *s; s++)
		if (!isdigit((unsigned char)*s) && !(*s >= 'a' && *s <= 'f'))
			return 0;
	return 1;
}

int reg_ref_parse(const char *text, struct reg_ref *r)
{
	char *copy = strdup(text), *slash, *at, *colon, *rest;

	memset(r, 0, sizeof(*r));
	if (!copy)
		return -1;
	slash = strchr(copy, '/');
	/* The first part is a host when it looks like one (a dot, a port,
	 * localhost); otherwise Docker Hub's library, as docker does. */
	if (slash && (memchr(copy, '.', slash - copy) ||
		      memchr(copy, ':', slash - copy) ||
		      !strncmp(copy, "localhost/", 10))) {
		r->host = strndup(copy, slash - copy);
		rest = slash + 1;
	} else {
		r->host = strdup("docker.io");
		rest = copy;
	}
	at = strchr(rest, '@');
	if (at) {
		*at = 0;
		r->digest = strdup(at + 1);
	}
	colon = strrchr(rest, ':');
	if (colon) {
		*colon = 0;
		r->tag = strdup(colon + 1);
	} else if (!at) {
		r->tag = strdup("latest");
	}
	if (strcmp(r->host, "docker.io") || strchr(rest, '/'))
		r->repo = strdup(rest);
	else if (asprintf(&r->repo, "library/%s", rest) < 0)
		r->repo = NULL;
	if (!r->host || !r->repo || (colon && !r->tag) || (at && !r->digest))
		goto bad;
	if (!valid_repo(r->repo) || (r->tag && !valid_tag(r->tag)) ||
	    (r->digest && !valid_digest(r->digest)))
		goto bad;
	free(copy);
	return 0;
bad:
	err("'%s' is not an image reference: HOST[:PORT]/REPO[:TAG] or "
	    "HOST/REPO@sha256:DIGEST, REPO in lower case",
	    text);
	free(copy);
	reg_ref_free(r);
	return -1;
}

void reg_ref_free(struct reg_ref *r)
{
	free(r->host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

/* HOST[:PORT], with a scheme or a path the user may have pasted gone. */
char *reg_host_parse(const char *arg)
{
	const char *p = strstr(arg, "://");
	char *host = strdup(p ? p + 3 : arg);

	if (host && strchr(host, '/'))
		*strchr(host, '/') = 0;
	if (host && !*host) {
		free(host);
		host = NULL;
	}
	if (!host)
		err("give the registry as HOST[:PORT], not '%s'", arg);
	return host;
}

int reg_getopt(int argc, char **argv, const char *optstring,
	       const struct option *options, const char *usage,
	       struct reg_opts *o, int *rc)
{
	int c;

	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, optstring, options, NULL);
		switch (c) {
		case OPT_CA_FILE:
			o->ca_file = optarg;
			continue;
		case OPT_INSECURE:
			o->insecure = 1;
			continue;
		case OPT_PLAIN_HTTP:
			o->plain_http = 1;
			continue;
		case 'h':
			fputs(usage, stdout);
			*rc = EXIT_OK;
			return REG_OPT_DONE;
		case ':':
			err("%s needs a value; see 'bumble %s --help'",
			    argv[optind - 1], argv[0]);
			*rc = EXIT_USAGE;
			return REG_OPT_DONE;
		case '?':
			err("unknown option '%s'; see 'bumble %s --help'",
			    argv[optind - 1], argv[0]);
			*rc = EXIT_USAGE;
			return REG_OPT_DONE;
		}
		return c;
	}
}
