// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interfaces that come back: siphonctl attach left a wish (siphon_attach)
 * and a link pin for each interface. When the interface is deleted the
 * pin stays, its link bound to nothing (ifindex 0). When an interface of
 * that name appears again, and the wish and the pin are both still there
 * (detach removes the wish, an operator may remove the pin), it gets the
 * pinned program again, in the mode the wish names, and a fresh pin.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "bpf_loader.h"
#include "log.h"
#include "netlink.h"
#include "siphon/maps.h"
#include "xdp_attach.h"
#include "xdp_wish.h"

/* the entry of ifname, made when missing; NULL when the table is full */
static struct nl_iface *iface_of(struct netlink *nl, const char *ifname)
{
	struct nl_iface *e;
	unsigned int i;

	for (i = 0; i < nl->niface; i++)
		if (!strcmp(nl->iface[i].name, ifname))
			return &nl->iface[i];
	if (nl->niface == NETLINK_IFACES_MAX) {
		nl->stats.untracked++;
		return NULL;
	}
	e = &nl->iface[nl->niface++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", ifname);
	return e;
}

/* the ifindex of ifname and whether it is up and running; false: none */
static bool link_state(const char *ifname, unsigned int *ifindex, bool *up)
{
	struct ifreq ifr = { 0 };
	int fd;

	*ifindex = if_nametoindex(ifname);
	*up = false;
	if (!*ifindex)
		return false;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		*up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return true;
}

static int attach_again(struct netlink *nl, const char *ifname,
			const struct xdp_wish *w, const struct attachment *att,
			struct attach_result *res)
{
	int prog_fd, tx_fd, err;

	prog_fd = xdp_prog_open(nl->pin_dir, att);
	if (prog_fd < 0)
		return prog_fd;
	tx_fd = siphon_map_open(nl->pin_dir, SIPHON_MAP_TX_PORTS);
	if (tx_fd < 0) {
		close(prog_fd);
		return tx_fd;
	}
	err = xdp_attach_prog(prog_fd, tx_fd, nl->pin_dir, ifname,
			      xdp_wish_mode(w), res);
	close(tx_fd);
	close(prog_fd);
	return err;
}

static void reattach(struct netlink *nl, const char *ifname,
		     unsigned int ifindex, const struct xdp_wish *w,
		     const struct attachment *att)
{
	struct nl_iface *e = iface_of(nl, ifname);
	struct attach_result res;
	int err = attach_again(nl, ifname, w, att, &res);

	if (err) {
		nl->stats.reattach_failed++;
		/* once per comeback: link events repeat (up, down, MTU) */
		if (e && e->failed_ifindex == ifindex)
			return;
		if (e)
			e->failed_ifindex = ifindex;
		pr_warn("%s: interface is back (ifindex %u) but XDP could not "
			"be attached again: %s; run siphonctl attach %s\n",
			ifname, ifindex, strerror(-err), ifname);
		return;
	}
	nl->stats.reattached++;
	if (e) {
		e->reattached++;
		e->failed_ifindex = 0;
		e->gone_logged = false;
	}
	pr_info("%s: interface is back (ifindex %u): XDP attached again "
		"(%s mode)\n",
		ifname, ifindex, res.generic ? "generic" : "native");
}

void netlink_iface_check(struct netlink *nl, const char *ifname)
{
	struct attachment att;
	struct xdp_wish w;
	unsigned int ifindex;
	bool up;

	/* not wanted: never attached, or detached since */
	if (xdp_wish_get(nl->pin_dir, ifname, &w))
		return;
	/* no pin: removed by hand, which detaches too */
	if (xdp_attachment_get(nl->pin_dir, ifname, &att))
		return;
	iface_of(nl, ifname);
	if (!link_state(ifname, &ifindex, &up))
		return;
	/*
	 * Only a link whose interface is gone (ifindex 0) is attached again:
	 * one still bound elsewhere is an interface renamed, not deleted.
	 */
	if (att.ifindex)
		return;
	reattach(nl, ifname, ifindex, &w, &att);
}

void netlink_iface_gone(struct netlink *nl, const char *ifname)
{
	struct xdp_wish w;
	struct nl_iface *e;

	if (xdp_wish_get(nl->pin_dir, ifname, &w))
		return;
	e = iface_of(nl, ifname);
	if (!e || e->gone_logged)
		return;
	e->gone_logged = true;
	pr_warn("%s: interface deleted; siphon's XDP program goes with it, "
		"and siphond attaches it again when %s comes back\n",
		ifname, ifname);
}

static int check_one(const char *ifname, const struct xdp_wish *w, void *ctx)
{
	(void)w;
	netlink_iface_check(ctx, ifname);
	return 0;
}

void netlink_iface_check_all(struct netlink *nl)
{
	int err = xdp_wish_walk(nl->pin_dir, check_one, nl);

	if (err)
		pr_warn("netlink: interfaces siphon should run on, in %s: %s\n",
			nl->pin_dir, strerror(-err));
}

/* ---- the view: status and /metrics ------------------------------------ */

struct walk {
	struct netlink *nl;
	int (*fn)(void *arg, const struct nl_iface_view *v);
	void *arg;
	int ret;
};

static void view_fill(struct netlink *nl, const char *ifname,
		      struct nl_iface_view *v)
{
	struct nl_iface *e = iface_of(nl, ifname);
	struct attachment att;
	struct xdp_wish w;
	unsigned int ifindex;

	memset(v, 0, sizeof(*v));
	v->name = ifname;
	v->exists = link_state(ifname, &ifindex, &v->up);
	v->wanted = !xdp_wish_get(nl->pin_dir, ifname, &w);
	if (!xdp_attachment_get(nl->pin_dir, ifname, &att) && att.ifindex &&
	    att.ifindex == ifindex) {
		v->attached = true;
		v->generic = att.generic;
	}
	v->reattached = e ? e->reattached : 0;
}

static int view_wish(const char *ifname, const struct xdp_wish *w, void *ctx)
{
	struct walk *wk = ctx;
	struct nl_iface_view v;

	(void)w;
	view_fill(wk->nl, ifname, &v);
	wk->ret = wk->fn(wk->arg, &v);
	return wk->ret;
}

/* pinned links with no wish: attached by an older siphonctl */
static int view_link(const struct attachment *att, void *ctx)
{
	struct walk *wk = ctx;
	struct nl_iface_view v;
	struct xdp_wish w;

	if (!xdp_wish_get(wk->nl->pin_dir, att->ifname, &w))
		return 0; /* shown with the wishes */
	view_fill(wk->nl, att->ifname, &v);
	wk->ret = wk->fn(wk->arg, &v);
	return wk->ret;
}

int netlink_iface_walk(struct netlink *nl,
		       int (*fn)(void *arg, const struct nl_iface_view *v),
		       void *arg)
{
	struct walk wk = { .nl = nl, .fn = fn, .arg = arg };

	xdp_wish_walk(nl->pin_dir, view_wish, &wk);
	if (!wk.ret)
		xdp_attachments_walk(nl->pin_dir, view_link, &wk);
	return wk.ret;
}
