/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow table's memory, as the control plane sees it: the slots and
 * the index (include/siphon/flow.h) mapped into this process, and the
 * writes that keep every lookup of the XDP program whole while it runs.
 * user/flow_table.c builds the flow API on it.
 */
#ifndef SIPHON_FLOW_INDEX_H
#define SIPHON_FLOW_INDEX_H

#include <stdbool.h>
#include <linux/types.h>
#include "siphon/flow.h"

struct flow_table {
	int slots_fd; /* siphon_flows */
	int idx_fd; /* siphon_flowidx */
	struct siphon_flow_slot *slots;
	__u64 *idx;
	size_t slots_bytes, idx_bytes;
	__u32 nslots, nidx, shift;
	__u32 capacity; /* flows it takes: nslots less the spare */
	__u32 hint; /* where the search for a free slot starts */
	__u64 synced_ns; /* slots retired before this are free again */
	bool hold; /* the writers' lock kept until flow_table_release() */
	bool locked; /* held now (hold only) */
};

/*
 * A table for capacity flows has a few more slots: a flow is replaced by
 * writing another slot, so a full table can still be updated (next hops
 * refreshed, a port learned). flow_capacity_of() is the inverse.
 */
__u32 flow_slots_for(__u32 capacity);
__u32 flow_capacity_of(__u32 nslots);
/* 2^bits index words for nslots slots: at least four times as many */
__u32 flow_index_bits(__u32 nslots);
/* the index map's size: those words, then the count of flows */
__u32 flow_index_words(__u32 nslots);

/* Nothing mapped, no fds: what flow_index_close() leaves alone. */
void flow_index_init(struct flow_table *ft);
/*
 * Map both maps (fds not owned, kept in ft). -EINVAL when their sizes do
 * not match.
 */
int flow_index_open(struct flow_table *ft, int slots_fd, int idx_fd);
void flow_index_close(struct flow_table *ft);
bool flow_index_is_open(const struct flow_table *ft);

/* where key sits: its index word and slot, or -ENOENT */
int flow_index_find(const struct flow_table *ft,
		    const struct siphon_flow_key *key, __u32 *word,
		    __u32 *slot);

enum flow_put_mode {
	FLOW_PUT_NEW, /* -EEXIST if there */
	FLOW_PUT_ANY,
	FLOW_PUT_EXISTING, /* -ENOENT if not */
};

/*
 * Write a flow into a free slot and publish it; a flow it replaces is
 * retired. -E2BIG: no free slot; -ENOSPC: no free word within the
 * probes (the index is kept a quarter full at most: rare).
 * Callers hold the writers' lock.
 */
int flow_index_put(struct flow_table *ft, const struct siphon_flow_key *key,
		   const struct siphon_flow *flow, enum flow_put_mode mode);
/* Unpublish a flow and retire its slot; -ENOENT. Under the lock. */
int flow_index_del(struct flow_table *ft, const struct siphon_flow_key *key);
/* Unpublish every flow; how many there were. Under the lock. */
int flow_index_clear(struct flow_table *ft);
/* How many flows are published (the count word). */
__u32 flow_index_count(const struct flow_table *ft);
/* Count them again (a writer may have died mid-way). Under the lock. */
void flow_index_recount(struct flow_table *ft);

int flow_index_lock(struct flow_table *ft);
void flow_index_unlock(struct flow_table *ft);
/* the lock a hold kept (flow_table_hold()), let go */
void flow_index_release(struct flow_table *ft);

/*
 * The slot index word n names, or -1 when it names none. A walk over
 * the index sees every flow once.
 */
long flow_index_slot_at(const struct flow_table *ft, __u32 n);

#endif /* SIPHON_FLOW_INDEX_H */
