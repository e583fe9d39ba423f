// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP program end to end, one frame at a time through BPF_PROG_TEST_RUN.
 * Frames built by tests/lib/pkt_build.h go in; each test checks the verdict,
 * the bytes that come out (re-addressed exactly as the flow says with every
 * other byte untouched, or not written at all), and what the program left in
 * its maps: the flow's counters and latch, and exactly one more count of the
 * expected reason in siphon_stats.
 *
 * Every test runs in its own process (the harness forks) in a new network
 * namespace holding veth devices (tests/lib/xdp_lab.h), with the program
 * loaded from the real object and private maps. The addresses, devices and
 * shared checks are in tests/lib/relay_bench.h.
 *
 * Fixtures, in the order of the packet path:
 *   relay     one frame per table row: L2, L3, L4, latch, next hop, lengths
 *   latch     a LEARN flow over a sequence of frames
 * Next hops from bpf_fib_lookup are in test_fib.c, every prefix of valid
 * frames in test_truncate.c.
 */
#include "kselftest_harness.h"
#include "relay_bench.h"

/* -------------------------------------------------------------------- */
/* relay: one frame per row                                              */
/* -------------------------------------------------------------------- */

enum flow_kind {
	FLOW_EXACT, /* expects the peer's address and port */
	FLOW_LEARN, /* expects the peer's address, learns the port */
	FLOW_ELSEWHERE, /* the only flow is on another relay port */
};

enum egress {
	EGRESS_OUT, /* cached next hop on DEV_OUT */
	EGRESS_BACK, /* cached next hop on DEV_IN, the ingress */
	EGRESS_ALT, /* cached next hop on DEV_ALT, not a tx port */
};

enum sender {
	FROM_PEER,
	FROM_PEER_OTHER_PORT,
	FROM_STRANGER,
};

FIXTURE(relay)
{
	struct bench b;
};

FIXTURE_VARIANT(relay)
{
	/* the frame */
	int family;
	bool arp;
	int vlans;
	__u16 vlan_tpid[PKT_VLAN_MAX];
	bool ip_opts;
	bool frag_more;
	__u16 frag_offset;
	int n_ext;
	__u8 ext[PKT_EXT_MAX];
	__u8 ext_len8[PKT_EXT_MAX];
	__u8 l4_proto;
	bool udp_csum_zero;
	int payload_len; /* 0: the RTP packet; -1: empty; else that many */
	size_t trailer_len;
	int ip_len_adjust;
	int udp_len_adjust;
	int ihl_override;
	int version_override;
	__u16 ip_id; /* 0: the default */
	enum sender from;
	/* the flow */
	enum flow_kind flow;
	enum egress egress;
	/* the outcome */
	int verdict;
	int reason;
};

