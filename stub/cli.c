/* Command line of a produced tool: options, --help, --version, --list. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stub.h"

enum {
	OPT_JSON = 256,
	OPT_DURATION,
	OPT_COUNT,
	OPT_BTF,
	OPT_LIST,
	OPT_VERBOSE,
	OPT_VERSION,
	OPT_HELP,
};

static const struct option long_options[] = {
    {"json", no_argument, NULL, OPT_JSON},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"count", required_argument, NULL, OPT_COUNT},
    {"btf", required_argument, NULL, OPT_BTF},
    {"list", no_argument, NULL, OPT_LIST},
    {"verbose", no_argument, NULL, OPT_VERBOSE},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static void print_help(const struct bumble_tool *t)
{
	printf("%s %s%s%s\n\n", t->name, t->version,
	       t->description && *t->description ? " - " : "",
	       t->description ? t->description : "");
	printf("Usage: %s [OPTIONS]\n\n"
	       "Options:\n"
	       "  --json            print one JSON object per event\n"
	       "  --duration SECS   stop after SECS seconds\n"
	       "  --count N         stop after N events\n"
	       "  --btf FILE        kernel BTF to use where "
	       "/sys/kernel/btf/vmlinux is missing\n"
	       "  --list            show programs and maps, then exit\n"
	       "  --verbose         show libbpf's messages\n"
	       "  --version         show versions, then exit\n"
	       "  --help            show this help, then exit\n\n"
	       "Needs root, or CAP_BPF and CAP_PERFMON. Stops on Ctrl-C or "
	       "SIGTERM.\n",
	       t->name);
}

void cli_list(const struct bumble_tool *t)
{
	static const char *roles[] = {"-", "print", "counter", "gauge", "hist"};

	printf("programs:\n");
	for (unsigned int i = 0; i < t->program_count; i++)
		printf("  %-24s %s\n", t->programs[i].name,
		       t->programs[i].section);
	printf("maps:\n");
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *m = &t->maps[i];

		printf("  %-24s %-8s %s%s\n", m->name,
		       m->role < 5 ? roles[m->role] : "?",
		       m->event ? "struct " : "",
		       m->event ? m->event->name : "");
	}
}

static int parse_seconds(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v <= 0)
		return -1;
	*out = v;
	return 0;
}

static int parse_count(const char *arg, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*arg == '-' || *arg == '+')
		return -1;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || v == 0)
		return -1;
	*out = v;
	return 0;
}

static enum cli_result usage_error(const struct bumble_tool *t, const char *fmt,
				   const char *arg)
{
	fprintf(stderr, "%s: ", t->name);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", t->name);
	return CLI_USAGE;
}

enum cli_result cli_parse(int argc, char **argv, const struct bumble_tool *t,
			  struct run_opts *opts)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			opts->json = 1;
			break;
		case OPT_DURATION:
			if (parse_seconds(optarg, &opts->duration))
				return usage_error(
				    t,
				    "--duration takes a number "
				    "of seconds above 0, not '%s'",
				    optarg);
			break;
		case OPT_COUNT:
			if (parse_count(optarg, &opts->count))
				return usage_error(t,
						   "--count takes a whole "
						   "number above 0, not '%s'",
						   optarg);
			break;
		case OPT_BTF:
			opts->btf_path = optarg;
			break;
		case OPT_LIST:
			opts->list = 1;
			break;
		case OPT_VERBOSE:
			opts->verbose = 1;
			break;
		case OPT_VERSION:
			printf("%s %s (bundled by bumble %s)\n", t->name,
			       t->version, t->bumble_version);
			return CLI_DONE;
		case OPT_HELP:
			print_help(t);
			return CLI_DONE;
		case ':':
			return usage_error(t, "%s needs a value",
					   argv[optind - 1]);
		default:
			if (optopt)
				return usage_error(t, "%s takes no value",
						   argv[optind - 1]);
			return usage_error(t, "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(t, "unexpected argument '%s'", argv[optind]);
	return CLI_RUN;
}
