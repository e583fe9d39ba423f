/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond's one event loop: epoll for the sockets, its timeout set to when
 * the timer wheel's next timer may be due, and "after" hooks that run once
 * per wake-up (the UDP transport flushes its send batch there). Nothing in
 * it blocks but epoll_wait().
 */
#ifndef SIPHOND_EVLOOP_H
#define SIPHOND_EVLOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "timer_wheel.h"

struct evloop;

struct ev_handler {
	int fd;
	void (*fn)(struct evloop *l, struct ev_handler *h, uint32_t events);
};

#define EV_AFTER_MAX 4

struct evloop {
	int epfd;
	bool stop;
	uint64_t now; /* ms, CLOCK_MONOTONIC, read once per wake-up */
	struct timer_wheel wheel;
	unsigned int nafter;
	struct {
		void (*fn)(void *arg);
		void *arg;
	} after[EV_AFTER_MAX];
};

int evloop_init(struct evloop *l);
void evloop_fini(struct evloop *l);
/* events: EPOLLIN, EPOLLOUT, ...; h must outlive its registration */
int evloop_add(struct evloop *l, struct ev_handler *h, uint32_t events);
int evloop_mod(struct evloop *l, struct ev_handler *h, uint32_t events);
void evloop_del(struct evloop *l, struct ev_handler *h);
/* fn(arg) after the handlers of every wake-up; -ENOSPC past EV_AFTER_MAX */
int evloop_after(struct evloop *l, void (*fn)(void *arg), void *arg);
/* run until evloop_stop(); returns 0, or -errno if epoll fails */
int evloop_run(struct evloop *l);
void evloop_stop(struct evloop *l);
uint64_t evloop_clock_ms(void);

/* timers on the loop's wheel, run by evloop_run() when due */
void evloop_arm(struct evloop *l, struct tw_timer *t, uint64_t delay_ms);
void evloop_cancel(struct evloop *l, struct tw_timer *t);

#endif /* SIPHOND_EVLOOP_H */
