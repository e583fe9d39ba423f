/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A span of a received message: the parsers never copy or terminate text,
 * they point into the buffer they were given, which must outlive them.
 */
#ifndef SIPHON_SIP_STR_H
#define SIPHON_SIP_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sip_str {
	const char *p;
	uint32_t len;
};

#define SIP_STR_NULL ((struct sip_str){ NULL, 0 })

static inline struct sip_str sip_str_of(const char *p, size_t len)
{
	return (struct sip_str){ p, (uint32_t)len };
}

static inline bool sip_str_empty(struct sip_str s)
{
	return s.len == 0;
}

/* exact, byte for byte */
static inline bool sip_str_eq(struct sip_str a, struct sip_str b)
{
	return a.len == b.len && (!a.len || !memcmp(a.p, b.p, a.len));
}

/* ASCII case-insensitive, as SIP compares tokens and header names */
static inline bool sip_str_ieq(struct sip_str a, struct sip_str b)
{
	uint32_t i;

	if (a.len != b.len)
		return false;
	for (i = 0; i < a.len; i++) {
		unsigned char x = a.p[i], y = b.p[i];

		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

static inline bool sip_str_ieq_cstr(struct sip_str a, const char *b)
{
	return sip_str_ieq(a, sip_str_of(b, strlen(b)));
}

/* the value of one hex digit, or -1 (for %HH escapes and IPv6 groups) */
static inline int sip_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif /* SIPHON_SIP_STR_H */
