// SPDX-License-Identifier: GPL-2.0-only
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "nexthop_neighs.h"

struct neigh_entry {
	__u8 family;
	unsigned int ifindex;
	__be32 addr[4];
	bool usable;
	__u8 lladdr[6];
};

struct nexthop_neighs {
	void *root;
	unsigned int count;
	/* a note was refused: any neighbour may be one a flow uses */
	bool full;
	unsigned long long overflows;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct neigh_entry *x = a, *y = b;

	if (x->family != y->family)
		return x->family - y->family;
	if (x->ifindex != y->ifindex)
		return x->ifindex < y->ifindex ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

struct nexthop_neighs *nexthop_neighs_new(void)
{
	return calloc(1, sizeof(struct nexthop_neighs));
}

void nexthop_neighs_clear(struct nexthop_neighs *s)
{
	tdestroy(s->root, free);
	s->root = NULL;
	s->count = 0;
	s->full = false;
}

void nexthop_neighs_free(struct nexthop_neighs *s)
{
	if (!s)
		return;
	nexthop_neighs_clear(s);
	free(s);
}

void nexthop_neighs_note(struct nexthop_neighs *s,
			 const struct nexthop_info *nh)
{
	struct neigh_entry *e, **found;

	if (s->count >= NEXTHOP_NEIGHS_MAX || !(e = calloc(1, sizeof(*e)))) {
		s->full = true;
		s->overflows++;
		return;
	}
	e->family = nh->family;
	e->ifindex = nh->ifindex;
	memcpy(e->addr, nh->via, sizeof(e->addr));
	e->usable = nh->resolved;
	if (nh->resolved)
		memcpy(e->lladdr, nh->dmac, sizeof(e->lladdr));
	found = tsearch(e, &s->root, entry_cmp);
	if (!found) {
		free(e);
		s->full = true;
		s->overflows++;
		return;
	}
	if (*found != e) {
		/* resolved again since: the newest answer is what flows hold */
		(*found)->usable = e->usable;
		memcpy((*found)->lladdr, e->lladdr, sizeof(e->lladdr));
		free(e);
		return;
	}
	s->count++;
}

bool nexthop_neighs_changed(const struct nexthop_neighs *s,
			    const struct nexthop_neigh *ev)
{
	struct neigh_entry key = { .family = ev->family,
				   .ifindex = ev->ifindex };
	const struct neigh_entry *const *found;

	if (s->full)
		return true;
	memcpy(key.addr, ev->addr, sizeof(key.addr));
	found = tfind(&key, &s->root, entry_cmp);
	if (!found)
		return false;
	if ((*found)->usable != ev->usable)
		return true;
	return ev->usable &&
	       memcmp((*found)->lladdr, ev->lladdr, sizeof(ev->lladdr));
}

unsigned int nexthop_neighs_count(const struct nexthop_neighs *s)
{
	return s->count;
}

unsigned long long nexthop_neighs_overflows(const struct nexthop_neighs *s)
{
	return s->overflows;
}
