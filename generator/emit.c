/* Model -> runner C source: readable tables named after the program's own
 * structs and maps, the digest of its object, and a main() that calls the
 * runtime. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enum_names.h"
#include "model.h"

#ifndef BUMBLE_VERSION
#define BUMBLE_VERSION "0.0.0"
#endif

void gen_put_cstr(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\%03o", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A C identifier made of s: other characters become '_'. */
static void put_ident(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(isalnum((unsigned char)*s) ? *s : '_', out);
}

/* One table of enumerator names per enum type, shared by every field and
 * parameter of that type: named after the enum (tcpstate_names), or the
 * first field of an anonymous one, made unique with a number. */
struct enum_table {
	char name[256];
	const struct gen_enum_value *values;
	unsigned int count;
};

struct enum_tables {
	struct enum_table *tables;
	unsigned int count;
};

/* s as a C identifier into buf: other characters become '_'. */
static void ident_into(char *buf, size_t len, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = isalnum((unsigned char)s[i]) ? s[i] : '_';
	buf[i] = '\0';
}

static int same_values(const struct enum_table *t,
		       const struct gen_enum_value *values, unsigned int count)
{
	if (t->count != count)
		return 0;
	for (unsigned int i = 0; i < count; i++)
		if (t->values[i].value != values[i].value ||
		    strcmp(t->values[i].name, values[i].name))
			return 0;
	return 1;
}

static const struct enum_table *find_table(const struct enum_tables *et,
					   const char *name)
{
	for (unsigned int i = 0; i < et->count; i++)
		if (!strcmp(et->tables[i].name, name))
			return &et->tables[i];
	return NULL;
}

/* The table for an enum named enum_name (NULL: anonymous, named after
 * field), added if no table of that name holds the same values. et has
 * room for every enum of the runner. */
static const struct enum_table *
enum_table_for(struct enum_tables *et, const char *enum_name, const char *field,
	       const struct gen_enum_value *values, unsigned int count)
{
	char base[224], name[256];
	const struct enum_table *found;
	struct enum_table *t;

	ident_into(base, sizeof(base), enum_name ? enum_name : field);
	snprintf(name, sizeof(name), "%s_names", base);
	for (unsigned int n = 2; (found = find_table(et, name)); n++) {
		if (same_values(found, values, count))
			return found;
		snprintf(name, sizeof(name), "%s_%u_names", base, n);
	}
	t = &et->tables[et->count++];
	memcpy(t->name, name, sizeof(name));
	t->values = values;
	t->count = count;
	return t;
}

