// SPDX-License-Identifier: GPL-2.0-only
/* The event loop: epoll, the timer wheel, after-hooks. See evloop.h. */
#include "evloop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define EV_BATCH 64
#define EV_SLEEP_MAX_MS 60000

uint64_t evloop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int evloop_init(struct evloop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	l->now = evloop_clock_ms();
	tw_init(&l->wheel, l->now);
	return 0;
}

void evloop_fini(struct evloop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

int evloop_add(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, h->fd, &ev) ? -errno : 0;
}

int evloop_mod(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, h->fd, &ev) ? -errno : 0;
}

void evloop_del(struct evloop *l, struct ev_handler *h)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

int evloop_after(struct evloop *l, void (*fn)(void *arg), void *arg)
{
	if (l->nafter >= EV_AFTER_MAX)
		return -ENOSPC;
	l->after[l->nafter].fn = fn;
	l->after[l->nafter].arg = arg;
	l->nafter++;
	return 0;
}

void evloop_stop(struct evloop *l)
{
	l->stop = true;
}

void evloop_arm(struct evloop *l, struct tw_timer *t, uint64_t delay_ms)
{
	tw_arm(&l->wheel, t, delay_ms);
}

void evloop_cancel(struct evloop *l, struct tw_timer *t)
{
	tw_cancel(&l->wheel, t);
}

static void run_after(struct evloop *l)
{
	unsigned int i;

	for (i = 0; i < l->nafter; i++)
		l->after[i].fn(l->after[i].arg);
}

/*
 * How long epoll_wait() may sleep: until the next timer may be due, or
 * forever when none is armed. No timerfd: an idle daemon with its one
 * sweep timer wakes once a second, not once a tick, and a busy one does
 * not pay a read() per tick.
 */
static int sleep_ms(struct evloop *l)
{
	uint64_t due, spent;

	if (!l->wheel.armed)
		return -1;
	due = tw_next_due(&l->wheel, EV_SLEEP_MAX_MS);
	/* the handlers took time since the wheel last saw the clock */
	spent = evloop_clock_ms() - l->wheel.now;
	return due > spent ? (int)(due - spent) : 0;
}

int evloop_run(struct evloop *l)
{
	struct epoll_event ev[EV_BATCH];
	int n, i;

	/* what start-up left pending (a send, a lock) goes before a sleep */
	run_after(l);
	while (!l->stop) {
		n = epoll_wait(l->epfd, ev, EV_BATCH, sleep_ms(l));
		if (n < 0 && errno != EINTR)
			return -errno;
		l->now = evloop_clock_ms();
		/*
		 * Timers first: the wheel's clock must be this wake-up's
		 * before a handler arms a timer from it (after a second
		 * asleep, "500 ms from now" would be in the past).
		 */
		tw_advance(&l->wheel, l->now);
		for (i = 0; i < n; i++) {
			struct ev_handler *h = ev[i].data.ptr;

			h->fn(l, h, ev[i].events);
		}
		run_after(l);
	}
	return 0;
}
