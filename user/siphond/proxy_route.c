// SPDX-License-Identifier: GPL-2.0-only
/*
 * The route set of a request (RFC 3261 sections 16.4 and 16.6 steps 6
 * and 7): undo what a strict router before us did, see whether the top
 * Route value is ours (loose routing pops it), and find the next hop
 * when the route set goes beyond us, strict next hops included.
 */
#include "proxy.h"
#include "sip/sip_uri.h"

/* the last Route value over all lines, as a parsed route */
static int last_route(struct sip_msg *m, struct sip_addr *route)
{
	struct sip_str v, last = SIP_STR_NULL;
	struct sip_val_iter it;
	struct sip_error e;

	sip_msg_values(m, SIP_HDR_ROUTE, &it);
	while (sip_val_next(&it, &v, &e) == 1)
		last = v;
	return last.p ? sip_route_parse(last, route, &e) : -1;
}

/* Route value number i (0 the top one), as a parsed route */
static int nth_route(struct sip_msg *m, unsigned int i, struct sip_addr *route)
{
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_str v;

	sip_msg_values(m, SIP_HDR_ROUTE, &it);
	do {
		if (sip_val_next(&it, &v, &e) != 1)
			return -1;
	} while (i--);
	return sip_route_parse(v, route, &e);
}

static unsigned int count_routes(struct sip_msg *m)
{
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_str v;
	unsigned int n = 0;

	sip_msg_values(m, SIP_HDR_ROUTE, &it);
	while (sip_val_next(&it, &v, &e) == 1)
		n++;
	return n;
}

/*
 * 16.4: a strict router (RFC 2543) puts the Record-Route URI it got from
 * us, ";lr" and all, in the Request-URI and moves the real Request-URI to
 * the end of the route set.
 */
static bool from_strict_router(struct siphond *d, struct sip_msg *m)
{
	struct sip_uri uri;
	struct sip_error e;

	return m->count[SIP_HDR_ROUTE] && !sip_uri_parse(m->uri, &uri, &e) &&
	       uri.lr && proxy_uri_is_us(d, m->uri);
}

void proxy_route_preprocess(struct siphond *d, struct sip_msg *m,
			    struct route_fix *rf)
{
	struct sip_addr route;

	rf->strict = false;
	rf->pop = false;
	if (from_strict_router(d, m) && !last_route(m, &route)) {
		/* the rest of the request is routed by the real one */
		m->uri = route.uri;
		rf->strict = true;
	}
	rf->beyond = count_routes(m) - rf->strict;
	if (rf->beyond && !nth_route(m, 0, &route) &&
	    proxy_uri_is_us(d, route.uri)) {
		rf->pop = true;
		rf->beyond--;
	}
}

int proxy_route_next_hop(struct siphond *d, struct sip_msg *m,
			 const struct sd_peer *from,
			 const struct route_fix *rf, struct target *t)
{
	struct sip_addr route;
	struct sip_uri uri;
	struct sip_error e;

	t->ruri = m->uri;
	t->strict_next = false;
	if (!rf->beyond) {
		/* an ACK, say, to a phone behind NAT: through its mapping */
		switch (proxy_nat_target(d, m->uri, from, t)) {
		case 1:
			return 0;
		case 0:
			return proxy_uri_peer(d, m->uri, from, &t->to);
		default:
			return -1;
		}
	}
	if (nth_route(m, rf->pop, &route) ||
	    sip_uri_parse(route.uri, &uri, &e))
		return -1;
	if (!uri.lr) {
		/* 16.6 step 6: the next hop routes strictly */
		t->strict_next = true;
		t->ruri = route.uri;
	}
	return proxy_uri_peer(d, route.uri, from, &t->to);
}
