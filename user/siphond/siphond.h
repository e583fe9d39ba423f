/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon as one object: configuration, the event loop, transports,
 * the transaction table, the registrar and authentication, and the
 * counters of the proxy core. A SIP message enters at sip_in() (sip_in.c),
 * goes through the transaction layer (txn_*.c) to the proxy core
 * (proxy_*.c) or the registrar, and leaves through sd_send().
 */
#ifndef SIPHOND_SIPHOND_H
#define SIPHOND_SIPHOND_H

#include <stdint.h>

#include "auth.h"
#include "config.h"
#include "control.h"
#include "counters.h"
#include "evloop.h"
#include "location.h"
#include "media.h"
#include "metrics.h"
#include "netlink.h"
#include "registrar.h"
#include "shield_xdp.h"
#include "sockaddr.h"
#include "transport.h"
#include "txn.h"

/* the proxy core's counters: every way a message ends */
#define PROXY_COUNTERS(X)                                                    \
	X(requests) /* new requests, each in its own server transaction */   \
	X(responses) /* responses received */                                \
	X(orphan_responses) /* no client transaction: dropped */             \
	X(parse_errors) /* not SIP at all: dropped */                        \
	X(unanswerable) /* too broken to answer: dropped */                  \
	X(bad_requests) /* answered 400 */                                   \
	X(too_many_hops) /* 483 */                                           \
	X(loops) /* 482 */                                                   \
	X(bad_extensions) /* 420 */                                          \
	X(overload) /* 503: transaction table full */                        \
	X(not_found) /* 404 */                                               \
	X(unresolvable) /* 502: a next hop that is not an address */         \
	X(auth_challenges) /* 401 and 407 */                                 \
	X(auth_forbidden) /* 403 */                                          \
	X(forwarded) /* requests sent downstream, per branch */              \
	X(forwarded_responses)                                               \
	X(acks_forwarded) /* ACK for 2xx, end to end */                      \
	X(acks_dropped) /* ACK to nowhere */                                 \
	X(cancels) /* CANCEL matched to its INVITE */                        \
	X(cancels_unmatched) /* 481 */                                       \
	X(timer_c) /* INVITE branches ended by timer C */                    \
	X(local_replies) /* OPTIONS to siphond itself */                     \
	X(nat_marked_contacts) /* Contacts of phones behind NAT marked */    \
	X(nat_marked_requests) /* requests sent through a NAT's mapping */

struct proxy_stats {
	PROXY_COUNTERS(SD_COUNTER_FIELD)
};

struct siphond {
	struct sd_config cfg;
	const char *config_path;
	struct evloop loop;
	struct udp_transport *udp;
	struct tcp_transport *tcp;
	struct txn_table *txns;
	struct location *loc;
	struct registrar reg;
	struct auth *auth; /* NULL: no credentials file, nobody challenged */
	struct media *media; /* NULL: [media] anchor = no */
	struct control *ctl; /* NULL: [control] socket = (empty) */
	struct metrics *metrics; /* NULL: [metrics] listen = (empty) */
	struct netlink *nl; /* NULL: nothing to watch, or no rtnetlink */
	struct sd_shield *shield; /* the XDP shield's budgets, bans, live calls */
	struct proxy_stats stats;
	uint64_t branch_seq;
	uint64_t secret; /* salts branches and tags */
	struct tw_timer expire_timer; /* sweeps the location service */
};

/* stats.c: every counter by group and name, for whoever reports them */
typedef void (*sd_stat_fn)(void *arg, const char *group, const char *name,
			   uint64_t value);
void sd_stats_visit(const struct siphond *d, sd_stat_fn fn, void *arg);
/* the counters to the log at info level, one line per group */
void sd_stats_log(const struct siphond *d);

/* main.c: what SIGHUP does; 0, or -1 with why in err (and in the log) */
int sd_reload(struct siphond *d, char *err, size_t errlen);

/* send through the peer's transport; TCP may set to->conn */
int sd_send(struct siphond *d, struct sd_peer *to, const char *buf,
	    size_t len);
/* transport.h's deliver function: every message enters here */
void sip_in(void *arg, const struct sd_peer *from, char *buf, size_t len);

#endif /* SIPHOND_SIPHOND_H */
