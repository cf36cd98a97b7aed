/* measure: runs one consumer (a bumble tool, the hand-written tool or
 * bpftrace) and measures it from the outside.
 *
 *   measure [-n EVENTS] [--stopped] [--driver PATH] [--out FILE]
 *           [--err FILE] --ready STRING -- COMMAND [ARG ...]
 *
 * Starts COMMAND with stderr (and stdout, without --out) on a pipe and
 * times exec until a line containing STRING appears: the startup time.
 * With -n, a driver (evdriver, started first and waiting on a pipe) then
 * makes EVENTS getppid(2) calls; "{PID}" in COMMAND's arguments is the
 * driver's pid. It waits until the consumer has gone idle (its CPU time
 * stops growing), reads its CPU time and memory, stops it with SIGINT
 * and prints key=value lines. --stopped: the consumer is stopped
 * (SIGSTOP) while the driver runs and continued after, so it drains a
 * full backlog: its cost per event without the wakeups.
 *
 *   startup_us     exec until STRING
 *   rss_idle_kb    VmRSS once attached
 *   cpu_ns         consumer CPU (utime+stime) from the burst's start to idle
 *   sched_ns       the same from /proc/PID/task/ * /schedstat (ns resolution)
 *   busy_ns        burst start (with --stopped: SIGCONT) until the
 *                  consumer went idle (wall clock)
 *   driver_ns      the driver's own time for its N calls (its own line)
 *   rss_kb hwm_kb  VmRSS and VmHWM at the end
 *   sleeps         the consumer's voluntary context switches in the burst
 *                  (its main thread): how often it waited for events
 *   exit           COMMAND's exit status
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "measure: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* utime+stime of every thread of pid, in ns (clock-tick resolution). */
static long long stat_cpu_ns(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	/* after ")": state ppid pgrp session tty tpgid flags minflt cminflt
	 * majflt cmajflt utime stime */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
			 "%llu",
			 &ut, &st) != 2)
		return -1;
	return (long long)(ut + st) * (1000000000LL / sysconf(_SC_CLK_TCK));
}

/* Time on CPU of every thread of pid, in ns, from schedstat. */
static long long sched_cpu_ns(pid_t pid)
{
	char path[320];
	struct dirent *d;
	long long sum = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		unsigned long long ns;
		FILE *f;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", pid,
			 d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			sum += (long long)ns;
		fclose(f);
	}
	closedir(dir);
	return sum;
}

