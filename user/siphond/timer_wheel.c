// SPDX-License-Identifier: GPL-2.0-only
/* A hashed timing wheel; see timer_wheel.h. */
#include "timer_wheel.h"

#include <stddef.h>
#include <string.h>

void tw_init(struct timer_wheel *w, uint64_t now_ms)
{
	memset(w, 0, sizeof(*w));
	w->now = now_ms;
	w->tick = now_ms / TW_TICK_MS;
}

void tw_timer_init(struct tw_timer *t, void (*fn)(struct tw_timer *t))
{
	t->next = NULL;
	t->pprev = NULL;
	t->expires = 0;
	t->fn = fn;
}

static void slot_unlink(struct tw_timer *t)
{
	if (t->next)
		t->next->pprev = t->pprev;
	*t->pprev = t->next;
	t->next = NULL;
	t->pprev = NULL;
}

static void slot_link(struct timer_wheel *w, struct tw_timer *t)
{
	uint64_t tick = (t->expires + TW_TICK_MS - 1) / TW_TICK_MS;
	struct tw_timer **head;

	/* a time already past fires on the next advance, never a turn late */
	if (tick < w->tick)
		tick = w->tick;
	head = &w->slot[tick % TW_SLOTS];
	t->next = *head;
	if (t->next)
		t->next->pprev = &t->next;
	t->pprev = head;
	*head = t;
}

void tw_arm(struct timer_wheel *w, struct tw_timer *t, uint64_t delay_ms)
{
	if (tw_armed(t))
		tw_cancel(w, t);
	t->expires = w->now + delay_ms;
	slot_link(w, t);
	w->armed++;
}

void tw_cancel(struct timer_wheel *w, struct tw_timer *t)
{
	if (!tw_armed(t))
		return;
	slot_unlink(t);
	w->armed--;
}

/* fire the due timers of one slot; later ones stay for a later turn */
static unsigned int run_slot(struct timer_wheel *w, struct tw_timer **head,
			     uint64_t now_ms)
{
	struct tw_timer *due = NULL, *t, *next;
	unsigned int fired = 0;

	/* detach the due ones first: callbacks may re-arm into this slot */
	for (t = *head; t; t = next) {
		next = t->next;
		if (t->expires > now_ms)
			continue;
		slot_unlink(t);
		w->armed--;
		t->next = due;
		due = t;
	}
	for (t = due; t; t = next) {
		next = t->next;
		t->next = NULL;
		t->fn(t);
		fired++;
	}
	return fired;
}

uint64_t tw_next_due(const struct timer_wheel *w, uint64_t limit_ms)
{
	uint64_t tick, due, last = (w->now + limit_ms) / TW_TICK_MS;

	if (!w->armed || last < w->tick)
		return limit_ms;
	if (last - w->tick >= TW_SLOTS)
		last = w->tick + TW_SLOTS - 1;
	for (tick = w->tick; tick <= last; tick++) {
		if (!w->slot[tick % TW_SLOTS])
			continue;
		due = tick * TW_TICK_MS;
		return due > w->now ? due - w->now : 0;
	}
	return limit_ms;
}

unsigned int tw_advance(struct timer_wheel *w, uint64_t now_ms)
{
	uint64_t last = now_ms / TW_TICK_MS;
	unsigned int fired = 0, n = 0;

	if (now_ms < w->now)
		return 0;
	w->now = now_ms;
	/* after a long sleep one turn visits every slot once */
	while (w->tick <= last && n++ < TW_SLOTS) {
		/* moved on first: what a callback arms lands in a later tick */
		uint64_t tick = w->tick++;

		fired += run_slot(w, &w->slot[tick % TW_SLOTS], now_ms);
	}
	/* the slots skipped here were all just visited */
	if (w->tick <= last)
		w->tick = last + 1;
	return fired;
}
