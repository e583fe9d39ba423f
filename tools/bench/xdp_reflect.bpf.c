// SPDX-License-Identifier: GPL-2.0-only
/*
 * The floor an answer in XDP is measured against: every UDP datagram
 * over IPv4 goes back where it came from (MAC addresses, IPv4 addresses
 * and UDP ports swapped, XDP_TX), unread. Swapping leaves both checksums
 * right: they are sums, and a sum does not care about order. What is not
 * UDP over IPv4 passes. The cost is what receiving a frame and sending
 * one back by XDP_TX takes on this device, whatever a program reads.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

static __always_inline void swap_bytes(__u8 *a, __u8 *b, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		__u8 t = a[i];

		a[i] = b[i];
		b[i] = t;
	}
}

SEC("xdp")
int xdp_reflect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = data + sizeof(*eth);
	struct udphdr *udp;
	__u32 addr;
	__u16 port;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl < 5)
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return XDP_PASS;
	swap_bytes(eth->h_dest, eth->h_source, ETH_ALEN);
	addr = ip->saddr;
	ip->saddr = ip->daddr;
	ip->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
