// SPDX-License-Identifier: GPL-2.0-only
/*
 * RTP quality measured by the XDP program (bpf/relay.h, bpf/rtp_quality.h)
 * through BPF_PROG_TEST_RUN: crafted RTP packets go through one flow marked
 * RTP, each is relayed exactly as without the measure, and the flow's
 * struct siphon_rtp_quality must say what the sequence numbers say.
 *
 * Arrival times are the test's own run times, which the test does not
 * control: the in-program jitter is checked where it does not depend on
 * them (a clock rate of 1 Hz, where microseconds between runs are 0 units;
 * or a leap of a second of RTP time, where they are small beside it). The
 * arithmetic with chosen arrival times is in tests/unit/test_rtp_calc.c.
 *
 * The fine clock those arrival times come from is read once per NAPI poll
 * (bpf/clock.h) when siphon_poll_end counts the polls: the last tests run
 * that program on the test's CPU to end a poll, and look at the CPU's
 * struct siphon_clock.
 */
#include "kselftest_harness.h"
#include "relay_bench.h"
#include "rtp_quality.h"
#include "siphon/clock.h"

FIXTURE(rtpq)
{
	struct bench b;
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint relay, peer;
};

FIXTURE_VARIANT(rtpq)
{
	int family;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(rtpq, v4) {
	.family = 4,
};
FIXTURE_VARIANT_ADD(rtpq, v6) {
	.family = 6,
};
/* clang-format on */

/* an EXACT flow from the peer, next hop cached on DEV_OUT */
static void rtpq_flow(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rtpq) * self, const struct plan *p, bool rtp,
		      __u32 clock_rate)
{
	make_flow(_metadata, p, p->callee, false, &self->key, &self->flow);
	flow_cache_nh(&self->flow, self->b.if_out, mac_out, mac_next);
	if (rtp)
		flow_set_rtp(&self->flow, clock_rate);
	ASSERT_EQ(0, flow_table_add(&self->b.lab.maps.flows, &self->key,
				    &self->flow, true));
}

FIXTURE_SETUP(rtpq)
{
	const struct plan *p = plan_of(variant->family);

	bench_setup(_metadata, &self->b);
	parse_ep(_metadata, p->relay, &self->relay);
	parse_ep(_metadata, p->peer, &self->peer);
	/* clock rate 1 Hz: runs microseconds apart arrive 0 units apart */
	rtpq_flow(_metadata, self, p, true, 1);
}

FIXTURE_TEARDOWN(rtpq)
{
	lab_unload(&self->b.lab);
}

/*
 * One frame with payload from the peer: relayed as the flow says, every
 * payload byte untouched, one more packet counted.
 */
static void send_payload(struct __test_metadata *_metadata,
			 FIXTURE_DATA(rtpq) * self, const __u8 *payload,
			 size_t len)
{
	struct siphon_flow before;
	struct pkt_spec spec, want;
	struct run_counters count;
	struct xdp_result res;
	struct pkt_layout lay;
	__u8 frame[256];

	frame_spec(&spec, &self->peer, &self->relay);
	spec.payload = payload;
	spec.payload_len = len;
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));
	get_flow(_metadata, &self->b, &self->key, &before);
	bench_run(_metadata, &self->b, frame, lay.len, &res, &count);
	ASSERT_EQ(XDP_REDIRECT, res.verdict);
	assert_counted(_metadata, &count, SIPHON_REDIRECT);
	relayed_spec(&want, &spec, &self->flow, mac_out, mac_next);
	assert_relayed(_metadata, &want, &res);
	get_flow(_metadata, &self->b, &self->key, &self->flow);
	ASSERT_EQ(before.packets + 1, self->flow.packets);
}

static void send_rtp(struct __test_metadata *_metadata,
		     FIXTURE_DATA(rtpq) * self, __u16 seq, __u32 ts)
{
	__u8 payload[sizeof(rtp)];

	memcpy(payload, rtp, sizeof(payload));
	payload[2] = seq >> 8;
	payload[3] = seq & 0xff;
	payload[4] = ts >> 24;
	payload[5] = (ts >> 16) & 0xff;
	payload[6] = (ts >> 8) & 0xff;
	payload[7] = ts & 0xff;
	send_payload(_metadata, self, payload, sizeof(payload));
}

