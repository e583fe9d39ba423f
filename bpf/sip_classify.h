/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Stage 5: the SIP classifier and shield, for UDP to a SIP port that no
 * relay flow claimed (media never comes here). The first
 * SIPHON_SIP_SCAN_MAX bytes of the payload are copied with
 * bpf_xdp_load_bytes() into a per-CPU scratch and read by sip_scan.h;
 * then one reason decides:
 *   keepalive (CRLFs, STUN)              pass
 *   not SIP, or a start line siphond
 *   would refuse too                     drop (unless switched off)
 *   a request whose User-Agent names
 *   a scanner                            drop (unless switched off)
 *   headers past the scan budget         pass, counted as too long
 *   any other request or response        pass
 * Responses are never judged by User-Agent: RFC 3261 lets them carry one,
 * and a response only reaches a transaction siphond started.
 * Requests by method and responses by class are counted per interface.
 * Around the classifier, the source rules (shield_early.h,
 * shield_lists.h, shield_rate.h): a banned source's request drops before
 * anything is read when reading could not save it; a source on the allow
 * list skips every drop and every limit; one on the block list drops
 * before anything is read; requests that passed then meet their source's
 * ban and budget, and the global budget.
 */
#ifndef SIPHON_BPF_SIP_CLASSIFY_H
#define SIPHON_BPF_SIP_CLASSIFY_H

#include <bpf/bpf_endian.h>
#include "maps.h"
#include "packet.h"
#include "shield_lists.h"
#include "shield_rate.h"
#include "sip_options.h"
#include "sip_scan.h"
#include "sip_ua.h"
#include "verdict.h"

/* STUN (RFC 5389): two zero bits, then the magic cookie at offset 4 */
#define STUN_HDR_LEN 20
#define STUN_COOKIE 0x2112a442

static const struct siphon_sip_counts sip_counts_zero;

static __always_inline bool sip_port(const struct siphon_shield_cfg *cfg,
				     __be16 port)
{
	bool any = false;
	int i;

#pragma unroll
	for (i = 0; i < SIPHON_SIP_PORTS_MAX; i++) {
		if (cfg->sip_ports[i] && cfg->sip_ports[i] == port)
			return true;
		any |= cfg->sip_ports[i] != 0;
	}
	return !any && port == bpf_htons(SIPHON_SIP_PORT_DEFAULT);
}

static __always_inline bool sip_is_stun(const struct siphon_sip_scan *s,
					__u32 len)
{
	__u32 cookie = (__u32)s->buf[4] << 24 | (__u32)s->buf[5] << 16 |
		       (__u32)s->buf[6] << 8 | s->buf[7];

	return len >= STUN_HDR_LEN && !(s->buf[0] & 0xc0) &&
	       cookie == STUN_COOKIE;
}

/* a rule's reason, or PASS_SIP_RULE_OFF when the rule is switched off */
static __always_inline int sip_rule(const struct siphon_shield_cfg *cfg,
				    __u32 off_bit, int reason)
{
	return cfg->off & off_bit ? SIPHON_PASS_SIP_RULE_OFF : reason;
}

static __always_inline void sip_count(struct xdp_md *ctx,
				      const struct siphon_sip_info *info)
{
	__u32 key = ctx->ingress_ifindex, i;
	struct siphon_sip_counts *cnt;

	cnt = bpf_map_lookup_elem(&siphon_sipstats, &key);
	if (!cnt) {
		/* the first SIP packet on this interface */
		bpf_map_update_elem(&siphon_sipstats, &key, &sip_counts_zero,
				    BPF_NOEXIST);
		cnt = bpf_map_lookup_elem(&siphon_sipstats, &key);
		if (!cnt)
			return;
	}
	if (info->kind == SIPHON_SIP_KIND_REQUEST) {
		i = info->method;
		if (i < SIPHON_SIP_METHOD_MAX)
			cnt->requests[i] += 1;
	} else {
		i = info->status / 100 - 1;
		if (i < SIPHON_SIP_STATUS_CLASSES)
			cnt->responses[i] += 1;
	}
}

