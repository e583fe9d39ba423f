// SPDX-License-Identifier: GPL-2.0-only
/*
 * The next hops of siphond's flows ([media] nexthop). A flow is installed
 * with its egress interface and MAC addresses cached (XDP then makes no
 * FIB lookup per packet, and the relay needs no IP forwarding), resolved
 * over rtnetlink as user/nexthop.c does for `siphonctl flow add`:
 *
 *   auto   cached when the route and the neighbour are known; a FIB lookup
 *          per packet otherwise (no route, neighbour still resolving: its
 *          resolution is started, and the refresh caches it once it is)
 *   cache  cached, or the flow is not installed (counted, logged)
 *   fib    a FIB lookup per packet, as before; no refresh touches them
 *
 * netlink_watch.c hands over every neighbour, route and link event; one
 * that may move a cached next hop (a route or a link changed, or a
 * neighbour a flow goes through changed its MAC, appeared or went away:
 * nexthop_neighs.h) makes the next media_nexthop_refresh() run a pass over
 * siphond's flows at once, with nexthop_refresh.c, the code `siphonctl flow
 * refresh` runs. No settling delay: a stale MAC is used no longer than the
 * event takes to arrive and the pass to run.
 *
 * Answers are remembered per destination until the next event that moves
 * a next hop, so a call's four flows cost two resolutions, and a phone's
 * next call none.
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "log.h"
#include "media_internal.h"
#include "nexthop.h"
#include "nexthop_neighs.h"
#include "nexthop_refresh.h"

/* destinations remembered between two events; past this, forgotten */
#define MEMO_MAX 65536

struct memo {
	struct endpoint dst; /* port 0 */
	int err;
	struct nexthop_info nh;
};

struct media_nexthop {
	enum cfg_media_nexthop mode;
	struct nexthop_resolver *res;
	struct nexthop_neighs *neighs; /* those siphond's flows go through */
	void *memo_root;
	unsigned int nmemo;
	bool due; /* an event since the last pass may move a next hop */
};

static int memo_cmp(const void *a, const void *b)
{
	const struct memo *x = a, *y = b;

	if (x->dst.family != y->dst.family)
		return x->dst.family - y->dst.family;
	return memcmp(x->dst.addr, y->dst.addr, sizeof(x->dst.addr));
}

static void memo_forget(struct media_nexthop *nh)
{
	tdestroy(nh->memo_root, free);
	nh->memo_root = NULL;
	nh->nmemo = 0;
}

int media_nexthop_open(struct media *md, enum cfg_media_nexthop mode, char *err,
		       size_t errlen)
{
	struct media_nexthop *nh = calloc(1, sizeof(*nh));
	int r = 0;

	md->nh = nh;
	if (!nh) {
		snprintf(err, errlen, "media: out of memory");
		return -1;
	}
	nh->mode = mode;
	if (mode == CFG_NEXTHOP_FIB)
		return 0;
	nh->neighs = nexthop_neighs_new();
	nh->res = nh->neighs ? nexthop_resolver_open(&r) : NULL;
	if (!nh->res) {
		snprintf(err, errlen,
			 "[media] nexthop: cannot ask the kernel for routes: "
			 "%s",
			 strerror(r ? -r : ENOMEM));
		return -1;
	}
	/* the flows of the last run are looked at when netlink is watched */
	nh->due = true;
	return 0;
}

void media_nexthop_close(struct media *md)
{
	struct media_nexthop *nh = md->nh;

	if (!nh)
		return;
	memo_forget(nh);
	nexthop_neighs_free(nh->neighs);
	nexthop_resolver_close(nh->res);
	free(nh);
	md->nh = NULL;
}

/*
 * The answer for to's address, asked once between two events; in
 * *scratch when there is no memory to remember it, NULL when none at all.
 */
static const struct memo *resolve(struct media_nexthop *nh,
				  const struct endpoint *to,
				  struct memo *scratch)
{
	struct memo key = { .dst = *to }, *m, **found;

