/* Command line of a produced tool: options, --help, --version, --list. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enum_names.h"
#include "metrics.h"
#include "prog_kinds.h"
#include "stub.h"
#include "tool_options.h"

/* getopt's value of tool option i is OPT_FIXED + i; of parameter i,
 * OPT_PARAM + i. */
enum {
	OPT_FIXED = 256,
	OPT_PARAM = OPT_FIXED + TOOL_OPTION_COUNT
};

static void print_params(const struct bumble_tool *t)
{
	if (!t->param_count)
		return;
	printf("\nParameters (set in the programs before they load):\n");
	for (unsigned int i = 0; i < t->param_count; i++) {
		const struct bumble_param *p = &t->params[i];
		int n = printf(p->kind == BUMBLE_KIND_BOOL ? "  --%s[=%s]"
							   : "  --%s %s",
			       p->name, param_metavar(p));

		printf("%*s%s%s(default %s)\n", n < 28 ? 28 - n : 1, "",
		       p->help && *p->help ? p->help : "",
		       p->help && *p->help ? " " : "",
		       *p->default_text ? p->default_text : "empty");
		if (p->kind == BUMBLE_KIND_ENUM) {
			printf("%28s", "one of:");
			for (unsigned int j = 0; j < p->enum_count; j++)
				printf(" %s", p->enum_values[j].name);
			printf("\n");
		}
	}
}

/* The version, and the digest of the embedded manifest when it checks
 * out (its absence is said by embedded_load). */
static void print_version(const struct bumble_tool *t)
{
	struct embedded e;

	printf("%s %s (bundled by bumble %s)\n", t->name, t->version,
	       t->bumble_version);
	if (bumble_bundle.arch)
		printf("arch %s\n", bumble_bundle.arch);
	if (!embedded_load(t, &e))
		printf("manifest %s\n", e.view.manifest_digest);
	embedded_free(&e);
}

/* "  --NAME ARG" in 22 columns, then the help, a line at a time. */
static void print_option(const struct tool_option *o)
{
	const char *line = o->help, *end;
	int n = printf("  --%s%s%s", o->name, o->arg ? " " : "",
		       o->arg ? o->arg : "");

	do {
		end = strchr(line, '\n');
		printf("%*s%.*s\n", n < 22 ? 22 - n : 1, "",
		       (int)(end ? end - line : (long)strlen(line)), line);
		n = 0;
		line = end + 1;
	} while (end);
}

static void print_help(const struct bumble_tool *t)
{
	printf("%s %s%s%s\n\n", t->name, t->version,
	       t->description && *t->description ? " - " : "",
	       t->description ? t->description : "");
	printf("Usage: %s [OPTIONS]%s\n\nOptions:\n", t->name,
	       t->param_count ? " [--PARAMETER VALUE ...]" : "");
	for (unsigned int i = 0; i < TOOL_OPTION_COUNT; i++)
		print_option(&tool_options[i]);
	print_params(t);
	printf("\nNeeds root, or CAP_BPF and CAP_PERFMON (and "
	       "CAP_DAC_READ_SEARCH for\ntracepoints). Stops on Ctrl-C or "
	       "SIGTERM.\n");
}

void cli_list(const struct bumble_tool *t)
{
	printf("programs:\n");
	for (unsigned int i = 0; i < t->program_count; i++)
		printf("  %-24s %s\n", t->programs[i].name,
		       t->programs[i].section);
	printf("maps:\n");
	for (unsigned int i = 0; i < t->map_count; i++) {
		const struct bumble_map *m = &t->maps[i];

		printf("  %-24s %-8s %s%s\n", m->name,
		       m->role == BUMBLE_ROLE_NONE ? "-" : role_name(m->role),
		       m->event ? "struct " : "",
		       m->event ? m->event->name : "");
	}
	if (t->param_count)
		printf("parameters:\n");
	for (unsigned int i = 0; i < t->param_count; i++)
		printf("  --%-22s %s (default %s)\n", t->params[i].name,
		       param_metavar(&t->params[i]),
		       *t->params[i].default_text ? t->params[i].default_text
						  : "empty");
}

