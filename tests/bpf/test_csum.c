// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpf/csum.h, the incremental checksum update of RFC 1624, checked against
 * a full RFC 1071 recomputation (tests/lib/pkt_build.h, which shares no code
 * with it). The data is random from a fixed seed, so a failure repeats; the
 * failing iteration is logged.
 *
 * csum.h adds words as they sit in memory and keeps the checksum the same
 * way, so this file does too: buffers are bytes, checksums are the two bytes
 * a packet would carry, loaded into a __sum16 with memcpy.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "csum.h"
#include "pkt_build.h"

#define SEED 0x51900c5u
#define ITERATIONS 200000
#define PKT_ITERATIONS 50000
#define BUF_MAX 1500

/* splitmix64: a small generator that gives the same sequence everywhere */
static __u64 rng_next(__u64 *state)
{
	__u64 z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static __u32 rng_below(__u64 *state, __u32 n)
{
	return (__u32)(rng_next(state) % n);
}

static void rng_fill(__u64 *state, void *buf, size_t len)
{
	__u8 *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (__u8)rng_next(state);
}

/* the checksum of buf by full recomputation, as a packet would carry it */
static __sum16 full_csum(const void *buf, size_t len)
{
	__u8 wire[2];
	__sum16 check;

	pkt_put16(wire, pkt_csum(pkt_sum(buf, len, 0)));
	memcpy(&check, wire, sizeof(check));
	return check;
}

static __sum16 full_csum_udp(const void *buf, size_t len)
{
	__sum16 check = full_csum(buf, len);

	return check ? check : (__sum16)0xffff;
}

/*
 * The reference for csum_fold(): the 16-bit one's complement value that is
 * congruent to x modulo 0xffff, where only x == 0 folds to 0.
 */
static __u16 fold_reference(__u64 x)
{
	__u64 r = x % 0xffff;

	if (!x)
		return 0;
	return r ? (__u16)r : 0xffff;
}

TEST(fold_matches_modulo_0xffff)
{
	static const __u64 edges[] = {
		0,
		1,
		0xfffe,
		0xffff,
		0x10000,
		0x1fffe,
		0x1ffff,
		0xfffeffffull,
		0xffffffffull,
		0x100000000ull,
		0x1fffffffeull,
		0xfffffffeffffffffull,
		0xffffffffffff0000ull,
		0xffffffffffffffffull,
	};
	__u64 state = SEED, x;
	unsigned int i;

	/* braces: the harness's ASSERT_* are two statements */
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		ASSERT_EQ(fold_reference(edges[i]), csum_fold(edges[i]))
		{
			TH_LOG("x = 0x%llx", (unsigned long long)edges[i]);
		}
	}
	for (i = 0; i < ITERATIONS; i++) {
		x = rng_next(&state);
		/* also sums of a realistic size, not only huge ones */
		if (i & 1)
			x >>= rng_below(&state, 48);
		ASSERT_EQ(fold_reference(x), csum_fold(x))
		{
			TH_LOG("x = 0x%llx", (unsigned long long)x);
		}
	}
}

/*
 * Rewrite a few random 16- and 32-bit words (at even offsets, possibly the
 * same word twice) of a random buffer, accumulate the changes, apply them,
 * and compare with the checksum of the new buffer computed from scratch.
 */
TEST(random_rewrites_match_recomputation)
{
	__u8 buf[BUF_MAX];
	__u64 state = SEED, diff;
	__sum16 check, want;
	unsigned int iter, k, words;
	size_t len, off;
	__be32 old32, new32;
	__be16 old16, new16;

	for (iter = 0; iter < ITERATIONS; iter++) {
		len = 4 + rng_below(&state, BUF_MAX - 3);
		rng_fill(&state, buf, len);
		check = full_csum(buf, len);
		diff = 0;
		words = 1 + rng_below(&state, 8);
		for (k = 0; k < words; k++) {
			/* an even offset with room for the word */
			if (rng_below(&state, 2)) {
				off = rng_below(&state, (len - 4) / 2 + 1) * 2;
				new32 = (__be32)rng_next(&state);
				memcpy(&old32, buf + off, 4);
				diff = csum_diff32(diff, old32, new32);
				memcpy(buf + off, &new32, 4);
			} else {
				off = rng_below(&state, (len - 2) / 2 + 1) * 2;
				new16 = (__be16)rng_next(&state);
				memcpy(&old16, buf + off, 2);
				diff = csum_diff16(diff, old16, new16);
				memcpy(buf + off, &new16, 2);
			}
		}
		want = full_csum(buf, len);
		ASSERT_EQ(want, csum_apply(check, diff))
		{
			TH_LOG("iteration %u, len %zu, %u words", iter, len,
			       words);
		}
	}
}

