// SPDX-License-Identifier: GPL-2.0-only
/*
 * The relay's port pairs: even RTP ports in the range, every pair handed
 * out once until given back, the oldest-freed reused first, and a count
 * when none is left.
 */
#include "kselftest_harness.h"
#include "siphond/media_ports.h"

TEST(pairs_in_the_range)
{
	struct media_ports p;

	/* an odd start moves up to the next even port */
	ASSERT_EQ(0, media_ports_init(&p, 30001, 30006));
	EXPECT_EQ(2u, p.npairs);
	EXPECT_EQ(30002, media_ports_get(&p));
	EXPECT_EQ(30004, media_ports_get(&p));
	EXPECT_EQ(0, media_ports_get(&p));
	EXPECT_EQ(1u, (unsigned int)p.exhausted);
	EXPECT_EQ(2u, media_ports_in_use(&p));
	media_ports_fini(&p);
}

TEST(freed_ports_are_reused_last)
{
	struct media_ports p;
	uint16_t a, b, c;

	ASSERT_EQ(0, media_ports_init(&p, 40000, 40005));
	a = media_ports_get(&p);
	b = media_ports_get(&p);
	media_ports_put(&p, a);
	/* 40004 was never used: it goes before a, freed just now */
	c = media_ports_get(&p);
	EXPECT_EQ(40004, c);
	EXPECT_EQ(a, media_ports_get(&p));
	media_ports_put(&p, b);
	media_ports_put(&p, c);
	media_ports_put(&p, a);
	EXPECT_EQ(0u, media_ports_in_use(&p));
	/* a port from outside, or one too many, changes nothing */
	media_ports_put(&p, 12);
	media_ports_put(&p, a);
	EXPECT_EQ(0u, media_ports_in_use(&p));
	EXPECT_EQ(b, media_ports_get(&p));
	media_ports_fini(&p);
}

TEST(ranges_without_a_pair_are_refused)
{
	struct media_ports p;

	EXPECT_EQ(-EINVAL, media_ports_init(&p, 30001, 30002));
	EXPECT_EQ(-EINVAL, media_ports_init(&p, 0, 100));
	EXPECT_EQ(0, media_ports_init(&p, 30000, 30001));
	EXPECT_EQ(1u, p.npairs);
	media_ports_fini(&p);
}

TEST(a_restart_claims_the_pairs_of_live_calls)
{
	struct media_ports p;
	uint16_t got[3];
	unsigned int i;

	ASSERT_EQ(0, media_ports_init(&p, 30000, 30009));
	EXPECT_EQ(0, media_ports_claim(&p, 30004));
	EXPECT_EQ(0, media_ports_claim(&p, 30000));
	EXPECT_EQ(-EBUSY, media_ports_claim(&p, 30004));
	/* odd, or outside the range: a port the range does not hand out */
	EXPECT_EQ(-ERANGE, media_ports_claim(&p, 30005));
	EXPECT_EQ(-ERANGE, media_ports_claim(&p, 30010));
	media_ports_claims_done(&p);
	EXPECT_EQ(2u, media_ports_in_use(&p));
	EXPECT_TRUE(media_ports_busy(&p, 30004));
	EXPECT_TRUE(media_ports_busy(&p, 30005)); /* its RTCP port */
	EXPECT_FALSE(media_ports_busy(&p, 30002));
	EXPECT_TRUE(media_ports_own(&p, 30009));
	EXPECT_FALSE(media_ports_own(&p, 30010));
	/* the three pairs nobody holds, and then none */
	for (i = 0; i < 3; i++) {
		got[i] = media_ports_get(&p);
		EXPECT_NE(30000, got[i]);
		EXPECT_NE(30004, got[i]);
		EXPECT_NE(0, got[i]);
	}
	EXPECT_EQ(0, media_ports_get(&p));
	/* a claimed pair goes back like any other */
	media_ports_put(&p, 30004);
	EXPECT_EQ(30004, media_ports_get(&p));
	media_ports_fini(&p);
}

TEST_HARNESS_MAIN
