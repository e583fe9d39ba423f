/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * OPTIONS to siphon itself (keepalive pings) answered in XDP: a 200 OK
 * built in place of the request and sent back out with XDP_TX, as
 * RFC 3261 sections 8.2.6 and 11.2 want it and as siphond writes it
 * (user/siphond/proxy_reply.c): every Via line in order, the top one
 * with received= (and rport= filled, RFC 3581), From, To with a tag,
 * Call-ID, CSeq, siphond's Allow, Content-Length: 0. MACs, addresses and
 * ports swapped, IP and UDP checksums computed afresh.
 *
 * Only the simple case is answered; anything else goes on to siphond,
 * counted: not for siphon (user part, host, port), not simple (a body,
 * a To tag, Route, Require, Proxy-Require, Max-Forwards missing or 0,
 * a repeated From/To/Call-ID/CSeq, a CSeq of another method, a top Via
 * that is not plain UDP), more Vias than copied, an answer too big.
 * And only while siphond's heartbeat in siphon_options is fresh.
 */
#ifndef SIPHON_BPF_SIP_OPTIONS_H
#define SIPHON_BPF_SIP_OPTIONS_H

#include <bpf/bpf_endian.h>
#include "clock.h"
#include "csum.h"
#include "packet.h"
#include "shield_maps.h"
#include "sip_options_parse.h"

#define OPT_WORDS(n) (((n) + 7) / 8)

/* the fixed text of the answer */
#define OPT_STATUS "SIP/2.0 200 OK\r\n"
#define OPT_TAIL SIPHON_SIP_ALLOW "Content-Length: 0\r\n\r\n"
#define OPT_LEN(text) (sizeof(text) - 1)
/* the longest generated piece: ";received=" and eight groups of four */
#define GEN_RECEIVED_MAX (10 + 39)

/* a hex digit, lower case, without a branch (the verifier follows none) */
static __always_inline __u8 opt_hex(__u32 v)
{
	v &= 15;
	return '0' + v + ((v + 6) >> 4) * ('a' - '0' - 10);
}

/* where the generated bits sit in sip_opt_regs.gen */
#define GEN_RPORT 0 /* "=" port */
#define GEN_RECEIVED 8 /* ";received=" address */
#define GEN_TAG 64 /* ";tag=sx" 8 hex digits */
#define GEN_DEST 88 /* the destination address, dotted */

/* the simple case, from what the scan saw; a reason, or CONTINUE */
static __always_inline int opt_simple(const struct sip_scratch *x)
{
	const struct siphon_sip_info *info = &x->scan.info;
	const struct sip_opt_lines *ol = &x->ol;
	int k;

	if ((info->flags & (SIPHON_SIP_F_TO_TAG | SIPHON_SIP_F_HDR_BAD)) ||
	    !(info->flags & SIPHON_SIP_F_HDR_END) || info->content_length ||
	    info->payload_len != info->hdr_len ||
	    info->cseq_method != SIPHON_SIP_METHOD_OPTIONS ||
	    (ol->flags & (SIP_OPT_ROUTE | SIP_OPT_REQUIRE | SIP_OPT_DUP)) ||
	    !(ol->flags & SIP_OPT_MAX_FORWARDS) || !ol->max_forwards)
		return SIPHON_PASS_SIP_OPTIONS_COMPLEX;
#pragma unroll
	for (k = 0; k < SIP_LINES; k++) {
		if (ol->line_end[k] <= ol->line_off[k])
			return SIPHON_PASS_SIP_OPTIONS_COMPLEX;
	}
	if (!ol->nvia)
		return SIPHON_PASS_SIP_OPTIONS_COMPLEX;
	if (ol->nvia > SIPHON_OPTIONS_VIAS_MAX)
		return SIPHON_PASS_SIP_OPTIONS_VIAS;
	return SIPHON_CONTINUE;
}

static __always_inline bool opt_port_ours(const struct siphon_options_cfg *cfg,
					  __be16 port)
{
	int i;

#pragma unroll
	for (i = 0; i < SIPHON_OPTIONS_PORTS_MAX; i++) {
		if (cfg->ports[i] && cfg->ports[i] == port)
			return true;
	}
	return false;
}

/*
 * The len bytes of the copy at off are the n bytes of gen at at (a
 * constant): len up to 16.
 */
