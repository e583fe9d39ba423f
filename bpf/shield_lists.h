/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's prefix lists, looked up by source address: allow (skips
 * every shield drop and rate limit, and wins over every other list),
 * block (drops), and the bans an operator set (with an end).
 */
#ifndef SIPHON_BPF_SHIELD_LISTS_H
#define SIPHON_BPF_SHIELD_LISTS_H

#include "packet.h"
#include "shield_maps.h"

static __always_inline void shield_key_of(const struct packet *pkt,
					  struct siphon_prefix_key *key)
{
	key->prefixlen = SIPHON_PREFIX_FAMILY_BITS +
			 (pkt->family == SIPHON_AF_INET6 ? 128 : 32);
	key->family = pkt->family;
	__builtin_memcpy(key->addr, pkt->saddr, sizeof(key->addr));
}

static __always_inline bool shield_allowed(const struct siphon_prefix_key *key)
{
	return bpf_map_lookup_elem(&siphon_allow, key) != NULL;
}

static __always_inline bool shield_blocked(const struct siphon_prefix_key *key)
{
	return bpf_map_lookup_elem(&siphon_block, key) != NULL;
}

/* an operator's ban on this source that has not ended */
static __always_inline bool
shield_operator_ban(const struct siphon_prefix_key *key, __u64 now)
{
	struct siphon_prefix_val *v = bpf_map_lookup_elem(&siphon_bans, key);

	return v && (!v->until_ns || v->until_ns > now);
}

#endif /* SIPHON_BPF_SHIELD_LISTS_H */
