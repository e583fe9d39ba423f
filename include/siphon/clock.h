/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fast path's clock: each CPU keeps the coarse time it last read and the
 * jiffy it read it in (bpf/clock.h). A flow's last_seen_ns costs a jiffies
 * load per packet, and a real clock read once per tick per CPU.
 */
#ifndef SIPHON_CLOCK_H
#define SIPHON_CLOCK_H

#include <linux/types.h>

struct siphon_clock {
	__u64 jiffies; /* bpf_jiffies64() when ns was read */
	__u64 ns; /* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC to a tick */
};

_Static_assert(sizeof(struct siphon_clock) == 16, "clock ABI");

#endif /* SIPHON_CLOCK_H */
