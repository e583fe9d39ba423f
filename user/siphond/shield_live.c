// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphon_livecall and siphon_livepeer, kept by siphond with as few
 * system calls as it can: see shield_live.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "map_walk.h"
#include "shield_live.h"

/* live calls removed (and their parties' slots rewritten) a batch at once */
#define AGE_BATCH 256

/*
 * XDP asks siphon_livepeer only whether a slot is 0: the map holds 1
 * for a slot with live parties, and is written only when that changes.
 * The counts are siphond's; a write the map refused leaves the count
 * where it was, so the next change tries again.
 */
static void peer_add(struct shield_live *lv, __u32 slot)
{
	__u32 one = 1;

	if (lv->peers[slot] ||
	    !bpf_map_update_elem(lv->peers_fd, &slot, &one, BPF_ANY))
		lv->peers[slot]++;
}

static void peer_remove(struct shield_live *lv, __u32 slot)
{
	__u32 zero = 0;

	if (lv->peers[slot] > 1 ||
	    (lv->peers[slot] &&
	     !bpf_map_update_elem(lv->peers_fd, &slot, &zero, BPF_ANY)))
		lv->peers[slot]--;
}

/* a live call's parties counted (delta +1) or no longer (-1) */
static void peers_count(struct shield_live *lv,
			const struct siphon_live_call *v, int delta)
{
	unsigned int i;
	__u32 slot;

	for (i = 0; lv->peers && i < 2; i++) {
		if (!v->peer[i].family)
			continue;
		slot = siphon_peer_slot(&v->peer[i]);
		if (delta > 0)
			peer_add(lv, slot);
		else
			peer_remove(lv, slot);
	}
}

static int count_parties(int fd, const void *key, const void *value, void *ctx)
{
	const struct siphon_live_call *v = value;
	__u32 *counts = ctx;
	unsigned int i;

	(void)fd;
	(void)key;
	for (i = 0; i < 2; i++)
		if (v->peer[i].family)
			counts[siphon_peer_slot(&v->peer[i])]++;
	return 0;
}

int shield_live_open(struct shield_live *lv, int live_fd, int peers_fd)
{
	__u32 *keys = calloc(SIPHON_LIVE_PEER_SLOTS, sizeof(*keys));
	__u32 *counts = calloc(SIPHON_LIVE_PEER_SLOTS, sizeof(*counts));
	__u32 *flags = calloc(SIPHON_LIVE_PEER_SLOTS, sizeof(*flags));
	__u32 n = SIPHON_LIVE_PEER_SLOTS, i;
	int err;

	lv->live_fd = live_fd;
	lv->peers_fd = peers_fd;
	lv->peers = NULL;
	if (!keys || !counts || !flags) {
		free(keys);
		free(counts);
		free(flags);
		return -ENOMEM;
	}
	err = map_walk_elems(live_fd, sizeof(__u32),
			     sizeof(struct siphon_live_call),
			     SIPHON_LIVE_CALLS_MAX, count_parties, counts);
	for (i = 0; err >= 0 && i < n; i++)
		keys[i] = i;
	for (i = 0; err >= 0 && i < n; i++)
		flags[i] = !!counts[i];
	if (err >= 0)
		err = bpf_map_update_batch(peers_fd, keys, flags, &n, NULL);
	/* kept even so: later changes are written count by count */
	lv->peers = counts;
	free(keys);
	free(flags);
	return err < 0 ? err : 0;
}

void shield_live_close(struct shield_live *lv)
{
	free(lv->peers);
	lv->peers = NULL;
}

enum shield_live_put shield_live_up(struct shield_live *lv, __u32 hash,
				    const struct siphon_live_call *v)
{
	struct siphon_live_call old;
	int err;

	err = bpf_map_update_elem(lv->live_fd, &hash, v, BPF_NOEXIST);
	if (!err) {
		peers_count(lv, v, +1);
		return LIVE_PUT_NEW;
	}
	if (err != -EEXIST)
		return LIVE_PUT_FULL;
	/* a fork's second 2xx: the entry's parties are the latest ones */
	if (bpf_map_lookup_elem(lv->live_fd, &hash, &old) ||
	    bpf_map_update_elem(lv->live_fd, &hash, v, BPF_EXIST))
		return LIVE_PUT_FULL; /* removed meanwhile, by hand */
	/* the new ones first: a party in both keeps its slot marked */
	peers_count(lv, v, +1);
	peers_count(lv, &old, -1);
	return LIVE_PUT_REPLACED;
}