/* where the scan stopped, and how much there was: the reason */
static __always_inline int sip_decide(struct xdp_md *ctx,
				      const struct siphon_shield_cfg *cfg,
				      struct sip_scratch *x, bool whole)
{
	struct siphon_sip_scan *s = &x->scan;
	struct siphon_sip_info *info = &s->info;
	struct sip_scan_ctx *sc = &x->sc;
	__u8 st = sc->state;

	if (st == SC_LEAD) {
		info->kind = SIPHON_SIP_KIND_KEEPALIVE;
		return whole ? SIPHON_PASS_SIP_KEEPALIVE :
			       SIPHON_PASS_SIP_TOO_LONG;
	}
	/* the payload ended inside its first word */
	if (st == SC_NOT_SIP ||
	    (whole && (st == SC_LEAD_LF || st == SC_METHOD)))
		return sip_rule(cfg, SIPHON_SHIELD_OFF_NOT_SIP,
				SIPHON_DROP_SIP_NOT_SIP);
	if (st == SC_BAD_START || (whole && st < SC_LINE))
		return sip_rule(cfg, SIPHON_SHIELD_OFF_BAD_START,
				SIPHON_DROP_SIP_BAD_START);
	/* a start line longer than the budget */
	if (st < SC_LINE)
		return SIPHON_PASS_SIP_TOO_LONG;

	if (info->kind == SIPHON_SIP_KIND_REQUEST)
		info->method = scan_method(s, sc->tok_off, sc->tok_len);
	if (info->flags & SIPHON_SIP_F_CSEQ)
		info->cseq_method =
			scan_method(s, sc->cseq_moff, sc->cseq_mlen);
	if (st == SC_HDR_BAD)
		info->flags |= SIPHON_SIP_F_HDR_BAD;
	sip_count(ctx, info);

	if (info->kind == SIPHON_SIP_KIND_REQUEST &&
	    (info->flags & SIPHON_SIP_F_USER_AGENT) && ua_is_scanner(s)) {
		info->flags |= SIPHON_SIP_F_SCANNER;
		return sip_rule(cfg, SIPHON_SHIELD_OFF_SCANNER,
				SIPHON_DROP_SIP_SCANNER);
	}
	/* the headers go on past the copy: what was not read may matter */
	if (!whole && st != SC_DONE && st != SC_HDR_BAD)
		return SIPHON_PASS_SIP_TOO_LONG;
	return info->kind == SIPHON_SIP_KIND_REQUEST ? SIPHON_PASS_SIP_REQUEST :
						       SIPHON_PASS_SIP_RESPONSE;
}

/* copy and read the payload; the reason it earns */
static __always_inline int sip_read(struct xdp_md *ctx,
				    const struct siphon_shield_cfg *cfg,
				    const struct packet *pkt,
				    struct sip_scratch *x)
{
	struct siphon_sip_scan *s = &x->scan;
	struct sip_scan_arg arg = { .x = x };
	__u32 len = s->info.payload_len, n, off;

	if (!len)
		return sip_rule(cfg, SIPHON_SHIELD_OFF_NOT_SIP,
				SIPHON_DROP_SIP_NOT_SIP);
	n = len < SIPHON_SIP_SCAN_MAX ? len : SIPHON_SIP_SCAN_MAX;
	off = (void *)(pkt->udp + 1) - (void *)(long)ctx->data;
	if (bpf_xdp_load_bytes(ctx, off, s->buf, n))
		return SIPHON_PASS_TRUNCATED;
	if (sip_is_stun(s, len)) {
		s->info.kind = SIPHON_SIP_KIND_KEEPALIVE;
		return SIPHON_PASS_SIP_KEEPALIVE;
	}
	__builtin_memset(&x->sc, 0, sizeof(x->sc));
	__builtin_memset(&x->ol, 0, sizeof(x->ol));
	arg.n = n;
	/* n callbacks at most: each reads one byte or skips a run */
	bpf_loop(n, scan_byte, &arg, 0);
	return sip_decide(ctx, cfg, x, n == len);
}

