// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RTP quality arithmetic of bpf/rtp_quality.h, compiled here for
 * userspace (under ASan and UBSan), where arrival times can be chosen:
 * sequence numbers of RFC 3550 A.1 (as simplified there) and the jitter of
 * A.8. The same header in the XDP program is tested through
 * BPF_PROG_TEST_RUN in tests/bpf/test_rtp_quality.c.
 */
#include "kselftest_harness.h"
#include "../../bpf/rtp_quality.h"

/* a receiver's view of one stream: what the relay keeps in the flow */
struct rx {
	struct siphon_rtp_quality q;
	bool started;
};

static int rx_seq(struct rx *r, __u16 seq)
{
	int v = rtp_seq_update(&r->q, seq, !r->started);

	r->started = true;
	return v;
}

static __u64 expected(const struct siphon_rtp_quality *q)
{
	return (__u64)q->expected_prior + (q->ext_max - q->base_seq) + 1;
}

static __s64 lost(const struct siphon_rtp_quality *q)
{
	return (__s64)expected(q) - q->received;
}

TEST(in_order_loses_nothing)
{
	struct rx r = { 0 };
	__u16 s;

	EXPECT_EQ(RTP_SEQ_FIRST, rx_seq(&r, 1000));
	for (s = 1001; s < 1100; s++)
		EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, s));
	EXPECT_EQ(100u, r.q.received);
	EXPECT_EQ(100u, expected(&r.q));
	EXPECT_EQ(0, lost(&r.q));
	EXPECT_EQ(1099u, r.q.ext_max);
}

TEST(gaps_are_lost)
{
	struct rx r = { 0 };

	rx_seq(&r, 10);
	rx_seq(&r, 11);
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 15)); /* 12, 13, 14 lost */
	rx_seq(&r, 16);
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 10 + 2999)); /* a big gap */
	EXPECT_EQ(5u, r.q.received);
	EXPECT_EQ(3000u, expected(&r.q));
	EXPECT_EQ(2995, lost(&r.q));
}

TEST(wraps_at_65535)
{
	struct rx r = { 0 };
	__u32 i;

	rx_seq(&r, 65530);
	for (i = 1; i < 20; i++)
		EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, (__u16)(65530 + i)));
	EXPECT_EQ(0x10000u + 13, r.q.ext_max); /* one cycle, then 13 */
	EXPECT_EQ(20u, expected(&r.q));
	EXPECT_EQ(0, lost(&r.q));
	/* a gap across the wrap */
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 20));
	EXPECT_EQ(6, lost(&r.q));
}

TEST(reordered_packets_are_not_lost)
{
	struct rx r = { 0 };

	rx_seq(&r, 1);
	rx_seq(&r, 2);
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 4));
	EXPECT_EQ(1, lost(&r.q)); /* 3 missing, for now */
	EXPECT_EQ(RTP_SEQ_LATE, rx_seq(&r, 3));
	EXPECT_EQ(0, lost(&r.q));
	EXPECT_EQ(4u, r.q.ext_max); /* late packets do not lower it */
	/* late across the wrap: 65535 after 0 */
	memset(&r, 0, sizeof(r));
	rx_seq(&r, 65534);
	rx_seq(&r, 0);
	EXPECT_EQ(RTP_SEQ_LATE, rx_seq(&r, 65535));
	EXPECT_EQ(0, lost(&r.q));
	EXPECT_EQ(0x10000u, r.q.ext_max);
}

TEST(duplicates)
{
	struct rx r = { 0 };

	rx_seq(&r, 7);
	EXPECT_EQ(RTP_SEQ_DUPLICATE, rx_seq(&r, 7));
	EXPECT_EQ(1u, r.q.duplicates);
	EXPECT_EQ(1u, r.q.received);
	rx_seq(&r, 8);
	rx_seq(&r, 9);
	/* an older repeat cannot be told from a late packet */
	EXPECT_EQ(RTP_SEQ_LATE, rx_seq(&r, 8));
	EXPECT_EQ(4u, r.q.received);
	EXPECT_EQ(-1, lost(&r.q));
}

TEST(sender_restart_starts_an_epoch)
{
	struct rx r = { 0 };
	__u16 s;

	for (s = 100; s < 110; s++)
		rx_seq(&r, s); /* 10 received */
	rx_seq(&r, 112); /* 110, 111 lost */
	/* the sender restarts at 40000: one jump is not trusted */
	EXPECT_EQ(RTP_SEQ_JUMP, rx_seq(&r, 40000));
	EXPECT_EQ(11u, r.q.received);
	EXPECT_EQ(0u, r.q.resyncs);
	/* the next in sequence confirms it: both count */
	EXPECT_EQ(RTP_SEQ_RESTART, rx_seq(&r, 40001));
	EXPECT_EQ(1u, r.q.resyncs);
	EXPECT_EQ(13u, r.q.received);
	EXPECT_EQ(13u, r.q.expected_prior);
	EXPECT_EQ(2, lost(&r.q)); /* the old epoch's loss stays */
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 40002));
	EXPECT_EQ(2, lost(&r.q));
	EXPECT_EQ(16u, expected(&r.q));
}

