/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A priced design, not siphon's (yet): ports of a relay address in
 * neighbouring words. A small table of relay addresses (64 entries, a
 * hash of the address picks the first, up to 4 probed), each with a
 * rank; an array of 32-bit words indexed by rank and port (32 addresses
 * x 65536 ports, 8 MiB) naming the flow's slot in siphon_flows (slot + 1,
 * 0: none). A relay gives out ports from a range, so the active part of
 * that array is a few runs of neighbouring words, where siphon_flowidx
 * scatters them over 67 MB at a million flows. Other addresses, and
 * ports with no word yet, go to flow_find() (the hashed index).
 *
 * tools/bench/relay-variant --from HEAD port builds it in place of the
 * relay's flow_find() call (bpf/relay.h). It fills itself from the
 * hashed index on a packet's first miss, without the control plane's
 * publish protocol (pricing only, like lookup_idx.h). See
 * Documentation/benchmarks.md.
 */
#define VADDR_BITS 6
#define VADDR_PROBES 4
#define VRANKS 32
#define VPORT_WORDS (VRANKS << 16)

struct vaddr {
	__be32 addr[4];
	__u32 family; /* 0: free */
	__u32 rank;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1u << VADDR_BITS);
	__type(key, __u32);
	__type(value, struct vaddr);
} siphon_vaddr SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VPORT_WORDS);
	__type(key, __u32);
	__type(value, __u32);
} siphon_vport SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} siphon_vrank SEC(".maps");

/* flow_find(), giving the slot number: for the fill only */
static __always_inline __u32 vslot_find(const __be32 *addr, __be16 port,
					__u8 family)
{
	__u64 hash = siphon_flow_hash(addr, port), word, *w;
	__u32 shift = flow_idx_shift, tag = siphon_flow_tag(hash);
	__u32 home = siphon_flow_home(hash, shift);
	__u32 mask = 0xffffffffu >> (shift - 32);
	struct siphon_flow_slot *s;
	__u32 i, n, slot;

	for (i = 0; i < SIPHON_FLOW_PROBES; i++) {
		n = (home + i) & mask;
		w = bpf_map_lookup_elem(&siphon_flowidx, &n);
		if (!w)
			return ~0u;
		word = *w;
		if (word == SIPHON_FLOW_IDX_EMPTY)
			return ~0u;
		if ((__u32)(word >> 32) != tag)
			continue;
		slot = (__u32)word;
		s = bpf_map_lookup_elem(&siphon_flows, &slot);
		if (s && flow_slot_holds(s, addr, port, family))
			return slot;
	}
	return ~0u;
}

static __always_inline struct vaddr *vaddr_find(const __be32 *addr,
						__u8 family, bool claim)
{
	__u32 h = (__u32)(((__u64)(addr[0] ^ addr[1] ^ addr[2] ^ addr[3]) *
			   0x9e3779b97f4a7c15ull) >> (64 - VADDR_BITS));
	__u32 i, n, zero = 0, *next;
	struct vaddr *a;

#pragma unroll
	for (i = 0; i < VADDR_PROBES; i++) {
		n = (h + i) & ((1u << VADDR_BITS) - 1);
		a = bpf_map_lookup_elem(&siphon_vaddr, &n);
		if (!a)
			return NULL;
		if (!a->family) {
			if (!claim)
				return NULL;
			next = bpf_map_lookup_elem(&siphon_vrank, &zero);
			if (!next || *next >= VRANKS)
				return NULL;
			a->rank = (*next)++;
			__builtin_memcpy(a->addr, addr, sizeof(a->addr));
			a->family = family;
			return a;
		}
		if (!((a->addr[0] ^ addr[0]) | (a->addr[1] ^ addr[1]) |
		      (a->addr[2] ^ addr[2]) | (a->addr[3] ^ addr[3])) &&
		    a->family == family)
			return a;
	}
	return NULL;
}

/* a miss: the hashed index, and the port's word filled from it */
static __always_inline __u32 vport_fill(const __be32 *addr, __be16 port,
					__u8 family, struct vaddr *a)
{
	__u32 n, *w, slot;

	slot = vslot_find(addr, port, family);
	if (slot == ~0u)
		return ~0u;
	a = a ?: vaddr_find(addr, family, true);
	if (a) {
		n = (a->rank & (VRANKS - 1)) << 16 | bpf_ntohs(port);
		w = bpf_map_lookup_elem(&siphon_vport, &n);
		if (w)
			*w = slot + 1;
	}
	return slot;
}

/*
 * The slot of the flow keyed by addr:port, ~0u for none. A subprogram
 * of its own, given the address by value: inlined, or given a pointer
 * into the caller's packet state, it moved the compiler's register and
 * stack choices enough that the verifier lost track of the packet's
 * pointers further on (and the combined stack went over 512 bytes). The
 * call costs the variant a few ns that an inlined build would not pay.
 */
static __noinline __u32 vport_slot(__be32 a0, __be32 a1, __be32 a2,
				   __be32 a3, __u32 port_family)
{
	__be32 addr[4] = { a0, a1, a2, a3 };
	__be16 port = (__be16)(port_family >> 8);
	__u8 family = (__u8)port_family;
	struct siphon_flow_slot *s;
	__u32 n, *w, slot;
	struct vaddr *a;

	a = vaddr_find(addr, family, false);
	if (a) {
		n = (a->rank & (VRANKS - 1)) << 16 | bpf_ntohs(port);
		w = bpf_map_lookup_elem(&siphon_vport, &n);
		if (w && *w) {
			slot = *w - 1;
			s = bpf_map_lookup_elem(&siphon_flows, &slot);
			if (s && flow_slot_holds(s, addr, port, family))
				return slot;
		}
	}
	return vport_fill(addr, port, family, a);
}

static __always_inline struct siphon_flow *
flow_find_port(const __be32 *addr, __be16 port, __u8 family)
{
	struct siphon_flow_slot *s;
	__u32 slot;

	slot = vport_slot(addr[0], addr[1], addr[2], addr[3],
			  (__u32)port << 8 | family);
	if (slot == ~0u)
		return NULL;
	s = bpf_map_lookup_elem(&siphon_flows, &slot);
	return s ? &s->flow : NULL;
}
