/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The maps of the shield's source rules (siphon/shield.h): allow, block
 * and ban prefixes, the per-source buckets, the budgets, the live calls
 * and their parties, the sources known to be good, the global bucket,
 * the lists' generation, the events to siphond and the table counters. Pinned by name like every
 * other map (user/bpf_loader.c).
 */
#ifndef SIPHON_BPF_SHIELD_MAPS_H
#define SIPHON_BPF_SHIELD_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "siphon/shield.h"
#include "siphon/sip.h"

/* the allow, block and ban lists share one layout: IPv4 and IPv6 prefixes */
struct prefix_trie {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, SIPHON_PREFIXES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct siphon_prefix_key);
	__type(value, struct siphon_prefix_val);
};

/* sources that skip every shield drop and every rate limit */
struct prefix_trie siphon_allow SEC(".maps");

/* sources whose every packet to a SIP port is dropped */
struct prefix_trie siphon_block SEC(".maps");

/* bans an operator set (siphonctl shield ban), with their end */
struct prefix_trie siphon_bans SEC(".maps");

/* one token bucket per class and a ban per source address, bounded */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SIPHON_SOURCES_MAX);
	__type(key, struct siphon_source_key);
	__type(value, struct siphon_source);
} siphon_sources SEC(".maps");

/* the budgets; zero fields mean the defaults of siphon/shield.h */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct siphon_rate_cfg);
} siphon_rate SEC(".maps");

/* Call-ID hashes of confirmed dialogs (siphond fills and empties it) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SIPHON_LIVE_CALLS_MAX);
	__type(key, __u32);
	__type(value, struct siphon_live_call);
} siphon_livecall SEC(".maps");

/* a count per slot of the live calls' parties (siphon_peer_slot) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SIPHON_LIVE_PEER_SLOTS);
	__type(key, __u32);
	__type(value, __u32);
} siphon_livepeer SEC(".maps");

/* sources siphond vouches for: no global budget, bounded, LRU */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, SIPHON_KNOWN_GOOD_MAX);
	__type(key, struct siphon_source_key);
	__type(value, struct siphon_known_good);
} siphon_goodsrc SEC(".maps");

/* the global budget's one bucket */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct siphon_global_bucket);
} siphon_global SEC(".maps");

/* changes with every change of the allow or block list (its writers) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} siphon_listgen SEC(".maps");

/* bans, for siphond to log once each */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SIPHON_SHIELD_EVENTS_BYTES);
} siphon_shevents SEC(".maps");

/* OPTIONS to siphon itself: who that is, and siphond's heartbeat */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct siphon_options_cfg);
} siphon_options SEC(".maps");

/* enum siphon_shield_counter, per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SIPHON_SHC_MAX);
	__type(key, __u32);
	__type(value, __u64);
} siphon_shcount SEC(".maps");

#endif /* SIPHON_BPF_SHIELD_MAPS_H */
