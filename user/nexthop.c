// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "nexthop.h"
#include "nl.h"
#include "siphon/flow.h"

struct nexthop_resolver {
	struct nl_conn conn;
};

struct route {
	unsigned char type;
	unsigned int oif;
	bool has_gateway;
	__be32 gateway[4];
};

struct neigh {
	bool found;
	__u16 state;
	bool has_lladdr;
	__u8 lladdr[6];
};

struct link {
	unsigned short type;
	bool has_addr;
	__u8 addr[6];
};

static int addr_len(__u8 family)
{
	return family == SIPHON_AF_INET6 ? 16 : 4;
}

static int af_of(__u8 family)
{
	return family == SIPHON_AF_INET6 ? AF_INET6 : AF_INET;
}

static int route_attr(const struct nlattr *attr, void *data)
{
	struct route *rt = data;

	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			rt->oif = mnl_attr_get_u32(attr);
		break;
	case RTA_GATEWAY:
		if (mnl_attr_get_payload_len(attr) <= sizeof(rt->gateway)) {
			memcpy(rt->gateway, mnl_attr_get_payload(attr),
			       mnl_attr_get_payload_len(attr));
			rt->has_gateway = true;
		}
		break;
	}
	return MNL_CB_OK;
}

static int route_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route *rt = data;

	rt->type = rtm->rtm_type;
	return mnl_attr_parse(nlh, sizeof(*rtm), route_attr, rt);
}

static int route_get(struct nexthop_resolver *nl, const struct endpoint *dst,
		     struct route *rt)
{
	struct nlmsghdr *nlh = nl_request(&nl->conn, RTM_GETROUTE, 0);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	int err;

	rtm->rtm_family = af_of(dst->family);
	rtm->rtm_dst_len = addr_len(dst->family) * 8;
	mnl_attr_put(nlh, RTA_DST, addr_len(dst->family), dst->addr);

	memset(rt, 0, sizeof(*rt));
	err = nl_talk(&nl->conn, nlh, route_reply, rt);
	if (err == -EHOSTUNREACH || err == -ENETUNREACH)
		return -ENETUNREACH;
	if (err)
		return err;
	if (rt->type == RTN_LOCAL)
		return -EADDRNOTAVAIL;
	if (rt->type != RTN_UNICAST || !rt->oif)
		return -ENETUNREACH;
	return 0;
}

static int neigh_attr(const struct nlattr *attr, void *data)
{
	struct neigh *n = data;

	if (mnl_attr_get_type(attr) == NDA_LLADDR &&
	    mnl_attr_get_payload_len(attr) == sizeof(n->lladdr)) {
		memcpy(n->lladdr, mnl_attr_get_payload(attr),
		       sizeof(n->lladdr));
		n->has_lladdr = true;
	}
	return MNL_CB_OK;
}

static int neigh_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	struct neigh *n = data;

	n->found = true;
	n->state = ndm->ndm_state;
	return mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr, n);
}

static int neigh_get(struct nexthop_resolver *nl, __u8 family,
		     unsigned int ifindex, const __be32 *addr, struct neigh *n)
{
	struct nlmsghdr *nlh = nl_request(&nl->conn, RTM_GETNEIGH, 0);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	int err;

	ndm->ndm_family = af_of(family);
	ndm->ndm_ifindex = ifindex;
	mnl_attr_put(nlh, NDA_DST, addr_len(family), addr);

	memset(n, 0, sizeof(*n));
	err = nl_talk(&nl->conn, nlh, neigh_reply, n);
	return err == -ENOENT ? 0 : err;
}

/*
 * Ask the kernel to resolve a neighbour (NTF_USE: as if a packet were
 * waiting for it), so the MAC is known by the time the next lookup runs.
 */
static int neigh_kick(struct nexthop_resolver *nl, __u8 family,
		      unsigned int ifindex, const __be32 *addr)
{
	struct nlmsghdr *nlh =
		nl_request(&nl->conn, RTM_NEWNEIGH, NLM_F_CREATE);
	struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));

	ndm->ndm_family = af_of(family);
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_flags = NTF_USE;
	mnl_attr_put(nlh, NDA_DST, addr_len(family), addr);
	return nl_talk(&nl->conn, nlh, NULL, NULL);
}

static int link_attr(const struct nlattr *attr, void *data)
{
	struct link *l = data;

	if (mnl_attr_get_type(attr) == IFLA_ADDRESS &&
	    mnl_attr_get_payload_len(attr) == sizeof(l->addr)) {
		memcpy(l->addr, mnl_attr_get_payload(attr), sizeof(l->addr));
		l->has_addr = true;
	}
	return MNL_CB_OK;
}

