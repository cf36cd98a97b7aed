/* gzip of a buffer in memory, deterministic (no name, no time): OCI
 * layers and embedded kernel BTF. */
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
