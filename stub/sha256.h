/* SHA-256 (FIPS 180-4), small and dependency-free: the tool verifies its
 * embedded payload with it and bumble computes OCI digests with it. */
#ifndef BUMBLE_SHA256_H
#define BUMBLE_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t state[8];
	uint64_t length; /* bytes */
	unsigned char block[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, unsigned char digest[32]);
/* sha256_final as "sha256:" and 64 lowercase hex digits, NUL-terminated
 * (72 bytes). */
void sha256_final_string(struct sha256 *s, char out[72]);
/* The same for data[0..n) at once. */
void sha256_digest_string(const void *data, size_t n, char out[72]);

#endif
