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
 * requests before reading them, charged to their source's budget by the
 * method their first bytes name.
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

static const __u32 rate_defaults[SIPHON_RATE_CLASSES][2] = {
	[SIPHON_RATE_INVITE] = { SIPHON_RATE_INVITE_DEFAULT,
				 SIPHON_BURST_INVITE_DEFAULT },
	[SIPHON_RATE_REGISTER] = { SIPHON_RATE_REGISTER_DEFAULT,
				   SIPHON_BURST_REGISTER_DEFAULT },
	[SIPHON_RATE_OTHER] = { SIPHON_RATE_OTHER_DEFAULT,
				SIPHON_BURST_OTHER_DEFAULT },
};

static __always_inline __u32 rate_class_of(__u8 method)
{
	if (method == SIPHON_SIP_METHOD_INVITE)
		return SIPHON_RATE_INVITE;
	if (method == SIPHON_SIP_METHOD_REGISTER)
		return SIPHON_RATE_REGISTER;
	return SIPHON_RATE_OTHER;
}

/* a budget field, or its default when zero */
static __always_inline __u64 rate_of(const struct siphon_rate_cfg *rc,
				     __u32 cls, int which)
{
	__u32 v;

	if (cls >= SIPHON_RATE_CLASSES)
		return 1;
	v = which ? rc->budget[cls].burst : rc->budget[cls].rate;
	return v ? v : rate_defaults[cls][which];
}

static __always_inline void shield_ban_event(const struct siphon_source_key *k,
					     __u32 cls, __u64 until)
{
	struct siphon_shield_event *ev;

	ev = bpf_ringbuf_reserve(&siphon_shevents, sizeof(*ev), 0);
	if (!ev) {
		shield_count(SIPHON_SHC_EVENTS_LOST);
		return;
	}
	ev->type = SIPHON_SHIELD_EV_BAN;
	ev->class = cls;
	ev->until_ns = until;
	ev->src = *k;
	ev->pad = 0;
	bpf_ringbuf_submit(ev, 0);
}

/* take a token of class cls, or ban the source: the reason */
static __always_inline int take_token(struct siphon_source *src,
				      const struct siphon_source_key *k,
				      const struct siphon_rate_cfg *rc,
				      __u32 cls, __u64 now, __u64 gen)
{
	__u64 elapsed = now > src->refill_ns ? now - src->refill_ns : 0;
	__u32 i, ban_s;

	if (elapsed) {
#pragma unroll
		for (i = 0; i < SIPHON_RATE_CLASSES; i++)
			src->tokens[i] = refill(src->tokens[i], elapsed,
						rate_of(rc, i, 0),
						rate_of(rc, i, 1));
		src->refill_ns = now;
	}
	if (cls >= SIPHON_RATE_CLASSES)
		return SIPHON_CONTINUE;
	if (src->tokens[cls] >= SIPHON_RATE_MILLI) {
		src->tokens[cls] -= SIPHON_RATE_MILLI;
		return SIPHON_CONTINUE;
	}
	ban_s = rc->ban_s ? rc->ban_s : SIPHON_BAN_S_DEFAULT;
	src->banned_until_ns = now + ban_s * NS_PER_S;
	src->lists_gen = gen;
	src->ban_drops = 1;
	shield_count(SIPHON_SHC_BANS);
	shield_ban_event(k, cls, src->banned_until_ns);
	return SIPHON_DROP_SIP_RATE;
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
static __always_inline bool global_dry_for(const struct siphon_rate_cfg *rc,
					   const struct siphon_source_key *k,
					   __u64 now)
{
	struct siphon_global_bucket *b = global_refilled(rc, now);

	return b && b->tokens < SIPHON_RATE_MILLI && !known_good(k, now);
}

#endif /* SIPHON_BPF_SHIELD_BUDGET_H */
