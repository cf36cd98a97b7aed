/* A tool's CycloneDX 1.5 SBOM: the tool as the main component (its
 * program's source by digest), the Debian source packages linked into it
 * (purl, license, the SHA-256 the toolchain verified), and the programs
 * that built it. Deterministic: same inputs, same bytes. */
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"
#include "sbom.h"

/* The kernel's license strings of BPF programs (include/linux/license.h)
 * and the SPDX expression each stands for. */
static const struct {
	const char *declared, *spdx;
} licenses[] = {
    {"GPL", "GPL-2.0-or-later"},
    {"GPL v2", "GPL-2.0-only"},
    {"GPL and additional rights", "GPL-2.0-or-later"},
    {"Dual BSD/GPL", "BSD-2-Clause OR GPL-2.0-only"},
    {"Dual MIT/GPL", "MIT OR GPL-2.0-only"},
    {"Dual MPL/GPL", "MPL-1.1 OR GPL-2.0-only"},
};

const char *gen_license_spdx(const char *declared)
{
	for (size_t i = 0; i < sizeof(licenses) / sizeof(licenses[0]); i++)
		if (declared && !strcmp(declared, licenses[i].declared))
			return licenses[i].spdx;
	return NULL;
}

/* The section named name of the ELF object obj[0..size), as
 * pick(data, n) makes of it (malloc'ed); NULL if there is none. */
static char *from_section(const void *obj, size_t size, const char *name,
			  char *(*pick)(const char *data, size_t n))
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	char *found = NULL;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)obj, size);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *n;

		if (!gelf_getshdr(scn, &sh))
			break;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name))
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf && d->d_size)
			found = pick(d->d_buf, d->d_size);
		break;
	}
out:
	if (elf)
		elf_end(elf);
	return found;
}

static char *first_string(const char *data, size_t n)
{
	return strndup(data, n);
}

/* "14.0.6" of the producer "Debian clang version 14.0.6 (...)" */
static char *clang_version(const char *data, size_t n)
{
	static const char key[] = "clang version ";
	const char *at = memmem(data, n, key, sizeof(key) - 1), *end;

	if (!at)
		return NULL;
	at += sizeof(key) - 1;
	for (end = at; end < data + n && *end && *end != ' '; end++)
		;
	return end > at ? strndup(at, (size_t)(end - at)) : NULL;
}

char *gen_object_license(const void *obj, size_t size)
{
	return from_section(obj, size, "license", first_string);
}

char *gen_object_clang(const void *obj, size_t size)
{
	return from_section(obj, size, ".debug_str", clang_version);
}

/* A license: an SPDX expression, or the name as declared. */
static void put_licenses(struct json_writer *j, const char *spdx,
			 const char *name)
{
	jw_key(j, "licenses");
	jw_array(j);
	jw_object(j);
	if (spdx) {
		jw_kv_string(j, "expression", spdx);
	} else {
		jw_key(j, "license");
		jw_object(j);
		jw_kv_string(j, "name", name);
		jw_end(j, '}');
	}
	jw_end(j, '}');
	jw_end(j, ']');
}

static void put_sha256(struct json_writer *j, const char *hex)
{
	jw_key(j, "hashes");
	jw_array(j);
	jw_object(j);
	jw_kv_string(j, "alg", "SHA-256");
	jw_kv_string(j, "content", hex);
	jw_end(j, '}');
	jw_end(j, ']');
}

static void put_property(struct json_writer *j, const char *name,
			 const char *value)
{
	jw_object(j);
	jw_kv_string(j, "name", name);
	jw_kv_string(j, "value", value);
	jw_end(j, '}');
}

/* pkg:deb/debian/NAME@VERSION?arch=source, the epoch's ':' escaped */
static void purl_of(const struct sbom_component *c, char *out, size_t n)
{
	const char *colon = strchr(c->version, ':');

	if (colon)
		snprintf(out, n, "pkg:deb/debian/%s@%.*s%%3A%s?arch=source",
			 c->name, (int)(colon - c->version), c->version,
			 colon + 1);
	else
		snprintf(out, n, "pkg:deb/debian/%s@%s?arch=source", c->name,
			 c->version);
}