/* what an operator is shown: flow_table.c's reading of the state */
static void rtp_stats(struct __test_metadata *_metadata,
		      FIXTURE_DATA(rtpq) * self, struct flow_rtp_stats *st)
{
	get_flow(_metadata, &self->b, &self->key, &self->flow);
	flow_rtp_stats_of(&self->flow, st);
}

TEST_F(rtpq, in_order_stream_loses_nothing)
{
	struct flow_rtp_stats st;
	__u16 seq;

	for (seq = 1000; seq < 1050; seq++)
		send_rtp(_metadata, self, seq, 160000);
	rtp_stats(_metadata, self, &st);
	EXPECT_TRUE(st.rtp);
	EXPECT_TRUE(st.measured);
	EXPECT_EQ(50u, st.received);
	EXPECT_EQ(50u, st.expected);
	EXPECT_EQ(0u, st.lost);
	EXPECT_EQ(1049u, st.highest_seq);
	/* same timestamp, arrivals well under a second apart at 1 Hz */
	EXPECT_EQ(0u, self->flow.rtp.jitter_q4);
	EXPECT_EQ(160000u, self->flow.rtp.last_ts);
	EXPECT_NE(0ull, self->flow.rtp.last_arrival_ns);
	EXPECT_EQ(0u, st.duplicates);
	EXPECT_EQ(0u, st.not_rtp);
}

TEST_F(rtpq, gaps_are_counted_lost)
{
	static const __u16 seqs[] = { 1, 2, 5, 6, 10 };
	struct flow_rtp_stats st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seqs); i++)
		send_rtp(_metadata, self, seqs[i], 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(5u, st.received);
	EXPECT_EQ(10u, st.expected);
	EXPECT_EQ(5u, st.lost);
	EXPECT_EQ(50.0, st.loss_pct);
}

TEST_F(rtpq, wraps_at_65535)
{
	static const __u16 seqs[] = { 65533, 65534, 65535, 0, 1, 4 };
	struct flow_rtp_stats st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seqs); i++)
		send_rtp(_metadata, self, seqs[i], 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(0x10004u, st.highest_seq);
	EXPECT_EQ(8u, st.expected);
	EXPECT_EQ(2u, st.lost); /* 2 and 3 */
}

TEST_F(rtpq, reordered_and_duplicated)
{
	static const __u16 seqs[] = { 10, 11, 13, 12, 13, 14 };
	struct flow_rtp_stats st;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seqs); i++)
		send_rtp(_metadata, self, seqs[i], 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(5u, st.received); /* the second 13 is a duplicate */
	EXPECT_EQ(1u, st.duplicates);
	EXPECT_EQ(5u, st.expected);
	EXPECT_EQ(0u, st.lost);
	EXPECT_EQ(14u, st.highest_seq);
	EXPECT_EQ(6ull, self->flow.packets); /* all relayed */
}

