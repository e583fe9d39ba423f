/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A priced design, not siphon's: flows in an open-addressing table of
 * BPF_MAP_TYPE_ARRAY slots (key, state, the whole flow), probed inline
 * with a multiplicative hash of (relay address, port), up to 4 slots.
 * tools/bench/relay-variant builds it in place of flow_lookup() in
 * bpf/relay.h. The table fills itself: a packet whose flow is not in it
 * yet looks it up in siphon_flows and copies it into the first free slot
 * (a shortcut for pricing only: the steady state of an inline table
 * without its control plane). See Documentation/benchmarks.md.
 */
#define FSLOT_BITS 21
#define FSLOT_MASK ((1u << FSLOT_BITS) - 1)
#define FSLOT_PROBES 4
#define FSLOT_LIVE 1

struct fslot {
	struct siphon_flow_key key;
	__u32 state;
	struct siphon_flow flow;
	__u8 pad[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << FSLOT_BITS);
	__type(key, __u32);
	__type(value, struct fslot);
} siphon_fslots SEC(".maps");

static __always_inline __u32 fslot_hash(const struct packet *pkt)
{
	__u64 x = pkt->daddr[0] ^ pkt->daddr[1] ^ pkt->daddr[2] ^ pkt->daddr[3];

	x = (x << 16 | pkt->udp->dest) * 0x9E3779B97F4A7C15ull;
	return x >> (64 - FSLOT_BITS);
}

static __always_inline bool fslot_match(const struct fslot *s,
					const struct packet *pkt)
{
	return !((s->key.addr[0] ^ pkt->daddr[0]) | (s->key.addr[1] ^ pkt->daddr[1]) |
		 (s->key.addr[2] ^ pkt->daddr[2]) | (s->key.addr[3] ^ pkt->daddr[3])) &&
	       s->key.port == pkt->udp->dest && s->key.family == pkt->family;
}

static __always_inline struct siphon_flow *flow_lookup(const struct packet *pkt)
{
	struct siphon_flow_key key = {};
	struct siphon_flow *flow;
	__u32 h = fslot_hash(pkt), i, idx;
	struct fslot *s, *empty = NULL;

#pragma unroll
	for (i = 0; i < FSLOT_PROBES; i++) {
		idx = (h + i) & FSLOT_MASK;
		s = bpf_map_lookup_elem(&siphon_fslots, &idx);
		if (!s)
			break;
		if (s->state == FSLOT_LIVE) {
			if (fslot_match(s, pkt))
				return &s->flow;
			continue;
		}
		empty = s;
		break;
	}
	__builtin_memcpy(key.addr, pkt->daddr, sizeof(key.addr));
	key.port = pkt->udp->dest;
	key.family = pkt->family;
	flow = bpf_map_lookup_elem(&siphon_flows, &key);
	if (flow && empty) {
		empty->key = key;
		__builtin_memcpy(&empty->flow, flow, sizeof(*flow));
		empty->state = FSLOT_LIVE;
		return &empty->flow;
	}
	return flow;
}

