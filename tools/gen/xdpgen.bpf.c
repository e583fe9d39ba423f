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
 *
 * With --src-addrs the source address walks a range too (spoofed
 * sources). In SIP mode (cfg.sip_n) every frame is a whole SIP request
 * instead: sip_frame() below.
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
	if (cfg.stride) {
		/* stride < flows: one subtraction keeps it in range */
		st->flow += cfg.stride;
		if (st->flow >= cfg.ports * cfg.addrs)
			st->flow -= cfg.ports * cfg.addrs;
		st->port_idx = st->flow % cfg.ports;
		st->addr_idx = st->flow / cfg.ports;
		return;
	}
	if (++st->port_idx < cfg.ports)
		return;
	st->port_idx = 0;
	if (++st->addr_idx >= cfg.addrs)
		st->addr_idx = 0;
}

/* this frame's source address; the next frame gets the next one */
static __always_inline __be32 next_source(struct xdpgen_state *st)
{
	__be32 saddr = bpf_htonl(cfg.saddr_base + st->src_idx);

	if (++st->src_idx >= cfg.saddrs) {
		st->src_idx = 0;
		if (++st->sip_idx >= cfg.sip_n)
			st->sip_idx = 0;
	}
	return saddr;
}

/* a lower-case hex digit without a branch */
static __always_inline __u8 hex_digit(__u32 v)
{
	v &= 15;
	return '0' + v + ((v + 6) >> 4) * ('a' - '0' - 10);
}

/*
 * id in hex over the template's '0's at p, whose first byte sits at an
 * even (odd: 1) offset from the UDP header; the checksum change added to
 * diff. A byte at an even offset is the first of its 16-bit word, which
 * csum.h adds as the word lies in memory: little-endian, the low byte.
 */
static __always_inline __u64 put_id(__u8 *p, __u32 odd, __u32 id, __u64 diff)
{
	__u32 shift;
	__u8 c;
	int i;

#pragma unroll
	for (i = 0; i < XDPGEN_SIP_ID_DIGITS; i++) {
		c = hex_digit(id >> (4 * (XDPGEN_SIP_ID_DIGITS - 1 - i)));
		p[i] = c;
		shift = ((odd + i) & 1) * 8;
		diff = csum_diff16(diff, (__be16)('0' << shift),
				   (__be16)(c << shift));
	}
	return diff;
}

/*
 * One SIP request: the frame sized to the next template, its headers and
 * payload written, the source and the ids patched in, both checksums
 * updated from the template's. The loader's frame is longer than every
 * template, so the size always changes: only then does the kernel set
 * the length of what it sends, and of the page's next frame, from ours
 * (see build_sip() in xdpgen.c).
 */
static __always_inline int sip_frame(struct xdp_md *ctx,
				     struct xdpgen_state *st)
{
	const volatile struct xdpgen_sip_tmpl *t;
	struct xdpgen_hdrs *hdrs;
	void *data, *end;
	__u32 m = st->sip_idx, len, off, id;
	__u64 *word, diff;
	__be32 saddr;
	int delta, k;

	if (m >= XDPGEN_SIP_MAX)
		return XDP_ABORTED;
	t = &cfg.sip[m];
	len = t->len;
	if (!len || len > XDPGEN_SIP_PAYLOAD_MAX)
		return XDP_ABORTED;
	delta = (int)(XDPGEN_HDRS_LEN + len) - (int)(ctx->data_end - ctx->data);
	if (delta >= 0 || bpf_xdp_adjust_tail(ctx, delta))
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, XDPGEN_HDRS_LEN, (void *)t->payload, len))
		return XDP_ABORTED;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	if (data + XDPGEN_HDRS_LEN > end)
		return XDP_ABORTED;
	word = data;
	word[0] = t->tmpl.words[0];
	word[1] = t->tmpl.words[1];
	word[2] = t->tmpl.words[2];
	word[3] = t->tmpl.words[3];
	word[4] = t->tmpl.words[4];
	*(__u16 *)&word[5] = (__u16)t->tmpl.words[5];

	/* unique per frame on this CPU for 2^28 frames, and across CPUs */
	id = bpf_get_smp_processor_id() << 28 | (st->sent & 0x0fffffff);
	st->sent++;
	saddr = next_source(st);
	hdrs = data;
	diff = csum_diff32(0, t->tmpl.hdrs.ip.saddr, saddr);
	hdrs->ip.saddr = saddr;
	hdrs->ip.check = csum_apply(t->tmpl.hdrs.ip.check, diff);
#pragma unroll
	for (k = 0; k < XDPGEN_SIP_IDS; k++) {
		off = t->id_off[k];
		if (off > XDPGEN_SIP_PAYLOAD_MAX - XDPGEN_SIP_ID_DIGITS)
			return XDP_ABORTED;
		if (data + XDPGEN_HDRS_LEN + off + XDPGEN_SIP_ID_DIGITS > end)
			return XDP_ABORTED;
		diff = put_id(data + XDPGEN_HDRS_LEN + off, off & 1, id, diff);
	}
	hdrs->udp.check = csum_apply_udp(t->tmpl.hdrs.udp.check, diff);

	return bpf_redirect(cfg.ifindex, 0);
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
	__be32 daddr, saddr;
	__u32 key = 0;
	__u64 diff;

	if (data + XDPGEN_HDRS_LEN > end)
		return XDP_ABORTED;
	st = bpf_map_lookup_elem(&xdpgen_state, &key);
	if (!st)
		return XDP_ABORTED;
	/* a load-time constant: the verifier drops the other mode's code */
	if (cfg.sip_n)
		return sip_frame(ctx, st);

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
	if (cfg.saddrs > 1) {
		saddr = next_source(st);
		diff = csum_diff32(diff, cfg.tmpl.hdrs.ip.saddr, saddr);
		hdrs->ip.saddr = saddr;
	}
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
