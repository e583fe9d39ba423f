/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test frames built byte by byte: Ethernet with up to three VLAN tags,
 * IPv4 (options, fragment bits) or IPv6 (extension headers), then UDP or TCP
 * with a payload. Every checksum is computed from scratch over the finished
 * bytes (RFC 1071 sums, the RFC 768 / RFC 8200 pseudo-header), never updated
 * incrementally, so the tests have a reference that shares no code with
 * bpf/csum.h.
 *
 * Multi-byte fields are written big-endian one byte at a time; nothing here
 * depends on the host's byte order. Header-only: every test binary is built
 * from a single .c file.
 */
#ifndef SIPHON_TESTS_PKT_BUILD_H
#define SIPHON_TESTS_PKT_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <linux/types.h>

#define PKT_VLAN_MAX 3
#define PKT_EXT_MAX 8
#define PKT_IP_OPTS_MAX 40

#define PKT_ETH_P_IP 0x0800
#define PKT_ETH_P_ARP 0x0806
#define PKT_ETH_P_8021Q 0x8100
#define PKT_ETH_P_8021AD 0x88a8
#define PKT_ETH_P_IPV6 0x86dd

#define PKT_PROTO_HOPOPTS 0
#define PKT_PROTO_TCP 6
#define PKT_PROTO_UDP 17
#define PKT_PROTO_ROUTING 43
#define PKT_PROTO_FRAGMENT 44
#define PKT_PROTO_DSTOPTS 60

/* IPv4 flags in the frag_off word */
#define PKT_IP4_DF 0x4000
#define PKT_IP4_MF 0x2000

/* routing type 253 is for experiments (RFC 4727); segments left stays 0 */
#define PKT_ROUTING_TYPE_EXP 253

struct pkt_spec {
	__u8 dmac[6];
	__u8 smac[6];

	/* 0..PKT_VLAN_MAX tags, outermost first */
	int vlans;
	/* 0: 802.1ad for the outer of several tags, else 802.1Q */
	__u16 vlan_tpid[PKT_VLAN_MAX];
	__u16 vlan_tci[PKT_VLAN_MAX];

	/* 4 or 6; 0 writes eth_proto and then raw_l3 as it is */
	int family;
	__u16 eth_proto;
	const void *raw_l3;
	size_t raw_l3_len;

	/* addresses in network order; an IPv4 address sits in word 0 */
	__be32 saddr[4];
	__be32 daddr[4];
	__u8 tos; /* IPv4 TOS, IPv6 traffic class */
	__u8 ttl; /* IPv4 TTL, IPv6 hop limit */
	__u32 flowlabel; /* IPv6, 20 bits */
	__u16 ip_id; /* IPv4 identification */

	/* IPv4: options (a multiple of 4 bytes), DF, fragment bits */
	__u8 ip_opts[PKT_IP_OPTS_MAX];
	size_t ip_opts_len;
	bool df;
	/* IPv4 MF, or the M flag of an IPv6 fragment header */
	bool frag_more;
	/* in 8-octet units, for IPv4 or the IPv6 fragment header */
	__u16 frag_offset;

	/*
	 * IPv6 extension headers in order: PKT_PROTO_HOPOPTS, _DSTOPTS
	 * (PadN filled), _ROUTING (experimental type, segments left 0) or
	 * _FRAGMENT. ext_len8 is the Hdr Ext Len field: extra 8-octet units.
	 */
	int n_ext;
	__u8 ext[PKT_EXT_MAX];
	__u8 ext_len8[PKT_EXT_MAX];

	/* 0 means UDP */
	__u8 l4_proto;
	__u16 sport; /* host order */
	__u16 dport;
	const void *payload;
	size_t payload_len;
	/* send UDP without a checksum (field 0) */
	bool udp_csum_zero;

	/* zero bytes after the IP datagram (Ethernet padding) */
	size_t trailer_len;