/* clang-format off */
/* forwarded */
FIXTURE_VARIANT_ADD(relay, v4_redirect) {
	.family = 4, .verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_redirect) {
	.family = 6, .verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_tx_same_if) {
	.family = 4, .egress = EGRESS_BACK,
	.verdict = XDP_TX, .reason = SIPHON_TX_SAME_IF,
};
FIXTURE_VARIANT_ADD(relay, v6_tx_same_if) {
	.family = 6, .egress = EGRESS_BACK,
	.verdict = XDP_TX, .reason = SIPHON_TX_SAME_IF,
};
FIXTURE_VARIANT_ADD(relay, v4_learn_first) {
	.family = 4, .flow = FLOW_LEARN,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_learn_first) {
	.family = 6, .flow = FLOW_LEARN,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_odd_payload) {
	.family = 4, .payload_len = 33,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_empty_payload) {
	.family = 6, .payload_len = -1,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
/* Ethernet padding after the datagram rides along untouched */
FIXTURE_VARIANT_ADD(relay, v4_eth_padding) {
	.family = 4, .trailer_len = 18,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_eth_padding) {
	.family = 6, .trailer_len = 18,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};

/* VLAN tags: up to two are kept as they are, a third is not parsed */
FIXTURE_VARIANT_ADD(relay, v4_vlan1) {
	.family = 4, .vlans = 1,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_vlan1) {
	.family = 6, .vlans = 1,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_vlan2) {
	.family = 4, .vlans = 2,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_vlan2) {
	.family = 6, .vlans = 2,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_vlan2_8021q_twice) {
	.family = 4, .vlans = 2,
	.vlan_tpid = { PKT_ETH_P_8021Q, PKT_ETH_P_8021Q },
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_vlan1_8021ad) {
	.family = 6, .vlans = 1, .vlan_tpid = { PKT_ETH_P_8021AD },
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_vlan3) {
	.family = 4, .vlans = 3,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_VLAN_DEPTH,
};
FIXTURE_VARIANT_ADD(relay, v6_vlan3) {
	.family = 6, .vlans = 3,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_VLAN_DEPTH,
};

/* UDP checksums */
FIXTURE_VARIANT_ADD(relay, v4_udp_csum_zero) {
	.family = 4, .udp_csum_zero = true,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_udp_csum_zero) {
	.family = 6, .udp_csum_zero = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_UDP_CSUM_ZERO6,
};

/* IPv4 options are skipped and kept */
FIXTURE_VARIANT_ADD(relay, v4_ip_options) {
	.family = 4, .ip_opts = true,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v4_ip_options_vlan2) {
	.family = 4, .ip_opts = true, .vlans = 2,
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};

/* fragments go to the stack */
FIXTURE_VARIANT_ADD(relay, v4_frag_first) {
	.family = 4, .frag_more = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v4_frag_middle) {
	.family = 4, .frag_more = true, .frag_offset = 185,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v4_frag_last) {
	.family = 4, .frag_offset = 185,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v6_frag_first) {
	.family = 6, .n_ext = 1, .ext = { PKT_PROTO_FRAGMENT },
	.frag_more = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v6_frag_last) {
	.family = 6, .n_ext = 1, .ext = { PKT_PROTO_FRAGMENT },
	.frag_offset = 185,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v6_hbh_frag) {
	.family = 6, .n_ext = 2,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_FRAGMENT }, .frag_more = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};

/* IPv6 extension headers: options are skipped, routing is not */
FIXTURE_VARIANT_ADD(relay, v6_hbh_dstopts) {
	.family = 6, .n_ext = 2,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS },
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_vlan2_hbh_dstopts_long) {
	.family = 6, .vlans = 2, .n_ext = 2,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS },
	.ext_len8 = { 1, 3 },
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
/* IPV6_EXT_MAX_DEPTH (6) option headers are walked, a seventh is not */
FIXTURE_VARIANT_ADD(relay, v6_six_dstopts) {
	.family = 6, .n_ext = 6,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS },
	.verdict = XDP_REDIRECT, .reason = SIPHON_REDIRECT,
};
FIXTURE_VARIANT_ADD(relay, v6_seven_dstopts) {
	.family = 6, .n_ext = 7,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_DSTOPTS },
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IPV6_EXT,
};
/*
 * A fragment or routing header right after the last option header the walk
 * skips gets the same reason it gets earlier in the chain.
 */
FIXTURE_VARIANT_ADD(relay, v6_six_dstopts_frag) {
	.family = 6, .n_ext = 7,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_FRAGMENT },
	.frag_more = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IP_FRAGMENT,
};
FIXTURE_VARIANT_ADD(relay, v6_six_dstopts_routing) {
	.family = 6, .n_ext = 7,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS, PKT_PROTO_DSTOPTS,
		 PKT_PROTO_ROUTING },
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IPV6_EXT,
};
FIXTURE_VARIANT_ADD(relay, v6_routing) {
	.family = 6, .n_ext = 1, .ext = { PKT_PROTO_ROUTING },
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IPV6_EXT,
};
FIXTURE_VARIANT_ADD(relay, v6_hbh_routing) {
	.family = 6, .n_ext = 2,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_ROUTING },
	.verdict = XDP_PASS, .reason = SIPHON_PASS_IPV6_EXT,
};

