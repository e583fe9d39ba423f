/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Next-hop resolution over rtnetlink (libmnl): which interface a relayed
 * packet leaves by and which MAC addresses it carries, as the kernel's own
 * routing and neighbour tables say. Cached in flows so the fast path needs
 * no per-packet FIB lookup.
 */
#ifndef SIPHON_NEXTHOP_H
#define SIPHON_NEXTHOP_H

#include <stdbool.h>
#include <linux/types.h>
#include "endpoint.h"

struct nexthop_info {
	unsigned int ifindex;
	__u8 smac[6];
	__u8 dmac[6];
	/* false: route found, neighbour not resolved yet (resolution kicked) */
	bool resolved;
	/* the neighbour asked: the route's gateway, or the destination */
	__u8 family; /* enum siphon_family */
	__be32 via[4];
};

/*
 * Resolve the next hop for packets to dst (main routing table: source-based
 * policy routing is not consulted yet). Returns 0 (check
 * ->resolved), -ENETUNREACH without a route, -EADDRNOTAVAIL when dst is a
 * local address, -EPFNOSUPPORT when the egress is not Ethernet, -errno.
 */
int nexthop_resolve(const struct endpoint *dst, struct nexthop_info *nh);

/* One rtnetlink socket for many queries (a refresh of every flow). */
struct nexthop_resolver;
struct nexthop_resolver *nexthop_resolver_open(int *err);
void nexthop_resolver_close(struct nexthop_resolver *res);
/* nexthop_resolve() on an open resolver */
int nexthop_resolver_query(struct nexthop_resolver *res,
			   const struct endpoint *dst, struct nexthop_info *nh);

/*
 * A neighbour as an rtnetlink event (RTM_NEWNEIGH, RTM_DELNEIGH) tells
 * it: what a cached next hop through it must now say.
 */
struct nexthop_neigh {
	__u8 family; /* enum siphon_family */
	unsigned int ifindex;
	__be32 addr[4];
	bool usable; /* the kernel itself would send to lladdr */
	__u8 lladdr[6];
};

struct nlmsghdr;
/* 0, or -EINVAL when nlh is not an IPv4 or IPv6 neighbour message */
int nexthop_neigh_parse(const struct nlmsghdr *nlh, struct nexthop_neigh *n);

#endif /* SIPHON_NEXTHOP_H */