static __always_inline bool opt_text_eq(const struct sip_scratch *x, __u32 off,
					__u32 len, __u32 at, __u32 n)
{
	__u64 d0, d1;

	if (len != n || len > 16)
		return false;
	d0 = opt_word(x, off) ^ *(const __u64 *)&x->or.gen[at];
	d1 = opt_word(x, off + 8) ^ *(const __u64 *)&x->or.gen[at + 8];
	return !word_head(d0, len) &&
	       !word_head(d1, len > 8 ? len - 8 : 0);
}

static __always_inline __u32 opt_put_v4(struct sip_opt_regs *r, __u32 at,
					__be32 addr);

/*
 * The Request-URI names siphon: its user part, host and port. An IPv4
 * host is the packet's destination when it is written as inet_ntop()
 * writes that address.
 */
static __always_inline bool opt_for_us(const struct siphon_options_cfg *cfg,
				       struct sip_scratch *x)
{
	const struct opt_pkt *pkt = &x->or.pkt;
	struct sip_opt_regs *r = &x->or;
	bool host = false;
	int i;

	if (r->port != bpf_ntohs(pkt->dport) || !opt_port_ours(cfg, pkt->dport))
		return false;
	if (r->user_len &&
	    (r->user_len != cfg->user_len || r->user_hash != cfg->user_hash))
		return false;
	if ((cfg->flags & SIPHON_OPTIONS_DEST_ANY) && pkt->v4 &&
	    opt_text_eq(x, r->host_off, r->host_len, GEN_DEST,
			opt_put_v4(r, GEN_DEST, pkt->daddr[0])))
		return true;
#pragma unroll
	for (i = 0; i < SIPHON_OPTIONS_HOSTS_MAX; i++) {
		host |= cfg->hosts[i].len && cfg->hosts[i].len == r->host_len &&
			cfg->hosts[i].hash == r->host_hash;
	}
	return host;
}

/* v / 10 for any 32-bit v: a multiply and a shift */
static __always_inline __u32 opt_div10(__u32 v)
{
	return ((__u64)v * 0xcccccccdull) >> 35;
}

/*
 * v (below 65536) in decimal at gen[at]; the count written. Every digit
 * is written and the position moves only past the significant ones, so
 * the verifier meets no branch.
 */
static __always_inline __u32 opt_put_dec(struct sip_opt_regs *r, __u32 at,
					 __u32 v)
{
	static const __u32 step[5] = { 10000, 1000, 100, 10, 1 };
	__u32 q[5], n = 0, i;

	/* v / 10^(4 - i), by multiplying: the JIT's div is slow */
	q[4] = v;
#pragma unroll
	for (i = 4; i > 0; i--)
		q[i - 1] = opt_div10(q[i]);
#pragma unroll
	for (i = 0; i < 5; i++) {
		r->gen[(at + n) & 127] = '0' + q[i] - (i ? 10 * q[i - 1] : 0);
		/* a digit counts once a significant one came, and the last;
		 * (v + 2^17 - k) >> 17 is v >= k for v, k up to 2^16 */
		n += i == 4 ? 1 : (v + (1u << 17) - step[i]) >> 17;
	}
	return n;
}

/* a 16-bit group as four hex digits (RFC 4291 2.2.1 allows the zeros) */
static __always_inline void opt_put_hex16(struct sip_opt_regs *r, __u32 at,
					  __u16 v)
{
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		r->gen[(at + i) & 127] = opt_hex(v >> (12 - 4 * i));
}

/* an IPv4 address, dotted as inet_ntop() writes it, at gen[at]; its length */
static __always_inline __u32 opt_put_v4(struct sip_opt_regs *r, __u32 at,
					__be32 addr)
{
	__u32 a = bpf_ntohl(addr), n = 0, i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		if (i)
			r->gen[(at + n++) & 127] = '.';
		n += opt_put_dec(r, at + n, (a >> (24 - 8 * i)) & 0xff);
	}
	return n;
}

/* ";received=" and the source address; its length */
static __always_inline __u32 opt_put_received(struct sip_opt_regs *r,
					      const struct opt_pkt *pkt)
{
	__u32 n = 10, i;

	__builtin_memcpy(&r->gen[GEN_RECEIVED], ";received=", 10);
	if (pkt->v4)
		return n + opt_put_v4(r, GEN_RECEIVED + n, pkt->saddr[0]);
		/* every group in full, none compressed: 39 characters */
#pragma unroll
	for (i = 0; i < 8; i++) {
		__u32 w = bpf_ntohl(pkt->saddr[i / 2]);

		if (i)
			r->gen[(GEN_RECEIVED + n++) & 127] = ':';
		opt_put_hex16(r, GEN_RECEIVED + n,
			      i & 1 ? w & 0xffff : w >> 16);
		n += 4;
	}
	return n;
}

