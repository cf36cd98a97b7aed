/* bumble pull: an image from a registry back into the tool that was
 * pushed, byte for byte, verified before it is written (pull_image.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pull.h"

static const char usage[] =
    "Usage: bumble pull HOST[:PORT]/REPO[:TAG|@DIGEST] [-o TOOL]\n"
    "                   [--arch ARCH]\n"
    "                   [--ca-file FILE | --insecure | --plain-http]\n\n"
    "Fetches an image pushed by 'bumble push' (or copied by skopeo) and\n"
    "writes the tool it holds, byte-identical to the one pushed: every\n"
    "blob is checked against its digest and size, then the tool's payload\n"
    "and the tool's own --verify, before TOOL is written (atomically;\n"
    "nothing is written on a failure). Without -o the tool goes to the\n"
    "current directory under its own name. An image index is resolved to\n"
    "this host's architecture, or --arch (amd64, arm64). A BumbleBee image\n"
    "is bundled into a tool here. TLS options as for 'bumble push'.\n";

enum {
	OPT_ARCH = 400
};

int cmd_pull(int argc, char **argv)
{
	static const struct option options[] = {
	    REG_LONG_OPTIONS,
	    {"arch", required_argument, NULL, OPT_ARCH},
	    {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts o = {0};
	const char *out = NULL, *arch = NULL;
	struct pulled_tool t;
	struct reg_ref ref;
	int c, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		if (reg_opts_take(&o, c, optarg))
			continue;
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case OPT_ARCH:
			arch = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble pull --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble pull --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		err("give one image to pull: bumble pull HOST/REPO:TAG");
		return EXIT_USAGE;
	}
	if (reg_ref_parse(argv[optind], &ref))
		return EXIT_USAGE;
	rc = pull_tool(&ref, &o, arch, &t);
	if (!rc)
		rc = pulled_tool_write(&t, out ? out : t.name);
	if (!rc)
		fprintf(stderr, "bumble: pulled %s/%s@%s as %s\n", ref.host,
			ref.repo, t.digest, out ? out : t.name);
	pulled_tool_free(&t);
	reg_ref_free(&ref);
	return rc;
}
