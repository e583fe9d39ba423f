/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's first look at a packet on a SIP port: its source's entry
 * in siphon_sources, before anything is read. A flood's sources are
 * banned within seconds, and from then on most of what reaches a SIP
 * port comes from banned sources: their requests drop here, at the price
 * of one hash lookup, without copying or reading the payload. So do, while
 * the global budget is dry (shield_budget.h), the requests of sources it
 * would drop: a flood spread over more sources than any one budget sees.
 *
 * Only where reading could not change the outcome:
 *   - the ban is in force, or the global bucket is dry and the source is
 *     not known to be good; and the rate rule is on;
 *   - the source was read before, under the same allow and block lists
 *     (its entry's lists_gen is siphon_listgen): it was on neither then,
 *     and an allow list that has changed since may now let it through, a
 *     block list may now count it as blocked; such a packet is read, and
 *     the entry stamped with the lists of the day (shield_rate.h);
 *   - the payload starts with a letter and not "SIP/": a request, or
 *     text that is not SIP. Responses and keepalives are never limited,
 *     so they are read;
 *   - the source is no party to a live call (siphon_livepeer's slot is
 *     0): a party's in-dialog requests pass whatever its ban, which only
 *     its Call-ID tells, so those are read.
 * Such a drop counts as drop_sip_banned (BANNED_UNREAD in the table
 * counters) or drop_sip_global (GLOBAL_UNREAD), not by method nor as not
 * SIP: it was not read. A global drop is charged to its source's budget
 * first, by the method its first bytes name, resend or not (which only
 * reading tells); the request that empties it bans the source as ever
 * (drop_sip_rate).
 */
#ifndef SIPHON_BPF_SHIELD_EARLY_H
#define SIPHON_BPF_SHIELD_EARLY_H

#include "clock.h"
#include "packet.h"
#include "shield_budget.h"
#include "shield_maps.h"
#include "siphon/counters.h"

static __always_inline bool ascii_letter(__u8 c)
{
	c |= 0x20;
	return c >= 'a' && c <= 'z';
}

/* a request or text that is not SIP: neither a response nor a keepalive */
static __always_inline bool early_request_like(struct xdp_md *ctx,
					       const struct packet *pkt)
{
	__u8 *p = (__u8 *)(pkt->udp + 1);

	if ((void *)(p + 4) > (void *)(long)ctx->data_end)
		return false;
	if (!ascii_letter(p[0]))
		return false;
	return (p[0] | 0x20) != 's' || (p[1] | 0x20) != 'i' ||
	       (p[2] | 0x20) != 'p' || p[3] != '/';
}

/*
 * The budget class of a request not read: by its first three bytes,
 * which early_request_like() made sure are there ("INVITE", "REGISTER",
 * anything else); text that is not SIP is charged as "other".
 */
static __always_inline __u32 early_class(struct xdp_md *ctx,
					 const struct packet *pkt)
{
	__u8 *p = (__u8 *)(pkt->udp + 1);

	if ((void *)(p + 3) > (void *)(long)ctx->data_end)
		return SIPHON_RATE_OTHER;
	if (p[0] == 'I' && p[1] == 'N' && p[2] == 'V')
		return SIPHON_RATE_INVITE;
	if (p[0] == 'R' && p[1] == 'E' && p[2] == 'G')
		return SIPHON_RATE_REGISTER;
	return SIPHON_RATE_OTHER;
}

/* may this source be a party to a live call? (its slot is counted) */
static __always_inline bool early_live_peer(const struct siphon_source_key *k)
{
	__u32 slot = siphon_peer_slot(k);
	__u32 *n = bpf_map_lookup_elem(&siphon_livepeer, &slot);

	return n && *n;
}

/*
 * SIPHON_DROP_SIP_BANNED or _GLOBAL for a request that needs no reading,
 * else CONTINUE with ss filled for the later stages.
 */
static __always_inline int shield_early(struct xdp_md *ctx,
					const struct siphon_shield_cfg *cfg,
					const struct packet *pkt,
					struct shield_src *ss)
{
	const struct siphon_rate_cfg *rc;
	struct siphon_source *src;
	__u32 zero = 0;
	__u64 *gen;
	int reason;

	ss->key.family = pkt->family;
	__builtin_memcpy(ss->key.addr, pkt->saddr, sizeof(ss->key.addr));
	ss->now = clock_coarse_ns();
	gen = bpf_map_lookup_elem(&siphon_listgen, &zero);
	ss->gen = gen ? *gen : 0;
	src = bpf_map_lookup_elem(&siphon_sources, &ss->key);
	rc = bpf_map_lookup_elem(&siphon_rate, &zero);
	if (!src || !rc || src->lists_gen != ss->gen ||
	    (cfg->off & SIPHON_SHIELD_OFF_RATE) ||
	    !early_request_like(ctx, pkt))
		return SIPHON_CONTINUE;
	if (src->banned_until_ns > ss->now)
		reason = SIPHON_DROP_SIP_BANNED;
	else if (global_dry_for(rc, &ss->key, ss->now))
		reason = SIPHON_DROP_SIP_GLOBAL;
	else
		return SIPHON_CONTINUE;
	if (early_live_peer(&ss->key)) {
		shield_count(SIPHON_SHC_LIVE_PEER_READ);
		return SIPHON_CONTINUE;
	}
	if (reason == SIPHON_DROP_SIP_BANNED) {
		src->ban_drops += 1;
		shield_count(SIPHON_SHC_BANNED_UNREAD);
		return reason;
	}
	/* as if read: its own budget first (a concentrated flood is still
	 * banned), then the dry global one */
	shield_count(SIPHON_SHC_GLOBAL_UNREAD);
	src->banned_until_ns = 0;
	reason = take_token(src, &ss->key, rc, early_class(ctx, pkt), ss->now,
			    ss->gen);
	return reason == SIPHON_CONTINUE ? SIPHON_DROP_SIP_GLOBAL : reason;
}

#endif /* SIPHON_BPF_SHIELD_EARLY_H */
