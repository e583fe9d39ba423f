/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a request costs after its source's budget (shield_rate.h):
 *
 * Resends. A phone whose request went unanswered sends it again with the
 * same top Via branch (RFC 3261 17.1.1.2, 17.1.2.2); so do its ACK of an
 * error and its CANCEL. A source's entry remembers the branches of its
 * last SIPHON_BRANCHES_KEPT charged requests, and a request with one of
 * them is not charged to its source's budget, up to SIPHON_RESENDS_FREE
 * times each: an overloaded proxy's slow answers do not get its callers
 * banned, and a flood that repeats one branch pays again after ten. A
 * resend of an unknown source still meets the global budget.
 *
 * The global budget. Per-source budgets cannot stop a flood spread thin
 * over many (spoofed) sources: each stays under its budget. One bucket,
 * siphon_rate's global rate and burst, is shared by every request that
 * passed its source's budget, came from no allowed source, no live call,
 * and no source siphond knows to be good (siphon_goodsrc: a party of a
 * confirmed dialog, or a REGISTER that authenticated, lately). A request
 * that finds it empty drops, drop_sip_global, and bans nobody. Rate 0:
 * no global budget. While the bucket is dry, shield_early.h drops such
 * requests before reading them.
 */
#ifndef SIPHON_BPF_SHIELD_BUDGET_H
#define SIPHON_BPF_SHIELD_BUDGET_H

#include "shield_maps.h"
#include "siphon/sip.h"

#define NS_PER_S 1000000000ull

static __always_inline void shield_count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&siphon_shcount, &which);

	if (c)
		*c += 1;
}

/* top up a bucket for elapsed ns; full after burst/rate s */
static __always_inline __u32 refill(__u32 tokens, __u64 elapsed, __u64 rate,
				    __u64 burst)
{
	__u64 full = burst * SIPHON_RATE_MILLI;
	__u64 t;

	/* the time to fill it from empty bounds the product below */
	if (elapsed >= burst * NS_PER_S / rate)
		return full;
	t = tokens + elapsed * rate * SIPHON_RATE_MILLI / NS_PER_S;
	return t < full ? t : full;
}

/* one of the last branches charged, not yet resent too often */
static __always_inline bool resent_free(struct siphon_source *src,
					const struct siphon_sip_info *info)
{
	__u32 h = info->branch_hash, i;

	if (!(info->flags & SIPHON_SIP_F_BRANCH) || !h)
		return false;
#pragma unroll
	for (i = 0; i < SIPHON_BRANCHES_KEPT; i++) {
		if (src->branch[i] != h)
			continue;
		if (src->resent[i] >= SIPHON_RESENDS_FREE)
			return false;
		src->resent[i] += 1;
		return true;
	}
	return false;
}

static __always_inline void remember_branch(struct siphon_source *src,
					    const struct siphon_sip_info *info)
{
	__u32 i = src->branch_next % SIPHON_BRANCHES_KEPT;

	if (!(info->flags & SIPHON_SIP_F_BRANCH) || !info->branch_hash)
		return;
	src->branch[i] = info->branch_hash;
	src->resent[i] = 0;
	src->branch_next = i + 1;
}

static __always_inline bool known_good(const struct siphon_source_key *k,
				       __u64 now)
{
	struct siphon_known_good *g = bpf_map_lookup_elem(&siphon_goodsrc, k);

	return g && g->until_ns > now;
}

/* the global bucket topped up to now; NULL: no global budget */
static __always_inline struct siphon_global_bucket *
global_refilled(const struct siphon_rate_cfg *rc, __u64 now)
{
	__u64 rate = rc->global.rate, burst = rc->global.burst, elapsed;
	struct siphon_global_bucket *b;
	__u32 zero = 0;

	if (!rate)
		return NULL;
	b = bpf_map_lookup_elem(&siphon_global, &zero);
	if (!b)
		return NULL;
	if (!burst)
		burst = rate;
	elapsed = now > b->refill_ns ? now - b->refill_ns : 0;
	if (elapsed) {
		b->tokens = refill(b->tokens, elapsed, rate, burst);
		b->refill_ns = now;
	}
	return b;
}

/* CONTINUE, or drop_sip_global when the shared bucket is dry */
static __always_inline int global_budget(const struct siphon_source_key *k,
					 const struct siphon_rate_cfg *rc,
					 __u64 now)
{
	struct siphon_global_bucket *b;

	if (!rc->global.rate)
		return SIPHON_CONTINUE;
	if (known_good(k, now)) {
		shield_count(SIPHON_SHC_KNOWN_GOOD);
		return SIPHON_CONTINUE;
	}
	b = global_refilled(rc, now);
	if (!b)
		return SIPHON_CONTINUE;
	if (b->tokens >= SIPHON_RATE_MILLI) {
		b->tokens -= SIPHON_RATE_MILLI;
		return SIPHON_CONTINUE;
	}
	return SIPHON_DROP_SIP_GLOBAL;
}

/* would k's next request find the global bucket dry? (nothing taken) */
static __always_inline bool global_dry_for(const struct siphon_source_key *k,
					   __u64 now)
{
	const struct siphon_rate_cfg *rc;
	struct siphon_global_bucket *b;
	__u32 zero = 0;

	rc = bpf_map_lookup_elem(&siphon_rate, &zero);
	if (!rc)
		return false;
	b = global_refilled(rc, now);
	return b && b->tokens < SIPHON_RATE_MILLI && !known_good(k, now);
}

#endif /* SIPHON_BPF_SHIELD_BUDGET_H */