/* the same request always gets the same tag; another one, another */
static __always_inline void opt_put_tag(struct sip_opt_regs *r,
					const struct siphon_options_cfg *cfg,
					const struct siphon_sip_info *info)
{
	__u32 h = SIPHON_FNV_BASIS;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		h = siphon_fnv1a(h, cfg->tag_secret >> (8 * i));
		h = siphon_fnv1a(h, info->call_id_hash >> (8 * i));
		h = siphon_fnv1a(h, info->branch_hash >> (8 * i));
		h = siphon_fnv1a(h, info->cseq >> (8 * i));
	}
	__builtin_memcpy(&r->gen[GEN_TAG], ";tag=sx", 7);
#pragma unroll
	for (i = 0; i < 8; i++)
		r->gen[GEN_TAG + 7 + i] = opt_hex(h >> (28 - 4 * i));
}

/*
 * The answer is written into x->out: the bytes of the request it copies
 * with bpf_probe_read_kernel(), one call for each run of them that is
 * contiguous in the request (x->or.cp_from, cp_to: the run not yet
 * copied), and its own text (status, tag, received=, Allow...) stored a
 * word at a time. The words stored past a piece's end are overwritten by
 * the next one, or lie past the answer.
 */

/* the copy run pending, written out; false when the answer is full */
static __always_inline bool opt_flush(struct sip_scratch *x)
{
	struct sip_opt_regs *r = &x->or;
	__u32 o = r->olen, len = r->cp_to - r->cp_from;

	if (!len)
		return true;
	if (len >= SIP_OPT_OUT_MAX || o + len >= SIP_OPT_OUT_MAX ||
	    bpf_probe_read_kernel(&x->out[o & SIP_OPT_OUT_MASK],
				  len & SIP_OPT_OUT_MASK,
				  &x->scan.buf[r->cp_from & SIP_SCAN_MASK]))
		return false;
	r->olen = o + len;
	r->cp_from = r->cp_to;
	return true;
}

/* the bytes [from, to) of the request's copy, after what came before */
static __always_inline bool opt_copy(struct sip_scratch *x, __u32 from,
				     __u32 to)
{
	struct sip_opt_regs *r = &x->or;

	if (to < from)
		return false;
	if (from == r->cp_to) {
		/* right after the pending run in the request: one copy */
		r->cp_to = to;
		return true;
	}
	if (!opt_flush(x))
		return false;
	r->cp_from = from;
	r->cp_to = to;
	return true;
}

/*
 * Room for words more words after the answer so far, the pending copy
 * written first: where they go, or -1 when the answer is full
 */
static __always_inline int opt_room(struct sip_scratch *x, const __u32 words)
{
	if (!opt_flush(x) || x->or.olen + 8 * words >= SIP_OPT_OUT_MAX)
		return -1;
	return x->or.olen & SIP_OPT_OUT_MASK;
}

/* len bytes of gen at at (a constant) after the answer, a word at a time */
static __always_inline bool opt_put_gen(struct sip_scratch *x, const __u32 at,
					__u32 len, const __u32 words)
{
	int o = opt_room(x, words);
	__u32 i;

	if (o < 0)
		return false;
#pragma unroll
	for (i = 0; i < words; i++)
		*(__u64 *)&x->out[o + 8 * i] =
			*(const __u64 *)&x->or.gen[at + 8 * i];
	x->or.olen += len;
	return true;
}

/*
 * A literal after the answer: inlined with a literal for lit, its words
 * are constants the compiler folds, stored without a read
 */
static __always_inline bool opt_put_lit(struct sip_scratch *x, const char *lit,
					const __u32 len)
{
	int o = opt_room(x, OPT_WORDS(len));
	__u32 i, j;
	__u64 w;

	if (o < 0)
		return false;
#pragma unroll
	for (i = 0; i < OPT_WORDS(len); i++) {
		w = 0;
#pragma unroll
		for (j = 0; j < 8; j++)
			w |= (__u64)(__u8)(8 * i + j < len ? lit[8 * i + j] : 0)
			     << (8 * j);
		*(__u64 *)&x->out[o + 8 * i] = w;
	}
	x->or.olen += len;
	return true;
}

