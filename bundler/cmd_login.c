/* bumble login: credentials for a registry, checked against it before
 * they are saved (mode 0600, registry_auth.c), the password read from the
 * terminal without echo or from stdin, and never shown. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "registry.h"

static const char login_usage[] =
    "Usage: bumble login HOST[:PORT] [-u USER] [--password-stdin]\n"
    "                    [--ca-file FILE | --insecure | --plain-http]\n\n"
    "Asks for the password on the terminal (not echoed), or reads it from\n"
    "stdin with --password-stdin, checks it against the registry, and saves\n"
    "the credentials in $XDG_CONFIG_HOME/bumble/auth.json (mode 0600).\n"
    "push and pull also read docker's ~/.docker/config.json and podman's\n"
    "$XDG_RUNTIME_DIR/containers/auth.json.\n";

/* One line from f, its newline dropped; malloc'ed, NULL at EOF. */
static char *read_line(FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);

	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	return line;
}

/* prompt on the terminal, the answer read with echo off when hidden. */
static char *ask(const char *prompt, int hidden)
{
	FILE *tty = fopen("/dev/tty", "r+");
	struct termios old, quiet;
	char *answer;
	int restore = 0;

	if (!tty)
		return NULL;
	fputs(prompt, tty);
	fflush(tty);
	if (hidden && !tcgetattr(fileno(tty), &old)) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = !tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	answer = read_line(tty);
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fclose(tty);
	return answer;
}

static void forget(char *secret)
{
	if (secret)
		explicit_bzero(secret, strlen(secret));
	free(secret);
}

int cmd_login(int argc, char **argv)
{
	static const struct option options[] = {
	    REG_LONG_OPTIONS,
	    {"username", required_argument, NULL, 'u'},
	    {"password-stdin", no_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct reg_opts o = {0};
	struct registry *r;
	char *host = NULL, *user = NULL, *password = NULL, *path;
	int c, from_stdin = 0, asked = 0, rc = EXIT_FAIL;

	const char *user_arg = NULL;

	optind = 0;
	while ((c = reg_getopt(argc, argv, ":hu:", options, login_usage, &o,
			       &rc)) != -1) {
		if (c == REG_OPT_DONE)
			return rc;
		if (c == 'u')
			user_arg = optarg;
		else if (c == 'p')
			from_stdin = 1;
	}
	if (optind + 1 != argc) {
		err("give one registry: bumble login HOST[:PORT]");
		return EXIT_USAGE;
	}
	host = reg_host_parse(argv[optind]);
	if (!host)
		return EXIT_USAGE;
	user = user_arg ? strdup(user_arg) : ask("Username: ", 0);
	if (!user || !*user) {
		err("no user name: give -u USER");
		rc = EXIT_USAGE;
		goto out;
	}
	password = from_stdin ? read_line(stdin) : ask("Password: ", 1);
	if (!password || !*password) {
		err(from_stdin ? "no password on stdin"
			       : "no terminal to ask the password on: give "
				 "--password-stdin");
		rc = EXIT_USAGE;
		goto out;
	}
	o.user = user;
	o.password = password;
	r = registry_open(host, &o);
	rc = r ? registry_ping(r, &asked) : EXIT_FAIL;
	registry_close(r);
	if (!rc && !asked)
		warn("%s lets anyone in; the credentials are saved unchecked",
		     host);
	if (!rc)
		rc = reg_creds_store(host, user, password);
	if (!rc) {
		path = reg_auth_path();
		fprintf(stderr, "bumble: logged in to %s as %s (saved in %s)\n",
			host, user, path ? path : "auth.json");
		free(path);
	}
out:
	forget(password);
	free(user);
	free(host);
	return rc;
}
