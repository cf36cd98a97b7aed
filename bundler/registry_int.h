/* Inside the registry client: the session, one request and its answer,
 * shared by registry_http.c (the transport) and registry_api.c (the
 * distribution API calls). */
#ifndef BUMBLE_REGISTRY_INT_H
#define BUMBLE_REGISTRY_INT_H

#include <curl/curl.h>

#include "registry.h"
#include "sha256.h"

/* The CA certificates TLS trusts without --ca-file (ca_store.c): a
 * bundle, a hashed directory, or both. */
struct ca_store {
	const char *file, *dir;
};
/* 0 with s set, or -1 having said, for host, what to do (none found, or
 * SSL_CERT_FILE, SSL_CERT_DIR or CURL_CA_BUNDLE names nothing usable);
 * host NULL: -1 says nothing. */
int ca_store_find(const char *host, struct ca_store *s);

struct registry {
	CURL *curl;
	char *host; /* as the user wrote it */
	char *base; /* scheme://host */
	struct reg_opts o;
	struct ca_store ca; /* without --ca-file */
	char *user, *password;
	char *auth;   /* the Authorization header the last challenge asked */
	char *scopes; /* what a Bearer token is asked for, space-separated */
	int progress; /* stderr is a terminal */
};

struct reg_req {
	const char *method;
	const char *url; /* a path below the registry, or a full URL */
	const char *accept, *content_type, *content_range;
	const void *body;
	size_t body_len;
	struct reg_buf *out; /* the answer's body, bounded; NULL: dropped */
	struct sha256 *hash; /* of out, as it arrives */
	const char *what;    /* progress and errors: "blob sha256:12ab" */
	/* the answer */
	long status;
	char location[2048], challenge[1024], got_type[128];
	struct reg_buf error_body; /* the start of it when out is NULL */
	size_t cap;
	int too_big;
};

/* Performs q with authentication and retries. 0 when an HTTP answer came
 * (any status but 401), -1 having said why. */
int reg_do(struct registry *r, struct reg_req *q);
/* Sleeps and returns 1 if a failed attempt should be retried. */
int reg_retry(CURLcode cc, long status, int attempt);
void reg_curl_error(const struct registry *r, CURLcode cc,
		    const struct reg_req *q, const char *who);
/* "HOST: DOING: HTTP 404 MANIFEST_UNKNOWN: ..." from the answer. */
void reg_status_error(const struct registry *r, const struct reg_req *q,
		      const char *doing);
void reg_req_free(struct reg_req *q);

/* base64 (RFC 4648, padded), malloc'ed; decode returns NULL on bad
 * input (registry_auth.c). */
char *base64_encode(const void *data, size_t n);
unsigned char *base64_decode(const char *s, size_t *n);

#endif
