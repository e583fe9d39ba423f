// SPDX-License-Identifier: GPL-2.0-only
/*
 * Is the relay address on an interface? Asked at start and after every
 * address event (RTM_NEWADDR, RTM_DELADDR) with one dump of the
 * addresses of its family: a deleted address may still be on another
 * interface, so the event alone does not say. media.c is told when the
 * answer changes, and refuses new calls while the address is gone.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "log.h"
#include "siphon/flow.h"
#include "netlink.h"
#include "siphond.h"

struct addr_search {
	const struct endpoint *want;
	size_t len;
	bool found;
};

static int addr_attr(const struct nlattr *attr, void *data)
{
	struct addr_search *s = data;
	unsigned int type = mnl_attr_get_type(attr);

	/* IFA_LOCAL is the address itself (IFA_ADDRESS the peer's on a
	 * point-to-point link); IPv6 gives IFA_ADDRESS only */
	if ((type == IFA_LOCAL || type == IFA_ADDRESS) &&
	    mnl_attr_get_payload_len(attr) == s->len &&
	    !memcmp(mnl_attr_get_payload(attr), s->want->addr, s->len))
		s->found = true;
	return MNL_CB_OK;
}

static int addr_reply(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	/* an IPv6 address whose duplicate detection failed is not ours */
	if (ifa->ifa_flags & IFA_F_DADFAILED)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(*ifa), addr_attr, data) < 0 ?
		       MNL_CB_ERROR :
		       MNL_CB_OK;
}

/* 1 when addr is on an interface, 0 when not, -errno */
static int addr_present(struct nl_conn *ask, const struct endpoint *addr)
{
	struct nlmsghdr *nlh = nl_request(ask, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr_search s = { .want = addr };
	int err;

	if (addr->family == SIPHON_AF_INET6) {
		ifa->ifa_family = AF_INET6;
		s.len = 16;
	} else {
		ifa->ifa_family = AF_INET;
		s.len = 4;
	}
	err = nl_talk(ask, nlh, addr_reply, &s);
	return err ? err : s.found;
}

void netlink_relay_check(struct netlink *nl)
{
	struct media *md = nl->d->media;
	int r;

	if (!md)
		return;
	r = addr_present(&nl->ask, media_relay(md));
	if (r < 0) {
		pr_warn("netlink: cannot list addresses: %s\n", strerror(-r));
		return;
	}
	media_relay_set_available(md, r);
}
