/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bench the relay tests stand on: who talks to whom, the devices of the
 * test's namespace, flows as a call would install them, and the checks every
 * case makes (verdict, bytes out, flow, counters).
 *
 * For kselftest_harness.h tests: include that first. The helpers take the
 * harness's _metadata so they can ASSERT, which ends the test on failure.
 */
#ifndef SIPHON_TESTS_RELAY_BENCH_H
#define SIPHON_TESTS_RELAY_BENCH_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>

#include "endpoint.h"
#include "flow_table.h"
#include "pkt_build.h"
#include "stats.h"
#include "xdp_lab.h"

#define DEV_IN "sph_in" /* every frame arrives here */
#define DEV_OUT "sph_out" /* towards the callee; in the tx port map */
#define DEV_ALT "sph_alt" /* exists but is not in the tx port map */

static const __u8 mac_in[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x00, 0x01 };
static const __u8 mac_out[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x00, 0x02 };
static const __u8 mac_alt[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x00, 0x03 };
/* the router in front of the caller: source MAC of every frame */
static const __u8 mac_caller[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x0c, 0xa1 };
/* the next hop towards the callee (cached, or the FIB's neighbour) */
static const __u8 mac_next[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x0e, 0x47 };
/* a host on the ingress link, for media sent back out of it */
static const __u8 mac_back[ETH_ALEN] = { 0x02, 0x51, 0x90, 0x00, 0x0b, 0xac };

/*
 * Who talks to whom. Addresses come from the benchmarking range
 * 198.18.0.0/15 only, in a namespace of their own; the IPv6 plan uses the
 * same addresses IPv4-mapped (::ffff:198.18.0.0/111), which the kernel
 * routes as ordinary IPv6 and XDP parses as any IPv6 packet.
 */
struct plan {
	const char *peer; /* the endpoint the flow expects media from */
	const char *peer_other_port; /* same address, another port */
	const char *stranger; /* same port, another address */
	const char *relay; /* the flow key: where media is sent to */
	const char *out_src; /* the relay's address towards the callee */
	const char *callee; /* where media is relayed to */
	const char *gateway; /* the next hop to the callee's network */
	const char *gateway_ep; /* the gateway itself, as a callee */
	const char *back; /* a host on the ingress link */
	const char *unrouted; /* covered by no route */
	const char *in_cidr; /* DEV_IN's address */
	const char *out_cidr; /* DEV_OUT's address */
	const char *callee_net;
};

static const struct plan plan4 = {
	.peer = "198.18.0.10:40000",
	.peer_other_port = "198.18.0.10:40002",
	.stranger = "198.18.0.11:40000",
	.relay = "198.18.0.1:30000",
	.out_src = "198.19.0.1:30002",
	.callee = "198.19.1.20:50000",
	.gateway = "198.19.0.2",
	.gateway_ep = "198.19.0.2:50000",
	.back = "198.18.0.20",
	.unrouted = "198.19.200.20:50000",
	.in_cidr = "198.18.0.1/24",
	.out_cidr = "198.19.0.1/24",
	.callee_net = "198.19.1.0/24",
};

static const struct plan plan6 = {
	.peer = "[::ffff:198.18.0.10]:40000",
	.peer_other_port = "[::ffff:198.18.0.10]:40002",
	.stranger = "[::ffff:198.18.0.11]:40000",
	.relay = "[::ffff:198.18.0.1]:30000",
	.out_src = "[::ffff:198.19.0.1]:30002",
	.callee = "[::ffff:198.19.1.20]:50000",
	.gateway = "::ffff:198.19.0.2",
	.gateway_ep = "[::ffff:198.19.0.2]:50000",
	.back = "::ffff:198.18.0.20",
	.unrouted = "[::ffff:198.19.200.20]:50000",
	.in_cidr = "::ffff:198.18.0.1/120",
	.out_cidr = "::ffff:198.19.0.1/120",
	.callee_net = "::ffff:198.19.1.0/120",
};

static inline const struct plan *plan_of(int family)
{
	return family == 6 ? &plan6 : &plan4;
}

/* an RTP packet: version 2, PCMA, then 20 bytes of PCMA silence */
static const __u8 rtp[32] = {
	0x80, 0x08, 0x12, 0x34, 0x00, 0x01, 0xe2, 0x40, 0x51, 0x90, 0xca,
	0x11, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5,
	0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5, 0xd5,
};

/* Router Alert (RFC 2113), then three NOPs and End of Options */
static const __u8 ip_opts[8] = {
	0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00
};

/* what each test holds: its namespace's devices and the loaded program */
struct bench {
	struct lab lab;
	int if_in;
	int if_out;
	int if_alt;
};

