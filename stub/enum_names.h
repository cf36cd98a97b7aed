/* Names of the runtime's kinds, formats and roles, from the one list of
 * each in bumble/runtime.h: "print" for users, "BUMBLE_ROLE_PRINT" for
 * generated C. Compiled into both the stub and bumble. */
#ifndef BUMBLE_ENUM_NAMES_H
#define BUMBLE_ENUM_NAMES_H

#include "bumble/runtime.h"

/* The name, or "?" for a value outside the list. */
const char *kind_name(enum bumble_kind kind);
const char *format_name(enum bumble_format format);
const char *role_name(enum bumble_role role);

/* The enumerator as C source ("BUMBLE_KIND_INT"), or NULL. */
const char *kind_ident(enum bumble_kind kind);
const char *format_ident(enum bumble_format format);
const char *role_ident(enum bumble_role role);

/* The role a word names ("print", "counter", ...); NONE for any other,
 * "none" included. */
enum bumble_role role_by_word(const char *word, size_t len);

/* The format a name names ("syscall_nr", "hex", ...): 0, or -1 for any
 * other. */
int format_by_name(const char *name, enum bumble_format *out);

#endif
