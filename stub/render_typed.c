/* Values formatted by their typedef name: IP addresses, durations,
 * ports, monotonic timestamps, errno, syscall, signal, TCP state and
 * softirq names, hex, stacks (through stacks.c). */
#include <arpa/inet.h>
#include <time.h>

#include "render.h"

int (*render_stack_hook)(struct outbuf *o, int64_t id, int json);
const unsigned char *render_param_nonzero;
unsigned int render_param_count;

/* A format that a parameter selects (format_param): does it hold? */
static int format_holds(const struct bumble_field *f)
{
	unsigned int i = f->format_param - 1u;

	if (!f->format_param || i >= render_param_count)
		return 1;
	return render_param_nonzero[i] == (f->format_param_nonzero != 0);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, to show bpf_ktime_get_ns(). */
static uint64_t monotonic_to_realtime(uint64_t mono)
{
	static int64_t offset;
	static int known;

	if (!known) {
		struct timespec rt, mt;

		clock_gettime(CLOCK_REALTIME, &rt);
		clock_gettime(CLOCK_MONOTONIC, &mt);
		offset = ((int64_t)rt.tv_sec - mt.tv_sec) * 1000000000 +
			 (rt.tv_nsec - mt.tv_nsec);
		known = 1;
	}
	return mono + (uint64_t)offset;
}

static void render_duration(struct outbuf *o, uint64_t ns)
{
	static const struct {
		uint64_t div;
		const char *unit;
	} units[] = {{1000000000ull, "s"}, {1000000ull, "ms"}, {1000ull, "us"}};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (ns >= units[i].div) {
			uint64_t whole = ns / units[i].div;
			uint64_t frac =
			    (ns % units[i].div) * 1000 / units[i].div;

			outbuf_u64(o, whole);
			outbuf_putc(o, '.');
			outbuf_putc(o, (char)('0' + frac / 100));
			outbuf_putc(o, (char)('0' + frac / 10 % 10));
			outbuf_putc(o, (char)('0' + frac % 10));
			outbuf_puts(o, units[i].unit);
			return;
		}
	}
	outbuf_u64(o, ns);
	outbuf_puts(o, "ns");
}

/* A name for the value, quoted in JSON; 0 if there is none. */
static int render_name(struct outbuf *o, const char *name, int negative,
		       int json)
{
	if (!name)
		return 0;
	if (json)
		outbuf_putc(o, '"');
	if (negative)
		outbuf_putc(o, '-');
	outbuf_puts(o, name);
	if (json)
		outbuf_putc(o, '"');
	return 1;
}

/* An inet_addr's family: its event's family field (p is the field's
 * bytes in the event, which starts f->offset before), AF_INET6 for any
 * other value; without one, AF_INET when bytes 4 to 15 are zero. */
static int inet_family(const struct bumble_field *f, const unsigned char *p)
{
	static const unsigned char zero[12];
	uint32_t fam = 0;

	if (!f->family_offset)
		return memcmp(p + 4, zero, 12) ? AF_INET6 : AF_INET;
	memcpy(&fam, p - f->offset + f->family_offset - 1,
	       f->family_size > 4 ? 4 : f->family_size);
	return fam == AF_INET ? AF_INET : AF_INET6;
}

int render_typed(struct outbuf *o, const struct bumble_field *f,
		 const unsigned char *p, int json)
{
	char addr[INET6_ADDRSTRLEN];
	int64_t v;

	if (f->format_param && !format_holds(f))
		return 0;
	switch (f->format) {
	case BUMBLE_FORMAT_IPV4:
	case BUMBLE_FORMAT_IPV6:
		/* whole bytes: not a bitfield, whose span may be shorter */
		if (f->size != (f->format == BUMBLE_FORMAT_IPV4 ? 4u : 16u) ||
		    f->bit_size)
			return 0;
		inet_ntop(f->size == 4 ? AF_INET : AF_INET6, p, addr,
			  sizeof(addr));
		return render_name(o, addr, 0, json);
	case BUMBLE_FORMAT_INET:
		if (f->size != 16 || f->bit_size)
			return 0;
		inet_ntop(inet_family(f, p), p, addr, sizeof(addr));
		return render_name(o, addr, 0, json);
	case BUMBLE_FORMAT_DURATION:
		if (json)
			return 0;
		render_duration(o, field_raw(f, p));
		return 1;
	case BUMBLE_FORMAT_PORT:
		if (f->size != 2)
			return 0;
		outbuf_u64(o, ntohs((uint16_t)field_raw(f, p)));
		return 1;
	case BUMBLE_FORMAT_KTIME:
		render_time(o, monotonic_to_realtime(field_raw(f, p)), json);
		return 1;
	case BUMBLE_FORMAT_ERRNO:
		v = field_signed(f, field_raw(f, p));
		/* INT64_MIN has no magnitude, and no name */
		return render_name(o,
				   errno_name(v < 0 && v > INT64_MIN ? -v : v),
				   v < 0, json);
	case BUMBLE_FORMAT_SYSCALL:
		return render_name(
		    o, syscall_name(field_signed(f, field_raw(f, p))), 0, json);
	case BUMBLE_FORMAT_SIGNAL:
		return render_name(
		    o, signal_name(field_signed(f, field_raw(f, p))), 0, json);
	case BUMBLE_FORMAT_TCP_STATE:
		return render_name(
		    o, tcp_state_name(field_signed(f, field_raw(f, p))), 0,
		    json);
	case BUMBLE_FORMAT_SOFTIRQ:
		return render_name(
		    o, softirq_name(field_signed(f, field_raw(f, p))), 0, json);
	case BUMBLE_FORMAT_STACK:
		v = field_signed(f, field_raw(f, p));
		/* a negative id is an error bpf_get_stackid gave: the number */
		return v >= 0 && render_stack_hook &&
		       render_stack_hook(o, v, json);
	case BUMBLE_FORMAT_HEX:
		render_hex(o, field_raw(f, p), json);
		return 1;
	default:
		return 0;
	}
}