static int link_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	struct link *l = data;

	l->type = ifi->ifi_type;
	return mnl_attr_parse(nlh, sizeof(*ifi), link_attr, l);
}

static int link_get(struct nexthop_resolver *nl, unsigned int ifindex,
		    struct link *l)
{
	struct nlmsghdr *nlh = nl_request(&nl->conn, RTM_GETLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	memset(l, 0, sizeof(*l));
	return nl_talk(&nl->conn, nlh, link_reply, l);
}

/* states in which the kernel itself would send to the cached address */
#define NUD_USABLE \
	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)

static int resolve(struct nexthop_resolver *nl, const struct endpoint *dst,
		   struct nexthop_info *nh)
{
	const __be32 *next;
	struct route rt;
	struct neigh n;
	struct link l;
	int err;

	err = route_get(nl, dst, &rt);
	if (err)
		return err;
	err = link_get(nl, rt.oif, &l);
	if (err)
		return err;
	if (l.type != ARPHRD_ETHER || !l.has_addr)
		return -EPFNOSUPPORT;
	nh->ifindex = rt.oif;
	memcpy(nh->smac, l.addr, sizeof(nh->smac));

	next = rt.has_gateway ? rt.gateway : dst->addr;
	nh->family = dst->family;
	memcpy(nh->via, next, addr_len(dst->family));
	err = neigh_get(nl, dst->family, rt.oif, next, &n);
	if (err)
		return err;
	if (n.found && (n.state & NUD_USABLE) && n.has_lladdr) {
		memcpy(nh->dmac, n.lladdr, sizeof(nh->dmac));
		nh->resolved = true;
		return 0;
	}
	return neigh_kick(nl, dst->family, rt.oif, next);
}

int nexthop_neigh_parse(const struct nlmsghdr *nlh, struct nexthop_neigh *n)
{
	const struct ndmsg *ndm;
	struct {
		struct neigh lookup;
		const struct nlattr *dst;
	} got = { { 0 }, NULL };
	const struct nlattr *attr;
	int len;

	if ((nlh->nlmsg_type != RTM_NEWNEIGH &&
	     nlh->nlmsg_type != RTM_DELNEIGH) ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ndm))
		return -EINVAL;
	ndm = mnl_nlmsg_get_payload(nlh);
	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return -EINVAL;
	memset(n, 0, sizeof(*n));
	n->family = ndm->ndm_family == AF_INET6 ? SIPHON_AF_INET6 :
						  SIPHON_AF_INET;
	n->ifindex = ndm->ndm_ifindex;
	len = addr_len(n->family);
	mnl_attr_for_each(attr, nlh, sizeof(*ndm)) {
		if (mnl_attr_get_type(attr) == NDA_DST &&
		    mnl_attr_get_payload_len(attr) == (unsigned int)len)
			got.dst = attr;
		neigh_attr(attr, &got.lookup);
	}
	if (!got.dst)
		return -EINVAL;
	memcpy(n->addr, mnl_attr_get_payload(got.dst), len);
	/* a deleted entry sends nowhere, whatever state it last had */
	n->usable = nlh->nlmsg_type == RTM_NEWNEIGH &&
		    (ndm->ndm_state & NUD_USABLE) && got.lookup.has_lladdr;
	if (n->usable)
		memcpy(n->lladdr, got.lookup.lladdr, sizeof(n->lladdr));
	return 0;
}

struct nexthop_resolver *nexthop_resolver_open(int *err)
{
	struct nexthop_resolver *nl = calloc(1, sizeof(*nl));

	if (!nl) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = nl_open(&nl->conn);
	if (*err) {
		free(nl);
		return NULL;
	}
	return nl;
}

void nexthop_resolver_close(struct nexthop_resolver *nl)
{
	if (!nl)
		return;
	nl_close(&nl->conn);
	free(nl);
}

int nexthop_resolver_query(struct nexthop_resolver *nl,
			   const struct endpoint *dst, struct nexthop_info *nh)
{
	memset(nh, 0, sizeof(*nh));
	return resolve(nl, dst, nh);
}

int nexthop_resolve(const struct endpoint *dst, struct nexthop_info *nh)
{
	struct nexthop_resolver *nl;
	int err;

	nl = nexthop_resolver_open(&err);
	if (!nl)
		return err;
	err = nexthop_resolver_query(nl, dst, nh);
	nexthop_resolver_close(nl);
	return err;
}
