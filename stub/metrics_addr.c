/* --metrics [ADDR:]PORT, parsed alike by the tool, which listens there,
 * and by bumble, which writes deployments that scrape it. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "metrics_addr.h"

int metrics_parse_addr(const char *arg, struct sockaddr_in *out)
{
	const char *colon = strrchr(arg, ':'), *port = colon ? colon + 1 : arg;
	char addr[INET_ADDRSTRLEN], *end;
	unsigned long p;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (colon && colon != arg) {
		if ((size_t)(colon - arg) >= sizeof(addr))
			return -1;
		memcpy(addr, arg, (size_t)(colon - arg));
		addr[colon - arg] = '\0';
		if (inet_pton(AF_INET, addr, &out->sin_addr) != 1)
			return -1;
	}
	if (*port < '0' || *port > '9')
		return -1;
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || p > 65535)
		return -1;
	out->sin_port = htons((uint16_t)p);
	return 0;
}
