/* The table of a produced tool's own options, and the look-up bumble
 * uses to refuse a program parameter of the same name. */
#include <stddef.h>

#include "tool_options.h"

const struct tool_option tool_options[TOOL_OPTION_COUNT] = {
    [TOOL_OPT_JSON] = {"json", NULL, "print one JSON object per event"},
    [TOOL_OPT_TIMESTAMP] = {"timestamp", NULL, "add the time of each event"},
    [TOOL_OPT_FILTER] = {"filter", "F=V|F~RE",
			 "show events whose field F is V, or matches the\n"
			 "POSIX extended regex RE; several must all match"},
    [TOOL_OPT_DURATION] = {"duration", "SECS", "stop after SECS seconds"},
    [TOOL_OPT_COUNT] = {"count", "N", "stop after N events"},
    [TOOL_OPT_INTERVAL] = {"interval", "SECS",
			   "show counter, gauge and hist maps every SECS\n"
			   "(they are shown on exit in any case)"},
    [TOOL_OPT_TOP] = {"top", "N",
		      "show the N largest entries of each map (text: 20,\n"
		      "JSON: all unless given; 0: all)"},
    [TOOL_OPT_FOLDED] = {"folded", NULL,
			 "show maps keyed by stacks as folded stacks\n"
			 "(NAME;frame;... COUNT), for flame graph tools"},
    [TOOL_OPT_METRICS] = {"metrics", "[ADDR:]PORT",
			  "serve the maps on http://ADDR:PORT/metrics for\n"
			  "Prometheus (ADDR 127.0.0.1 unless given)"},
    [TOOL_OPT_HIST_FIELD] = {"hist-field", "MAP=FIELD",
			     "the field a hist_ ring buffer observes\n"
			     "(default: le)"},
    [TOOL_OPT_HIST_BUCKETS] = {"hist-buckets", "MAP=B1,B2,...",
			       "bucket bounds of a hist_ ring buffer (default\n"
			       "0,10,20,50,100,200,500,1000,2000,5000)"},
    [TOOL_OPT_IFACE] = {"iface", "IFNAME",
			"network interface for XDP and tc programs"},
    [TOOL_OPT_CGROUP] = {"cgroup", "PATH",
			 "cgroup for cgroup programs (default /sys/fs/cgroup)"},
    [TOOL_OPT_FREQ] = {"freq", "HZ",
		       "sampling rate of perf_event programs (default 49)"},
    [TOOL_OPT_ATTACH] = {"attach", "PROG=TARGET",
			 "attach program PROG to TARGET: FUNCTION (kprobe,\n"
			 "fentry) or BINARY:FUNCTION (uprobe)"},
    [TOOL_OPT_PERF_EVENT] =
	{"perf-event", "PROG=EVENT",
	 "sample EVENT (cycles, cache-misses, page-faults,\n"
	 "...) with perf_event program PROG, not cpu-clock"},
    [TOOL_OPT_BTF] = {"btf", "FILE",
		      "kernel BTF to use where /sys/kernel/btf/vmlinux is "
		      "missing"},
    [TOOL_OPT_LIST] = {"list", NULL,
		       "show programs, maps and parameters, then exit"},
    [TOOL_OPT_VERBOSE] = {"verbose", NULL, "show libbpf's messages"},
    [TOOL_OPT_MANIFEST] = {"manifest", NULL,
			   "print the embedded OCI manifest, then exit"},
    [TOOL_OPT_VERIFY] = {"verify", NULL,
			 "check the embedded bytecode against it: exit 0 or 1"},
    [TOOL_OPT_SBOM] = {"sbom", NULL,
		       "print the tool's CycloneDX SBOM (JSON), then exit"},
    [TOOL_OPT_LICENSES] = {"licenses", NULL,
			   "print the license texts of the program and of\n"
			   "everything linked into the tool, then exit"},
    [TOOL_OPT_EXTRACT] = {"extract", "DIR",
			  "write the eBPF artifact as an OCI image layout\n"
			  "(DIR new or empty, or --force)"},
    [TOOL_OPT_FORCE] = {"force", NULL,
			"with --extract: write into a DIR that is not empty"},
    [TOOL_OPT_VERSION] = {"version", NULL, "show versions, then exit"},
    [TOOL_OPT_HELP] = {"help", NULL, "show this help, then exit"},
};

/* '-' and '_' alike: a parameter targ_pid is also --targ-pid. */
static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char ca = *a == '-' ? '_' : *a, cb = *b == '-' ? '_' : *b;

		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

const struct tool_option *tool_option_find(const char *name)
{
	for (unsigned int i = 0; i < TOOL_OPTION_COUNT; i++)
		if (same_name(name, tool_options[i].name))
			return &tool_options[i];
	return NULL;
}
