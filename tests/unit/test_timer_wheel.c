// SPDX-License-Identifier: GPL-2.0-only
/*
 * The timing wheel under made-up clocks: order, cancel, re-arm from a
 * callback, timers longer than a turn, and a clock that jumps far ahead.
 */
#include <stddef.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "siphond/timer_wheel.h"

struct probe {
	struct tw_timer t;
	struct timer_wheel *w;
	uint64_t fired_at; /* the wheel's now when it fired; 0: never */
	int fired;
	uint64_t rearm_ms; /* re-arm itself this far once */
};

static void on_fire(struct tw_timer *t)
{
	struct probe *p = (struct probe *)((char *)t - offsetof(struct probe, t));

	p->fired++;
	p->fired_at = p->w->now;
	if (p->rearm_ms) {
		uint64_t ms = p->rearm_ms;

		p->rearm_ms = 0;
		tw_arm(p->w, &p->t, ms);
	}
}

static void probe_init(struct probe *p, struct timer_wheel *w)
{
	p->w = w;
	p->fired = 0;
	p->fired_at = 0;
	p->rearm_ms = 0;
	tw_timer_init(&p->t, on_fire);
}

/* advance in small steps, as the loop's tick does */
static void run_until(struct timer_wheel *w, uint64_t until)
{
	uint64_t now;

	for (now = w->now; now <= until; now += TW_TICK_MS)
		tw_advance(w, now);
}

/* what the event loop sleeps: to the first slot holding a timer */
TEST(next_due)
{
	static struct timer_wheel w;
	struct probe a, b;

	tw_init(&w, 1000);
	probe_init(&a, &w);
	probe_init(&b, &w);
	ASSERT_EQ(500u, tw_next_due(&w, 500));
	tw_arm(&w, &a.t, 100);
	tw_arm(&w, &b.t, 30);
	ASSERT_EQ(32u, tw_next_due(&w, 60000)); /* 30 ms, rounded to a tick */
	ASSERT_EQ(20u, tw_next_due(&w, 20)); /* no further than asked */
	run_until(&w, 1032);
	ASSERT_EQ(1, b.fired);
	ASSERT_EQ(68u, tw_next_due(&w, 60000));
	/* a timer a turn away is looked at early, never late */
	tw_cancel(&w, &a.t);
	tw_arm(&w, &a.t, 2 * TW_SLOTS * TW_TICK_MS);
	ASSERT_GE((uint64_t)TW_SLOTS * TW_TICK_MS, tw_next_due(&w, UINT64_MAX / 2));
	tw_cancel(&w, &a.t);
	ASSERT_EQ(7u, tw_next_due(&w, 7));
}

TEST(fires_on_time_not_before)
{
	static struct timer_wheel w;
	struct probe p;

	tw_init(&w, 1000);
	probe_init(&p, &w);
	tw_arm(&w, &p.t, 500);
	ASSERT_TRUE(tw_armed(&p.t));
	run_until(&w, 1499);
	ASSERT_EQ(0, p.fired);
	run_until(&w, 1500 + TW_TICK_MS);
	ASSERT_EQ(1, p.fired);
	ASSERT_GE(p.fired_at, 1500u);
	ASSERT_LE(p.fired_at, 1500u + TW_TICK_MS);
	ASSERT_FALSE(tw_armed(&p.t));
	ASSERT_EQ(0, (int)w.armed);
}

TEST(cancel_and_rearm)
{
	static struct timer_wheel w;
	struct probe a, b;

	tw_init(&w, 0);
	probe_init(&a, &w);
	probe_init(&b, &w);
	tw_arm(&w, &a.t, 100);
	tw_arm(&w, &b.t, 100);
	tw_cancel(&w, &a.t);
	tw_cancel(&w, &a.t); /* twice is harmless */
	tw_arm(&w, &b.t, 300); /* moves, not duplicates */
	ASSERT_EQ(1, (int)w.armed);
	run_until(&w, 200);
	ASSERT_EQ(0, a.fired);
	ASSERT_EQ(0, b.fired);
	run_until(&w, 304);
	ASSERT_EQ(0, a.fired);
	ASSERT_EQ(1, b.fired);
}

TEST(rearm_from_callback_and_zero_delay)
{
	static struct timer_wheel w;
	struct probe p;

	tw_init(&w, 0);
	probe_init(&p, &w);
	p.rearm_ms = 0; /* due at once: must fire on the next advance */
	tw_arm(&w, &p.t, 8);
	run_until(&w, 8);
	ASSERT_EQ(1, p.fired);
	p.rearm_ms = 0;
	tw_arm(&w, &p.t, 0);
	tw_advance(&w, w.now + TW_TICK_MS);
	ASSERT_EQ(2, p.fired);
	/* a callback re-arming itself 40 ms on fires again, once */
	p.rearm_ms = 40;
	tw_arm(&w, &p.t, 4);
	run_until(&w, w.now + 100);
	ASSERT_EQ(4, p.fired);
}

TEST(longer_than_a_turn)
{
	static struct timer_wheel w;
	uint64_t turn = (uint64_t)TW_SLOTS * TW_TICK_MS;
	struct probe p;

	tw_init(&w, 0);
	probe_init(&p, &w);
	tw_arm(&w, &p.t, turn * 2 + 20);
	run_until(&w, turn * 2);
	ASSERT_EQ(0, p.fired);
	run_until(&w, turn * 2 + 24);
	ASSERT_EQ(1, p.fired);
}

TEST(clock_jumps_far_ahead)
{
	static struct timer_wheel w;
	struct probe p[3];
	unsigned int i;

	tw_init(&w, 0);
	for (i = 0; i < 3; i++) {
		probe_init(&p[i], &w);
		tw_arm(&w, &p[i].t, 100 + i * 10000);
	}
	/* one advance past all of them, more than a turn later */
	ASSERT_EQ(2, (int)tw_advance(&w, 15000));
	ASSERT_EQ(1, p[0].fired);
	ASSERT_EQ(1, p[1].fired);
	ASSERT_EQ(0, p[2].fired);
	ASSERT_EQ(1, (int)tw_advance(&w, 20100));
	ASSERT_EQ(1, p[2].fired);
	/* time going backwards runs nothing */
	ASSERT_EQ(0, (int)tw_advance(&w, 5));
}

TEST_HARNESS_MAIN
