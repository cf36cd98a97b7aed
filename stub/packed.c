/* The layer's second build of a program, deflated against the first
 * (packed.h). zlib's own stream: its header names the dictionary by its
 * Adler-32 and its trailer checks what it opens to. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "packed.h"

int deflate_buffer(const unsigned char *data, size_t n, int gzip,
		   const unsigned char *dict, size_t dict_size,
		   unsigned char **out, size_t *out_size)
{
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *buf = malloc(cap);
	z_stream z;
	int rc;

	*out = NULL;
	*out_size = 0;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip wrapper with no name and time 0 */
	if (!buf || deflateInit2(&z, 9, Z_DEFLATED, gzip ? 15 + 16 : 15, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -1;
	}
	rc = dict ? deflateSetDictionary(&z, dict, (uInt)dict_size) : Z_OK;
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	if (rc == Z_OK)
		rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_size = cap - z.avail_out;
	return 0;
}

int packed_make(const unsigned char *dict, size_t dict_size,
		const unsigned char *data, size_t n, unsigned char **out,
		size_t *out_size)
{
	return deflate_buffer(data, n, 0, dict, dict_size, out, out_size);
}

int packed_open(const unsigned char *dict, size_t dict_size,
		const unsigned char *packed, size_t n, size_t max,
		unsigned char **out, size_t *out_size)
{
	size_t cap = n * 8 + 4096;
	unsigned char *buf, *grown;
	z_stream z;
	int rc;

	*out = NULL;
	*out_size = 0;
	if (cap > max)
		cap = max;
	buf = malloc(cap ? cap : 1);
	memset(&z, 0, sizeof(z));
	if (!buf || inflateInit2(&z, 15) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)packed;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_NEED_DICT)
			rc = inflateSetDictionary(&z, dict, (uInt)dict_size) ==
				     Z_OK
				 ? Z_OK
				 : Z_DATA_ERROR;
		if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR))
			break;
		if (z.avail_out) {
			if (!z.avail_in) { /* cut short */
				rc = Z_DATA_ERROR;
				break;
			}
			continue;
		}
		if (cap >= max ||
		    !(grown = realloc(buf, cap * 2 < max ? cap * 2 : max))) {
			rc = Z_MEM_ERROR;
			break;
		}
		buf = grown;
		cap = cap * 2 < max ? cap * 2 : max;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_size = z.total_out;
	return 0;
}
