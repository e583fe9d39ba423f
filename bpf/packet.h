/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the parse stages learn about a frame, handed from stage to stage.
 * Header pointers point into the packet and stay valid because no stage
 * calls a helper that may move packet data.
 */
#ifndef SIPHON_BPF_PACKET_H
#define SIPHON_BPF_PACKET_H

#include <stdbool.h>
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

/* a position in the packet; every read checks it against data_end first */
struct cursor {
	void *pos;
	void *end;
};

struct packet {
	struct ethhdr *eth;
	struct iphdr *ip4; /* exactly one of ip4 and ip6 is set */
	struct ipv6hdr *ip6;
	struct udphdr *udp;
	__be16 l3_proto;
	__u8 family; /* enum siphon_family */
	__u8 l4_proto;
	__u16 l4_len; /* bytes after the IP headers, as the IP header says */
	__be32 saddr[4];
	__be32 daddr[4];
};

#endif /* SIPHON_BPF_PACKET_H */
