/* bumble export --k8s and --systemd: what a tool needs to run as a
 * service on every host of a fleet, read from the tool alone (fleet.c),
 * and the two deployments written from it (export_k8s.c,
 * export_systemd.c). */
#ifndef BUMBLE_FLEET_H
#define BUMBLE_FLEET_H

#include <netinet/in.h>
#include <stdio.h>

#include "bundler.h"

/* Requests and limits, from bench/FLEET.md (make bench-fleet): the
 * examples under their e2e load peak at 13.4 MiB charged to their memory
 * cgroup (BPF maps included; 11.6 MiB RSS, the peak being while kernel
 * BTF is parsed at load, 0.6-1.1 MiB once attached) and use at most 1.4%
 * of a core. The requests cover those peaks; the limit is twice the
 * memory request plus what the tool's own maps are estimated to take,
 * since the kernel charges maps to the container. No CPU limit: a
 * throttled reader loses events. */
#define FLEET_MEMORY_REQUEST_MIB 16
#define FLEET_MEMORY_BASE_MIB	 32
#define FLEET_CPU_REQUEST_MILLI	 20

/* The capabilities a program's attach types may need (docs/fleet.md has
 * the rule), in the order deployments list them. */
enum fleet_cap {
	FLEET_CAP_BPF,
	FLEET_CAP_PERFMON,
	FLEET_CAP_NET_ADMIN,
	FLEET_CAP_SYS_ADMIN,
	FLEET_CAP_SYS_RESOURCE,
	FLEET_CAP_COUNT
};

/* Their names without CAP_, as Kubernetes spells them. */
extern const char *const fleet_cap_names[FLEET_CAP_COUNT];

/* What the command line asked for. */
struct fleet_opts {
	const char *tool;
	const char *output;	  /* -o FILE; NULL: stdout */
	const char *image;	  /* --image REF; NULL: NAME:VERSION */
	const char *install_path; /* --install-path; NULL: /usr/local/bin */
	int privileged;		  /* --privileged */
	int sys_admin;		  /* --sys-admin: kernels before 5.8/5.11 */
	int force;		  /* -o FILE may be replaced */
	int k8s;		  /* else systemd */
	char **args;		  /* the tool's arguments, after -- */
	int arg_count;
};

/* A tool as a service needs it. */
struct fleet_tool {
	char *name, *version;
	char *k8s_name;	   /* the name as a DNS label, for Kubernetes */
	char *programs;	   /* "name (kind), ...", for the comments */
	unsigned int caps; /* 1 << FLEET_CAP_* */
	int host_pid;	   /* tracing programs: process context */
	int host_network;  /* XDP and tc: the host's interfaces */
	int tracefs;	   /* tracepoints and probes: /sys/kernel/tracing */
	int bpffs;	   /* pinned maps: /sys/fs/bpf */
	int cgroup_root;   /* cgroup programs: /sys/fs/cgroup */
	char **host_files; /* probed binaries and --btf files on the host */
	size_t host_file_count;
	char **args; /* the tool's command line, checked, --json in it */
	size_t arg_count;
	int has_metrics;
	struct sockaddr_in metrics;   /* --metrics, as the tool parses it */
	unsigned long long map_bytes; /* what its maps take, estimated */
	unsigned long long memory_limit_mib; /* base + its maps */
};

/* export --k8s or --systemd: the deployment of o->tool, written to
 * o->output or stdout. Returns an exit code, having said why. */
int export_fleet(const struct fleet_opts *o);

/* Reads the tool and checks its arguments for a service (it must not
 * exit by itself; the metrics port must be fixed). Returns an exit
 * code, having said why. */
int fleet_read(const struct fleet_opts *o, struct fleet_tool *t);
void fleet_tool_free(struct fleet_tool *t);

/* The deployment, written to out. 0 or -1 (a write failed). */
int export_k8s(FILE *out, const struct fleet_opts *o,
	       const struct fleet_tool *t);
int export_systemd(FILE *out, const struct fleet_opts *o,
		   const struct fleet_tool *t);

/* Is s valid UTF-8 (utf8.h)? Kubernetes carries only text; control
 * characters are escaped by each writer. */
int fleet_utf8_ok(const char *s);

#endif
