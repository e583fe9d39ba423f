/* SPDX-License-Identifier: GPL-2.0-only */
/* Stage 1: Ethernet, with up to two 802.1Q / 802.1ad tags. */
#ifndef SIPHON_BPF_PARSE_L2_H
#define SIPHON_BPF_PARSE_L2_H

#include <bpf/bpf_endian.h>
#include "packet.h"
#include "siphon/counters.h"

#define VLAN_MAX_DEPTH 2

/* the four bytes an 802.1Q or 802.1ad tag adds after the MAC addresses */
struct vlan_tag {
	__be16 tci;
	__be16 encap_proto;
};

static __always_inline bool eth_proto_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) ||
	       proto == bpf_htons(ETH_P_8021AD);
}

static __always_inline int parse_ethernet(struct cursor *cur,
					  struct packet *pkt)
{
	struct ethhdr *eth = cur->pos;
	struct vlan_tag *tag;
	__be16 proto;
	int i;

	if ((void *)(eth + 1) > cur->end)
		return SIPHON_PASS_TRUNCATED;
	pkt->eth = eth;
	proto = eth->h_proto;
	cur->pos = eth + 1;

#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (!eth_proto_is_vlan(proto))
			break;
		tag = cur->pos;
		if ((void *)(tag + 1) > cur->end)
			return SIPHON_PASS_TRUNCATED;
		proto = tag->encap_proto;
		cur->pos = tag + 1;
	}
	if (eth_proto_is_vlan(proto))
		return SIPHON_PASS_VLAN_DEPTH;

	pkt->l3_proto = proto;
	return SIPHON_CONTINUE;
}

#endif /* SIPHON_BPF_PARSE_L2_H */
