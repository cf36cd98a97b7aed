/* Fuzzes the prelinked stub's reader of runner tables: whatever it
 * accepts is within bounds (every string ends, every index is known, every
 * field lies inside its struct) and encodes back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tables_codec.h"

static void must(int ok)
{
	if (!ok)
		abort();
}

static void walk_type(const struct bumble_tool *tool,
		      const struct bumble_event_type *t)
{
	if (!t)
		return;
	must(strlen(t->name) < 1u << 30);
	for (unsigned int i = 0; i < t->field_count; i++) {
		const struct bumble_field *f = &t->fields[i];

		must(f->kind < BUMBLE_KIND_COUNT &&
		     f->format < BUMBLE_FORMAT_COUNT);
		must((uint64_t)f->offset + (uint64_t)f->size * f->count <=
		     t->size);
		must(f->format_param <= tool->param_count);
		for (unsigned int j = 0; j < f->enum_count; j++)
			must(f->enum_values[j].name != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t n)
{
	unsigned char *copy = malloc(n ? n : 1), *again = NULL;
	struct tables t;
	size_t n2;
	char err[160];

	if (!copy)
		return 0;
	memcpy(copy, in, n);
	if (!tables_decode(copy, n, &t, err, sizeof(err))) {
		for (unsigned int i = 0; i < t.tool.map_count; i++) {
			must(t.tool.maps[i].role < BUMBLE_ROLE_COUNT);
			walk_type(&t.tool, t.tool.maps[i].event);
			walk_type(&t.tool, t.tool.maps[i].key);
			walk_type(&t.tool, t.tool.maps[i].value);
		}
		must(!tables_encode(&t.tool, &again, &n2) && n2 == n &&
		     !memcmp(again, copy, n));
		free(again);
		tables_free(&t);
	}
	free(copy);
	return 0;
}
