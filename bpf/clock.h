/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time for flow stamps at the price of a jiffies load. Reading a clock from
 * XDP is a helper call into timekeeping (14 ns for the coarse clock, 31 ns
 * for the fine one on a 2-vCPU VM, against a relay budget of a few tens);
 * bpf_jiffies64() is one load. The coarse clock only moves at a tick anyway,
 * so reading it once per jiffy per CPU loses nothing.
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

#endif /* SIPHON_BPF_CLOCK_H */
