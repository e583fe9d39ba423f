/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The rtnetlink plumbing every libmnl user in siphon shares: a request
 * socket that asks the kernel one thing at a time (a route, a neighbour,
 * every address), and a watch socket subscribed to multicast groups whose
 * events are read without blocking. nexthop.c asks, nexthop_refresh.c and
 * siphond's netlink_watch.c watch.
 */
#ifndef SIPHON_NL_H
#define SIPHON_NL_H

#include <stdbool.h>
#include <linux/netlink.h>
#include <linux/types.h>
#include <libmnl/libmnl.h>

struct nl_conn {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char buf[8192]; /* MNL_SOCKET_BUFFER_SIZE is not a constant */
};

/* 0 or -errno */
int nl_open(struct nl_conn *nl);
void nl_close(struct nl_conn *nl);
/* a request header in nl->buf; NLM_F_ACK is always set */
struct nlmsghdr *nl_request(struct nl_conn *nl, __u16 type, __u16 flags);
/*
 * Send a request and feed every reply to cb (NULL: none expected); a
 * dump (NLM_F_DUMP) ends at its NLMSG_DONE. The kernel's error as -errno.
 */
int nl_talk(struct nl_conn *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* A non-blocking socket bound to the RTMGRP_* groups; NULL with errno. */
struct mnl_socket *nl_watch_open(unsigned int groups);
/*
 * Read every event queued on a watch socket, each message to cb (may be
 * NULL). The number of datagrams read, or -ENOBUFS when the kernel
 * dropped events because the socket was full (the caller must then look
 * at the state afresh), or another -errno.
 */
int nl_watch_drain(struct mnl_socket *sock, mnl_cb_t cb, void *data);

#endif /* SIPHON_NL_H */
