/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphonctl top: one sample is everything the live view reads at one
 * moment (ctl_top_sample.c); two samples make one snapshot of rates
 * (ctl_top.c), printed for humans or as a JSON line.
 */
#ifndef SIPHON_CTL_TOP_H
#define SIPHON_CTL_TOP_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>
#include <jansson.h>

#include "ctl.h"
#include "siphon/counters.h"
#include "siphon/maps.h"

/* an interface siphon is attached to, as the kernel counts it */
struct top_iface {
	char name[IF_NAMESIZE];
	__u32 ifindex; /* 0: the interface is gone */
	bool counted; /* the kernel gave its counters */
	__u64 rx_packets, tx_packets, rx_bytes, tx_bytes;
	__u64 sip; /* SIP requests and responses XDP classified on it */
};

/* one direction of a call, summed over its streams */
struct top_way {
	bool flow; /* a stream has a flow this way */
	__u64 packets, bytes, lost;
	double jitter_ms; /* the worst stream's; -1 before any RTP */
};

struct top_call {
	char *call_id;
	char *state;
	long long age_s; /* since the answer; -1 before */
	unsigned int streams;
	struct top_way way[2]; /* [0] from the caller, [1] from the callee */
};

struct top_sample {
	double taken_s; /* ctl_now_s() when the reading began */
	/* the XDP side: counters by reason, and the attached interfaces */
	bool xdp;
	__u64 reasons[SIPHON_REASON_MAX];
	int flows;
	struct top_iface ifaces[SIPHON_TX_PORTS_MAX];
	unsigned int n_ifaces;
	/* siphond: CTL_OK, or why it did not answer (ctl.h) */
	int daemon_rc;
	json_t *status; /* its "status" answer when it answered */
	char calls_error[160]; /* why there are no calls, or "" */
	struct top_call *calls; /* sorted by call_id */
	size_t n_calls;
};

/* read everything once; what is missing is said in the sample */
void top_sample_take(struct ctl *ctl, struct top_sample *s);
void top_sample_free(struct top_sample *s);
const struct top_call *top_call_find(const struct top_sample *s,
				     const char *call_id);

#endif /* SIPHON_CTL_TOP_H */