	key.dst.port = 0;
	found = tfind(&key, &nh->memo_root, memo_cmp);
	if (found)
		return *found;
	if (nh->nmemo >= MEMO_MAX)
		memo_forget(nh);
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->dst = key.dst;
	m->err = nexthop_resolver_query(nh->res, &m->dst, &m->nh);
	if (!m->err)
		nexthop_neighs_note(nh->neighs, &m->nh);
	found = tsearch(m, &nh->memo_root, memo_cmp);
	if (!found) {
		*scratch = *m;
		free(m);
		return scratch;
	}
	nh->nmemo++;
	return m;
}

static const char *why_uncached(int err)
{
	switch (err) {
	case 0:
		return "its neighbour is not resolved yet";
	case -ENETUNREACH:
		return "no route";
	case -EADDRNOTAVAIL:
		return "a local address";
	case -EPFNOSUPPORT:
		return "the egress interface is not Ethernet";
	default:
		return strerror(-err);
	}
}

bool media_nexthop_apply(struct media *md, const struct endpoint *to,
			 struct siphon_flow *flow)
{
	struct media_nexthop *nh = md->nh;
	struct memo scratch;
	const struct memo *m;
	char dst[ENDPOINT_STRLEN];

	flow_set_nexthop(flow, NULL);
	if (nh->mode == CFG_NEXTHOP_FIB) {
		flow->flags |= SIPHON_FLOW_NH_FIB;
		return true;
	}
	m = resolve(nh, to, &scratch);
	if (m && !m->err && m->nh.resolved) {
		flow_set_nexthop(flow, &m->nh);
		return true;
	}
	endpoint_str(to, dst, sizeof(dst));
	if (nh->mode == CFG_NEXTHOP_CACHE) {
		md->stats.nexthop_uncached++;
		pr_warn("media: flow to %s not installed ([media] nexthop = "
			"cache): %s\n",
			dst, m ? why_uncached(m->err) : strerror(ENOMEM));
		return false;
	}
	/* auto: the refresh caches it when its neighbour answers */
	pr_debug("media: flow to %s: FIB lookup per packet, %s\n", dst,
		 m ? why_uncached(m->err) : strerror(ENOMEM));
	return true;
}

bool media_nexthop_follows(const struct media *md)
{
	return md->nh && md->nh->mode != CFG_NEXTHOP_FIB;
}

void media_nexthop_event(struct media *md, const struct nlmsghdr *nlh)
{
	struct media_nexthop *nh = md->nh;

	if (media_nexthop_follows(md) && nexthop_event_moves(nlh, nh->neighs))
		nh->due = true;
}

void media_nexthop_resync(struct media *md)
{
	if (media_nexthop_follows(md))
		md->nh->due = true;
}

/* siphond's own flows: keyed on the relay address and ports */
static bool is_ours(const struct siphon_flow_key *key, void *ctx)
{
	struct media *md = ctx;
	struct endpoint ep;

	endpoint_of_key(key, &ep);
	return ep.family == md->relay.family &&
	       !memcmp(ep.addr, md->relay.addr, sizeof(ep.addr)) &&
	       media_ports_own(&md->ports, ntohs(ep.port));
}

void media_nexthop_refresh(struct media *md)
{
	struct media_nexthop *nh = md->nh;
	struct refresh_scope scope = { .want = is_ours, .ctx = md };
	struct refresh_stats st;
	int r;

	if (!media_nexthop_follows(md) || !nh->due)
		return;
	nh->due = false;
	memo_forget(nh);
	scope.neighs = nh->neighs;
	r = nexthop_refresh_scoped(&md->maps.flows, &scope, &st);
	md->stats.nexthop_passes++;
	if (r) {
		/* try again at the next event: the flows keep what they had */
		pr_warn("media: next hops not refreshed: %s\n", strerror(-r));
		nh->due = true;
		return;
	}
	md->stats.nexthop_refreshed += st.updated;
	if (st.updated)
		pr_info("media: next hops of %u of %u flows refreshed (%u "
			"neighbours pending, %u without a route: FIB lookup "
			"per packet)\n",
			st.updated, st.flows, st.unresolved, st.unroutable);
}
