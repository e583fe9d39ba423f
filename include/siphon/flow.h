/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The media flow table: the contract between the XDP relay (bpf/relay.h),
 * which reads it per packet, and the control plane (user/flow_table.c),
 * which is its only writer.
 *
 * A flow is one direction of one media stream. Its key is what the packet
 * was sent to: a relay address and port. Its value says who may send there
 * (latching), how the packet is re-addressed, where it leaves, and what the
 * fast path has counted.
 */
#ifndef SIPHON_FLOW_H
#define SIPHON_FLOW_H

#include <linux/types.h>

/* Address families as stored in keys and values (not AF_*: stable ABI). */
enum siphon_family {
	SIPHON_AF_INET = 4,
	SIPHON_AF_INET6 = 6,
};

/*
 * An IPv4 address sits in addr[0], the other words are zero; an IPv6
 * address fills all four. Network byte order throughout.
 */
struct siphon_flow_key {
	__be32 addr[4];
	__be16 port;
	__u8 family;
	__u8 pad;
};

/* How a flow decides that a packet comes from the endpoint it belongs to. */
enum siphon_latch {
	/* expect_addr and expect_port must both match */
	SIPHON_LATCH_EXACT = 0,
	/*
	 * expect_addr must match; the first packet from it fixes the port for
	 * the life of the flow (phones behind NAT).
	 */
	SIPHON_LATCH_LEARN = 1,
};

/* learned_port holds this bit once the port has been learned. */
#define SIPHON_LEARNED_BIT 0x10000u

enum siphon_flow_flags {
	/* nh_* are filled in by the control plane; skip bpf_fib_lookup */
	SIPHON_FLOW_NH_CACHED = 1 << 0,
	/*
	 * the operator asked for a FIB lookup per packet: a next-hop refresh
	 * leaves this flow alone (control plane only; XDP ignores it)
	 */
	SIPHON_FLOW_NH_FIB = 1 << 1,
	/*
	 * LATCH_LEARN for a phone behind NAT: once the port is learned, the
	 * flow keyed by this flow's saddr:sport (the way back to the phone)
	 * sends to the learned port, if it sends to expect_addr
	 */
	SIPHON_FLOW_REPLY_FOLLOWS = 1 << 2,
	/*
	 * the flow carries RTP: the fast path measures loss and jitter of
	 * the packets that hold an RTP version 2 header (bpf/rtp_quality.h).
	 * RTCP flows leave it clear.
	 */
	SIPHON_FLOW_RTP = 1 << 3,
};

/* the RTP clock rate assumed when the control plane gives none (G.711) */
#define SIPHON_RTP_CLOCK_DEFAULT 8000u

/*
 * RTP reception quality of one flow (one direction of one stream), kept by
 * the fast path only, after RFC 3550 appendix A.1 (sequence numbers) and
 * A.8 (interarrival jitter). Zero until the first RTP packet.
 *
 * Sequence numbers are extended to 32 bits: the high 16 bits count the
 * times the 16-bit number wrapped. An epoch starts at the first packet and
 * again when the sender restarts its sequence (a resync, see
 * bpf/rtp_quality.h); packets expected = expected_prior (closed epochs) +
 * ext_max - base_seq + 1; lost = expected - received, which duplicates can
 * make negative (RFC 3550 6.4.1), so readers clamp it at 0.
 */
struct siphon_rtp_quality {
	__u32 ext_max; /* highest extended sequence number seen */
	__u32 base_seq; /* extended sequence number this epoch began at */
	/* after a jump: the number that confirms a restart if it comes next;
	 * SIPHON_RTP_NO_BAD_SEQ when none is pending */
	__u32 bad_seq;
	__u32 received; /* RTP packets counted, every epoch */
	__u32 expected_prior; /* packets expected by the epochs closed */
	/* RFC 3550 A.8 jitter estimate in RTP timestamp units, times 16 */
	__u32 jitter_q4;
	__u32 last_ts; /* RTP timestamp of the last in-order packet */
	__u32 duplicates; /* repeats of the highest sequence number */
	__u32 resyncs; /* sender restarts: new epochs after the first */
	__u32 not_rtp; /* packets on the flow without an RTP v2 header */
	/* bpf_ktime_get_ns() at the last in-order packet; 0: none yet */
	__u64 last_arrival_ns;
};

#define SIPHON_RTP_NO_BAD_SEQ 0x10001u /* above any 16-bit number + 1 */

struct siphon_flow {
	/* the packet leaves from saddr:sport towards daddr:dport */
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;

