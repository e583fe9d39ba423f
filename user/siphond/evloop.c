// SPDX-License-Identifier: GPL-2.0-only
/* The event loop: epoll, a ticking timerfd, after-hooks. See evloop.h. */
#include "evloop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define EV_BATCH 64

uint64_t evloop_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* tick only while a timer is armed: an idle daemon sleeps */
static void timerfd_set(struct evloop *l, bool on)
{
	struct itimerspec its = { 0 };

	if (on == l->ticking)
		return;
	if (on) {
		its.it_interval.tv_nsec = TW_TICK_MS * 1000000L;
		its.it_value = its.it_interval;
	}
	timerfd_settime(l->timerfd, 0, &its, NULL);
	l->ticking = on;
}

static void on_tick(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	uint64_t expirations;

	(void)l;
	(void)events;
	while (read(h->fd, &expirations, sizeof(expirations)) > 0)
		;
}

int evloop_init(struct evloop *l)
{
	memset(l, 0, sizeof(*l));
	l->timerfd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	l->timerfd =
		timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->timerfd < 0)
		goto fail;
	l->now = evloop_clock_ms();
	tw_init(&l->wheel, l->now);
	l->timer_handler.fd = l->timerfd;
	l->timer_handler.fn = on_tick;
	if (evloop_add(l, &l->timer_handler, EPOLLIN))
		goto fail;
	return 0;
fail:
	evloop_fini(l);
	return -errno;
}

void evloop_fini(struct evloop *l)
{
	if (l->timerfd >= 0)
		close(l->timerfd);
	if (l->epfd >= 0)
		close(l->epfd);
	l->timerfd = l->epfd = -1;
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
	timerfd_set(l, true);
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

int evloop_run(struct evloop *l)
{
	struct epoll_event ev[EV_BATCH];
	int n, i;

	while (!l->stop) {
		n = epoll_wait(l->epfd, ev, EV_BATCH, -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		l->now = evloop_clock_ms();
		for (i = 0; i < n; i++) {
			struct ev_handler *h = ev[i].data.ptr;

			h->fn(l, h, ev[i].events);
		}
		tw_advance(&l->wheel, l->now);
		run_after(l);
		timerfd_set(l, l->wheel.armed > 0);
	}
	return 0;
}
