/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing numbers into SIP text on the per-message path (branches, tags,
 * received/rport): snprintf() costs about a thousand instructions a call
 * there, several times per call, which tools/bench/cps measures. The
 * caller sizes the buffer; each writer returns the byte after its output.
 */
#ifndef SIPHOND_FMT_H
#define SIPHOND_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* 16 lowercase hex digits, zero-padded */
static inline char *sd_put_hex64(char *p, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 15; i >= 0; i--, v >>= 4)
		p[i] = digits[v & 0xf];
	return p + 16;
}

/* decimal, at most 10 digits */
static inline char *sd_put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static inline char *sd_put_mem(char *p, const void *s, size_t n)
{
	memcpy(p, s, n);
	return p + n;
}

#endif /* SIPHOND_FMT_H */
