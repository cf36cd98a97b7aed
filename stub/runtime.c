/* bumble_main: the life of a produced tool, from command line to clean
 * shutdown. Everything it does is in cli.c, loader.c, events.c and
 * (--metrics) metrics.c. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "prog_kinds.h"
#include "render.h"
#include "stub.h"

static void status_line(const struct loaded_tool *lt,
			const struct event_loop *loop)
{
	unsigned int maps = events_map_count(loop);

	if (maps)
		diag_info("attached %u program%s, printing events from %u "
			  "map%s; Ctrl-C to stop",
			  lt->attached, lt->attached == 1 ? "" : "s", maps,
			  maps == 1 ? "" : "s");
	else
		diag_info("attached %u program%s; no event map to print, "
			  "running until stopped",
			  lt->attached, lt->attached == 1 ? "" : "s");
}

/* Opens the object and loads it: of alternative programs for one target
 * the tp_btf/fentry/fexit ones first, and if the kernel takes those not,
 * once more with their raw_tp/kprobe/kretprobe alternatives. When the
 * verifier rejects the object (v1) either way, the same again with the
 * fallback build the payload may carry (32-bit ALU). */
static int open_and_load(const struct bumble_tool *t,
			 const struct run_opts *opts, struct embedded *payload,
			 const char *btf_path, int rank, int alu32,
			 struct loaded_tool *lt)
{
	struct run_opts with_btf = *opts;
	const int first_rank = rank;
	int rc, chosen, more_ranks, more_builds;
	char prog[128];

	if (btf_path)
		with_btf.btf_path = btf_path;
	for (;;) {
		rc = loader_open(t, &with_btf, payload, alu32, lt);
		if (rc)
			return rc;
		prog_skip_absent(lt, with_btf.btf_path, rank == PROG_MODERN);
		chosen = prog_choose(lt, rank);
		more_ranks = rank == PROG_MODERN && chosen;
		more_builds = !lt->alu32 && payload->view.alu32_packed;
		rc = attach_check_targets(opts, lt);
		if (!rc)
			rc = params_apply(t, opts, lt->obj);
		if (!rc)
			render_param_nonzero =
			    params_nonzero(&render_param_count);
		if (!rc)
			rc = loader_load(t, lt, more_ranks || more_builds);
		lt->rank = rank;
		lt->chosen = chosen;
		if (!rc)
			return 0;
		if (more_ranks) {
			diag_info("the tp_btf/fentry/fexit programs did not "
				  "load on this kernel; loading their "
				  "raw_tp/kprobe/kretprobe alternatives "
				  "instead");
			rank = PROG_CLASSIC;
		} else if (more_builds && rc == BUMBLE_EXIT_VERIFIER &&
			   lt->load_err) {
			libbpf_log_verifier(prog, sizeof(prog));
			diag_info("the kernel's verifier rejected program "
				  "'%s' built for BPF v1; loading its build "
				  "with 32-bit ALU instructions instead",
				  prog[0] ? prog : "?");
			alu32 = 1;
			rank = first_rank;
			loader_close(lt);
			libbpf_log_free();
			rc = embedded_alu32(payload);
			if (rc)
				return rc;
			continue;
		} else {
			/* no more attempts: say why a quiet load failed */
			return more_builds && lt->load_err
				   ? loader_report(t, lt)
				   : rc;
		}
		loader_close(lt);
		libbpf_log_free();
	}
}

