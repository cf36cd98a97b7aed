/* The name tables of kinds, formats and roles, each made from its list
 * in bumble/runtime.h, so a value cannot lack a name. */
#include <string.h>

#include "enum_names.h"

#define NAME(id, name)	       name,
#define KIND_IDENT(id, name)   "BUMBLE_KIND_" #id,
#define FORMAT_IDENT(id, name) "BUMBLE_FORMAT_" #id,
#define ROLE_IDENT(id, name)   "BUMBLE_ROLE_" #id,

static const char *const kind_names[] = {BUMBLE_KINDS(NAME)};
static const char *const format_names[] = {BUMBLE_FORMATS(NAME)};
static const char *const role_names[] = {BUMBLE_ROLES(NAME)};
static const char *const kind_idents[] = {BUMBLE_KINDS(KIND_IDENT)};
static const char *const format_idents[] = {BUMBLE_FORMATS(FORMAT_IDENT)};
static const char *const role_idents[] = {BUMBLE_ROLES(ROLE_IDENT)};

_Static_assert(sizeof(kind_names) / sizeof(kind_names[0]) == BUMBLE_KIND_COUNT,
	       "one name per kind");
_Static_assert(sizeof(format_names) / sizeof(format_names[0]) ==
		   BUMBLE_FORMAT_COUNT,
	       "one name per format");
_Static_assert(sizeof(role_names) / sizeof(role_names[0]) == BUMBLE_ROLE_COUNT,
	       "one name per role");

const char *kind_name(enum bumble_kind kind)
{
	return (unsigned int)kind < BUMBLE_KIND_COUNT ? kind_names[kind] : "?";
}

const char *format_name(enum bumble_format format)
{
	return (unsigned int)format < BUMBLE_FORMAT_COUNT ? format_names[format]
							  : "?";
}

const char *role_name(enum bumble_role role)
{
	return (unsigned int)role < BUMBLE_ROLE_COUNT ? role_names[role] : "?";
}

const char *kind_ident(enum bumble_kind kind)
{
	return (unsigned int)kind < BUMBLE_KIND_COUNT ? kind_idents[kind]
						      : NULL;
}

const char *format_ident(enum bumble_format format)
{
	return (unsigned int)format < BUMBLE_FORMAT_COUNT
		   ? format_idents[format]
		   : NULL;
}

const char *role_ident(enum bumble_role role)
{
	return (unsigned int)role < BUMBLE_ROLE_COUNT ? role_idents[role]
						      : NULL;
}

enum bumble_role role_by_word(const char *word, size_t len)
{
	for (unsigned int r = BUMBLE_ROLE_PRINT; r < BUMBLE_ROLE_COUNT; r++)
		if (strlen(role_names[r]) == len &&
		    !strncmp(word, role_names[r], len))
			return (enum bumble_role)r;
	return BUMBLE_ROLE_NONE;
}

int format_by_name(const char *name, enum bumble_format *out)
{
	for (unsigned int f = 0; f < BUMBLE_FORMAT_COUNT; f++)
		if (!strcmp(name, format_names[f])) {
			*out = (enum bumble_format)f;
			return 0;
		}
	return -1;
}
