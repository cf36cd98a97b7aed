/* The options common to build, gen, bundle and inspect (-o, -I, -D,
 * --cflags, --name, --version, ...), and the names and output path they
 * give. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "enum_names.h"

enum {
	OPT_NAME = 256,
	OPT_VERSION,
	OPT_DESCRIPTION,
	OPT_CFLAGS,
	OPT_RUNNER,
	OPT_EVENT,
	OPT_OCI,
	OPT_BTF_DIR,
	OPT_SIGN_KEY,
	OPT_RELINK_KIT,
	OPT_ARCH,
	OPT_ROLE,
	OPT_MAP_SIZE,
	OPT_SET,
	OPT_FORMAT,
	OPT_ATTACH,
	OPT_PERF_EVENT,
};

static const struct option long_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"cflags", required_argument, NULL, OPT_CFLAGS},
    {"name", required_argument, NULL, OPT_NAME},
    {"version", required_argument, NULL, OPT_VERSION},
    {"description", required_argument, NULL, OPT_DESCRIPTION},
    {"runner", required_argument, NULL, OPT_RUNNER},
    {"event", required_argument, NULL, OPT_EVENT},
    {"role", required_argument, NULL, OPT_ROLE},
    {"map-size", required_argument, NULL, OPT_MAP_SIZE},
    {"set", required_argument, NULL, OPT_SET},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"attach", required_argument, NULL, OPT_ATTACH},
    {"perf-event", required_argument, NULL, OPT_PERF_EVENT},
    {"oci", required_argument, NULL, OPT_OCI},
    {"btf-dir", required_argument, NULL, OPT_BTF_DIR},
    {"sign-key", required_argument, NULL, OPT_SIGN_KEY},
    {"relink-kit", required_argument, NULL, OPT_RELINK_KIT},
    {"arch", required_argument, NULL, OPT_ARCH},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void add_cflag(struct input_opts *o, const char *flag)
{
	const char **grown =
	    realloc(o->cflags, (o->cflag_count + 1) * sizeof(*o->cflags));

	if (!grown) {
		err("out of memory");
		exit(EXIT_FAIL);
	}
	o->cflags = grown;
	o->cflags[o->cflag_count++] = strdup(flag);
}

static void add_joined(struct input_opts *o, const char *opt, const char *arg)
{
	char *flag;

	if (asprintf(&flag, "%s%s", opt, arg) < 0) {
		err("out of memory");
		exit(EXIT_FAIL);
	}
	add_cflag(o, flag);
	free(flag);
}

/* --cflags "A B": split on white space, no shell quoting. */
static void add_split(struct input_opts *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL;

	for (char *tok = strtok_r(copy, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save))
		add_cflag(o, tok);
	free(copy);
}

