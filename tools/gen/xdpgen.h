/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the generator's XDP program (xdpgen.bpf.c) and its loader (xdpgen.c)
 * share: the header template, the flow spread, the SIP messages of the
 * SIP mode, and the per-CPU state.
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
 * SIP mode: whole SIP requests, one template per method, cycled. The
 * payload is written afresh into every frame (a recycled page holds what
 * the device under test left there: an OPTIONS answered in place is a
 * 200 OK by then), and each frame gets its own Call-ID and Via branch:
 * XDPGEN_SIP_ID_DIGITS hex digits at each id_off, '0's in the template.
 */
#define XDPGEN_SIP_MAX 3 /* INVITE, REGISTER, OPTIONS */
#define XDPGEN_SIP_PAYLOAD_MAX 1024
#define XDPGEN_SIP_IDS 2 /* the top Via's branch, the Call-ID */
#define XDPGEN_SIP_ID_DIGITS 8

struct xdpgen_sip_tmpl {
	union xdpgen_tmpl tmpl; /* this message's headers, checksums complete */
	__u16 len; /* of the payload */
	__u16 id_off[XDPGEN_SIP_IDS]; /* in the payload */
	__u16 pad;
	__u8 payload[XDPGEN_SIP_PAYLOAD_MAX];
};

/*
 * Flow i of ports * addrs goes to daddr_base + i / ports, port
 * port_base + i % ports, one frame per flow in turn: walked in order, or
 * with stride (not 0, prime to ports * addrs) flow 0, stride, 2 stride,
 * ... modulo the count, every flow once a round, neighbours far apart
 * (as a relay's calls send, unlike its ports in order).
 * Sources: saddr_base + j, j walking 0 .. saddrs - 1, one frame each; in
 * SIP mode (sip_n > 0) every source sends sip[0], then every source
 * sip[1], and so on, to the one destination of the templates.
 */
struct xdpgen_cfg {
	union xdpgen_tmpl tmpl;
	__u32 ifindex; /* every frame is redirected out of this device */
	__u32 ports;
	__u32 addrs;
	__u32 daddr_base; /* host order */
	__u16 port_base; /* host order */
	__u16 pad[3];
	__u32 saddrs;
	__u32 saddr_base; /* host order */
	__u32 sip_n; /* templates in sip[]; 0: RTP-like frames */
	__u32 stride; /* 0: flows in order */
	struct xdpgen_sip_tmpl sip[XDPGEN_SIP_MAX];
};

struct xdpgen_state {
	__u32 port_idx;
	__u32 addr_idx;
	__u64 sent; /* frames handed to the device */
	__u32 src_idx;
	__u32 sip_idx;
	__u32 flow; /* with a stride: this frame's flow */
	__u32 pad;
};

#endif /* SIPHON_TOOLS_XDPGEN_H */
