/* bumble.h: conventions a BPF program can use to tell bumble how to show
 * its events. Include it after vmlinux.h. See docs/conventions.md.
 *
 * Event fields whose type is one of these typedefs are formatted by name:
 *   ipv4_addr   4 bytes in network order, shown as 10.0.0.1
 *   ipv6_addr   16 bytes, shown as 2001:db8::1
 *   duration    nanoseconds, shown as 1.250ms in text, a number in JSON
 *   net_port    a port in network byte order (skc_dport), shown as 443
 *   ktime_ns    bpf_ktime_get_ns(), shown as the wall-clock time
 *   errno_code  0 or an errno, either sign, shown as ENOENT or -ENOENT
 *   syscall_nr  an x86_64 system call number, shown as openat
 *   signal_nr   a signal number, shown as SIGTERM
 *   hex_u8 .. hex_u64   shown in hexadecimal: 0x1c2; an array of hex_u8
 *               is shown as one run of hex digits
 */
#ifndef __BUMBLE_H__
#define __BUMBLE_H__

typedef __u32 ipv4_addr;
typedef __u8 ipv6_addr[16];
typedef __u64 duration;
typedef __u16 net_port;
typedef __u64 ktime_ns;
typedef __s32 errno_code;
typedef __s32 syscall_nr;
typedef __s32 signal_nr;
typedef __u8 hex_u8;
typedef __u16 hex_u16;
typedef __u32 hex_u32;
typedef __u64 hex_u64;

/* Parameters: every `const volatile` global becomes --NAME VALUE on the
 * tool, its default the initial value. Its help text is the comment
 * before or after the declaration, or given here:
 *   const volatile __u32 targ_pid = 0;
 *   BUMBLE_HELP(targ_pid, "only this process id");
 */
#define BUMBLE_HELP(name, text) _Static_assert(1, text)

/* Histograms: a map named hist_* (an ARRAY of __u64 with 64 entries, or
 * a hash keyed by __u32) counts values by slot = bumble_log2(value); the
 * tool shows slot i as the bucket [2^i, 2^(i+1)), slot 0 as [0, 2).
 *   __u32 slot = bumble_log2(delta_ns);
 *   __u64 *n = bpf_map_lookup_elem(&hist_latency, &slot);
 *   if (n)
 *           __sync_fetch_and_add(n, 1);
 */
static inline __attribute__((always_inline)) __u32 bumble_log2(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) {
		v >>= 32;
		r += 32;
	}
	if (v >> 16) {
		v >>= 16;
		r += 16;
	}
	if (v >> 8) {
		v >>= 8;
		r += 8;
	}
	if (v >> 4) {
		v >>= 4;
		r += 4;
	}
	if (v >> 2) {
		v >>= 2;
		r += 2;
	}
	return r + (__u32)(v >> 1);
}

/* Lost events: a ringbuf reservation fails when the buffer is full and
 * the event is gone. Reserve through these and the tool counts the
 * failures and reports them on exit (and in JSON):
 *   e = bumble_ringbuf_reserve(&events, sizeof(*e));
 *   bumble_ringbuf_output(&events, &e, sizeof(e));
 */
__u64 bumble_lost_events __attribute__((section(".bss"), weak));

#define bumble_ringbuf_reserve(map, size)                                  \
	({                                                                 \
		void *__bumble_p = bpf_ringbuf_reserve(map, size, 0);     \
		if (!__bumble_p)                                           \
			__sync_fetch_and_add(&bumble_lost_events, 1);      \
		__bumble_p;                                                \
	})

#define bumble_ringbuf_output(map, data, size)                             \
	({                                                                 \
		long __bumble_err = bpf_ringbuf_output(map, data, size, 0); \
		if (__bumble_err)                                          \
			__sync_fetch_and_add(&bumble_lost_events, 1);      \
		__bumble_err;                                              \
	})

#endif
