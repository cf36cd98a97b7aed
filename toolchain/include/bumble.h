/* bumble.h: conventions a BPF program can use to tell bumble how to show
 * its events. Include it after vmlinux.h. See docs/conventions.md.
 *
 * Event fields whose type is one of these typedefs are formatted by name:
 *   ipv4_addr  4 bytes in network order, shown as 10.0.0.1
 *   ipv6_addr  16 bytes, shown as 2001:db8::1
 *   duration   nanoseconds, shown as 1.250ms in text, a number in JSON
 */
#ifndef __BUMBLE_H__
#define __BUMBLE_H__

typedef __u32 ipv4_addr;
typedef __u8 ipv6_addr[16];
typedef __u64 duration;

#endif
