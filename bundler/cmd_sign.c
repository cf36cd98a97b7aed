/* bumble sign: a file's signature in cosign's blob format (base64 of the
 * DER ECDSA P-256 signature over its SHA-256), beside it as FILE.sig. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "registry.h"
#include "signing.h"

static const char usage[] =
    "Usage: bumble sign TOOL --key KEY.pem [-o SIG]\n\n"
    "Writes SIG (default TOOL.sig): the base64 of the DER ECDSA signature\n"
    "over the SHA-256 of the whole of TOOL, cosign's blob format. KEY is an\n"
    "EC P-256 private key in PEM (openssl ecparam -name prime256v1 -genkey\n"
    "-noout -out key.pem); an encrypted key takes its passphrase from\n"
    "BUMBLE_KEY_PASSWORD, else asks on the terminal. Check with\n"
    "'bumble verify TOOL --key pub.pem', or with openssl alone:\n"
    "  openssl dgst -sha256 -verify pub.pem -signature <(base64 -d TOOL.sig) "
    "TOOL\n";

int sig_opts_parse(int argc, char **argv, const char *cmd,
		   const char *usage_text, struct sig_opts *o)
{
	static const struct option options[] = {
	    {"key", required_argument, NULL, 'k'},
	    {"signature", required_argument, NULL, 'o'},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts unused = {0};
	int c, rc;

	memset(o, 0, sizeof(*o));
	optind = 0;
	/* the option loop every registry command has: --help, and the
	 * same errors (no TLS options in this table) */
	while ((c = reg_getopt(argc, argv, ":o:h", options, usage_text, &unused,
			       &rc)) != -1) {
		if (c == REG_OPT_DONE)
			return rc;
		if (c == 'k')
			o->key = optarg;
		else if (c == 'o')
			o->sig = optarg;
	}
	if (optind + 1 != argc) {
		err("give one file; see 'bumble %s --help'", cmd);
		return EXIT_USAGE;
	}
	if (!o->key) {
		err("give the key: --key KEY.pem; see 'bumble %s --help'", cmd);
		return EXIT_USAGE;
	}
	o->file = argv[optind];
	if (!o->sig) {
		if (asprintf(&o->sig_owned, "%s.sig", o->file) < 0)
			return EXIT_FAIL;
		o->sig = o->sig_owned;
	}
	return -1;
}

int cmd_sign(int argc, char **argv)
{
	const char *inputs[3] = {NULL};
	struct sign_key *k;
	struct sig_opts o;
	int rc;

	rc = sig_opts_parse(argc, argv, "sign", usage, &o);
	if (rc >= 0)
		goto out;
	inputs[0] = o.file;
	inputs[1] = o.key;
	if (check_output(o.sig, inputs)) {
		rc = EXIT_USAGE;
		goto out;
	}
	k = sign_key_private(o.key, &rc);
	if (!k)
		goto out;
	rc = sign_file(k, o.file, o.sig);
	sign_key_free(k);
	if (!rc)
		fprintf(stderr, "bumble: wrote %s\n", o.sig);
out:
	free(o.sig_owned);
	return rc;
}
