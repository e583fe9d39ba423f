/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's source rules, shared by XDP and userspace: allow, block and
 * ban lists (LPM tries, one per list, IPv4 and IPv6 in the same trie by a
 * family word in the key), per-source token buckets with their bans (an
 * LRU hash), the rate budgets, the Call-IDs of live calls, and the events
 * the XDP program sends siphond (a ring buffer).
 */
#ifndef SIPHON_SHIELD_H_ABI
#define SIPHON_SHIELD_H_ABI

#include <linux/types.h>

#define SIPHON_MAP_ALLOW "siphon_allow"
#define SIPHON_MAP_BLOCK "siphon_block"
#define SIPHON_MAP_BANS "siphon_bans"
#define SIPHON_MAP_SOURCES "siphon_sources"
#define SIPHON_MAP_RATE "siphon_rate"
#define SIPHON_MAP_LIVE_CALLS "siphon_livecall"
#define SIPHON_MAP_SHIELD_EVENTS "siphon_shevents"
#define SIPHON_MAP_SHIELD_COUNTS "siphon_shcount"

/* entries of each prefix list (allow, block, operator bans) */
#define SIPHON_PREFIXES_MAX 4096
/* sources with a token bucket; the least recently seen is evicted */
#define SIPHON_SOURCES_MAX 65536
/* Call-IDs of confirmed dialogs siphond protects from rate limits */
#define SIPHON_LIVE_CALLS_MAX 65536
/* the event ring, bytes (a power of two, a page multiple) */
#define SIPHON_SHIELD_EVENTS_BYTES (64 * 1024)

/*
 * An LPM key for IPv4 and IPv6: prefixlen counts the 32 bits of family,
 * then the address bits. An IPv4 address sits in addr[0], the rest zero.
 */
struct siphon_prefix_key {
	__u32 prefixlen; /* 32 + address bits */
	__u32 family; /* 4 or 6 (enum siphon_family) */
	__be32 addr[4];
};

_Static_assert(sizeof(struct siphon_prefix_key) == 24, "prefix key layout");

#define SIPHON_PREFIX_FAMILY_BITS 32

/* who put a list entry there: siphond's config is redone on reload */
enum siphon_prefix_origin {
	SIPHON_ORIGIN_OPERATOR = 1, /* siphonctl shield allow|block|ban */
	SIPHON_ORIGIN_CONFIG = 2, /* siphond.conf [shield] */
};

struct siphon_prefix_val {
	__u64 until_ns; /* bans: CLOCK_MONOTONIC end; 0 = no end */
	__u32 origin; /* enum siphon_prefix_origin */
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_prefix_val) == 16, "prefix val layout");

/* the request classes with a budget each */
enum siphon_rate_class {
	SIPHON_RATE_INVITE,
	SIPHON_RATE_REGISTER,
	SIPHON_RATE_OTHER, /* every other request */
	SIPHON_RATE_CLASSES
};

/* tokens are counted in thousandths so slow rates refill smoothly */
#define SIPHON_RATE_MILLI 1000

struct siphon_rate_budget {
	__u32 rate; /* requests per second, sustained */
	__u32 burst; /* requests at once, after a quiet spell */
};

/*
 * The single value of siphon_rate. Zero in a field means its default
 * (below), so a fresh map is a working shield with generous budgets.
 */
struct siphon_rate_cfg {
	struct siphon_rate_budget budget[SIPHON_RATE_CLASSES];
	__u32 ban_s; /* how long a source over budget is banned */
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_rate_cfg) == 32, "rate cfg layout");

/*
 * Defaults that never hurt a legitimate phone: a PBX behind one address
 * re-registering 500 phones at once (each challenged once: 1000
 * REGISTERs) stays within its burst, and 50 new calls a second from one
 * address is a trunk's load, not a phone's (trunks go on the allow list).
 */
#define SIPHON_RATE_INVITE_DEFAULT 50
#define SIPHON_BURST_INVITE_DEFAULT 200
#define SIPHON_RATE_REGISTER_DEFAULT 100
#define SIPHON_BURST_REGISTER_DEFAULT 2000
#define SIPHON_RATE_OTHER_DEFAULT 200
#define SIPHON_BURST_OTHER_DEFAULT 2000
#define SIPHON_BAN_S_DEFAULT 60
/* bounds of what siphond and siphonctl accept */
#define SIPHON_RATE_MAX 1000000
#define SIPHON_BAN_S_MAX 604800

/* siphon_sources key: one source address */
struct siphon_source_key {
	__u32 family;
	__be32 addr[4];
};

_Static_assert(sizeof(struct siphon_source_key) == 20, "source key layout");

/* siphon_sources value: a source's buckets and its ban */
struct siphon_source {
	__u64 refill_ns; /* when the buckets were last topped up */
	__u64 banned_until_ns; /* 0: not banned */
	__u32 tokens[SIPHON_RATE_CLASSES]; /* thousandths of a request */
	__u32 ban_drops; /* requests dropped during the current ban */
};

_Static_assert(sizeof(struct siphon_source) == 32, "source layout");

/* siphon_livecall value (key: the Call-ID hash, siphon_sip_info) */
struct siphon_live_call {
	__u64 since_ns; /* CLOCK_MONOTONIC when siphond saw it confirmed */
	__u64 ended_ns; /* its BYE; removed SIPHON_LIVE_CALL_LINGER_S later */
};

/* a BYE's retransmissions and their answers still pass after it */
#define SIPHON_LIVE_CALL_LINGER_S 32

/* siphon_shevents: what the XDP program tells siphond */
enum siphon_shield_event_type {
	SIPHON_SHIELD_EV_BAN = 1, /* a source went over its budget */
};

struct siphon_shield_event {
	__u32 type; /* enum siphon_shield_event_type */
	__u32 class; /* enum siphon_rate_class that ran dry */
	__u64 until_ns; /* CLOCK_MONOTONIC end of the ban */
	struct siphon_source_key src;
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_shield_event) == 40, "event layout");

/*
 * Per-CPU counters of the shield's tables (not packet reasons, which are
 * in siphon_stats): X(NAME, "help").
 */
#define SIPHON_SHIELD_COUNTERS(X)                                          \
	X(SOURCES_NEW, "token buckets created (a source not seen lately)") \
	X(BANS, "sources banned for going over a budget")                  \
	X(EVENTS_LOST, "ban events the ring buffer had no room for")       \
	X(SOURCES_FULL, "a source the bucket table could not take")

#define SIPHON_SHIELD_COUNTER_ENUM(name, help) SIPHON_SHC_##name,
enum siphon_shield_counter {
	SIPHON_SHIELD_COUNTERS(SIPHON_SHIELD_COUNTER_ENUM) SIPHON_SHC_MAX
};
#undef SIPHON_SHIELD_COUNTER_ENUM

#endif /* SIPHON_SHIELD_H_ABI */