static void put_component(struct json_writer *j, const struct sbom_component *c)
{
	char purl[512], what[256];

	purl_of(c, purl, sizeof(purl));
	snprintf(what, sizeof(what), "%s, linked statically", c->linked);
	jw_object(j);
	jw_kv_string(j, "type", "library");
	jw_kv_string(j, "bom-ref", purl);
	jw_kv_string(j, "name", c->name);
	jw_kv_string(j, "version", c->version);
	jw_kv_string(j, "description", what);
	put_sha256(j, c->orig_sha256);
	put_licenses(j, c->license, NULL);
	jw_kv_string(j, "purl", purl);
	jw_key(j, "properties");
	jw_array(j);
	put_property(j, "bumble:debian-dsc-sha256", c->dsc_sha256);
	jw_end(j, ']');
	jw_end(j, '}');
}

/* metadata: the time, the programs that built the tool, the tool. */
static void put_metadata(struct json_writer *j, const struct sbom_input *in)
{
	const struct gen_model *m = in->m;

	jw_key(j, "metadata");
	jw_object(j);
	if (in->created)
		jw_kv_string(j, "timestamp", in->created);
	jw_key(j, "tools");
	jw_object(j);
	jw_key(j, "components");
	jw_array(j);
	for (unsigned int i = 0; i < in->tool_count; i++) {
		jw_object(j);
		jw_kv_string(j, "type", "application");
		jw_kv_string(j, "name", in->tools[i].name);
		jw_kv_string(j, "version", in->tools[i].version);
		jw_end(j, '}');
	}
	jw_end(j, ']');
	jw_end(j, '}');
	jw_key(j, "component");
	jw_object(j);
	jw_kv_string(j, "type", "application");
	jw_kv_string(j, "bom-ref", "tool");
	jw_kv_string(j, "name", m->name);
	jw_kv_string(j, "version", m->version);
	if (m->description && *m->description)
		jw_kv_string(j, "description", m->description);
	if (in->license)
		put_licenses(j, gen_license_spdx(in->license), in->license);
	/* the program's source, by digest: what the tool was built from */
	jw_key(j, "components");
	jw_array(j);
	jw_object(j);
	jw_kv_string(j, "type", "file");
	jw_kv_string(j, "bom-ref", "source");
	jw_kv_string(j, "name", in->source);
	put_sha256(j, in->source_sha256);
	jw_end(j, '}');
	jw_end(j, ']');
	jw_key(j, "properties");
	jw_array(j);
	put_property(j, "bumble:bytecode-digest", m->bytecode_digest);
	jw_end(j, ']');
	jw_end(j, '}');
	jw_end(j, '}');
}

char *gen_sbom(const struct sbom_input *in, size_t *len)
{
	struct json_writer j;
	char purl[512];

	jw_init(&j);
	jw_object(&j);
	jw_kv_string(&j, "bomFormat", "CycloneDX");
	jw_kv_string(&j, "specVersion", "1.5");
	jw_kv_int(&j, "version", 1);
	put_metadata(&j, in);
	jw_key(&j, "components");
	jw_array(&j);
	for (unsigned int i = 0; i < in->component_count; i++)
		put_component(&j, &in->components[i]);
	jw_end(&j, ']');
	jw_key(&j, "dependencies");
	jw_array(&j);
	jw_object(&j);
	jw_kv_string(&j, "ref", "tool");
	jw_key(&j, "dependsOn");
	jw_array(&j);
	for (unsigned int i = 0; i < in->component_count; i++) {
		purl_of(&in->components[i], purl, sizeof(purl));
		jw_string(&j, purl);
	}
	jw_end(&j, ']');
	jw_end(&j, '}');
	jw_end(&j, ']');
	jw_end(&j, '}');
	return jw_finish(&j, len);
}
