/* Names for numbers: the system calls and errnos of the arch the stub is
 * built for (tables generated from its UAPI headers) and signals. */
#include <stddef.h>
#include <string.h>

#include "names.h"
#include "stub.h"

const char *syscall_name(long long nr)
{
	if (nr < 0 ||
	    nr >= (long long)(sizeof(syscall_names) / sizeof(syscall_names[0])))
		return NULL;
	return syscall_names[nr];
}

int syscall_known(const char *name)
{
	for (size_t i = 0; i < sizeof(syscall_names) / sizeof(syscall_names[0]);
	     i++)
		if (syscall_names[i] && !strcmp(syscall_names[i], name))
			return 1;
	return 0;
}

const char *errno_name(long long e)
{
	if (e <= 0 ||
	    e >= (long long)(sizeof(errno_names) / sizeof(errno_names[0])))
		return NULL;
	return errno_names[e];
}

const char *signal_name(long long sig)
{
	static const char *const names[] = {
	    NULL,      "SIGHUP",    "SIGINT",  "SIGQUIT",  "SIGILL",
	    "SIGTRAP", "SIGABRT",   "SIGBUS",  "SIGFPE",   "SIGKILL",
	    "SIGUSR1", "SIGSEGV",   "SIGUSR2", "SIGPIPE",  "SIGALRM",
	    "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",  "SIGSTOP",
	    "SIGTSTP", "SIGTTIN",   "SIGTTOU", "SIGURG",   "SIGXCPU",
	    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",
	    "SIGPWR",  "SIGSYS"};

	if (sig <= 0 || sig >= (long long)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[sig];
}
