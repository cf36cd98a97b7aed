/* A small JSON writer into a growing string: objects, arrays, escaped
 * strings and integers, with the commas placed for the caller. Output is
 * compact and deterministic (keys in the order written). */
#ifndef BUMBLE_JSON_WRITER_H
#define BUMBLE_JSON_WRITER_H

#include <stddef.h>

struct json_writer {
	char *buf;
	size_t len, cap;
	int depth;
	unsigned char first[32]; /* per depth: nothing written yet */
	int error;
};

void jw_init(struct json_writer *j);
void jw_object(struct json_writer *j);		/* { */
void jw_array(struct json_writer *j);		/* [ */
void jw_end(struct json_writer *j, char close); /* } or ] */
void jw_key(struct json_writer *j, const char *key);
void jw_string(struct json_writer *j, const char *s);
void jw_int(struct json_writer *j, long long v);
/* key and value at once */
void jw_kv_string(struct json_writer *j, const char *key, const char *s);
void jw_kv_int(struct json_writer *j, const char *key, long long v);
/* Returns the text (NUL-terminated, malloc'ed; the caller frees) or NULL
 * when memory ran out. */
char *jw_finish(struct json_writer *j, size_t *len);

#endif
