/* User-space addresses named from /proc/PID/maps and the ELF symbol
 * tables of the files mapped there (ustacks.c). */
#ifndef BUMBLE_USTACKS_H
#define BUMBLE_USTACKS_H

#include <stdint.h>

/* The function of process pid at addr, or NULL (no such process or
 * mapping, no symbols); valid until usyms_free. */
const char *usym_name(int pid, uint64_t addr);
void usyms_free(void);

#endif
