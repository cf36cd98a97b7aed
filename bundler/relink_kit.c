/* bundle --relink-kit DIR: what a recipient of the tool needs to relink it
 * with a changed libbpf or libelf (the LGPL's terms): the runner object,
 * bumble's runtime and the libraries as archives, the eBPF payload, and
 * relink.sh, the exact commands. bumble links the tool with that very
 * script, so the kit rebuilds the tool byte for byte. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arch.h"
#include "bundler.h"

static const char *const kit_archives[] = {"libbumble-runtime.a", "libbpf.a",
					   "libelf.a", "libz.a"};

static const char relink_sh[] =
    "#!/bin/sh\n"
    "# Relinks %s from this kit: its runner object with bumble's runtime\n"
    "# and the libraries (replace libbpf.a or libelf.a here with your own\n"
    "# build first), then appends the tool's eBPF payload. bumble bundle\n"
    "# made the tool with this very script.\n"
    "#   usage: sh relink.sh [OUTPUT]   (default ./%s; CC: musl-gcc)\n"
    "set -eu\n"
    "# (an x after each, so that a name ending in a newline keeps it)\n"
    "kit=$(dirname -- \"$0\"; echo x)\n"
    "kit=$(cd -- \"${kit%%?x}\" && pwd; echo x)\n"
    "kit=${kit%%?x}\n"
    "out=${1:-%s}\n"
    "${CC:-musl-gcc} -static -Os -s -Wl,--gc-sections -o \"$out.relink\" \\\n"
    "\t\"$kit/runner.o\" -Wl,--start-group \"$kit/libbumble-runtime.a\" \\\n"
    "\t\"$kit/libbpf.a\" \"$kit/libelf.a\" \"$kit/libz.a\" -Wl,--end-group\n"
    "cat \"$kit/payload.bin\" >>\"$out.relink\"\n"
    "mv \"$out.relink\" \"$out\"\n";

static const char readme[] =
    "Relink kit of %s %s\n"
    "\n"
    "The tool %s links libbpf (LGPL-2.1 or BSD-2-Clause) and libelf of\n"
    "elfutils (LGPL-3.0-or-later or GPL-2.0-or-later) statically. The\n"
    "LGPL lets you replace them with versions you changed; this kit is\n"
    "what you need for that. Run `%s --licenses` for the license texts\n"
    "and `%s --sbom` for the exact versions and sources linked.\n"
    "\n"
    "  runner.o             the tool's own code: its generated runner\n"
    "                       (runner.c, the source, is here too) and\n"
    "                       bundle.c, compiled with musl-gcc -Os\n"
    "  libbumble-runtime.a  bumble's runtime, compiled against musl\n"
    "  libbpf.a libelf.a    the libraries as linked: replace either\n"
    "  libz.a               zlib, which both use\n"
    "  payload.bin          the eBPF program and its OCI manifest, which\n"
    "                       the tool carries after its code\n"
    "  relink.sh            the exact link command\n"
    "\n"
    "To relink: build your libbpf or libelf as a static library against\n"
    "musl (musl-tools' musl-gcc; bumble's toolchain/build-sysroot.sh does\n"
    "it from Debian's sources), put the .a here in place of the old one,\n"
    "and run `sh relink.sh ./%s`. Unchanged, the kit gives back the\n"
    "same file byte for byte. The new tool checks its payload as before\n"
    "(`./%s --verify`); a libbpf with another API than %s's may not link.\n";

static int write_text(const char *dir, const char *name, const char *text,
		      int mode)
{
	char *path;
	int e;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return EXIT_FAIL;
	e = write_file_atomic(path, text, strlen(text), mode);
	if (e)
		err("cannot write %s: %s", path, strerror(-e));
	free(path);
	return e ? EXIT_FAIL : EXIT_OK;
}

static int copy_into(const char *dir, const char *name, const char *from)
{
	unsigned char *data = NULL;
	size_t size;
	char *path = NULL;
	int e = read_file(from, &data, &size);

	if (e) {
		err("cannot read %s: %s; rebuild or reinstall bumble", from,
		    strerror(-e));
		return EXIT_FAIL;
	}
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		path = NULL;
	e = path ? write_file_atomic(path, data, size, 0644) : -ENOMEM;
	if (e)
		err("cannot write %s/%s: %s", dir, name, strerror(-e));
	free(path);
	free(data);
	return e ? EXIT_FAIL : EXIT_OK;
}

/* A kit that failed half way: its files go, and the directory if bumble
 * made it (check_empty_dir let only a new or empty one through). */
