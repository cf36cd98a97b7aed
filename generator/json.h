/* A small JSON writer into a growing string: objects, arrays, escaped
 * strings and integers, with the commas placed for the caller. Output is
 * compact and deterministic (keys in the order written). */
#ifndef BUMBLE_JSON_H
#define BUMBLE_JSON_H

#include <stddef.h>

struct json {
	char *buf;
	size_t len, cap;
	int depth;
	unsigned char first[32]; /* per depth: nothing written yet */
	int error;
};

void json_init(struct json *j);
void json_object(struct json *j);	   /* { */
void json_array(struct json *j);	   /* [ */
void json_end(struct json *j, char close); /* } or ] */
void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
/* key and value at once */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
/* Returns the text (NUL-terminated, malloc'ed; the caller frees) or NULL
 * when memory ran out. */
char *json_finish(struct json *j, size_t *len);

#endif
