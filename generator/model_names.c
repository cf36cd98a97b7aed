/* How the model reads names off a program: the map name prefixes that
 * give a role, and the typedef names that select a format. The names
 * themselves are the lists in bumble/runtime.h (stub/enum_names.c). */
#include <string.h>

#include "enum_names.h"
#include "model_int.h"

/* BumbleBee's name prefixes: print_, counter_, gauge_, hist_. */
enum bumble_role gen_role_from_map_name(const char *name)
{
	const char *underscore = strchr(name, '_');

	if (!underscore)
		return BUMBLE_ROLE_NONE;
	return role_by_word(name, (size_t)(underscore - name));
}

/* A format's own name (ipv4_addr, duration, ...), or for hex any of
 * hex_u8, hex_u16, hex_u32 and hex_u64. */
enum bumble_format gen_format_from_typedef(const char *name)
{
	static const char *const hex[] = {"hex_u8", "hex_u16", "hex_u32",
					  "hex_u64"};

	for (size_t i = 0; i < sizeof(hex) / sizeof(hex[0]); i++)
		if (!strcmp(name, hex[i]))
			return BUMBLE_FORMAT_HEX;
	for (unsigned int f = BUMBLE_FORMAT_PLAIN + 1; f < BUMBLE_FORMAT_COUNT;
	     f++)
		if (f != BUMBLE_FORMAT_HEX &&
		    !strcmp(name, format_name((enum bumble_format)f)))
			return (enum bumble_format)f;
	return BUMBLE_FORMAT_PLAIN;
}
