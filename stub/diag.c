/* Diagnostics of a produced tool: every message on stderr starts with the
 * tool's name so it reads well inside pipelines and logs. */
#include <stdio.h>

#include "stub.h"

static const char *diag_name = "bumble";

void diag_set_name(const char *name)
{
	diag_name = name;
}

static void diag_vprint(const char *level, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", diag_name, level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void diag_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint("error: ", fmt, ap);
	va_end(ap);
}

void diag_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint("", fmt, ap);
	va_end(ap);
}

void diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vprint("", fmt, ap);
	va_end(ap);
}
