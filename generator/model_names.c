/* The names the model speaks in: role, kind and format names, the map name
 * prefixes that give a role, and the typedef names that select a format. */
#include <string.h>

#include "model_int.h"

const char *gen_role_name(enum bumble_role role)
{
	switch (role) {
	case BUMBLE_ROLE_PRINT:
		return "print";
	case BUMBLE_ROLE_COUNTER:
		return "counter";
	case BUMBLE_ROLE_GAUGE:
		return "gauge";
	case BUMBLE_ROLE_HIST:
		return "hist";
	default:
		return "none";
	}
}

const char *gen_kind_name(enum bumble_kind kind)
{
	static const char *names[] = {"int",  "uint",  "bool", "chars",
				      "enum", "bytes", "ptr"};

	return (unsigned int)kind < sizeof(names) / sizeof(names[0])
		   ? names[kind]
		   : "?";
}

const char *gen_format_name(enum bumble_format format)
{
	static const char *names[] = {
	    "plain",	"ipv4_addr",  "ipv6_addr",  "duration",	 "net_port",
	    "ktime_ns", "errno_code", "syscall_nr", "signal_nr", "hex"};

	return (unsigned int)format < sizeof(names) / sizeof(names[0])
		   ? names[format]
		   : "?";
}

enum bumble_role gen_role_by_word(const char *word, size_t len)
{
	for (int r = BUMBLE_ROLE_PRINT; r <= BUMBLE_ROLE_HIST; r++) {
		const char *name = gen_role_name((enum bumble_role)r);

		if (strlen(name) == len && !strncmp(word, name, len))
			return (enum bumble_role)r;
	}
	return BUMBLE_ROLE_NONE;
}

/* BumbleBee's name prefixes: print_, counter_, gauge_, hist_. */
enum bumble_role gen_role_from_map_name(const char *name)
{
	const char *underscore = strchr(name, '_');

	if (!underscore)
		return BUMBLE_ROLE_NONE;
	return gen_role_by_word(name, (size_t)(underscore - name));
}

enum bumble_format gen_format_from_typedef(const char *name)
{
	static const struct {
		const char *typedef_name;
		enum bumble_format format;
	} formats[] = {
	    {"ipv4_addr", BUMBLE_FORMAT_IPV4},
	    {"ipv6_addr", BUMBLE_FORMAT_IPV6},
	    {"duration", BUMBLE_FORMAT_DURATION},
	    {"net_port", BUMBLE_FORMAT_PORT},
	    {"ktime_ns", BUMBLE_FORMAT_KTIME},
	    {"errno_code", BUMBLE_FORMAT_ERRNO},
	    {"syscall_nr", BUMBLE_FORMAT_SYSCALL},
	    {"signal_nr", BUMBLE_FORMAT_SIGNAL},
	    {"hex_u8", BUMBLE_FORMAT_HEX},
	    {"hex_u16", BUMBLE_FORMAT_HEX},
	    {"hex_u32", BUMBLE_FORMAT_HEX},
	    {"hex_u64", BUMBLE_FORMAT_HEX},
	};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(name, formats[i].typedef_name))
			return formats[i].format;
	return BUMBLE_FORMAT_PLAIN;
}
