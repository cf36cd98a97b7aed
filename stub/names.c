/* Names for numbers: the system calls and errnos of the arch the stub is
 * built for (tables generated from its UAPI headers), signals, TCP
 * states and softirq vectors. */
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

/* include/net/tcp_states.h, without the TCP_ prefix, as ss(8) shows
 * them */
const char *tcp_state_name(long long state)
{
	static const char *const names[] = {
	    NULL,	    "ESTABLISHED",   "SYN_SENT",  "SYN_RECV",
	    "FIN_WAIT1",    "FIN_WAIT2",     "TIME_WAIT", "CLOSE",
	    "CLOSE_WAIT",   "LAST_ACK",	     "LISTEN",	  "CLOSING",
	    "NEW_SYN_RECV", "BOUND_INACTIVE"};

	if (state <= 0 ||
	    state >= (long long)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[state];
}

/* include/linux/interrupt.h's softirq_to_name[] */
const char *softirq_name(long long vec)
{
	static const char *const names[] = {
	    "hi",	"timer",   "net_tx", "net_rx",	"block",
	    "irq_poll", "tasklet", "sched",  "hrtimer", "rcu"};

	if (vec < 0 || vec >= (long long)(sizeof(names) / sizeof(names[0])))
		return NULL;
	return names[vec];
}
