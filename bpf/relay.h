/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage 4: the media relay. A UDP packet sent to a relay address and port
 * that has a flow, from the source that flow expects, is re-addressed and
 * leaves through the flow's next hop. Everything else is someone else's.
 */
#ifndef SIPHON_BPF_RELAY_H
#define SIPHON_BPF_RELAY_H

#include "clock.h"
#include "flow_table.h"
#include "latch.h"
#include "maps.h"
#include "nexthop.h"
#include "rewrite.h"
#include "rtp_quality.h"

/*
 * Plain adds, not atomics: RSS steers a flow's 5-tuple to one receive queue,
 * so one CPU at a time counts it, and the lock prefix would cost more than
 * the rest of the relay. A tick's precision (bpf/clock.h) is all a media
 * timeout needs.
 */
static __always_inline void flow_account(struct siphon_flow *flow,
					 const struct packet *pkt)
{
	__u32 payload = bpf_ntohs(pkt->udp->len) - sizeof(struct udphdr);

	flow->packets += 1;
	flow->bytes += payload;
	flow->last_seen_ns = clock_coarse_ns();
}

/*
 * RTP quality of a SIPHON_FLOW_RTP flow (bpf/rtp_quality.h), after the
 * packet is on its way: a payload that is not RTP is relayed all the same,
 * only counted in not_rtp. Plain stores, like flow_account() and for the
 * same reason: one CPU at a time sees a flow's packets, and if RSS ever
 * spread a flow over two, the worst is a wrong estimate (every field stays
 * a bounded number), never a wrong packet. Readers in userspace may see a
 * packet half-counted; the next read is right.
 *
 * Only packets that move the jitter take the fine clock, read once per
 * NAPI poll (bpf/clock.h): bpf_ktime_get_ns() is the one fine clock XDP
 * has (the coarse one moves once a tick, as coarse as the jitter it would
 * measure).
 */
static __always_inline void flow_measure_rtp(struct siphon_flow *flow,
					     const struct packet *pkt,
					     const void *data_end)
{
	const struct rtp_fixed_hdr *rtp = (const void *)(pkt->udp + 1);
	struct siphon_rtp_quality *q = &flow->rtp;
	enum rtp_seq_verdict v;
	__u32 rate, ts;
	__u64 now;

	if ((const void *)(rtp + 1) > data_end ||
	    bpf_ntohs(pkt->udp->len) < sizeof(struct udphdr) + sizeof(*rtp) ||
	    !rtp_header_valid(rtp->vpxcc, rtp->mpt)) {
		q->not_rtp++;
		return;
	}
	v = rtp_seq_update(q, bpf_ntohs(rtp->seq), !q->last_arrival_ns);
	if (v > RTP_SEQ_RESTART)
		return;
	now = clock_fine_ns();
	ts = bpf_ntohl(rtp->ts);
	if (v == RTP_SEQ_IN_ORDER) {
		rate = flow->clock_rate ?: SIPHON_RTP_CLOCK_DEFAULT;
		q->jitter_q4 = rtp_jitter_update(q->jitter_q4,
						 now - q->last_arrival_ns,
						 ts - q->last_ts, rate);
	}
	q->last_arrival_ns = now;
	q->last_ts = ts;
}

static __always_inline int relay_media(struct xdp_md *ctx, struct packet *pkt)
{
	struct siphon_flow *flow;
	bool learned_now = false;
	struct nexthop nh;
	int reason;

	flow = flow_find(pkt->daddr, pkt->udp->dest, pkt->family);
	if (!flow)
		return SIPHON_PASS_NO_FLOW;
	/* before the latch: an invalid packet must not teach it a port */
	if (pkt->family == SIPHON_AF_INET6 && !pkt->udp->check)
		return SIPHON_PASS_UDP_CSUM_ZERO6;
	if (!source_expected(flow, pkt, &learned_now))
		return SIPHON_DROP_WRONG_SOURCE;
	if (learned_now && (flow->flags & SIPHON_FLOW_REPLY_FOLLOWS))
		reply_follows(flow, pkt);

	reason = nexthop_find(ctx, pkt, flow, &nh);
	if (reason != SIPHON_CONTINUE)
		return reason;

	rewrite_packet(pkt, flow, &nh);
	reason = transmit(ctx, &nh);
	if (reason == SIPHON_DROP_EGRESS_UNKNOWN)
		return reason;
	flow_account(flow, pkt);
	if (flow->flags & SIPHON_FLOW_RTP)
		flow_measure_rtp(flow, pkt, (void *)(long)ctx->data_end);
	return reason;
}

#endif /* SIPHON_BPF_RELAY_H */
