/* A session with one registry over libcurl: requests with bounded
 * responses, TLS as the user chose it, Basic and Bearer authentication
 * (the challenge parsed, the token cached for the session), retries with
 * backoff, progress on a terminal, and errors that say what to do. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "registry_int.h"

#define ERROR_BODY_MAX 8192
#define TOKEN_MAX      (1u << 20)
#define ATTEMPTS       4

struct registry *registry_open(const char *host, const struct reg_opts *o)
{
	struct registry *r = calloc(1, sizeof(*r));
	const char *real =
	    strcmp(host, "docker.io") ? host : "registry-1.docker.io";

	if (!r || curl_global_init(CURL_GLOBAL_DEFAULT))
		goto nomem;
	r->curl = curl_easy_init();
	r->host = strdup(host);
	r->o = *o;
	if (!r->curl || !r->host ||
	    asprintf(&r->base, "%s://%s", o->plain_http ? "http" : "https",
		     real) < 0)
		goto nomem;
	/* https needs CAs to check against; plain http may be redirected
	 * to https (blob storage), so it takes the system's if there are */
	if (!o->ca_file && !o->insecure) {
		if (o->plain_http) {
			ca_store_find(NULL, &r->ca);
		} else if (ca_store_find(host, &r->ca)) {
			registry_close(r);
			return NULL;
		}
	}
	if (o->user) {
		r->user = strdup(o->user);
		r->password = o->password ? strdup(o->password) : NULL;
	} else {
		reg_creds_find(host, &r->user, &r->password);
	}
	r->progress = isatty(STDERR_FILENO);
	return r;
nomem:
	err("out of memory");
	registry_close(r);
	return NULL;
}

void registry_close(struct registry *r)
{
	if (!r)
		return;
	if (r->curl)
		curl_easy_cleanup(r->curl);
	if (r->password)
		explicit_bzero(r->password, strlen(r->password));
	if (r->auth)
		explicit_bzero(r->auth, strlen(r->auth));
	free(r->password);
	free(r->auth);
	free(r->user);
	free(r->scopes);
	free(r->host);
	free(r->base);
	free(r);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	struct reg_req *q = ctx;
	struct reg_buf *b = q->out ? q->out : &q->error_body;
	size_t len = size * n;

	if (!q->out && b->len + len > b->max)
		len = b->max - b->len; /* an error text: keep its start */
	if (b->len + len > b->max) {
		q->too_big = 1;
		return 0;
	}
	if (b->len + len + 1 > q->cap) {
		size_t cap = q->cap ? q->cap : 65536;
		unsigned char *p;

		while (cap < b->len + len + 1)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		p = realloc(b->data, cap);
		if (!p)
			return 0;
		b->data = p;
		q->cap = cap;
	}
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = 0;
	if (q->hash)
		sha256_update(q->hash, data, len);
	return size * n;
}

static void header_value(const char *line, size_t n, const char *name,
			 char *out, size_t outlen)
{
	size_t k = strlen(name);

	if (n <= k || strncasecmp(line, name, k) || line[k] != ':')
		return;
	line += k + 1;
	n -= k + 1;
	while (n && isspace((unsigned char)*line))
		line++, n--;
	while (n && isspace((unsigned char)line[n - 1]))
		n--;
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, line, n);
	out[n] = 0;
}

static size_t on_header(char *line, size_t size, size_t n, void *ctx)
{
	struct reg_req *q = ctx;
	size_t len = size * n;
	char cl[32] = "";

	/* a redirect's headers are followed by the next response's */
	if (len > 5 && !strncmp(line, "HTTP/", 5)) {
		q->location[0] = q->challenge[0] = q->got_type[0] = 0;
		return len;
	}
	header_value(line, len, "Location", q->location, sizeof(q->location));
	header_value(line, len, "WWW-Authenticate", q->challenge,
		     sizeof(q->challenge));
	header_value(line, len, "Content-Type", q->got_type,
		     sizeof(q->got_type));
	header_value(line, len, "Content-Length", cl, sizeof(cl));
	/* refused before a byte of the body comes */
	if (*cl && q->out && strtoull(cl, NULL, 10) > q->out->max) {
		q->too_big = 1;
		return 0;
	}
	return len;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow,
		       curl_off_t ultotal, curl_off_t ulnow)
{
	struct reg_req *q = ctx;
	curl_off_t total = dltotal ? dltotal : ultotal;
	curl_off_t now = dltotal ? dlnow : ulnow;

	if (total > 65536)
		fprintf(stderr, "\r%-28.28s %6.1f/%.1f MiB ", q->what,
			now / 1048576.0, total / 1048576.0);
	return 0;
}

