/* The options every produced tool has, in one table: it drives the tool's
 * getopt and --help, and bumble's check that no program parameter takes
 * one of these names. Compiled into both the stub and bumble. */
#ifndef BUMBLE_TOOL_OPTIONS_H
#define BUMBLE_TOOL_OPTIONS_H

enum tool_opt {
	TOOL_OPT_JSON,
	TOOL_OPT_TIMESTAMP,
	TOOL_OPT_FILTER,
	TOOL_OPT_DURATION,
	TOOL_OPT_COUNT,
	TOOL_OPT_INTERVAL,
	TOOL_OPT_TOP,
	TOOL_OPT_FOLDED,
	TOOL_OPT_METRICS,
	TOOL_OPT_HIST_FIELD,
	TOOL_OPT_HIST_BUCKETS,
	TOOL_OPT_IFACE,
	TOOL_OPT_CGROUP,
	TOOL_OPT_FREQ,
	TOOL_OPT_ATTACH,
	TOOL_OPT_PERF_EVENT,
	TOOL_OPT_BTF,
	TOOL_OPT_LIST,
	TOOL_OPT_VERBOSE,
	TOOL_OPT_MANIFEST,
	TOOL_OPT_VERIFY,
	TOOL_OPT_SBOM,
	TOOL_OPT_LICENSES,
	TOOL_OPT_EXTRACT,
	TOOL_OPT_FORCE,
	TOOL_OPT_VERSION,
	TOOL_OPT_HELP,
	TOOL_OPTION_COUNT
};

struct tool_option {
	const char *name; /* --NAME */
	const char *arg;  /* its value in --help, or NULL: takes none */
	const char *help; /* one or more lines, '\n' between them */
};

extern const struct tool_option tool_options[TOOL_OPTION_COUNT];

/* The tool option a parameter named name would shadow: the same name,
 * with '-' and '_' taken alike (a parameter is also --NAME-WITH-DASHES).
 * NULL if none. */
const struct tool_option *tool_option_find(const char *name);

#endif