/* The number after "key:" in /proc/PID/status (kB for Vm*), or -1. */
static long status_value(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t n = strlen(key);
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			kb = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

/* What the consumer writes on the pipe: kept for --err, and searched for
 * the ready string. */
static char seen[1 << 16];
static size_t seen_len;
static FILE *err_copy;

/* Reads what is there (waiting at most ms); 0 at EOF. */
static int pump(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char buf[4096];
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 1;
	n = read(fd, buf, sizeof(buf));
	if (n <= 0)
		return 0;
	if (err_copy)
		fwrite(buf, 1, (size_t)n, err_copy);
	if (seen_len + (size_t)n >= sizeof(seen)) {
		size_t keep = sizeof(seen) / 2;

		memmove(seen, seen + seen_len - keep, keep);
		seen_len = keep;
	}
	memcpy(seen + seen_len, buf, (size_t)n);
	seen_len += (size_t)n;
	seen[seen_len] = '\0';
	return 1;
}

int main(int argc, char **argv)
{
	const char *ready = NULL, *out = NULL, *errf = NULL;
	const char *driver = "evdriver";
	unsigned long events = 0;
	int stopped = 0;
	int pipefd[2], go[2] = {-1, -1}, status, i;
	pid_t drv = 0, tool;
	char pidstr[16];
	long long t0, t_ready;
	struct rusage ru;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			events = strtoul(argv[++i], NULL, 10);
		} else if (!strcmp(argv[i], "--driver") && i + 1 < argc) {
			driver = argv[++i];
		} else if (!strcmp(argv[i], "--stopped")) {
			stopped = 1;
		} else if (!strcmp(argv[i], "--out") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--err") && i + 1 < argc) {
			errf = argv[++i];
		} else if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = argv[++i];
		} else {
			fprintf(stderr, "measure: bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (i >= argc || !ready) {
		fprintf(stderr, "usage: measure [-n EVENTS] [--stopped] "
				"[--driver PATH] [--out FILE] [--err FILE] "
				"--ready STRING -- COMMAND [ARG ...]\n");
		return 2;
	}
	if (errf && !(err_copy = fopen(errf, "w")))
		die(errf);

	if (events) {
		char nbuf[32];

		if (pipe(go))
			die("pipe");
		snprintf(nbuf, sizeof(nbuf), "%lu", events);
		drv = fork();
		if (drv < 0)
			die("fork");
		if (!drv) {
			dup2(go[0], 0);
			close(go[0]);
			close(go[1]);
			execl(driver, "evdriver", nbuf, "--wait", (char *)NULL);
			_exit(127);
		}
		close(go[0]);
	}
	snprintf(pidstr, sizeof(pidstr), "%d", drv ? drv : getpid());
	for (int j = i; j < argc; j++)
		if (!strcmp(argv[j], "{PID}"))
			argv[j] = pidstr;

	if (pipe2(pipefd, O_CLOEXEC))
		die("pipe");
	t0 = now_ns();
	tool = fork();
	if (tool < 0)
		die("fork");
	if (!tool) {
		int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)
			     : pipefd[1];

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(pipefd[1], 2);
		if (go[1] >= 0)
			close(go[1]);
		execvp(argv[i], argv + i);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		if (!pump(pipefd[0], 100)) {
			fprintf(stderr, "measure: %s exited before '%s':\n%s",
				argv[i], ready, seen);
			return 1;
		}
		if (strstr(seen, ready))
			break;
		if (now_ns() - t0 > 60LL * 1000000000) {
			fprintf(stderr, "measure: no '%s' in 60 s\n", ready);
			kill(tool, SIGKILL);
			return 1;
		}
	}
	t_ready = now_ns();
	printf("startup_us=%lld\n", (t_ready - t0) / 1000);
	printf("rss_idle_kb=%ld\n", status_value(tool, "VmRSS"));

	if (events) {
		long long c0, s0, c1, s1, t_start, t_idle, last, cur;
		long w0, w1;
		int quiet = 0;

		/* let the tool settle, so its startup is not counted */
		for (int k = 0; k < 3; k++)
			pump(pipefd[0], 100);
		if (stopped)
			kill(tool, SIGSTOP);
		c0 = stat_cpu_ns(tool);
		s0 = sched_cpu_ns(tool);
		w0 = status_value(tool, "voluntary_ctxt_switches");
		t_start = now_ns();
		if (write(go[1], "x", 1) != 1)
			die("starting the driver");
		close(go[1]);
		waitpid(drv, &status, 0);
		if (stopped) {
			t_start = now_ns();
			kill(tool, SIGCONT);
		}
		/* idle: under 0.4 ms of CPU in each of 15 windows of 20 ms
		 * (the hand-written tool and bpftrace wake every 100 ms) */
		last = sched_cpu_ns(tool);
		t_idle = now_ns();
		while (quiet < 15) {
			pump(pipefd[0], 20);
			cur = sched_cpu_ns(tool);
			if (cur - last < 400000) {
				quiet++;
			} else {
				quiet = 0;
				t_idle = now_ns();
			}
			last = cur;
		}
		c1 = stat_cpu_ns(tool);
		s1 = sched_cpu_ns(tool);
		w1 = status_value(tool, "voluntary_ctxt_switches");
		printf("cpu_ns=%lld\nsched_ns=%lld\nbusy_ns=%lld\n", c1 - c0,
		       s1 - s0, t_idle - t_start);
		printf("rss_kb=%ld\nhwm_kb=%ld\nsleeps=%ld\n",
		       status_value(tool, "VmRSS"), status_value(tool, "VmHWM"),
		       w1 - w0);
	}
	/* SIGINT, again every 2 s (bpftrace can miss one that comes right
	 * after it attached), SIGKILL after 10 s */
	{
		long long t_int = now_ns(), t_sent = 0;

		for (;;) {
			long long t = now_ns();

			if (t - t_int > 10000000000LL) {
				kill(tool, SIGKILL);
			} else if (t - t_sent > 2000000000LL) {
				kill(tool, SIGINT);
				t_sent = t;
			}
			if (!pump(pipefd[0], 200))
				break;
		}
	}
	if (wait4(tool, &status, 0, &ru) < 0)
		die("wait4");
	printf("exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status)
					      : 128 + WTERMSIG(status));
	if (err_copy)
		fclose(err_copy);
	return 0;
}
