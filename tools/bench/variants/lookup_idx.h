/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A priced design, not siphon's: an inline two-level table. An index of
 * 2^21 64-bit words (a 32-bit tag of the hash, a slot number), probed
 * inline, linear, up to 4 words; the flows themselves in a dense
 * BPF_MAP_TYPE_ARRAY of slots (key, state, flow) in the order they were
 * added, as the hash's preallocated elements are. tools/bench/relay-variant
 * builds it in place of flow_lookup() in bpf/relay.h. The table fills
 * itself from siphon_flows, like lookup_arr.h (pricing only). See
 * Documentation/benchmarks.md.
 */
#define FIDX_BITS 21
#define FIDX_MASK ((1u << FIDX_BITS) - 1)
#define FIDX_PROBES 4
#define FDENSE_MAX 1100000

struct fdense {
	struct siphon_flow_key key;
	__u32 state;
	struct siphon_flow flow;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << FIDX_BITS);
	__type(key, __u32);
	__type(value, __u64);
} siphon_fidx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FDENSE_MAX);
	__type(key, __u32);
	__type(value, struct fdense);
} siphon_fdense SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} siphon_fnext SEC(".maps");

static __always_inline __u64 fidx_hash(const struct packet *pkt)
{
	__u64 x = pkt->daddr[0] ^ pkt->daddr[1] ^ pkt->daddr[2] ^ pkt->daddr[3];

	return (x << 16 | pkt->udp->dest) * 0x9E3779B97F4A7C15ull;
}

static __always_inline bool fdense_match(const struct fdense *s,
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
	__u64 hx = fidx_hash(pkt), *e, *empty = NULL, v;
	__u32 h = hx >> (64 - FIDX_BITS), tag = (__u32)hx | 1, i, idx, d, zero = 0, *next;
	struct fdense *s;

#pragma unroll
	for (i = 0; i < FIDX_PROBES; i++) {
		idx = (h + i) & FIDX_MASK;
		e = bpf_map_lookup_elem(&siphon_fidx, &idx);
		if (!e)
			break;
		v = *e;
		if (!v) {
			empty = e;
			break;
		}
		if ((__u32)(v >> 32) != tag)
			continue;
		d = (__u32)v;
		s = bpf_map_lookup_elem(&siphon_fdense, &d);
		if (s && fdense_match(s, pkt))
			return &s->flow;
	}
	__builtin_memcpy(key.addr, pkt->daddr, sizeof(key.addr));
	key.port = pkt->udp->dest;
	key.family = pkt->family;
	flow = bpf_map_lookup_elem(&siphon_flows, &key);
	if (!flow || !empty)
		return flow;
	next = bpf_map_lookup_elem(&siphon_fnext, &zero);
	if (!next)
		return flow;
	d = __sync_fetch_and_add(next, 1);
	s = bpf_map_lookup_elem(&siphon_fdense, &d);
	if (!s)
		return flow;
	s->key = key;
	__builtin_memcpy(&s->flow, flow, sizeof(*flow));
	*empty = (__u64)tag << 32 | d;
	return &s->flow;
}

