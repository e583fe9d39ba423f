/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Keeping the next hops cached in flows true to the kernel's routing and
 * neighbour tables: one pass over every flow, or a follower that runs a
 * pass whenever rtnetlink reports a neighbour, route or link change.
 */
#ifndef SIPHON_NEXTHOP_REFRESH_H
#define SIPHON_NEXTHOP_REFRESH_H

#include <signal.h>
#include <stdbool.h>
#include <linux/netlink.h>

#include "nexthop.h"
#include "nexthop_neighs.h"
#include "siphon/flow.h"

struct refresh_stats {
	unsigned int flows; /* flows looked at (FIB-only ones are skipped) */
	unsigned int updated; /* flows whose next hop changed */
	unsigned int unresolved; /* neighbour pending: FIB lookup for now */
	unsigned int unroutable; /* no route: FIB lookup (counts no_route) */
};

/* One pass; 0 or -errno. */
int nexthop_refresh_all(struct flow_table *ft, struct refresh_stats *st);

/* which flows a pass looks at, and who hears what it resolved */
struct refresh_scope {
	/* NULL: every flow; else the flows it says yes to (siphond: its own) */
	bool (*want)(const struct siphon_flow_key *key, void *ctx);
	void *ctx;
	/* NULL, or cleared and filled with the neighbours the pass used */
	struct nexthop_neighs *neighs;
};

/* One pass over the flows scope wants; 0 or -errno. */
int nexthop_refresh_scoped(struct flow_table *ft,
			   const struct refresh_scope *scope,
			   struct refresh_stats *st);

/*
 * A pass is due after this rtnetlink event: a route or link change, or a
 * neighbour change that neighs (NULL: any) says moves a next hop.
 */
bool nexthop_event_moves(const struct nlmsghdr *nlh,
			 const struct nexthop_neighs *neighs);

typedef void (*refresh_report_fn)(const struct refresh_stats *st, void *ctx);

/*
 * Follow rtnetlink for `seconds` (0: until *stop is set), running a pass
 * 100 ms after the first of a burst of changes, and once at the start.
 * report (may be NULL) sees each pass that changed something.
 */
int nexthop_follow(struct flow_table *ft, unsigned int seconds,
		   const volatile sig_atomic_t *stop, refresh_report_fn report,
		   void *ctx);

#endif /* SIPHON_NEXTHOP_REFRESH_H */
