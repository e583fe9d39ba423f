/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hashed timing wheel: every SIP timer (RFC 3261 timers A to K, TCP idle,
 * nonce and binding expiry) is one struct tw_timer embedded in its owner.
 * Arming and cancelling are O(1); advancing visits only the slots whose
 * tick has passed. A timer further away than one turn of the wheel stays
 * in its slot and is skipped until its turn comes.
 *
 * Time is in milliseconds from any monotonic origin; the wheel never reads
 * a clock itself, so tests drive it with made-up times.
 */
#ifndef SIPHOND_TIMER_WHEEL_H
#define SIPHOND_TIMER_WHEEL_H

#include <stdbool.h>
#include <stdint.h>

#define TW_TICK_MS 4
#define TW_SLOTS 4096 /* a turn: 16.4 s */

struct tw_timer {
	struct tw_timer *next, **pprev; /* pprev is NULL while not armed */
	uint64_t expires; /* ms */
	void (*fn)(struct tw_timer *t);
};

struct timer_wheel {
	uint64_t now; /* ms: the last time given to tw_advance() */
	uint64_t tick; /* the next tick to run */
	unsigned int armed;
	struct tw_timer *slot[TW_SLOTS];
};

void tw_init(struct timer_wheel *w, uint64_t now_ms);
void tw_timer_init(struct tw_timer *t, void (*fn)(struct tw_timer *t));
/* (re)arm t to fire delay_ms from the wheel's now; an armed t moves */
void tw_arm(struct timer_wheel *w, struct tw_timer *t, uint64_t delay_ms);
/* disarm; harmless on a timer that is not armed */
void tw_cancel(struct timer_wheel *w, struct tw_timer *t);
static inline bool tw_armed(const struct tw_timer *t)
{
	return t->pprev != 0;
}
/*
 * Run every timer whose time is <= now_ms, in tick order. A callback may
 * arm or cancel any timer, its own included. Returns how many fired.
 */
unsigned int tw_advance(struct timer_wheel *w, uint64_t now_ms);
/*
 * When the next armed timer may be due, in ms from the wheel's now: the
 * start of the first slot ahead that holds a timer (maybe one for a later
 * turn: an early look costs nothing), at most limit_ms, and limit_ms when
 * none is armed. The event loop sleeps this long.
 */
uint64_t tw_next_due(const struct timer_wheel *w, uint64_t limit_ms);

#endif /* SIPHOND_TIMER_WHEEL_H */
