/* The payload format: trailer, and verification of the manifest's
 * digests (see payload.h). Pure functions over bytes; no I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"
#include "sha256.h"

void payload_trailer_make(unsigned char out[PAYLOAD_TRAILER_SIZE],
			  const uint64_t sizes[3])
{
	memcpy(out, PAYLOAD_MAGIC, 8);
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 8; b++)
			out[8 + 8 * i + b] =
			    (unsigned char)(sizes[i] >> (8 * b));
	memcpy(out + 32, PAYLOAD_MAGIC, 8);
}

int payload_trailer_parse(const unsigned char trailer[PAYLOAD_TRAILER_SIZE],
			  uint64_t file_size, uint64_t *start,
			  uint64_t sizes[3])
{
	uint64_t total = PAYLOAD_TRAILER_SIZE;

	if (file_size < PAYLOAD_TRAILER_SIZE ||
	    memcmp(trailer, PAYLOAD_MAGIC, 8) ||
	    memcmp(trailer + 32, PAYLOAD_MAGIC, 8))
		return -1;
	for (int i = 0; i < 3; i++) {
		sizes[i] = 0;
		for (int b = 0; b < 8; b++)
			sizes[i] |= (uint64_t)trailer[8 + 8 * i + b] << (8 * b);
		if (sizes[i] > file_size)
			return -1;
		total += sizes[i];
	}
	if (total > file_size)
		return -1;
	*start = file_size - total;
	return 0;
}

int payload_locate(const unsigned char *tail, size_t n, uint64_t file_size,
		   uint64_t *start, uint64_t sizes[3], uint64_t *appended)
{
	if (n > file_size)
		return -1;
	for (size_t end = n; end >= PAYLOAD_TRAILER_SIZE; end--) {
		const unsigned char *t = tail + end - PAYLOAD_TRAILER_SIZE;

		if (t[PAYLOAD_TRAILER_SIZE - 1] != PAYLOAD_MAGIC[7] ||
		    payload_trailer_parse(t, file_size - (n - end), start,
					  sizes))
			continue;
		*appended = n - end;
		return 0;
	}
	return -1;
}

/* In text[0..n): the position just after `key` at or after from, or
 * NULL. */
static const char *find(const char *text, size_t n, const char *from,
			const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = from; p && p + klen <= text + n; p++)
		if (!memcmp(p, key, klen))
			return p + klen;
	return NULL;
}

