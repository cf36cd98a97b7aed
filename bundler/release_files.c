/* What a tool carries for its release: a CycloneDX SBOM and the license
 * texts of everything linked in, both gzip'd into the artifact's layer
 * (the tool's --sbom and --licenses print them). The component table and
 * the texts are installed with bumble (toolchain/release-data.sh). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"
#include "oci.h"
#include "sbom.h"
#include "sha256.h"

#ifndef BUMBLE_VERSION
#define BUMBLE_VERSION "0.0.0"
#endif

#define COMPONENTS_MAX 16

static int read_release(const char *name, unsigned char **data, size_t *size)
{
	char *path, *rel;
	int e;

	if (asprintf(&rel, "release/%s", name) < 0)
		return -1;
	path = lib_path(rel);
	free(rel);
	if (!path)
		return -1;
	e = read_file(path, data, size);
	if (e)
		err("bumble's release data %s cannot be read (%s); rebuild or "
		    "reinstall bumble (make, make install)",
		    path, strerror(-e));
	free(path);
	return e ? -1 : 0;
}

/* SOURCE_DATE_EPOCH's time, or NULL: the SBOM has no other time. */
static const char *sbom_time(char buf[32])
{
	if (!getenv("SOURCE_DATE_EPOCH"))
		return NULL;
	oci_created(buf);
	return buf;
}

/* The license texts: the program's declared license, then the installed
 * texts of everything linked in. malloc'ed, NULL when out of memory. */
static char *licenses_text(const struct gen_model *m, const char *source,
			   const char *license, const char *linked, size_t n,
			   size_t *len)
{
	const char *spdx = gen_license_spdx(license);
	char *head = NULL, *text;
	int h;

	h = asprintf(
	    &head,
	    "License texts of %s %s and of everything linked into it.\n\n"
	    "==== %s (the BPF program, from %s): declared license \"%s\"%s%s%s "
	    "====\n\n"
	    "The program's own terms are in its source; the texts of the "
	    "licenses\nnamed here that bumble links with follow below.\n\n",
	    m->name, m->version, m->name, source, license ? license : "none",
	    spdx ? " (SPDX " : "", spdx ? spdx : "", spdx ? ")" : "");
	if (h < 0)
		return NULL;
	text = malloc((size_t)h + n + 1);
	if (text) {
		memcpy(text, head, (size_t)h);
		memcpy(text + h, linked, n);
		text[h + n] = 0;
		*len = (size_t)h + n;
	}
	free(head);
	return text;
}

static int add_gz(struct gen_files *files, const char *path, const void *data,
		  size_t size)
{
	struct gen_file *grown, *f;

	grown = realloc(files->files, (files->count + 1) * sizeof(*grown));
	if (!grown)
		return -1;
	files->files = grown;
	f = &files->files[files->count];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path || gzip_buffer(data, size, &f->data, &f->size)) {
		free(f->path);
		free(f->data);
		return -1;
	}
	files->count++;
	return 0;
}

int release_files(const struct gen_model *m, const struct input_opts *o,
		  struct gen_files *files)
{
	struct sbom_component comps[COMPONENTS_MAX];
	struct sbom_tool tools[2] = {{"bumble", BUMBLE_VERSION}};
	unsigned char *table = NULL, *linked = NULL, *src = NULL;
	size_t table_size, linked_size, src_size, sbom_len, lic_len;
	char *license = NULL, *sbom = NULL, *lic = NULL;
	char digest[72], created[32];
	struct sbom_input in = {0};
	char *table_text = NULL;
	int rc = EXIT_FAIL, e;

	if (read_release("components.tsv", &table, &table_size) ||
	    read_release("LICENSES", &linked, &linked_size))
		goto out;
	table_text = strndup((char *)table, table_size);
	if (!table_text ||
	    gen_sbom_parse_components(table_text, comps, COMPONENTS_MAX,
				      &in.component_count)) {
		err("bumble's release data %s/release/components.tsv is "
		    "damaged; rebuild or reinstall bumble",
		    libdir());
		goto out;
	}
	e = read_file(o->input, &src, &src_size);
	if (e) {
		err("cannot read '%s': %s", o->input, file_error(e));
		goto out;
	}
	sha256_digest_string(src, src_size, digest);
	license = gen_object_license(m->bytecode, m->bytecode_size);
	in.tool_count = 1;
	if (o->clang_version)
		tools[in.tool_count++] =
		    (struct sbom_tool){"clang", o->clang_version};
	in.subject = (struct sbom_subject){
	    .bom_ref = "tool",
	    .name = m->name,
	    .version = m->version,
	    .description = m->description,
	    .license = license,
	    .source = source_name(o->input),
	    .source_sha256 = digest + strlen("sha256:"),
	    .property = "bumble:bytecode-digest",
	    .property_value = m->bytecode_digest,
	};
	in.components = comps;
	in.tools = tools;
	in.created = sbom_time(created);
	sbom = gen_sbom(&in, &sbom_len);
	lic = licenses_text(m, in.subject.source, license, (char *)linked,
			    linked_size, &lic_len);
	if (!sbom || !lic ||
	    add_gz(files, "sbom.cdx.json.gz", sbom, sbom_len) ||
	    add_gz(files, "licenses.txt.gz", lic, lic_len)) {
		err("out of memory");
		goto out;
	}
	rc = EXIT_OK;
out:
	free(lic);
	free(sbom);
	free(license);
	free(src);
	free(table_text);
	free(linked);
	free(table);
	return rc;
}
