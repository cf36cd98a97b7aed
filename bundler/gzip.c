/* gzip of a buffer in memory, deterministic (no name, no time): OCI
 * layers and embedded kernel BTF; and back, bounded. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bundler.h"

int gzip_buffer(const void *data, size_t n, unsigned char **out,
		size_t *out_len)
{
	z_stream z;
	unsigned char *buf;
	size_t cap = compressBound((uLong)n) + 64;
	int rc;

	memset(&z, 0, sizeof(z));
	buf = malloc(cap);
	/* windowBits 15 + 16: a gzip wrapper with no name and time 0 */
	if (!buf || deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	rc = deflate(&z, Z_FINISH);
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*out_len = cap - z.avail_out;
	return 0;
}

int gunzip_buffer(const void *data, size_t n, unsigned char **out, size_t *len)
{
	z_stream z = {0};
	size_t cap = n * 4 + 65536;
	unsigned char *buf = malloc(cap), *p;
	int rc = Z_DATA_ERROR;

	if (!buf || inflateInit2(&z, 15 + 32) != Z_OK) {
		free(buf);
		return -1;
	}
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)n;
	do {
		if (z.total_out == cap) {
			if (cap >= GUNZIP_MAX || !(p = realloc(buf, cap * 2)))
				break;
			buf = p;
			cap *= 2;
		}
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		rc = inflate(&z, Z_NO_FLUSH);
	} while (rc == Z_OK || (rc == Z_BUF_ERROR && z.total_out == cap));
	inflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = z.total_out;
	return 0;
}