static void emit_enum_table(FILE *out, const struct enum_table *t)
{
	fprintf(out, "static const struct bumble_enum_value %s[] = {\n",
		t->name);
	for (unsigned int j = 0; j < t->count; j++) {
		fprintf(out, "\t{%lld, ", t->values[j].value);
		gen_put_cstr(out, t->values[j].name);
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
}

/* Emits the table of an enum unless an earlier field or parameter of the
 * same enum did. */
static void emit_enum_once(FILE *out, struct enum_tables *et,
			   const char *enum_name, const char *field,
			   const struct gen_enum_value *values,
			   unsigned int count)
{
	unsigned int before = et->count;
	const struct enum_table *t;

	t = enum_table_for(et, enum_name, field, values, count);
	if (et->count > before)
		emit_enum_table(out, t);
}

/* The .enum_count and .enum_values members of a field or parameter. */
static void put_enum_members(FILE *out, struct enum_tables *et,
			     const char *enum_name, const char *field,
			     const struct gen_enum_value *values,
			     unsigned int count)
{
	const struct enum_table *t;

	t = enum_table_for(et, enum_name, field, values, count);
	fprintf(out, "\t\t.enum_count = %u,\n\t\t.enum_values = %s,\n", count,
		t->name);
}

unsigned int gen_param_number(const struct gen_model *m, const char *name)
{
	for (unsigned int i = 0; name && i < m->param_count; i++)
		if (!strcmp(m->params[i].name, name))
			return i + 1;
	return 0;
}

static void emit_event(FILE *out, struct enum_tables *et,
		       const struct gen_model *m, const struct gen_event *ev)
{
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *f = &ev->fields[i];

		if (f->enum_count)
			emit_enum_once(out, et, f->enum_name, f->name,
				       f->enum_values, f->enum_count);
	}
	fprintf(out, "/* struct %s: %u bytes */\n", ev->type_name, ev->size);
	fputs("static const struct bumble_field ", out);
	put_ident(out, ev->type_name);
	fputs("_fields[] = {\n", out);
	for (unsigned int i = 0; i < ev->field_count; i++) {
		const struct gen_field *f = &ev->fields[i];

		fputs("\t{\n\t\t.name = ", out);
		gen_put_cstr(out, f->name);
		fprintf(out,
			",\n\t\t.offset = %u,\n\t\t.size = %u,\n"
			"\t\t.count = %u,\n",
			f->offset, f->size, f->count);
		if (f->bit_size)
			fprintf(out,
				"\t\t.bit_shift = %u,\n\t\t.bit_size = %u,\n",
				f->bit_shift, f->bit_size);
		fprintf(out, "\t\t.kind = %s,\n", kind_ident(f->kind));
		if (f->format != BUMBLE_FORMAT_PLAIN)
			fprintf(out, "\t\t.format = %s,\n",
				format_ident(f->format));
		fprintf(out, "\t\t.width = %u,\n", f->width);
		if (f->depth)
			fprintf(out, "\t\t.depth = %u,\n", f->depth);
		if (f->enum_count)
			put_enum_members(out, et, f->enum_name, f->name,
					 f->enum_values, f->enum_count);
		if (f->enum_unsigned)
			fputs("\t\t.enum_unsigned = 1,\n", out);
		if (f->family_offset)
			fprintf(out,
				"\t\t.family_offset = %u,\n"
				"\t\t.family_size = %u,\n",
				f->family_offset, f->family_size);
		if (gen_param_number(m, f->format_param))
			fprintf(out,
				"\t\t.format_param = %u,\n"
				"\t\t.format_param_nonzero = %d,\n",
				gen_param_number(m, f->format_param),
				f->format_param_nonzero);
		fputs("\t},\n", out);
	}
	fputs("};\n\n", out);

	fputs("static const struct bumble_event_type ", out);
	put_ident(out, ev->type_name);
	fputs("_type = {\n\t.name = ", out);
	gen_put_cstr(out, ev->type_name);
	fprintf(out, ",\n\t.size = %u,\n\t.field_count = %u,\n\t.fields = ",
		ev->size, ev->field_count);
	put_ident(out, ev->type_name);
	fputs("_fields,\n};\n\n", out);
}

static void emit_params(FILE *out, struct enum_tables *et,
			const struct gen_model *m)
{
	for (unsigned int i = 0; i < m->param_count; i++) {
		const struct gen_param *p = &m->params[i];

		if (p->enum_count)
			emit_enum_once(out, et, p->enum_name, p->name,
				       p->enum_values, p->enum_count);
	}
	fputs("/* const volatile globals, set with --NAME VALUE */\n"
	      "static const struct bumble_param params[] = {\n",
	      out);
	for (unsigned int i = 0; i < m->param_count; i++) {
		const struct gen_param *p = &m->params[i];

		fputs("\t{\n\t\t.name = ", out);
		gen_put_cstr(out, p->name);
		fputs(",\n\t\t.help = ", out);
		gen_put_cstr(out, p->help);
		fputs(",\n\t\t.default_text = ", out);
		gen_put_cstr(out, p->default_text);
		fprintf(out,
			",\n\t\t.offset = %u,\n\t\t.size = %u,\n"
			"\t\t.count = %u,\n\t\t.kind = %s,\n",
			p->offset, p->size, p->count, kind_ident(p->kind));
		if (p->enum_count)
			put_enum_members(out, et, p->enum_name, p->name,
					 p->enum_values, p->enum_count);
		fputs("\t},\n", out);
	}
	fputs("};\n\n", out);
}

