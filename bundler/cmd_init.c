/* bumble init: write a starter BPF program from a built-in template
 * (tracepoint, uprobe, xdp, counter, hist) that bundles and runs as is. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundler.h"

/* The templates: whole programs in bundler/templates/NAME.bpf.c, with
 * @NAME@ (the tool's name) and @FILE@ (the source's file name) filled in
 * when written; the Makefile embeds each file as init_template_NAME.
 * tests/cli/init.sh checks that init writes the file as it is, bundles
 * each one and, as root, runs it and checks its events. */
extern const char init_template_tracepoint[];
extern const char init_template_uprobe[];
extern const char init_template_xdp[];
extern const char init_template_counter[];
extern const char init_template_hist[];

struct starter {
	const char *name;
	const char *summary;
	const char *text;
};

static const struct starter templates[] = {
    {"tracepoint", "every openat(2): pid, comm and path (a syscall tracepoint)",
     init_template_tracepoint},
    {"uprobe", "every line typed into bash (a uretprobe on readline)",
     init_template_uprobe},
    {"xdp", "packets per protocol on an interface (XDP, needs --iface)",
     init_template_xdp},
    {"counter", "execs counted per program name (a counter_ map)",
     init_template_counter},
    {"hist", "log2 histogram of read(2) latency, slow reads shown (hist_)",
     init_template_hist},
};

#define TEMPLATE_COUNT (sizeof(templates) / sizeof(templates[0]))

static void usage(FILE *out)
{
	fputs("Usage: bumble init NAME [--template T] [-o FILE] [--force]\n\n"
	      "Writes NAME.bpf.c (or FILE), a short commented BPF program to\n"
	      "start from; it bundles and runs as it is written:\n"
	      "  bumble init NAME && bumble bundle NAME.bpf.c -o NAME && "
	      "sudo ./NAME\n\n"
	      "Options:\n"
	      "  -t, --template T   the kind of program (default: tracepoint)\n"
	      "  -o, --output FILE  where to write it (a .c file)\n"
	      "  -f, --force        overwrite FILE if it exists\n\n"
	      "Templates:\n",
	      out);
	for (size_t i = 0; i < TEMPLATE_COUNT; i++)
		fprintf(out, "  %-11s %s\n", templates[i].name,
			templates[i].summary);
	fputs("\nNAME is the tool's name: a letter or '_', then letters, "
	      "digits, '_' or '-'.\n",
	      out);
}

static const struct starter *find_template(const char *name)
{
	for (size_t i = 0; i < TEMPLATE_COUNT; i++)
		if (!strcmp(name, templates[i].name))
			return &templates[i];
	return NULL;
}

/* [A-Za-z_][A-Za-z0-9_-]*: a tool name that is safe in a file name, a
 * C comment and a shell command line. */
static int valid_name(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
	      (*s >= 'a' && *s <= 'z')))
		return 0;
	for (s++; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* The template's text with every @NAME@ and @FILE@ filled in; NULL when
 * out of memory. */
static char *expand(const char *text, const char *name, const char *file)
{
	size_t cap = strlen(text) + 1, len = 0;
	char *out;

	/* each placeholder grows by at most the longer of the two values */
	for (const char *p = text; (p = strchr(p, '@')); p++)
		cap += strlen(name) + strlen(file);
	out = malloc(cap);
	if (!out)
		return NULL;
	while (*text) {
		const char *value = NULL;

		if (!strncmp(text, "@NAME@", 6))
			value = name;
		else if (!strncmp(text, "@FILE@", 6))
			value = file;
		if (value) {
			memcpy(out + len, value, strlen(value));
			len += strlen(value);
			text += 6;
		} else {
			out[len++] = *text++;
		}
	}
	out[len] = '\0';
	return out;
}

/* path as one shell word, quoted when it needs to be. */
static void print_shell_word(const char *path)
{
	if (!path[strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
			       "tuvwxyz0123456789_-+=.,/:@%")]) {
		fputs(path, stderr);
		return;
	}
	fputc('\'', stderr);
	for (; *path; path++)
		if (*path == '\'')
			fputs("'\\''", stderr);
		else
			fputc(*path, stderr);
	fputc('\'', stderr);
}

static const struct option long_options[] = {
    {"template", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int cmd_init(int argc, char **argv)
{
	const char *tname = "tracepoint", *output = NULL, *name, *base;
	const struct starter *t;
	char *path = NULL, *text = NULL;
	struct stat st;
	int c, force = 0, rc = EXIT_USAGE;
	size_t n;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:o:fh", long_options, NULL)) !=
	       -1) {
		switch (c) {
		case 't':
			tname = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case ':':
			err("%s needs a value; see 'bumble init --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		default:
			err("unknown option '%s'; see 'bumble init --help'",
			    argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		err("no NAME: say what the tool is called, as in 'bumble init "
		    "mytool'; see 'bumble init --help'");
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		err("one NAME at a time; unexpected '%s'", argv[optind + 1]);
		return EXIT_USAGE;
	}
	name = argv[optind];
	if (!valid_name(name)) {
		err("'%s' is not a valid NAME: start with a letter or '_', "
		    "then use only letters, digits, '_' and '-'",
		    name);
		return EXIT_USAGE;
	}
	t = find_template(tname);
	if (!t) {
		err("unknown template '%s'; the templates are:", tname);
		for (size_t i = 0; i < TEMPLATE_COUNT; i++)
			fprintf(stderr, "  %-11s %s\n", templates[i].name,
				templates[i].summary);
		return EXIT_USAGE;
	}
	if (output)
		path = strdup(output);
	else if (asprintf(&path, "%s.bpf.c", name) < 0)
		path = NULL;
	if (!path) {
		err("out of memory");
		return EXIT_FAIL;
	}
	n = strlen(path);
	if (n < 3 || strcmp(path + n - 2, ".c")) {
		err("'%s' does not end in .c, so bumble bundle would not "
		    "compile it; use -o %s.bpf.c",
		    path, name);
		goto out;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		err("'%s' is a directory; give a file with -o", path);
		goto out;
	}
	if (check_output(path, NULL))
		goto out;
	if (stat(path, &st) == 0) {
		if (!force) {
			err("'%s' already exists; pass --force to overwrite it",
			    path);
			goto out;
		}
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	text = expand(t->text, name, base);
	if (!text) {
		err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	rc = write_file_atomic(path, text, strlen(text), 0644);
	if (rc) {
		err("cannot write %s: %s", path, strerror(-rc));
		rc = EXIT_FAIL;
		goto out;
	}
	fputs("wrote ", stderr);
	print_shell_word(path);
	fputs(" (", stderr);
	fputs(t->name, stderr);
	fputs("); next: bumble bundle ", stderr);
	print_shell_word(path);
	fprintf(stderr, " -o %s && sudo ./%s%s\n", name, name,
		strcmp(t->name, "xdp") ? "" : " --iface IFNAME");
	rc = EXIT_OK;
out:
	free(text);
	free(path);
	return rc;
}
