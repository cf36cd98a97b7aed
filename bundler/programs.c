/* The programs bumble drives: found on PATH, with the Debian package to
 * install if missing, and run. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundler.h"

char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t len = end ? (size_t)(end - path) : strlen(path);

		if (len && len + strlen(name) + 2 <= sizeof(buf)) {
			snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path,
				 name);
			if (access(buf, X_OK) == 0)
				return strdup(buf);
		}
		path += len + (end ? 1 : 0);
	}
	return NULL;
}

char *find_first_program(const char *env, const char *const *names)
{
	const char *override = env ? getenv(env) : NULL;
	char *found = NULL;

	if (override && *override)
		return find_program(override);
	for (; *names && !found; names++)
		found = find_program(*names);
	return found;
}

char *require_program(const char *env, const char *const *names,
		      const char *package)
{
	const char *override = env ? getenv(env) : NULL;
	char *found = find_first_program(env, names);

	if (found)
		return found;
	if (override && *override)
		err("%s=%s is not an executable program", env, override);
	else
		err("%s is not installed; install it with: apt-get install %s",
		    names[0], package);
	return NULL;
}

/* In the child: stdout to path, stderr to /dev/null. */
static void redirect_quiet(const char *path)
{
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	if (out < 0 || null < 0 || dup2(out, 1) < 0 || dup2(null, 2) < 0)
		_exit(127);
}

/* "+ argv..." on stderr in one write: a bundle's second build runs
 * clang at the same time, and its line must not cut into this one. */
static void echo_command(char *const argv[])
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return;
	for (int i = 0; argv[i]; i++)
		fprintf(f, "%s%s", i ? " " : "+ ", argv[i]);
	fputc('\n', f);
	if (!fclose(f) && write(STDERR_FILENO, line, len) < 0)
		len = 0; /* nothing to do: it is only an echo */
	free(line);
}

static int run_command_redirected(char *const argv[], int verbose,
				  const char *stdout_path)
{
	sigset_t old;
	pid_t pid;
	int status;

	if (verbose)
		echo_command(argv);
	fflush(NULL);
	/* the child in a process group of its own, known to the signal
	 * handler before any signal can come: a stop signal stops it and
	 * every program it runs (cleanup.c) */
	cleanup_block(&old);
	pid = fork();
	if (pid == 0) {
		const char *tmp = cleanup_first_dir();

		setpgid(0, 0);
		if (tmp)
			setenv("TMPDIR", tmp, 1);
		cleanup_in_child(&old);
		if (stdout_path)
			redirect_quiet(stdout_path);
		execv(argv[0], argv);
		err("cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0) {
		setpgid(pid, pid);
		cleanup_child(pid);
	}
	cleanup_unblock(&old);
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cleanup_child(0);
			return -1;
		}
	cleanup_child(0);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int run_command(char *const argv[], int verbose)
{
	return run_command_redirected(argv, verbose, NULL);
}

int run_command_quiet_to(char *const argv[], int verbose,
			 const char *stdout_path)
{
	return run_command_redirected(argv, verbose, stdout_path);
}
