// SPDX-License-Identifier: GPL-2.0-only
/*
 * Next hops from bpf_fib_lookup(): flows without a cached next hop, run
 * through BPF_PROG_TEST_RUN against the routes and neighbours of a private
 * network namespace (tests/lib/xdp_lab.h, tests/lib/relay_bench.h).
 */
#include "kselftest_harness.h"
#include "relay_bench.h"

/* -------------------------------------------------------------------- */
/* fib: next hops from bpf_fib_lookup                                    */
/* -------------------------------------------------------------------- */

/*
 * Does bpf_fib_lookup() need forwarding enabled? Measured on kernel 6.18 by
 * the last three tests: yes, on the ingress device, whose ifindex (the ctx's
 * ingress_ifindex) the program passes as fib.ifindex. With that device's
 * own net.ipv4.conf.DEV.forwarding (or net.ipv6.conf.DEV.forwarding) off,
 * the lookup returns BPF_FIB_LKUP_RET_FWD_DISABLED, which the program counts
 * as PASS_NO_ROUTE; the egress device's setting does not matter, and
 * conf/all matters only because writing it sets every existing device.
 */

struct fib_bench {
	struct bench b;
	const struct plan *p;
	const char *proto; /* "ipv4" or "ipv6", for sysctl paths */
	const char *callee; /* behind the gateway, or the gateway itself */
};

FIXTURE(fib)
{
	struct fib_bench f;
};

FIXTURE_VARIANT(fib)
{
	int family;
	/* the callee behind a gateway, or the neighbour itself */
	bool via_gateway;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(fib, v4_neighbour) {
	.family = 4,
};
FIXTURE_VARIANT_ADD(fib, v4_gateway) {
	.family = 4, .via_gateway = true,
};
FIXTURE_VARIANT_ADD(fib, v6_neighbour) {
	.family = 6,
};
FIXTURE_VARIANT_ADD(fib, v6_gateway) {
	.family = 6, .via_gateway = true,
};
/* clang-format on */

static int fib_forwarding(struct fib_bench *f, const char *dev, const char *on)
{
	char name[64];

	snprintf(name, sizeof(name), "%s/conf/%s/forwarding", f->proto, dev);
	return lab_sysctl(name, on);
}

FIXTURE_SETUP(fib)
{
	struct fib_bench *f = &self->f;
	const char *nodad;

	f->p = plan_of(variant->family);
	f->proto = variant->family == 6 ? "ipv6" : "ipv4";
	f->callee = variant->via_gateway ? f->p->callee : f->p->gateway_ep;
	bench_setup(_metadata, &f->b);
	/* no duplicate address detection: IPv6 addresses usable at once */
	nodad = variant->family == 6 ? "nodad" : "";
	ASSERT_EQ(0, lab_sh("ip addr add %s dev %s %s", f->p->in_cidr, DEV_IN,
			    nodad));
	ASSERT_EQ(0, lab_sh("ip addr add %s dev %s %s", f->p->out_cidr, DEV_OUT,
			    nodad));
	if (variant->via_gateway) {
		ASSERT_EQ(0, lab_sh("ip route add %s via %s dev %s",
				    f->p->callee_net, f->p->gateway, DEV_OUT));
	}
	/* sets every device's own value too */
	ASSERT_EQ(0, fib_forwarding(f, "all", "1"));
}

FIXTURE_TEARDOWN(fib)
{
	lab_unload(&self->f.b.lab);
}

static void fib_neighbour(struct __test_metadata *_metadata, const char *addr,
			  const char *dev, const __u8 *mac)
{
	char text[18];

	mac_text(mac, text, sizeof(text));
	ASSERT_EQ(0, lab_sh("ip neigh add %s lladdr %s dev %s nud permanent",
			    addr, text, dev));
}

/*
 * Relay one frame through a flow without a cached next hop towards callee.
 * For a forwarded frame, smac and dmac are what it must leave with.
 */
static void fib_case(struct __test_metadata *_metadata, struct fib_bench *f,
		     const char *callee, int verdict, int reason,
		     const __u8 *smac, const __u8 *dmac)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint peer, relay;
	struct pkt_spec spec, want;
	struct run_counters count;
	struct xdp_result res;
	struct pkt_layout lay;
	__u8 frame[256];

	make_flow(_metadata, f->p, callee, false, &key, &flow);
	ASSERT_EQ(0, flow.flags & SIPHON_FLOW_NH_CACHED);
	add_flow(_metadata, &f->b, &key, &flow);
	parse_ep(_metadata, f->p->peer, &peer);
	parse_ep(_metadata, f->p->relay, &relay);
	frame_spec(&spec, &peer, &relay);
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));

	bench_run(_metadata, &f->b, frame, lay.len, &res, &count);
	ASSERT_EQ(verdict, res.verdict);
	assert_counted(_metadata, &count, reason);

	if (reason == SIPHON_DROP_EGRESS_UNKNOWN) {
		/* re-addressed already when the redirect fails */
		assert_flow_same(_metadata, &f->b, &key, &flow);
	} else if (verdict == XDP_TX || verdict == XDP_REDIRECT) {
		relayed_spec(&want, &spec, &flow, smac, dmac);
		assert_relayed(_metadata, &want, &res);
		assert_flow_counted(_metadata, &f->b, &key, &flow,
				    spec.payload_len, 0);
	} else {
		assert_untouched(_metadata, frame, lay.len, &res);
		assert_flow_same(_metadata, &f->b, &key, &flow);
	}
}