/* A value a UDP header never carries once computed: 0 means "none". */
TEST(udp_apply_never_yields_zero)
{
	__u64 state = SEED;
	unsigned int i;
	__sum16 res;

	for (i = 0; i < ITERATIONS; i++) {
		res = csum_apply_udp((__sum16)rng_next(&state),
				     rng_next(&state) >> 16);
		ASSERT_NE(0, res);
	}
}

/*
 * Make the recomputed checksum come out as 0: with the last word w chosen
 * as the complement of the sum of the rest, the whole sums to all ones. RFC
 * 768 then sends 0xffff, and csum_apply_udp() must as well (csum_apply()
 * keeps 0). The 0xffff must then work as the base of the next update.
 */
TEST(udp_computed_zero_sent_as_ffff)
{
	__u8 buf[BUF_MAX];
	__u64 state = SEED, diff;
	__be16 old16, new16;
	__sum16 check;
	unsigned int iter;
	size_t len, off;
	__u8 wire[2];

	for (iter = 0; iter < ITERATIONS / 10; iter++) {
		/* even, with the last word as the one that is rewritten */
		len = 2 * (2 + rng_below(&state, BUF_MAX / 2 - 2));
		rng_fill(&state, buf, len);
		check = full_csum(buf, len);

		off = len - 2;
		pkt_put16(wire, pkt_csum(pkt_sum(buf, len - 2, 0)));
		memcpy(&new16, wire, 2);
		memcpy(&old16, buf + off, 2);
		diff = csum_diff16(0, old16, new16);
		memcpy(buf + off, &new16, 2);

		ASSERT_EQ(0, full_csum(buf, len));
		ASSERT_EQ(0, csum_apply(check, diff));
		ASSERT_EQ(0xffff, csum_apply_udp(check, diff));

		/* from 0xffff on: another random word rewritten */
		check = 0xffff;
		off = rng_below(&state, len / 2) * 2;
		new16 = (__be16)rng_next(&state);
		memcpy(&old16, buf + off, 2);
		diff = csum_diff16(0, old16, new16);
		memcpy(buf + off, &new16, 2);
		ASSERT_EQ(full_csum_udp(buf, len), csum_apply_udp(check, diff))
		{
			TH_LOG("iteration %u", iter);
		}
	}
}

/* The 64-bit accumulator takes a whole 64 KiB datagram changed at once. */
TEST(every_word_of_64k_rewritten)
{
	size_t len = 65532, off;
	__u64 state = SEED, diff = 0;
	__be32 old32, new32;
	__sum16 check;
	__u8 *buf;

	buf = malloc(len);
	ASSERT_NE(NULL, buf);
	/* all ones, so every ~old is 0 and new words are large */
	memset(buf, 0xff, len);
	check = full_csum(buf, len);
	for (off = 0; off < len; off += 4) {
		memcpy(&old32, buf + off, 4);
		new32 = off % 8 ? 0xffffffff : (__be32)rng_next(&state);
		diff = csum_diff32(diff, old32, new32);
		memcpy(buf + off, &new32, 4);
	}
	check = csum_apply(check, diff);
	EXPECT_EQ(full_csum(buf, len), check);
	free(buf);
}

/*
 * The rewrite siphon does (bpf/rewrite.h), over real headers: both
 * addresses and both ports of a UDP datagram replaced, the IPv4 header and
 * UDP checksums updated from one accumulated change, and compared byte for
 * byte with the rewritten datagram built from scratch.
 */
static void rewrite_like_relay(const struct pkt_spec *spec, __u8 *frame,
			       const struct pkt_layout *lay,
			       const struct pkt_spec *to)
{
	__u8 *ip = frame + lay->l3_off, *udp = frame + lay->l4_off;
	__be16 sport, dport, new_sport = htons(to->sport),
			     new_dport = htons(to->dport);
	__be32 word;
	__sum16 check;
	__u64 diff = 0;
	int i, words = spec->family == 4 ? 1 : 4;
	size_t saddr_off = spec->family == 4 ? 12 : 8;
	size_t daddr_off = spec->family == 4 ? 16 : 24;

	for (i = 0; i < words; i++) {
		memcpy(&word, ip + saddr_off + 4 * i, 4);
		diff = csum_diff32(diff, word, to->saddr[i]);
		memcpy(ip + saddr_off + 4 * i, &to->saddr[i], 4);
		memcpy(&word, ip + daddr_off + 4 * i, 4);
		diff = csum_diff32(diff, word, to->daddr[i]);
		memcpy(ip + daddr_off + 4 * i, &to->daddr[i], 4);
	}
	if (spec->family == 4) {
		memcpy(&check, ip + 10, 2);
		check = csum_apply(check, diff);
		memcpy(ip + 10, &check, 2);
	}
	memcpy(&sport, udp, 2);
	memcpy(&dport, udp + 2, 2);
	diff = csum_diff16(diff, sport, new_sport);
	diff = csum_diff16(diff, dport, new_dport);
	memcpy(&check, udp + 6, 2);
	if (spec->family == 6 || check) {
		check = csum_apply_udp(check, diff);
		memcpy(udp + 6, &check, 2);
	}
	memcpy(udp, &new_sport, 2);
	memcpy(udp + 2, &new_dport, 2);
}

