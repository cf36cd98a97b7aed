/* What a tool (or bumble itself) is made of, as a CycloneDX 1.5 JSON
 * SBOM, and the license a BPF object declares: pure functions of the model
 * and of the component table bumble installs (toolchain/release-data.sh). */
#ifndef BUMBLE_SBOM_H
#define BUMBLE_SBOM_H

#include <stddef.h>

/* A component linked into every tool: a Debian source package. */
struct sbom_component {
	const char *name;	 /* Debian source package: elfutils */
	const char *version;	 /* Debian version: 0.188-2.1 */
	const char *linked;	 /* what a tool links of it: libelf */
	const char *license;	 /* SPDX expression */
	const char *orig_sha256; /* hex, of the upstream tarball */
	const char *dsc_sha256;	 /* hex, of the .dsc */
};

/* A program that built the tool (bumble, clang). */
struct sbom_tool {
	const char *name;
	const char *version;
};

/* What the SBOM describes: a tool, or bumble itself. */
struct sbom_subject {
	const char *bom_ref; /* "tool" */
	const char *name;
	const char *version;
	const char *description; /* or NULL */
	const char *license;	 /* as it declares it, or NULL */
	const char *sha256;	 /* hex digest of the subject itself, or NULL */
	const char *source;	 /* the file it was built from, or NULL */
	const char *source_sha256;  /* hex digest of that file */
	const char *property;	    /* one property's name, or NULL */
	const char *property_value; /* and its value */
};

struct sbom_input {
	struct sbom_subject subject;
	const struct sbom_component *components;
	unsigned int component_count;
	const struct sbom_tool *tools;
	unsigned int tool_count;
	const char *created; /* RFC 3339, or NULL: no timestamp */
};

/* The SBOM as compact JSON; malloc'ed, NULL when out of memory. */
char *gen_sbom(const struct sbom_input *in, size_t *len);

/* The component table release-data.sh writes (one tab-separated line
 * of six fields a component, '#' lines skipped), parsed in place: text
 * is modified and c[] points into it. 0, or -1 when it is damaged, empty
 * or holds more than max components. */
int gen_sbom_parse_components(char *text, struct sbom_component *c,
			      unsigned int max, unsigned int *count);

/* The SPDX expression for a license string of a BPF object's license
 * section ("GPL", "Dual BSD/GPL", ...), NULL when there is none. */
const char *gen_license_spdx(const char *declared);

/* The NUL-terminated string in the "license" section of the BPF object
 * obj[0..size), malloc'ed; NULL if it has none. */
char *gen_object_license(const void *obj, size_t size);

/* The version of the clang that compiled obj[0..size) ("14.0.6"), from
 * its DWARF producer, malloc'ed; NULL if it does not say. */
char *gen_object_clang(const void *obj, size_t size);

#endif