/* the top Via, with rport= filled and received= added */
static __always_inline bool opt_top_via(struct sip_scratch *x, __u32 rport_n,
					__u32 recv_n)
{
	struct sip_opt_regs *r = &x->or;
	const struct sip_opt_lines *ol = &x->ol;
	__u32 first_end = r->via_first_end;
	bool ok;

	if (r->rport_end)
		ok = opt_copy(x, ol->via_off[0], r->rport_end) &&
		     opt_put_gen(x, GEN_RPORT, rport_n, 1) &&
		     opt_copy(x, r->rport_end, first_end);
	else
		ok = opt_copy(x, ol->via_off[0], first_end);
	if (ok && recv_n)
		ok = opt_put_gen(x, GEN_RECEIVED, recv_n,
				 OPT_WORDS(GEN_RECEIVED_MAX));
	/* the rest of the line, and its CRLF */
	return ok && opt_copy(x, first_end, ol->via_end[0] + 2);
}

/* a header line of the request, with its CRLF */
static __always_inline bool opt_copy_line(struct sip_scratch *x, int k)
{
	const struct sip_opt_lines *ol = &x->ol;

	return opt_copy(x, ol->line_off[k], ol->line_end[k] + 2);
}

/* the whole answer into x->out; false when it does not fit */
static __always_inline bool opt_build(struct sip_scratch *x, __u32 rport_n,
				      __u32 recv_n)
{
	const struct sip_opt_lines *ol = &x->ol;
	__u32 nvia = ol->nvia;
	int k;

	x->or.olen = 0;
	x->or.cp_from = 0;
	x->or.cp_to = 0;
	if (!opt_put_lit(x, OPT_STATUS, OPT_LEN(OPT_STATUS)) ||
	    !opt_top_via(x, rport_n, recv_n))
		return false;
#pragma unroll
	for (k = 1; k < SIPHON_OPTIONS_VIAS_MAX; k++) {
		if (k < nvia &&
		    !opt_copy(x, ol->via_off[k], ol->via_end[k] + 2))
			return false;
	}
	return opt_copy_line(x, SIP_LINE_FROM) &&
	       opt_copy(x, ol->line_off[SIP_LINE_TO], ol->to_val_end) &&
	       opt_put_gen(x, GEN_TAG, 15, 2) &&
	       opt_copy(x, ol->to_val_end, ol->line_end[SIP_LINE_TO] + 2) &&
	       opt_copy_line(x, SIP_LINE_CALL_ID) &&
	       opt_copy_line(x, SIP_LINE_CSEQ) &&
	       opt_put_lit(x, OPT_TAIL, OPT_LEN(OPT_TAIL));
}

/*
 * The whole answer into the scratch's out: 1, or 0 when it does not fit.
 * A global function: the verifier checks it once, not once for each way
 * the top Via's rport= and received= make it there.
 */
__noinline int siphon_sip_options_build(struct xdp_md *ctx)
{
	struct sip_scratch *x;
	__u32 zero = 0;

	x = bpf_map_lookup_elem(&siphon_sip_scan, &zero);
	if (!ctx || !x)
		return 0;
	return opt_build(x, x->or.rport_n, x->or.recv_n);
}

/* one's complement sum of the answer (zero padded to 4 bytes), or -1 */
static __always_inline __s64 opt_payload_sum(struct sip_scratch *x)
{
	__u32 len = x->or.olen, padded = (len + 3) & ~3u, size;
	__u64 sum = 0;
	__s64 part;
	int k;

	__builtin_memset(&x->out[len & SIP_OPT_OUT_MASK], 0, 4);
#pragma unroll
	for (k = 0; k < SIP_OPT_OUT_MAX / 512; k++) {
		if (padded <= k * 512)
			break;
		size = padded - k * 512;
		if (size > 512)
			size = 512;
		part = bpf_csum_diff(NULL, 0, (void *)&x->out[k * 512], size,
				     0);
		if (part < 0)
			return -1;
		sum += (__u32)part;
	}
	return sum;
}

