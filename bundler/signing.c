/* ECDSA P-256 keys and cosign's blob signatures for the bumble CLI, on
 * OpenSSL's libcrypto: nothing here computes a digest or a signature
 * itself. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "bundler.h"
#include "signing.h"

struct sign_key {
	EVP_PKEY *pkey;
};

/* The passphrase of an encrypted key: BUMBLE_KEY_PASSWORD, else asked
 * on the terminal. The length, or -1 (the key then fails to load). */
static int passphrase(char *buf, int size, int rwflag, void *u)
{
	const char *path = u, *env = getenv("BUMBLE_KEY_PASSWORD");
	char prompt[512];
	size_t n;

	(void)rwflag;
	if (env) {
		n = strlen(env);
		if (n >= (size_t)size)
			return -1;
		memcpy(buf, env, n);
		return (int)n;
	}
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", path);
	if (EVP_read_pw_string(buf, size, prompt, 0))
		return -1;
	return (int)strlen(buf);
}

/* Is pkey an EC key on P-256? Says why not, naming path. */
static int check_p256(EVP_PKEY *pkey, const char *path)
{
	char group[64] = "";
	size_t len;

	if (!EVP_PKEY_is_a(pkey, "EC")) {
		err("'%s' is not an EC key but %s; bumble signs with ECDSA "
		    "P-256 keys (openssl ecparam -name prime256v1 -genkey "
		    "-noout -out key.pem)",
		    path, EVP_PKEY_get0_type_name(pkey));
		return -1;
	}
	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
					    group, sizeof(group), &len) ||
	    strcmp(group, "prime256v1")) {
		err("'%s' is an EC key on curve %s, not P-256 (prime256v1)",
		    path, *group ? group : "unknown");
		return -1;
	}
	return 0;
}

/* A PEM EC key is a few hundred bytes; OpenSSL's BIO takes an int. */
#define KEY_FILE_MAX (1 << 20)

static struct sign_key *key_load(const char *path, int private, int *rc)
{
	unsigned char *text = NULL;
	struct sign_key *k = NULL;
	EVP_PKEY *pkey = NULL;
	struct stat st;
	size_t size;
	BIO *bio;
	int e;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > KEY_FILE_MAX) {
		err("'%s' is not a PEM key: %lld bytes, where a key is a few "
		    "hundred",
		    path, (long long)st.st_size);
		*rc = EXIT_KEY;
		return NULL;
	}
	e = read_file(path, &text, &size);
	if (e) {
		err("cannot read the key '%s': %s", path, file_error(e));
		*rc = EXIT_KEY;
		return NULL;
	}
	*rc = EXIT_KEY;
	if (!memmem(text, size, "-----BEGIN ", 11)) {
		err("'%s' is not a PEM key", path);
		goto out;
	}
	if (private && memmem(text, size, "PUBLIC KEY-----", 15)) {
		err("'%s' is a public key; signing needs the private key "
		    "(the public one is for bumble verify and openssl)",
		    path);
		goto out;
	}
	if (!private && memmem(text, size, "PRIVATE KEY-----", 16)) {
		err("'%s' is a private key; verify with its public key "
		    "(openssl ec -in %s -pubout -out pub.pem)",
		    path, path);
		goto out;
	}
	if (private && memmem(text, size, "ENCRYPTED", 9) &&
	    !getenv("BUMBLE_KEY_PASSWORD") && !isatty(STDIN_FILENO)) {
		err("'%s' is encrypted: set BUMBLE_KEY_PASSWORD to its "
		    "passphrase, or run bumble on a terminal to be asked",
		    path);
		goto out;
	}
	bio = BIO_new_mem_buf(text, (int)size);
	if (!bio) {
		*rc = EXIT_FAIL;
		goto out;
	}
	if (private)
		pkey = PEM_read_bio_PrivateKey(bio, NULL, passphrase,
					       (void *)path);
	else
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!pkey) {
		unsigned long code = ERR_peek_last_error();

		if (private && memmem(text, size, "ENCRYPTED", 9))
			err("cannot decrypt the key '%s': %s", path,
			    ERR_GET_REASON(code) == PEM_R_BAD_PASSWORD_READ
				? "no passphrase given"
				: "wrong passphrase");
		else
			err("cannot read the %s key in '%s' (OpenSSL: %s): "
			    "its PEM is damaged or cut short; give the whole "
			    "key as openssl wrote it",
			    private ? "private" : "public", path,
			    ERR_reason_error_string(code)
				? ERR_reason_error_string(code)
				: "not a key");
		ERR_clear_error();
		goto out;
	}
	if (check_p256(pkey, path)) {
		EVP_PKEY_free(pkey);
		goto out;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		*rc = EXIT_FAIL;
		goto out;
	}
	k->pkey = pkey;
	*rc = EXIT_OK;
