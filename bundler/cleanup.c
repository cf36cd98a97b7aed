/* What bumble removes when SIGINT, SIGTERM or SIGHUP stops it mid-way:
 * the program it runs (its whole process group), its helpers (a bundle
 * per arch, each cleaning up after itself), then its temporary
 * directories and the half-written output; then it dies of the signal. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundler.h"

#define MAX_DIRS    4
#define MAX_HELPERS 8

/* Read by the handler: changed only with the signals blocked. */
static char dirs[MAX_DIRS][PATH_MAX];
static char partial_file[PATH_MAX];
static pid_t child;
static pid_t helpers[MAX_HELPERS];

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

void cleanup_block(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++)
		sigaddset(&set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

void cleanup_unblock(const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
}

static void set_path(char *slot, const char *path)
{
	sigset_t old;

	cleanup_block(&old);
	if (path && strlen(path) < PATH_MAX)
		strcpy(slot, path);
	else
		slot[0] = '\0';
	cleanup_unblock(&old);
}

void cleanup_dir(const char *dir, int add)
{
	for (int i = 0; i < MAX_DIRS; i++) {
		if (add && !dirs[i][0]) {
			set_path(dirs[i], dir);
			return;
		}
		if (!add && !strcmp(dirs[i], dir)) {
			set_path(dirs[i], NULL);
			return;
		}
	}
}

const char *cleanup_first_dir(void)
{
	for (int i = 0; i < MAX_DIRS; i++)
		if (dirs[i][0])
			return dirs[i];
	return NULL;
}

void cleanup_tmpfile(const char *path)
{
	set_path(partial_file, path);
}

void cleanup_child(pid_t pid)
{
	child = pid;
}

void cleanup_helper(pid_t pid, int add)
{
	sigset_t old;

	cleanup_block(&old);
	for (int i = 0; i < MAX_HELPERS; i++)
		if (add ? !helpers[i] : helpers[i] == pid) {
			helpers[i] = add ? pid : 0;
			break;
		}
	cleanup_unblock(&old);
}

void cleanup_helpers_forget(void)
{
	memset(helpers, 0, sizeof(helpers));
}

/* rm -r of a temporary directory with async-signal-safe calls only
 * (no opendir: it allocates). depth bounds the recursion. */
static void remove_tree(int parent, const char *name, int depth)
{
	char buf[4096];
	long n;
	int fd = openat(parent, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0) {
		unlinkat(parent, name, 0);
		return;
	}
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + off);

			off += e->d_reclen;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (e->d_type == DT_DIR && depth > 0)
				remove_tree(fd, e->d_name, depth - 1);
			else
				unlinkat(fd, e->d_name, 0);
		}
	}
	close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

void cleanup_remove_tree(const char *path)
{
	remove_tree(AT_FDCWD, path, 8);
}

static void on_stop_signal(int sig)
{
	sigset_t unblock;

	if (child > 0) {
		kill(-child, sig); /* clang, or gcc with its cc1, as, ld */
		kill(child, sig);
		while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
			;
		kill(-child,
		     SIGKILL); /* what ignored it: nothing may write on */
	}
	for (int i = 0; i < MAX_HELPERS; i++)
		if (helpers[i] > 0)
			kill(helpers[i], sig);
	for (int i = 0; i < MAX_HELPERS; i++)
		while (helpers[i] > 0 && waitpid(helpers[i], NULL, 0) < 0 &&
		       errno == EINTR)
			;
	if (partial_file[0])
		unlink(partial_file);
	for (int i = 0; i < MAX_DIRS; i++)
		if (dirs[i][0])
			remove_tree(AT_FDCWD, dirs[i], 4);
	signal(sig, SIG_DFL);
	sigemptyset(&unblock);
	sigaddset(&unblock, sig);
	sigprocmask(SIG_UNBLOCK, &unblock, NULL);
	raise(sig);
	_exit(128 + sig);
}

void cleanup_in_child(const sigset_t *old)
{
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++) {
		struct sigaction sa;

		if (sigaction(stop_signals[i], NULL, &sa) == 0 &&
		    sa.sa_handler == on_stop_signal)
			signal(stop_signals[i], SIG_DFL);
	}
	cleanup_unblock(old);
}

void cleanup_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(int); i++) {
		struct sigaction old;

		/* a signal ignored by whoever started bumble stays so */
		if (sigaction(stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(stop_signals[i], &sa, NULL);
	}
}