/* a request within its budget: an OPTIONS to siphon is answered here */
static __always_inline int sip_answer(struct xdp_md *ctx,
				      const struct siphon_shield_cfg *cfg,
				      const struct packet *pkt,
				      struct sip_scratch *x, int reason)
{
	if (reason != SIPHON_PASS_SIP_REQUEST ||
	    x->scan.info.method != SIPHON_SIP_METHOD_OPTIONS)
		return reason;
	return siphon_sip_options(ctx);
}

/*
 * Read the packet, then the source's budget for a request that passed.
 * An allowed source's drop becomes PASS_SIP_ALLOWED, and it has no budget.
 */
static __always_inline int sip_judge(struct xdp_md *ctx,
				     const struct siphon_shield_cfg *cfg,
				     const struct packet *pkt,
				     struct sip_scratch *x,
				     const struct siphon_prefix_key *key,
				     bool allowed, struct shield_src *ss)
{
	int reason = sip_read(ctx, cfg, pkt, x), limited;

	if (allowed)
		return reason_is_drop(reason) ? SIPHON_PASS_SIP_ALLOWED :
						sip_answer(ctx, cfg, pkt, x, reason);
	if (x->scan.info.kind != SIPHON_SIP_KIND_REQUEST ||
	    (reason != SIPHON_PASS_SIP_REQUEST &&
	     reason != SIPHON_PASS_SIP_TOO_LONG))
		return reason;
	limited = shield_rate(key, &x->scan.info, ss);
	if (limited == SIPHON_CONTINUE)
		return sip_answer(ctx, cfg, pkt, x, reason);
	if (limited == SIPHON_PASS_SIP_LIVE_CALL)
		return limited;
	return sip_rule(cfg, SIPHON_SHIELD_OFF_RATE, limited);
}

/*
 * UDP to a SIP port: the reason. Anything else: PASS_NO_FLOW, as the
 * relay said, so nothing changes for traffic that is not SIP.
 */
static __always_inline int sip_classify(struct xdp_md *ctx,
					const struct packet *pkt)
{
	const struct siphon_shield_cfg *cfg;
	struct sip_scratch *x;
	__u32 zero = 0;
	bool allowed;
	int reason;

	cfg = bpf_map_lookup_elem(&siphon_shield, &zero);
	if (!cfg || (cfg->off & SIPHON_SHIELD_OFF_CLASSIFY) ||
	    !sip_port(cfg, pkt->udp->dest))
		return SIPHON_PASS_NO_FLOW;
	x = bpf_map_lookup_elem(&siphon_sip_scan, &zero);
	if (!x)
		return SIPHON_PASS_NO_FLOW;
	/* a flood's banned sources: dropped for one lookup, nothing read */
	reason = shield_early(ctx, cfg, pkt, &x->ss);
	if (reason != SIPHON_CONTINUE)
		return reason;
	__builtin_memset(&x->scan.info, 0, sizeof(x->scan.info));
	x->scan.info.payload_len =
		bpf_ntohs(pkt->udp->len) - sizeof(struct udphdr);
	/* kept as plain numbers in the scratch: packet pointers live
	 * through the scan would multiply the verifier's states */
	x->v4 = pkt->ip4 != NULL;
	x->l3_off = x->v4 ? (void *)pkt->ip4 - (void *)pkt->eth :
			    (void *)pkt->ip6 - (void *)pkt->eth;
	x->l4_off = (void *)pkt->udp - (void *)pkt->eth;
	shield_key_of(pkt, &x->pk);
	allowed = shield_allowed(&x->pk);
	if (!allowed && shield_blocked(&x->pk))
		reason = sip_rule(cfg, SIPHON_SHIELD_OFF_BLOCK,
				  SIPHON_DROP_SIP_BLOCKED);
	else
		reason = sip_judge(ctx, cfg, pkt, x, &x->pk, allowed, &x->ss);
	x->scan.info.reason = reason;
	return reason;
}

#endif /* SIPHON_BPF_SIP_CLASSIFY_H */
