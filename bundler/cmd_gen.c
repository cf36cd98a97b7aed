/* bumble gen: write the runner C source generated for a BPF program, for
 * the user to read or edit and link with bumble bundle --runner. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "model.h"

static const char usage[] =
    "Usage: bumble gen PROG.bpf.c|PROG.bpf.o [-o runner.c] [--name NAME]\n"
    "                  [--version VER] [--description TEXT] [-I DIR] [-D DEF]\n"
    "                  [--cflags FLAGS]\n"
    "                     [--event MAP=STRUCT] [--role MAP=ROLE]\n"
    "                     [--map-size MAP=N] [--set NAME=VALUE]\n"
    "                     [--format FIELD=NAME] [--attach PROG=TARGET]\n"
    "                     [--perf-event PROG=EVENT]\n"
    "                     [--arch ARCH] [-v]\n\n"
    "Writes the runner bumble generates from the program's BTF: event\n"
    "layouts, maps and programs as C tables, and the bytecode. Without -o\n"
    "it goes to standard output.\n";

int cmd_gen(int argc, char **argv)
{
	struct input_opts o;
	struct gen_model *m = NULL;
	unsigned char *obj = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int rc;

	rc = input_opts_parse(argc, argv, "gen",
			      TAKES_OUTPUT | TAKES_CFLAGS | TAKES_META |
				  TAKES_EVENT | TAKES_ARCH,
			      usage, &o);
	if (rc >= 0)
		goto done;
	if (o.output &&
	    check_output(o.output, (const char *const[]){o.input, NULL})) {
		rc = EXIT_USAGE;
		goto done;
	}
	m = open_model(&o, &obj, &rc);
	if (!m)
		goto done;
	mem = open_memstream(&text, &len);
	if (!mem || gen_emit_runner(mem, m) || fclose(mem)) {
		err("generating the runner failed");
		rc = EXIT_FAIL;
		goto done;
	}
	if (o.output) {
		rc = write_file_atomic(o.output, text, len, 0644);
		if (rc) {
			err("cannot write %s: %s", o.output, strerror(-rc));
			rc = EXIT_FAIL;
		}
	} else if (fwrite(text, 1, len, stdout) != len || fflush(stdout)) {
		rc = EXIT_FAIL;
	} else {
		rc = EXIT_OK;
	}
done:
	free(text);
	gen_model_free(m);
	free(obj);
	input_opts_free(&o);
	return rc;
}
