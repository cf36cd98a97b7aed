/* Fuzzes the reader of clang's text AST dump (bundler/map_usage.c):
 * any text, however its tree is drawn, is read without a fault, and
 * what it finds is whole: every name it lists is a string, no map is
 * listed twice, and a second read of the same text finds the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundler.h"

static void must(int ok)
{
	if (!ok)
		abort();
}

static void unique(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		must(names[i] != NULL);
		for (size_t j = 0; j < i; j++)
			must(strcmp(names[i], names[j]) != 0);
	}
}

static void same(char **a, size_t na, char **b, size_t nb)
{
	must(na == nb);
	for (size_t i = 0; i < na; i++)
		must(!strcmp(a[i], b[i]));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct map_usage u = {0}, v = {0};
	char *text = malloc(size + 1), *again = malloc(size + 1);
	int rc, rc2;

	if (!text || !again) {
		free(text);
		free(again);
		return 0;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	memcpy(again, text, size + 1);
	rc = map_usage_scan(text, &u);
	rc2 = map_usage_scan(again, &v);
	must(rc == rc2);
	if (!rc) {
		unique(u.deleted, u.deleted_count);
		unique(u.updated, u.updated_count);
		unique(u.counted, u.counted_count);
		same(u.deleted, u.deleted_count, v.deleted, v.deleted_count);
		same(u.updated, u.updated_count, v.updated, v.updated_count);
		same(u.counted, u.counted_count, v.counted, v.counted_count);
		must(u.count == v.count && u.format_count == v.format_count);
		for (size_t i = 0; i < u.count; i++)
			must(u.events[i].map && u.events[i].type);
	}
	map_usage_free(&u);
	map_usage_free(&v);
	free(text);
	free(again);
	return 0;
}
