/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Re-addressing a relayed packet: MAC addresses from the next hop, IP
 * addresses and UDP ports from the flow, checksums updated incrementally.
 */
#ifndef SIPHON_BPF_REWRITE_H
#define SIPHON_BPF_REWRITE_H

#include "csum.h"
#include "nexthop.h"
#include "packet.h"

static __always_inline __u64 rewrite_ipv4(struct iphdr *ip,
					  const struct siphon_flow *flow)
{
	__u64 diff = 0;

	diff = csum_diff32(diff, ip->saddr, flow->saddr[0]);
	diff = csum_diff32(diff, ip->daddr, flow->daddr[0]);
	ip->check = csum_apply(ip->check, diff);
	ip->saddr = flow->saddr[0];
	ip->daddr = flow->daddr[0];
	return diff;
}

static __always_inline __u64 rewrite_ipv6(struct ipv6hdr *ip6,
					  const struct siphon_flow *flow)
{
	__be32 *src = ip6->saddr.in6_u.u6_addr32;
	__be32 *dst = ip6->daddr.in6_u.u6_addr32;
	__u64 diff = 0;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		diff = csum_diff32(diff, src[i], flow->saddr[i]);
		diff = csum_diff32(diff, dst[i], flow->daddr[i]);
		src[i] = flow->saddr[i];
		dst[i] = flow->daddr[i];
	}
	return diff;
}

static __always_inline void rewrite_packet(struct packet *pkt,
					   const struct siphon_flow *flow,
					   const struct nexthop *nh)
{
	struct udphdr *udp = pkt->udp;
	__u64 diff;

	__builtin_memcpy(pkt->eth->h_source, nh->smac, ETH_ALEN);
	__builtin_memcpy(pkt->eth->h_dest, nh->dmac, ETH_ALEN);

	if (pkt->family == SIPHON_AF_INET)
		diff = rewrite_ipv4(pkt->ip4, flow);
	else
		diff = rewrite_ipv6(pkt->ip6, flow);

	diff = csum_diff16(diff, udp->source, flow->sport);
	diff = csum_diff16(diff, udp->dest, flow->dport);
	/* IPv4 UDP without a checksum stays without one */
	if (pkt->family == SIPHON_AF_INET6 || udp->check)
		udp->check = csum_apply_udp(udp->check, diff);
	udp->source = flow->sport;
	udp->dest = flow->dport;
}

#endif /* SIPHON_BPF_REWRITE_H */
