// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "flow_table.h"

void flow_key_of(const struct endpoint *relay, struct siphon_flow_key *key)
{
	memset(key, 0, sizeof(*key));
	memcpy(key->addr, relay->addr, sizeof(key->addr));
	key->port = relay->port;
	key->family = relay->family;
}

void endpoint_of_key(const struct siphon_flow_key *key, struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	memcpy(ep->addr, key->addr, sizeof(ep->addr));
	ep->port = key->port;
	ep->family = key->family;
}

int flow_value_of(const struct flow_spec *spec, struct siphon_flow *flow)
{
	__u8 family = spec->relay.family;

	if (spec->peer.family != family || spec->out_src.family != family ||
	    spec->out_dst.family != family)
		return -EINVAL;

	memset(flow, 0, sizeof(*flow));
	memcpy(flow->saddr, spec->out_src.addr, sizeof(flow->saddr));
	memcpy(flow->daddr, spec->out_dst.addr, sizeof(flow->daddr));
	flow->sport = spec->out_src.port;
	flow->dport = spec->out_dst.port;
	memcpy(flow->expect_addr, spec->peer.addr, sizeof(flow->expect_addr));
	flow->expect_port = spec->peer.port;
	flow->latch = spec->peer.port ? SIPHON_LATCH_EXACT : SIPHON_LATCH_LEARN;
	return 0;
}

void flow_table_hold(struct flow_table *ft)
{
	ft->hold = true;
}

void flow_table_release(struct flow_table *ft)
{
	flow_index_release(ft);
}

/* one write under the writers' lock */
static int put_locked(struct flow_table *ft, const struct siphon_flow_key *key,
		      const struct siphon_flow *flow, enum flow_put_mode mode)
{
	int err = flow_index_lock(ft);

	if (err)
		return err;
	err = flow_index_put(ft, key, flow, mode);
	flow_index_unlock(ft);
	return err;
}

int flow_table_add(struct flow_table *ft, const struct siphon_flow_key *key,
		   const struct siphon_flow *flow, bool replace)
{
	return put_locked(ft, key, flow, replace ? FLOW_PUT_ANY : FLOW_PUT_NEW);
}

int flow_table_update(struct flow_table *ft, const struct siphon_flow_key *key,
		      const struct siphon_flow *flow)
{
	return put_locked(ft, key, flow, FLOW_PUT_EXISTING);
}

void flow_set_nexthop(struct siphon_flow *flow, const struct nexthop_info *nh)
{
	if (!nh || !nh->resolved) {
		flow->flags &= ~SIPHON_FLOW_NH_CACHED;
		flow->nh_ifindex = 0;
		memset(flow->nh_smac, 0, sizeof(flow->nh_smac));
		memset(flow->nh_dmac, 0, sizeof(flow->nh_dmac));
		return;
	}
	flow->flags |= SIPHON_FLOW_NH_CACHED;
	flow->nh_ifindex = nh->ifindex;
	memcpy(flow->nh_smac, nh->smac, sizeof(flow->nh_smac));
	memcpy(flow->nh_dmac, nh->dmac, sizeof(flow->nh_dmac));
}

void flow_set_rtp(struct siphon_flow *flow, __u32 clock_rate)
{
	flow->flags |= SIPHON_FLOW_RTP;
	flow->clock_rate = clock_rate;
}

void flow_rtp_stats_of(const struct siphon_flow *flow,
		       struct flow_rtp_stats *st)
{
	const struct siphon_rtp_quality *q = &flow->rtp;

	memset(st, 0, sizeof(*st));
	st->rtp = flow->flags & SIPHON_FLOW_RTP;
	st->clock_rate = flow->clock_rate ?: SIPHON_RTP_CLOCK_DEFAULT;
	st->measured = q->last_arrival_ns != 0;
	st->not_rtp = q->not_rtp;
	if (!st->measured)
		return;
	st->received = q->received;
	st->expected =
		(__u64)q->expected_prior + (q->ext_max - q->base_seq) + 1;
	st->lost = st->expected > st->received ? st->expected - st->received :
						 0;
	st->loss_pct = 100.0 * (double)st->lost / (double)st->expected;
	st->jitter_ms = (q->jitter_q4 / 16.0) * 1000.0 / st->clock_rate;
	st->highest_seq = q->ext_max;
	st->duplicates = q->duplicates;
	st->resyncs = q->resyncs;
}

int flow_table_add_batch(struct flow_table *ft,
			 const struct siphon_flow_key *keys,
			 const struct siphon_flow *flows, __u32 count)
{
	int err = flow_index_lock(ft);
	__u32 i;

	for (i = 0; i < count && !err; i++)
		err = flow_index_put(ft, &keys[i], &flows[i], FLOW_PUT_ANY);
	flow_index_unlock(ft);
	return err;
}

int flow_table_del(struct flow_table *ft, const struct siphon_flow_key *key)
{
	int err = flow_index_lock(ft);

	if (err)
		return err;
	err = flow_index_del(ft, key);
	flow_index_unlock(ft);
	return err;
}

/* a whole copy of what slot holds, if it still holds a flow */
static bool slot_copy(const struct flow_table *ft, __u32 slot,
		      struct siphon_flow_key *key, struct siphon_flow *flow)
{
	const struct siphon_flow_slot *s = &ft->slots[slot];

	if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SIPHON_SLOT_LIVE)
		return false;
	memcpy(key, &s->key, sizeof(*key));
	memcpy(flow, &s->flow, sizeof(*flow));
	return true;
}

int flow_table_get(const struct flow_table *ft,
		   const struct siphon_flow_key *key, struct siphon_flow *flow)
{
	struct siphon_flow_key k;
	__u32 word, slot;
	int err = flow_index_find(ft, key, &word, &slot);

	if (err)
		return err;
	return slot_copy(ft, slot, &k, flow) ? 0 : -ENOENT;
}

/*
 * Over the index, which names every flow once: a flow the visitor (or
 * anyone) replaces meanwhile keeps its word and is not seen twice, one
 * deleted is not seen after.
 */
int flow_table_walk(const struct flow_table *ft, flow_visit_fn visit, void *ctx)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;
	int ret = 0;
	long slot;
	__u32 n;

	for (n = 0; n < ft->nidx && !ret; n++) {
		slot = flow_index_slot_at(ft, n);
		if (slot >= 0 && slot_copy(ft, (__u32)slot, &key, &flow))
			ret = visit(&key, &flow, ctx);
	}
	return ret;
}

int flow_table_count(const struct flow_table *ft)
{
	return (int)flow_index_count(ft);
}

int flow_table_flush(struct flow_table *ft)
{
	int n = flow_index_lock(ft);

	if (n)
		return n;
	n = flow_index_clear(ft);
	flow_index_unlock(ft);
	return n;
}
