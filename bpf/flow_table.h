/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding a packet's flow: the index word the key's hash picks, then the
 * next ones up to SIPHON_FLOW_PROBES, each naming a slot whose key is
 * compared in full (include/siphon/flow.h has the layout and the rules
 * writers keep). Both maps are arrays: the verifier inlines their
 * lookups, so this is loads and compares, no helper call, and a packet
 * touches one index word and one slot, not a bucket and an element.
 */
#ifndef SIPHON_BPF_FLOW_TABLE_H
#define SIPHON_BPF_FLOW_TABLE_H

#include "maps.h"

/* 64 - the index's bits, set by the loader from the index's size */
const volatile __u32 flow_idx_shift = 64 - SIPHON_FLOW_IDX_BITS_DEFAULT;

static __always_inline bool flow_slot_holds(const struct siphon_flow_slot *s,
					    const __be32 *addr, __be16 port,
					    __u8 family)
{
	return s->state == SIPHON_SLOT_LIVE &&
	       !((s->key.addr[0] ^ addr[0]) | (s->key.addr[1] ^ addr[1]) |
		 (s->key.addr[2] ^ addr[2]) | (s->key.addr[3] ^ addr[3])) &&
	       s->key.port == port && s->key.family == family;
}

static __always_inline struct siphon_flow *flow_find(const __be32 *addr,
						     __be16 port, __u8 family)
{
	__u64 hash = siphon_flow_hash(addr, port), word, *w;
	__u32 shift = flow_idx_shift, tag = siphon_flow_tag(hash);
	__u32 home = siphon_flow_home(hash, shift);
	__u32 mask = 0xffffffffu >> (shift - 32);
	struct siphon_flow_slot *s;
	__u32 i, n, slot;

#pragma unroll
	for (i = 0; i < SIPHON_FLOW_PROBES; i++) {
		n = (home + i) & mask;
		w = bpf_map_lookup_elem(&siphon_flowidx, &n);
		if (!w)
			return NULL;
		word = *(volatile __u64 *)w;
		if (word == SIPHON_FLOW_IDX_EMPTY)
			return NULL;
		if ((__u32)(word >> 32) != tag)
			continue;
		slot = (__u32)word;
		s = bpf_map_lookup_elem(&siphon_flows, &slot);
		if (s && flow_slot_holds(s, addr, port, family))
			return &s->flow;
	}
	return NULL;
}

#endif /* SIPHON_BPF_FLOW_TABLE_H */
