/* gzip of a buffer in memory, deterministic (no name, no time): OCI
 * layers and embedded kernel BTF; and back, bounded. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "bundler.h"
#include "packed.h"

int gzip_buffer(const void *data, size_t n, unsigned char **out,
		size_t *out_len)
{
	return deflate_buffer(data, n, 1, NULL, 0, out, out_len);
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
