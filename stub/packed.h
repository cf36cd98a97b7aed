/* A second build of a program in the artifact's layer: deflated (zlib)
 * with the first build as the preset dictionary, since the two share
 * nearly all of their bytes (BTF, strings, maps): a few hundred bytes to
 * a few KiB where the build itself is tens of KiB. Shared by bumble,
 * which packs, and the tool, which opens. */
#ifndef BUMBLE_PACKED_H
#define BUMBLE_PACKED_H

#include <stddef.h>

/* data[0..n) deflated at level 9 into *out (malloc'ed): a gzip member
 * with no name and time 0 (gzip 1: OCI layers, embedded kernel BTF), or
 * a zlib stream with dict[0..dict_size) preset (dict NULL: none). 0, or
 * -1 (out of memory). */
int deflate_buffer(const unsigned char *data, size_t n, int gzip,
		   const unsigned char *dict, size_t dict_size,
		   unsigned char **out, size_t *out_size);
/* data[0..n) packed against dict[0..dict_size) into *out (malloc'ed):
 * 0, or -1 (out of memory). */
int packed_make(const unsigned char *dict, size_t dict_size,
		const unsigned char *data, size_t n, unsigned char **out,
		size_t *out_size);
/* packed[0..n) opened against the same dict into *out (malloc'ed): 0, or
 * -1 when it is damaged, was packed against another dictionary, or
 * opens to more than max bytes. */
int packed_open(const unsigned char *dict, size_t dict_size,
		const unsigned char *packed, size_t n, size_t max,
		unsigned char **out, size_t *out_size);

#endif
