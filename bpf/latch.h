/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Anti RTP-bleed and anti injection: a flow carries only packets from the
 * endpoint its call signalled. A LEARN flow fixes the source port from the
 * first packet of the expected address, once, race-free across CPUs.
 */
#ifndef SIPHON_BPF_LATCH_H
#define SIPHON_BPF_LATCH_H

#include "packet.h"
#include "siphon/flow.h"

static __always_inline bool addr_equal(const __be32 *a, const __be32 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

static __always_inline __u32 learn_port_once(struct siphon_flow *flow,
					     __be16 sport)
{
	__u32 learned = flow->learned_port;

	if (learned)
		return learned;
	learned = SIPHON_LEARNED_BIT | sport;
	/* the first CPU to get here wins; the others compare against it */
	return __sync_val_compare_and_swap(&flow->learned_port, 0, learned) ?:
		       learned;
}

static __always_inline bool source_expected(struct siphon_flow *flow,
					    const struct packet *pkt)
{
	__be16 sport = pkt->udp->source;

	if (!addr_equal(flow->expect_addr, pkt->saddr))
		return false;
	if (flow->latch == SIPHON_LATCH_EXACT)
		return sport == flow->expect_port;
	if (flow->latch == SIPHON_LATCH_LEARN)
		return (__be16)learn_port_once(flow, sport) == sport;
	return false;
}

#endif /* SIPHON_BPF_LATCH_H */
