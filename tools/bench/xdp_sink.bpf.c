// SPDX-License-Identifier: GPL-2.0-only
/*
 * The far end of a benchmark: counts every frame and drops it. Attached to
 * the sink's veth it also gives that veth the NAPI instance a redirect into
 * its peer needs. With the load-time knob `validate`, IPv4 UDP frames have
 * their IP header and UDP checksums verified in full (slow: for checks, not
 * for rates).
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "csum.h"
#include "xdp_sink.h"

/* the longest UDP datagram a 1514-byte frame carries, in 16-bit words */
#define UDP_WORDS_MAX (1480 / 2)

const volatile bool validate;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_counters);
} sink_counters SEC(".maps");

/* 1: both checksums right, 0: one is wrong, -1: not IPv4 UDP */
static __always_inline int checksums_ok(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u16 *word = (__u16 *)ip;
	__u32 i, words, len;
	__u64 sum = 0;

	if ((void *)(udp + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return -1;

#pragma unroll
	for (i = 0; i < sizeof(*ip) / 2; i++)
		sum += word[i];
	if (csum_fold(sum) != 0xffff)
		return 0;
	if (!udp->check)
		return 1; /* sent without a checksum */

	len = bpf_ntohs(udp->len);
	if (len < sizeof(*udp) || (void *)udp + len > end)
		return 0;
	sum = ip->saddr;
	sum += ip->daddr;
	sum += bpf_htons(IPPROTO_UDP);
	sum += udp->len;
	words = len / 2;
	word = (__u16 *)udp;
	for (i = 0; i < UDP_WORDS_MAX && i < words; i++) {
		/* keep the bounds check on the pointer, as the verifier wants */
		asm volatile("" : "+r"(word));
		if ((void *)(word + 1) > end)
			return 0;
		sum += *word++;
	}
	if (len & 1) {
		__u8 *last = (__u8 *)word;

		if ((void *)(last + 1) > end)
			return 0;
		sum += *last; /* padded with a zero byte, in memory order */
	}
	return csum_fold(sum) == 0xffff;
}

SEC("xdp")
int xdp_sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct sink_counters *c;
	__u32 key = 0;
	int ok;

	c = bpf_map_lookup_elem(&sink_counters, &key);
	if (!c)
		return XDP_DROP;
	c->packets++;
	c->bytes += end - data;
	if (validate) {
		ok = checksums_ok(data, end);
		if (ok >= 0) {
			c->csum_checked++;
			c->csum_bad += !ok;
		}
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
