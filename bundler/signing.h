/* Signatures of the bumble CLI: ECDSA P-256 keys in PEM as openssl writes
 * them, and cosign's blob signature (base64 of the DER ECDSA signature
 * over the SHA-256 of the data), all through OpenSSL's libcrypto. */
#ifndef BUMBLE_SIGNING_H
#define BUMBLE_SIGNING_H

#include <stddef.h>

struct sign_key; /* one EC P-256 key, private or public */

/* The private key in the PEM file at path (an encrypted one takes its
 * passphrase from BUMBLE_KEY_PASSWORD, else from the terminal). NULL,
 * having said why, with the exit code in *rc: EXIT_KEY for a key that
 * cannot be used (unreadable, a public key, another type or curve, a
 * wrong passphrase, no PEM at all). */
struct sign_key *sign_key_private(const char *path, int *rc);
/* The public key in the PEM file at path; as above. */
struct sign_key *sign_key_public(const char *path, int *rc);
void sign_key_free(struct sign_key *k);

/* The signature of data[0..n) in cosign's blob format: base64 of the DER
 * signature, one line without a newline; malloc'ed, NULL having said
 * why. */
char *sign_blob(struct sign_key *k, const void *data, size_t n);

/* Checks sig (base64, surrounding white space allowed) over data[0..n).
 * 0 if it holds, 1 if it does not (another key, or other data), -1 if
 * sig is not a signature at all. Says nothing. */
int verify_blob(struct sign_key *k, const void *data, size_t n, const char *sig,
		size_t sig_len);

/* Writes the signature of the file at path to sig_path, atomically.
 * An exit code, having said why. */
int sign_file(struct sign_key *k, const char *path, const char *sig_path);

/* The command line of sign and verify: FILE --key KEY [-o|--signature
 * SIG]. -1 to go on, else the exit code (EXIT_OK after --help). */
struct sig_opts {
	const char *file, *key, *sig; /* sig: SIG, or FILE.sig */
	char *sig_owned;
};
int sig_opts_parse(int argc, char **argv, const char *cmd,
		   const char *usage_text, struct sig_opts *o);

#endif
