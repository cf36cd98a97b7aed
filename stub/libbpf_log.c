/* Captures libbpf's messages so errors can show the relevant part (the
 * verifier log tail, attach warnings) instead of everything libbpf says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "stub.h"

#define LOG_LIMIT (4u << 20)

static char *log_buf;
static size_t log_len;
static int log_verbose;

static void log_append(const char *s, size_t n)
{
	char *grown;

	if (log_len + n + 1 > LOG_LIMIT) {
		/* Keep the newest half: errors are reported from the tail. */
		size_t keep = log_len / 2;

		memmove(log_buf, log_buf + log_len - keep, keep);
		log_len = keep;
		if (n + 1 > LOG_LIMIT - log_len)
			return;
	}
	grown = realloc(log_buf, log_len + n + 1);
	if (!grown)
		return;
	log_buf = grown;
	memcpy(log_buf + log_len, s, n);
	log_len += n;
	log_buf[log_len] = '\0';
}

static int log_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char *msg;
	int n;

	if (log_verbose)
		return vfprintf(stderr, fmt, ap);
	if (level == LIBBPF_DEBUG)
		return 0;
	/* whole: a verifier log comes as one message, its end matters */
	n = vasprintf(&msg, fmt, ap);
	if (n < 0)
		return n;
	log_append(msg, (size_t)n);
	free(msg);
	return n;
}

void libbpf_log_init(int verbose)
{
	log_verbose = verbose;
	libbpf_set_print(log_print);
}

void libbpf_log_free(void)
{
	free(log_buf);
	log_buf = NULL;
	log_len = 0;
}

void libbpf_log_dump(const char *needle, int max_lines)
{
	const char *lines[64];
	size_t lens[64];
	int count = 0;
	const char *p = log_buf;

	if (!log_buf)
		return;
	if (max_lines > 64)
		max_lines = 64;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len &&
		    (!needle || memmem(p, len, needle, strlen(needle)))) {
			lines[count % max_lines] = p;
			lens[count % max_lines] = len;
			count++;
		}
		p += len + (end ? 1 : 0);
	}
	for (int i = count > max_lines ? count - max_lines : 0; i < count; i++)
		fprintf(stderr, "  %.*s\n", (int)lens[i % max_lines],
			lines[i % max_lines]);
}

const char *libbpf_log_verifier(char *prog, size_t n)
{
	static const char begin[] = "-- BEGIN PROG LOAD LOG --\n";
	const char *start = NULL, *p = log_buf, *name, *end;

	if (!log_buf)
		return NULL;
	while ((p = strstr(p, begin))) {
		start = p;
		p += sizeof(begin) - 1;
	}
	if (!start)
		return NULL;
	/* The marker line reads "libbpf: prog 'NAME': -- BEGIN ...". */
	prog[0] = '\0';
	for (name = start; name > log_buf && name[-1] != '\n'; name--)
		;
	name = strstr(name, "prog '");
	if (name && name < start) {
		name += 6;
		end = strchr(name, '\'');
		if (end && end < start && (size_t)(end - name) < n) {
			memcpy(prog, name, (size_t)(end - name));
			prog[end - name] = '\0';
		}
	}
	start += sizeof(begin) - 1;
	end = strstr(start, "-- END PROG LOAD LOG --");
	if (end) {
		/* Cut at the start of the END marker's line. */
		while (end > start && end[-1] != '\n')
			end--;
		log_buf[end - log_buf] = '\0';
	}
	return start;
}