	/*
	 * Deliberate damage, applied after the checksums are computed (the
	 * IPv4 header checksum is recomputed, so only the damage is wrong).
	 */
	int ip_len_adjust; /* added to tot_len / payload_len */
	int udp_len_adjust; /* added to the UDP length */
	int ihl_override; /* non-zero: its low 4 bits become the IHL */
	int version_override; /* non-zero: written as the IP version */
};

/* where the builder put each layer */
struct pkt_layout {
	size_t len; /* the whole frame */
	size_t l3_off; /* IP header, or raw_l3 */
	size_t l4_off; /* UDP or TCP header */
	size_t data_off; /* L4 payload */
};

/* what pkt_parse() found in a frame */
struct pkt_view {
	int family; /* 4, 6, or 0 when not IP */
	size_t l3_off;
	size_t l4_off;
	__u8 l4_proto;
	size_t l4_len; /* bytes after the IP headers, as IP declares them */
};

static inline void pkt_put16(__u8 *p, __u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void pkt_put32(__u8 *p, __u32 v)
{
	pkt_put16(p, v >> 16);
	pkt_put16(p + 2, v & 0xffff);
}

static inline __u16 pkt_get16(const __u8 *p)
{
	return (__u16)(p[0] << 8 | p[1]);
}

/* RFC 1071: add big-endian 16-bit words; an odd last byte is padded with 0 */
static inline __u64 pkt_sum(const void *data, size_t len, __u64 sum)
{
	const __u8 *p = data;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += pkt_get16(p + i);
	if (len & 1)
		sum += (__u64)p[len - 1] << 8;
	return sum;
}

static inline __u16 pkt_fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* the checksum field value (host order) that makes the sum all ones */
static inline __u16 pkt_csum(__u64 sum)
{
	return (__u16)~pkt_fold(sum);
}

/*
 * Sum of the pseudo-header: RFC 768 for IPv4 (addresses, zero, protocol,
 * length), RFC 8200 section 8.1 for IPv6 (addresses, 32-bit length, zeros,
 * next header). The addresses are read from the IP header at ip.
 */
static inline __u64 pkt_pseudo_sum(int family, const __u8 *ip, __u8 proto,
				   __u32 l4_len)
{
	if (family == 4)
		return pkt_sum(ip + 12, 8, 0) + proto + (l4_len & 0xffff);
	return pkt_sum(ip + 8, 32, 0) + (l4_len >> 16) + (l4_len & 0xffff) +
	       proto;
}

static inline size_t pkt_ext_size(const struct pkt_spec *s, int i)
{
	if (s->ext[i] == PKT_PROTO_FRAGMENT)
		return 8;
	return (s->ext_len8[i] + 1) * 8;
}

static inline size_t pkt_l3_hdr_size(const struct pkt_spec *s)
{
	size_t len;
	int i;

	if (s->family == 4)
		return 20 + s->ip_opts_len;
	len = 40;
	for (i = 0; i < s->n_ext; i++)
		len += pkt_ext_size(s, i);
	return len;
}

static inline size_t pkt_l4_hdr_size(const struct pkt_spec *s)
{
	return s->l4_proto == PKT_PROTO_TCP ? 20 : 8;
}

static inline __u8 pkt_l4_proto(const struct pkt_spec *s)
{
	return s->l4_proto ? s->l4_proto : PKT_PROTO_UDP;
}

/* one IPv6 extension header at p; returns its size */
static inline size_t pkt_put_ext(const struct pkt_spec *s, int i, __u8 *p)
{
	size_t size = pkt_ext_size(s, i);

	/* p[0], the next header, is written by the caller */
	memset(p, 0, size);
	switch (s->ext[i]) {
	case PKT_PROTO_FRAGMENT:
		pkt_put16(p + 2, s->frag_offset << 3 | (s->frag_more ? 1 : 0));
		pkt_put32(p + 4, 0x5190f00d);
		break;
	case PKT_PROTO_ROUTING:
		p[1] = s->ext_len8[i];
		p[2] = PKT_ROUTING_TYPE_EXP;
		p[3] = 0; /* segments left */
		break;
	default:
		/* hop-by-hop and destination options: one PadN option */
		p[1] = s->ext_len8[i];
		p[2] = 1;
		p[3] = (__u8)(size - 4);
		break;
	}
	return size;
}

static inline void pkt_put_ipv4(const struct pkt_spec *s, __u8 *ip,
				size_t l4_len)
{
	size_t hlen = pkt_l3_hdr_size(s);
	__u16 frag = s->frag_offset & 0x1fff;

	if (s->df)
		frag |= PKT_IP4_DF;
	if (s->frag_more)
		frag |= PKT_IP4_MF;
	ip[0] = 0x40 | (__u8)(hlen / 4);
	ip[1] = s->tos;
	pkt_put16(ip + 2, (__u16)(hlen + l4_len));
	pkt_put16(ip + 4, s->ip_id);
	pkt_put16(ip + 6, frag);
	ip[8] = s->ttl;
	ip[9] = pkt_l4_proto(s);
	pkt_put16(ip + 10, 0);
	memcpy(ip + 12, &s->saddr[0], 4);
	memcpy(ip + 16, &s->daddr[0], 4);
	memcpy(ip + 20, s->ip_opts, s->ip_opts_len);
}

/* the IPv6 header and its extension headers; returns the L4 offset in ip */
static inline size_t pkt_put_ipv6(const struct pkt_spec *s, __u8 *ip,
				  size_t l4_len)
{
	size_t hlen = pkt_l3_hdr_size(s), off = 40;
	__u8 *next = ip + 6;
	int i;

	pkt_put32(ip,
		  6u << 28 | (__u32)s->tos << 20 | (s->flowlabel & 0xfffff));
	pkt_put16(ip + 4, (__u16)(hlen - 40 + l4_len));
	ip[7] = s->ttl;
	memcpy(ip + 8, s->saddr, 16);
	memcpy(ip + 24, s->daddr, 16);
	for (i = 0; i < s->n_ext; i++) {
		*next = s->ext[i];
		next = ip + off;
		off += pkt_put_ext(s, i, ip + off);
	}
	*next = pkt_l4_proto(s);
	return off;
}

static inline void pkt_put_l4(const struct pkt_spec *s, __u8 *l4, size_t l4_len)
{
	size_t hlen = pkt_l4_hdr_size(s);

	memset(l4, 0, hlen);
	pkt_put16(l4, s->sport);
	pkt_put16(l4 + 2, s->dport);
	if (s->l4_proto == PKT_PROTO_TCP) {
		pkt_put32(l4 + 4, 1); /* sequence number */
		l4[12] = 5 << 4; /* data offset */
		l4[13] = 0x02; /* SYN */
		pkt_put16(l4 + 14, 65535);
	} else {
		pkt_put16(l4 + 4, (__u16)l4_len);
	}
	if (s->payload_len)
		memcpy(l4 + hlen, s->payload, s->payload_len);
}

static inline void pkt_put_l4_csum(const struct pkt_spec *s, const __u8 *ip,
				   __u8 *l4, size_t l4_len)
{
	__u8 proto = pkt_l4_proto(s);
	__u8 *check = l4 + (proto == PKT_PROTO_TCP ? 16 : 6);
	__u16 csum;

	if (proto == PKT_PROTO_UDP && s->udp_csum_zero)
		return;
	csum = pkt_csum(pkt_sum(l4, l4_len,
				pkt_pseudo_sum(s->family, ip, proto, l4_len)));
	/* RFC 768: a computed 0 is sent as all ones, 0 means "none" */
	if (proto == PKT_PROTO_UDP && !csum)
		csum = 0xffff;
	pkt_put16(check, csum);
}

static inline void pkt_ipv4_fix_csum(__u8 *ip)
{
	size_t hlen = (ip[0] & 0x0f) * 4;

	/* a damaged IHL below 5 still gets a checksum over 20 bytes */
	if (hlen < 20)
		hlen = 20;
	pkt_put16(ip + 10, 0);
	pkt_put16(ip + 10, pkt_csum(pkt_sum(ip, hlen, 0)));
}

static inline void pkt_damage(const struct pkt_spec *s, __u8 *ip, __u8 *l4)
{
	if (s->udp_len_adjust && pkt_l4_proto(s) == PKT_PROTO_UDP)
		pkt_put16(l4 + 4, pkt_get16(l4 + 4) + s->udp_len_adjust);
	if (s->family == 6) {
		if (s->ip_len_adjust)
			pkt_put16(ip + 4, pkt_get16(ip + 4) + s->ip_len_adjust);
		if (s->version_override)
			ip[0] = (ip[0] & 0x0f) | s->version_override << 4;
		return;
	}
	if (s->ip_len_adjust)
		pkt_put16(ip + 2, pkt_get16(ip + 2) + s->ip_len_adjust);
	if (s->ihl_override)
		ip[0] = (ip[0] & 0xf0) | (s->ihl_override & 0x0f);
	if (s->version_override)
		ip[0] = (ip[0] & 0x0f) | s->version_override << 4;
	pkt_ipv4_fix_csum(ip);
}

static inline size_t pkt_put_l2(const struct pkt_spec *s, __u8 *buf,
				__u16 proto)
{
	size_t off = 12;
	__u16 tpid;
	int i;

	memcpy(buf, s->dmac, 6);
	memcpy(buf + 6, s->smac, 6);
	for (i = 0; i < s->vlans; i++) {
		tpid = s->vlan_tpid[i];
		if (!tpid)
			tpid = i == 0 && s->vlans > 1 ? PKT_ETH_P_8021AD :
							PKT_ETH_P_8021Q;
		pkt_put16(buf + off, tpid);
		pkt_put16(buf + off + 2, s->vlan_tci[i]);
		off += 4;
	}
	pkt_put16(buf + off, proto);
	return off + 2;
}

/*
 * Build the frame s describes into buf. Returns 0, or -1 when the spec is
 * inconsistent or the frame does not fit in size bytes.
 */
static inline int pkt_build(const struct pkt_spec *s, void *buf, size_t size,
			    struct pkt_layout *lay)
{
	size_t l4_len, l2_len, need;
	__u8 *p = buf, *ip, *l4;
	__u16 proto;

	if (s->vlans < 0 || s->vlans > PKT_VLAN_MAX || s->n_ext < 0 ||
	    s->n_ext > PKT_EXT_MAX || s->ip_opts_len > PKT_IP_OPTS_MAX ||
	    s->ip_opts_len % 4)
		return -1;
	if (s->family != 4 && s->family != 6) {
		need = 14 + 4 * s->vlans + s->raw_l3_len;
		if (need > size)
			return -1;
		l2_len = pkt_put_l2(s, p, s->eth_proto);
		if (s->raw_l3_len)
			memcpy(p + l2_len, s->raw_l3, s->raw_l3_len);
		lay->len = need;
		lay->l3_off = lay->l4_off = lay->data_off = l2_len;
		return 0;
	}

	l4_len = pkt_l4_hdr_size(s) + s->payload_len;
	need = 14 + 4 * s->vlans + pkt_l3_hdr_size(s) + l4_len + s->trailer_len;
	if (need > size || need - 14 > 0xffff)
		return -1;
	memset(p, 0, need);

	proto = s->eth_proto;
	if (!proto)
		proto = s->family == 4 ? PKT_ETH_P_IP : PKT_ETH_P_IPV6;
	l2_len = pkt_put_l2(s, p, proto);
	ip = p + l2_len;
	if (s->family == 4) {
		pkt_put_ipv4(s, ip, l4_len);
		l4 = ip + pkt_l3_hdr_size(s);
		pkt_ipv4_fix_csum(ip);
	} else {
		l4 = ip + pkt_put_ipv6(s, ip, l4_len);
	}
	pkt_put_l4(s, l4, l4_len);
	pkt_put_l4_csum(s, ip, l4, l4_len);
	pkt_damage(s, ip, l4);

	lay->len = need;
	lay->l3_off = l2_len;
	lay->l4_off = l4 - p;
	lay->data_off = lay->l4_off + pkt_l4_hdr_size(s);
	return 0;
}

/*
 * Find the layers of a frame, independently of the program under test:
 * any number of VLAN tags, IPv4 options, the IPv6 extension headers the
 * builder writes. Returns 0, or -1 when a header is cut short or declares
 * more bytes than the frame has.
 */
static inline int pkt_parse(const void *frame, size_t len, struct pkt_view *v)
{
	const __u8 *f = frame, *ip;
	size_t off = 12, hlen, ip_len;
	__u16 proto;
	__u8 next;

	memset(v, 0, sizeof(*v));
	for (;;) {
		if (off + 2 > len)
			return -1;
		proto = pkt_get16(f + off);
		if (proto != PKT_ETH_P_8021Q && proto != PKT_ETH_P_8021AD)
			break;
		off += 4;
	}
	off += 2;
	v->l3_off = off;
	ip = f + off;

	if (proto == PKT_ETH_P_IP) {
		if (off + 20 > len || ip[0] >> 4 != 4)
			return -1;
		hlen = (ip[0] & 0x0f) * 4;
		ip_len = pkt_get16(ip + 2);
		if (hlen < 20 || ip_len < hlen || off + ip_len > len)
			return -1;
		v->family = 4;
		v->l4_proto = ip[9];
		v->l4_off = off + hlen;
		v->l4_len = ip_len - hlen;
		return 0;
	}
	if (proto != PKT_ETH_P_IPV6)
		return 0;

	if (off + 40 > len || ip[0] >> 4 != 6)
		return -1;
	ip_len = pkt_get16(ip + 4);
	if (off + 40 + ip_len > len)
		return -1;
	next = ip[6];
	off += 40;
	while (next == PKT_PROTO_HOPOPTS || next == PKT_PROTO_DSTOPTS ||
	       next == PKT_PROTO_ROUTING || next == PKT_PROTO_FRAGMENT) {
		if (off + 8 > len)
			return -1;
		hlen = next == PKT_PROTO_FRAGMENT ? 8 : (f[off + 1] + 1) * 8;
		if (off + hlen > v->l3_off + 40 + ip_len)
			return -1;
		next = f[off];
		off += hlen;
	}
	v->family = 6;
	v->l4_proto = next;
	v->l4_off = off;
	v->l4_len = v->l3_off + 40 + ip_len - off;
	return 0;
}

/* true when the frame carries IPv4 and its header checksum verifies */
static inline bool ipv4_header_csum_ok(const void *frame, size_t len)
{
	const __u8 *f = frame;
	struct pkt_view v;

	if (pkt_parse(frame, len, &v) || v.family != 4)
		return false;
	return pkt_fold(pkt_sum(f + v.l3_off, v.l4_off - v.l3_off, 0)) ==
	       0xffff;
}

/*
 * true when the frame carries UDP whose checksum verifies over the
 * pseudo-header and the UDP length. A checksum of 0 means "none" and is
 * accepted over IPv4 only (RFC 768); over IPv6 it is invalid (RFC 8200).
 * With a routing header the pseudo-header would need the final destination;
 * the builder's routing headers have no segments left, so it is daddr.
 */
static inline bool udp_csum_ok(const void *frame, size_t len)
{
	const __u8 *f = frame, *udp;
	struct pkt_view v;
	size_t udp_len;

	if (pkt_parse(frame, len, &v) || !v.family ||
	    v.l4_proto != PKT_PROTO_UDP || v.l4_len < 8)
		return false;
	udp = f + v.l4_off;
	udp_len = pkt_get16(udp + 4);
	if (udp_len < 8 || udp_len > v.l4_len)
		return false;
	if (!pkt_get16(udp + 6))
		return v.family == 4;
	return pkt_fold(pkt_sum(udp, udp_len,
				pkt_pseudo_sum(v.family, f + v.l3_off,
					       PKT_PROTO_UDP, udp_len))) ==
	       0xffff;
}

#endif /* SIPHON_TESTS_PKT_BUILD_H */
