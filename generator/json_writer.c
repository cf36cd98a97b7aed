/* A small JSON writer: enough for OCI manifests and configs and the model
 * description bumble puts in them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_writer.h"

static void put(struct json_writer *j, const char *s, size_t n)
{
	if (j->error)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *grown;

		while (cap < j->len + n + 1)
			cap *= 2;
		grown = realloc(j->buf, cap);
		if (!grown) {
			j->error = 1;
			return;
		}
		j->buf = grown;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void putc_(struct json_writer *j, char c)
{
	put(j, &c, 1);
}

/* A comma before every value but the first of its container; after a
 * key, none. */
static void value_start(struct json_writer *j)
{
	if (j->first[j->depth] == 2) { /* a key was just written */
		j->first[j->depth] = 0;
		return;
	}
	if (!j->first[j->depth])
		putc_(j, ',');
	j->first[j->depth] = 0;
}

void jw_init(struct json_writer *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = 1;
}

static void open_container(struct json_writer *j, char c)
{
	value_start(j);
	putc_(j, c);
	if (j->depth + 1 < (int)sizeof(j->first))
		j->depth++;
	else
		j->error = 1;
	j->first[j->depth] = 1;
}

void jw_object(struct json_writer *j)
{
	open_container(j, '{');
}

void jw_array(struct json_writer *j)
{
	open_container(j, '[');
}

void jw_end(struct json_writer *j, char close)
{
	putc_(j, close);
	if (j->depth > 0)
		j->depth--;
}

static void put_escaped(struct json_writer *j, const char *s)
{
	putc_(j, '"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[8];

		if (c == '"' || c == '\\') {
			putc_(j, '\\');
			putc_(j, (char)c);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
		} else {
			putc_(j, (char)c);
		}
	}
	putc_(j, '"');
}

void jw_key(struct json_writer *j, const char *key)
{
	value_start(j);
	put_escaped(j, key);
	putc_(j, ':');
	j->first[j->depth] = 2;
}

void jw_string(struct json_writer *j, const char *s)
{
	value_start(j);
	put_escaped(j, s);
}

void jw_int(struct json_writer *j, long long v)
{
	char num[24];
	int n = snprintf(num, sizeof(num), "%lld", v);

	value_start(j);
	put(j, num, (size_t)n);
}

void jw_kv_string(struct json_writer *j, const char *key, const char *s)
{
	jw_key(j, key);
	jw_string(j, s);
}

void jw_kv_int(struct json_writer *j, const char *key, long long v)
{
	jw_key(j, key);
	jw_int(j, v);
}

char *jw_finish(struct json_writer *j, size_t *len)
{
	if (j->error || !j->buf) {
		free(j->buf);
		return NULL;
	}
	if (len)
		*len = j->len;
	return j->buf;
}
