/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the generator's XDP program (xdpgen.bpf.c) and its loader (xdpgen.c)
 * share: the header template, the flow spread, and the per-CPU state.
 */
#ifndef SIPHON_TOOLS_XDPGEN_H
#define SIPHON_TOOLS_XDPGEN_H

#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

/* Ethernet + IPv4 without options + UDP, exactly as on the wire */
struct xdpgen_hdrs {
	struct ethhdr eth;
	struct iphdr ip;
	struct udphdr udp;
} __attribute__((packed));

#define XDPGEN_HDRS_LEN 42
#define XDPGEN_TMPL_WORDS 6 /* 48 bytes, the first 42 used */

_Static_assert(sizeof(struct xdpgen_hdrs) == XDPGEN_HDRS_LEN, "template");

union xdpgen_tmpl {
	struct xdpgen_hdrs hdrs; /* flow 0, with both checksums complete */
	__u64 words[XDPGEN_TMPL_WORDS];
};

/*
 * Flow i of ports * addrs goes to daddr_base + i / ports, port
 * port_base + i % ports, walked in order, one frame per flow in turn.
 */
struct xdpgen_cfg {
	union xdpgen_tmpl tmpl;
	__u32 ifindex; /* every frame is redirected out of this device */
	__u32 ports;
	__u32 addrs;
	__u32 daddr_base; /* host order */
	__u16 port_base; /* host order */
	__u16 pad[3];
};

struct xdpgen_state {
	__u32 port_idx;
	__u32 addr_idx;
	__u64 sent; /* frames handed to the device */
};

#endif /* SIPHON_TOOLS_XDPGEN_H */
