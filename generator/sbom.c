/* A CycloneDX 1.5 SBOM: a tool (its program's source by digest) or bumble
 * itself as the main component, the Debian source packages linked into it
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

/* pkg:deb/debian/NAME@VERSION?arch=source, the version percent-encoded
 * where purl asks (an epoch's ':', a '+') */
static void purl_of(const struct sbom_component *c, char *out, size_t n)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_~";
	char version[256];
	size_t at = 0;

	for (const char *v = c->version; *v && at + 4 < sizeof(version); v++)
		if (strchr(plain, *v))
			version[at++] = *v;
		else
			at += (size_t)snprintf(version + at, 4, "%%%02X",
					       (unsigned char)*v);
	version[at] = 0;
	snprintf(out, n, "pkg:deb/debian/%s@%s?arch=source", c->name, version);
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

/* metadata: the time, the programs that built the subject, the subject
 * (a tool: its program's source by digest, and its bytecode's). */
static void put_metadata(struct json_writer *j, const struct sbom_input *in)
{
	const struct sbom_subject *s = &in->subject;

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
	jw_kv_string(j, "bom-ref", s->bom_ref);
	jw_kv_string(j, "name", s->name);
	jw_kv_string(j, "version", s->version);
	if (s->description && *s->description)
		jw_kv_string(j, "description", s->description);
	if (s->sha256)
		put_sha256(j, s->sha256);
	if (s->license)
		put_licenses(j, gen_license_spdx(s->license), s->license);
	if (s->source) {
		jw_key(j, "components");
		jw_array(j);
		jw_object(j);
		jw_kv_string(j, "type", "file");
		jw_kv_string(j, "bom-ref", "source");
		jw_kv_string(j, "name", s->source);
		put_sha256(j, s->source_sha256);
		jw_end(j, '}');
		jw_end(j, ']');
	}
	if (s->property) {
		jw_key(j, "properties");
		jw_array(j);
		put_property(j, s->property, s->property_value);
		jw_end(j, ']');
	}
	jw_end(j, '}');
	jw_end(j, '}');
}

int gen_sbom_parse_components(char *text, struct sbom_component *c,
			      unsigned int max, unsigned int *count)
{
	char *save = NULL;

	*count = 0;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *fs = NULL;
		int n = 0;

		if (*line == '#')
			continue;
		for (char *t = strtok_r(line, "\t", &fs); t && n < 6;
		     t = strtok_r(NULL, "\t", &fs))
			f[n++] = t;
		if (n != 6 || *count == max)
			return -1;
		c[(*count)++] =
		    (struct sbom_component){f[0], f[1], f[2], f[3], f[4], f[5]};
	}
	return *count ? 0 : -1;
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
	jw_kv_string(&j, "ref", in->subject.bom_ref);
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
