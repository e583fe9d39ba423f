/* SPDX-License-Identifier: GPL-2.0-only */
/* What ctl_flow.c (flow add, del, list...) shares with ctl_flow_show.c. */
#ifndef SIPHON_CTL_FLOW_H
#define SIPHON_CTL_FLOW_H

#include <stdbool.h>
#include <net/if.h>

#include "ctl.h"
#include "endpoint.h"
#include "siphon/flow.h"

/* the endpoints of a flow's value, as text */
struct flow_text {
	char relay[ENDPOINT_STRLEN];
	char peer[ENDPOINT_STRLEN];
	char src[ENDPOINT_STRLEN];
	char dst[ENDPOINT_STRLEN];
	char nexthop[IF_NAMESIZE + 8];
	char nexthop_mac[18]; /* empty with a FIB lookup per packet */
	double idle_s; /* seconds since the last packet; -1: never */
};

void flow_to_text(const struct siphon_flow_key *key,
		  const struct siphon_flow *flow, struct flow_text *t);
/* "exact", "learned" or "learning" */
const char *flow_latch_name(const struct siphon_flow *flow);
/* an endpoint of the command line; 0 or CTL_USAGE said on stderr */
int flow_parse_endpoint(const char *what, const char *text, bool port_optional,
			struct endpoint *ep);

/* ctl_flow_show.c: flow show [RELAY:PORT] [--interval MS | --rate] */
int ctl_flow_show(struct ctl *ctl, int argc, char **argv);

#endif /* SIPHON_CTL_FLOW_H */
