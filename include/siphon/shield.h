/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's source rules, shared by XDP and userspace: allow, block and
 * ban lists (LPM tries, one per list, IPv4 and IPv6 in the same trie by a
 * family word in the key), per-source token buckets with their bans (an
 * LRU hash), the rate budgets, the Call-IDs of live calls and their
 * parties' addresses, the sources known to be good, the global budget of
 * the others, and the events the XDP program sends siphond (a ring
 * buffer).
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
#define SIPHON_MAP_LIVE_PEERS "siphon_livepeer"
#define SIPHON_MAP_KNOWN_GOOD "siphon_goodsrc"
#define SIPHON_MAP_GLOBAL "siphon_global"
#define SIPHON_MAP_LISTS_GEN "siphon_listgen"

/* entries of each prefix list (allow, block, operator bans) */
#define SIPHON_PREFIXES_MAX 4096
/* sources with a token bucket; the least recently seen is evicted */
#define SIPHON_SOURCES_MAX 65536
/* Call-IDs of confirmed dialogs siphond protects from rate limits */
#define SIPHON_LIVE_CALLS_MAX 65536
/* slots of the live-call peer filter (a power of two: a hash's top bits) */
#define SIPHON_LIVE_PEER_SLOTS 65536
#define SIPHON_LIVE_PEER_SLOT_BITS 16
/* sources siphond vouches for; the least recently marked is evicted */
#define SIPHON_KNOWN_GOOD_MAX 65536
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
 * (below), so a fresh map is a working shield with generous budgets;
 * but a zero global rate means no global budget: its size is siphond's
 * to give ([shield] global_rate), and without siphond there is nothing
 * it would protect.
 */
struct siphon_rate_cfg {
	struct siphon_rate_budget budget[SIPHON_RATE_CLASSES];
	__u32 ban_s; /* how long a source over budget is banned */
	__u32 pad;
	/* shared by every request of a source neither allowed nor known to
	 * be good, that no live call claims: rate 0 = no global budget */
	struct siphon_rate_budget global;
};

_Static_assert(sizeof(struct siphon_rate_cfg) == 40, "rate cfg layout");

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
/*
 * siphond's default global budget: what its transaction table takes.
 * Each out-of-dialog request holds a server transaction for up to 32 s
 * (timers H and J) and the table holds 16384 by default, so 256 new
 * ones a second from unknown sources fill at most half of it.
 */
#define SIPHON_RATE_GLOBAL_DEFAULT 256
#define SIPHON_BURST_GLOBAL_DEFAULT 1024
/* how long a source stays known to be good after siphond vouched for it */
#define SIPHON_KNOWN_GOOD_S_DEFAULT 3600
/* bounds of what siphond and siphonctl accept */
#define SIPHON_RATE_MAX 1000000
#define SIPHON_BAN_S_MAX 604800

/* siphon_sources key: one source address */
struct siphon_source_key {
	__u32 family;
	__be32 addr[4];
};

_Static_assert(sizeof(struct siphon_source_key) == 20, "source key layout");

/* Via branches a source's bucket remembers, and their free resends */
#define SIPHON_BRANCHES_KEPT 4
/* RFC 3261 timers E and A resend a request 10 times at most in 32 s */
#define SIPHON_RESENDS_FREE 10

/* siphon_sources value: a source's buckets and its ban */
struct siphon_source {
	__u64 refill_ns; /* when the buckets were last topped up */
	__u64 banned_until_ns; /* 0: not banned */
	__u32 tokens[SIPHON_RATE_CLASSES]; /* thousandths of a request */
	__u32 ban_drops; /* requests dropped during the current ban */
	/* siphon_listgen when the ban was set or last found to hold: the
	 * ban is decided before reading only while the lists are the same */
	__u64 lists_gen;
	/* top Via branch hashes of the last requests charged, and how many
	 * resends of each went free (0 in branch: an empty slot) */
	__u32 branch[SIPHON_BRANCHES_KEPT];
	__u8 resent[SIPHON_BRANCHES_KEPT];
	__u32 branch_next; /* the slot the next charged request takes */
};

