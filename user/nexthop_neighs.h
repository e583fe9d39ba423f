/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The neighbours the cached next hops of flows go through, each with what
 * it said when the flows were resolved (its MAC address, or not resolved
 * yet). A neighbour event that says the same (a REACHABLE entry going
 * STALE, a FAILED one failing again) or is about a neighbour no flow uses
 * moves no next hop: a follower runs a refresh pass only for the others.
 */
#ifndef SIPHON_NEXTHOP_NEIGHS_H
#define SIPHON_NEXTHOP_NEIGHS_H

#include <stdbool.h>
#include "nexthop.h"

/* past this many, every neighbour event is taken for a change (counted) */
#define NEXTHOP_NEIGHS_MAX 65536

struct nexthop_neighs;

struct nexthop_neighs *nexthop_neighs_new(void);
void nexthop_neighs_free(struct nexthop_neighs *s);
/* forget them all, as a pass that notes every neighbour again begins */
void nexthop_neighs_clear(struct nexthop_neighs *s);
/* a next hop was resolved through nh->via (nexthop_resolve() gave 0) */
void nexthop_neighs_note(struct nexthop_neighs *s,
			 const struct nexthop_info *nh);
/* the event changes what a flow's next hop should say */
bool nexthop_neighs_changed(const struct nexthop_neighs *s,
			    const struct nexthop_neigh *ev);
unsigned int nexthop_neighs_count(const struct nexthop_neighs *s);
/* notes refused because NEXTHOP_NEIGHS_MAX were kept already */
unsigned long long nexthop_neighs_overflows(const struct nexthop_neighs *s);

#endif /* SIPHON_NEXTHOP_NEIGHS_H */
