/* The BPF object of an input: compiled from C when needed, checked, and
 * relinked with libbpf's BPF linker to drop what the tool does not need. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bpf/libbpf.h>

#include "bundler.h"
#include "model.h"
#include "sbom.h"

int is_c_source(const char *path)
{
	size_t n = strlen(path);

	return n > 2 && !strcmp(path + n - 2, ".c");
}

/* Links the object with libbpf's BPF linker: the result keeps code, maps,
 * BTF and CO-RE relocations and drops DWARF, which is most of the size. */
static int link_object(const char *in, const char *out)
{
	struct bpf_linker *linker;
	int rc;

	/* libelf may fail without setting errno: never return 0 then */
	errno = 0;
	linker = bpf_linker__new(out, NULL);
	if (!linker)
		return errno ? -errno : -EINVAL;
	rc = bpf_linker__add_file(linker, in, NULL);
	if (!rc)
		rc = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	return rc > 0 ? -EINVAL : rc;
}

/* The fallback build at compiled, checked and linked into o->alu32_obj
 * (through COMPILED.linked); left out, saying so with -v, when any step
 * fails: the tool is whole without it. */
static void take_alu32(struct input_opts *o, const char *compiled)
{
	unsigned char *data = NULL;
	char msg[512], *linked;
	size_t size;

	if (read_file(compiled, &data, &size))
		return; /* not built: compile_bpf said why */
	if (asprintf(&linked, "%s.linked", compiled) < 0) {
		free(data);
		return;
	}
	if (gen_check_object(data, size, msg, sizeof(msg)) ||
	    link_object(compiled, linked)) {
		if (o->verbose)
			fprintf(stderr, "bumble: the 32-bit ALU build is "
					"unusable; the tool carries only the "
					"v1 build\n");
		o->alu32_obj = NULL;
	} else if (read_file(linked, &o->alu32_obj, &o->alu32_size)) {
		o->alu32_obj = NULL;
	}
	free(data);
	free(linked);
}

int load_input_object(struct input_opts *o, unsigned char **obj, size_t *size,
		      struct role_hints *hints)
{
	struct stat st;
	char *dir, *compiled = NULL, *linked = NULL, *alu32 = NULL;
	const char *object = o->input;
	char msg[512];
	int rc;

	*obj = NULL;
	input_opts_drop_alu32(o);
	if (stat(o->input, &st) != 0) {
		err("cannot read '%s': %s", o->input, strerror(errno));
		return EXIT_INPUT;
	}
	if (!S_ISREG(st.st_mode)) {
		err("'%s' is not a regular file", o->input);
		return EXIT_INPUT;
	}
	dir = tmpdir_make();
	if (!dir)
		return EXIT_FAIL;
	if (asprintf(&compiled, "%s/prog.bpf.o", dir) < 0 ||
	    asprintf(&linked, "%s/linked.bpf.o", dir) < 0 ||
	    (o->alu32_fallback &&
	     asprintf(&alu32, "%s/prog.alu32.bpf.o", dir) < 0)) {
		rc = EXIT_FAIL;
		goto out;
	}
	if (is_c_source(o->input)) {
		rc = compile_bpf(o, compiled, alu32, hints);
		if (rc)
			goto out;
		object = compiled;
		if (alu32)
			take_alu32(o, alu32);
	}
	rc = read_file(object, obj, size);
	if (rc) {
		err("cannot read '%s': %s", object, strerror(-rc));
		rc = EXIT_INPUT;
		goto out;
	}
	if (gen_check_object(*obj, *size, msg, sizeof(msg))) {
		err("%s: %s", o->input, msg);
		rc = EXIT_INPUT;
		goto out;
	}
	/* its DWARF names the compiler; the linked object has none */
	free(o->clang_version);
	o->clang_version = gen_object_clang(*obj, *size);
	free(*obj);
	*obj = NULL;
	rc = link_object(object, linked);
	if (rc) {
		if (libbpf_strerror(rc, msg, sizeof(msg)))
			snprintf(msg, sizeof(msg), "%s", strerror(-rc));
		err("%s: libbpf cannot link this BPF object: %s", o->input,
		    msg);
		rc = EXIT_INPUT;
		goto out;
	}
	rc = read_file(linked, obj, size);
	if (rc) {
		err("cannot read '%s': %s", linked, strerror(-rc));
		rc = EXIT_FAIL;
	}
out:
	if (rc) {
		free(*obj);
		*obj = NULL;
		input_opts_drop_alu32(o);
	}
	free(alu32);
	free(linked);
	free(compiled);
	tmpdir_rm(dir);
	return rc;
}
