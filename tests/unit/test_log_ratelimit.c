// SPDX-License-Identifier: GPL-2.0-only
/*
 * The log limiter under a made-up clock: a burst passes, the rest of the
 * window is silent and counted, and the next window reports the count.
 */
#include <stdint.h>

#include "kselftest_harness.h"
#include "log_ratelimit.h"

#define SEC 1000000000ull

/* how many of n lines at now_ns pass; *reported: the last count reported */
static unsigned int offer(struct log_ratelimit *rl, uint64_t now_ns,
			  unsigned int n, unsigned int *reported)
{
	unsigned int i, passed = 0, sup;

	for (i = 0; i < n; i++) {
		if (log_ratelimit_ok(rl, now_ns, &sup))
			passed++;
		if (sup)
			*reported = sup;
	}
	return passed;
}

TEST(burst_then_silence)
{
	struct log_ratelimit rl = { 0 };
	unsigned int reported = 0;

	EXPECT_EQ(LOG_RATELIMIT_BURST, offer(&rl, 100 * SEC, 1000, &reported));
	EXPECT_EQ(1000u - LOG_RATELIMIT_BURST, rl.suppressed);
	EXPECT_EQ(0u, reported);
}

TEST(next_window_reports_what_was_left_out)
{
	struct log_ratelimit rl = { 0 };
	unsigned int reported = 0;
	uint64_t t = 7 * SEC;

	offer(&rl, t, 25, &reported);
	/* still the same window a moment before its end */
	EXPECT_EQ(0u,
		  offer(&rl, t + LOG_RATELIMIT_INTERVAL_NS - 1, 1, &reported));
	EXPECT_EQ(0u, reported);
	EXPECT_EQ(1u, offer(&rl, t + LOG_RATELIMIT_INTERVAL_NS, 1, &reported));
	EXPECT_EQ(25u - LOG_RATELIMIT_BURST + 1, reported);
	EXPECT_EQ(0u, rl.suppressed);
}

TEST(quiet_site_never_reports)
{
	struct log_ratelimit rl = { 0 };
	unsigned int reported = 0, i;

	for (i = 0; i < 50; i++)
		EXPECT_EQ(1u, offer(&rl, i * LOG_RATELIMIT_INTERVAL_NS + SEC, 1,
				    &reported));
	EXPECT_EQ(0u, reported);
}

TEST(clock_at_zero_still_opens_a_window)
{
	struct log_ratelimit rl = { 0 };
	unsigned int reported = 0;

	EXPECT_EQ(LOG_RATELIMIT_BURST, offer(&rl, 0, 40, &reported));
	EXPECT_EQ(40u - LOG_RATELIMIT_BURST, rl.suppressed);
}

TEST_HARNESS_MAIN
