/* SPDX-License-Identifier: GPL-2.0-only */
/* The XDP counters, summed over CPUs, with the names SIPHON_XDP_REASONS gives. */
#ifndef SIPHON_STATS_H
#define SIPHON_STATS_H

#include <linux/types.h>
#include "siphon/counters.h"

enum xdp_verdict_class {
	VERDICT_PASS,
	VERDICT_DROP,
	VERDICT_TX,
	VERDICT_REDIRECT,
	VERDICT_MAX,
};

struct reason_info {
	const char *name; /* as in the enum, e.g. "PASS_NO_FLOW" */
	enum xdp_verdict_class verdict;
	const char *help;
};

extern const struct reason_info siphon_reasons[SIPHON_REASON_MAX];
extern const char *const verdict_names[VERDICT_MAX];

/* lower case, as siphonctl and metrics print it: "pass_no_flow" */
const char *reason_name(unsigned int reason);

/* counters[i] = sum over CPUs of reason i; 0 or -errno */
int stats_read(int stats_fd, __u64 counters[SIPHON_REASON_MAX]);

#endif /* SIPHON_STATS_H */
