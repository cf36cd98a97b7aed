/* btf2c: prints the types of a BTF file (raw, e.g. /sys/kernel/btf/vmlinux, or
 * an ELF object) as a C header in the layout of `bpftool btf dump file F format
 * c`, using the libbpf it is linked with, so that packed (1-byte) enums keep
 * their size; warns when that libbpf is too old to write them. The kernel's
 * kfuncs (functions tagged bpf_kfunc) follow as `extern ... __weak __ksym;`
 * prototypes, as bpftool 7.3 on writes them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

static unsigned int packed_enums_emitted;

static void emit(void *ctx, const char *fmt, va_list args)
{
	if (strstr(fmt, "mode(byte)"))
		packed_enums_emitted++;
	vfprintf(ctx, fmt, args);
}

/* The prototypes of the functions a decl tag "bpf_kfunc" marks, inside
 * #ifndef BPF_NO_KFUNC_PROTOTYPES for programs that declare their own. */
static int dump_kfuncs(struct btf_dump *dump, const struct btf *btf)
{
	LIBBPF_OPTS(btf_dump_emit_type_decl_opts, opts);
	__u32 n = btf__type_cnt(btf);

	printf("#ifndef __ksym\n#define __ksym "
	       "__attribute__((section(\".ksyms\")))\n#endif\n\n");
	printf("#ifndef __weak\n#define __weak __attribute__((weak))\n"
	       "#endif\n\n");
	printf("/* BPF kfuncs */\n#ifndef BPF_NO_KFUNC_PROTOTYPES\n");
	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		int err;

		if (!btf_is_decl_tag(t) ||
		    btf_decl_tag(t)->component_idx != -1 ||
		    strcmp(btf__name_by_offset(btf, t->name_off), "bpf_kfunc"))
			continue;
		t = btf__type_by_id(btf, t->type);
		if (!t || !btf_is_func(t))
			continue;
		printf("extern ");
		opts.field_name = btf__name_by_offset(btf, t->name_off);
		err = btf_dump__emit_type_decl(dump, t->type, &opts);
		if (err)
			return err;
		printf(" __weak __ksym;\n");
	}
	printf("#endif\n\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "/sys/kernel/btf/vmlinux";
	struct btf_dump *dump;
	struct btf *btf;
	__u32 id, n, packed_enums = 0;
	int err;

	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("btf2c (libbpf %s)\n", libbpf_version_string());
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr,
			"usage: btf2c [BTF_FILE]   (default %s)\n       btf2c "
			"--version\n",
			path);
		return 2;
	}
	if (argc == 2)
		path = argv[1];

	btf = btf__parse(path, NULL);
	if (!btf) {
		fprintf(stderr, "btf2c: cannot read BTF from %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	dump = btf_dump__new(btf, emit, stdout, NULL);
	if (!dump) {
		fprintf(stderr, "btf2c: btf_dump__new: %s\n", strerror(errno));
		return 1;
	}

	printf("#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n\n");
	printf("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
	printf("#pragma clang attribute push "
	       "(__attribute__((preserve_access_index)), apply_to = record)\n");
	printf("#endif\n\n");
	n = btf__type_cnt(btf);
	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (btf_is_enum(t) && t->size == 1)
			packed_enums++;
		err = btf_dump__dump_type(dump, id);
		if (err) {
			fprintf(stderr, "btf2c: dumping type [%u] of %s: %s\n",
				id, path, strerror(-err));
			return 1;
		}
	}
	err = dump_kfuncs(dump, btf);
	if (err) {
		fprintf(stderr, "btf2c: the kfuncs of %s: %s\n", path,
			strerror(-err));
		return 1;
	}
	printf("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute "
	       "pop\n#endif\n\n");
	printf("#endif /* __VMLINUX_H__ */\n");

	if (packed_enums_emitted < packed_enums)
		fprintf(
		    stderr,
		    "btf2c: warning: libbpf %s writes %u of the %u one-byte "
		    "enums of %s as "
		    "int-sized enums: structs containing them (e.g. struct "
		    "inode) get a wrong layout "
		    "in the output; newer libbpf writes them with mode(byte)\n",
		    libbpf_version_string(),
		    packed_enums - packed_enums_emitted, packed_enums, path);
	btf_dump__free(dump);
	btf__free(btf);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "btf2c: write error: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