/* Load, attach, print until stopped, detach. */
static int run(const struct bumble_tool *t, const struct run_opts *opts)
{
	struct loaded_tool lt = {.cgroup_fd = -1};
	struct event_loop *loop = NULL;
	struct filter_set *filters = NULL;
	struct metrics *metrics = NULL;
	struct embedded payload;
	char btf_path[64];
	int rc, btf_fd = -1, alu32 = 0;

	/* Nothing loads unless the payload matches its manifest. */
	rc = embedded_load(t, &payload);
	if (!rc)
		rc = filters_parse(t, opts, &filters);
	if (!rc)
		rc = loader_check_privileges();
	libbpf_log_init(opts->verbose);
	/* listening before anything loads: a port in use starts nothing */
	if (!rc)
		rc = metrics_open(t, opts, &metrics);
	if (!rc)
		rc = loader_check_btf(opts, &payload, btf_path,
				      sizeof(btf_path), &btf_fd);
	for (int rank = PROG_MODERN; !rc;) {
		rc = open_and_load(t, opts, &payload,
				   btf_fd >= 0 ? btf_path : NULL, rank, alu32,
				   &lt);
		if (!rc)
			stacks_open(lt.obj);
		if (!rc)
			rc = events_open(t, opts, filters, lt.obj, &loop);
		if (!rc && metrics) {
			metrics_attach(metrics, lt.obj, loop);
			rc = events_serve(loop, metrics);
		}
		if (!rc)
			rc = attach_all(opts, &lt);
		if (rc != ATTACH_RETRY_CLASSIC)
			break;
		/* loaded, but the kernel cannot attach them: again, with
		 * the alternatives */
		diag_info("the tp_btf/fentry/fexit programs do not attach on "
			  "this kernel; loading their raw_tp/kprobe/kretprobe "
			  "alternatives instead");
		events_close(loop);
		loop = NULL;
		stacks_close();
		loader_close(&lt);
		libbpf_log_free();
		lt.attached = 0;
		rank = PROG_CLASSIC;
		alu32 = lt.alu32; /* the build that loaded */
		rc = 0;
	}
	if (btf_fd >= 0)
		close(btf_fd); /* libbpf has read it */
	if (!rc) {
		status_line(&lt, loop);
		events_header(loop);
		rc = events_run(loop);
		/* Detach first, then take what is still in the buffers: no
		 * event is left half counted. */
		attach_close(&lt);
		if (!rc)
			rc = events_drain(loop);
	}
	metrics_close(metrics); /* a scrape in flight is cut off */
	events_close(loop);
	stacks_close();
	loader_close(&lt);
	libbpf_log_free();
	embedded_free(&payload);
	filters_free(filters);
	return rc;
}

/* A runner's table as this runtime knows it: an older, smaller one is
 * taken with the fields it lacks zeroed; a newer one only when what this
 * runtime does not know of is unset (libbpf's opts rule). */
static int tool_table(const struct bumble_tool *given, struct bumble_tool *t)
{
	size_t known = sizeof(*t), min = offsetof(struct bumble_tool, params) +
					 sizeof(given->params);

	memset(t, 0, sizeof(*t));
	if (given->sz < min)
		return -1;
	for (size_t i = known; i < given->sz; i++)
		if (((const unsigned char *)given)[i])
			return -1;
	memcpy(t, given, given->sz < known ? given->sz : known);
	t->sz = known;
	t->version = bumble_bundle.version;
	return 0;
}

/* A closed stdin, stdout or stderr (tool >&-) would be taken by the next
 * open, an epoll or BPF fd, and printed into: hold each with /dev/null. */
static void hold_std_fds(void)
{
	int null;

	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		null = open("/dev/null", O_RDWR);
		if (null >= 0 && null != fd) {
			dup2(null, fd);
			close(null);
		}
	}
}

int bumble_main(int argc, char **argv, const struct bumble_tool *given)
{
	struct bumble_tool table, *t = &table;
	struct run_opts opts;
	int rc;

	hold_std_fds();
	diag_set_name(given->name);
	if (tool_table(given, &table)) {
		diag_err("this runner was generated for another bumble "
			 "runtime (its table is %zu bytes, this runtime "
			 "knows %zu); bundle it again",
			 given->sz, sizeof(table));
		return BUMBLE_EXIT_PAYLOAD;
	}
	switch (cli_parse(argc, argv, t, &opts)) {
	case CLI_DONE:
		rc = BUMBLE_EXIT_OK;
		break;
	case CLI_USAGE:
		rc = BUMBLE_EXIT_USAGE;
		break;
	default:
		rc = BUMBLE_EXIT_OK;
		if (opts.verify)
			rc = embedded_verify(t);
		else if (opts.manifest)
			rc = embedded_print_manifest(t);
		else if (opts.print_gz)
			rc = embedded_print_gz(t, opts.print_gz);
		else if (opts.extract)
			rc = embedded_extract(t, opts.extract, opts.force);
		else if (opts.list)
			cli_list(t);
		else
			rc = run(t, &opts);
		break;
	}
	cli_free(t, &opts);
	/* --help, --list, --manifest ... must have reached stdout. */
	if (fflush(stdout) || ferror(stdout)) {
		diag_err("cannot write the output: %s", strerror(errno));
		if (!rc)
			rc = BUMBLE_EXIT_FAILURE;
	}
	return rc;
}