static inline void mac_text(const __u8 *mac, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

static inline int bench_device(const char *name, const __u8 *mac)
{
	char text[18];

	mac_text(mac, text, sizeof(text));
	return lab_device(name, text);
}

/* a namespace with DEV_IN, DEV_OUT (a tx port) and DEV_ALT; the program */
static inline void bench_setup(struct __test_metadata *_metadata,
			       struct bench *b)
{
	ASSERT_EQ(0, lab_enter_netns());
	ASSERT_EQ(0, bench_device(DEV_IN, mac_in));
	ASSERT_EQ(0, bench_device(DEV_OUT, mac_out));
	ASSERT_EQ(0, bench_device(DEV_ALT, mac_alt));
	b->if_in = lab_ifindex(DEV_IN);
	b->if_out = lab_ifindex(DEV_OUT);
	b->if_alt = lab_ifindex(DEV_ALT);
	ASSERT_LT(0, b->if_in);
	ASSERT_LT(0, b->if_out);
	ASSERT_LT(0, b->if_alt);
	ASSERT_EQ(0, lab_load(&b->lab));
	ASSERT_EQ(0, lab_tx_port_add(&b->lab, b->if_out));
}

static inline void parse_ep(struct __test_metadata *_metadata, const char *text,
			    struct endpoint *ep)
{
	ASSERT_EQ(0, endpoint_parse(text, false, ep))
	{
		TH_LOG("%s", text);
	}
}

/*
 * The flow a call would install, through the control plane's own
 * functions: media sent to the relay address from the peer (from any port
 * when learn) leaves from out_src towards callee. No next hop cached.
 */
static inline void make_flow(struct __test_metadata *_metadata,
			     const struct plan *p, const char *callee,
			     bool learn, struct siphon_flow_key *key,
			     struct siphon_flow *flow)
{
	struct flow_spec spec;

	parse_ep(_metadata, p->relay, &spec.relay);
	parse_ep(_metadata, p->peer, &spec.peer);
	parse_ep(_metadata, p->out_src, &spec.out_src);
	parse_ep(_metadata, callee, &spec.out_dst);
	if (learn)
		spec.peer.port = 0;
	flow_key_of(&spec.relay, key);
	ASSERT_EQ(0, flow_value_of(&spec, flow));
	ASSERT_EQ(learn ? SIPHON_LATCH_LEARN : SIPHON_LATCH_EXACT, flow->latch);
}

static inline void flow_cache_nh(struct siphon_flow *flow, int ifindex,
				 const __u8 *smac, const __u8 *dmac)
{
	flow->flags |= SIPHON_FLOW_NH_CACHED;
	flow->nh_ifindex = ifindex;
	memcpy(flow->nh_smac, smac, ETH_ALEN);
	memcpy(flow->nh_dmac, dmac, ETH_ALEN);
}

static inline void add_flow(struct __test_metadata *_metadata, struct bench *b,
			    const struct siphon_flow_key *key,
			    const struct siphon_flow *flow)
{
	ASSERT_EQ(0, flow_table_add(&b->lab.maps.flows, key, flow, false));
}

/* an RTP frame from src to dst as it arrives on DEV_IN */
static inline void frame_spec(struct pkt_spec *s, const struct endpoint *src,
			      const struct endpoint *dst)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->dmac, mac_in, ETH_ALEN);
	memcpy(s->smac, mac_caller, ETH_ALEN);
	s->vlan_tci[0] = 100;
	s->vlan_tci[1] = 0x2000 | 200; /* priority 1 */
	s->vlan_tci[2] = 300;
	s->family = src->family;
	memcpy(s->saddr, src->addr, sizeof(s->saddr));
	memcpy(s->daddr, dst->addr, sizeof(s->daddr));
	s->tos = 0xb8; /* EF */
	s->ttl = 61;
	s->flowlabel = 0x5190a;
	s->ip_id = 0x5190;
	s->df = true;
	s->sport = ntohs(src->port);
	s->dport = ntohs(dst->port);
	s->payload = rtp;
	s->payload_len = sizeof(rtp);
}

/* the same frame as it must leave: addresses, ports and MACs replaced */
static inline void relayed_spec(struct pkt_spec *want,
				const struct pkt_spec *in,
				const struct siphon_flow *flow,
				const __u8 *smac, const __u8 *dmac)
{
	*want = *in;
	memcpy(want->smac, smac, ETH_ALEN);
	memcpy(want->dmac, dmac, ETH_ALEN);
	memcpy(want->saddr, flow->saddr, sizeof(want->saddr));
	memcpy(want->daddr, flow->daddr, sizeof(want->daddr));
	want->sport = ntohs(flow->sport);
	want->dport = ntohs(flow->dport);
}

/* counters before and after one run */
struct run_counters {
	__u64 before[SIPHON_REASON_MAX];
	__u64 after[SIPHON_REASON_MAX];
};