/* NAME=VALUE into a list of pairs; -1 without '=' or NAME. */
static int add_pair(struct gen_event_override **list, size_t *count,
		    const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gen_event_override *grown;

	if (!eq || eq == arg)
		return -1;
	grown = realloc(*list, (*count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	*list = grown;
	grown[*count].map = strndup(arg, (size_t)(eq - arg));
	grown[*count].type = strdup(eq + 1);
	(*count)++;
	return 0;
}

/* --event MAP=STRUCT (also MAP=struct STRUCT) */
static int add_event(struct input_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '='), *type = eq ? eq + 1 : NULL;

	if (type && !strncmp(type, "struct ", 7))
		type += 7;
	if (!type || !*type || add_pair(&o->events, &o->event_count, arg)) {
		err("--event takes MAP=STRUCT, as in --event events=event, not "
		    "'%s'",
		    arg);
		return -1;
	}
	/* the type without "struct " */
	memmove((char *)o->events[o->event_count - 1].type,
		o->events[o->event_count - 1].type + (type - eq - 1),
		strlen(type) + 1);
	return 0;
}

/* --role MAP=print|counter|gauge|hist|none */
static int add_role(struct input_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gen_role_hint *grown;
	enum bumble_role role;

	role = eq ? role_by_word(eq + 1, strlen(eq + 1)) : BUMBLE_ROLE_NONE;
	if (!eq || eq == arg ||
	    (role == BUMBLE_ROLE_NONE && strcmp(eq + 1, "none"))) {
		err("--role takes MAP=ROLE, ROLE one of print, counter, gauge, "
		    "hist or none, as in --role hists=hist, not '%s'",
		    arg);
		return -1;
	}
	grown = realloc(o->roles, (o->role_count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	o->roles = grown;
	o->roles[o->role_count].map = strndup(arg, (size_t)(eq - arg));
	o->roles[o->role_count].role = role;
	o->roles[o->role_count].from_option = 1;
	o->role_count++;
	return 0;
}

/* --format FIELD=NAME, NAME a format of bumble/runtime.h */
static int add_format(struct input_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gen_format_hint *grown;
	enum bumble_format format;

	if (!eq || eq == arg || format_by_name(eq + 1, &format)) {
		err("--format takes FIELD=NAME or MAP.FIELD=NAME, as in "
		    "--format data.key=syscall_nr, not '%s'; NAME is one of:",
		    arg);
		for (unsigned int f = 0; f < BUMBLE_FORMAT_COUNT; f++)
			fprintf(stderr, "%s%s", f ? ", " : "  ",
				format_name((enum bumble_format)f));
		fputc('\n', stderr);
		return -1;
	}
	grown = realloc(o->formats, (o->format_count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	o->formats = grown;
	memset(&grown[o->format_count], 0, sizeof(*grown));
	grown[o->format_count].field = strndup(arg, (size_t)(eq - arg));
	grown[o->format_count].format = format;
	o->format_count++;
	return 0;
}

/* --map-size MAP=N, N from 1 to 2^31 - 1 */
static int add_map_size(struct input_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct gen_map_size *grown;
	unsigned long n = 0;
	char *end = NULL;

	if (eq && eq[1] >= '0' && eq[1] <= '9')
		n = strtoul(eq + 1, &end, 10);
	if (!eq || eq == arg || !end || *end || !n || n > 0x7fffffffUL) {
		err("--map-size takes MAP=N, N a number of entries from 1 to "
		    "2147483647, as in --map-size stackmap=16384, not '%s'",
		    arg);
		return -1;
	}
	grown = realloc(o->map_sizes, (o->map_size_count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	o->map_sizes = grown;
	o->map_sizes[o->map_size_count].map = strndup(arg, (size_t)(eq - arg));
	o->map_sizes[o->map_size_count].entries = (unsigned int)n;
	o->map_size_count++;
	return 0;
}

/* --arch LIST; one arch unless the command takes several */
static int parse_arches(struct input_opts *o, const char *arg, int takes)
{
	int n = arch_list_parse(arg, o->arches, BUMBLE_ARCH_MAX);

	if (n < 0)
		return -1;
	if (n > 1 && !(takes & TAKES_ARCHES)) {
		err("--arch: this command builds for one architecture, not "
		    "'%s'",
		    arg);
		return -1;
	}
	o->arch_count = (size_t)n;
	return 0;
}

/* No --arch: the host's, when bumble knows it. */
static int default_arch(struct input_opts *o)
{
	if (!o->arch_count) {
		o->arches[0] = arch_host();
		if (!o->arches[0]) {
			err("bumble does not build for this machine's "
			    "architecture; give --arch (known: %s)",
			    arch_names());
			return -1;
		}
		o->arch_count = 1;
	}
	o->arch = o->arches[0];
	return 0;
}

static int refuse(const char *cmd, const char *opt)
{
	err("'bumble %s' takes no %s option; see 'bumble %s --help'", cmd, opt,
	    cmd);
	return EXIT_USAGE;
}

int input_opts_parse(int argc, char **argv, const char *cmd, int takes,
		     const char *usage, struct input_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:I:D:vh", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 'o':
			if (!(takes & TAKES_OUTPUT))
				return refuse(cmd, "-o");
			o->output = optarg;
			break;
		case 'I':
		case 'D':
			if (!(takes & TAKES_CFLAGS))
				return refuse(cmd, c == 'I' ? "-I" : "-D");
			/* "-I" alone would take clang's next argument */
			if (!*optarg) {
				err("-%c needs a %s, not an empty string", c,
				    c == 'I' ? "directory" : "NAME[=VALUE]");
				return EXIT_USAGE;
			}
			add_joined(o, c == 'I' ? "-I" : "-D", optarg);
			break;
		case OPT_CFLAGS:
			if (!(takes & TAKES_CFLAGS))
				return refuse(cmd, "--cflags");
			add_split(o, optarg);
			break;
		case OPT_NAME:
		case OPT_VERSION:
		case OPT_DESCRIPTION:
			if (!(takes & TAKES_META))
				return refuse(cmd, argv[optind - 1]);
			if (c == OPT_NAME)
				o->name = optarg;
			else if (c == OPT_VERSION)
				o->version = optarg;
			else
				o->description = optarg;
			break;
		case OPT_RUNNER:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--runner");
			o->runner = optarg;
			break;
		case OPT_BTF_DIR:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--btf-dir");
			o->btf_dir = optarg;
			break;
		case OPT_OCI:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--oci");
			o->oci_dir = optarg;
			break;
		case OPT_SIGN_KEY:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--sign-key");
			o->sign_key = optarg;
			break;
		case OPT_RELINK_KIT:
			if (!(takes & TAKES_RUNNER))
				return refuse(cmd, "--relink-kit");
			o->relink_kit = optarg;
			break;
		case OPT_ARCH:
			if (!(takes & (TAKES_ARCH | TAKES_ARCHES)))
				return refuse(cmd, "--arch");
			if (parse_arches(o, optarg, takes))
				return EXIT_USAGE;
			break;
		case OPT_EVENT:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--event");
			if (add_event(o, optarg))
				return EXIT_USAGE;
			break;
		case OPT_SET:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--set");
			if (add_pair(&o->sets, &o->set_count, optarg)) {
				err("--set takes NAME=VALUE, as in --set "
				    "targ_pid=42, not '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_MAP_SIZE:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--map-size");
			if (add_map_size(o, optarg))
				return EXIT_USAGE;
			break;
		case OPT_ATTACH:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--attach");
			if (add_pair(&o->attaches, &o->attach_count, optarg) ||
			    !strchr(optarg, '=')[1]) {
				err("--attach takes PROG=FUNCTION or "
				    "PROG=BINARY:FUNCTION, as in --attach "
				    "probe=/bin/bash:readline, not '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_PERF_EVENT:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--perf-event");
			if (add_pair(&o->perf_events, &o->perf_event_count,
				     optarg) ||
			    !strchr(optarg, '=')[1]) {
				err("--perf-event takes PROG=EVENT, as in "
				    "--perf-event do_sample=cycles, not '%s'",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_FORMAT:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--format");
			if (add_format(o, optarg))
				return EXIT_USAGE;
			break;
		case OPT_ROLE:
			if (!(takes & TAKES_EVENT))
				return refuse(cmd, "--role");
			if (add_role(o, optarg))
				return EXIT_USAGE;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble %s --help'",
			    argv[optind - 1], cmd);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble %s --help'",
			    argv[optind - 1], cmd);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		err("no input: give a BPF C source (.bpf.c) or object "
		    "(.bpf.o); see 'bumble %s --help'",
		    cmd);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		err("one input at a time; unexpected '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	o->input = argv[optind];
	if (o->name && !*o->name) {
		err("--name must not be empty");
		return EXIT_USAGE;
	}
	if ((o->name && check_tool_name(o->name, "--name")) ||
	    (o->version && check_tool_version(o->version, "--version")) ||
	    default_arch(o))
		return EXIT_USAGE;
	return -1; /* parsed: go on */
}

/* A list of NAME=VALUE pairs (add_pair), freed and emptied. */
static void free_pairs(struct gen_event_override **list, size_t *count)
{
	for (size_t i = 0; i < *count; i++) {
		free((char *)(*list)[i].map);
		free((char *)(*list)[i].type);
	}
	free(*list);
	*list = NULL;
	*count = 0;
}

void input_opts_drop_alu32(struct input_opts *o)
{
	free(o->alu32_obj);
	o->alu32_obj = NULL;
	o->alu32_size = 0;
}

void input_opts_free(struct input_opts *o)
{
	for (size_t i = 0; i < o->cflag_count; i++)
		free((char *)o->cflags[i]);
	free(o->cflags);
	o->cflags = NULL;
	o->cflag_count = 0;
	free_pairs(&o->events, &o->event_count);
	free(o->clang_version);
	o->clang_version = NULL;
	input_opts_drop_alu32(o);
	for (size_t i = 0; i < o->role_count; i++)
		free((char *)o->roles[i].map);
	free(o->roles);
	o->roles = NULL;
	o->role_count = 0;
	for (size_t i = 0; i < o->map_size_count; i++)
		free((char *)o->map_sizes[i].map);
	free(o->map_sizes);
	o->map_sizes = NULL;
	o->map_size_count = 0;
	free_pairs(&o->sets, &o->set_count);
	free_pairs(&o->perf_events, &o->perf_event_count);
	free_pairs(&o->attaches, &o->attach_count);
	for (size_t i = 0; i < o->format_count; i++)
		free((char *)o->formats[i].field);
	free(o->formats);
	o->formats = NULL;
	o->format_count = 0;
}

char *output_path(const struct input_opts *o, const char *fmt)
{
	char *out = NULL, *name;

	if (o->output) {
		out = strdup(o->output);
	} else {
		name = o->name ? strdup(o->name) : name_from_path(o->input);
		if (!name || asprintf(&out, fmt, name) < 0)
			out = NULL;
		free(name);
	}
	if (out && check_output(
		       out, (const char *const[]){o->input, o->runner, NULL})) {
		free(out);
		out = NULL;
	}
	return out;
}

char *name_from_path(const char *path)
{
	static const char *suffixes[] = {".bpf.c", ".bpf.o", ".c", ".o"};
	const char *base = strrchr(path, '/');
	char *name;

	base = base ? base + 1 : path;
	name = strdup(base);
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t n = strlen(name), s = strlen(suffixes[i]);

		if (n > s && !strcmp(name + n - s, suffixes[i])) {
			name[n - s] = '\0';
			break;
		}
	}
	return name;
}

const char *source_name(const char *input)
{
	const char *slash = strrchr(input, '/');

	return slash ? slash + 1 : input;
}
