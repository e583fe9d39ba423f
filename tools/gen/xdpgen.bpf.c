// SPDX-License-Identifier: GPL-2.0-only
/*
 * The generator's frame builder, run by BPF_PROG_TEST_RUN in live-frames
 * mode: every run writes the Ethernet, IPv4 and UDP headers from the
 * template (a recycled page still holds what the device under test wrote
 * into it), steps to the next flow, patches the destination address, port
 * and both checksums incrementally (RFC 1624, csum.h), and redirects the
 * frame out of the generator's device. The payload is not touched but for
 * the RTP sequence number (0 in the template), which counts the frames this
 * CPU made, so a relay that measures RTP sees a stream in order; its sum,
 * folded into the template's UDP checksum once, stays right.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "csum.h"
#include "xdpgen.h"

const volatile struct xdpgen_cfg cfg;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpgen_state);
} xdpgen_state SEC(".maps");

static __always_inline void next_flow(struct xdpgen_state *st)
{
	if (++st->port_idx < cfg.ports)
		return;
	st->port_idx = 0;
	if (++st->addr_idx >= cfg.addrs)
		st->addr_idx = 0;
}

SEC("xdp")
int xdpgen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xdpgen_hdrs *hdrs = data;
	struct xdpgen_state *st;
	__u64 *word = data;
	__be16 dport, *seq = data + XDPGEN_HDRS_LEN + 2;
	__be32 daddr;
	__u32 key = 0;
	__u64 diff;

	if (data + XDPGEN_HDRS_LEN > end)
		return XDP_ABORTED;
	st = bpf_map_lookup_elem(&xdpgen_state, &key);
	if (!st)
		return XDP_ABORTED;

	/* 42 bytes: five words and a half */
	word[0] = cfg.tmpl.words[0];
	word[1] = cfg.tmpl.words[1];
	word[2] = cfg.tmpl.words[2];
	word[3] = cfg.tmpl.words[3];
	word[4] = cfg.tmpl.words[4];
	*(__u16 *)&word[5] = (__u16)cfg.tmpl.words[5];

	daddr = bpf_htonl(cfg.daddr_base + st->addr_idx);
	dport = bpf_htons(cfg.port_base + st->port_idx);
	next_flow(st);
	st->sent++;

	diff = csum_diff32(0, cfg.tmpl.hdrs.ip.daddr, daddr);
	hdrs->ip.daddr = daddr;
	hdrs->ip.check = csum_apply(cfg.tmpl.hdrs.ip.check, diff);
	diff = csum_diff16(diff, cfg.tmpl.hdrs.udp.dest, dport);
	hdrs->udp.dest = dport;
	if ((void *)(seq + 1) <= end) {
		*seq = bpf_htons((__u16)st->sent);
		diff = csum_diff16(diff, 0, *seq);
	}
	hdrs->udp.check = csum_apply_udp(cfg.tmpl.hdrs.udp.check, diff);

	return bpf_redirect(cfg.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
