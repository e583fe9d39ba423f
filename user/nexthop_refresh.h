/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keeping the next hops cached in flows true to the kernel's routing and
 * neighbour tables: one pass over every flow, or a follower that runs a
 * pass whenever rtnetlink reports a neighbour, route or link change.
 */
#ifndef SIPHON_NEXTHOP_REFRESH_H
#define SIPHON_NEXTHOP_REFRESH_H

#include <signal.h>

struct refresh_stats {
	unsigned int flows; /* flows looked at (FIB-only ones are skipped) */
	unsigned int updated; /* flows whose next hop changed */
	unsigned int unresolved; /* neighbour pending: FIB lookup for now */
	unsigned int unroutable; /* no route: FIB lookup (counts no_route) */
};

/* One pass; 0 or -errno. */
int nexthop_refresh_all(int flows_fd, struct refresh_stats *st);

typedef void (*refresh_report_fn)(const struct refresh_stats *st, void *ctx);

/*
 * Follow rtnetlink for `seconds` (0: until *stop is set), running a pass
 * 100 ms after the first of a burst of changes, and once at the start.
 * report (may be NULL) sees each pass that changed something.
 */
int nexthop_follow(int flows_fd, unsigned int seconds,
		   const volatile sig_atomic_t *stop, refresh_report_fn report,
		   void *ctx);

#endif /* SIPHON_NEXTHOP_REFRESH_H */