/* the UDP checksum of the answer: pseudo-header, header, payload */
static __always_inline __sum16 opt_udp_csum(const struct opt_pkt *pkt,
					    __u64 payload_sum, __be16 udp_len)
{
	__u64 sum = payload_sum + bpf_htons(IPPROTO_UDP) + udp_len + udp_len +
		    pkt->sport + pkt->dport;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++)
		sum += (__u64)pkt->saddr[i] + pkt->daddr[i];
	sum = (__u16)~csum_fold(sum);
	return sum ? (__sum16)sum : (__sum16)0xffff;
}

/* swap two n-byte fields in place */
#define OPT_SWAP(a, b)                    \
	do {                              \
		__typeof__(a) opt_t_ = a; \
		a = b;                    \
		b = opt_t_;               \
	} while (0)

static __always_inline void opt_ip4_csum(struct iphdr *ip)
{
	__u16 *w = (__u16 *)ip;
	__u64 sum = 0;
	int i;

	ip->check = 0;
#pragma unroll
	for (i = 0; i < (int)sizeof(*ip) / 2; i++)
		sum += w[i];
	ip->check = ~csum_fold(sum);
}

/*
 * The frame resized to the answer, the answer stored, the headers turned
 * round. Offsets, not pointers: bpf_xdp_adjust_tail() moves the data.
 */
static __always_inline int opt_send(struct xdp_md *ctx, struct sip_scratch *x,
				    __u64 l3_off, __u64 l4_off, bool v4,
				    __be16 udp_len, __sum16 udp_csum)
{
	__u32 len = x->or.olen & SIP_OPT_OUT_MASK, frame = l4_off + 8 + len;
	struct ethhdr *eth;
	struct udphdr *udp;
	void *data, *end;
	int delta;

	delta = (int)frame - (int)bpf_xdp_get_buff_len(ctx);
	if (!len || bpf_xdp_adjust_tail(ctx, delta) ||
	    bpf_xdp_store_bytes(ctx, l4_off + 8, x->out, len))
		return SIPHON_PASS_SIP_OPTIONS_TOO_BIG;
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	/* the offsets, bounded where the verifier sees them */
	l3_off &= 0xff;
	l4_off &= 0xff;
	udp = data + l4_off;
	if ((void *)(eth + 1) > end || (void *)(udp + 1) > end)
		return SIPHON_PASS_TRUNCATED;
	__builtin_memcpy(x->or.gen, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, x->or.gen, ETH_ALEN);
	if (v4) {
		struct iphdr *ip = data + l3_off;

		if ((void *)(ip + 1) > end)
			return SIPHON_PASS_TRUNCATED;
		OPT_SWAP(ip->saddr, ip->daddr);
		ip->tot_len = bpf_htons(sizeof(*ip) + 8 + len);
		ip->ttl = 64;
		opt_ip4_csum(ip);
	} else {
		struct ipv6hdr *ip6 = data + l3_off;

		if ((void *)(ip6 + 1) > end)
			return SIPHON_PASS_TRUNCATED;
		OPT_SWAP(ip6->saddr, ip6->daddr);
		ip6->payload_len = udp_len;
		ip6->hop_limit = 64;
	}
	OPT_SWAP(udp->source, udp->dest);
	udp->len = udp_len;
	udp->check = udp_csum;
	return SIPHON_TX_SIP_OPTIONS;
}

/* the frame's addresses and ports; false unless it is the simple case */
static __always_inline bool opt_pkt_read(struct xdp_md *ctx, __u64 l3_off,
					 __u64 l4_off, bool v4,
					 struct opt_pkt *p)
{
	void *data = (void *)(long)ctx->data,
	     *end = (void *)(long)ctx->data_end;
	struct udphdr *udp = data + (l4_off & 0xff);

	if ((void *)(udp + 1) > end)
		return false;
	p->sport = udp->source;
	p->dport = udp->dest;
	p->v4 = v4;
	if (v4) {
		struct iphdr *ip = data + (l3_off & 0xff);

		if ((void *)(ip + 1) > end || ip->ihl != 5 ||
		    l4_off != l3_off + sizeof(*ip))
			return false;
		p->saddr[0] = ip->saddr;
		p->daddr[0] = ip->daddr;
		return true;
	}
	struct ipv6hdr *ip6 = data + (l3_off & 0xff);

