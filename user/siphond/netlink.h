/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond follows rtnetlink (libmnl, user/nl.h) for two things:
 *
 * - interfaces (netlink_iface.c): one that siphonctl attached (its wish in
 *   the pinned siphon_attach map, user/xdp_wish.h, and its link pin) and
 *   that is deleted and created again under the same name is attached
 *   again, in the same mode, with the program siphonctl pinned; detach
 *   removes the wish first, so siphond never undoes it;
 * - the relay address (netlink_addr.c): while it is on no interface, new
 *   calls are refused (503, media.h) and calls already up keep their
 *   flows; when it is back, calls are anchored again.
 *
 * netlink_watch.c owns the socket on the event loop; netlink_report.c
 * shows the interfaces in `siphonctl status` and /metrics.
 */
#ifndef SIPHOND_NETLINK_H
#define SIPHOND_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "endpoint.h"
#include "evloop.h"
#include "nl.h"

#define NETLINK_COUNTERS(X)                                                   \
	X(events) /* rtnetlink messages read */                               \
	X(resyncs) /* events lost (socket full): all looked at afresh */      \
	X(reattached) /* interfaces attached again after they came back */    \
	X(reattach_failed) /* that failed: see the log (once per comeback) */ \
	X(untracked) /* interfaces past NETLINK_IFACES_MAX: no count kept */

struct netlink_stats {
	NETLINK_COUNTERS(SD_COUNTER_FIELD)
};

/* as many as siphon forwards between (SIPHON_TX_PORTS_MAX) */
#define NETLINK_IFACES_MAX 256

/* what siphond remembers of an interface siphon is attached to */
struct nl_iface {
	char name[IF_NAMESIZE];
	uint64_t reattached; /* times attached again by siphond */
	unsigned int failed_ifindex; /* re-attach failed there: logged */
	bool gone_logged; /* its deletion was logged */
};

/* an interface as status and /metrics show it, read when asked */
struct nl_iface_view {
	const char *name;
	bool exists, up; /* up: IFF_UP and IFF_RUNNING */
	bool wanted; /* siphonctl attach recorded it (and no detach since) */
	bool attached, generic; /* siphon's program runs on it now */
	uint64_t reattached;
};

struct siphond;

struct netlink {
	struct ev_handler h;
	struct mnl_socket *watch;
	struct nl_conn ask; /* dumps (addresses) */
	struct siphond *d;
	const char *pin_dir;
	bool reattach; /* [xdp] reattach */
	bool relay_dirty; /* an address changed: look again */
	unsigned int niface;
	struct nl_iface iface[NETLINK_IFACES_MAX];
	struct netlink_stats stats;
};

/* the watch, on d's loop; NULL with a message in err */
struct netlink *netlink_open(struct siphond *d, char *err, size_t errlen);
void netlink_close(struct netlink *nl);
static inline const struct netlink_stats *
netlink_stats(const struct netlink *nl)
{
	return &nl->stats;
}

/* netlink_iface.c */
/* ifname changed (or came): attach it again if it is wanted and lost */
void netlink_iface_check(struct netlink *nl, const char *ifname);
/* ifname was deleted: say once what siphond will do */
void netlink_iface_gone(struct netlink *nl, const char *ifname);
/* every wanted interface checked, as at start and after lost events */
void netlink_iface_check_all(struct netlink *nl);
/* fn for every interface siphon is attached to or wanted on */
int netlink_iface_walk(struct netlink *nl,
		       int (*fn)(void *arg, const struct nl_iface_view *v),
		       void *arg);

/* netlink_addr.c: is the relay address on an interface, as media sees */
void netlink_relay_check(struct netlink *nl);

#endif /* SIPHOND_NETLINK_H */