	/* who may send to the key (enum siphon_latch) */
	__u8 latch;
	__u8 flags; /* enum siphon_flow_flags */
	__be16 expect_port;
	__be32 expect_addr[4];
	/* 0, or SIPHON_LEARNED_BIT | port in network order (LATCH_LEARN) */
	__u32 learned_port;

	/* next hop, valid when flags has SIPHON_FLOW_NH_CACHED */
	__u32 nh_ifindex;
	__u8 nh_smac[6];
	__u8 nh_dmac[6];
	/*
	 * RTP clock rate (Hz) of a SIPHON_FLOW_RTP flow, for the jitter;
	 * 0: SIPHON_RTP_CLOCK_DEFAULT. Keeps the counters 8-byte aligned.
	 */
	__u32 clock_rate;

	/* written by the fast path only */
	__u64 packets;
	__u64 bytes; /* UDP payload bytes */
	/* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC to a tick (a few ms) */
	__u64 last_seen_ns;
	struct siphon_rtp_quality rtp; /* SIPHON_FLOW_RTP flows only */
};

/*
 * The flow table (bpf/flow_table.h reads it, user/flow_table.c writes
 * it): flows live in slots of an array (siphon_flows), found through an
 * index (siphon_flowidx) of 2^k 64-bit words probed linearly from the
 * word a hash of the key picks. Both are BPF_MAP_TYPE_ARRAY, whose
 * lookups the verifier inlines: a packet's flow costs a few loads, no
 * helper call. An index word is SIPHON_FLOW_IDX_EMPTY (a probe stops
 * there), SIPHON_FLOW_IDX_TOMB (a deleted flow's word: a probe goes on),
 * or a tag of the key's hash (high 32 bits) and a slot number (low 32).
 *
 * Writers never change a slot a packet may be reading: a flow is
 * written into a free slot, made LIVE, then published in the index in
 * one 8-byte store; a replaced or deleted flow's slot is retired (its
 * retired_ns set, nothing else touched) and reused only
 * SIPHON_SLOT_GRACE_NS later, long after any packet that found it is
 * gone (XDP runs a packet to its end in well under a millisecond, with
 * bottom halves off), or after the writer waited for an RCU grace
 * period, which every XDP run is inside (user/flow_index.c).
 */
enum siphon_slot_state {
	SIPHON_SLOT_FREE = 0, /* never used, or cleared */
	/* holds a whole flow: the only state XDP reads a slot in; a
	 * retired slot stays LIVE, for the packets still reading it */
	SIPHON_SLOT_LIVE = 1,
};

#define SIPHON_SLOT_GRACE_NS 1000000000ull

struct siphon_flow_slot {
	struct siphon_flow_key key;
	__u32 state; /* enum siphon_slot_state */
	struct siphon_flow flow;
	/* CLOCK_MONOTONIC when a writer retired the slot, 0 while it is in
	 * the index (control plane only) */
	__u64 retired_ns;
	__u64 reserved; /* 0; makes a slot three cache lines */
};

#define SIPHON_FLOW_IDX_EMPTY 0ull
#define SIPHON_FLOW_IDX_TOMB (~0ull)
/* index words a lookup or an insert looks at, from the home word on */
#define SIPHON_FLOW_PROBES 16

/*
 * Multiplicative hashing of what a relay's keys differ in: few relay
 * addresses, many ports. Relay addresses and ports are the relay's own,
 * chosen by its control plane, so nobody outside can aim collisions.
 */
static inline __u64 siphon_flow_hash(const __be32 *addr, __be16 port)
{
	__u64 x = addr[0] ^ addr[1] ^ addr[2] ^ addr[3];

	return (x << 16 | port) * 0x9e3779b97f4a7c15ull;
}

/* the home word: the top bits of the hash, index_bits = 64 - shift */
static inline __u32 siphon_flow_home(__u64 hash, __u32 shift)
{
	return (__u32)(hash >> shift);
}

/* 31 bits of a second mix, never 0, never the tombstone's all-ones */
static inline __u32 siphon_flow_tag(__u64 hash)
{
	return (__u32)((hash * 0xc2b2ae3d27d4eb4full) >> 33) | 1;
}

static inline __u64 siphon_flow_idx_word(__u32 tag, __u32 slot)
{
	return (__u64)tag << 32 | slot;
}

_Static_assert(sizeof(struct siphon_flow_key) == 20, "flow key ABI");
_Static_assert(sizeof(struct siphon_rtp_quality) == 48, "RTP quality ABI");
_Static_assert(sizeof(struct siphon_flow) == 152, "flow value ABI");
_Static_assert(sizeof(struct siphon_flow_slot) == 192, "flow slot ABI");

#endif /* SIPHON_FLOW_H */