out:
	if (text)
		OPENSSL_cleanse(text, size);
	free(text);
	return k;
}

struct sign_key *sign_key_private(const char *path, int *rc)
{
	return key_load(path, 1, rc);
}

struct sign_key *sign_key_public(const char *path, int *rc)
{
	return key_load(path, 0, rc);
}

void sign_key_free(struct sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

char *sign_blob(struct sign_key *k, const void *data, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	char *b64 = NULL;
	size_t der_len = 0;

	if (!ctx ||
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &der_len, data, n) != 1)
		goto out;
	der = malloc(der_len);
	if (!der || EVP_DigestSign(ctx, der, &der_len, data, n) != 1)
		goto out;
	b64 = malloc(4 * ((der_len + 2) / 3) + 1);
	if (b64)
		EVP_EncodeBlock((unsigned char *)b64, der, (int)der_len);
out:
	if (!b64) {
		const char *why = ERR_reason_error_string(ERR_get_error());

		err("signing failed: %s", why ? why : "out of memory");
	}
	ERR_clear_error();
	free(der);
	EVP_MD_CTX_free(ctx);
	return b64;
}

#define BASE64_ALPHABET                                                        \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

/* A DER ECDSA P-256 signature is at most 72 bytes, its base64 96
 * characters: more than this, even with white space, is no signature. */
#define SIGNATURE_TEXT_MAX 4096

/* base64 text (white space around and inside lines allowed) to bytes;
 * the length, or -1 if it is not base64. */
static long base64_decode(const char *text, size_t len, unsigned char **out)
{
	char *clean = malloc(len + 1);
	size_t n = 0, pad = 0;
	int got;

	*out = NULL;
	if (!clean)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i]))
			clean[n++] = text[i];
	clean[n] = 0;
	if (n == 0 || n % 4) {
		free(clean);
		return -1;
	}
	pad = (clean[n - 1] == '=') + (clean[n - 2] == '=');
	/* the alphabet only, and '=' only as the padding at the end */
	if (strspn(clean, BASE64_ALPHABET) != n - pad ||
	    (pad == 1 && clean[n - 2] == '=')) {
		free(clean);
		return -1;
	}
	*out = malloc(n / 4 * 3);
	got = *out ? EVP_DecodeBlock(*out, (unsigned char *)clean, (int)n) : -1;
	free(clean);
	if (got < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return got - (long)pad;
}

int verify_blob(struct sign_key *k, const void *data, size_t n, const char *sig,
		size_t sig_len)
{
	unsigned char *der;
	const unsigned char *at;
	long der_len;
	ECDSA_SIG *parsed;
	EVP_MD_CTX *ctx;
	int rc = -1;

	if (sig_len > SIGNATURE_TEXT_MAX)
		return -1;
	der_len = base64_decode(sig, sig_len, &der);
	if (der_len <= 0)
		return -1;
	/* one DER ECDSA-Sig-Value and nothing after it, or not a signature */
	at = der;
	parsed = d2i_ECDSA_SIG(NULL, &at, der_len);
	ECDSA_SIG_free(parsed);
	if (!parsed || at != der + der_len) {
		ERR_clear_error();
		free(der);
		return -1;
	}
	ctx = EVP_MD_CTX_new();
	if (ctx &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, k->pkey) == 1) {
		/* 1 holds; 0, or below for DER that does not parse */
		rc = EVP_DigestVerify(ctx, der, (size_t)der_len, data, n) == 1
			 ? 0
			 : 1;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(ctx);
	free(der);
	return rc;
}

int sign_file(struct sign_key *k, const char *path, const char *sig_path)
{
	unsigned char *data = NULL;
	char *sig;
	size_t size;
	int e;

	e = read_file(path, &data, &size);
	if (e) {
		err("cannot read '%s': %s", path, file_error(e));
		return EXIT_INPUT;
	}
	sig = sign_blob(k, data, size);
	free(data);
	if (!sig)
		return EXIT_FAIL;
	e = write_file_atomic(sig_path, sig, strlen(sig), 0644);
	free(sig);
	if (e) {
		err("cannot write %s: %s", sig_path, strerror(-e));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}