TEST_F(rtpq, sender_restart)
{
	struct flow_rtp_stats st;
	__u16 seq;

	for (seq = 100; seq < 105; seq++)
		send_rtp(_metadata, self, seq, 0);
	send_rtp(_metadata, self, 107, 0); /* 105, 106 lost */
	send_rtp(_metadata, self, 50000, 0); /* a jump: not trusted yet */
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(6u, st.received);
	EXPECT_EQ(0u, st.resyncs);
	send_rtp(_metadata, self, 50001, 0); /* confirmed: a new epoch */
	send_rtp(_metadata, self, 50002, 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(1u, st.resyncs);
	EXPECT_EQ(9u, st.received);
	EXPECT_EQ(11u, st.expected);
	EXPECT_EQ(2u, st.lost);
	EXPECT_EQ(9ull, self->flow.packets);
}

TEST_F(rtpq, not_rtp_is_relayed_not_measured)
{
	/* a STUN binding request's first bytes: version 0 */
	static const __u8 stun[20] = { 0x00, 0x01, 0x00, 0x00,
				       0x21, 0x12, 0xa4, 0x42 };
	/* RTCP receiver report, multiplexed on the RTP port (RFC 5761) */
	static const __u8 rtcp_rr[8] = { 0x80, 201,  0x00, 0x01,
					 0x51, 0x90, 0xca, 0x11 };
	struct siphon_rtp_quality zero = { 0 };
	struct flow_rtp_stats st;

	send_payload(_metadata, self, stun, sizeof(stun));
	send_payload(_metadata, self, rtcp_rr, sizeof(rtcp_rr));
	send_payload(_metadata, self, rtp, 11); /* shorter than a header */
	send_payload(_metadata, self, rtp, 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_FALSE(st.measured);
	EXPECT_EQ(4u, st.not_rtp);
	zero.not_rtp = 4;
	EXPECT_EQ(0, memcmp(&zero, &self->flow.rtp, sizeof(zero)));
	EXPECT_EQ(4ull, self->flow.packets);
	/* RTP afterwards is measured from its first packet */
	send_rtp(_metadata, self, 7, 0);
	send_rtp(_metadata, self, 8, 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(2u, st.received);
	EXPECT_EQ(0u, st.lost);
}

TEST_F(rtpq, rtcp_flow_is_not_measured)
{
	struct siphon_rtp_quality zero = { 0 };
	struct flow_rtp_stats st;

	/* the same flow without the RTP mark, as RTCP flows are installed */
	rtpq_flow(_metadata, self, plan_of(variant->family), false, 0);
	send_rtp(_metadata, self, 1, 0);
	send_rtp(_metadata, self, 3, 0);
	rtp_stats(_metadata, self, &st);
	EXPECT_FALSE(st.rtp);
	EXPECT_FALSE(st.measured);
	EXPECT_EQ(0, memcmp(&zero, &self->flow.rtp, sizeof(zero)));
	EXPECT_EQ(2ull, self->flow.packets);
}

/*
 * At 8 kHz, two packets whose timestamps are a second apart arrive much
 * closer than that: |D| is nearly 8000 units, and J x16 = |D| after the
 * first update (RFC 3550 A.8 from J = 0).
 */
TEST_F(rtpq, jitter_in_rtp_units_of_the_flow_clock)
{
	struct flow_rtp_stats st;

	rtpq_flow(_metadata, self, plan_of(variant->family), true, 8000);
	send_rtp(_metadata, self, 1, 0);
	send_rtp(_metadata, self, 2, 8000);
	rtp_stats(_metadata, self, &st);
	EXPECT_EQ(8000u, st.clock_rate);
	/* unless the second run came more than 100 ms after the first */
	EXPECT_GE(self->flow.rtp.jitter_q4, 7200u);
	EXPECT_LE(self->flow.rtp.jitter_q4, 8000u);
	EXPECT_GE(st.jitter_ms, 7200 / 16.0 / 8.0);
	EXPECT_LE(st.jitter_ms, 8000 / 16.0 / 8.0);
	/* a late packet does not move it */
	send_rtp(_metadata, self, 4, 16000);
	rtp_stats(_metadata, self, &st);
	{
		__u32 j = self->flow.rtp.jitter_q4;

		send_rtp(_metadata, self, 3, 8000 * 5);
		rtp_stats(_metadata, self, &st);
		EXPECT_EQ(j, self->flow.rtp.jitter_q4);
	}
}

/* the test stays on the CPU it runs on: per-CPU clocks are read there */
static int pin_cpu(struct __test_metadata *_metadata)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	ASSERT_LE(0, cpu);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(set), &set));
	return cpu;
}

/* one CPU's struct siphon_clock: read, or written back (write) */
static void clock_io(struct __test_metadata *_metadata,
		     FIXTURE_DATA(rtpq) * self, int cpu, struct siphon_clock *c,
		     bool write)
{
	int fd = bpf_map__fd(self->b.lab.obj->maps.siphon_clock);
	int ncpus = libbpf_num_possible_cpus();
	struct siphon_clock *all;
	__u32 zero = 0;

	ASSERT_LT(cpu, ncpus);
	all = calloc(ncpus, sizeof(*all));
	ASSERT_NE(NULL, all);
	ASSERT_EQ(0, bpf_map_lookup_elem(fd, &zero, all));
	if (write) {
		all[cpu] = *c;
		EXPECT_EQ(0, bpf_map_update_elem(fd, &zero, all, BPF_ANY));
	} else {
		*c = all[cpu];
	}
	free(all);
}

/* what the napi_poll tracepoint does after a poll on cpu */
static void poll_end(struct __test_metadata *_metadata,
		     FIXTURE_DATA(rtpq) * self, int cpu)
{
	__u64 args[3] = { 0 }; /* napi, work, budget: not read */
	/* clang-format off */
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.ctx_in = args,
		.ctx_size_in = sizeof(args),
		.flags = BPF_F_TEST_RUN_ON_CPU,
		.cpu = cpu,
	);
	/* clang-format on */

	ASSERT_EQ(0, bpf_prog_test_run_opts(
			     bpf_program__fd(
				     self->b.lab.obj->progs.siphon_poll_end),
			     &opts));
}