/*
 * Run len bytes of frame through the program as received on DEV_IN,
 * reading the counters around it. Returns what lab_run() returned.
 */
static inline int bench_try(struct __test_metadata *_metadata, struct bench *b,
			    const void *frame, __u32 len,
			    struct xdp_result *res, struct run_counters *c)
{
	int err;

	ASSERT_EQ(0, stats_read(b->lab.maps.stats_fd, c->before));
	err = lab_run(&b->lab, b->if_in, frame, len, res);
	ASSERT_EQ(0, stats_read(b->lab.maps.stats_fd, c->after));
	return err;
}

/* the same for a frame the kernel must accept */
static inline void bench_run(struct __test_metadata *_metadata, struct bench *b,
			     const void *frame, __u32 len,
			     struct xdp_result *res, struct run_counters *c)
{
	int err = bench_try(_metadata, b, frame, len, res, c);

	ASSERT_EQ(0, err);
}

/* reason counted once more, every other counter unchanged; -1: nothing */
static inline void assert_counted(struct __test_metadata *_metadata,
				  const struct run_counters *c, int reason)
{
	bool ok = true;
	int i;

	for (i = 0; i < SIPHON_REASON_MAX; i++)
		ok &= c->after[i] == c->before[i] + (i == reason);
	if (!ok) {
		for (i = 0; i < SIPHON_REASON_MAX; i++) {
			if (c->after[i] != c->before[i])
				TH_LOG("counted %s +%llu", reason_name(i),
				       (unsigned long long)(c->after[i] -
							    c->before[i]));
		}
		TH_LOG("expected %s +1",
		       reason < 0 ? "nothing" : reason_name(reason));
	}
	ASSERT_TRUE(ok);
}

/* the frame came out as it went in */
static inline void assert_untouched(struct __test_metadata *_metadata,
				    const void *in, __u32 len,
				    const struct xdp_result *res)
{
	ASSERT_EQ(len, res->len);
	ASSERT_EQ(0, memcmp(in, res->data, len));
}

/* the frame came out exactly as want describes, its checksums valid */
static inline void assert_relayed(struct __test_metadata *_metadata,
				  const struct pkt_spec *want,
				  const struct xdp_result *res)
{
	__u8 frame[sizeof(res->data)];
	struct pkt_layout lay;
	struct pkt_view view;

	ASSERT_EQ(0, pkt_build(want, frame, sizeof(frame), &lay));
	ASSERT_EQ(lay.len, res->len);
	ASSERT_EQ(0, memcmp(frame, res->data, lay.len));

	/* and the checksums verify by full recomputation */
	ASSERT_EQ(0, pkt_parse(res->data, res->len, &view));
	if (view.family == 4) {
		ASSERT_TRUE(ipv4_header_csum_ok(res->data, res->len));
	}
	if (want->udp_csum_zero) {
		ASSERT_EQ(0, pkt_get16(res->data + view.l4_off + 6));
	} else {
		ASSERT_TRUE(udp_csum_ok(res->data, res->len));
	}
}

static inline void get_flow(struct __test_metadata *_metadata, struct bench *b,
			    const struct siphon_flow_key *key,
			    struct siphon_flow *flow)
{
	ASSERT_EQ(0, flow_table_get(&b->lab.maps.flows, key, flow));
}

static inline void assert_flow_same(struct __test_metadata *_metadata,
				    struct bench *b,
				    const struct siphon_flow_key *key,
				    const struct siphon_flow *before)
{
	struct siphon_flow now;

	get_flow(_metadata, b, key, &now);
	ASSERT_EQ(0, memcmp(before, &now, sizeof(now)));
}

/*
 * One more packet of payload bytes counted, last_seen_ns set, learned_port
 * as given, everything else as before.
 */
static inline void assert_flow_counted(struct __test_metadata *_metadata,
				       struct bench *b,
				       const struct siphon_flow_key *key,
				       const struct siphon_flow *before,
				       __u64 payload, __u32 learned_port)
{
	struct siphon_flow now, want = *before;

	get_flow(_metadata, b, key, &now);
	ASSERT_EQ(before->packets + 1, now.packets);
	ASSERT_EQ(before->bytes + payload, now.bytes);
	ASSERT_EQ(learned_port, now.learned_port);
	ASSERT_NE(0ull, now.last_seen_ns);
	ASSERT_LE(before->last_seen_ns, now.last_seen_ns);
	want.packets = now.packets;
	want.bytes = now.bytes;
	want.learned_port = now.learned_port;
	want.last_seen_ns = now.last_seen_ns;
	ASSERT_EQ(0, memcmp(&want, &now, sizeof(now)));
}

#endif /* SIPHON_TESTS_RELAY_BENCH_H */