static void random_endpoints(__u64 *state, struct pkt_spec *spec)
{
	int i;

	for (i = 0; i < 4; i++) {
		spec->saddr[i] = spec->family == 6 || !i ? rng_next(state) : 0;
		spec->daddr[i] = spec->family == 6 || !i ? rng_next(state) : 0;
	}
	spec->sport = (__u16)rng_next(state);
	spec->dport = (__u16)rng_next(state);
}

static void relay_rewrite_rounds(struct __test_metadata *_metadata, int family)
{
	__u8 frame[BUF_MAX], want[BUF_MAX], payload[512];
	struct pkt_layout lay, want_lay;
	struct pkt_spec spec, to;
	__u64 state = SEED + family;
	unsigned int iter;

	for (iter = 0; iter < PKT_ITERATIONS; iter++) {
		memset(&spec, 0, sizeof(spec));
		spec.family = family;
		spec.ttl = (__u8)rng_next(&state);
		spec.tos = (__u8)rng_next(&state);
		spec.df = rng_below(&state, 2);
		/* UDP without a checksum is legal over IPv4 only */
		spec.udp_csum_zero = family == 4 && !rng_below(&state, 8);
		random_endpoints(&state, &spec);
		spec.payload_len = rng_below(&state, sizeof(payload) + 1);
		rng_fill(&state, payload, spec.payload_len);
		spec.payload = payload;
		ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));

		to = spec;
		random_endpoints(&state, &to);
		ASSERT_EQ(0, pkt_build(&to, want, sizeof(want), &want_lay));

		rewrite_like_relay(&spec, frame, &lay, &to);
		ASSERT_EQ(0, memcmp(want, frame, lay.len))
		{
			TH_LOG("IPv%d iteration %u", family, iter);
		}
		if (family == 4) {
			ASSERT_TRUE(ipv4_header_csum_ok(frame, lay.len));
		}
		ASSERT_TRUE(udp_csum_ok(frame, lay.len));
	}
}

TEST(relay_rewrite_ipv4)
{
	relay_rewrite_rounds(_metadata, 4);
}

TEST(relay_rewrite_ipv6)
{
	relay_rewrite_rounds(_metadata, 6);
}

/* The verifiers themselves: a good frame passes, any flipped bit fails. */
TEST(verifiers_catch_single_bit_errors)
{
	static const __u8 payload[] = "siphon verifier check";
	__u8 frame[256];
	struct pkt_spec spec = {
		.family = 4,
		.ttl = 64,
		.sport = 4000,
		.dport = 5000,
		.payload = payload,
		.payload_len = sizeof(payload),
	};
	struct pkt_layout lay;
	size_t byte, end;
	int bit, family;

	for (family = 4; family <= 6; family += 2) {
		spec.family = family;
		random_endpoints(&(__u64){ SEED }, &spec);
		ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));
		ASSERT_EQ(family == 4, ipv4_header_csum_ok(frame, lay.len));
		ASSERT_TRUE(udp_csum_ok(frame, lay.len));
		/* bits covered by the UDP checksum but no length field */
		end = lay.len;
		for (byte = lay.data_off; byte < end; byte++) {
			for (bit = 0; bit < 8; bit++) {
				frame[byte] ^= 1 << bit;
				ASSERT_FALSE(udp_csum_ok(frame, lay.len));
				frame[byte] ^= 1 << bit;
			}
		}
		if (family == 4) {
			for (bit = 0; bit < 8; bit++) {
				frame[lay.l3_off + 8] ^= 1 << bit; /* TTL */
				ASSERT_FALSE(
					ipv4_header_csum_ok(frame, lay.len));
				frame[lay.l3_off + 8] ^= 1 << bit;
			}
		}
	}
}

TEST_HARNESS_MAIN
