/* bumble's one way to report a problem: "bumble: error: " or "bumble:
 * warning: " and the message on stderr, as every command's messages read. */
#include <stdarg.h>
#include <stdio.h>

#include "bundler.h"

static void report(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "bumble: %s: ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error", fmt, ap);
	va_end(ap);
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning", fmt, ap);
	va_end(ap);
}
