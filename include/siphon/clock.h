/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fast path's clocks, per CPU (bpf/clock.h). A flow's last_seen_ns
 * costs a jiffies load per packet, and a real clock read once per tick per
 * CPU. The fine clock RTP jitter needs is read once per NAPI poll: the
 * first RTP packet of a poll reads it, the others of that poll take the
 * same reading. The polls are counted by a program on the napi_poll
 * tracepoint (siphon_poll_end); while it is not attached, polls stays 0
 * and every RTP packet reads the fine clock.
 */
#ifndef SIPHON_CLOCK_H
#define SIPHON_CLOCK_H

#include <linux/types.h>

/*
 * The most packets one fine clock reading serves: the NAPI budget drivers
 * use, so a poll never hands XDP more frames than that.
 */
#define SIPHON_CLOCK_FINE_USES_MAX 64

struct siphon_clock {
	__u64 jiffies; /* bpf_jiffies64() when ns was read */
	__u64 ns; /* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC to a tick */
	__u64 polls; /* NAPI polls this CPU ended; 0: not counted */
	__u64 fine_ns; /* bpf_ktime_get_ns() of the current poll */
	__u64 fine_poll; /* polls when fine_ns was read */
	__u64 fine_jiffies; /* bpf_jiffies64() when fine_ns was read */
	__u32 fine_uses; /* packets that took fine_ns */
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_clock) == 56, "clock ABI");

#endif /* SIPHON_CLOCK_H */
