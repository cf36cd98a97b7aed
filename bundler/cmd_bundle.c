/* bumble bundle: BPF C program -> one static executable. Compiles with
 * clang, generates the runner from BTF, links it with the musl stub. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bumble.h"
#include "model.h"

static const char usage[] =
    "Usage: bumble bundle PROG.bpf.c|PROG.bpf.o [-o TOOL] [--name NAME]\n"
    "                     [--version VER] [--description TEXT]\n"
    "                     [--runner runner.c] [-I DIR] [-D DEF]\n"
    "                     [--cflags FLAGS]\n"
    "                     [--event MAP=STRUCT] [--oci DIR] [--btf-dir DIR]\n"
    "                     [-v]\n\n"
    "Builds TOOL (default: ./NAME), a static executable that carries the\n"
    "program's bytecode, loads and attaches it, and prints its events.\n"
    "--runner links a runner written by 'bumble gen' (maybe edited)\n"
    "instead of generating one. --oci DIR also exports the tool there as\n"
    "an OCI image layout (see bumble export). --btf-dir DIR embeds, for\n"
    "each kernel BTF file under DIR (ID/VERSION/ARCH/RELEASE.btf), the\n"
    "types the program needs, for hosts without /sys/kernel/btf/vmlinux.\n";

static int write_runner(const struct gen_model *m, const char *dir,
			char **runner)
{
	FILE *f;
	int rc = EXIT_OK;

	if (asprintf(runner, "%s/runner.c", dir) < 0) {
		*runner = NULL;
		return EXIT_FAIL;
	}
	for (unsigned int i = 0; i < m->map_count; i++)
		if (m->maps[i].role == BUMBLE_ROLE_PRINT && !m->maps[i].event)
			fprintf(stderr,
				"bumble: warning: map '%s' is to be printed "
				"but declares no event type, so the tool "
				"cannot decode it; add __type(value, struct "
				"NAME) to the map\n",
				m->maps[i].name);
	f = fopen(*runner, "w");
	if (!f || gen_emit_runner(f, m) || fclose(f)) {
		err("cannot write %s: %s", *runner, strerror(errno));
		rc = EXIT_FAIL;
	}
	return rc;
}

/* The linked executable with the payload after it: one file. */
static int assemble(const struct gen_model *m, const char *source,
		    const char *linked, const char *out)
{
	unsigned char *exe = NULL, *payload = NULL, *tool;
	size_t exe_size, payload_size;
	int rc;

	if (read_file(linked, &exe, &exe_size) != 0) {
		err("cannot read the linked tool %s", linked);
		return EXIT_FAIL;
	}
	if (payload_build(m, source, &payload, &payload_size)) {
		err("building the embedded OCI payload failed");
		free(exe);
		return EXIT_FAIL;
	}
	tool = realloc(exe, exe_size + payload_size);
	if (!tool) {
		free(exe);
		free(payload);
		return EXIT_FAIL;
	}
	memcpy(tool + exe_size, payload, payload_size);
	rc = write_file_atomic(out, tool, exe_size + payload_size, 0755);
	if (rc) {
		err("cannot write %s: %s", out, strerror(-rc));
		rc = EXIT_FAIL;
	}
	free(tool);
	free(payload);
	return rc;
}

static int link_tool(const struct input_opts *o, const char *runner,
		     const char *out)
{
	static const char *const muslgcc[] = {"musl-gcc", NULL};
	char *cc, *inc = NULL, *stub = NULL;
	int status, rc = EXIT_OK;

	cc = require_program("BUMBLE_MUSL_GCC", muslgcc, "musl-tools");
	if (!cc)
		return EXIT_MISSING;
	if (asprintf(&inc, "-I%s/stub/include", libdir()) < 0 ||
	    asprintf(&stub, "%s/stub/libbumble-stub.a", libdir()) < 0) {
		free(cc);
		return EXIT_FAIL;
	}
	if (access(stub, R_OK) != 0) {
		err("bumble's runtime stub is missing (%s); rebuild or "
		    "reinstall bumble (make, make install)",
		    stub);
		rc = EXIT_FAIL;
	} else {
		char *argv[] = {cc,
				"-static",
				"-Os",
				"-s",
				"-Wl,--gc-sections",
				inc,
				"-o",
				(char *)out,
				(char *)runner,
				stub,
				NULL};

		status = run_command(argv, o->verbose);
		if (status != 0) {
			err("linking the tool failed (%s exited %d; the "
			    "messages are above)",
			    cc, status);
			rc = EXIT_COMPILE;
		}
	}
	free(stub);
	free(inc);
	free(cc);
	return rc;
}

int cmd_bundle(int argc, char **argv)
{
	struct input_opts o;
	struct gen_model *m = NULL;
	unsigned char *obj = NULL;
	char *dir = NULL, *runner = NULL, *linked = NULL, *out = NULL;
	int rc;

	rc = input_opts_parse(argc, argv, "bundle",
			      TAKES_OUTPUT | TAKES_CFLAGS | TAKES_META |
				  TAKES_RUNNER | TAKES_EVENT,
			      usage, &o);
	if (rc >= 0)
		goto done;
	out = output_path(&o, "./%s");
	if (!out) {
		rc = EXIT_USAGE;
		goto done;
	}
	if (o.runner && access(o.runner, R_OK) != 0) {
		err("cannot read the runner '%s': %s", o.runner,
		    strerror(errno));
		rc = EXIT_INPUT;
		goto done;
	}
	dir = tmpdir_make();
	if (!dir) {
		rc = EXIT_FAIL;
		goto done;
	}
	m = open_model(&o, &obj, &rc);
	if (!m)
		goto done;
	if (o.btf_dir && (rc = btf_embed(m, o.btf_dir, dir, o.verbose)))
		goto done;
	if (payload_manifest_digest(m, source_name(o.input))) {
		err("building the embedded OCI payload failed");
		rc = EXIT_FAIL;
		goto done;
	}
	if (o.runner)
		runner = strdup(o.runner);
	else if ((rc = write_runner(m, dir, &runner)))
		goto done;
	if (asprintf(&linked, "%s/tool", dir) < 0) {
		rc = EXIT_FAIL;
		goto done;
	}
	rc = link_tool(&o, runner, linked);
	if (!rc)
		rc = assemble(m, source_name(o.input), linked, out);
	if (!rc && o.verbose)
		fprintf(stderr, "bumble: wrote %s\n", out);
	if (!rc && o.oci_dir)
		rc = export_tool(out, o.oci_dir, NULL, NULL, NULL, 0);
done:
	gen_model_free(m);
	free(obj);
	free(linked);
	free(runner);
	tmpdir_rm(dir);
	free(out);
	input_opts_free(&o);
	return rc;
}
