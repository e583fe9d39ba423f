/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control plane's side of the media flow table (include/siphon/flow.h:
 * slots found through an index, user/flow_index.c). This module is the
 * only writer of siphon_flows and siphon_flowidx; the fast path only bumps
 * counters and latches ports in the flows it finds.
 */
#ifndef SIPHON_FLOW_TABLE_H
#define SIPHON_FLOW_TABLE_H

#include <stdbool.h>
#include "endpoint.h"
#include "flow_index.h"
#include "nexthop.h"
#include "siphon/flow.h"

/* What an operator (or later siphond) says a flow should do. */
struct flow_spec {
	struct endpoint relay; /* the key: where packets are sent to */
	struct endpoint peer; /* expected source; port 0 = learn it */
	struct endpoint out_src; /* the new source, a relay address */
	struct endpoint out_dst; /* the new destination */
};

void flow_key_of(const struct endpoint *relay, struct siphon_flow_key *key);
/* -EINVAL when the four endpoints do not share an address family */
int flow_value_of(const struct flow_spec *spec, struct siphon_flow *flow);
void endpoint_of_key(const struct siphon_flow_key *key, struct endpoint *ep);

/*
 * Insert a flow. -EEXIST if the key is taken and !replace; -E2BIG when the
 * table is full (its size is set at attach time; a deleted flow's slot is
 * free again a second later, SIPHON_SLOT_GRACE_NS); -ENOSPC, rarely, when
 * the SIPHON_FLOW_PROBES index words the key may take are all taken.
 */
int flow_table_add(struct flow_table *ft, const struct siphon_flow_key *key,
		   const struct siphon_flow *flow, bool replace);
/*
 * From now on keep the writers' lock from a write until
 * flow_table_release(), not a write long: a daemon whose every call is
 * a few writes takes it once a wake-up (flock(2) is a system call each
 * way), and the other writers (siphonctl) wait that wake-up out.
 */
void flow_table_hold(struct flow_table *ft);
/* let the lock go, if a write since the last release took it */
void flow_table_release(struct flow_table *ft);
/* Insert or replace many flows at once (bench, daemon restart); -errno. */
int flow_table_add_batch(struct flow_table *ft,
			 const struct siphon_flow_key *keys,
			 const struct siphon_flow *flows, __u32 count);
/* Overwrite an existing flow; -ENOENT if it was deleted meanwhile. */
int flow_table_update(struct flow_table *ft, const struct siphon_flow_key *key,
		      const struct siphon_flow *flow);
/* Cache a resolved next hop in flow, or (NULL, unresolved) fall back to FIB. */
void flow_set_nexthop(struct siphon_flow *flow, const struct nexthop_info *nh);
/*
 * Mark flow as RTP, measured by the fast path (loss, jitter); clock_rate
 * in Hz, 0 when unknown (SIPHON_RTP_CLOCK_DEFAULT is used).
 */
void flow_set_rtp(struct siphon_flow *flow, __u32 clock_rate);

/* what the fast path measured on an RTP flow, as an operator reads it */
struct flow_rtp_stats {
	bool rtp; /* the flow is marked RTP */
	bool measured; /* it has seen an RTP packet */
	__u32 clock_rate; /* Hz, the default filled in */
	__u64 received; /* RTP packets counted (duplicates not) */
	__u64 expected; /* from the sequence numbers, every epoch */
	__u64 lost; /* expected - received, 0 when duplicates make it < 0 */
	double loss_pct; /* lost / expected, in percent; 0 with nothing */
	double jitter_ms; /* RFC 3550 A.8 interarrival jitter */
	__u32 highest_seq; /* the extended sequence number */
	__u32 duplicates, resyncs, not_rtp;
};

void flow_rtp_stats_of(const struct siphon_flow *flow,
		       struct flow_rtp_stats *st);

/* -ENOENT if there is no such flow. */
int flow_table_del(struct flow_table *ft, const struct siphon_flow_key *key);
int flow_table_get(const struct flow_table *ft,
		   const struct siphon_flow_key *key, struct siphon_flow *flow);

typedef int (*flow_visit_fn)(const struct siphon_flow_key *key,
			     const struct siphon_flow *flow, void *ctx);
/* Calls visit for every flow; stops at and returns its first non-zero. */
int flow_table_walk(const struct flow_table *ft, flow_visit_fn visit,
		    void *ctx);
/* How many flows the table holds, or -errno. */
int flow_table_count(const struct flow_table *ft);
/* Removes every flow; returns how many, or -errno. */
int flow_table_flush(struct flow_table *ft);

#endif /* SIPHON_FLOW_TABLE_H */
