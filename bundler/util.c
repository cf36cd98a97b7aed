/* Helpers of the bumble CLI: installation paths, finding and running
 * tools, reading files and writing them atomically, temporary dirs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bumble.h"

void err(const char *fmt, ...)
{
	va_list ap;

	fputs("bumble: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *libdir(void)
{
	static char dir[PATH_MAX + 16];
	char exe[PATH_MAX];
	const char *env = getenv("BUMBLE_LIBDIR");
	ssize_t n;
	char *slash;

	if (dir[0])
		return dir;
	if (env && *env) {
		snprintf(dir, sizeof(dir), "%s", env);
		return dir;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(dir, sizeof(dir), "/usr/local/lib/bumble");
		return dir;
	}
	exe[n] = '\0';
	/* PREFIX/bin/bumble -> PREFIX/lib/bumble */
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof(dir), "%s/lib/bumble", exe);
	return dir;
}

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

char *require_program(const char *env, const char *const *names,
		      const char *package)
{
	const char *override = env ? getenv(env) : NULL;
	const char *first = names[0];
	char *found;

	if (override && *override) {
		found = find_program(override);
		if (!found)
			err("%s=%s is not an executable program", env,
			    override);
		return found;
	}
	for (; *names; names++) {
		found = find_program(*names);
		if (found)
			return found;
	}
	err("%s is not installed; install it with: apt-get install %s", first,
	    package);
	return NULL;
}

int run_command(char *const argv[], int verbose)
{
	pid_t pid;
	int status;

	if (verbose) {
		for (int i = 0; argv[i]; i++)
			fprintf(stderr, "%s%s", i ? " " : "+ ", argv[i]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "bumble: error: cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int read_file(const char *path, unsigned char **data, size_t *size)
{
	struct stat st;
	unsigned char *buf;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return -e;
		}
		done += (size_t)n;
	}
	close(fd);
	*data = buf;
	*size = done;
	return 0;
}

int check_output_dir(const char *path)
{
	char *copy = strdup(path);
	struct stat st;
	const char *dir;
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (stat(dir, &st) != 0) {
		err("cannot write '%s': directory '%s' does not exist; create "
		    "it first (mkdir -p %s)",
		    path, dir, dir);
		rc = -ENOENT;
	} else if (!S_ISDIR(st.st_mode)) {
		err("cannot write '%s': '%s' is not a directory", path, dir);
		rc = -ENOTDIR;
	}
	free(copy);
	return rc;
}

int write_file_atomic(const char *path, const void *data, size_t size, int mode)
{
	char tmp[PATH_MAX];
	const unsigned char *p = data;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			unlink(tmp);
			return -e;
		}
		p += n;
		size -= (size_t)n;
	}
	if (fchmod(fd, (mode_t)mode) || fsync(fd) || close(fd) ||
	    rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return -e;
	}
	return 0;
}

char *tmpdir_make(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (!base || !*base)
		base = "/tmp";
	if (asprintf(&dir, "%s/bumble.XXXXXX", base) < 0)
		return NULL;
	if (!mkdtemp(dir)) {
		err("cannot create a temporary directory in %s: %s", base,
		    strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

void tmpdir_rm(char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir)
		return;
	d = opendir(dir);
	if (d) {
		while ((e = readdir(d))) {
			char *p;

			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (asprintf(&p, "%s/%s", dir, e->d_name) >= 0) {
				unlink(p);
				free(p);
			}
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
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
