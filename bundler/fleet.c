/* What a tool needs to run as a service, read from the tool alone: the
 * privileges and host paths its programs' attach types need (the rule is
 * in docs/fleet.md), and its command line checked against its options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <jansson.h>
#include <linux/bpf.h>

#include "fleet.h"
#include "metrics_addr.h"
#include "prog_kinds.h"
#include "tool_options.h"
#include "utf8.h"

const char *const fleet_cap_names[FLEET_CAP_COUNT] = {
    [FLEET_CAP_BPF] = "BPF",
    [FLEET_CAP_PERFMON] = "PERFMON",
    [FLEET_CAP_NET_ADMIN] = "NET_ADMIN",
    [FLEET_CAP_SYS_ADMIN] = "SYS_ADMIN",
    [FLEET_CAP_SYS_RESOURCE] = "SYS_RESOURCE",
};

/* Per-CPU maps are charged for every possible CPU: the estimate takes a
 * large node's. */
#define FLEET_ESTIMATE_CPUS 64
/* A hash or array entry's own bookkeeping beside its key and value. */
#define FLEET_ENTRY_OVERHEAD 64

int fleet_utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), len;
	uint32_t cp;

	for (size_t i = 0; i < n; i += len) {
		len = p[i] < 0x80 ? 1 : utf8_len(p + i, n - i, &cp);
		if (!len)
			return 0;
	}
	return 1;
}

static int add_string(char ***list, size_t *count, const char *s)
{
	char **grown;

	for (size_t i = 0; i < *count; i++)
		if (!strcmp((*list)[i], s))
			return 0;
	grown = realloc(*list, (*count + 1) * sizeof(**list));
	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*count] = strdup(s);
	if (!grown[*count])
		return -ENOMEM;
	(*count)++;
	return 0;
}

/* The binary a uprobe, uretprobe or usdt section names by an absolute
 * path ("uprobe//usr/bin/bash:readline"): it must be the host's. */
static int add_probed_file(struct fleet_tool *t, const char *section)
{
	static const char *const prefixes[] = {
	    "uprobe/", "uretprobe/", "uprobe.s/", "uretprobe.s/", "usdt/"};
	const char *path = NULL;
	char *copy, *colon;
	int rc;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++)
		if (!strncmp(section, prefixes[i], strlen(prefixes[i])))
			path = section + strlen(prefixes[i]);
	if (!path || path[0] != '/')
		return 0;
	copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	colon = strchr(copy, ':');
	if (colon)
		*colon = '\0';
	rc = add_string(&t->host_files, &t->host_file_count, copy);
	free(copy);
	return rc;
}

/* What one program's attach type needs. */
static void program_needs(struct fleet_tool *t, int type)
{
	t->caps |= 1u << FLEET_CAP_BPF | 1u << FLEET_CAP_PERFMON;
	if (prog_is_net(type)) {
		t->caps |= 1u << FLEET_CAP_NET_ADMIN;
		t->host_network = 1;
	}
	if (prog_is_cgroup(type)) {
		t->caps |= 1u << FLEET_CAP_NET_ADMIN;
		t->cgroup_root = 1;
	}
	switch (type) {
	case BPF_PROG_TYPE_TRACEPOINT:
	case BPF_PROG_TYPE_KPROBE: /* kprobes, uprobes, usdt */
		t->tracefs = 1;
		t->host_pid = 1;
		break;
	case BPF_PROG_TYPE_RAW_TRACEPOINT:
	case BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE:
	case BPF_PROG_TYPE_TRACING:
	case BPF_PROG_TYPE_PERF_EVENT:
	case BPF_PROG_TYPE_LSM:
		t->host_pid = 1;
		break;
	default:
		break;
	}
}

static unsigned long long map_bytes(const struct bpf_map *map)
{
	unsigned long long entries = bpf_map__max_entries(map);
	unsigned long long entry =
	    bpf_map__key_size(map) + bpf_map__value_size(map);

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_RINGBUF:
	case BPF_MAP_TYPE_USER_RINGBUF:
		return entries;
	case BPF_MAP_TYPE_PERF_EVENT_ARRAY:
		return 0; /* its buffers are the tool's own, in its RSS */
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return entries *
		       (bpf_map__key_size(map) + FLEET_ENTRY_OVERHEAD +
			(unsigned long long)bpf_map__value_size(map) *
			    FLEET_ESTIMATE_CPUS);
	default:
		return entries * (entry + FLEET_ENTRY_OVERHEAD);
	}
}

/* "name (kind)" added to the list the deployments print in a comment.
 * A name is the object's symbol and may hold any byte: a control
 * character (a newline would end the comment and write a line of YAML
 * or of the unit) and a non-ASCII byte print as '?'. */
