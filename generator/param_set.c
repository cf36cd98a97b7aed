/* bumble bundle --set NAME=VALUE: a parameter's default written into the
 * object's .rodata, where its initial value lives, before the model and
 * the tool's digests are made from the object. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "enum_names.h"
#include "model_int.h"

/* The value's bytes (p->size * p->count of them) into buf; -1 if the text
 * is no value of the parameter's kind. */
static int parse_value(const struct gen_param *p, const char *text,
		       unsigned char *buf)
{
	unsigned long long u;
	long long s;
	char *end;

	memset(buf, 0, (size_t)p->size * p->count);
	if (p->kind == BUMBLE_KIND_CHARS) {
		if (strlen(text) >= p->count)
			return -1;
		memcpy(buf, text, strlen(text));
		return 0;
	}
	if (p->kind == BUMBLE_KIND_BOOL) {
		if (!strcasecmp(text, "true") || !strcmp(text, "1"))
			buf[0] = 1;
		else if (strcasecmp(text, "false") && strcmp(text, "0"))
			return -1;
		return 0;
	}
	for (unsigned int i = 0;
	     p->kind == BUMBLE_KIND_ENUM && i < p->enum_count; i++)
		if (!strcmp(p->enum_values[i].name, text)) {
			memcpy(buf, &p->enum_values[i].value, p->size);
			return 0;
		}
	if (!*text)
		return -1;
	errno = 0;
	if (p->kind == BUMBLE_KIND_UINT) {
		if (*text == '-')
			return -1;
		u = strtoull(text, &end, 0);
		if (errno || *end || (p->size < 8 && u >> (p->size * 8)))
			return -1;
	} else {
		s = strtoll(text, &end, 0);
		if (errno || *end ||
		    (p->size < 8 && (s < -(1ll << (p->size * 8 - 1)) ||
				     s >= (1ll << (p->size * 8 - 1)))))
			return -1;
		u = (unsigned long long)s;
	}
	memcpy(buf, &u, p->size); /* little-endian: low bytes first */
	return 0;
}

/* The file offset and size of the section named name; -1 if none. */
static int find_section(const unsigned char *obj, size_t size, const char *name,
			size_t *off, size_t *len)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh, strtab;

	memcpy(&eh, obj, sizeof(eh)); /* gen_check_object made sure */
	if (eh.e_shstrndx >= eh.e_shnum)
		return -1;
	memcpy(&strtab, obj + eh.e_shoff + eh.e_shstrndx * sizeof(sh),
	       sizeof(sh));
	for (unsigned int i = 0; i < eh.e_shnum; i++) {
		memcpy(&sh, obj + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type != SHT_PROGBITS ||
		    strtab.sh_offset + sh.sh_name + strlen(name) >= size ||
		    strcmp((const char *)obj + strtab.sh_offset + sh.sh_name,
			   name))
			continue;
		*off = sh.sh_offset;
		*len = sh.sh_size;
		return 0;
	}
	return -1;
}

int gen_param_set(unsigned char *obj, size_t size, const struct gen_model *m,
		  const char *name, const char *value, char *err, size_t errlen)
{
	const struct gen_param *p = NULL;
	unsigned char buf[256];
	size_t off, len;

	for (unsigned int i = 0; i < m->param_count; i++)
		if (!strcmp(m->params[i].name, name))
			p = &m->params[i];
	if (!p) {
		gen_seterr(err, errlen,
			   "--set %s=%s: the program has no parameter '%s' "
			   "(a const volatile global it can set)",
			   name, value, name);
		return -EINVAL;
	}
	if ((size_t)p->size * p->count > sizeof(buf) ||
	    parse_value(p, value, buf)) {
		gen_seterr(err, errlen,
			   "--set %s=%s: not a value of the parameter (%s of "
			   "%u byte%s%s)",
			   name, value, kind_name(p->kind), p->size * p->count,
			   p->size * p->count == 1 ? "" : "s",
			   p->kind == BUMBLE_KIND_CHARS ? ", NUL included"
							: "");
		return -EINVAL;
	}
	if (find_section(obj, size, ".rodata", &off, &len) ||
	    p->offset + (size_t)p->size * p->count > len || off + len > size) {
		gen_seterr(err, errlen,
			   "--set %s: the object has no .rodata holding it",
			   name);
		return -EINVAL;
	}
	memcpy(obj + off + p->offset, buf, (size_t)p->size * p->count);
	return 0;
}