/* polls are counted on the CPU that ended them, nowhere else */
TEST_F(rtpq, poll_end_counts_on_its_cpu)
{
	int cpu = pin_cpu(_metadata), other, ncpus;
	struct siphon_clock c;

	poll_end(_metadata, self, cpu);
	poll_end(_metadata, self, cpu);
	clock_io(_metadata, self, cpu, &c, false);
	EXPECT_EQ(2ull, c.polls);
	ncpus = libbpf_num_possible_cpus();
	for (other = 0; other < ncpus; other++) {
		if (other == cpu)
			continue;
		clock_io(_metadata, self, other, &c, false);
		EXPECT_EQ(0ull, c.polls);
	}
}

/* no tracepoint program counting polls: every RTP packet reads the clock */
TEST_F(rtpq, fine_clock_read_per_packet_without_poll_count)
{
	__u64 before = 0;
	__u16 seq;

	for (seq = 1; seq <= 4; seq++) {
		send_rtp(_metadata, self, seq, 0);
		EXPECT_LT(before, self->flow.rtp.last_arrival_ns);
		before = self->flow.rtp.last_arrival_ns;
	}
}

/*
 * Polls counted: the first RTP packet of a poll reads the clock, the next
 * one of the same poll takes that reading (unless a jiffy began between
 * the two runs, which re-reads), and after the poll's end the next packet
 * reads afresh.
 */
TEST_F(rtpq, fine_clock_read_once_per_napi_poll)
{
	int cpu = pin_cpu(_metadata), shared = 0, i;
	struct siphon_clock c;
	__u64 first;
	__u16 seq = 1;

	clock_io(_metadata, self, cpu, &c, false);
	c.polls = 7;
	clock_io(_metadata, self, cpu, &c, true);
	for (i = 0; i < 10; i++) {
		send_rtp(_metadata, self, seq++, 0);
		clock_io(_metadata, self, cpu, &c, false);
		first = self->flow.rtp.last_arrival_ns;
		ASSERT_EQ(7ull + i, c.polls);
		ASSERT_EQ(c.polls, c.fine_poll);
		ASSERT_EQ(1u, c.fine_uses);
		ASSERT_EQ(first, c.fine_ns);

		send_rtp(_metadata, self, seq++, 0);
		clock_io(_metadata, self, cpu, &c, false);
		if (c.fine_uses == 2) {
			EXPECT_EQ(first, self->flow.rtp.last_arrival_ns);
			shared++;
		} else {
			EXPECT_EQ(1u, c.fine_uses);
			EXPECT_LT(first, self->flow.rtp.last_arrival_ns);
		}
		poll_end(_metadata, self, cpu);
	}
	/* runs microseconds apart fall in one jiffy (1 to 10 ms) nearly always */
	EXPECT_LT(0, shared);
	EXPECT_EQ(20u, self->flow.rtp.received);
}

/* one reading serves at most a NAPI budget of packets */
TEST_F(rtpq, fine_clock_reading_serves_a_napi_budget_at_most)
{
	int cpu = pin_cpu(_metadata), same_jiffy = 0, i;
	struct siphon_clock c;
	__u64 jiffy;
	__u16 seq = 1;

	clock_io(_metadata, self, cpu, &c, false);
	c.polls = 3;
	clock_io(_metadata, self, cpu, &c, true);
	for (i = 0; i < 10 && !same_jiffy; i++) {
		send_rtp(_metadata, self, seq++, 0);
		clock_io(_metadata, self, cpu, &c, false);
		jiffy = c.fine_jiffies;
		c.fine_uses = SIPHON_CLOCK_FINE_USES_MAX;
		clock_io(_metadata, self, cpu, &c, true);
		send_rtp(_metadata, self, seq++, 0);
		clock_io(_metadata, self, cpu, &c, false);
		EXPECT_EQ(1u, c.fine_uses);
		same_jiffy = c.fine_jiffies == jiffy;
		/* the same poll throughout: no poll_end() here */
	}
	/* so the cap, not a new jiffy, made it read again */
	EXPECT_TRUE(same_jiffy);
}

TEST_HARNESS_MAIN
