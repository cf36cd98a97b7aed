/* BumbleBee's images (config application/ebpf.oci.image.config.v1+json,
 * one layer application/ebpf.oci.image.program.v1+binary: a BPF object)
 * bundled into a tool on this host, so they keep working with bumble. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pull.h"

int pull_bee_bundle(const char *repo, const struct reg_buf *layer,
		    struct pulled_tool *t)
{
	const char *base = strrchr(repo, '/');
	char *dir = tmpdir_make(), *obj = NULL, *out = NULL, *name = NULL;
	unsigned char *data;
	size_t size;
	int rc = EXIT_FAIL;

	base = base ? base + 1 : repo;
	if (!dir)
		return EXIT_FAIL;
	name = strdup(base);
	/* a tool name is a C identifier's worth: dashes and dots go */
	for (char *p = name; p && *p; p++)
		if (*p == '-' || *p == '.')
			*p = '_';
	if (!name || asprintf(&obj, "%s/%s.bpf.o", dir, name) < 0 ||
	    asprintf(&out, "%s/%s", dir, name) < 0)
		goto out;
	rc = write_file_atomic(obj, layer->data, layer->len, 0644);
	if (rc) {
		err("cannot write %s: %s", obj, strerror(-rc));
		rc = EXIT_FAIL;
		goto out;
	}
	fprintf(stderr,
		"bumble: %s is a BumbleBee image; bundling its program\n",
		repo);
	{
		char *argv[] = {"bundle", "-o", out, "--name", name, obj, NULL};

		rc = cmd_bundle(6, argv);
	}
	if (rc)
		goto out;
	rc = read_file(out, &data, &size);
	if (rc) {
		err("cannot read %s: %s", out, strerror(-rc));
		rc = EXIT_FAIL;
		goto out;
	}
	t->data = data;
	t->size = size;
	t->name = name;
	name = NULL;
out:
	unlink(obj ? obj : "");
	unlink(out ? out : "");
	free(obj);
	free(out);
	free(name);
	tmpdir_rm(dir);
	return rc;
}
