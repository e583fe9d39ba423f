/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage 4: the media relay. A UDP packet sent to a relay address and port
 * that has a flow, from the source that flow expects, is re-addressed and
 * leaves through the flow's next hop. Everything else is someone else's.
 */
#ifndef SIPHON_BPF_RELAY_H
#define SIPHON_BPF_RELAY_H

#include "latch.h"
#include "maps.h"
#include "nexthop.h"
#include "rewrite.h"

static __always_inline struct siphon_flow *flow_lookup(const struct packet *pkt)
{
	struct siphon_flow_key key = {};

	__builtin_memcpy(key.addr, pkt->daddr, sizeof(key.addr));
	key.port = pkt->udp->dest;
	key.family = pkt->family;
	return bpf_map_lookup_elem(&siphon_flows, &key);
}

static __always_inline void flow_account(struct siphon_flow *flow,
					 const struct packet *pkt)
{
	__u32 payload = bpf_ntohs(pkt->udp->len) - sizeof(struct udphdr);

	__sync_fetch_and_add(&flow->packets, 1);
	__sync_fetch_and_add(&flow->bytes, payload);
	flow->last_seen_ns = bpf_ktime_get_ns();
}

/* Returns SIPHON_REDIRECT with *nh filled in, or another final reason. */
static __always_inline int relay_media(struct xdp_md *ctx, struct packet *pkt,
				       struct nexthop *nh)
{
	struct siphon_flow *flow;
	int reason;

	flow = flow_lookup(pkt);
	if (!flow)
		return SIPHON_PASS_NO_FLOW;
	/* before the latch: an invalid packet must not teach it a port */
	if (pkt->family == SIPHON_AF_INET6 && !pkt->udp->check)
		return SIPHON_PASS_UDP_CSUM_ZERO6;
	if (!source_expected(flow, pkt))
		return SIPHON_DROP_WRONG_SOURCE;

	reason = nexthop_find(ctx, pkt, flow, nh);
	if (reason != SIPHON_CONTINUE)
		return reason;

	rewrite_packet(pkt, flow, nh);
	flow_account(flow, pkt);
	if (nh->ifindex == ctx->ingress_ifindex)
		return SIPHON_TX_SAME_IF;
	return SIPHON_REDIRECT;
}

#endif /* SIPHON_BPF_RELAY_H */
