/* SPDX-License-Identifier: GPL-2.0-only */
/* The sink's counters, shared by xdp_sink.bpf.c and its loader. */
#ifndef SIPHON_TOOLS_XDP_SINK_H
#define SIPHON_TOOLS_XDP_SINK_H

#include <linux/types.h>

struct sink_counters {
	__u64 packets;
	__u64 bytes;
	__u64 csum_checked; /* IPv4 UDP frames whose checksums were verified */
	__u64 csum_bad; /* of those, a wrong IPv4 header or UDP checksum */
};

#endif /* SIPHON_TOOLS_XDP_SINK_H */
