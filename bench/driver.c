/* evdriver: the event source of the throughput benchmark. Makes N
 * getppid(2) calls, as fast as it can, each one an event for
 * evbench.bpf.c's tracepoint (filtered to this process).
 *
 *   evdriver N [--wait]    --wait: start when a byte arrives on stdin,
 *                          so the harness can attach to this pid first
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec a, b;
	unsigned long n;
	char c;

	if (argc < 2) {
		fprintf(stderr, "usage: evdriver N [--wait]\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	if (argc > 2 && read(0, &c, 1) != 1)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (unsigned long i = 0; i < n; i++)
		syscall(SYS_getppid);
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("driver_ns=%lld\n",
	       (long long)(b.tv_sec - a.tv_sec) * 1000000000 +
		   (b.tv_nsec - a.tv_nsec));
	return 0;
}
