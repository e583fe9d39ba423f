/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a relayed packet leaves: the next hop the control plane cached in
 * the flow, or else a FIB lookup per packet. No neighbour entry yet means the
 * packet goes up to the stack untouched (counted), never out with a guessed
 * MAC address.
 */
#ifndef SIPHON_BPF_NEXTHOP_H
#define SIPHON_BPF_NEXTHOP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "maps.h"
#include "packet.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

struct nexthop {
	__u32 ifindex;
	__u8 smac[6];
	__u8 dmac[6];
};

static __always_inline int nexthop_from_fib(struct xdp_md *ctx,
					    const struct packet *pkt,
					    const struct siphon_flow *flow,
					    struct nexthop *nh)
{
	struct bpf_fib_lookup fib = {};
	long rc;

	fib.l4_protocol = IPPROTO_UDP;
	fib.sport = flow->sport;
	fib.dport = flow->dport;
	fib.ifindex = ctx->ingress_ifindex;
	if (pkt->family == SIPHON_AF_INET) {
		fib.family = AF_INET;
		fib.tos = pkt->ip4->tos;
		fib.tot_len = bpf_ntohs(pkt->ip4->tot_len);
		fib.ipv4_src = flow->saddr[0];
		fib.ipv4_dst = flow->daddr[0];
	} else {
		fib.family = AF_INET6;
		fib.tot_len = bpf_ntohs(pkt->ip6->payload_len) +
			      sizeof(struct ipv6hdr);
		__builtin_memcpy(fib.ipv6_src, flow->saddr,
				 sizeof(fib.ipv6_src));
		__builtin_memcpy(fib.ipv6_dst, flow->daddr,
				 sizeof(fib.ipv6_dst));
	}

	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return SIPHON_PASS_NO_NEIGH;
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return SIPHON_PASS_NO_ROUTE;

	nh->ifindex = fib.ifindex;
	__builtin_memcpy(nh->smac, fib.smac, sizeof(nh->smac));
	__builtin_memcpy(nh->dmac, fib.dmac, sizeof(nh->dmac));
	return SIPHON_CONTINUE;
}

static __always_inline int nexthop_find(struct xdp_md *ctx,
					const struct packet *pkt,
					const struct siphon_flow *flow,
					struct nexthop *nh)
{
	if (!(flow->flags & SIPHON_FLOW_NH_CACHED))
		return nexthop_from_fib(ctx, pkt, flow, nh);
	nh->ifindex = flow->nh_ifindex;
	__builtin_memcpy(nh->smac, flow->nh_smac, sizeof(nh->smac));
	__builtin_memcpy(nh->dmac, flow->nh_dmac, sizeof(nh->dmac));
	return SIPHON_CONTINUE;
}

/*
 * Out of the ingress interface, or through the tx port map. The map lookup
 * bpf_redirect_map() makes anyway is the only check that the egress is
 * attached: a second one per packet costs more than the rare packet lost to
 * a detached egress, which is counted.
 */
static __always_inline int transmit(struct xdp_md *ctx,
				    const struct nexthop *nh)
{
	if (nh->ifindex == ctx->ingress_ifindex)
		return SIPHON_TX_SAME_IF;
	if (bpf_redirect_map(&siphon_tx_ports, nh->ifindex, XDP_DROP) !=
	    XDP_REDIRECT)
		return SIPHON_DROP_EGRESS_UNKNOWN;
	return SIPHON_REDIRECT;
}

#endif /* SIPHON_BPF_NEXTHOP_H */
