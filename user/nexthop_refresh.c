// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <poll.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "flow_table.h"
#include "nexthop.h"
#include "nexthop_refresh.h"
#include "nl.h"

#define SETTLE_MS 100

/* one destination's answer, remembered for the rest of a pass */
struct memo {
	struct endpoint dst;
	int err;
	struct nexthop_info nh;
};

static int memo_cmp(const void *a, const void *b)
{
	const struct memo *x = a, *y = b;

	if (x->dst.family != y->dst.family)
		return x->dst.family - y->dst.family;
	return memcmp(x->dst.addr, y->dst.addr, sizeof(x->dst.addr));
}

struct pass {
	struct flow_table *ft;
	struct nexthop_resolver *res;
	void *memo_root;
	const struct refresh_scope *scope;
	struct refresh_stats *st;
};

static const struct memo *resolve_memo(struct pass *p,
				       const struct endpoint *dst)
{
	struct memo *m = calloc(1, sizeof(*m)), **found;

	if (!m)
		return NULL;
	m->dst = *dst;
	m->dst.port = 0;
	found = tsearch(m, &p->memo_root, memo_cmp);
	if (!found) {
		free(m);
		return NULL;
	}
	if (*found != m) {
		free(m);
		return *found;
	}
	m->err = nexthop_resolver_query(p->res, &m->dst, &m->nh);
	if (!m->err && p->scope->neighs)
		nexthop_neighs_note(p->scope->neighs, &m->nh);
	return m;
}

static int refresh_flow(const struct siphon_flow_key *key,
			const struct siphon_flow *flow, void *ctx)
{
	struct endpoint dst = { .family = key->family };
	struct siphon_flow next = *flow;
	struct pass *p = ctx;
	const struct memo *m;

	if (flow->flags & SIPHON_FLOW_NH_FIB)
		return 0;
	if (p->scope->want && !p->scope->want(key, p->scope->ctx))
		return 0;
	p->st->flows++;
	memcpy(dst.addr, flow->daddr, sizeof(dst.addr));
	m = resolve_memo(p, &dst);
	if (!m)
		return -ENOMEM;
	if (m->err)
		p->st->unroutable++;
	else if (!m->nh.resolved)
		p->st->unresolved++;
	flow_set_nexthop(&next, m->err ? NULL : &m->nh);
	if (!memcmp(&next.flags, &flow->flags, sizeof(flow->flags)) &&
	    next.nh_ifindex == flow->nh_ifindex &&
	    !memcmp(next.nh_smac, flow->nh_smac, sizeof(next.nh_smac)) &&
	    !memcmp(next.nh_dmac, flow->nh_dmac, sizeof(next.nh_dmac)))
		return 0;
	/*
	 * The value is written whole: re-read it first so the window in which
	 * a counter increment or a port learned by the fast path can be lost
	 * is microseconds, not a whole pass. A flow deleted meanwhile stays
	 * deleted (flow_table_update never creates).
	 */
	if (flow_table_get(p->ft, key, &next))
		return 0;
	flow_set_nexthop(&next, m->err ? NULL : &m->nh);
	if (!flow_table_update(p->ft, key, &next))
		p->st->updated++;
	return 0;
}

int nexthop_refresh_scoped(struct flow_table *ft,
			   const struct refresh_scope *scope,
			   struct refresh_stats *st)
{
	struct pass p = { .ft = ft, .scope = scope, .st = st };
	int err;

	memset(st, 0, sizeof(*st));
	if (scope->neighs)
		nexthop_neighs_clear(scope->neighs);
	p.res = nexthop_resolver_open(&err);
	if (!p.res)
		return err;
	err = flow_table_walk(ft, refresh_flow, &p);
	tdestroy(p.memo_root, free);
	nexthop_resolver_close(p.res);
	return err;
}

int nexthop_refresh_all(struct flow_table *ft, struct refresh_stats *st)
{
	const struct refresh_scope every = { 0 };

	return nexthop_refresh_scoped(ft, &every, st);
}

bool nexthop_event_moves(const struct nlmsghdr *nlh,
			 const struct nexthop_neighs *neighs)
{
	struct nexthop_neigh ev;

	switch (nlh->nlmsg_type) {
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		if (nexthop_neigh_parse(nlh, &ev))
			return false;
		return !neighs || nexthop_neighs_changed(neighs, &ev);
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
	case RTM_NEWLINK: /* a MAC address, or an egress gone */
	case RTM_DELLINK:
		return true;
	default:
		return false;
	}
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* every group whose events may move a next hop */
#define WATCH_GROUPS \
	(RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE)

/*
 * The follower looks at every neighbour event: flows added by `siphonctl
 * flow add` since its last pass go through neighbours it has not seen.
 * (siphond, which installs its flows itself, filters with nexthop_neighs.)
 */
struct follower {
	struct flow_table *ft;
	bool moved; /* an event since the last pass may move a next hop */
	refresh_report_fn report;
	void *ctx;
};

static int run_pass(struct follower *f)
{
	struct refresh_stats st;
	int err = nexthop_refresh_all(f->ft, &st);

	if (!err && f->report && st.updated)
		f->report(&st, f->ctx);
	return err;
}

static int on_event(const struct nlmsghdr *nlh, void *data)
{
	struct follower *f = data;

	if (nexthop_event_moves(nlh, NULL))
		f->moved = true;
	return MNL_CB_OK;
}

int nexthop_follow(struct flow_table *ft, unsigned int seconds,
		   const volatile sig_atomic_t *stop, refresh_report_fn report,
		   void *ctx)
{
	struct follower f = { .ft = ft, .report = report, .ctx = ctx };
	long deadline = seconds ? now_ms() + seconds * 1000L : 0;
	long dirty_since = 0, wait_ms;
	struct mnl_socket *sock;
	struct pollfd pfd;
	int err;

	sock = nl_watch_open(WATCH_GROUPS);
	if (!sock)
		return -errno;
	pfd.fd = mnl_socket_get_fd(sock);
	pfd.events = POLLIN;
	err = run_pass(&f);

	while (!err && !(stop && *stop) && (!deadline || now_ms() < deadline)) {
		wait_ms = dirty_since ? SETTLE_MS : 1000;
		if (deadline && deadline - now_ms() < wait_ms)
			wait_ms = deadline - now_ms();
		/* lost events (-ENOBUFS) may have moved any next hop */
		if (poll(&pfd, 1, wait_ms > 0 ? (int)wait_ms : 0) > 0 &&
		    nl_watch_drain(sock, on_event, &f) == -ENOBUFS)
			f.moved = true;
		if (f.moved && !dirty_since)
			dirty_since = now_ms();
		f.moved = false;
		if (dirty_since && now_ms() - dirty_since >= SETTLE_MS) {
			dirty_since = 0;
			err = run_pass(&f);
		}
	}
	mnl_socket_close(sock);
	return err;
}
