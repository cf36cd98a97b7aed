/* Shared pieces of the bumble CLI: subcommand entry points, the common
 * options of build/gen/bundle, paths of the installation, and helpers to
 * run tools and write files atomically. */
#ifndef BUMBLE_CLI_H
#define BUMBLE_CLI_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "arch.h"
#include "artifact.h"
#include "model.h"
#include "tar.h"
#include "payload.h"

/* Exit codes of the bumble CLI (docs/cli.md). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,	    /* internal or I/O error */
	EXIT_USAGE = 2,	    /* bad command line */
	EXIT_INPUT = 3,	    /* input is not a usable BPF program */
	EXIT_COMPILE = 4,   /* clang or the linker failed */
	EXIT_MISSING = 5,   /* a required tool is not installed */
	EXIT_KEY = 6,	    /* a signing key that cannot be used */
	EXIT_SIGNATURE = 7, /* a signature missing, damaged or not holding */
	EXIT_CACHE = 8,	    /* bumble's data cannot be unpacked or trusted */
};

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_build(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_push(int argc, char **argv);
int cmd_pull(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_tag(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_logout(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);

/* Writes a bundled tool as an OCI layout dir, OCI archive and/or
 * docker-archive (any may be NULL); with_sbom or a key (NULL: none)
 * attach its SBOM, a key signs it. Returns an exit code. */
struct sign_key;
int export_tool(const char *tool, const char *oci_dir, const char *oci_archive,
		const char *docker_archive, const char *tag, int force,
		int with_sbom, struct sign_key *key);
/* The same for several tools of one program, one per architecture: an
 * image index with a manifest per platform (not as a docker-archive). */
int export_tools(const char *const *tools, size_t count, const char *oci_dir,
		 const char *oci_archive, const char *docker_archive,
		 const char *tag, int force, int with_sbom,
		 struct sign_key *key);

/* Options shared by build, gen, bundle and inspect. */
struct input_opts {
	const char *input;  /* .bpf.c or .bpf.o */
	const char *output; /* -o */
	const char *name;   /* --name, default from the input's file name */
	const char *version;
	const char *description;
	const char *runner;	/* --runner FILE (bundle) */
	const char *oci_dir;	/* --oci DIR (bundle): export there too */
	const char *btf_dir;	/* --btf-dir DIR (bundle): embed kernel BTF */
	const char *sign_key;	/* --sign-key KEY (bundle): write TOOL.sig */
	const char *relink_kit; /* --relink-kit DIR (bundle) */
	char *clang_version;	/* of the object's compiler, once it is read */
	struct gen_event_override *events; /* --event MAP=STRUCT */
	size_t event_count;
	struct gen_role_hint *roles; /* --role MAP=ROLE */
	size_t role_count;
	struct gen_map_size *map_sizes; /* --map-size MAP=N */
	size_t map_size_count;
	struct gen_format_hint *formats; /* --format FIELD=NAME */
	size_t format_count;
	/* --attach PROG=TARGET, as .map = PROG, .type = TARGET */
	struct gen_event_override *attaches;
	size_t attach_count;
	/* --perf-event PROG=EVENT, as .map = PROG, .type = EVENT */
	struct gen_event_override *perf_events;
	size_t perf_event_count;
	/* --set NAME=VALUE, as .map = NAME, .type = VALUE */
	struct gen_event_override *sets;
	size_t set_count;
	const char **cflags; /* -I, -D, --cflags, in order */
	size_t cflag_count;
	/* --arch, in the order given; the host's when not given */
	const struct bumble_arch *arches[BUMBLE_ARCH_MAX];
	size_t arch_count;
	const struct bumble_arch *arch; /* the one being built: arches[i] */
	int verbose;
	/* bundle: build the fallback too; load_input_object leaves it, linked
	 * (malloc'ed), in alu32_obj when it could, and open_model replaces
	 * it by its form packed against the object (stub/packed.h) */
	int alu32_fallback;
	unsigned char *alu32_obj;
	size_t alu32_size;
};

/* Which options a subcommand takes, beyond the input. */
enum {
	TAKES_OUTPUT = 1,
	TAKES_CFLAGS = 2,
	TAKES_META = 4, /* --name, --version, --description */
	TAKES_RUNNER = 8,
	TAKES_EVENT = 16,  /* --event, --role, --map-size */
	TAKES_ARCH = 32,   /* --arch ARCH */
	TAKES_ARCHES = 64, /* --arch ARCH[,ARCH...] */
};

/* Parses argv of a subcommand; prints usage errors. Returns 0, or an exit
 * code (EXIT_OK after --help). */
int input_opts_parse(int argc, char **argv, const char *cmd, int takes,
		     const char *usage, struct input_opts *o);
void input_opts_free(struct input_opts *o);
/* Frees the fallback build o->alu32_obj, if any: none from then on. */
void input_opts_drop_alu32(struct input_opts *o);

/* What the source's calls tell about its maps (map_usage.c): event types
 * inferred from the calls that fill a map (a type "" marks a map filled
 * with more than one struct), and the maps it deletes from. */
struct map_usage {
	struct gen_event_override *events;
	size_t count;
	char **deleted; /* state: deleted from or replaced */
	size_t deleted_count;
	char **updated; /* given entries by the program */
	size_t updated_count;
	char **counted; /* globals only ever added to in place */
	size_t counted_count;
	/* keys and struct members only ever filled with values of one
	 * known meaning (a syscall tracepoint's id, ...) */
	struct gen_format_hint *formats;
	size_t format_count;
	int read; /* the source was read: the lists say all */
};

/* Reads clang's text AST dump (modified in place: lines split) for the
 * structs passed to bpf_perf_event_output, bpf_ringbuf_output and
 * bpf_ringbuf_reserve, directly or through the program's functions, for
 * the maps that are state, the globals that are counts, and for the
 * keys and struct members only ever filled from a tracepoint member of
 * known meaning. Adds them to out. Returns 0 or -1 (out of memory). */
int map_usage_scan(char *ast, struct map_usage *out);
void map_usage_free(struct map_usage *e);

/* Map roles learnt while compiling (BumbleBee's map sections), and the
 * event types inferred from the source. */
struct role_hints {
	struct gen_role_hint *hints;
	size_t count;
	struct map_usage events;
};

/* Rewrites SEC(".maps.print") and its kin to ".maps" in preprocessed
 * source, recording each map's role. Returns 0 or -1. */
int bee_rewrite_sections(char *text, struct role_hints *h);
void role_hints_free(struct role_hints *h);

/* The output path: -o, or fmt filled with the tool's name (--name, else
 * from the input file), after checking it may be written (check_output,
 * the input and --runner being inputs). NULL (having said why) on
 * failure; malloc'ed. */
char *output_path(const struct input_opts *o, const char *fmt);

/* Parameter help found in the program's source. */
struct param_docs {
	struct gen_param_help *helps;
	size_t count;
};

/* Collects help for `const volatile` globals from NUL-terminated source
 * text. The first help found for a name wins. Returns 0 or -1. */
int param_docs_scan(const char *text, struct param_docs *d);
void param_docs_free(struct param_docs *d);

/* The BPF object of the input: compiled from C when needed. *obj is
 * malloc'ed. Returns 0 or an exit code, having said why. */
int load_input_object(struct input_opts *o, unsigned char **obj, size_t *size,
		      struct role_hints *hints);

/* The model of the input; NULL (having said why, exit code in *rc) on
 * failure. The object bytes it borrows are returned in *obj, to be freed
 * after the model. */
struct gen_model *open_model(struct input_opts *o, unsigned char **obj,
			     int *rc);

/* Compiles a BPF C source to an object at out. Returns 0 or exit code. */
/* The clang bundling would run (BUMBLE_CLANG, else the first of clang,
 * clang-19, clang-16, clang-14 on PATH); malloc'ed, NULL if none. */
char *clang_find(void);
/* With alu32_out, the fallback build (v1 with 32-bit ALU) is written
 * there too, unless the user's flags name an ISA or it fails (said with
 * -v only): check for the file. */
int compile_bpf(const struct input_opts *o, const char *out,
		const char *alu32_out, struct role_hints *hints);

/* Does path name C source (*.c)? Then the input is compiled. */
int is_c_source(const char *path);

/* bumble's data tree (lib_cache.c): BUMBLE_LIBDIR as it is, else the
 * tree bumble carries, unpacked into its cache (BUMBLE_CACHE, else
 * XDG_CACHE_HOME/bumble, else ~/.cache/bumble) the first time. NULL
 * having said why (then exit EXIT_CACHE). */
const char *libdir(void);
/* rel (a file or directory of the tree) as a path, each file under it
 * checked against the digests bumble carries (once a run); a damaged
 * cache is moved aside and unpacked again. malloc'ed; NULL having said
 * why (exit EXIT_CACHE). */
char *lib_path(const char *rel);
/* Does the tree have rel (a file or a directory)? Nothing is unpacked. */
int lib_has(const char *rel);
/* Removes from the cache what is not this build's tree (other builds'
 * trees, damaged ones moved aside, temporary directories of bumbles that
 * are gone), saying each on stdout. 0, or -1 having said why; nothing
 * to do with BUMBLE_LIBDIR. */
int lib_cache_clean(void);

/* Finds a program on PATH; returns a malloc'ed path or NULL. */
char *find_program(const char *name);
/* The program env names when set, else the first of names on PATH;
 * malloc'ed, NULL (saying nothing) if none. */
char *find_first_program(const char *env, const char *const *names);
/* The same; on failure says which Debian package provides it. */
char *require_program(const char *env, const char *const *names,
		      const char *package);

/* Runs argv, waits; returns its exit status, or -1 if it did not run. */
int run_command(char *const argv[], int verbose);
/* The same, its stdout into the file stdout_path and its stderr into
 * /dev/null. */
int run_command_quiet_to(char *const argv[], int verbose,
			 const char *stdout_path);

/* The whole regular file at path, malloc'ed: 0, or -errno (-EINVAL for
 * a device, FIFO or socket, which is not waited on or read). */
int read_file(const char *path, unsigned char **data, size_t *size);
/* What read_file's error e says, for a message. */
const char *file_error(int e);
/* Writes data to path via a temporary file in the same directory and a
 * rename, so readers never see half a file. */
int write_file_atomic(const char *path, const void *data, size_t size,
		      int mode);
/* Checks that the directory of path exists, with a clear error. */
int check_output_dir(const char *path);
/* Checks, before any work, that path may be written: its directory
 * exists, and it is new or a regular file (a symbolic link is followed
 * to one, as cp does), not a device, FIFO, socket or directory, and
 * not the same file as any of inputs (NULL-terminated, may be NULL).
 * 0, or -1 having said why (a usage error). */
int check_output(const char *path, const char *const *inputs);
/* Do two outputs name one path (their directories resolved)? */
int same_output(const char *a, const char *b);
/* An OCI layout goes into a new directory or an existing one: 0, or -1
 * having said why (cmd_export.c). */
int check_layout_dir(const char *dir);
/* The same, the directory new or empty, for what (bundle's --oci and
 * --relink-kit, which write nothing into a full one): 0, or -1 having
 * said why. */
int check_empty_dir(const char *dir, const char *what);

/* What a stop signal removes before bumble dies of it (cleanup.c):
 * temporary directories (add 1, or 0 when removed), the temporary file
 * being written (NULL: none), and the process group of the program
 * being run (0: none). cleanup_install sets the handlers, once. */
void cleanup_install(void);
void cleanup_dir(const char *dir, int add);
/* The first temporary directory registered, or NULL: the programs bumble
 * runs keep their own temporary files there (TMPDIR), so that a stop
 * signal that kills them mid-way leaves none behind. */
const char *cleanup_first_dir(void);
void cleanup_tmpfile(const char *path);
void cleanup_child(pid_t pid);
/* bumble's own child processes (a bundle per arch): on a stop signal
 * each gets it too and is waited for (add 1, or 0 when reaped). A
 * helper forgets its siblings, which are not its own to stop. */
void cleanup_helper(pid_t pid, int add);
void cleanup_helpers_forget(void);
void cleanup_block(sigset_t *old);
/* rm -r of a directory bumble made (up to 8 levels deep). */
void cleanup_remove_tree(const char *path);
void cleanup_unblock(const sigset_t *old);
/* In a child about to exec: bumble's handlers off, signals unblocked. */
void cleanup_in_child(const sigset_t *old);

/* An output directory: made when missing (*made 1, and noted for the
 * stop-signal handler until cleanup_dir(dir, 0)), or there already (*made
 * 0). 0, or -errno having said why. */
int mkdir_noted(const char *dir, int *made);

/* A private temporary directory, removed with its files by tmpdir_rm. */
char *tmpdir_make(void);
void tmpdir_rm(char *dir);

/* The source annotation of an image: the input's file name, not its
 * path, so a bundle does not depend on where it was made. */
const char *source_name(const char *input);

/* The stem of an input file name: execsnoop.bpf.c -> execsnoop. */
char *name_from_path(const char *path);

/* Names in images (image_names.c). A tool's name is one component of an
 * OCI image name, [a-z0-9]+((.|_|__|-+)[a-z0-9]+)*, at most 64
 * characters; its version an OCI tag, at most 123 (VERSION-ebpf is a
 * tag too). The checks say why not, naming what (e.g. "--name"), and
 * return -1. */
int image_name_valid(const char *name);
int image_tag_valid(const char *tag, size_t max);
int check_tool_name(const char *name, const char *what);
int check_tool_version(const char *version, const char *what);
/* export --tag NAME[:TAG]: NAME may have a registry host and a path. */
int check_image_ref(const char *ref);
/* The tool name made from an input's file name: lowercase, characters
 * the grammar does not allow as '-'. NULL, having said why, if none. */
char *tool_name_from_path(const char *path);

/* --btf-dir: for each kernel BTF file of arch under dir (a directory
 * named after another arch, btfhub's arm64 or x86_64, is left out), the
 * types the program needs, gzip'd, as files for the artifact
 * (btf_embed.c). */
int btf_embed(const struct gen_model *m, const char *dir,
	      const struct bumble_arch *arch, const char *tmpdir, int verbose,
	      struct gen_files *files);

/* The SBOM (sbom.cdx.json.gz) and license texts (licenses.txt.gz) a
 * tool carries in its artifact's layer, from the model, the input and
 * the component table bumble installs (release_files.c). Appended to
 * files. An exit code, having said why. */
int release_files(const struct gen_model *m, const struct input_opts *o,
		  struct gen_files *files);

/* bundle --relink-kit DIR (relink_kit.c), DIR checked by check_empty_dir:
 * relink_kit_make writes the kit and links the tool with its relink.sh
 * at linked, payload appended. An exit code. */
int relink_kit_make(const char *dir, const struct bumble_arch *arch,
		    const char *cc, const char *inc, const char *runner,
		    const char *bundle_src, const struct gen_model *m,
		    const struct gen_artifact *a, const char *linked,
		    int verbose);

/* gzip of data[0..n), deterministic (no name, no time); malloc'ed. */
int gzip_buffer(const void *data, size_t n, unsigned char **out,
		size_t *out_len);
/* The data of gzip (or zlib) data[0..n), at most GUNZIP_MAX bytes;
 * malloc'ed. 0, or -1 when it is damaged or larger. */
#define GUNZIP_MAX (1ull << 30)
int gunzip_buffer(const void *data, size_t n, unsigned char **out, size_t *len);

/* Writes out: the linked executable, then the artifact as its payload
 * (tool_payload.c). Returns an exit code, having said why. */
int payload_write_tool(const char *linked, const struct gen_artifact *a,
		       const char *out);
/* The tool at out made from bumble's prelinked stub for an arch (no
 * linker): the stub's bytes, its slot filled with a's manifest digest,
 * version and arch, then a's payload. An exit code. */
int payload_write_prelinked(const char *stub, const struct gen_artifact *a,
			    const char *version, const char *arch,
			    const char *out);
/* The payload's bytes: the artifact and the trailer, payload_size(a)
 * of them written at p. */
size_t payload_size(const struct gen_artifact *a);
void payload_put(const struct gen_artifact *a, unsigned char *p);
/* Reads the payload of a tool file: manifest, config and layer, checked
 * against the manifest's digests. 0, or an exit code having said why. */
struct tool_payload {
	unsigned char *data; /* the whole file */
	struct payload_view v;
};

int payload_read(const char *tool, struct tool_payload *p);
void payload_free(struct tool_payload *p);

void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