char *payload_json_string(const char *text, size_t n, const char *key)
{
	size_t klen = strlen(key);
	char *pattern = malloc(klen + 5), *out, *o;
	const char *p;

	if (!pattern)
		return NULL;
	snprintf(pattern, klen + 5, "\"%s\":\"", key);
	p = find(text, n, text, pattern);
	free(pattern);
	if (!p)
		return NULL;
	out = o = malloc(n - (size_t)(p - text) + 1);
	if (!out)
		return NULL;
	for (; p < text + n && *p != '"'; p++) {
		if (*p == '\\' && p + 1 < text + n) {
			p++;
			if (*p == 'u' && p + 4 < text + n) {
				char hex[5] = {p[1], p[2], p[3], p[4], 0};

				*o++ = (char)strtol(hex, NULL, 16);
				p += 4;
				continue;
			}
			*o++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The digest and size of the descriptor that starts at `at`. */
static int descriptor(const char *text, size_t n, const char *at,
		      char digest[72], uint64_t *size)
{
	const char *d = find(text, n, at, "\"digest\":\"sha256:");
	const char *s = find(text, n, at, "\"size\":");

	if (!d || !s || d + 64 + 1 > text + n || d[64] != '"')
		return -1;
	memcpy(digest, "sha256:", 7);
	memcpy(digest + 7, d, 64);
	digest[71] = '\0';
	if (s >= text + n || *s < '0' || *s > '9')
		return -1;
	/* digit by digit: strtoull would read past text + n */
	for (*size = 0; s < text + n && *s >= '0' && *s <= '9'; s++) {
		if (*size > (UINT64_MAX - 9) / 10)
			return -1;
		*size = *size * 10 + (uint64_t)(*s - '0');
	}
	return 0;
}

static int check_blob(const char *what, const unsigned char *data,
		      uint64_t size, const char *want_digest,
		      uint64_t want_size, char *err, size_t errlen)
{
	char got[72];

	if (size != want_size) {
		snprintf(err, errlen,
			 "the embedded %s is %llu bytes, the manifest says "
			 "%llu",
			 what, (unsigned long long)size,
			 (unsigned long long)want_size);
		return -1;
	}
	sha256_digest_string(data, (size_t)size, got);
	if (strcmp(got, want_digest)) {
		snprintf(err, errlen,
			 "the embedded %s does not match its digest in the "
			 "manifest (%.19s... expected, %.19s... found)",
			 what, want_digest, got);
		return -1;
	}
	return 0;
}

int payload_tar_next(const unsigned char *tar, size_t n, size_t *pos,
		     char name[101], const unsigned char **data, size_t *size)
{
	while (*pos + 512 <= n) {
		const unsigned char *h = tar + *pos;
		char num[13];
		char *end;
		unsigned long long s;

		if (!h[0])
			return -1; /* the zero blocks that end the archive */
		if (memcmp(h + 257, "ustar", 5))
			return -1;
		memcpy(num, h + 124, 12);
		num[12] = '\0';
		s = strtoull(num, &end, 8);
		if (end == num || s > n - *pos - 512)
			return -1;
		*pos += 512 + (size_t)(s + 511) / 512 * 512;
		if (h[156] != '0' && h[156] != '\0')
			continue; /* directories and the like */
		memcpy(name, h, 100);
		name[100] = '\0';
		*data = h + 512;
		*size = (size_t)s;
		return 0;
	}
	return -1;
}

/* A file named *SUFFIX in the layer directly under dir ("" for the top):
 * the object, NAME.bpf.o at the top, and its fallback build. */
static int find_object(const unsigned char *tar, size_t n, const char *dir,
		       const char *suffix, const unsigned char **data,
		       size_t *size)
{
	size_t pos = 0, len, dlen = strlen(dir), slen = strlen(suffix);
	char name[101];

	while (!payload_tar_next(tar, n, &pos, name, data, size)) {
		len = strlen(name);
		if (len > dlen + slen && !strncmp(name, dir, dlen) &&
		    !strchr(name + dlen, '/') &&
		    !strcmp(name + len - slen, suffix))
			return 0;
	}
	*data = NULL;
	*size = 0;
	return -1;
}

int payload_verify(const unsigned char *data, const uint64_t sizes[3],
		   struct payload_view *v, char *err, size_t errlen)
{
	const char *m = (const char *)data, *config, *layers;
	size_t mlen = (size_t)sizes[0];
	char digest[72];
	uint64_t size;

	memset(v, 0, sizeof(*v));
	v->manifest = m;
	v->manifest_size = mlen;
	v->config = m + mlen;
	v->config_size = (size_t)sizes[1];
	v->layer = data + mlen + sizes[1];
	v->layer_size = (size_t)sizes[2];
	sha256_digest_string(m, mlen, v->manifest_digest);

	config = find(m, mlen, m, "\"config\":");
	layers = find(m, mlen, m, "\"layers\":[");
	if (!config || !layers) {
		snprintf(err, errlen, "the embedded manifest is damaged");
		return -1;
	}
	if (descriptor(m, mlen, config, digest, &size)) {
		snprintf(err, errlen,
			 "the embedded manifest's config entry is damaged");
		return -1;
	}
	if (check_blob("config", (const unsigned char *)v->config, sizes[1],
		       digest, size, err, errlen))
		return -1;
	if (descriptor(m, mlen, layers, digest, &size)) {
		snprintf(err, errlen,
			 "the embedded manifest's layer entry is damaged");
		return -1;
	}
	if (check_blob("bytecode layer", v->layer, sizes[2], digest, size, err,
		       errlen))
		return -1;
	if (find_object(v->layer, v->layer_size, "", ".bpf.o", &v->bytecode,
			&v->bytecode_size)) {
		snprintf(err, errlen,
			 "the embedded bytecode layer holds no "
			 "object file");
		return -1;
	}
	find_object(v->layer, v->layer_size, PAYLOAD_ALU32_DIR,
		    PAYLOAD_ALU32_SUFFIX, &v->alu32_packed,
		    &v->alu32_packed_size);
	return 0;
}
