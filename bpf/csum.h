/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Incremental Internet checksum update, RFC 1624 equation 3:
 *
 *	HC' = ~(~HC + ~m + m')
 *
 * A rewrite accumulates (~m + m') for every changed word into a 64-bit sum,
 * then applies it to each checksum that covers those words. One's complement
 * addition is byte-order independent, so words are added as they sit in the
 * packet. Shared with userspace tests, which check it against a full
 * recomputation (tests/bpf/test_csum.c).
 */
#ifndef SIPHON_BPF_CSUM_H
#define SIPHON_BPF_CSUM_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* add the change of one 32-bit word */
static __always_inline __u64 csum_diff32(__u64 acc, __be32 from, __be32 to)
{
	return acc + (__u32)~from + (__u32)to;
}

/* add the change of one 16-bit word */
static __always_inline __u64 csum_diff16(__u64 acc, __be16 from, __be16 to)
{
	return acc + (__u16)~from + (__u16)to;
}

/* apply an accumulated change to a stored checksum */
static __always_inline __sum16 csum_apply(__sum16 check, __u64 diff)
{
	return (__sum16)~csum_fold((__u16)~check + diff);
}

/*
 * The same for a UDP checksum, where 0 is reserved for "no checksum" and a
 * computed 0 is sent as 0xffff (RFC 768).
 */
static __always_inline __sum16 csum_apply_udp(__sum16 check, __u64 diff)
{
	__sum16 res = csum_apply(check, diff);

	return res ? res : (__sum16)0xffff;
}

#endif /* SIPHON_BPF_CSUM_H */