/* not media for us */
FIXTURE_VARIANT_ADD(relay, v4_no_flow) {
	.family = 4, .flow = FLOW_ELSEWHERE,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NO_FLOW,
};
FIXTURE_VARIANT_ADD(relay, v6_no_flow) {
	.family = 6, .flow = FLOW_ELSEWHERE,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NO_FLOW,
};
FIXTURE_VARIANT_ADD(relay, v4_tcp) {
	.family = 4, .l4_proto = PKT_PROTO_TCP,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_UDP,
};
FIXTURE_VARIANT_ADD(relay, v6_tcp) {
	.family = 6, .l4_proto = PKT_PROTO_TCP,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_UDP,
};
FIXTURE_VARIANT_ADD(relay, arp) {
	.family = 4, .arp = true,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_IP,
};
FIXTURE_VARIANT_ADD(relay, arp_vlan1) {
	.family = 4, .arp = true, .vlans = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_IP,
};

/* latching: media only from the endpoint the call signalled */
FIXTURE_VARIANT_ADD(relay, v4_wrong_saddr) {
	.family = 4, .from = FROM_STRANGER,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};
FIXTURE_VARIANT_ADD(relay, v6_wrong_saddr) {
	.family = 6, .from = FROM_STRANGER,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};
FIXTURE_VARIANT_ADD(relay, v4_wrong_sport) {
	.family = 4, .from = FROM_PEER_OTHER_PORT,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};
FIXTURE_VARIANT_ADD(relay, v6_wrong_sport) {
	.family = 6, .from = FROM_PEER_OTHER_PORT,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};
/* a stranger never gets to teach a LEARN flow its port */
FIXTURE_VARIANT_ADD(relay, v4_learn_wrong_saddr) {
	.family = 4, .flow = FLOW_LEARN, .from = FROM_STRANGER,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};
FIXTURE_VARIANT_ADD(relay, v6_learn_wrong_saddr) {
	.family = 6, .flow = FLOW_LEARN, .from = FROM_STRANGER,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_WRONG_SOURCE,
};

/* a next hop the program may not send to */
FIXTURE_VARIANT_ADD(relay, v4_egress_unknown) {
	.family = 4, .egress = EGRESS_ALT,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_EGRESS_UNKNOWN,
};
FIXTURE_VARIANT_ADD(relay, v6_egress_unknown) {
	.family = 6, .egress = EGRESS_ALT,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_EGRESS_UNKNOWN,
};

/*
 * Lengths that do not add up. The RTP payload is 32 bytes, so UDP length
 * is 40 and IPv4 tot_len 60; the IPv6 payload_len is 40.
 */
