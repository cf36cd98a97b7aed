/* --metrics [ADDR:]PORT: shared by the tool and bumble (metrics_addr.c). */
#ifndef BUMBLE_METRICS_ADDR_H
#define BUMBLE_METRICS_ADDR_H

#include <netinet/in.h>

/* ADDR defaults to 127.0.0.1. 0, or -1 for a bad address. */
int metrics_parse_addr(const char *arg, struct sockaddr_in *out);

#endif
