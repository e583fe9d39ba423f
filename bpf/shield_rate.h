/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's rate stage, for requests only (responses are never
 * limited): a request of a live call passes; a banned source's requests
 * drop; otherwise the request takes a token from its source's bucket for
 * its class (INVITE, REGISTER, other), and a source whose bucket is empty
 * is banned for the configured time, told to siphond once through the
 * event ring. Buckets and bans share one LRU entry per source address.
 * A resent request (its top Via branch one of the last few its source
 * was charged for) is not charged to it again; a request that passed its
 * source's budget then meets the global budget (shield_budget.h), unless
 * its source is known to be good.
 *
 * Updates race between CPUs (no lock): two CPUs may both take the last
 * token. A budget is a bound within a few requests, not to the request.
 */
#ifndef SIPHON_BPF_SHIELD_RATE_H
#define SIPHON_BPF_SHIELD_RATE_H

#include "clock.h"
#include "shield_budget.h"
#include "shield_early.h"
#include "shield_lists.h"
#include "shield_maps.h"

/* the source's entry, made with full buckets if it has none */
static __always_inline struct siphon_source *
source_of(const struct siphon_source_key *k, const struct siphon_rate_cfg *rc,
	  __u64 now)
{
	struct siphon_source *src = bpf_map_lookup_elem(&siphon_sources, k);
	struct siphon_source fresh = { .refill_ns = now };
	__u32 i;

	if (src)
		return src;
#pragma unroll
	for (i = 0; i < SIPHON_RATE_CLASSES; i++)
		fresh.tokens[i] = rate_of(rc, i, 1) * SIPHON_RATE_MILLI;
	if (bpf_map_update_elem(&siphon_sources, k, &fresh, BPF_NOEXIST) &&
	    !bpf_map_lookup_elem(&siphon_sources, k)) {
		shield_count(SIPHON_SHC_SOURCES_FULL);
		return NULL;
	}
	shield_count(SIPHON_SHC_SOURCES_NEW);
	return bpf_map_lookup_elem(&siphon_sources, k);
}

/*
 * A request from a source that is not on the allow list: CONTINUE when it
 * may go on, else the reason it drops (or passes as a live call). ss is
 * what shield_early() learned before the read.
 */
static __always_inline int shield_rate(const struct siphon_prefix_key *pk,
				       const struct siphon_sip_info *info,
				       struct shield_src *ss)
{
	const struct siphon_rate_cfg *rc;
	struct siphon_source *src;
	__u32 zero = 0, hash = info->call_id_hash;
	__u64 now = ss->now;
	int reason;

	/* in-dialog requests of live calls are never limited away */
	if ((info->flags & SIPHON_SIP_F_CALL_ID) &&
	    bpf_map_lookup_elem(&siphon_livecall, &hash))
		return SIPHON_PASS_SIP_LIVE_CALL;
	rc = bpf_map_lookup_elem(&siphon_rate, &zero);
	if (!rc)
		return SIPHON_CONTINUE;
	if (shield_operator_ban(pk, now))
		return SIPHON_DROP_SIP_BANNED;
	/* looked up again, not kept from shield_early(): a map pointer that
	 * may be NULL, alive through the whole read, doubles the states the
	 * verifier walks there (the program no longer loads with it) */
	src = source_of(&ss->key, rc, now);
	if (!src)
		return global_budget(&ss->key, rc, now);
	/* neither allowed nor blocked under these lists: its next request
	 * may be decided unread (shield_early.h) */
	src->lists_gen = ss->gen;
	if (src->banned_until_ns > now) {
		src->ban_drops += 1;
		return SIPHON_DROP_SIP_BANNED;
	}
	src->banned_until_ns = 0;
	if (resent_free(src, info)) {
		shield_count(SIPHON_SHC_RESENT_FREE);
		return global_budget(&ss->key, rc, now);
	}
	reason = take_token(src, &ss->key, rc, rate_class_of(info->method), now,
			    ss->gen);
	if (reason == SIPHON_CONTINUE)
		reason = global_budget(&ss->key, rc, now);
	if (reason == SIPHON_CONTINUE)
		remember_branch(src, info);
	return reason;
}

#endif /* SIPHON_BPF_SHIELD_RATE_H */
