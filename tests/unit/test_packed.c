/* Unit tests of the packed form of a second build (stub/packed.c): it
 * opens to the same bytes against the same dictionary, is small when
 * the two builds share their bytes, and is refused, never misread,
 * when damaged, cut short, opened against another dictionary, or larger
 * than the bound. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "packed.h"

/* Bytes that do not deflate by themselves (xorshift), with seed. */
static void noise(unsigned char *p, size_t n, unsigned int seed)
{
	unsigned int x = seed;

	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (unsigned char)x;
	}
}

int main(void)
{
	enum {
		N = 20000
	};
	unsigned char *dict = malloc(N), *data = malloc(N), *other = malloc(N);
	unsigned char *packed = NULL, *opened = NULL, *cut;
	size_t psize = 0, osize = 0;

	if (!dict || !data || !other)
		return 2;
	noise(dict, N, 1);
	noise(other, N, 2);
	memcpy(data, dict, N);
	memset(data + 4000, 0xaa, 64); /* a build differs in a few places */
	data[12345] ^= 0xff;

	CHECK(!packed_make(dict, N, data, N, &packed, &psize),
	      "packs a build against the other");
	CHECK(psize > 0 && psize < N / 10,
	      "a build that shares its bytes packs to under a tenth");
	CHECK(!packed_open(dict, N, packed, psize, N, &opened, &osize) &&
		  osize == N && !memcmp(opened, data, N),
	      "opens to the same bytes against the same dictionary");
	free(opened);

	CHECK(packed_open(other, N, packed, psize, N, &opened, &osize) &&
		  !opened && !osize,
	      "another dictionary: refused");
	CHECK(packed_open(dict, N, packed, psize, N - 1, &opened, &osize) &&
		  !opened,
	      "more bytes than the bound: refused");
	CHECK(packed_open(dict, N, packed, psize / 2, N, &opened, &osize) &&
		  !opened,
	      "cut short: refused");
	cut = malloc(psize);
	if (cut) {
		memcpy(cut, packed, psize);
		cut[psize / 2] ^= 0x55;
		CHECK(packed_open(dict, N, cut, psize, N, &opened, &osize) &&
			  !opened,
		      "a damaged byte: refused (zlib's check)");
		free(cut);
	}
	CHECK(packed_open(dict, N, (const unsigned char *)"", 0, N, &opened,
			  &osize) &&
		  !opened,
	      "nothing: refused");
	free(packed);

	/* no shared bytes: still a round trip, in a buffer that grows */
	CHECK(!packed_make(dict, N, other, N, &packed, &psize) &&
		  !packed_open(dict, N, packed, psize, 1 << 20, &opened,
			       &osize) &&
		  osize == N && !memcmp(opened, other, N),
	      "a build unlike the dictionary: the same bytes back");
	free(opened);
	free(packed);
	free(dict);
	free(data);
	free(other);
	return check_failures ? 1 : 0;
}