/* Seconds from 1 ms (a shorter wait rounds to none: a busy loop) to
 * about 31 years (beyond, milliseconds overflow). */
#define SECONDS_MIN 0.001
#define SECONDS_MAX 1e9

static int parse_seconds(const char *arg, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < SECONDS_MIN ||
	    v > SECONDS_MAX)
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
	diag_usage(fmt, arg);
	fprintf(stderr, "Try '%s --help'.\n", t->name);
	return CLI_USAGE;
}

/* getopt's table: the fixed options, then each parameter by its own
 * name and, where it has underscores, with dashes (--targ-pid). */
static struct option *build_options(const struct bumble_tool *t, char ***dashed)
{
	size_t n = TOOL_OPTION_COUNT + 2 * (size_t)t->param_count + 1, k;
	struct option *o = calloc(n, sizeof(*o));

	*dashed = calloc(t->param_count + 1, sizeof(**dashed));
	if (!o || !*dashed) {
		free(o);
		free(*dashed);
		return NULL;
	}
	for (k = 0; k < TOOL_OPTION_COUNT; k++)
		o[k] = (struct option){tool_options[k].name,
				       tool_options[k].arg ? required_argument
							   : no_argument,
				       NULL, OPT_FIXED + (int)k};
	for (unsigned int i = 0; i < t->param_count; i++) {
		const char *name = t->params[i].name;
		/* a bool may stand alone: --failed, --failed=false */
		int has_arg = t->params[i].kind == BUMBLE_KIND_BOOL
				  ? optional_argument
				  : required_argument;

		o[k++] =
		    (struct option){name, has_arg, NULL, OPT_PARAM + (int)i};
		if (strchr(name, '_')) {
			char *d = strdup(name);

			for (char *c = d; c && *c; c++)
				if (*c == '_')
					*c = '-';
			(*dashed)[i] = d;
			if (d)
				o[k++] = (struct option){d, has_arg, NULL,
							 OPT_PARAM + (int)i};
		}
	}
	return o;
}

static void free_options(const struct bumble_tool *t, struct option *o,
			 char **dashed)
{
	for (unsigned int i = 0; dashed && i < t->param_count; i++)
		free(dashed[i]);
	free(dashed);
	free(o);
}