FIXTURE_VARIANT_ADD(relay, v4_udp_len_over_ip) {
	.family = 4, .udp_len_adjust = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v6_udp_len_over_ip) {
	.family = 6, .udp_len_adjust = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v4_udp_len_under_8) {
	.family = 4, .udp_len_adjust = -33,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v6_udp_len_under_8) {
	.family = 6, .udp_len_adjust = -33,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v4_tot_len_over_frame) {
	.family = 4, .ip_len_adjust = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v4_tot_len_under_ihl) {
	.family = 4, .ip_len_adjust = -41,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
/* tot_len one short of the UDP datagram: the UDP length is too long */
FIXTURE_VARIANT_ADD(relay, v4_tot_len_short) {
	.family = 4, .ip_len_adjust = -1, .trailer_len = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v4_ihl_4) {
	.family = 4, .ihl_override = 4,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
/*
 * IHL 0 puts a "UDP header" on the IP header itself, where the IP ID is the
 * UDP length: with an ID of 40 only the IHL check stops the parse.
 */
FIXTURE_VARIANT_ADD(relay, v4_ihl_0) {
	.family = 4, .ihl_override = 0x10, /* IHL 0 */
	.ip_id = 40,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
/* a 60-byte header fills tot_len: no room left for UDP */
FIXTURE_VARIANT_ADD(relay, v4_ihl_15) {
	.family = 4, .ihl_override = 15,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v4_version_6) {
	.family = 4, .version_override = 6,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v6_version_4) {
	.family = 6, .version_override = 4,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v6_payload_len_over_frame) {
	.family = 6, .ip_len_adjust = 1,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
FIXTURE_VARIANT_ADD(relay, v6_payload_len_zero) {
	.family = 6, .ip_len_adjust = -40,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
/* an 8-byte option header where payload_len leaves only 4 */
FIXTURE_VARIANT_ADD(relay, v6_ext_over_payload_len) {
	.family = 6, .n_ext = 1, .ext = { PKT_PROTO_DSTOPTS },
	.ip_len_adjust = -44,
	.verdict = XDP_PASS, .reason = SIPHON_PASS_TRUNCATED,
};
/* clang-format on */

FIXTURE_SETUP(relay)
{
	bench_setup(_metadata, &self->b);
}

FIXTURE_TEARDOWN(relay)
{
	lab_unload(&self->b.lab);
}

/* an ARP request from the caller's router for the relay address */
static void arp_request(__u8 body[28])
{
	/* Ethernet, IPv4, 6-byte MACs, 4-byte addresses, request */
	static const __u8 head[8] = { 0, 1, 0x08, 0x00, 6, 4, 0, 1 };
	static const __u8 spa[4] = { 198, 18, 0, 10 };
	static const __u8 tpa[4] = { 198, 18, 0, 1 };

	memcpy(body, head, 8);
	memcpy(body + 8, mac_caller, ETH_ALEN);
	memcpy(body + 14, spa, 4);
	memset(body + 18, 0, ETH_ALEN);
	memcpy(body + 24, tpa, 4);
}

/* the harness macro as a type, which clang-format spaces as a product */
/* clang-format off */
static void variant_frame(const FIXTURE_VARIANT(relay) *v, struct pkt_spec *s,
			  __u8 *arp_body)
/* clang-format on */
{
	int i;

	s->vlans = v->vlans;
	memcpy(s->vlan_tpid, v->vlan_tpid, sizeof(s->vlan_tpid));
	if (v->arp) {
		arp_request(arp_body);
		s->family = 0;
		s->eth_proto = PKT_ETH_P_ARP;
		s->raw_l3 = arp_body;
		s->raw_l3_len = 28;
		return;
	}
	if (v->ip_opts) {
		memcpy(s->ip_opts, ip_opts, sizeof(ip_opts));
		s->ip_opts_len = sizeof(ip_opts);
	}
	s->frag_more = v->frag_more;
	s->frag_offset = v->frag_offset;
	s->n_ext = v->n_ext;
	for (i = 0; i < v->n_ext; i++) {
		s->ext[i] = v->ext[i];
		s->ext_len8[i] = v->ext_len8[i];
	}
	s->l4_proto = v->l4_proto;
	s->udp_csum_zero = v->udp_csum_zero;
	if (v->payload_len)
		s->payload_len = v->payload_len < 0 ? 0 : v->payload_len;
	s->trailer_len = v->trailer_len;
	s->ip_len_adjust = v->ip_len_adjust;
	s->udp_len_adjust = v->udp_len_adjust;
	s->ihl_override = v->ihl_override;
	s->version_override = v->version_override;
	if (v->ip_id)
		s->ip_id = v->ip_id;
}

TEST_F(relay, one_frame)
{
	static __u8 payload[64];
	const struct plan *p = plan_of(variant->family);
	const char *from_text[] = {
		[FROM_PEER] = p->peer,
		[FROM_PEER_OTHER_PORT] = p->peer_other_port,
		[FROM_STRANGER] = p->stranger,
	};
	const __u8 *smac = mac_out, *dmac = mac_next;
	int ifindex = self->b.if_out;
	struct siphon_flow flow, inserted;
	struct endpoint from, relay_ep;
	struct siphon_flow_key key;
	struct pkt_spec spec, want;
	struct run_counters count;
	__u8 frame[512], arp[28];
	struct xdp_result res;
	struct pkt_layout lay;

	make_flow(_metadata, p, p->callee, variant->flow == FLOW_LEARN, &key,
		  &flow);
	if (variant->egress == EGRESS_BACK) {
		ifindex = self->b.if_in;
		smac = mac_in;
		dmac = mac_back;
	} else if (variant->egress == EGRESS_ALT) {
		ifindex = self->b.if_alt;
		smac = mac_alt;
	}
	flow_cache_nh(&flow, ifindex, smac, dmac);
	if (variant->flow == FLOW_ELSEWHERE)
		key.port = htons(ntohs(key.port) + 2);
	add_flow(_metadata, &self->b, &key, &flow);
	inserted = flow;

	parse_ep(_metadata, from_text[variant->from], &from);
	parse_ep(_metadata, p->relay, &relay_ep);
	frame_spec(&spec, &from, &relay_ep);
	if (variant->payload_len > 0) {
		memset(payload, 0xd5, sizeof(payload));
		spec.payload = payload;
	}
	variant_frame(variant, &spec, arp);
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));

	bench_run(_metadata, &self->b, frame, lay.len, &res, &count);
	ASSERT_EQ(variant->verdict, res.verdict);
	assert_counted(_metadata, &count, variant->reason);
	/* re-addressed already when the redirect fails: dropped, not counted */
	if (variant->reason == SIPHON_DROP_EGRESS_UNKNOWN) {
		assert_flow_same(_metadata, &self->b, &key, &inserted);
		return;
	}
	if (variant->verdict != XDP_TX && variant->verdict != XDP_REDIRECT) {
		assert_untouched(_metadata, frame, lay.len, &res);
		assert_flow_same(_metadata, &self->b, &key, &inserted);
		return;
	}

	relayed_spec(&want, &spec, &flow, smac, dmac);
	assert_relayed(_metadata, &want, &res);
	assert_flow_counted(_metadata, &self->b, &key, &inserted,
			    spec.payload_len,
			    variant->flow == FLOW_LEARN ?
				    SIPHON_LEARNED_BIT | from.port :
				    0);
}

/* -------------------------------------------------------------------- */
/* latch: a LEARN flow over a sequence of frames                         */
/* -------------------------------------------------------------------- */

/* one LEARN flow from the peer, and who sends to it */
struct latch_bench {
	struct bench b;
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint relay;
	struct endpoint peer;
	struct endpoint peer_other_port;
	struct endpoint stranger;
};

FIXTURE(latch)
{
	struct latch_bench l;
};

FIXTURE_VARIANT(latch)
{
	int family;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(latch, v4) {
	.family = 4,
};
FIXTURE_VARIANT_ADD(latch, v6) {
	.family = 6,
};
/* clang-format on */

FIXTURE_SETUP(latch)
{
	const struct plan *p = plan_of(variant->family);
	struct latch_bench *l = &self->l;

	bench_setup(_metadata, &l->b);
	make_flow(_metadata, p, p->callee, true, &l->key, &l->flow);
	flow_cache_nh(&l->flow, l->b.if_out, mac_out, mac_next);
	add_flow(_metadata, &l->b, &l->key, &l->flow);
	parse_ep(_metadata, p->relay, &l->relay);
	parse_ep(_metadata, p->peer, &l->peer);
	parse_ep(_metadata, p->peer_other_port, &l->peer_other_port);
	parse_ep(_metadata, p->stranger, &l->stranger);
}

FIXTURE_TEARDOWN(latch)
{
	lab_unload(&self->l.b.lab);
}

/*
 * Send one frame from the endpoint and check verdict, reason, bytes and
 * the flow; learned is the learned_port the flow must hold afterwards.
 */
static void latch_step(struct __test_metadata *_metadata, struct latch_bench *l,
		       const struct endpoint *from, int verdict, int reason,
		       __u32 learned)
{
	struct siphon_flow flow_before, flow_after;
	struct pkt_spec spec, want;
	struct run_counters count;
	struct xdp_result res;
	struct pkt_layout lay;
	__u8 frame[256];

	frame_spec(&spec, from, &l->relay);
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));
	get_flow(_metadata, &l->b, &l->key, &flow_before);

	bench_run(_metadata, &l->b, frame, lay.len, &res, &count);
	ASSERT_EQ(verdict, res.verdict)
	{
		TH_LOG("from port %u", ntohs(from->port));
	}
	assert_counted(_metadata, &count, reason);

	if (verdict == XDP_REDIRECT) {
		relayed_spec(&want, &spec, &l->flow, mac_out, mac_next);
		assert_relayed(_metadata, &want, &res);
		assert_flow_counted(_metadata, &l->b, &l->key, &flow_before,
				    spec.payload_len, learned);
		return;
	}
	assert_untouched(_metadata, frame, lay.len, &res);
	get_flow(_metadata, &l->b, &l->key, &flow_after);
	ASSERT_EQ(learned, flow_after.learned_port);
	ASSERT_EQ(0, memcmp(&flow_before, &flow_after, sizeof(flow_after)));
}

TEST_F(latch, learns_first_port_only)
{
	__u32 learned = SIPHON_LEARNED_BIT | self->l.peer.port;

	/* the peer's port in network order, in the low 16 bits */
	ASSERT_EQ(0x10000u | htons(40000), learned);

	/* a stranger is dropped and teaches nothing */
	latch_step(_metadata, &self->l, &self->l.stranger, XDP_DROP,
		   SIPHON_DROP_WRONG_SOURCE, 0);
	/* the peer's first packet is relayed and fixes its port */
	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, learned);
	/* the same address from another port is someone else now */
	latch_step(_metadata, &self->l, &self->l.peer_other_port, XDP_DROP,
		   SIPHON_DROP_WRONG_SOURCE, learned);
	/* the learned port still gets through, counted on top */
	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, learned);
	latch_step(_metadata, &self->l, &self->l.stranger, XDP_DROP,
		   SIPHON_DROP_WRONG_SOURCE, learned);
}

