// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every prefix of valid frames through BPF_PROG_TEST_RUN: nothing is read
 * past the end, nothing is written, and each prefix is passed and counted as
 * truncated (tests/lib/relay_bench.h has the bench).
 */
#include "kselftest_harness.h"
#include "relay_bench.h"

/* -------------------------------------------------------------------- */
/* truncate: every prefix of a valid frame                               */
/* -------------------------------------------------------------------- */

FIXTURE(truncate)
{
	struct bench b;
};

FIXTURE_VARIANT(truncate)
{
	int family;
	int vlans;
	bool ip_opts;
	int n_ext;
	__u8 ext[PKT_EXT_MAX];
};

/* clang-format off */
FIXTURE_VARIANT_ADD(truncate, v4) {
	.family = 4,
};
FIXTURE_VARIANT_ADD(truncate, v4_vlan1) {
	.family = 4, .vlans = 1,
};
FIXTURE_VARIANT_ADD(truncate, v4_vlan2_ip_options) {
	.family = 4, .vlans = 2, .ip_opts = true,
};
FIXTURE_VARIANT_ADD(truncate, v6) {
	.family = 6,
};
FIXTURE_VARIANT_ADD(truncate, v6_vlan1) {
	.family = 6, .vlans = 1,
};
FIXTURE_VARIANT_ADD(truncate, v6_vlan2_hbh_dstopts) {
	.family = 6, .vlans = 2, .n_ext = 2,
	.ext = { PKT_PROTO_HOPOPTS, PKT_PROTO_DSTOPTS },
};
/* clang-format on */

FIXTURE_SETUP(truncate)
{
	bench_setup(_metadata, &self->b);
}

FIXTURE_TEARDOWN(truncate)
{
	lab_unload(&self->b.lab);
}

/*
 * A flow is in place, so the whole frame is relayed (checked last, which
 * also shows the cut frames were refused for their length alone). Every
 * shorter prefix must pass up untouched and count as PASS_TRUNCATED;
 * prefixes shorter than an Ethernet header never reach the program.
 */
TEST_F(truncate, every_prefix)
{
	const struct plan *p = plan_of(variant->family);
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint peer, relay;
	struct pkt_spec spec, want;
	struct run_counters count;
	struct xdp_result res;
	struct pkt_layout lay;
	__u8 frame[256];
	__u32 len;
	int err, i;

	make_flow(_metadata, p, p->callee, false, &key, &flow);
	flow_cache_nh(&flow, self->b.if_out, mac_out, mac_next);
	add_flow(_metadata, &self->b, &key, &flow);
	parse_ep(_metadata, p->peer, &peer);
	parse_ep(_metadata, p->relay, &relay);
	frame_spec(&spec, &peer, &relay);
	spec.vlans = variant->vlans;
	if (variant->ip_opts) {
		memcpy(spec.ip_opts, ip_opts, sizeof(ip_opts));
		spec.ip_opts_len = sizeof(ip_opts);
	}
	spec.n_ext = variant->n_ext;
	for (i = 0; i < variant->n_ext; i++)
		spec.ext[i] = variant->ext[i];
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));

	for (len = 0; len < lay.len; len++) {
		err = bench_try(_metadata, &self->b, frame, len, &res, &count);
		if (len < ETH_HLEN) {
			ASSERT_EQ(-EINVAL, err)
			{
				TH_LOG("length %u", len);
			}
			assert_counted(_metadata, &count, -1);
			continue;
		}
		ASSERT_EQ(0, err)
		{
			TH_LOG("length %u", len);
		}
		ASSERT_EQ(XDP_PASS, res.verdict)
		{
			TH_LOG("length %u", len);
		}
		ASSERT_TRUE(res.len == len && !memcmp(frame, res.data, len))
		{
			TH_LOG("length %u: frame changed", len);
		}
		assert_counted(_metadata, &count, SIPHON_PASS_TRUNCATED);
	}
	assert_flow_same(_metadata, &self->b, &key, &flow);

	bench_run(_metadata, &self->b, frame, lay.len, &res, &count);
	ASSERT_EQ(XDP_REDIRECT, res.verdict);
	assert_counted(_metadata, &count, SIPHON_REDIRECT);
	relayed_spec(&want, &spec, &flow, mac_out, mac_next);
	assert_relayed(_metadata, &want, &res);
}

TEST_HARNESS_MAIN
