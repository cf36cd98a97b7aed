/* The slot of the prelinked stub that bumble bundle fills in: what one
 * bundle is (struct bumble_bundle's strings), at a place found by its
 * marker, so that a tool is the stub's bytes, this slot patched, and the
 * payload appended; no linker runs. */
#ifndef BUMBLE_PRELINKED_SLOT_H
#define BUMBLE_PRELINKED_SLOT_H

/* 30 bytes and a NUL: found once in the stub's file */
#define SLOT_MARKER	  "\177BUMBLE prelinked stub slot v1"
#define SLOT_MARKER_SIZE  32
#define SLOT_DIGEST_AT	  SLOT_MARKER_SIZE /* "sha256:..." of the manifest */
#define SLOT_DIGEST_SIZE  80
#define SLOT_VERSION_AT	  (SLOT_DIGEST_AT + SLOT_DIGEST_SIZE)
#define SLOT_VERSION_SIZE 136 /* --version: an image tag, 123 at most */
#define SLOT_ARCH_AT	  (SLOT_VERSION_AT + SLOT_VERSION_SIZE)
#define SLOT_ARCH_SIZE	  24
#define SLOT_SIZE	  (SLOT_ARCH_AT + SLOT_ARCH_SIZE)

#endif
