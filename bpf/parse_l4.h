/* SPDX-License-Identifier: GPL-2.0-only */
/* Stage 3: the UDP header, checked against the length IP declared. */
#ifndef SIPHON_BPF_PARSE_L4_H
#define SIPHON_BPF_PARSE_L4_H

#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include "packet.h"
#include "siphon/counters.h"

static __always_inline int parse_udp(struct cursor *cur, struct packet *pkt)
{
	struct udphdr *udp = cur->pos;
	__u32 len;

	if (pkt->l4_proto != IPPROTO_UDP)
		return SIPHON_PASS_NOT_UDP;
	if ((void *)(udp + 1) > cur->end)
		return SIPHON_PASS_TRUNCATED;
	len = bpf_ntohs(udp->len);
	if (len < sizeof(*udp) || len > pkt->l4_len)
		return SIPHON_PASS_TRUNCATED;

	pkt->udp = udp;
	cur->pos = udp + 1;
	return SIPHON_CONTINUE;
}

#endif /* SIPHON_BPF_PARSE_L4_H */
