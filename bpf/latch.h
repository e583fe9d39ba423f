/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Anti RTP-bleed and anti injection: a flow carries only packets from the
 * endpoint its call signalled. A LEARN flow fixes the source port from the
 * first packet of the expected address, once, race-free across CPUs.
 */
#ifndef SIPHON_BPF_LATCH_H
#define SIPHON_BPF_LATCH_H

#include "flow_table.h"
#include "maps.h"
#include "packet.h"
#include "siphon/flow.h"

static __always_inline bool addr_equal(const __be32 *a, const __be32 *b)
{
	return !((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/* the latched port; *now says this packet taught it */
static __always_inline __u32 learn_port_once(struct siphon_flow *flow,
					     __be16 sport, bool *now)
{
	__u32 learned = flow->learned_port, old;

	if (learned)
		return learned;
	learned = SIPHON_LEARNED_BIT | sport;
	/* the first CPU to get here wins; the others compare against it */
	old = __sync_val_compare_and_swap(&flow->learned_port, 0, learned);
	*now = !old;
	return old ?: learned;
}

/*
 * The packet comes from the endpoint the flow belongs to. *learned_now
 * is set when it is the packet a LEARN flow fixed its port from.
 */
static __always_inline bool source_expected(struct siphon_flow *flow,
					    const struct packet *pkt,
					    bool *learned_now)
{
	__be16 sport = pkt->udp->source;

	if (!addr_equal(flow->expect_addr, pkt->saddr))
		return false;
	if (flow->latch == SIPHON_LATCH_EXACT)
		return sport == flow->expect_port;
	if (flow->latch == SIPHON_LATCH_LEARN)
		return (__be16)learn_port_once(flow, sport, learned_now) ==
		       sport;
	return false;
}

/*
 * A phone behind NAT sends from a port its SDP could not know. Once a
 * flow has learned it, the flow that carries media back to that phone
 * (keyed by this flow's own source: the relay port the other side sends
 * to) sends to that port too. Done once per flow, by the learning packet.
 */
static __always_inline void reply_follows(const struct siphon_flow *flow,
					  const struct packet *pkt)
{
	struct siphon_flow *reply;

	/* a flow's four endpoints share its family (user/flow_table.c) */
	reply = flow_find(flow->saddr, flow->sport, pkt->family);
	/* only a reply to the same host: never steer someone else's media */
	if (reply && addr_equal(reply->daddr, flow->expect_addr))
		reply->dport = pkt->udp->source;
}

#endif /* SIPHON_BPF_LATCH_H */
