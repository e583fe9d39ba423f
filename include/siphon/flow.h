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
};

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
	__u32 reserved; /* zero; keeps the counters 8-byte aligned */

	/* written by the fast path only */
	__u64 packets;
	__u64 bytes; /* UDP payload bytes */
	/* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC to a tick (a few ms) */
	__u64 last_seen_ns;
};

_Static_assert(sizeof(struct siphon_flow_key) == 20, "flow key ABI");
_Static_assert(sizeof(struct siphon_flow) == 104, "flow value ABI");

#endif /* SIPHON_FLOW_H */
