/* bumble inspect: show what a BPF program holds as bumble sees it:
 * programs and their attach sections, maps and roles, event layouts. */
#include <stdio.h>
#include <stdlib.h>

#include "bundler.h"
#include "model.h"

static const char usage[] =
    "Usage: bumble inspect PROG.bpf.c|PROG.bpf.o [-I DIR] [-D DEF]\n"
    "                      [--cflags FLAGS]\n"
    "                     [--event MAP=STRUCT] [--role MAP=ROLE]\n"
    "                     [--map-size MAP=N] [--set NAME=VALUE]\n"
    "                     [--format FIELD=NAME] [--attach PROG=TARGET]\n"
    "                     [--perf-event PROG=EVENT]\n"
    "                     [--arch ARCH] [-v]\n\n"
    "Lists programs with their sections, maps with their roles (print,\n"
    "counter, gauge, hist) and the decoded layout of each event struct,\n"
    "for --arch (default: this machine's).\n";

int cmd_inspect(int argc, char **argv)
{
	struct input_opts o;
	struct gen_model *m;
	unsigned char *obj = NULL;
	int rc;

	rc = input_opts_parse(argc, argv, "inspect",
			      TAKES_CFLAGS | TAKES_EVENT | TAKES_ARCH, usage,
			      &o);
	if (rc >= 0) {
		input_opts_free(&o);
		return rc;
	}
	m = open_model(&o, &obj, &rc);
	if (m)
		gen_describe(stdout, m);
	gen_model_free(m);
	free(obj);
	input_opts_free(&o);
	return rc;
}
