/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Turning a reason into an XDP verdict, counting it on the way. The verdict
 * of each reason comes from SIPHON_XDP_REASONS, so a reason can never be
 * counted under one verdict and returned as another.
 */
#ifndef SIPHON_BPF_VERDICT_H
#define SIPHON_BPF_VERDICT_H

#include "maps.h"

#define SIPHON_REASON_XDP(name, verdict, help) [SIPHON_##name] = XDP_##verdict,
/*
 * In .rodata by name: at exactly 32 reasons clang would put the table in
 * a mergeable .rodata.cst32, whose BTF the kernel refuses (two variables
 * at offset 0 of one DATASEC).
 */
/* clang-format off */
static const __u8 reason_xdp[SIPHON_REASON_MAX] SEC(".rodata") = {
	SIPHON_XDP_REASONS(SIPHON_REASON_XDP)
};
/* clang-format on */
#undef SIPHON_REASON_XDP

static __always_inline void count_reason(__u32 reason)
{
	__u64 *counter = bpf_map_lookup_elem(&siphon_stats, &reason);

	if (counter)
		*counter += 1;
}

static __always_inline bool reason_is_drop(__u32 reason)
{
	return reason < SIPHON_REASON_MAX && reason_xdp[reason] == XDP_DROP;
}

/* The exit of the program, for every outcome. */
static __always_inline int verdict(__u32 reason)
{
	count_reason(reason);
	if (reason >= SIPHON_REASON_MAX)
		return XDP_ABORTED;
	return reason_xdp[reason];
}

#endif /* SIPHON_BPF_VERDICT_H */
