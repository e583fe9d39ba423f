/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * RTP reception quality, per flow: the arithmetic of RFC 3550 appendix A.1
 * (extended sequence numbers, packets expected and received) and A.8
 * (interarrival jitter), on struct siphon_rtp_quality (include/siphon/
 * flow.h). Pure functions of their arguments: the XDP relay calls them
 * (bpf/relay.h, which reads the header and the clock), and the unit test
 * tests/unit/test_rtp_calc.c compiles this same file for userspace.
 *
 * How A.1 is simplified, and why:
 * - No probation at the start. RFC 3550 waits for two packets in sequence
 *   before it trusts a new source; here the latch (bpf/latch.h) has already
 *   checked the sender, so the first RTP packet starts the count.
 * - A jump of MAX_DROPOUT or more ahead (or MAX_MISORDER or more behind)
 *   is not counted; if the very next packet follows it in sequence, the
 *   sender restarted (a new SSRC, a re-INVITE to another device): a new
 *   epoch starts, both packets counted. What the old epoch expected is kept
 *   in expected_prior, so the loss stays cumulative across restarts.
 * - A packet repeating the highest number is a duplicate: counted apart,
 *   not as received. Older duplicates cannot be told from late packets
 *   without a history, and count as received (RFC 3550 6.4.1: the loss can
 *   go negative).
 * - Jitter is updated by packets that raise the highest number only; a late
 *   packet would otherwise count its lateness twice (once late, once when
 *   the next in-order packet compares against it).
 */
#ifndef SIPHON_BPF_RTP_QUALITY_H
#define SIPHON_BPF_RTP_QUALITY_H

#include <stdbool.h>
#include <linux/types.h>
#include "siphon/flow.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

#define RTP_VERSION 2
#define RTP_SEQ_MOD 0x10000u
/* RFC 3550 A.1's defaults: how far ahead is a gap, how far back is late */
#define RTP_MAX_DROPOUT 3000u
#define RTP_MAX_MISORDER 100u
/*
 * An arrival this long (about 18 minutes) after the previous one does not
 * update the jitter: the gap says nothing of the network, and the product
 * with the clock rate must stay within 64 bits.
 */
#define RTP_JITTER_MAX_GAP_NS (1ull << 40)
/*
 * |D| is taken at most this (4.6 hours at 8 kHz): a timestamp leap of a
 * confused sender then moves the estimate a lot, but jitter_q4, which
 * settles at 16 |D|, stays within 32 bits.
 */
#define RTP_JITTER_MAX_D ((1u << 27) - 1)

/* the 12 bytes every RTP packet starts with (RFC 3550 5.1) */
struct rtp_fixed_hdr {
	__u8 vpxcc; /* version (2 bits), padding, extension, CSRC count */
	__u8 mpt; /* marker (1 bit), payload type */
	__be16 seq;
	__be32 ts;
	__be32 ssrc;
};

enum rtp_seq_verdict {
	RTP_SEQ_FIRST, /* the stream's first packet: counted */
	RTP_SEQ_IN_ORDER, /* a new highest number (maybe after a gap) */
	RTP_SEQ_RESTART, /* the sender restarted: a new epoch, counted */
	RTP_SEQ_LATE, /* behind the highest: reordered, counted */
	RTP_SEQ_DUPLICATE, /* the highest number again: not counted */
	RTP_SEQ_JUMP, /* too far from the highest: not counted (yet) */
};

/*
 * Version 2, and not RTCP multiplexed on the RTP port: RTCP's packet types
 * 192-223 sit where RTP has its marker bit and payload type (RFC 5761 4).
 */
static __always_inline bool rtp_header_valid(__u8 vpxcc, __u8 mpt)
{
	return (vpxcc >> 6) == RTP_VERSION && (mpt < 192 || mpt > 223);
}

/* seq becomes the highest number of a new epoch; received by the caller */
static __always_inline void rtp_epoch_begin(struct siphon_rtp_quality *q,
					    __u32 ext_seq, __u32 count)
{
	q->ext_max = ext_seq;
	q->base_seq = ext_seq - (count - 1);
	q->bad_seq = SIPHON_RTP_NO_BAD_SEQ;
	q->received += count;
}

/*
 * Count one packet's sequence number. first: the flow has seen no RTP
 * packet yet (the caller knows it from last_arrival_ns).
 */
static __always_inline enum rtp_seq_verdict
rtp_seq_update(struct siphon_rtp_quality *q, __u16 seq, bool first)
{
	__u16 udelta = seq - (__u16)q->ext_max;
	__u32 cycles = q->ext_max & ~(RTP_SEQ_MOD - 1);

	if (first) {
		rtp_epoch_begin(q, seq, 1);
		return RTP_SEQ_FIRST;
	}
	if (udelta == 0) {
		q->duplicates++;
		return RTP_SEQ_DUPLICATE;
	}
	if (udelta < RTP_MAX_DROPOUT) {
		/* ahead, maybe past 65535: the number wrapped */
		if (seq < (__u16)q->ext_max)
			cycles += RTP_SEQ_MOD;
		q->ext_max = cycles | seq;
		q->bad_seq = SIPHON_RTP_NO_BAD_SEQ;
		q->received++;
		return RTP_SEQ_IN_ORDER;
	}
	if (udelta <= RTP_SEQ_MOD - RTP_MAX_MISORDER) {
		if (seq != q->bad_seq) {
			/* wait for the next one to tell a restart */
			q->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return RTP_SEQ_JUMP;
		}
		/*
		 * two in sequence after a jump: the old epoch closes with
		 * what it expected, the new one counts both packets. It
		 * starts in the next cycle so that seq - 1 fits below it
		 * even when seq is 0.
		 */
		q->expected_prior += q->ext_max - q->base_seq + 1;
		q->resyncs++;
		rtp_epoch_begin(q, RTP_SEQ_MOD | seq, 2);
		return RTP_SEQ_RESTART;
	}
	q->received++;
	return RTP_SEQ_LATE;
}

/* a duration in ns as RTP timestamp units of clock_rate Hz */
static __always_inline __u32 rtp_units_of_ns(__u64 ns, __u32 clock_rate)
{
	return (__u32)(ns * clock_rate / 1000000000ull);
}

/*
 * RFC 3550 A.8: D = (arrival difference) - (RTP timestamp difference) of
 * two consecutive packets, in timestamp units (modulo 2^32, as both
 * clocks wrap); J += (|D| - J) / 16, kept times 16 in jitter_q4 so that
 * the division loses nothing that matters. Returns the new jitter_q4.
 */
static __always_inline __u32 rtp_jitter_update(__u32 jitter_q4,
					       __u64 arrival_delta_ns,
					       __u32 ts_delta, __u32 clock_rate)
{
	__u32 d;

	if (arrival_delta_ns >= RTP_JITTER_MAX_GAP_NS)
		return jitter_q4;
	d = rtp_units_of_ns(arrival_delta_ns, clock_rate) - ts_delta;
	if (d & 0x80000000u) /* negative as a 32-bit difference */
		d = 0u - d;
	if (d > RTP_JITTER_MAX_D)
		d = RTP_JITTER_MAX_D;
	return jitter_q4 + d - ((jitter_q4 + 8) >> 4);
}

#endif /* SIPHON_BPF_RTP_QUALITY_H */
