/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's first look at a packet on a SIP port: its source's entry
 * in siphon_sources, before anything is read. A flood's sources are
 * banned within seconds, and from then on most of what reaches a SIP
 * port comes from banned sources: their requests drop here, at the price
 * of one hash lookup, without copying or reading the payload.
 *
 * Only where reading could not change the outcome:
 *   - the ban is in force and the rate rule is on;
 *   - the allow and block lists are those the ban was decided under
 *     (siphon_listgen unchanged): an allow list that has changed since
 *     may now let the source through, a block list may now count it as
 *     blocked; such a packet is read, and its ban confirmed for the
 *     lists of the day (shield_rate.h);
 *   - the payload starts with a letter and not "SIP/": a request, or
 *     text that is not SIP. Responses and keepalives are never limited,
 *     so they are read;
 *   - the source is no party to a live call (siphon_livepeer's slot is
 *     0): a party's in-dialog requests pass whatever its ban, which only
 *     its Call-ID tells, so those are read.
 * Such a drop counts as drop_sip_banned (BANNED_UNREAD in the table
 * counters), not by method nor as not SIP: it was not read.
 */
#ifndef SIPHON_BPF_SHIELD_EARLY_H
#define SIPHON_BPF_SHIELD_EARLY_H

#include "clock.h"
#include "packet.h"
#include "shield_maps.h"
#include "siphon/counters.h"

/* what the first look learned, for the stages after the read */
struct shield_src {
	struct siphon_source_key key;
	struct siphon_source *src; /* NULL: no entry yet */
	__u64 now;
	__u64 gen; /* siphon_listgen before the lists were looked up */
};

static __always_inline void shield_count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&siphon_shcount, &which);

	if (c)
		*c += 1;
}

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

/* may this source be a party to a live call? (its slot is counted) */
static __always_inline bool early_live_peer(const struct siphon_source_key *k)
{
	__u32 slot = siphon_peer_slot(k);
	__u32 *n = bpf_map_lookup_elem(&siphon_livepeer, &slot);

	return n && *n;
}

/*
 * SIPHON_DROP_SIP_BANNED for a banned source's request that needs no
 * reading, else CONTINUE with ss filled for the later stages.
 */
static __always_inline int shield_early(struct xdp_md *ctx,
					const struct siphon_shield_cfg *cfg,
					const struct packet *pkt,
					struct shield_src *ss)
{
	struct siphon_source *src;
	__u32 zero = 0;
	__u64 *gen;

	ss->key.family = pkt->family;
	__builtin_memcpy(ss->key.addr, pkt->saddr, sizeof(ss->key.addr));
	ss->now = clock_coarse_ns();
	gen = bpf_map_lookup_elem(&siphon_listgen, &zero);
	ss->gen = gen ? *gen : 0;
	src = bpf_map_lookup_elem(&siphon_sources, &ss->key);
	ss->src = src;
	if (!src || src->banned_until_ns <= ss->now ||
	    src->lists_gen != ss->gen || (cfg->off & SIPHON_SHIELD_OFF_RATE) ||
	    !early_request_like(ctx, pkt))
		return SIPHON_CONTINUE;
	if (early_live_peer(&ss->key)) {
		shield_count(SIPHON_SHC_LIVE_PEER_READ);
		return SIPHON_CONTINUE;
	}
	src->ban_drops += 1;
	shield_count(SIPHON_SHC_BANNED_UNREAD);
	return SIPHON_DROP_SIP_BANNED;
}

#endif /* SIPHON_BPF_SHIELD_EARLY_H */