/* UDP source port 0 is legal; SIPHON_LEARNED_BIT tells it from "not yet" */
TEST_F(latch, learns_port_zero)
{
	struct endpoint peer_zero = self->l.peer;

	peer_zero.port = 0;
	latch_step(_metadata, &self->l, &peer_zero, XDP_REDIRECT,
		   SIPHON_REDIRECT, SIPHON_LEARNED_BIT);
	latch_step(_metadata, &self->l, &self->l.peer, XDP_DROP,
		   SIPHON_DROP_WRONG_SOURCE, SIPHON_LEARNED_BIT);
	latch_step(_metadata, &self->l, &peer_zero, XDP_REDIRECT,
		   SIPHON_REDIRECT, SIPHON_LEARNED_BIT);
}

/*
 * The flow back to the peer, keyed by the learning flow's source (out_src):
 * it sends to `to`, from the relay address.
 */
static void add_reply_flow(struct __test_metadata *_metadata,
			   struct latch_bench *l, const struct plan *p,
			   const char *to, struct siphon_flow_key *key)
{
	struct siphon_flow flow;
	struct flow_spec spec;

	parse_ep(_metadata, p->out_src, &spec.relay);
	parse_ep(_metadata, p->callee, &spec.peer);
	parse_ep(_metadata, p->relay, &spec.out_src);
	parse_ep(_metadata, to, &spec.out_dst);
	flow_key_of(&spec.relay, key);
	ASSERT_EQ(0, flow_value_of(&spec, &flow));
	add_flow(_metadata, &l->b, key, &flow);
}