	if ((void *)(ip6 + 1) > end || ip6->nexthdr != IPPROTO_UDP ||
	    l4_off != l3_off + sizeof(*ip6))
		return false;
	__builtin_memcpy(p->saddr, &ip6->saddr, sizeof(p->saddr));
	__builtin_memcpy(p->daddr, &ip6->daddr, sizeof(p->daddr));
	return true;
}

/* the answer built, checked and sent; the reason */
static __always_inline int opt_answer(struct xdp_md *ctx,
				      const struct siphon_options_cfg *cfg,
				      struct sip_scratch *x, __u64 l3_off,
				      __u64 l4_off, const struct opt_pkt *pkt)
{
	struct sip_opt_regs *r = &x->or;
	__u32 rport_n = 0, recv_n;
	__s64 sum;

	/* RFC 3581: rport filled; RFC 3261 18.2.1: received when needed */
	if (r->rport_end) {
		r->gen[GEN_RPORT] = '=';
		rport_n = 1 +
			  opt_put_dec(r, GEN_RPORT + 1, bpf_ntohs(pkt->sport));
	}
	/* the sent-by is compared as text with the source address */
	recv_n = opt_put_received(r, pkt);
	if (!r->rport_end && pkt->v4 &&
	    opt_text_eq(x, r->sb_off, r->sb_len, GEN_RECEIVED + 10,
			recv_n - 10))
		recv_n = 0;
	opt_put_tag(r, cfg, &x->scan.info);
	r->rport_n = rport_n;
	r->recv_n = recv_n;
	if (!siphon_sip_options_build(ctx) ||
	    l4_off - l3_off + 8 + x->or.olen > SIPHON_OPTIONS_IP_MAX)
		return SIPHON_PASS_SIP_OPTIONS_TOO_BIG;
	sum = opt_payload_sum(x);
	if (sum < 0)
		return SIPHON_PASS_SIP_OPTIONS_TOO_BIG;
	return opt_send(ctx, x, l3_off, l4_off, pkt->v4,
			bpf_htons(8 + x->or.olen),
			opt_udp_csum(pkt, sum, bpf_htons(8 + x->or.olen)));
}

/*
 * An OPTIONS request the classifier passed, its IP and UDP headers where
 * the scratch says: TX_SIP_OPTIONS with the answer in the frame, a
 * PASS_SIP_OPTIONS_* reason, or PASS_SIP_REQUEST when siphond has not
 * armed the answer (not running) or the rule is off.
 *
 * A global function: the verifier checks it once, on its own, instead of
 * once for every path of the classifier that leads here.
 */
__noinline int siphon_sip_options(struct xdp_md *ctx)
{
	const struct siphon_options_cfg *cfg;
	const struct siphon_shield_cfg *scfg;
	struct sip_scratch *x;
	__u64 l3_off, l4_off;
	__u32 zero = 0;
	int reason;

	if (!ctx)
		return SIPHON_PASS_SIP_REQUEST;
	cfg = bpf_map_lookup_elem(&siphon_options, &zero);
	scfg = bpf_map_lookup_elem(&siphon_shield, &zero);
	x = bpf_map_lookup_elem(&siphon_sip_scan, &zero);
	if (!cfg || !scfg || !x || (scfg->off & SIPHON_SHIELD_OFF_OPTIONS) ||
	    cfg->alive_until_ns < clock_coarse_ns())
		return SIPHON_PASS_SIP_REQUEST;
	reason = opt_simple(x);
	if (reason != SIPHON_CONTINUE)
		return reason;
	l3_off = x->l3_off & 0xff;
	l4_off = x->l4_off & 0xff;
	__builtin_memset(&x->or, 0, sizeof(x->or));
	if (!opt_pkt_read(ctx, l3_off, l4_off, x->v4, &x->or.pkt) ||
	    l4_off + 8 + x->scan.info.payload_len !=
		    bpf_xdp_get_buff_len(ctx) ||
	    bpf_xdp_get_buff_len(ctx) != (__u64)(ctx->data_end - ctx->data))
		return SIPHON_PASS_SIP_OPTIONS_COMPLEX;
	if (!opt_read_uri(x) || !opt_for_us(cfg, x))
		return SIPHON_PASS_SIP_OPTIONS_NOT_US;
	if (!opt_read_via(x))
		return SIPHON_PASS_SIP_OPTIONS_COMPLEX;
	return opt_answer(ctx, cfg, x, l3_off, l4_off, &x->or.pkt);
}

#endif /* SIPHON_BPF_SIP_OPTIONS_H */
