/* A minimal unit-test harness: each CHECK prints "ok - what" or
 * "not ok - what" with the location; tests/run.sh counts the lines. */
#ifndef BUMBLE_CHECK_H
#define BUMBLE_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond, what)                                                      \
	do {                                                                   \
		if (cond) {                                                    \
			printf("ok - %s\n", what);                             \
		} else {                                                       \
			printf("not ok - %s (%s:%d: %s)\n", what, __FILE__,    \
			       __LINE__, #cond);                               \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#define CHECK_STR(got, want, what)                                             \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (g_ && w_ && !strcmp(g_, w_)) {                             \
			printf("ok - %s\n", what);                             \
		} else {                                                       \
			printf("not ok - %s (%s:%d)\n#   got:  '%s'\n"         \
			       "#   want: '%s'\n",                             \
			       what, __FILE__, __LINE__, g_ ? g_ : "(null)",   \
			       w_ ? w_ : "(null)");                            \
			check_failures++;                                      \
		}                                                              \
	} while (0)

#endif
