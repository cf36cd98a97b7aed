/* bumble verify: checks a file's signature in cosign's blob format with
 * an EC P-256 public key, as openssl dgst -verify would. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "signing.h"

static const char verify_usage[] =
    "Usage: bumble verify TOOL --key PUB.pem [--signature SIG]\n\n"
    "Checks SIG (default TOOL.sig), a signature in cosign's blob format,\n"
    "over the whole of TOOL with the EC P-256 public key PUB. Exit 0 if\n"
    "it holds; 7 if it does not (TOOL changed, or signed with another\n"
    "key) or SIG is missing or no signature; 6 if PUB cannot be used.\n"
    "The same check with openssl alone:\n"
    "  openssl dgst -sha256 -verify PUB.pem -signature <(base64 -d SIG) "
    "TOOL\n";

int cmd_verify(int argc, char **argv)
{
	unsigned char *data = NULL, *sig = NULL;
	size_t size, sig_size;
	struct sign_key *k = NULL;
	struct sig_opts o;
	int rc, e;

	rc = sig_opts_parse(argc, argv, "verify", verify_usage, &o);
	if (rc >= 0)
		goto out;
	k = sign_key_public(o.key, &rc);
	if (!k)
		goto out;
	e = read_file(o.file, &data, &size);
	if (e) {
		err("cannot read '%s': %s", o.file, file_error(e));
		rc = EXIT_INPUT;
		goto out;
	}
	e = read_file(o.sig, &sig, &sig_size);
	if (e) {
		err("cannot read the signature '%s': %s%s", o.sig,
		    file_error(e),
		    e == -ENOENT ? " (sign with bumble sign, or give "
				   "--signature SIG)"
				 : "");
		rc = EXIT_SIGNATURE;
		goto out;
	}
	switch (verify_blob(k, data, size, (char *)sig, sig_size)) {
	case 0:
		printf("%s: signature OK (%s)\n", o.file, o.sig);
		rc = EXIT_OK;
		break;
	case 1:
		err("the signature %s does not hold for '%s': the file was "
		    "changed after it was signed, or signed with another key "
		    "than %s's",
		    o.sig, o.file, o.key);
		rc = EXIT_SIGNATURE;
		break;
	default:
		err("'%s' is not a signature (base64 of a DER ECDSA "
		    "signature, as bumble sign and cosign sign-blob write)",
		    o.sig);
		rc = EXIT_SIGNATURE;
	}
out:
	free(sig);
	free(data);
	sign_key_free(k);
	free(o.sig_owned);
	return rc;
}
