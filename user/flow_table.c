// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

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

int flow_table_add(int flows_fd, const struct siphon_flow_key *key,
		   const struct siphon_flow *flow, bool replace)
{
	if (bpf_map_update_elem(flows_fd, key, flow,
				replace ? BPF_ANY : BPF_NOEXIST))
		return -errno;
	return 0;
}

int flow_table_update(int flows_fd, const struct siphon_flow_key *key,
		      const struct siphon_flow *flow)
{
	return bpf_map_update_elem(flows_fd, key, flow, BPF_EXIST) ? -errno : 0;
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

int flow_table_add_batch(int flows_fd, const struct siphon_flow_key *keys,
			 const struct siphon_flow *flows, __u32 count)
{
	/* the kernel takes only BPF_F_LOCK here: existing keys are replaced */
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	__u32 done = 0, n;

	while (done < count) {
		n = count - done;
		if (bpf_map_update_batch(flows_fd, keys + done, flows + done,
					 &n, &opts))
			return -errno;
		done += n;
	}
	return 0;
}

int flow_table_del(int flows_fd, const struct siphon_flow_key *key)
{
	return bpf_map_delete_elem(flows_fd, key) ? -errno : 0;
}

int flow_table_get(int flows_fd, const struct siphon_flow_key *key,
		   struct siphon_flow *flow)
{
	return bpf_map_lookup_elem(flows_fd, key, flow) ? -errno : 0;
}

#define WALK_CHUNK 256

/*
 * Batched reads go bucket by bucket, so a flow deleted meanwhile (by the
 * visitor or anyone else) neither restarts the walk nor is seen twice.
 */
int flow_table_walk(int flows_fd, flow_visit_fn visit, void *ctx)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct siphon_flow_key *keys;
	struct siphon_flow *flows;
	__u32 token, count, i;
	bool first = true, last = false;
	int ret = 0;

	keys = calloc(WALK_CHUNK, sizeof(*keys));
	flows = calloc(WALK_CHUNK, sizeof(*flows));
	if (!keys || !flows) {
		ret = -ENOMEM;
		goto out;
	}
	while (!last && !ret) {
		count = WALK_CHUNK;
		if (bpf_map_lookup_batch(flows_fd, first ? NULL : &token,
					 &token, keys, flows, &count, &opts)) {
			if (errno != ENOENT) {
				ret = -errno;
				break;
			}
			last = true;
		}
		first = false;
		for (i = 0; i < count && !ret; i++)
			ret = visit(&keys[i], &flows[i], ctx);
	}
out:
	free(keys);
	free(flows);
	return ret;
}

static int count_one(const struct siphon_flow_key *key,
		     const struct siphon_flow *flow, void *ctx)
{
	(void)key;
	(void)flow;
	(*(int *)ctx)++;
	return 0;
}

int flow_table_count(int flows_fd)
{
	int n = 0, err;

	err = flow_table_walk(flows_fd, count_one, &n);
	return err ? err : n;
}

int flow_table_flush(int flows_fd)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct siphon_flow_key *keys;
	struct siphon_flow *flows;
	__u32 token, count;
	bool first = true, last = false;
	int n = 0;

	keys = calloc(WALK_CHUNK, sizeof(*keys));
	flows = calloc(WALK_CHUNK, sizeof(*flows));
	if (!keys || !flows) {
		n = -ENOMEM;
		goto out;
	}
	while (!last) {
		count = WALK_CHUNK;
		if (bpf_map_lookup_and_delete_batch(flows_fd,
						    first ? NULL : &token,
						    &token, keys, flows, &count,
						    &opts)) {
			if (errno != ENOENT) {
				n = -errno;
				break;
			}
			last = true;
		}
		first = false;
		n += count;
	}
out:
	free(keys);
	free(flows);
	return n;
}
