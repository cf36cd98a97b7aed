/* bumble's one way to report an error: "bumble: error: " and the
 * message on stderr, as every command's messages read. */
#include <stdarg.h>
#include <stdio.h>

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
