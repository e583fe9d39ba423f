/* SPDX-License-Identifier: GPL-2.0-only */
/* An IP address and UDP port as siphon stores them, and their text form. */
#ifndef SIPHON_ENDPOINT_H
#define SIPHON_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct endpoint {
	__u8 family; /* enum siphon_family */
	__be32 addr[4];
	__be16 port; /* 0 when none was given */
};

/* "[IPv6]:port" or "IPv6" fits in this, with the NUL */
#define ENDPOINT_STRLEN 56

/*
 * Parse "198.18.0.1:4000", "[2001:db8::1]:4000", and without a port
 * "198.18.0.1" or "2001:db8::1" when port_optional. Port 0 is refused.
 * Returns 0 or -EINVAL.
 */
int endpoint_parse(const char *text, bool port_optional, struct endpoint *ep);
/* The text form endpoint_parse() reads back; "*" for an unknown port. */
const char *endpoint_str(const struct endpoint *ep, char *buf, size_t len);

#endif /* SIPHON_ENDPOINT_H */
