/* Fuzzes bumble's object intake on any bytes: the ELF checks, libbpf's BPF
 * linker on what passes them (as bumble relinks every object), and the
 * model of the linked object. Property: an object the checks pass never
 * crashes the linker or libbpf, and a refusal always says why. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "model.h"

/* libbpf 1.5's linker leaks on some of its error paths (found by this
 * harness: linker_append_btf_ext's records); bumble links once and
 * exits, so that is no leak of bumble's. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:bpf_linker__add_file\n";
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* A file in memory, and the path libbpf opens it by. */
static int memfile(const char *name, char *path, size_t len)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		abort();
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void open_model(const unsigned char *obj, size_t size)
{
	struct gen_opts opts = {.name = "fuzz"};
	struct gen_model *m;
	char err[512];

	err[0] = '\0';
	m = gen_model_open(obj, size, &opts, err, sizeof(err));
	if (!m && !err[0]) {
		fprintf(stderr, "refused without a message\n");
		abort();
	}
	gen_model_free(m);
}

/* libbpf's BPF linker on the object, as input_object.c runs it; the
 * linked object's bytes in *out, or NULL. */
static unsigned char *link_object(const uint8_t *data, size_t size,
				  size_t *out_size)
{
	char in_path[64], out_path[64];
	int in = memfile("in.bpf.o", in_path, sizeof(in_path));
	int out = memfile("out.bpf.o", out_path, sizeof(out_path));
	struct bpf_linker *linker;
	unsigned char *linked = NULL;
	off_t end;
	int rc = -1;

	if (write(in, data, size) != (ssize_t)size)
		abort();
	linker = bpf_linker__new(out_path, NULL);
	if (linker) {
		rc = bpf_linker__add_file(linker, in_path, NULL);
		if (!rc)
			rc = bpf_linker__finalize(linker);
		bpf_linker__free(linker);
	}
	end = lseek(out, 0, SEEK_END);
	if (!rc && end > 0) {
		linked = malloc((size_t)end);
		if (!linked || pread(out, linked, (size_t)end, 0) != end)
			abort();
		*out_size = (size_t)end;
	}
	close(in);
	close(out);
	return linked;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *obj, *linked;
	size_t linked_size = 0;
	char err[512];

	libbpf_set_print(quiet);
	/* aligned, as bumble's read_file gives it */
	obj = malloc(size ? size : 1);
	if (!obj)
		return 0;
	memcpy(obj, data, size);
	if (gen_check_object(obj, size, err, sizeof(err))) {
		if (!err[0])
			abort();
		free(obj);
		return 0;
	}
	open_model(obj, size);
	linked = link_object(obj, size, &linked_size);
	if (linked)
		open_model(linked, linked_size);
	free(linked);
	free(obj);
	return 0;
}
