/* The payload appended to every tool: the eBPF artifact's OCI manifest,
 * config and bytecode layer (an uncompressed tar holding the object, its
 * fallback build packed against it (packed.h) as alu32/NAME.bpf.o.z when
 * there is one, the gzip'd SBOM and license texts, sbom.cdx.json.gz and
 * licenses.txt.gz, and kernel BTF for hosts without their own, as
 * btf/ID/VERSION/ARCH/ RELEASE.btf.gz), then a trailer giving their sizes.
 * Shared by the tool, which verifies it before loading, and bumble, which
 * writes and exports it. */
#ifndef BUMBLE_PAYLOAD_H
#define BUMBLE_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#define PAYLOAD_MAGIC	     "BUMBLEP1"
#define PAYLOAD_TRAILER_SIZE 40
/* Where the layer holds the fallback build: alu32/NAME.bpf.o.z. */
#define PAYLOAD_ALU32_DIR    "alu32/"
#define PAYLOAD_ALU32_SUFFIX ".bpf.o.z"

struct payload_view {
	const char *manifest;
	size_t manifest_size;
	const char *config;
	size_t config_size;
	const unsigned char *layer;
	size_t layer_size;
	const unsigned char *bytecode; /* the object, inside the layer */
	size_t bytecode_size;
	/* the same program built for v1 with 32-bit ALU instructions, for a
	 * verifier that rejects the object, packed against it (packed.h):
	 * NULL when the tool has none */
	const unsigned char *alu32_packed;
	size_t alu32_packed_size;
	char manifest_digest[72];
};

/* The trailer: magic, the three sizes (little-endian), magic again. */
void payload_trailer_make(unsigned char out[PAYLOAD_TRAILER_SIZE],
			  const uint64_t sizes[3]);
/* From the trailer at the end of a file of file_size bytes: the offset
 * where the payload starts and its three sizes. -1 if there is no valid
 * trailer (the file is cut short, stripped, or no tool). */
int payload_trailer_parse(const unsigned char trailer[PAYLOAD_TRAILER_SIZE],
			  uint64_t file_size, uint64_t *start,
			  uint64_t sizes[3]);
/* How far back from a file's end payload_locate looks for a trailer
 * after which bytes were appended. */
#define PAYLOAD_APPENDED_MAX 65536

/* The trailer in tail[0..n), the last n bytes of a file of file_size
 * bytes: at the very end (*appended 0), or else the last one found
 * further back, with *appended the bytes after it (echo x >> tool).
 * 0 with *start and sizes as payload_trailer_parse gives them for the
 * file without the appended bytes; -1 if there is none. */
int payload_locate(const unsigned char *tail, size_t n, uint64_t file_size,
		   uint64_t *start, uint64_t sizes[3], uint64_t *appended);
/* Checks the config and layer against the digests and sizes in the
 * manifest and finds the object in the layer. 0, or -1 with the reason
 * in err. */
int payload_verify(const unsigned char *data, const uint64_t sizes[3],
		   struct payload_view *v, char *err, size_t errlen);

/* The next regular file of a ustar archive tar[0..n) from *pos (0 at
 * first): its name, data and size. 0, or -1 at the end. */
int payload_tar_next(const unsigned char *tar, size_t n, size_t *pos,
		     char name[101], const unsigned char **data, size_t *size);

/* The string value of "key" in JSON text[0..n) that bumble wrote (first
 * occurrence), unescaped into a malloc'ed string; NULL if absent. */
char *payload_json_string(const char *text, size_t n, const char *key);

#endif
