/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What siphond's tables and identifiers share: FNV-1a over bytes and SIP
 * spans (transaction keys, loop hashes, To tags), and container_of() for
 * the timers and handlers embedded in their owners.
 */
#ifndef SIPHOND_HASH_H
#define SIPHOND_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "sip/sip_str.h"

#define container_of(ptr, type, member)                                      \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define SD_HASH_INIT 14695981039346656037ull

static inline uint64_t sd_hash_bytes(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* a span and its length, so "ab"+"c" and "a"+"bc" differ */
static inline uint64_t sd_hash_str(uint64_t h, struct sip_str s)
{
	return (sd_hash_bytes(h, s.p, s.len) ^ s.len) * 1099511628211ull;
}

#endif /* SIPHOND_HASH_H */
