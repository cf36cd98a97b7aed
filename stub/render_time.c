/* Wall-clock time of an event: the --timestamp column and ktime_ns
 * fields, in UTC so a tool needs no time zone data. */
#include <time.h>

#include "render.h"

/* "13:45:12.123456" in text, RFC 3339 with nanoseconds in JSON. The
 * seconds part is kept from the last call: events come many to a
 * second. */
void render_time(struct outbuf *o, uint64_t ns, int json)
{
	static struct {
		uint64_t secs;
		int valid;
		size_t len;
		char text[48];
	} last[2];
	uint64_t secs = ns / 1000000000;
	unsigned long frac = (unsigned long)(ns % 1000000000);
	int digits = json ? 9 : 6;
	char buf[12];

	json = !!json;
	if (!last[json].valid || last[json].secs != secs) {
		time_t t = (time_t)secs;
		struct tm tm;

		gmtime_r(&t, &tm);
		last[json].len =
		    strftime(last[json].text, sizeof(last[json].text),
			     json ? "\"%Y-%m-%dT%H:%M:%S." : "%H:%M:%S.", &tm);
		last[json].secs = secs;
		last[json].valid = 1;
	}
	outbuf_put(o, last[json].text, last[json].len);
	if (!json)
		frac /= 1000;
	for (int i = digits - 1; i >= 0; i--) {
		buf[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (json) {
		buf[digits] = 'Z';
		buf[digits + 1] = '"';
		digits += 2;
	}
	outbuf_put(o, buf, (size_t)digits);
}