TEST(restart_at_zero)
{
	struct rx r = { 0 };

	rx_seq(&r, 30000);
	EXPECT_EQ(RTP_SEQ_JUMP, rx_seq(&r, 0));
	EXPECT_EQ(RTP_SEQ_RESTART, rx_seq(&r, 1));
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 2));
	EXPECT_EQ(4u, expected(&r.q));
	EXPECT_EQ(0, lost(&r.q));
}

TEST(a_stray_jump_is_forgotten)
{
	struct rx r = { 0 };

	rx_seq(&r, 500);
	EXPECT_EQ(RTP_SEQ_JUMP, rx_seq(&r, 9000)); /* a stray packet */
	EXPECT_EQ(RTP_SEQ_IN_ORDER, rx_seq(&r, 501));
	/* 9001 next is no longer a confirmation */
	EXPECT_EQ(RTP_SEQ_JUMP, rx_seq(&r, 9001));
	EXPECT_EQ(0u, r.q.resyncs);
	EXPECT_EQ(0, lost(&r.q));
	/* MAX_MISORDER behind or more is a jump too */
	EXPECT_EQ(RTP_SEQ_LATE, rx_seq(&r, 501 - 99));
	EXPECT_EQ(RTP_SEQ_JUMP, rx_seq(&r, 501 - 100));
}

TEST(header_validity)
{
	EXPECT_TRUE(rtp_header_valid(0x80, 0)); /* PCMU */
	EXPECT_TRUE(rtp_header_valid(0x90, 0x80 | 96)); /* marker, ext */
	EXPECT_FALSE(rtp_header_valid(0x40, 0)); /* version 1 */
	EXPECT_FALSE(rtp_header_valid(0x00, 0)); /* version 0 (STUN...) */
	EXPECT_FALSE(rtp_header_valid(0x80, 200)); /* RTCP SR, muxed */
	EXPECT_FALSE(rtp_header_valid(0x81, 201)); /* RTCP RR */
	EXPECT_TRUE(rtp_header_valid(0x80, 224)); /* marker + PT 96 */
}

#define MS 1000000ull

TEST(even_spacing_has_no_jitter)
{
	__u32 j = 0;
	int i;

	for (i = 0; i < 100; i++)
		j = rtp_jitter_update(j, 20 * MS, 160, 8000);
	EXPECT_EQ(0u, j);
	for (i = 0; i < 100; i++)
		j = rtp_jitter_update(j, 20 * MS, 960, 48000);
	EXPECT_EQ(0u, j);
}

TEST(jitter_follows_rfc3550_a8)
{
	__u32 j;
	int i;

	/* D = 176 - 160 = 16 units: J = 0 + (16 - 0) / 16 = 1, x16 */
	j = rtp_jitter_update(0, 22 * MS, 160, 8000);
	EXPECT_EQ(16u, j);
	/* D = 144 - 160 = -16: the same size */
	j = rtp_jitter_update(j, 18 * MS, 160, 8000);
	EXPECT_EQ(16u + 16 - 1, j);
	/* alternating 22 ms / 18 ms settles at |D| = 16 units (2 ms) */
	for (i = 0; i < 1000; i++)
		j = rtp_jitter_update(j, (i & 1 ? 18 : 22) * MS, 160, 8000);
	EXPECT_GE(j, 16u * 16 - 8);
	EXPECT_LE(j, 16u * 16 + 8);
}

TEST(jitter_wraps_and_bounds)
{
	__u32 j;

	/* the RTP timestamp wrapped between the packets: 160 as ever */
	j = rtp_jitter_update(0, 20 * MS, (__u32)(5u - (0xffffffffu - 154)),
			      8000);
	EXPECT_EQ(0u, j);
	/* a gap too long to say anything leaves it alone */
	EXPECT_EQ(77u, rtp_jitter_update(77, RTP_JITTER_MAX_GAP_NS, 160, 8000));
	/* a timestamp leap: |D| capped, J x16 within 32 bits for ever */
	j = 0;
	for (int i = 0; i < 10000; i++)
		j = rtp_jitter_update(j, 20 * MS, 0x80000000u, 8000);
	EXPECT_LE(j, 16u * RTP_JITTER_MAX_D);
	EXPECT_GE(j, 15u * RTP_JITTER_MAX_D);
}

TEST(ns_to_rtp_units)
{
	EXPECT_EQ(160u, rtp_units_of_ns(20 * MS, 8000));
	EXPECT_EQ(960u, rtp_units_of_ns(20 * MS, 48000));
	EXPECT_EQ(90000u, rtp_units_of_ns(1000 * MS, 90000));
	/* an hour at 90 kHz fits */
	EXPECT_EQ(90000u * 3600, rtp_units_of_ns(3600000 * MS, 90000));
}

TEST_HARNESS_MAIN