bool shield_live_down(struct shield_live *lv, __u32 hash, __u64 now)
{
	struct siphon_live_call v;

	if (bpf_map_lookup_elem(lv->live_fd, &hash, &v) || v.ended_ns)
		return false;
	v.ended_ns = now;
	return !bpf_map_update_elem(lv->live_fd, &hash, &v, BPF_EXIST);
}

struct live_age {
	struct shield_live *lv;
	__u64 now, max_ns, linger_ns;
	unsigned int aged, n, nslots;
	__u32 keys[AGE_BATCH];
	struct siphon_live_call calls[AGE_BATCH];
	__u32 slots[2 * AGE_BATCH], zeros[2 * AGE_BATCH]; /* zeros: all 0 */
};

/* the slots the batch's calls left empty, 0 in one write */
static void write_slots(struct live_age *a)
{
	struct shield_live *lv = a->lv;
	__u32 i, n = a->nslots;

	if (n &&
	    bpf_map_update_batch(lv->peers_fd, a->slots, a->zeros, &n, NULL))
		for (i = 0; i < a->nslots; i++) /* one by one, then */
			bpf_map_update_elem(lv->peers_fd, &a->slots[i],
					    &a->zeros[i], BPF_ANY);
	a->nslots = 0;
}

static void uncount_parties(struct live_age *a,
			    const struct siphon_live_call *v)
{
	struct shield_live *lv = a->lv;
	unsigned int i;
	__u32 slot;

	/* no counts (out of memory at open): the calls still go */
	for (i = 0; lv->peers && i < 2; i++) {
		if (!v->peer[i].family)
			continue;
		slot = siphon_peer_slot(&v->peer[i]);
		if (!lv->peers[slot])
			continue;
		if (!--lv->peers[slot])
			a->slots[a->nslots++] = slot;
	}
}

/* the batch's calls out of the map, their parties uncounted */
static void remove_batch(struct live_age *a)
{
	__u32 n = a->n, i;

	if (!n)
		return;
	/* the kernel stops at a key it no longer holds: the rest one by
	 * one (XDP never removes live calls, so that is a surprise) */
	if (bpf_map_delete_batch(a->lv->live_fd, a->keys, &n, NULL))
		for (i = n; i < a->n; i++)
			bpf_map_delete_elem(a->lv->live_fd, &a->keys[i]);
	for (i = 0; i < a->n; i++)
		uncount_parties(a, &a->calls[i]);
	a->aged += a->n;
	a->n = 0;
	write_slots(a);
}

static int age_call(int fd, const void *key, const void *value, void *ctx)
{
	const struct siphon_live_call *v = value;
	struct live_age *a = ctx;

	(void)fd;
	if (v->ended_ns ? v->ended_ns + a->linger_ns > a->now :
			  v->since_ns + a->max_ns > a->now)
		return 0;
	memcpy(&a->keys[a->n], key, sizeof(a->keys[0]));
	a->calls[a->n++] = *v;
	if (a->n == AGE_BATCH)
		remove_batch(a);
	return 0;
}

unsigned int shield_live_age(struct shield_live *lv, __u64 now, __u64 max_ns,
			     __u64 linger_ns)
{
	struct live_age *a = calloc(1, sizeof(*a));
	unsigned int aged;

	if (!a)
		return 0;
	a->lv = lv;
	a->now = now;
	a->max_ns = max_ns;
	a->linger_ns = linger_ns;
	map_walk_elems(lv->live_fd, sizeof(__u32),
		       sizeof(struct siphon_live_call), SIPHON_LIVE_CALLS_MAX,
		       age_call, a);
	remove_batch(a);
	aged = a->aged;
	free(a);
	return aged;
}