TEST_F(fib, resolved_neighbour)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	fib_case(_metadata, &self->f, self->f.callee, XDP_REDIRECT,
		 SIPHON_REDIRECT, mac_out, mac_next);
}

TEST_F(fib, no_neighbour)
{
	fib_case(_metadata, &self->f, self->f.callee, XDP_PASS,
		 SIPHON_PASS_NO_NEIGH, NULL, NULL);
}

TEST_F(fib, no_route)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	fib_case(_metadata, &self->f, self->f.p->unrouted, XDP_PASS,
		 SIPHON_PASS_NO_ROUTE, NULL, NULL);
}

/* the route leads out of DEV_OUT, which is not a tx port */
TEST_F(fib, egress_not_tx_port)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	ASSERT_EQ(0, lab_tx_port_del(&self->f.b.lab, self->f.b.if_out));
	fib_case(_metadata, &self->f, self->f.callee, XDP_DROP,
		 SIPHON_DROP_EGRESS_UNKNOWN, NULL, NULL);
}

/* a callee on the ingress link: back out where it came from */
TEST_F(fib, back_out_ingress)
{
	char callee[64];

	snprintf(callee, sizeof(callee),
		 variant->family == 6 ? "[%s]:50000" : "%s:50000",
		 self->f.p->back);
	fib_neighbour(_metadata, self->f.p->back, DEV_IN, mac_back);
	fib_case(_metadata, &self->f, callee, XDP_TX, SIPHON_TX_SAME_IF, mac_in,
		 mac_back);
}

/* forwarding on everywhere but on the ingress device: refused */
TEST_F(fib, ingress_forwarding_off)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	ASSERT_EQ(0, fib_forwarding(&self->f, DEV_IN, "0"));
	fib_case(_metadata, &self->f, self->f.callee, XDP_PASS,
		 SIPHON_PASS_NO_ROUTE, NULL, NULL);
}

/* forwarding on the egress device only: refused as well */
TEST_F(fib, egress_forwarding_only)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	ASSERT_EQ(0, fib_forwarding(&self->f, "all", "0"));
	ASSERT_EQ(0, fib_forwarding(&self->f, DEV_OUT, "1"));
	fib_case(_metadata, &self->f, self->f.callee, XDP_PASS,
		 SIPHON_PASS_NO_ROUTE, NULL, NULL);
}

/* forwarding on the ingress device only: enough */
TEST_F(fib, ingress_forwarding_only)
{
	fib_neighbour(_metadata, self->f.p->gateway, DEV_OUT, mac_next);
	ASSERT_EQ(0, fib_forwarding(&self->f, "all", "0"));
	ASSERT_EQ(0, fib_forwarding(&self->f, DEV_IN, "1"));
	fib_case(_metadata, &self->f, self->f.callee, XDP_REDIRECT,
		 SIPHON_REDIRECT, mac_out, mac_next);
}

TEST_HARNESS_MAIN