static __be16 dport_of(struct __test_metadata *_metadata, struct latch_bench *l,
		       const struct siphon_flow_key *key)
{
	struct siphon_flow flow;

	get_flow(_metadata, &l->b, key, &flow);
	return flow.dport;
}

static void set_reply_follows(struct __test_metadata *_metadata,
			      struct latch_bench *l)
{
	l->flow.flags |= SIPHON_FLOW_REPLY_FOLLOWS;
	ASSERT_EQ(0, flow_table_add(&l->b.lab.maps.flows, &l->key, &l->flow,
				    true));
}

/* a phone behind NAT: the way back to it follows the port it sends from */
TEST_F(latch, the_reply_follows_the_learned_port)
{
	const struct plan *p = plan_of(variant->family);
	__u32 learned = SIPHON_LEARNED_BIT | self->l.peer.port;
	struct siphon_flow_key reply;
	struct endpoint guess;

	set_reply_follows(_metadata, &self->l);
	/* the SDP named another port than the NAT sends from */
	add_reply_flow(_metadata, &self->l, p, p->peer_other_port, &reply);
	parse_ep(_metadata, p->peer_other_port, &guess);
	latch_step(_metadata, &self->l, &self->l.stranger, XDP_DROP,
		   SIPHON_DROP_WRONG_SOURCE, 0);
	EXPECT_EQ(guess.port, dport_of(_metadata, &self->l, &reply));
	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, learned);
	EXPECT_EQ(self->l.peer.port, dport_of(_metadata, &self->l, &reply));
}

