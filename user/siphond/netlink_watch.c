// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rtnetlink watch on siphond's event loop: link events go to
 * netlink_iface.c, address events make netlink_addr.c look at the relay
 * address again, and neighbour, route and link events go to
 * media_nexthop.c, which refreshes the next hops cached in siphond's flows
 * once the socket is drained. Lost events (the socket overflowed) make
 * all three look at everything afresh. See netlink.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "netlink.h"
#include "siphond.h"

static int name_attr(const struct nlattr *attr, void *data)
{
	const char **name = data;

	if (mnl_attr_get_type(attr) == IFLA_IFNAME &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
		*name = mnl_attr_get_str(attr);
	return MNL_CB_OK;
}

static void on_link(struct netlink *nl, const struct nlmsghdr *nlh)
{
	const char *name = NULL;

	if (mnl_attr_parse(nlh, sizeof(struct ifinfomsg), name_attr, &name) <
		    0 ||
	    !name || strlen(name) >= IF_NAMESIZE)
		return;
	if (nlh->nlmsg_type == RTM_DELLINK)
		netlink_iface_gone(nl, name);
	else
		netlink_iface_check(nl, name);
}

static int on_msg(const struct nlmsghdr *nlh, void *data)
{
	struct netlink *nl = data;

	nl->stats.events++;
	if (nl->d->media)
		media_nexthop_event(nl->d->media, nlh);
	switch (nlh->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		if (nl->reattach)
			on_link(nl, nlh);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		nl->relay_dirty = true;
		break;
	}
	return MNL_CB_OK;
}

static void resync(struct netlink *nl)
{
	if (nl->reattach)
		netlink_iface_check_all(nl);
	nl->relay_dirty = true;
	if (nl->d->media)
		media_nexthop_resync(nl->d->media);
}

static void on_readable(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct netlink *nl = (struct netlink *)h;
	int n;

	(void)l;
	(void)events;
	n = nl_watch_drain(nl->watch, on_msg, nl);
	if (n == -ENOBUFS) {
		nl->stats.resyncs++;
		pr_warn("netlink: events lost (socket full): looking at every "
			"interface and address again\n");
		resync(nl);
	} else if (n < 0) {
		pr_warn("netlink: %s\n", strerror(-n));
	}
	if (nl->relay_dirty) {
		nl->relay_dirty = false;
		netlink_relay_check(nl);
	}
	/* at once: a flow may be sending to a MAC that is no longer there */
	if (nl->d->media)
		media_nexthop_refresh(nl->d->media);
}

struct netlink *netlink_open(struct siphond *d, char *err, size_t errlen)
{
	unsigned int groups = RTMGRP_LINK;
	struct netlink *nl = calloc(1, sizeof(*nl));
	int r;

	if (!nl) {
		snprintf(err, errlen, "netlink: out of memory");
		return NULL;
	}
	nl->d = d;
	nl->pin_dir = d->cfg.media_pin_dir;
	nl->reattach = d->cfg.xdp_reattach;
	nl->h.fn = on_readable;
	if (d->media)
		groups |= RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (d->media && media_nexthop_follows(d->media))
		groups |= RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	/* subscribed before the first look, so no change falls between */
	nl->watch = nl_watch_open(groups);
	r = nl->watch ? nl_open(&nl->ask) : -errno;
	if (!r) {
		nl->h.fd = mnl_socket_get_fd(nl->watch);
		r = evloop_add(&d->loop, &nl->h, EPOLLIN);
	}
	if (r) {
		snprintf(err, errlen, "netlink: cannot watch interfaces: %s",
			 strerror(-r));
		netlink_close(nl);
		return NULL;
	}
	resync(nl);
	netlink_relay_check(nl);
	nl->relay_dirty = false;
	/* the flows the last run left, now that no change can slip by */
	if (d->media)
		media_nexthop_refresh(d->media);
	return nl;
}

void netlink_close(struct netlink *nl)
{
	if (!nl)
		return;
	if (nl->watch) {
		if (nl->h.fd > 0)
			evloop_del(&nl->d->loop, &nl->h);
		mnl_socket_close(nl->watch);
	}
	nl_close(&nl->ask);
	free(nl);
}
