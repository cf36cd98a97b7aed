/* The registry client of the bumble CLI: image references, a session with
 * one registry over libcurl (TLS, auth, retries, size limits), the OCI
 * distribution API calls, and the credentials of login/logout. */
#ifndef BUMBLE_REGISTRY_H
#define BUMBLE_REGISTRY_H

#include <getopt.h>
#include <stddef.h>

#include "bundler.h"
#include "oci.h"

#define OCI_INDEX_TYPE "application/vnd.oci.image.index.v1+json"
#define DOCKER_MANIFEST_TYPE                                                   \
	"application/vnd.docker.distribution.manifest.v2+json"
#define DOCKER_LIST_TYPE                                                       \
	"application/vnd.docker.distribution.manifest.list.v2+json"
#define BEE_CONFIG_TYPE "application/ebpf.oci.image.config.v1+json"
#define BEE_LAYER_TYPE	"application/ebpf.oci.image.program.v1+binary"

/* A manifest or index larger than this is refused, read no further. */
#define REG_MANIFEST_MAX (4u << 20)
/* A blob larger than this is refused before it is fetched. */
#define REG_BLOB_MAX (1ull << 30)

/* HOST[:PORT]/REPO[:TAG][@sha256:HEX]; the tag defaults to "latest". */
struct reg_ref {
	char *host; /* as written, with its port */
	char *repo;
	char *tag;    /* NULL when pulled by digest alone */
	char *digest; /* NULL unless @sha256:... */
};

/* 0, or -1 having said why. */
int reg_ref_parse(const char *text, struct reg_ref *r);
void reg_ref_free(struct reg_ref *r);
/* HOST[:PORT] from what a user gave login (a scheme and a path dropped);
 * malloc'ed, NULL having said why. */
char *reg_host_parse(const char *arg);

/* The TLS options every registry command takes. */
struct reg_opts {
	const char *ca_file;
	int insecure;		     /* TLS without verifying the certificate */
	int plain_http;		     /* no TLS at all */
	const char *user, *password; /* login: instead of the stored ones */
};

/* The TLS options, for a command's getopt_long table. */
enum {
	OPT_CA_FILE = 300,
	OPT_INSECURE,
	OPT_PLAIN_HTTP
};
/* clang-format off */
#define REG_LONG_OPTIONS \
	{"ca-file", required_argument, NULL, OPT_CA_FILE}, \
	{"insecure", no_argument, NULL, OPT_INSECURE}, \
	{"plain-http", no_argument, NULL, OPT_PLAIN_HTTP}
/* clang-format on */

/* getopt_long for a command that talks to registries: the TLS options
 * go into o; --help prints usage; a missing value or an unknown option
 * is said. Returns the command's next own option, -1 at the end, or
 * REG_OPT_DONE with the exit code in *rc. Call with optind = 0 first. */
enum {
	REG_OPT_DONE = -2
};
int reg_getopt(int argc, char **argv, const char *optstring,
	       const struct option *options, const char *usage,
	       struct reg_opts *o, int *rc);

struct registry;

/* A session with host: its credentials found (stored or o->user), no
 * request made yet. NULL having said why. */
struct registry *registry_open(const char *host, const struct reg_opts *o);
void registry_close(struct registry *r);

/* Asks Bearer tokens of this session to cover scope too (push asks
 * "repository:REPO:pull,push" up front: one token, not two). 0 or -1. */
int registry_want_scope(struct registry *r, const char *scope);

/* Bytes received, bounded. */
struct reg_buf {
	unsigned char *data;
	size_t len, max;
};

/* GET /v2/ with authentication: the login check. Exit code; *asked is
 * set when the registry wanted credentials (and took them). */
int registry_ping(struct registry *r, int *asked);
/* 1 if the blob is there, 0 if not, -1 on an error having said why. */
int registry_blob_exists(struct registry *r, const char *repo,
			 const char *digest);
/* Uploads a blob unless the registry has it (mounted from from_repo when
 * given). Exit code. */
int registry_blob_push(struct registry *r, const char *repo,
		       const char *from_repo, const char *digest,
		       const void *data, size_t size);
/* Fetches a blob, checking its size and digest before returning it. */
int registry_blob_get(struct registry *r, const char *repo, const char *digest,
		      size_t size, struct reg_buf *out);
int registry_manifest_put(struct registry *r, const char *repo, const char *ref,
			  const char *media_type, const void *data,
			  size_t size);
/* By tag or digest; media_type gets the Content-Type (128 bytes) and
 * digest the sha256 of what came (checked against ref if a digest). */
int registry_manifest_get(struct registry *r, const char *repo, const char *ref,
			  struct reg_buf *out, char media_type[128],
			  char digest[72]);

/* Credentials (registry_auth.c). */
/* user and password for host from bumble's auth.json, then docker's and
 * podman's; 0 if found (malloc'ed), -1 if none. */
int reg_creds_find(const char *host, char **user, char **password);
/* Stores (password != NULL) or removes them in bumble's auth.json, mode
 * 0600. Exit code, having said why. */
int reg_creds_store(const char *host, const char *user, const char *password);
/* $XDG_CONFIG_HOME/bumble/auth.json, malloc'ed. */
char *reg_auth_path(void);

/* $XDG_{CONFIG,DATA,CACHE}_HOME/bumble/sub (~/.config, ~/.local/share,
 * ~/.cache without them), malloc'ed (user_dirs.c). */
enum user_dir_kind {
	USER_CONFIG,
	USER_DATA,
	USER_CACHE
};
char *user_dir(enum user_dir_kind kind, const char *sub);
/* mkdir -p path. 0 or a negative errno. */
int mkdirs(const char *path, int mode);

#endif