static int is_bool_word(const char *s)
{
	static const char *const words[] = {"true", "false", "yes", "no",
					    "on",   "off",   "1",   "0"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return 1;
	return 0;
}

static int parse_param(const struct bumble_tool *t, struct run_opts *opts,
		       unsigned int i, const char *arg, int argc, char **argv)
{
	const struct bumble_param *p = &t->params[i];

	if (!arg) { /* a bool alone, or followed by its value */
		arg = "true";
		if (optind < argc && is_bool_word(argv[optind]))
			arg = argv[optind++];
	}
	if (!opts->param_values) {
		opts->param_values =
		    calloc(t->param_count, sizeof(*opts->param_values));
		if (!opts->param_values)
			return -1;
	}
	free(opts->param_values[i]);
	opts->param_values[i] = calloc(p->count, p->size);
	if (!opts->param_values[i])
		return -1;
	return param_parse(p, arg, opts->param_values[i]);
}

/* One more of a repeatable option's values. */
static int add_arg(const char ***list, unsigned int *count, const char *arg)
{
	const char **grown = realloc(*list, (*count + 1) * sizeof(*grown));

	if (!grown)
		return -1;
	*list = grown;
	(*list)[(*count)++] = arg;
	return 0;
}

static enum cli_result parse_one(const struct bumble_tool *t,
				 struct run_opts *opts, int c, int argc,
				 char **argv)
{
	if (c == ':')
		return usage_error(t, "%s needs a value", argv[optind - 1]);
	if (c == '?' && optopt)
		return usage_error(t, "%s takes no value", argv[optind - 1]);
	if (c == '?')
		return usage_error(t, "unknown option '%s'", argv[optind - 1]);
	if (c >= OPT_PARAM)
		return c < OPT_PARAM + (int)t->param_count &&
			       parse_param(t, opts,
					   (unsigned int)(c - OPT_PARAM),
					   optarg, argc, argv)
			   ? CLI_USAGE
			   : CLI_RUN;
	switch ((enum tool_opt)(c - OPT_FIXED)) {
	case TOOL_OPT_JSON:
		opts->json = 1;
		break;
	case TOOL_OPT_TIMESTAMP:
		opts->timestamp = 1;
		break;
	case TOOL_OPT_DURATION:
		if (parse_seconds(optarg, &opts->duration))
			return usage_error(t,
					   "--duration takes a number of "
					   "seconds from 0.001 to 1e9, not "
					   "'%s'",
					   optarg);
		break;
	case TOOL_OPT_INTERVAL:
		if (parse_seconds(optarg, &opts->interval))
			return usage_error(t,
					   "--interval takes a number of "
					   "seconds from 0.001 to 1e9, not "
					   "'%s'",
					   optarg);
		break;
	case TOOL_OPT_TOP: {
		unsigned long long top = 0;

		if (strcmp(optarg, "0") &&
		    (parse_count(optarg, &top) || top > 1000000000))
			return usage_error(t,
					   "--top takes a number of entries "
					   "from 0 (all) to 1e9, not '%s'",
					   optarg);
		opts->top = (long long)top;
		break;
	}
	case TOOL_OPT_COUNT:
		if (parse_count(optarg, &opts->count))
			return usage_error(t,
					   "--count takes a whole number "
					   "above 0, not '%s'",
					   optarg);
		break;
	case TOOL_OPT_FREQ:
		if (parse_count(optarg, &opts->freq) || opts->freq > 100000)
			return usage_error(t,
					   "--freq takes a sampling rate "
					   "from 1 to 100000 Hz, not '%s'",
					   optarg);
		break;
	case TOOL_OPT_FILTER:
		if (!strpbrk(optarg, "=~") || strchr("=~", optarg[0]))
			return usage_error(t,
					   "--filter takes FIELD=VALUE or "
					   "FIELD~REGEX, not '%s'",
					   optarg);
		if (add_arg(&opts->filters, &opts->filter_count, optarg))
			return usage_error(t, "out of memory%s", "");
		break;
	case TOOL_OPT_METRICS: {
		struct sockaddr_in addr;

		if (metrics_parse_addr(optarg, &addr))
			return usage_error(t,
					   "--metrics takes [ADDR:]PORT, an "
					   "IPv4 address and a port up to "
					   "65535, not '%s'",
					   optarg);
		opts->metrics = optarg;
		break;
	}
	case TOOL_OPT_HIST_FIELD:
	case TOOL_OPT_HIST_BUCKETS: {
		int field = c - OPT_FIXED == TOOL_OPT_HIST_FIELD;

		if (!strchr(optarg, '=') || optarg[0] == '=')
			return usage_error(t,
					   field ? "--hist-field takes "
						   "MAP=FIELD, not '%s'"
						 : "--hist-buckets takes "
						   "MAP=B1,B2,..., not '%s'",
					   optarg);
		if (field ? add_arg(&opts->hist_fields, &opts->hist_field_count,
				    optarg)
			  : add_arg(&opts->hist_buckets,
				    &opts->hist_bucket_count, optarg))
			return usage_error(t, "out of memory%s", "");
		break;
	}
	case TOOL_OPT_ATTACH:
		if (!strchr(optarg, '=') || optarg[0] == '=' ||
		    !strchr(optarg, '=')[1])
			return usage_error(t,
					   "--attach takes PROG=FUNCTION or "
					   "PROG=BINARY:FUNCTION, not '%s'",
					   optarg);
		if (add_arg(&opts->attaches, &opts->attach_count, optarg))
			return usage_error(t, "out of memory%s", "");
		break;
	case TOOL_OPT_PERF_EVENT: {
		const char *eq = strchr(optarg, '=');
		unsigned int type;
		unsigned long long config;
		char msg[768];

		if (!eq || eq == optarg ||
		    perf_event_by_name(eq + 1, &type, &config)) {
			snprintf(msg, sizeof(msg),
				 "--perf-event takes PROG=EVENT, EVENT one of: "
				 "%s; not '%s'",
				 perf_event_names(), optarg);
			return usage_error(t, "%s", msg);
		}
		if (add_arg(&opts->perf_events, &opts->perf_event_count,
			    optarg))
			return usage_error(t, "out of memory%s", "");
		break;
	}
	case TOOL_OPT_FOLDED:
		opts->folded = 1;
		break;
	case TOOL_OPT_IFACE:
		opts->iface = optarg;
		break;
	case TOOL_OPT_CGROUP:
		opts->cgroup = optarg;
		break;
	case TOOL_OPT_BTF:
		opts->btf_path = optarg;
		break;
	case TOOL_OPT_LIST:
		opts->list = 1;
		break;
	case TOOL_OPT_MANIFEST:
		opts->manifest = 1;
		break;
	case TOOL_OPT_VERIFY:
		opts->verify = 1;
		break;
	case TOOL_OPT_SBOM:
		opts->print_gz = "sbom.cdx.json.gz";
		break;
	case TOOL_OPT_LICENSES:
		opts->print_gz = "licenses.txt.gz";
		break;
	case TOOL_OPT_EXTRACT:
		opts->extract = optarg;
		break;
	case TOOL_OPT_FORCE:
		opts->force = 1;
		break;
	case TOOL_OPT_VERBOSE:
		opts->verbose = 1;
		break;
	case TOOL_OPT_VERSION:
		print_version(t);
		return CLI_DONE;
	case TOOL_OPT_HELP:
		print_help(t);
		return CLI_DONE;
	case TOOL_OPTION_COUNT:
		break;
	}
	return CLI_RUN;
}

/* --folded: with no --json, and for a tool with a map keyed by stacks */
static enum cli_result check_folded(const struct bumble_tool *t,
				    const struct run_opts *opts)
{
	if (opts->json)
		return usage_error(t, "--folded and --json: choose one%s", "");
	for (unsigned int i = 0; i < t->map_count; i++)
		if (snapshot_folds(&t->maps[i]))
			return CLI_RUN;
	return usage_error(t,
			   "--folded: no map of this tool is keyed by a stack "
			   "(a stack_id member; docs/conventions.md)%s",
			   "");
}

enum cli_result cli_parse(int argc, char **argv, const struct bumble_tool *t,
			  struct run_opts *opts)
{
	enum cli_result rc = CLI_RUN;
	struct option *options;
	char **dashed;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->freq = 49;
	opts->top = -1;
	options = build_options(t, &dashed);
	if (!options) {
		diag_err("out of memory");
		return CLI_USAGE;
	}
	opterr = 0;
	optind = 1;
	while (rc == CLI_RUN &&
	       (c = getopt_long(argc, argv, ":", options, NULL)) != -1)
		rc = parse_one(t, opts, c, argc, argv);
	if (rc == CLI_RUN && optind < argc)
		rc = usage_error(t, "unexpected argument '%s'", argv[optind]);
	if (rc == CLI_RUN && opts->folded)
		rc = check_folded(t, opts);
	free_options(t, options, dashed);
	return rc;
}

void cli_free(const struct bumble_tool *t, struct run_opts *opts)
{
	for (unsigned int i = 0; opts->param_values && i < t->param_count; i++)
		free(opts->param_values[i]);
	free(opts->param_values);
	free(opts->filters);
	free(opts->hist_fields);
	free(opts->hist_buckets);
	free(opts->attaches);
	opts->attaches = NULL;
	free(opts->perf_events);
	opts->perf_events = NULL;
	opts->param_values = NULL;
	opts->filters = NULL;
	opts->hist_fields = NULL;
	opts->hist_buckets = NULL;
}