/* Does a map the runtime uses (one with a role) refer to ev? */
static int event_used(const struct gen_model *m, const struct gen_event *ev)
{
	for (unsigned int i = 0; i < m->map_count; i++)
		if (m->maps[i].role != BUMBLE_ROLE_NONE &&
		    (m->maps[i].event == ev || m->maps[i].key == ev ||
		     m->maps[i].value == ev))
			return 1;
	return 0;
}

/* Room for every enum table the runner could need. */
static unsigned int enum_count(const struct gen_model *m)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < m->event_count; i++)
		for (unsigned int j = 0; j < m->events[i]->field_count; j++)
			n += m->events[i]->fields[j].enum_count > 0;
	for (unsigned int i = 0; i < m->param_count; i++)
		n += m->params[i].enum_count > 0;
	return n;
}

static void emit_maps(FILE *out, const struct gen_model *m)
{
	fputs("static const struct bumble_map maps[] = {\n", out);
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct gen_map *gm = &m->maps[i];

		fputs("\t{.name = ", out);
		gen_put_cstr(out, gm->name);
		fprintf(out, ", .role = %s", role_ident(gm->role));
		if (gm->role != BUMBLE_ROLE_NONE && gm->event) {
			fputs(",\n\t .event = &", out);
			put_ident(out, gm->event->type_name);
			fputs("_type", out);
		}
		if (gm->role != BUMBLE_ROLE_NONE && gm->key) {
			fputs(",\n\t .key = &", out);
			put_ident(out, gm->key->type_name);
			fprintf(out,
				"_type,\n\t .value_size = %u,\n"
				"\t .value_signed = %d",
				gm->value ? 0 : gm->value_size,
				gm->value_signed);
		}
		if (gm->role != BUMBLE_ROLE_NONE && gm->help && *gm->help) {
			fputs(",\n\t .help = ", out);
			gen_put_cstr(out, gm->help);
		}
		if (gm->role != BUMBLE_ROLE_NONE && gm->value) {
			fputs(",\n\t .value = &", out);
			put_ident(out, gm->value->type_name);
			fputs("_type", out);
		}
		if (gm->size_override)
			fprintf(out, ",\n\t .max_entries = %u",
				gm->size_override);
		if (gm->global_section) {
			fputs(",\n\t .global = ", out);
			gen_put_cstr(out, gm->global_section);
			fprintf(out,
				", .global_offset = %u,\n"
				"\t .global_size = %u, .global_count = %u",
				gm->global_offset, gm->value_size,
				gm->max_entries);
		}
		fputs("},\n", out);
	}
	fputs("};\n\n", out);
}