static char *url_of(const struct registry *r, const char *path)
{
	char *url;

	if (!strncmp(path, "http://", 7) || !strncmp(path, "https://", 8))
		return strdup(path);
	return asprintf(&url, "%s%s", r->base, path) < 0 ? NULL : url;
}

static CURLcode perform(struct registry *r, struct reg_req *q, const char *url,
			const char *auth)
{
	struct curl_slist *h = NULL;
	char line[256];
	CURL *c = r->curl;
	CURLcode rc;

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "bumble/" BUMBLE_VERSION);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* a stalled transfer fails rather than hanging */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	if (r->o.ca_file) {
		curl_easy_setopt(c, CURLOPT_CAINFO, r->o.ca_file);
	} else if (r->ca.file || r->ca.dir) {
		curl_easy_setopt(c, CURLOPT_CAINFO, r->ca.file);
		curl_easy_setopt(c, CURLOPT_CAPATH, r->ca.dir);
	}
	if (r->o.insecure) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (!strcmp(q->method, "HEAD"))
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else if (strcmp(q->method, "GET"))
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	else
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	if (q->body ||
	    (strcmp(q->method, "GET") && strcmp(q->method, "HEAD"))) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)q->body_len);
	}
	h = curl_slist_append(h, "Expect:");
	if (auth)
		h = curl_slist_append(h, auth);
	if (q->accept) {
		snprintf(line, sizeof(line), "Accept: %s", q->accept);
		h = curl_slist_append(h, line);
	}
	snprintf(line, sizeof(line), "Content-Type: %s",
		 q->content_type ? q->content_type : "");
	h = curl_slist_append(h, line);
	if (q->content_range) {
		snprintf(line, sizeof(line), "Content-Range: %s",
			 q->content_range);
		h = curl_slist_append(h, line);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, q);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, q);
	if (r->progress && q->what) {
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, q);
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	}
	rc = curl_easy_perform(c);
	if (r->progress && q->what)
		fputs("\r\033[K", stderr);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &q->status);
	curl_slist_free_all(h);
	return rc;
}

/* The value of key in a challenge's key="value" list, malloc'ed. */
static char *challenge_param(const char *ch, const char *key)
{
	size_t k = strlen(key);
	const char *p = ch;

	while ((p = strstr(p, key))) {
		const char *v = p + k, *end;

		if ((p == ch || p[-1] == ' ' || p[-1] == ',') && *v == '=' &&
		    v[1] == '"' && (end = strchr(v + 2, '"')))
			return strndup(v + 2, end - v - 2);
		p += k;
	}
	return NULL;
}

