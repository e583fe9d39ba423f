// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flow table's slots and index, written in place through mmap
 * (flow_index.h). The XDP program reads them while they change, so every
 * write keeps to the order include/siphon/flow.h sets out:
 *
 *   insert:  a free slot is filled, made LIVE (release), then the index
 *            word is stored in one 8-byte store (release): a lookup sees
 *            the old word (no flow yet) or the new one and a whole slot.
 *   replace: the same into another slot, its word stored over the old
 *            one; the old slot is retired, not touched.
 *   delete:  the word becomes a tombstone; the slot is retired.
 *
 * A retired slot stays as it was for SIPHON_SLOT_GRACE_NS, or until a
 * writer short of free slots has waited for every reader (readers_sync()),
 * before it is reused, so a packet that found it before it was
 * unpublished still reads a whole flow. A table has an eighth more slots
 * than flows, so a full table can still be updated. Writers of all processes (siphond, siphonctl) take
 * one lock (flow_index_lock()), so two never claim the same slot or word.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <linux/membarrier.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "flow_index.h"

/* an eighth more, and a few for tiny tables */
#define SPARE(capacity) ((capacity) / 8 + 8)

__u32 flow_slots_for(__u32 capacity)
{
	return capacity + SPARE(capacity);
}

__u32 flow_capacity_of(__u32 nslots)
{
	__u32 c = nslots > 9 ? (__u32)((nslots - 8ull) * 8 / 9) : 0;

	while (c && flow_slots_for(c) > nslots)
		c--;
	while (flow_slots_for(c + 1) <= nslots)
		c++;
	return c;
}

__u32 flow_index_bits(__u32 nslots)
{
	__u32 bits = 6;

	while (bits < 31 && (1ull << bits) < 4ull * nslots)
		bits++;
	return bits;
}

__u32 flow_index_words(__u32 nslots)
{
	return (1u << flow_index_bits(nslots)) + 1;
}

static int map_info(int fd, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, len);
	return bpf_obj_get_info_by_fd(fd, info, &len) ? -errno : 0;
}

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

static void *map_mem(int fd, size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

void flow_index_init(struct flow_table *ft)
{
	memset(ft, 0, sizeof(*ft));
	ft->slots_fd = ft->idx_fd = -1;
}

int flow_index_open(struct flow_table *ft, int slots_fd, int idx_fd)
{
	struct bpf_map_info si, ii;
	int err;

	flow_index_init(ft);
	ft->slots_fd = slots_fd;
	ft->idx_fd = idx_fd;
	err = map_info(slots_fd, &si);
	if (!err)
		err = map_info(idx_fd, &ii);
	if (err)
		return err;
	if (si.value_size != sizeof(struct siphon_flow_slot) ||
	    ii.value_size != sizeof(__u64) || !si.max_entries ||
	    ii.max_entries != flow_index_words(si.max_entries))
		return -EINVAL;
	ft->nslots = si.max_entries;
	ft->capacity = flow_capacity_of(si.max_entries);
	ft->nidx = ii.max_entries - 1;
	ft->shift = 64 - flow_index_bits(si.max_entries);
	ft->slots_bytes = page_round((size_t)ft->nslots * sizeof(*ft->slots));
	ft->idx_bytes = page_round((size_t)ii.max_entries * sizeof(*ft->idx));
	ft->slots = map_mem(slots_fd, ft->slots_bytes);
	ft->idx = map_mem(idx_fd, ft->idx_bytes);
	if (!ft->slots || !ft->idx) {
		err = -errno;
		flow_index_close(ft);
		ft->slots_fd = slots_fd;
		ft->idx_fd = idx_fd;
		return err;
	}
	return 0;
}

void flow_index_close(struct flow_table *ft)
{
	flow_index_release(ft);
	if (ft->slots)
		munmap(ft->slots, ft->slots_bytes);
	if (ft->idx)
		munmap(ft->idx, ft->idx_bytes);
	ft->slots = NULL;
	ft->idx = NULL;
}

bool flow_index_is_open(const struct flow_table *ft)
{
	return ft->slots && ft->idx;
}

/*
 * The lock is flock(2) on the slots map's fd: every BPF map fd is a file
 * of the kernel's one anonymous inode, so writers of every process (and
 * of every pin directory) exclude each other, with no file to create
 * (siphond's and siphon-attach's units see a read-only file system) and
 * nothing left behind by a writer that dies.
 */
int flow_index_lock(struct flow_table *ft)
{
	if (ft->locked)
		return 0;
	while (flock(ft->slots_fd, LOCK_EX))
		if (errno != EINTR)
			return -errno;
	ft->locked = ft->hold;
	return 0;
}

void flow_index_unlock(struct flow_table *ft)
{
	if (!ft->hold)
		flock(ft->slots_fd, LOCK_UN);
}

void flow_index_release(struct flow_table *ft)
{
	if (!ft->locked)
		return;
	flock(ft->slots_fd, LOCK_UN);
	ft->locked = false;
}

static __u64 now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (__u64)t.tv_sec * 1000000000ull + (__u64)t.tv_nsec;
}

