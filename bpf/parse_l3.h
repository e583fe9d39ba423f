/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage 2: IPv4 (options skipped, fragments passed) and IPv6 (a bounded walk
 * over extension headers). Leaves the cursor on the transport header.
 */
#ifndef SIPHON_BPF_PARSE_L3_H
#define SIPHON_BPF_PARSE_L3_H

#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include "packet.h"
#include "siphon/counters.h"
#include "siphon/flow.h"

#define IPV6_EXT_MAX_DEPTH 6

/* IPv4 flags and offset: anything but DF means a fragment */
#define IP4_MF 0x2000
#define IP4_OFFSET 0x1fff

static __always_inline int parse_ipv4(struct cursor *cur, struct packet *pkt)
{
	struct iphdr *ip = cur->pos;
	__u32 hdr_len, tot_len;

	if ((void *)(ip + 1) > cur->end)
		return SIPHON_PASS_TRUNCATED;
	hdr_len = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hdr_len < sizeof(*ip) || tot_len < hdr_len)
		return SIPHON_PASS_TRUNCATED;
	/* trailing bytes (Ethernet padding) are allowed, missing ones are not */
	if (cur->pos + tot_len > cur->end)
		return SIPHON_PASS_TRUNCATED;
	if (ip->frag_off & bpf_htons(IP4_MF | IP4_OFFSET))
		return SIPHON_PASS_IP_FRAGMENT;

	pkt->ip4 = ip;
	pkt->family = SIPHON_AF_INET;
	pkt->l4_proto = ip->protocol;
	pkt->l4_len = tot_len - hdr_len;
	pkt->saddr[0] = ip->saddr;
	pkt->daddr[0] = ip->daddr;
	cur->pos += hdr_len;
	return SIPHON_CONTINUE;
}

/* generic extension header: next header, length in 8-octet units - 1 */
struct ipv6_ext {
	__u8 nexthdr;
	__u8 hdrlen;
};

static __always_inline int skip_ipv6_ext(struct cursor *cur, __u8 *nexthdr,
					 __u16 *left)
{
	struct ipv6_ext *ext = cur->pos;
	__u32 len;

	if ((void *)(ext + 1) > cur->end)
		return SIPHON_PASS_TRUNCATED;
	len = (ext->hdrlen + 1) * 8;
	if (len > *left || cur->pos + len > cur->end)
		return SIPHON_PASS_TRUNCATED;
	*nexthdr = ext->nexthdr;
	*left -= len;
	cur->pos += len;
	return SIPHON_CONTINUE;
}

static __always_inline bool ipv6_ext_skippable(__u8 next)
{
	return next == IPPROTO_HOPOPTS || next == IPPROTO_DSTOPTS;
}

/* what the header after the walk means, wherever the walk stopped */
static __always_inline int ipv6_ext_final(__u8 next)
{
	if (next == IPPROTO_FRAGMENT)
		return SIPHON_PASS_IP_FRAGMENT;
	/*
	 * A routing header means the destination is a waypoint, and AH would
	 * not survive a rewrite: leave both to the stack, as well as a chain
	 * of options longer than the walk.
	 */
	if (next == IPPROTO_ROUTING || next == IPPROTO_AH ||
	    ipv6_ext_skippable(next))
		return SIPHON_PASS_IPV6_EXT;
	return SIPHON_CONTINUE;
}

static __always_inline int parse_ipv6(struct cursor *cur, struct packet *pkt)
{
	struct ipv6hdr *ip6 = cur->pos;
	__u16 left;
	__u8 next;
	int i, reason;

	if ((void *)(ip6 + 1) > cur->end)
		return SIPHON_PASS_TRUNCATED;
	left = bpf_ntohs(ip6->payload_len);
	/* payload_len 0 is a jumbogram: not media */
	if (ip6->version != 6 || !left)
		return SIPHON_PASS_TRUNCATED;
	if ((void *)(ip6 + 1) + left > cur->end)
		return SIPHON_PASS_TRUNCATED;
	next = ip6->nexthdr;
	cur->pos = ip6 + 1;

#pragma unroll
	for (i = 0; i < IPV6_EXT_MAX_DEPTH; i++) {
		if (!ipv6_ext_skippable(next))
			break;
		reason = skip_ipv6_ext(cur, &next, &left);
		if (reason != SIPHON_CONTINUE)
			return reason;
	}
	reason = ipv6_ext_final(next);
	if (reason != SIPHON_CONTINUE)
		return reason;

	pkt->ip6 = ip6;
	pkt->family = SIPHON_AF_INET6;
	pkt->l4_proto = next;
	pkt->l4_len = left;
	__builtin_memcpy(pkt->saddr, &ip6->saddr, sizeof(pkt->saddr));
	__builtin_memcpy(pkt->daddr, &ip6->daddr, sizeof(pkt->daddr));
	return SIPHON_CONTINUE;
}

static __always_inline int parse_ip(struct cursor *cur, struct packet *pkt)
{
	if (pkt->l3_proto == bpf_htons(ETH_P_IP))
		return parse_ipv4(cur, pkt);
	if (pkt->l3_proto == bpf_htons(ETH_P_IPV6))
		return parse_ipv6(cur, pkt);
	return SIPHON_PASS_NOT_IP;
}

#endif /* SIPHON_BPF_PARSE_L3_H */