static int has_scope(const char *scopes, const char *scope)
{
	size_t n = strlen(scope);
	const char *p = scopes;

	while (p && (p = strstr(p, scope))) {
		if ((p == scopes || p[-1] == ' ') && (!p[n] || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/* "Authorization: Basic BASE64(user:password)", malloc'ed; NULL without
 * credentials. */
static char *basic_header(const struct registry *r)
{
	char *cred, *b64, *h = NULL;

	if (!r->user || !r->password ||
	    asprintf(&cred, "%s:%s", r->user, r->password) < 0)
		return NULL;
	b64 = base64_encode(cred, strlen(cred));
	explicit_bzero(cred, strlen(cred));
	free(cred);
	if (b64 && asprintf(&h, "Authorization: Basic %s", b64) < 0)
		h = NULL;
	if (b64)
		explicit_bzero(b64, strlen(b64));
	free(b64);
	return h;
}

static char *escape(CURL *c, const char *s)
{
	char *e = curl_easy_escape(c, s, 0), *copy = e ? strdup(e) : NULL;

	curl_free(e);
	return copy;
}

int registry_want_scope(struct registry *r, const char *scope)
{
	char *all;

	if (has_scope(r->scopes, scope))
		return 0;
	if (asprintf(&all, "%s%s%s", r->scopes ? r->scopes : "",
		     r->scopes ? " " : "", scope) < 0)
		return -1;
	free(r->scopes);
	r->scopes = all;
	return 0;
}

/* GET realm?service=S&scope=A&scope=B, with Basic credentials if any:
 * the token, or NULL having said why. */
static char *fetch_token(struct registry *r, const char *realm,
			 const char *service)
{
	struct reg_buf body = {.max = TOKEN_MAX};
	struct reg_req q = {.method = "GET", .out = &body};
	char *url = NULL, *s, *scopes = r->scopes ? strdup(r->scopes) : NULL;
	char *save = NULL, *token = NULL, *basic = basic_header(r);
	json_t *j = NULL;
	size_t len;
	CURLcode rc;
	FILE *f = open_memstream(&url, &len);

	if (!f)
		goto out;
	fputs(realm, f);
	fputc(strchr(realm, '?') ? '&' : '?', f);
	if (service && (s = escape(r->curl, service))) {
		fprintf(f, "service=%s", s);
		free(s);
	}
	for (char *sc = scopes ? strtok_r(scopes, " ", &save) : NULL; sc;
	     sc = strtok_r(NULL, " ", &save))
		if ((s = escape(r->curl, sc))) {
			fprintf(f, "&scope=%s", s);
			free(s);
		}
	if (fclose(f))
		goto out;
	for (int attempt = 0;; attempt++) {
		body.len = 0;
		q.too_big = 0;
		q.error_body.len = 0;
		rc = perform(r, &q, url, basic);
		if (!reg_retry(rc, q.status, attempt))
			break;
	}
	if (rc != CURLE_OK) {
		reg_curl_error(r, rc, &q, "the token server");
		goto out;
	}
	if (q.status == 401 || q.status == 403) {
		err("%s's token server refused %s: check the user and "
		    "password (bumble login %s)",
		    r->host, r->user ? "the credentials" : "anonymous access",
		    r->host);
		goto out;
	}
	j = q.status == 200 ? json_loadb((char *)body.data, body.len, 0, NULL)
			    : NULL;
	s = (char *)json_string_value(json_object_get(j, "token"));
	if (!s)
		s = (char *)json_string_value(
		    json_object_get(j, "access_token"));
	if (!s) {
		err("%s's token server answered HTTP %ld without a token",
		    r->host, q.status);
		goto out;
	}
	token = strdup(s);
out:
	json_decref(j);
	free(body.data);
	free(q.error_body.data);
	free(url);
	free(scopes);
	if (basic)
		explicit_bzero(basic, strlen(basic));
	free(basic);
	return token;
}

/* After a 401: the Authorization header the challenge asks for. 0, or -1
 * having said why. */
static int answer_challenge(struct registry *r, const char *challenge)
{
	char *realm = NULL, *service = NULL, *scope = NULL, *token = NULL;
	int rc = -1;

	if (!strncasecmp(challenge, "Basic", 5)) {
		if (!r->user || !r->password) {
			err("%s needs a login: run 'bumble login %s'", r->host,
			    r->host);
			return -1;
		}
		free(r->auth);
		r->auth = basic_header(r);
		return r->auth ? 0 : -1;
	}
	if (strncasecmp(challenge, "Bearer", 6)) {
		err("%s asks for an authentication bumble does not speak: "
		    "%.40s",
		    r->host, challenge);
		return -1;
	}
	realm = challenge_param(challenge, "realm");
	service = challenge_param(challenge, "service");
	scope = challenge_param(challenge, "scope");
	if (!realm) {
		err("%s sent a Bearer challenge without a realm", r->host);
		goto out;
	}
	/* one token for every scope this session has needed */
	if (scope && registry_want_scope(r, scope))
		goto out;
	token = fetch_token(r, realm, service);
	if (!token)
		goto out;
	free(r->auth);
	rc = asprintf(&r->auth, "Authorization: Bearer %s", token) < 0 ? -1 : 0;
	explicit_bzero(token, strlen(token));
out:
	free(token);
	free(realm);
	free(service);
	free(scope);
	return rc;
}

int reg_do(struct registry *r, struct reg_req *q)
{
	char *url = url_of(r, q->url);
	int auth_rounds = 0, rc = -1;
	CURLcode cc;

	if (!url) {
		err("out of memory");
		return -1;
	}
	q->error_body.max = ERROR_BODY_MAX;
	for (int attempt = 0;;) {
		if (q->out)
			q->out->len = 0;
		q->error_body.len = 0;
		q->too_big = 0;
		if (q->hash)
			sha256_init(q->hash);
		cc = perform(r, q, url, r->auth);
		if (cc == CURLE_OK && q->status == 401 && auth_rounds < 2 &&
		    *q->challenge) {
			auth_rounds++;
			if (answer_challenge(r, q->challenge))
				goto out;
			continue;
		}
		if (!reg_retry(cc, q->status, attempt++))
			break;
	}
	if (q->too_big) {
		err("%s: %s is larger than the %zu bytes allowed; refused",
		    r->host, q->what ? q->what : "the answer", q->out->max);
		goto out;
	}
	if (cc != CURLE_OK) {
		reg_curl_error(r, cc, q, NULL);
		goto out;
	}
	if (q->status == 401) {
		if (r->user)
			err("%s refused the credentials of '%s' (HTTP 401): "
			    "run 'bumble login %s' again",
			    r->host, r->user, r->host);
		else
			err("%s needs a login: run 'bumble login %s'", r->host,
			    r->host);
		goto out;
	}
	rc = 0;
out:
	free(url);
	return rc;
}

/* Retry? Connection errors, 5xx and 429, a few times with backoff. */
int reg_retry(CURLcode cc, long status, int attempt)
{
	int transient = cc == CURLE_COULDNT_CONNECT || cc == CURLE_SEND_ERROR ||
			cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
			cc == CURLE_PARTIAL_FILE ||
			cc == CURLE_OPERATION_TIMEDOUT ||
			(cc == CURLE_OK && (status >= 500 || status == 429));
	struct timespec ts;

	if (!transient || attempt + 1 >= ATTEMPTS)
		return 0;
	ts.tv_sec = 0;
	ts.tv_nsec = 250000000L << attempt;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec = ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
	}
	nanosleep(&ts, NULL);
	return 1;
}

void reg_curl_error(const struct registry *r, CURLcode cc,
		    const struct reg_req *q, const char *who)
{
	const char *host = who ? who : r->host;

	(void)q;
	switch (cc) {
	case CURLE_SSL_CACERT_BADFILE:
		err("%s: cannot use the CA file %s (%s)", host,
		    r->o.ca_file ? r->o.ca_file
		    : r->ca.file ? r->ca.file
				 : "of the system",
		    curl_easy_strerror(cc));
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		err("%s: the registry's TLS certificate is not trusted (%s); "
		    "give --ca-file FILE with the CA that signed it, or "
		    "--insecure to skip the check",
		    host, curl_easy_strerror(cc));
		break;
	case CURLE_SSL_CONNECT_ERROR:
		err("%s: the TLS handshake failed (%s); if the registry "
		    "speaks plain HTTP, give --plain-http",
		    host, curl_easy_strerror(cc));
		break;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
		err("cannot reach %s: %s", host, curl_easy_strerror(cc));
		break;
	default:
		err("%s: %s", host, curl_easy_strerror(cc));
	}
}

/* The registry's own words for an error answer, if it sent JSON. */
void reg_req_free(struct reg_req *q)
{
	free(q->error_body.data);
	q->error_body.data = NULL;
}

void reg_status_error(const struct registry *r, const struct reg_req *q,
		      const char *doing)
{
	const struct reg_buf *b = q->out ? q->out : &q->error_body;
	json_t *j =
	    b->len ? json_loadb((const char *)b->data, b->len, 0, NULL) : NULL;
	json_t *e = json_array_get(json_object_get(j, "errors"), 0);
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));

	if (code)
		err("%s: %s: HTTP %ld %s: %s", r->host, doing, q->status, code,
		    msg ? msg : "");
	else
		err("%s: %s: HTTP %ld", r->host, doing, q->status);
	json_decref(j);
}