static __u64 word_load(const struct flow_table *ft, __u32 n)
{
	return __atomic_load_n(&ft->idx[n], __ATOMIC_ACQUIRE);
}

static void word_store(struct flow_table *ft, __u32 n, __u64 word)
{
	__atomic_store_n(&ft->idx[n], word, __ATOMIC_RELEASE);
}

static bool slot_holds(const struct siphon_flow_slot *s,
		       const struct siphon_flow_key *key)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE) ==
		       SIPHON_SLOT_LIVE &&
	       !memcmp(&s->key, key, sizeof(*key));
}

long flow_index_slot_at(const struct flow_table *ft, __u32 n)
{
	__u64 word = word_load(ft, n);
	__u32 slot = (__u32)word;

	if (word == SIPHON_FLOW_IDX_EMPTY || word == SIPHON_FLOW_IDX_TOMB ||
	    slot >= ft->nslots)
		return -1;
	return slot;
}

/*
 * The probe of a lookup, and for an insert the first word it may take
 * (*free, ~0u when none): empty or a tombstone, before the first empty.
 */
static int probe(const struct flow_table *ft, const struct siphon_flow_key *key,
		 __u32 *word, __u32 *slot, __u32 *free)
{
	__u64 hash = siphon_flow_hash(key->addr, key->port), w;
	__u32 tag = siphon_flow_tag(hash), mask = ft->nidx - 1;
	__u32 home = siphon_flow_home(hash, ft->shift), i, n;

	*free = ~0u;
	for (i = 0; i < SIPHON_FLOW_PROBES; i++) {
		n = (home + i) & mask;
		w = word_load(ft, n);
		if (w == SIPHON_FLOW_IDX_EMPTY || w == SIPHON_FLOW_IDX_TOMB) {
			if (*free == ~0u)
				*free = n;
			if (w == SIPHON_FLOW_IDX_EMPTY)
				break;
			continue;
		}
		if ((__u32)(w >> 32) != tag || (__u32)w >= ft->nslots ||
		    !slot_holds(&ft->slots[(__u32)w], key))
			continue;
		*word = n;
		*slot = (__u32)w;
		return 0;
	}
	return -ENOENT;
}

int flow_index_find(const struct flow_table *ft,
		    const struct siphon_flow_key *key, __u32 *word, __u32 *slot)
{
	__u32 free;

	return probe(ft, key, word, slot, &free);
}

static bool slot_takeable(const struct flow_table *ft,
			  const struct siphon_flow_slot *s, __u64 now)
{
	__u64 retired = s->retired_ns;

	if (s->state == SIPHON_SLOT_FREE)
		return true;
	return retired && (now - retired >= SIPHON_SLOT_GRACE_NS ||
			   retired < ft->synced_ns);
}

static long slot_search(struct flow_table *ft)
{
	__u64 now = now_ns();
	__u32 i, n;

	for (i = 0; i < ft->nslots; i++) {
		n = ft->hint + i < ft->nslots ? ft->hint + i :
						ft->hint + i - ft->nslots;
		if (slot_takeable(ft, &ft->slots[n], now)) {
			ft->hint = n + 1 < ft->nslots ? n + 1 : 0;
			return n;
		}
	}
	return -E2BIG;
}

/*
 * Wait until every XDP program that may have read a slot retired so far
 * has returned: XDP runs inside an RCU read-side section, and
 * MEMBARRIER_CMD_GLOBAL is synchronize_rcu() (some ms). Where it is
 * refused (nohz_full), the grace period is waited out.
 */
static void readers_sync(struct flow_table *ft)
{
	__u64 start = now_ns();
	struct timespec grace = {
		.tv_sec = SIPHON_SLOT_GRACE_NS / 1000000000ull,
		.tv_nsec = SIPHON_SLOT_GRACE_NS % 1000000000ull,
	};

	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		nanosleep(&grace, NULL);
	ft->synced_ns = start;
}

/*
 * A slot no lookup can be reading, or -E2BIG. Slots retired within the
 * grace are taken only after readers_sync(): a full table being updated
 * as a whole (a next-hop refresh) goes through its spare slots, then
 * waits some ms once for every eighth of the table.
 */
