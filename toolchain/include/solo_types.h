/* solo_types.h: the typedef names of BumbleBee's solo_types.h, so programs
 * written for BumbleBee build unmodified. bumble formats them by name
 * (see bumble.h); ipv6_addr is 16 bytes, a full IPv6 address. */
#ifndef __SOLO_TYPES_H__
#define __SOLO_TYPES_H__

#include "bumble.h"

#endif
