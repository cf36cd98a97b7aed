/* The CycloneDX SBOM of bumble itself, for make dist: generator/sbom.c's
 * writer over the table of what bumble links (release-data.sh's
 * cli-components.tsv). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sbom.h"

#define COMPONENTS_MAX 16
#define TOOLS_MAX      4

static const char usage[] =
    "usage: dist_sbom --table TSV --version V --sha256 HEX [--name N]\n"
    "                 [--description D] [--tool NAME=VERSION]... "
    "[--created TIME]\n"
    "Prints the SBOM of the file whose SHA-256 is HEX: it links each\n"
    "component of TSV (release-data.sh's cli-components.tsv).\n";

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (getdelim(&text, &n, 0, f) < 0) {
		free(text);
		text = NULL;
	}
	fclose(f);
	return text;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"table", required_argument, NULL, 't'},
	    {"name", required_argument, NULL, 'n'},
	    {"version", required_argument, NULL, 'v'},
	    {"sha256", required_argument, NULL, 's'},
	    {"description", required_argument, NULL, 'd'},
	    {"tool", required_argument, NULL, 'T'},
	    {"created", required_argument, NULL, 'c'},
	    {NULL, 0, NULL, 0},
	};
	struct sbom_component comps[COMPONENTS_MAX];
	struct sbom_tool tools[TOOLS_MAX];
	struct sbom_input in = {
	    .subject = {.bom_ref = "bumble", .name = "bumble"},
	    .components = comps,
	    .tools = tools,
	};
	const char *table = NULL;
	char *text, *sbom, *eq;
	size_t len;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 't':
			table = optarg;
			break;
		case 'n':
			in.subject.name = optarg;
			break;
		case 'v':
			in.subject.version = optarg;
			break;
		case 's':
			in.subject.sha256 = optarg;
			break;
		case 'd':
			in.subject.description = optarg;
			break;
		case 'T':
			eq = strchr(optarg, '=');
			if (!eq || in.tool_count == TOOLS_MAX)
				goto bad_usage;
			*eq = 0;
			tools[in.tool_count++] =
			    (struct sbom_tool){optarg, eq + 1};
			break;
		case 'c':
			in.created = optarg;
			break;
		default:
			goto bad_usage;
		}
	}
	if (optind != argc || !table || !in.subject.version ||
	    !in.subject.sha256)
		goto bad_usage;
	text = read_text(table);
	if (!text || gen_sbom_parse_components(text, comps, COMPONENTS_MAX,
					       &in.component_count)) {
		fprintf(stderr, "dist_sbom: %s: missing or damaged\n", table);
		return 1;
	}
	sbom = gen_sbom(&in, &len);
	if (!sbom || fwrite(sbom, 1, len, stdout) != len || fflush(stdout)) {
		fprintf(stderr, "dist_sbom: cannot write the SBOM\n");
		return 1;
	}
	free(sbom);
	free(text);
	return 0;
bad_usage:
	fputs(usage, stderr);
	return 2;
}