int gen_emit_runner(FILE *out, const struct gen_model *m)
{
	struct enum_tables et = {0};

	et.tables = calloc(enum_count(m) + 1, sizeof(*et.tables));
	if (!et.tables)
		return -ENOMEM;
	fprintf(out,
		"/* Runner for %s, generated by bumble %s from its BPF "
		"object.\n"
		" * The tables below describe the programs, maps and event "
		"layouts;\n"
		" * edit them freely (column widths, field order), then "
		"link with\n"
		" * bumble bundle --runner. */\n"
		"#include <bumble/runtime.h>\n\n",
		m->name, BUMBLE_VERSION);

	for (unsigned int i = 0; i < m->event_count; i++)
		if (event_used(m, m->events[i]))
			emit_event(out, &et, m, m->events[i]);
	if (m->map_count)
		emit_maps(out, m);

	fputs("static const struct bumble_program programs[] = {\n", out);
	for (unsigned int i = 0; i < m->program_count; i++) {
		fputs("\t{.name = ", out);
		gen_put_cstr(out, m->programs[i].name);
		fputs(", .section = ", out);
		gen_put_cstr(out, m->programs[i].section);
		if (m->programs[i].attach) {
			fputs(", .attach = ", out);
			gen_put_cstr(out, m->programs[i].attach);
		}
		fputs("},\n", out);
	}
	fputs("};\n\n", out);

	if (m->param_count)
		emit_params(out, &et, m);

	fputs("static const struct bumble_tool tool = {\n"
	      "\t.sz = sizeof(struct bumble_tool),\n\t.name = ",
	      out);
	gen_put_cstr(out, m->name);
	fputs(",\n\t.description = ", out);
	gen_put_cstr(out, m->description);
	fputs(",\n\t.bumble_version = ", out);
	gen_put_cstr(out, BUMBLE_VERSION);
	fputs(",\n\t.bytecode_digest = ", out);
	gen_put_cstr(out, m->bytecode_digest);
	fputs(",\n", out);
	if (m->map_count)
		fputs("\t.map_count = sizeof(maps) / sizeof(maps[0]),\n"
		      "\t.maps = maps,\n",
		      out);
	fputs("\t.program_count = sizeof(programs) / sizeof(programs[0]),\n"
	      "\t.programs = programs,\n",
	      out);
	if (m->param_count)
		fputs("\t.param_count = sizeof(params) / sizeof(params[0]),\n"
		      "\t.params = params,\n",
		      out);
	fputs("};\n\n"
	      "int main(int argc, char **argv)\n{\n"
	      "\treturn bumble_main(argc, argv, &tool);\n}\n",
	      out);
	free(et.tables);
	return ferror(out) ? -EIO : 0;
}

void gen_describe(FILE *out, const struct gen_model *m)
{
	fprintf(out,
		"%s %s: %zu bytes of BPF bytecode\narch: %s (OCI %s)\n\n"
		"programs:\n",
		m->name, m->version, m->bytecode_size, m->arch, m->oci_arch);
	for (unsigned int i = 0; i < m->program_count; i++) {
		fprintf(out, "  %-28s %s", m->programs[i].name,
			m->programs[i].section);
		if (m->programs[i].attach)
			fprintf(out, " -> %s", m->programs[i].attach);
		fputc('\n', out);
	}
	fputs("\nmaps:\n", out);
	for (unsigned int i = 0; i < m->map_count; i++) {
		const struct gen_map *gm = &m->maps[i];

		fprintf(out, "  %-28s %-8s %s", gm->name, role_name(gm->role),
			gm->event			  ? gm->event->type_name
			: gm->key && gm->key->field_count ? gm->key->type_name
							  : "-");
		if (gm->global_section)
			fprintf(out, " (a global in %s)", gm->global_section);
		fputc('\n', out);
	}
	if (m->param_count)
		fputs("\nparameters:\n", out);
	for (unsigned int i = 0; i < m->param_count; i++) {
		const struct gen_param *p = &m->params[i];

		fprintf(out, "  --%-24s %s%u%s default %s%s%s\n", p->name,
			kind_name(p->kind), p->size * 8,
			p->count > 1 ? "[]" : "", p->default_text,
			*p->help ? ": " : "", p->help);
	}
	for (unsigned int i = 0; i < m->event_count; i++) {
		const struct gen_event *ev = m->events[i];

		fprintf(out, "\nevent struct %s (%u bytes):\n", ev->type_name,
			ev->size);
		for (unsigned int j = 0; j < ev->field_count; j++) {
			const struct gen_field *f = &ev->fields[j];

			fprintf(out, "  %-24s offset %-4u %s%u", f->name,
				f->offset, kind_name(f->kind), f->size * 8);
			if (f->count > 1)
				fprintf(out, "[%u]", f->count);
			if (f->bit_size)
				fprintf(out, " bits %u:%u", f->bit_shift,
					f->bit_size);
			if (f->format != BUMBLE_FORMAT_PLAIN)
				fprintf(out, " as %s", format_name(f->format));
			if (f->format_param)
				fprintf(
				    out, " while --%s is %s", f->format_param,
				    f->format_param_nonzero ? "not 0" : "0");
			fputc('\n', out);
		}
	}
}
