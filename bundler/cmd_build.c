/* bumble build: compile a BPF C program into a BPF object, nothing more. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"

static const char usage[] =
    "Usage: bumble build PROG.bpf.c [-o PROG.bpf.o] [-I DIR] [-D NAME[=VAL]]\n"
    "                    [--cflags FLAGS] [--arch ARCH] [-v]\n\n"
    "Compiles PROG.bpf.c with clang -target bpf against bumble's headers\n"
    "(vmlinux.h, bpf/*.h, bumble.h, solo_types.h). BumbleBee's map sections\n"
    "(SEC(\".maps.print\")) become \".maps\" so libbpf can load the object.\n"
    "--arch (default: this machine's) picks the arch's vmlinux.h and\n"
    "__TARGET_ARCH_ define.\n";

int cmd_build(int argc, char **argv)
{
	struct role_hints hints = {0};
	struct input_opts o;
	unsigned char *obj = NULL;
	char *out = NULL;
	size_t size;
	int rc, n;

	rc = input_opts_parse(argc, argv, "build",
			      TAKES_OUTPUT | TAKES_CFLAGS | TAKES_ARCH, usage,
			      &o);
	if (rc >= 0)
		goto done;
	n = (int)strlen(o.input);
	if (n < 3 || strcmp(o.input + n - 2, ".c")) {
		err("'%s' is not a C source (.c); build compiles BPF C "
		    "programs",
		    o.input);
		rc = EXIT_USAGE;
		goto done;
	}
	out = output_path(&o, "%s.bpf.o");
	if (!out) {
		rc = EXIT_USAGE;
		goto done;
	}
	rc = load_input_object(&o, &obj, &size, &hints);
	if (rc)
		goto done;
	rc = write_file_atomic(out, obj, size, 0644);
	if (rc) {
		err("cannot write %s: %s", out, strerror(-rc));
		rc = EXIT_FAIL;
	}
done:
	role_hints_free(&hints);
	free(obj);
	free(out);
	input_opts_free(&o);
	return rc;
}
