/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time at the price of a jiffies load. Reading a clock from XDP is a
 * helper call into timekeeping (15 ns for the coarse clock, 32 ns for the
 * fine one on a 2-vCPU VM, against a relay budget of a few tens);
 * bpf_jiffies64() is one load.
 *
 * Coarse time, for flow stamps and bans: the coarse clock only moves at a
 * tick, so reading it once per jiffy per CPU loses nothing.
 *
 * Fine time, for RTP jitter: once per NAPI poll per CPU. A poll handles
 * the frames one interrupt (or one busy poll) brought, back to back; the
 * first RTP packet of a poll reads bpf_ktime_get_ns() and the others take
 * its reading, as arrival times of one batch. That is what per-packet
 * reads would give within the few microseconds a poll of at most
 * SIPHON_CLOCK_FINE_USES_MAX frames takes: well under one RTP timestamp
 * unit at 48 kHz. Polls are counted by siphon_poll_end() on the napi_poll
 * tracepoint; a CPU whose count is 0 (that program is not attached) reads
 * the fine clock for every packet. Frames XDP sees outside a NAPI poll (a
 * test run, generic XDP from process context) share a reading at most
 * within one jiffy and SIPHON_CLOCK_FINE_USES_MAX packets.
 */
#ifndef SIPHON_BPF_CLOCK_H
#define SIPHON_BPF_CLOCK_H

#include "maps.h"

static __always_inline __u64 clock_coarse_ns(void)
{
	__u32 zero = 0;
	struct siphon_clock *clk = bpf_map_lookup_elem(&siphon_clock, &zero);
	__u64 jiffies = bpf_jiffies64();

	if (!clk)
		return bpf_ktime_get_coarse_ns();
	if (clk->jiffies != jiffies) {
		clk->jiffies = jiffies;
		clk->ns = bpf_ktime_get_coarse_ns();
	}
	return clk->ns;
}

/* bpf_ktime_get_ns() of this packet's NAPI poll */
static __always_inline __u64 clock_fine_ns(void)
{
	__u32 zero = 0;
	struct siphon_clock *clk = bpf_map_lookup_elem(&siphon_clock, &zero);
	__u64 jiffies = bpf_jiffies64();

	if (!clk)
		return bpf_ktime_get_ns();
	if (clk->polls && clk->fine_poll == clk->polls &&
	    clk->fine_jiffies == jiffies &&
	    clk->fine_uses < SIPHON_CLOCK_FINE_USES_MAX) {
		clk->fine_uses++;
		return clk->fine_ns;
	}
	clk->fine_ns = bpf_ktime_get_ns();
	clk->fine_poll = clk->polls;
	clk->fine_jiffies = jiffies;
	clk->fine_uses = 1;
	return clk->fine_ns;
}

/*
 * A NAPI poll ended on this CPU (the napi_poll tracepoint, after the
 * driver's poll function handed its frames to XDP): the next RTP packet
 * reads the fine clock afresh.
 */
static __always_inline void clock_poll_ended(void)
{
	__u32 zero = 0;
	struct siphon_clock *clk = bpf_map_lookup_elem(&siphon_clock, &zero);

	if (clk)
		clk->polls++;
}

#endif /* SIPHON_BPF_CLOCK_H */
