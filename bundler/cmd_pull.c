/* bumble pull: an image from a registry back into the tool that was
 * pushed, byte for byte, verified before it is written (pull_image.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_attach.h"
#include "local_store.h"

static const char usage[] =
    "Usage: bumble pull HOST[:PORT]/REPO[:TAG|@DIGEST] [-o TOOL]\n"
    "                   [--arch ARCH] [--verify-key PUB.pem]\n"
    "                   [--ca-file FILE | --insecure | --plain-http]\n\n"
    "Fetches an image pushed by 'bumble push' (or copied by skopeo) into\n"
    "the local store ('bumble images'), and with -o writes the tool it\n"
    "holds, byte-identical to the one pushed. Every blob is checked\n"
    "against its digest and size, then the tool's payload, and for -o the\n"
    "tool's own --verify, before anything is written (TOOL atomically;\n"
    "nothing on a failure). An image index is resolved to this host's\n"
    "architecture, or --arch (amd64 or x86_64, arm64 or aarch64), which\n"
    "an image of one platform must be for too. A\n"
    "BumbleBee image is bundled into a tool here. TLS options as for\n"
    "'bumble push'. --verify-key PUB refuses (exit 7) an image without a\n"
    "cosign signature (tag sha256-HEX.sig) that the EC P-256 public key\n"
    "PUB verifies for the image's digest, before anything is written.\n";

enum {
	OPT_ARCH = 400,
	OPT_VERIFY_KEY
};

/* The image's cosign signature, checked with key. Exit code. */
static int check_signature(const struct reg_ref *ref, const struct reg_opts *o,
			   const struct pulled_image *img, struct sign_key *key)
{
	struct registry *r = registry_open(ref->host, o);
	int rc;

	if (!r)
		return EXIT_FAIL;
	rc = verify_image_signature(r, ref->repo, img->top_digest, key);
	registry_close(r);
	if (!rc)
		fprintf(stderr, "bumble: %s/%s@%s: cosign signature OK\n",
			ref->host, ref->repo, img->top_digest);
	return rc;
}

int cmd_pull(int argc, char **argv)
{
	static const struct option options[] = {
	    REG_LONG_OPTIONS,
	    {"arch", required_argument, NULL, OPT_ARCH},
	    {"verify-key", required_argument, NULL, OPT_VERIFY_KEY},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts o = {0};
	const char *out = NULL, *arch = NULL, *key_path = NULL;
	struct sign_key *key = NULL;
	struct pulled_image img;
	struct pulled_tool t = {0};
	struct reg_ref ref;
	char *name;
	int c, rc;

	optind = 0;
	while ((c = reg_getopt(argc, argv, ":ho:", options, usage, &o, &rc)) !=
	       -1) {
		if (c == REG_OPT_DONE)
			return rc;
		if (c == 'o')
			out = optarg;
		else if (c == OPT_ARCH)
			arch = optarg;
		else if (c == OPT_VERIFY_KEY)
			key_path = optarg;
	}
	if (optind + 1 != argc) {
		err("give one image to pull: bumble pull HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	if (key_path && !(key = sign_key_public(key_path, &rc)))
		return rc;
	/* -o checked before any network */
	if (out && check_output(out, NULL)) {
		sign_key_free(key);
		return EXIT_USAGE;
	}
	if (reg_ref_parse(argv[optind], &ref)) {
		sign_key_free(key);
		return EXIT_USAGE;
	}
	name = store_name(&ref);
	rc = name ? pull_image(&ref, &o, arch, &img) : EXIT_FAIL;
	if (rc)
		goto out;
	/* signed, or nothing is written */
	rc = key ? check_signature(&ref, &o, &img, key) : EXIT_OK;
	if (!rc)
		rc = image_tool(&img, ref.repo, &t);
	if (!rc && out)
		rc = pulled_tool_write(&t, out);
	if (!rc)
		rc = store_put(name, &img);
	if (!rc)
		fprintf(stderr, "bumble: pulled %s (%s, %s)%s%s\n", name,
			t.name, img.digest, out ? " as " : "", out ? out : "");
	pulled_tool_free(&t);
	pulled_image_free(&img);
out:
	sign_key_free(key);
	free(name);
	reg_ref_free(&ref);
	return rc;
}