static long slot_claim(struct flow_table *ft)
{
	long n = slot_search(ft);

	if (n >= 0)
		return n;
	readers_sync(ft);
	return slot_search(ft);
}

static __u64 *count_word(const struct flow_table *ft)
{
	return &ft->idx[ft->nidx];
}

__u32 flow_index_count(const struct flow_table *ft)
{
	return (__u32)__atomic_load_n(count_word(ft), __ATOMIC_ACQUIRE);
}

static void count_add(struct flow_table *ft, long d)
{
	__atomic_store_n(count_word(ft), flow_index_count(ft) + d,
			 __ATOMIC_RELEASE);
}

void flow_index_recount(struct flow_table *ft)
{
	__u32 i, n = 0;

	for (i = 0; i < ft->nidx; i++)
		n += flow_index_slot_at(ft, i) >= 0;
	__atomic_store_n(count_word(ft), n, __ATOMIC_RELEASE);
}

static void slot_fill(struct flow_table *ft, __u32 n,
		      const struct siphon_flow_key *key,
		      const struct siphon_flow *flow)
{
	struct siphon_flow_slot *s = &ft->slots[n];

	__atomic_store_n(&s->state, SIPHON_SLOT_FREE, __ATOMIC_RELEASE);
	memcpy(&s->key, key, sizeof(s->key));
	memcpy(&s->flow, flow, sizeof(s->flow));
	s->retired_ns = 0;
	s->reserved = 0;
	__atomic_store_n(&s->state, SIPHON_SLOT_LIVE, __ATOMIC_RELEASE);
}

/* left as it is for the packets that may still read it; never 0 */
static void slot_retire(struct flow_table *ft, __u32 n)
{
	__atomic_store_n(&ft->slots[n].retired_ns, now_ns() | 1,
			 __ATOMIC_RELEASE);
}

int flow_index_put(struct flow_table *ft, const struct siphon_flow_key *key,
		   const struct siphon_flow *flow, enum flow_put_mode mode)
{
	__u32 word, old, free;
	bool found;
	long slot;

	found = !probe(ft, key, &word, &old, &free);
	if (found && mode == FLOW_PUT_NEW)
		return -EEXIST;
	if (!found && mode == FLOW_PUT_EXISTING)
		return -ENOENT;
	if (!found && flow_index_count(ft) >= ft->capacity)
		return -E2BIG;
	if (!found && free == ~0u)
		return -ENOSPC;
	slot = slot_claim(ft);
	if (slot < 0)
		return (int)slot;
	slot_fill(ft, (__u32)slot, key, flow);
	if (!found) {
		word = free;
		count_add(ft, 1);
	}
	word_store(ft, word,
		   siphon_flow_idx_word(siphon_flow_tag(siphon_flow_hash(
						key->addr, key->port)),
					(__u32)slot));
	if (found)
		slot_retire(ft, old);
	return 0;
}

/*
 * Tombstones with an empty word after them are emptied, back to front:
 * no probe ever crosses them to reach a flow, since an insert takes the
 * first free word of its probe, and misses stop early again.
 */
static void tombs_trim(struct flow_table *ft, __u32 n)
{
	__u32 mask = ft->nidx - 1, i;

	if (word_load(ft, (n + 1) & mask) != SIPHON_FLOW_IDX_EMPTY)
		return;
	for (i = 0; i < ft->nidx; i++, n = (n - 1) & mask) {
		if (word_load(ft, n) != SIPHON_FLOW_IDX_TOMB)
			break;
		word_store(ft, n, SIPHON_FLOW_IDX_EMPTY);
	}
}

int flow_index_del(struct flow_table *ft, const struct siphon_flow_key *key)
{
	__u32 word, slot;
	int err = flow_index_find(ft, key, &word, &slot);

	if (err)
		return err;
	word_store(ft, word, SIPHON_FLOW_IDX_TOMB);
	slot_retire(ft, slot);
	tombs_trim(ft, word);
	count_add(ft, -1);
	return 0;
}

int flow_index_clear(struct flow_table *ft)
{
	int n = 0;
	long slot;
	__u32 i;

	for (i = 0; i < ft->nidx; i++) {
		slot = flow_index_slot_at(ft, i);
		if (word_load(ft, i) != SIPHON_FLOW_IDX_EMPTY)
			word_store(ft, i, SIPHON_FLOW_IDX_EMPTY);
		if (slot < 0)
			continue;
		slot_retire(ft, (__u32)slot);
		n++;
	}
	__atomic_store_n(count_word(ft), 0, __ATOMIC_RELEASE);
	return n;
}