static void kit_remove(const char *dir, int made)
{
	static const char *const files[] = {"runner.o",	 "runner.c",
					    "bundle.c",	 "payload.bin",
					    "relink.sh", "README"};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		if (snprintf(path, sizeof(path), "%s/%s", dir, files[i]) <
		    (int)sizeof(path))
			unlink(path);
	for (size_t i = 0; i < sizeof(kit_archives) / sizeof(*kit_archives);
	     i++)
		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     kit_archives[i]) < (int)sizeof(path))
			unlink(path);
	if (made)
		rmdir(dir);
}

int relink_kit_make(const char *dir, const struct bumble_arch *arch,
		    const char *cc, const char *inc, const char *runner,
		    const char *bundle_src, const struct gen_model *m,
		    const struct gen_artifact *a, const char *linked,
		    int verbose)
{
	unsigned char *payload = NULL;
	char *obj = NULL, *script = NULL, *text = NULL, *from = NULL;
	int rc = EXIT_FAIL, e, made;

	/* a stop signal removes a half-made kit in a directory of bumble's
	 * own (one given may be a link, which the handler would remove) */
	if (mkdir_noted(dir, &made))
		return EXIT_FAIL;
	if (asprintf(&obj, "%s/runner.o", dir) < 0 ||
	    asprintf(&script, "%s/relink.sh", dir) < 0)
		goto out;
	{
		char *argv[] = {(char *)cc,
				"-Os",
				"-I",
				(char *)inc,
				"-c",
				"-o",
				obj,
				"-include",
				(char *)runner,
				(char *)bundle_src,
				NULL};

		if (run_command(argv, verbose) != 0) {
			err("compiling the runner for the relink kit failed "
			    "(the messages are above)");
			rc = EXIT_COMPILE;
			goto out;
		}
	}
	rc = copy_into(dir, "runner.c", runner);
	if (!rc)
		rc = copy_into(dir, "bundle.c", bundle_src);
	for (size_t i = 0;
	     !rc && i < sizeof(kit_archives) / sizeof(*kit_archives); i++) {
		char rel[64];

		free(from);
		snprintf(rel, sizeof(rel), "stub/kit/%s", kit_archives[i]);
		from = arch_path(arch, rel);
		if (!from) {
			rc = EXIT_CACHE;
			break;
		}
		rc = copy_into(dir, kit_archives[i], from);
	}
	if (rc)
		goto out;
	rc = EXIT_FAIL;
	payload = malloc(payload_size(a));
	if (!payload)
		goto out;
	payload_put(a, payload);
	free(from);
	from = NULL;
	if (asprintf(&from, "%s/payload.bin", dir) < 0) {
		from = NULL;
		goto out;
	}
	e = write_file_atomic(from, payload, payload_size(a), 0644);
	if (e) {
		err("cannot write %s: %s", from, strerror(-e));
		goto out;
	}
	if (asprintf(&text, relink_sh, m->name, m->name, m->name) < 0) {
		text = NULL;
		goto out;
	}
	rc = write_text(dir, "relink.sh", text, 0755);
	free(text);
	text = NULL;
	if (!rc && asprintf(&text, readme, m->name, m->version, m->name,
			    m->name, m->name, m->name, m->name, m->name) < 0) {
		text = NULL;
		rc = EXIT_FAIL;
	}
	if (!rc)
		rc = write_text(dir, "README", text, 0644);
	if (rc)
		goto out;
	/* the tool itself: linked by the kit's script */
	if (setenv("CC", cc, 1)) {
		rc = EXIT_FAIL;
		goto out;
	}
	{
		char *argv[] = {"/bin/sh", script, (char *)linked, NULL};

		if (run_command(argv, verbose) != 0) {
			err("linking the tool with %s failed (the messages "
			    "are above)",
			    script);
			rc = EXIT_COMPILE;
		}
	}
out:
	if (made)
		cleanup_dir(dir, 0);
	if (rc)
		kit_remove(dir, made);
	free(text);
	free(from);
	free(payload);
	free(script);
	free(obj);
	return rc;
}