/* never the way back to another host, and never without the flag */
TEST_F(latch, the_reply_to_another_host_stays)
{
	const struct plan *p = plan_of(variant->family);
	__u32 learned = SIPHON_LEARNED_BIT | self->l.peer.port;
	struct siphon_flow_key reply;
	struct endpoint other;

	set_reply_follows(_metadata, &self->l);
	add_reply_flow(_metadata, &self->l, p, p->stranger, &reply);
	parse_ep(_metadata, p->stranger, &other);
	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, learned);
	EXPECT_EQ(other.port, dport_of(_metadata, &self->l, &reply));
}

TEST_F(latch, no_flag_no_follow)
{
	const struct plan *p = plan_of(variant->family);
	__u32 learned = SIPHON_LEARNED_BIT | self->l.peer.port;
	struct siphon_flow_key reply;
	struct endpoint guess;

	add_reply_flow(_metadata, &self->l, p, p->peer_other_port, &reply);
	parse_ep(_metadata, p->peer_other_port, &guess);
	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, learned);
	EXPECT_EQ(guess.port, dport_of(_metadata, &self->l, &reply));
}

/*
 * The program is loaded once per test binary (tests/lib/xdp_lab.h); what
 * lets the tests share it is that the reset gives every map back empty.
 */
static bool array_is_zero(const struct bpf_map *map)
{
	size_t stride = (bpf_map__value_size(map) + 7) & ~(size_t)7;
	size_t bytes = bpf_map__value_size(map), i;
	int fd = bpf_map__fd(map);
	bool zero = true;
	__u32 slot;
	__u8 *value;

	if (bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY)
		bytes = stride * libbpf_num_possible_cpus();
	value = malloc(bytes);
	if (!value)
		return false;
	for (slot = 0; zero && slot < bpf_map__max_entries(map); slot++) {
		zero = !bpf_map_lookup_elem(fd, &slot, value);
		for (i = 0; zero && i < bytes; i++)
			zero = !value[i];
	}
	free(value);
	return zero;
}

static bool map_is_fresh(const struct bpf_map *map)
{
	__u8 key[64];

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_ARRAY:
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return bpf_map__is_internal(map) || array_is_zero(map);
	case BPF_MAP_TYPE_RINGBUF:
		return lab_ring_drain(bpf_map__fd(map)) == 0;
	default:
		if (bpf_map__key_size(map) > sizeof(key))
			return false;
		return bpf_map_get_next_key(bpf_map__fd(map), NULL, key) &&
		       errno == ENOENT;
	}
}

TEST_F(latch, a_reset_leaves_every_map_as_loaded)
{
	struct siphon_xdp *obj = self->l.b.lab.obj;
	struct bpf_map *map;
	bool dirty = false;

	latch_step(_metadata, &self->l, &self->l.peer, XDP_REDIRECT,
		   SIPHON_REDIRECT, SIPHON_LEARNED_BIT | self->l.peer.port);
	/* the flow, the tx port and the counters are there to be reset */
	bpf_object__for_each_map(map, obj->obj)
		dirty |= !map_is_fresh(map);
	ASSERT_TRUE(dirty);
	ASSERT_EQ(0, lab_maps_reset(obj));
	bpf_object__for_each_map(map, obj->obj) {
		EXPECT_TRUE(map_is_fresh(map))
		{
			TH_LOG("%s kept something", bpf_map__name(map));
		}
	}
}

TEST_HARNESS_MAIN
