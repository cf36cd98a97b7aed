/* bumble_main: the life of a produced tool, from command line to clean
 * shutdown. Everything it does is in cli.c, loader.c and events.c. */
#include <stdio.h>

#include <bpf/libbpf.h>

#include "stub.h"

static void status_line(const struct bumble_tool *t,
			const struct loaded_tool *lt,
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
	(void)t;
}

int bumble_main(int argc, char **argv, const struct bumble_tool *t)
{
	struct loaded_tool lt = {0};
	struct event_loop *loop = NULL;
	struct filter_set *filters = NULL;
	struct run_opts opts;
	int rc;

	diag_set_name(t->name);
	if (t->sz < sizeof(struct bumble_tool)) {
		diag_err("this runner was generated for another bumble "
			 "runtime; bundle it again");
		return BUMBLE_EXIT_PAYLOAD;
	}
	switch (cli_parse(argc, argv, t, &opts)) {
	case CLI_DONE:
		cli_free(t, &opts);
		return BUMBLE_EXIT_OK;
	case CLI_USAGE:
		cli_free(t, &opts);
		return BUMBLE_EXIT_USAGE;
	case CLI_RUN:
		break;
	}
	if (opts.list) {
		cli_list(t);
		cli_free(t, &opts);
		return BUMBLE_EXIT_OK;
	}
	rc = filters_parse(t, &opts, &filters);
	if (!rc)
		rc = loader_check_privileges();
	if (!rc)
		rc = loader_check_btf(&opts);
	if (rc) {
		filters_free(filters);
		cli_free(t, &opts);
		return rc;
	}

	libbpf_log_init(opts.verbose);
	rc = loader_open(t, &opts, &lt);
	if (!rc)
		rc = attach_check_targets(&opts, &lt);
	if (!rc)
		rc = params_apply(t, &opts, lt.obj);
	if (!rc)
		rc = loader_load(t, &lt);
	if (!rc)
		rc = events_open(t, &opts, filters, lt.obj, &loop);
	if (!rc)
		rc = attach_all(&opts, &lt);
	if (!rc) {
		status_line(t, &lt, loop);
		events_header(loop);
		rc = events_run(loop);
		/* Detach first, then take what is still in the buffers: no
		 * event is left half counted. */
		attach_close(&lt);
		if (!rc)
			rc = events_drain(loop);
	}
	events_close(loop);
	loader_close(&lt);
	libbpf_log_free();
	filters_free(filters);
	cli_free(t, &opts);
	return rc;
}
