/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What siphonctl's live views share (flow show --interval, top): an
 * interval on the command line, a monotonic clock, a sleep that a signal
 * cuts short, rates from two samples of a counter, and rates as text.
 */
#ifndef SIPHON_CTL_RATE_H
#define SIPHON_CTL_RATE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "siphon/flow.h"

/*
 * "1500ms", "1.5s", or a bare number in unit_ms (1 for milliseconds, 1000
 * for seconds), between min_ms and max_ms. 0, or CTL_USAGE said on stderr
 * as "WHAT: ..." (what names the command and option).
 */
int ctl_parse_interval(const char *what, const char *text, unsigned int unit_ms,
		       unsigned int min_ms, unsigned int max_ms,
		       unsigned int *ms);

/* a whole number between min and max; 0 or CTL_USAGE said on stderr */
int ctl_parse_count(const char *what, const char *text, long min, long max,
		    long *out);

/* CLOCK_MONOTONIC in seconds */
double ctl_now_s(void);

/*
 * Sleep ms, or less when *stop becomes true (a signal handler sets it);
 * true when it slept the whole time.
 */
bool ctl_sleep_ms(unsigned int ms, volatile sig_atomic_t *stop);

/*
 * (after - before) / seconds; -1 when the counter went backwards (the
 * flow was rewritten, the map replaced) or seconds is not positive.
 */
double ctl_rate(__u64 before, __u64 after, double seconds);

/* "950", "68.8k", "1.20M", "3.4G" (SI, no unit); "-" for a negative rate */
const char *ctl_rate_str(double rate, char *buf, size_t len);

/*
 * ctl_flow_rate.c: the packet and byte counters of every flow at one
 * moment, to compare with a later read (flow show --interval).
 */
struct flow_sample {
	struct siphon_flow_key key;
	__u64 packets;
	__u64 bytes;
};

struct flow_samples {
	struct flow_sample *v; /* sorted by key */
	size_t n;
	double taken_s; /* ctl_now_s() when the walk began */
};

/* 0 or -errno; free it with flow_samples_free() either way */
struct flow_table;
int flow_samples_take(struct flow_table *ft, struct flow_samples *s);
const struct flow_sample *flow_samples_find(const struct flow_samples *s,
					    const struct siphon_flow_key *key);
void flow_samples_free(struct flow_samples *s);

/* a flow's rates since a sample; -1 each when it has none */
struct flow_rate {
	double pps;
	double bps; /* bits per second, as the relay counts bytes */
};

void flow_rate_of(const struct flow_sample *before, __u64 packets, __u64 bytes,
		  double seconds, struct flow_rate *rate);

#endif /* SIPHON_CTL_RATE_H */