static int append(char **s, const char *name, const char *kind)
{
	size_t len = *s ? strlen(*s) : 0;
	size_t add = strlen(name) + strlen(kind) + 6;
	char *grown = realloc(*s, len + add);

	if (!grown)
		return -ENOMEM;
	snprintf(grown + len, add, "%s%s (%s)", len ? ", " : "", name, kind);
	for (unsigned char *p = (unsigned char *)grown + len; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
	*s = grown;
	return 0;
}

/* Programs and maps of the tool's object, opened, not loaded. */
static int read_object(const struct tool_payload *p, struct fleet_tool *t)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts, .object_name = t->name);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	int rc = 0;

	errno = 0;
	obj =
	    bpf_object__open_mem(p->v.bytecode, p->v.bytecode_size, &open_opts);
	if (!obj) {
		err("'%s': libbpf cannot read its bytecode: %s", t->name,
		    strerror(errno ? errno : EINVAL));
		return EXIT_INPUT;
	}
	bpf_object__for_each_program(prog, obj)
	{
		const char *kind =
		    libbpf_bpf_prog_type_str(bpf_program__type(prog));

		program_needs(t, bpf_program__type(prog));
		rc = add_probed_file(t, bpf_program__section_name(prog));
		if (!rc)
			rc = append(&t->programs, bpf_program__name(prog),
				    kind ? kind : "unknown");
		if (rc)
			break;
	}
	bpf_object__for_each_map(map, obj)
	{
		if (bpf_map__pin_path(map))
			t->bpffs = 1;
		if (!bpf_map__is_internal(map))
			t->map_bytes += map_bytes(map);
	}
	bpf_object__close(obj);
	if (rc) {
		err("out of memory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The tool's program parameters, from the model it carries. */
static json_t *read_params(const struct tool_payload *p)
{
	char *label = payload_json_string(p->v.config, p->v.config_size,
					  "io.bumble.model");
	json_t *model = label ? json_loads(label, 0, NULL) : NULL;
	json_t *params = json_incref(json_object_get(model, "params"));

	json_decref(model);
	free(label);
	return json_is_array(params) ? params : NULL;
}

/* '-' and '_' alike, as the tool takes --targ-pid for targ_pid. */
static int is_param(json_t *params, const char *name, size_t len)
{
	size_t i;
	json_t *param;

	json_array_foreach(params, i, param)
	{
		const char *p =
		    json_string_value(json_object_get(param, "name"));
		size_t j;

		if (!p || strlen(p) != len)
			continue;
		for (j = 0; j < len; j++)
			if (p[j] != name[j] && !(p[j] == '_' && name[j] == '-'))
				break;
		if (j == len)
			return 1;
	}
	return 0;
}

static const struct tool_option *option_named(const char *name, size_t len)
{
	for (unsigned int i = 0; i < TOOL_OPTION_COUNT; i++)
		if (strlen(tool_options[i].name) == len &&
		    !strncmp(tool_options[i].name, name, len))
			return &tool_options[i];
	return NULL;
}

/* Options that make the tool exit at once, or stop by itself: a service
 * runs until it is stopped. */
static int stops_by_itself(const struct tool_option *opt)
{
	switch (opt - tool_options) {
	case TOOL_OPT_DURATION:
	case TOOL_OPT_COUNT:
	case TOOL_OPT_LIST:
	case TOOL_OPT_MANIFEST:
	case TOOL_OPT_VERIFY:
	case TOOL_OPT_EXTRACT:
	case TOOL_OPT_FORCE:
	case TOOL_OPT_VERSION:
	case TOOL_OPT_HELP:
		return 1;
	default:
		return 0;
	}
}

/* --metrics VALUE: a fixed port; on Kubernetes an address the kubelet's
 * probe and Prometheus reach (no ADDR: every address). */
static int check_metrics(const struct fleet_opts *o, struct fleet_tool *t,
			 const char *value, char **rewritten)
{
	char buf[64];

	if (metrics_parse_addr(value, &t->metrics)) {
		err("tool argument --metrics takes [ADDR:]PORT, an IPv4 "
		    "address and a port, not '%s'",
		    value);
		return EXIT_USAGE;
	}
	if (!t->metrics.sin_port) {
		err("--metrics %s: a service needs a fixed port, for "
		    "Prometheus to scrape",
		    value);
		return EXIT_USAGE;
	}
	t->has_metrics = 1;
	if (!o->k8s)
		return EXIT_OK;
	if (!strchr(value, ':')) {
		t->metrics.sin_addr.s_addr = htonl(INADDR_ANY);
		snprintf(buf, sizeof(buf), "0.0.0.0:%u",
			 ntohs(t->metrics.sin_port));
		*rewritten = strdup(buf);
		return *rewritten ? EXIT_OK : EXIT_FAIL;
	}
	if ((ntohl(t->metrics.sin_addr.s_addr) >> 24) == 127) {
		err("--metrics %s: on Kubernetes, Prometheus and the liveness "
		    "probe reach the pod's address; give PORT or "
		    "0.0.0.0:PORT",
		    value);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int push_arg(struct fleet_tool *t, const char *arg)
{
	char **grown = realloc(t->args, (t->arg_count + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	t->args = grown;
	grown[t->arg_count] = strdup(arg);
	if (!grown[t->arg_count])
		return -ENOMEM;
	t->arg_count++;
	return 0;
}

/* One --NAME[=VALUE] [VALUE] of the tool's command line at args[*i]. */
static int check_arg(const struct fleet_opts *o, struct fleet_tool *t,
		     json_t *params, int *i, int *has_iface)
{
	const char *arg = o->args[*i], *name = arg + 2, *eq, *value = NULL;
	const struct tool_option *opt;
	char *rewritten = NULL;
	size_t len;
	int takes, rc = EXIT_OK;

	if (strncmp(arg, "--", 2) || !arg[2]) {
		err("tool argument '%s' is not an option: the tool takes "
		    "--NAME [VALUE] only (see '%s --help')",
		    arg, o->tool);
		return EXIT_USAGE;
	}
	eq = strchr(name, '=');
	len = eq ? (size_t)(eq - name) : strlen(name);
	opt = option_named(name, len);
	if (!opt && !is_param(params, name, len)) {
		err("the tool has no option '--%.*s' (see '%s --help')",
		    (int)len, name, o->tool);
		return EXIT_USAGE;
	}
	if (opt && stops_by_itself(opt)) {
		err("tool argument --%s makes the tool stop by itself; a "
		    "service runs until it is stopped",
		    opt->name);
		return EXIT_USAGE;
	}
	takes = !opt || opt->arg;
	if (eq && !takes) {
		err("tool argument --%s takes no value", opt->name);
		return EXIT_USAGE;
	}
	if (takes && !eq && *i + 1 >= o->arg_count) {
		err("tool argument --%.*s needs a value", (int)len, name);
		return EXIT_USAGE;
	}
	if (takes)
		value = eq ? eq + 1 : o->args[++*i];
	if (opt == &tool_options[TOOL_OPT_METRICS])
		rc = check_metrics(o, t, value, &rewritten);
	if (opt == &tool_options[TOOL_OPT_IFACE])
		*has_iface = 1;
	if (opt == &tool_options[TOOL_OPT_BTF] && value[0] == '/')
		rc = add_string(&t->host_files, &t->host_file_count, value)
			 ? EXIT_FAIL
			 : rc;
	if (rc)
		return rc;
	if (opt == &tool_options[TOOL_OPT_JSON])
		return EXIT_OK; /* already first */
	/* each option and its value as one argument, --NAME=VALUE, so
	 * that no value is ever read as an option of its own */
	if (takes) {
		size_t n = len + strlen(rewritten ? rewritten : value) + 4;
		char *joined = malloc(n);

		if (joined)
			snprintf(joined, n, "--%.*s=%s", (int)len, name,
				 rewritten ? rewritten : value);
		rc = joined ? push_arg(t, joined) : -ENOMEM;
		free(joined);
	} else {
		rc = push_arg(t, arg);
	}
	free(rewritten);
	return rc ? EXIT_FAIL : EXIT_OK;
}

static int check_args(const struct fleet_opts *o, struct fleet_tool *t,
		      json_t *params)
{
	int has_iface = 0, rc;

	for (int i = 0; i < o->arg_count; i++) {
		if (!fleet_utf8_ok(o->args[i])) {
			err("tool argument %d is not UTF-8 text, which "
			    "Kubernetes and systemd carry",
			    i + 1);
			return EXIT_USAGE;
		}
	}
	if (push_arg(t, "--json"))
		return EXIT_FAIL;
	for (int i = 0; i < o->arg_count; i++) {
		rc = check_arg(o, t, params, &i, &has_iface);
		if (rc)
			return rc;
	}
	if (t->host_network && !has_iface) {
		err("'%s' has XDP or tc programs: give the host's interface "
		    "after --, e.g. -- --iface eth0",
		    o->tool);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* The tool's name as a DNS label ([a-z0-9-], at most 63), which
 * Kubernetes needs for a container and a Service. */
static char *dns_label(const char *name)
{
	char *s = calloc(1, 64);
	size_t n = 0;

	if (!s)
		return NULL;
	for (const char *p = name; *p && n < 63; p++) {
		char c = (*p == '.' || *p == '_') ? '-' : *p;

		if (c == '-' && (n == 0 || s[n - 1] == '-'))
			continue;
		s[n++] = c;
	}
	while (n && s[n - 1] == '-')
		s[--n] = '\0';
	return s;
}

int fleet_read(const struct fleet_opts *o, struct fleet_tool *t)
{
	struct tool_payload p;
	json_t *params = NULL;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = payload_read(o->tool, &p);
	if (rc)
		return rc;
	t->name = payload_json_string(p.v.manifest, p.v.manifest_size,
				      "org.opencontainers.image.title");
	t->version = payload_json_string(p.v.manifest, p.v.manifest_size,
					 "org.opencontainers.image.version");
	params = read_params(&p);
	if (!t->name || !t->version || !params ||
	    check_tool_name(t->name, "the tool's name") ||
	    check_tool_version(t->version, "the tool's version")) {
		err("'%s': its embedded manifest lacks bumble's name, version "
		    "or model; bundle it again",
		    o->tool);
		rc = EXIT_INPUT;
		goto out;
	}
	t->k8s_name = dns_label(t->name);
	rc = t->k8s_name ? read_object(&p, t) : EXIT_FAIL;
	if (!rc)
		rc = check_args(o, t, params);
	t->memory_limit_mib =
	    FLEET_MEMORY_BASE_MIB + (t->map_bytes + (1 << 20) - 1) / (1 << 20);
	if (!rc && o->sys_admin)
		t->caps |=
		    1u << FLEET_CAP_SYS_ADMIN | 1u << FLEET_CAP_SYS_RESOURCE;
out:
	json_decref(params);
	payload_free(&p);
	return rc;
}

void fleet_tool_free(struct fleet_tool *t)
{
	for (size_t i = 0; i < t->host_file_count; i++)
		free(t->host_files[i]);
	for (size_t i = 0; i < t->arg_count; i++)
		free(t->args[i]);
	free(t->host_files);
	free(t->args);
	free(t->name);
	free(t->version);
	free(t->k8s_name);
	free(t->programs);
	memset(t, 0, sizeof(*t));
}

/* --install-path: where the unit's ExecStart finds the tool. systemd
 * takes an executable's path only normalized, and refuses one with
 * "special characters" ('$', quotes, spaces, controls...): the path is
 * kept to the characters every system names its binaries with. */
static int check_install_path(const char *path)
{
	size_t n = strlen(path);
	int ok = path[0] == '/' && path[n - 1] != '/' && path[n - 1] != '.';

	/* "//", "/./" and "/../" inside; "/." and "/.." at the end are
	 * refused above with every path ending in '.' */
	ok = ok && !strstr(path, "//") && !strstr(path, "/./") &&
	     !strstr(path, "/../");

	for (const char *p = path; ok && *p; p++)
		ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		     (*p >= '0' && *p <= '9') || strchr("/._+-@", *p);
	if (!ok) {
		err("--install-path takes the absolute, normalized path of the "
		    "installed tool, in letters, digits and / . _ + - @, not "
		    "'%s'",
		    path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

int export_fleet(const struct fleet_opts *o)
{
	const char *const inputs[] = {o->tool, NULL};
	struct fleet_tool t;
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int rc;

	if (o->install_path && check_install_path(o->install_path))
		return EXIT_USAGE;
	if (o->output) {
		if (!o->force && access(o->output, F_OK) == 0) {
			err("'%s' exists; give a new file, or --force to "
			    "replace it",
			    o->output);
			return EXIT_USAGE;
		}
		if (check_output(o->output, inputs))
			return EXIT_USAGE;
	}
	rc = fleet_read(o, &t);
	if (rc)
		goto out;
	out = open_memstream(&text, &size);
	if (!out) {
		err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	rc = o->k8s ? export_k8s(out, o, &t) : export_systemd(out, o, &t);
	if (fclose(out) || rc) {
		err("out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	if (!o->output) { /* a failed write is main's to report */
		fwrite(text, 1, size, stdout);
		goto out;
	}
	rc = write_file_atomic(o->output, text, size, 0644);
	if (rc) {
		err("cannot write %s: %s", o->output, strerror(-rc));
		rc = EXIT_FAIL;
		goto out;
	}
	fprintf(stderr, "bumble: wrote %s as a %s to %s\n", o->tool,
		o->k8s ? "Kubernetes DaemonSet" : "systemd service", o->output);
out:
	free(text);
	fleet_tool_free(&t);
	return rc;
}