_Static_assert(sizeof(struct siphon_source) == 64, "source layout");

/* siphon_livecall value (key: the Call-ID hash, siphon_sip_info) */
struct siphon_live_call {
	__u64 since_ns; /* CLOCK_MONOTONIC when siphond saw it confirmed */
	__u64 ended_ns; /* its BYE; removed SIPHON_LIVE_CALL_LINGER_S later */
	/* where the caller's and the callee's requests come from, counted
	 * in siphon_livepeer while the entry lives (family 0: none) */
	struct siphon_source_key peer[2];
};

_Static_assert(sizeof(struct siphon_live_call) == 56, "live call layout");

/*
 * siphon_livepeer: an array of SIPHON_LIVE_PEER_SLOTS marks, indexed by
 * this hash of a source address; siphond counts each party of each entry
 * of siphon_livecall in its slot and marks (1) the slots whose count is
 * not 0 (the counts are its own). A banned source whose slot is 0
 * has no live call, so its requests drop before they are read; one whose
 * slot is not 0 (its own call, or another address in the same slot) is
 * read, and its request passes if its Call-ID is a live call's.
 */
static inline __u32 siphon_peer_slot(const struct siphon_source_key *k)
{
	__u32 h = k->family * 0x9e3779b1u;

	h = (h ^ k->addr[0]) * 0x9e3779b1u;
	h = (h ^ k->addr[1]) * 0x9e3779b1u;
	h = (h ^ k->addr[2]) * 0x9e3779b1u;
	h = (h ^ k->addr[3]) * 0x9e3779b1u;
	return h >> (32 - SIPHON_LIVE_PEER_SLOT_BITS);
}

/* why siphond vouched for a source (siphon_goodsrc) */
enum siphon_known_good_why {
	SIPHON_GOOD_DIALOG = 1, /* a party of a confirmed dialog */
	SIPHON_GOOD_REGISTER = 2, /* its REGISTER authenticated */
};

/* siphon_goodsrc value (key: struct siphon_source_key) */
struct siphon_known_good {
	__u64 until_ns; /* CLOCK_MONOTONIC; past it the source is unknown */
	__u32 why; /* enum siphon_known_good_why */
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_known_good) == 16, "known good layout");

/* siphon_global: the one bucket of the global budget (XDP's alone) */
struct siphon_global_bucket {
	__u64 refill_ns;
	__u32 tokens; /* thousandths of a request */
	__u32 pad;
};

_Static_assert(sizeof(struct siphon_global_bucket) == 16, "global layout");

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
#define SIPHON_SHIELD_COUNTERS(X)                                           \
	X(SOURCES_NEW, "token buckets created (a source not seen lately)")  \
	X(BANS, "sources banned for going over a budget")                   \
	X(EVENTS_LOST, "ban events the ring buffer had no room for")        \
	X(SOURCES_FULL, "a source the bucket table could not take")         \
	X(BANNED_UNREAD,                                                    \
	  "requests of banned sources dropped before they were read")       \
	X(LIVE_PEER_READ,                                                   \
	  "a banned source's packet read: it may have a live call")         \
	X(RESENT_FREE, "resent requests (a remembered branch) not charged") \
	X(KNOWN_GOOD, "requests of known-good sources: no global budget")   \
	X(GLOBAL_UNREAD,                                                    \
	  "global budget drops decided before reading the request")

#define SIPHON_SHIELD_COUNTER_ENUM(name, help) SIPHON_SHC_##name,
enum siphon_shield_counter {
	SIPHON_SHIELD_COUNTERS(SIPHON_SHIELD_COUNTER_ENUM) SIPHON_SHC_MAX
};
#undef SIPHON_SHIELD_COUNTER_ENUM

#endif /* SIPHON_SHIELD_H_ABI */
