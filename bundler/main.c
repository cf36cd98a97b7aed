/* The bumble CLI: a table of subcommands, one file each (cmd_*.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "bundler.h"

static const struct cmd commands[] = {
    {"bundle", cmd_bundle, "build a static executable from a BPF program"},
    {"build", cmd_build, "compile a BPF C program to an object"},
    {"gen", cmd_gen, "write the generated runner C source"},
    {"inspect", cmd_inspect, "show programs, maps, roles and event types"},
    {"export", cmd_export, "write a tool as an OCI image and archive"},
    {"push", cmd_push, "push a tool or OCI layout to a registry"},
    {"pull", cmd_pull, "pull a tool from a registry, verified"},
    {"run", cmd_run, "run an image's tool, or a BPF program, in one step"},
    {"images", cmd_images, "list the images in the local store"},
    {"tag", cmd_tag, "name a stored image again"},
    {"rmi", cmd_rmi, "remove images from the local store"},
    {"sign", cmd_sign, "sign a tool or file (cosign's blob format)"},
    {"verify", cmd_verify, "check a file's signature with a public key"},
    {"login", cmd_login, "check and save credentials for a registry"},
    {"logout", cmd_logout, "forget the credentials for a registry"},
    {"init", cmd_init, "write a starter BPF program from a template"},
    {"version", cmd_version, "show versions and the install location"},
    {"cache", cmd_cache, "where bumble's data is unpacked; clean old ones"},
};

static void usage(FILE *out)
{
	fputs("Usage: bumble COMMAND [ARGS]\n\nCommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\nRun 'bumble COMMAND --help' for a command's options.\n"
	      "Example: bumble bundle execsnoop.bpf.c -o execsnoop\n",
	      out);
}

/* libbpf's warnings reach the user; its info and debug lines do not. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int run(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	if (!name) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(name, "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	err("unknown command '%s'; run 'bumble --help'", name);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int rc;

	libbpf_set_print(libbpf_print);
	cleanup_install();
	rc = run(argc, argv);

	/* What went to stdout must have arrived (a full disk, a closed
	 * pipe): a command that could not say it has failed. */
	if (fflush(stdout) || ferror(stdout)) {
		err("cannot write the output: %s", strerror(errno));
		return rc ? rc : EXIT_FAIL;
	}
	return rc;
}
