/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's rate stage, for requests only (responses are never
 * limited): a request of a live call passes; a banned source's requests
 * drop; otherwise the request takes a token from its source's bucket for
 * its class (INVITE, REGISTER, other), and a source whose bucket is empty
 * is banned for the configured time, told to siphond once through the
 * event ring. Buckets and bans share one LRU entry per source address.
 *
 * Updates race between CPUs (no lock): two CPUs may both take the last
 * token. A budget is a bound within a few requests, not to the request.
 */
#ifndef SIPHON_BPF_SHIELD_RATE_H
#define SIPHON_BPF_SHIELD_RATE_H

#include "clock.h"
#include "shield_lists.h"
#include "shield_maps.h"

#define NS_PER_S 1000000000ull

static const __u32 rate_defaults[SIPHON_RATE_CLASSES][2] = {
	[SIPHON_RATE_INVITE] = { SIPHON_RATE_INVITE_DEFAULT,
				 SIPHON_BURST_INVITE_DEFAULT },
	[SIPHON_RATE_REGISTER] = { SIPHON_RATE_REGISTER_DEFAULT,
				   SIPHON_BURST_REGISTER_DEFAULT },
	[SIPHON_RATE_OTHER] = { SIPHON_RATE_OTHER_DEFAULT,
				SIPHON_BURST_OTHER_DEFAULT },
};

static __always_inline void shield_count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&siphon_shcount, &which);

	if (c)
		*c += 1;
}

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

/* top up one class's bucket for elapsed ns; full after burst/rate s */
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

/* take a token of class cls, or ban the source: the reason */
static __always_inline int take_token(struct siphon_source *src,
				      const struct siphon_source_key *k,
				      const struct siphon_rate_cfg *rc,
				      __u32 cls, __u64 now)
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
	src->ban_drops = 1;
	shield_count(SIPHON_SHC_BANS);
	shield_ban_event(k, cls, src->banned_until_ns);
	return SIPHON_DROP_SIP_RATE;
}

/*
 * A request from a source that is not on the allow list: CONTINUE when it
 * may go on, else the reason it drops (or passes as a live call).
 */
static __always_inline int shield_rate(const struct siphon_prefix_key *pk,
				       const struct siphon_sip_info *info)
{
	struct siphon_source_key k = { .family = pk->family };
	const struct siphon_rate_cfg *rc;
	struct siphon_source *src;
	__u32 zero = 0, hash = info->call_id_hash;
	__u64 now;

	/* in-dialog requests of live calls are never limited away */
	if ((info->flags & SIPHON_SIP_F_CALL_ID) &&
	    bpf_map_lookup_elem(&siphon_livecall, &hash))
		return SIPHON_PASS_SIP_LIVE_CALL;
	rc = bpf_map_lookup_elem(&siphon_rate, &zero);
	if (!rc)
		return SIPHON_CONTINUE;
	now = clock_coarse_ns();
	if (shield_operator_ban(pk, now))
		return SIPHON_DROP_SIP_BANNED;
	__builtin_memcpy(k.addr, pk->addr, sizeof(k.addr));
	src = source_of(&k, rc, now);
	if (!src)
		return SIPHON_CONTINUE;
	if (src->banned_until_ns > now) {
		src->ban_drops += 1;
		return SIPHON_DROP_SIP_BANNED;
	}
	src->banned_until_ns = 0;
	return take_token(src, &k, rc, rate_class_of(info->method), now);
}

#endif /* SIPHON_BPF_SHIELD_RATE_H */
