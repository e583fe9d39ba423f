// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond's live calls (user/siphond/shield_live.c) on real BPF maps the
 * shape of siphon_livecall and siphon_livepeer: the parties' counts
 * recounted at open, kept right through answers, a fork's second 2xx,
 * BYEs and the aging (more calls than one batch), and a full map said;
 * siphon_livepeer marks (1) exactly the slots whose count is not 0.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "siphon/flow.h"
#include "siphond/shield_live.h"

#define S 1000000000ull
#define LINGER (32 * S)
#define MAX_AGE (3600 * S)

static struct siphon_source_key party(__u32 n)
{
	struct siphon_source_key k = { .family = SIPHON_AF_INET };

	k.addr[0] = htonl(0xc6120000u | n); /* 198.18.x.y */
	return k;
}

static struct siphon_live_call call_of(__u32 a, __u32 b, __u64 since)
{
	struct siphon_live_call v = { .since_ns = since };

	v.peer[0] = party(a);
	v.peer[1] = party(b);
	return v;
}

static __u32 mark_at(int fd, const struct siphon_source_key *k)
{
	__u32 slot = siphon_peer_slot(k), n = ~0u;

	bpf_map_lookup_elem(fd, &slot, &n);
	return n;
}

static __u32 count_of(const struct shield_live *lv,
		      const struct siphon_source_key *k)
{
	return lv->peers[siphon_peer_slot(k)];
}

/* the count siphond keeps, and the map's mark that goes with it */
#define EXPECT_PARTIES(n, k)                                          \
	do {                                                          \
		EXPECT_EQ((__u32)(n), count_of(&self->lv, k));        \
		EXPECT_EQ((n) ? 1u : 0u, mark_at(self->peers_fd, k)); \
	} while (0)

static unsigned int calls_in(int fd)
{
	__u32 k, next, *prev = NULL;
	unsigned int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

FIXTURE(live)
{
	int live_fd, peers_fd;
	struct shield_live lv;
};

FIXTURE_SETUP(live)
{
	memset(&self->lv, 0, sizeof(self->lv));
	self->live_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_live",
				       sizeof(__u32),
				       sizeof(struct siphon_live_call),
				       SIPHON_LIVE_CALLS_MAX, NULL);
	self->peers_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "test_peers",
					sizeof(__u32), sizeof(__u32),
					SIPHON_LIVE_PEER_SLOTS, NULL);
	if (self->live_fd < 0 || self->peers_fd < 0)
		SKIP(return, "cannot create BPF maps (root?): %s",
			   strerror(errno));
}

FIXTURE_TEARDOWN(live)
{
	shield_live_close(&self->lv);
	if (self->live_fd >= 0)
		close(self->live_fd);
	if (self->peers_fd >= 0)
		close(self->peers_fd);
}

/* a count for nobody goes, the calls already there are counted */
TEST_F(live, open_recounts_the_parties)
{
	struct siphon_source_key nobody = party(999), one = party(1),
				 twelve = party(12);
	__u32 slot = siphon_peer_slot(&nobody), stale = 7, h;

	for (h = 1; h <= 3; h++) {
		struct siphon_live_call v = call_of(1, 10 + h, 1);

		ASSERT_EQ(0, bpf_map_update_elem(self->live_fd, &h, &v,
						 BPF_NOEXIST));
	}
	ASSERT_EQ(0,
		  bpf_map_update_elem(self->peers_fd, &slot, &stale, BPF_ANY));
	ASSERT_EQ(0,
		  shield_live_open(&self->lv, self->live_fd, self->peers_fd));
	EXPECT_PARTIES(3, &one);
	EXPECT_PARTIES(1, &twelve);
	EXPECT_PARTIES(0, &nobody);
}

TEST_F(live, an_answer_counts_its_parties_a_fork_replaces_them)
{
	struct siphon_live_call v = call_of(1, 2, 5), fork = call_of(1, 3, 6);
	struct siphon_live_call got;
	struct siphon_source_key a = party(1), b = party(2), c = party(3);
	__u32 h = 42;

	ASSERT_EQ(0,
		  shield_live_open(&self->lv, self->live_fd, self->peers_fd));
	EXPECT_EQ((int)LIVE_PUT_NEW, (int)shield_live_up(&self->lv, h, &v));
	EXPECT_PARTIES(1, &a);
	EXPECT_PARTIES(1, &b);
	EXPECT_EQ((int)LIVE_PUT_REPLACED,
		  (int)shield_live_up(&self->lv, h, &fork));
	EXPECT_PARTIES(1, &a);
	EXPECT_PARTIES(0, &b);
	EXPECT_PARTIES(1, &c);
	ASSERT_EQ(0, bpf_map_lookup_elem(self->live_fd, &h, &got));
	EXPECT_EQ(0, memcmp(&got, &fork, sizeof(got)));
}

TEST_F(live, a_bye_ends_a_live_call_once)
{
	struct siphon_live_call v = call_of(1, 2, 5), got;
	__u32 h = 42;

	ASSERT_EQ(0,
		  shield_live_open(&self->lv, self->live_fd, self->peers_fd));
	ASSERT_EQ((int)LIVE_PUT_NEW, (int)shield_live_up(&self->lv, h, &v));
	EXPECT_TRUE(shield_live_down(&self->lv, h, 77));
	EXPECT_FALSE(shield_live_down(&self->lv, h, 88));
	EXPECT_FALSE(shield_live_down(&self->lv, 43, 88));
	ASSERT_EQ(0, bpf_map_lookup_elem(self->live_fd, &h, &got));
	EXPECT_EQ(77ull, got.ended_ns);
	EXPECT_EQ(5ull, got.since_ns);
	/* ended, not gone: its parties still counted for the BYE's resends */
	EXPECT_PARTIES(1, &v.peer[0]);
}

/*
 * 1500 calls (several batches): a third ended long ago, a third just now,
 * a third never ended, half of those past the longest a call may live.
 * Every party is its own except phone 1, in all of them.
 */
TEST_F(live, aging_removes_what_is_over_and_uncounts_it)
{
	const __u64 now = 10000 * S;
	struct siphon_source_key one = party(1);
	unsigned int gone = 0, left = 0;
	__u32 h;

	ASSERT_EQ(0,
		  shield_live_open(&self->lv, self->live_fd, self->peers_fd));
	for (h = 0; h < 1500; h++) {
		struct siphon_live_call v = call_of(1, 1000 + h, 0);
		bool over;

		switch (h % 3) {
		case 0: /* ended past the linger */
			v.ended_ns = now - LINGER - S;
			over = true;
			break;
		case 1: /* ended a second ago */
			v.ended_ns = now - S;
			over = false;
			break;
		default: /* never ended: too old, or young */
			v.since_ns = h % 2 ? now - MAX_AGE - S : now - S;
			over = h % 2;
			break;
		}
		ASSERT_EQ((int)LIVE_PUT_NEW,
			  (int)shield_live_up(&self->lv, h, &v));
		gone += over;
		left += !over;
	}
	EXPECT_PARTIES(1500, &one);
	EXPECT_EQ(gone, shield_live_age(&self->lv, now, MAX_AGE, LINGER));
	EXPECT_EQ(left, calls_in(self->live_fd));
	EXPECT_PARTIES(left, &one);
	for (h = 0; h < 1500; h++) {
		struct siphon_source_key k = party(1000 + h);
		struct siphon_live_call got;
		bool kept = !bpf_map_lookup_elem(self->live_fd, &h, &got);

		EXPECT_PARTIES(kept ? 1 : 0, &k);
	}
	/* nothing more is over: a second pass removes nothing */
	EXPECT_EQ(0u, shield_live_age(&self->lv, now, MAX_AGE, LINGER));
	EXPECT_EQ(left, calls_in(self->live_fd));
	/* later, all are over: phone 1's slot empties with the last */
	EXPECT_EQ(left, shield_live_age(&self->lv, now + MAX_AGE + LINGER,
					MAX_AGE, LINGER));
	EXPECT_EQ(0u, calls_in(self->live_fd));
	EXPECT_PARTIES(0, &one);
}

/* without its counts (out of memory at open) siphond still ages calls */
TEST_F(live, aging_without_counts_still_removes)
{
	struct siphon_live_call v = call_of(1, 2, 0);
	__u32 h = 7;

	ASSERT_EQ(0,
		  shield_live_open(&self->lv, self->live_fd, self->peers_fd));
	ASSERT_EQ((int)LIVE_PUT_NEW, (int)shield_live_up(&self->lv, h, &v));
	shield_live_close(&self->lv); /* as if the counts were never had */
	ASSERT_TRUE(shield_live_down(&self->lv, h, S));
	EXPECT_EQ(1u,
		  shield_live_age(&self->lv, S + LINGER + S, MAX_AGE, LINGER));
	EXPECT_EQ(0u, calls_in(self->live_fd));
}

TEST(a_full_map_is_said)
{
	struct siphon_live_call v = call_of(1, 2, 5);
	struct shield_live lv;
	int live_fd, peers_fd;
	__u32 h;

	live_fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_live_full",
				 sizeof(__u32), sizeof(v), 4, NULL);
	peers_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "test_peers_full",
				  sizeof(__u32), sizeof(__u32),
				  SIPHON_LIVE_PEER_SLOTS, NULL);
	if (live_fd < 0 || peers_fd < 0)
		SKIP(return, "cannot create BPF maps (root?): %s",
			   strerror(errno));
	ASSERT_EQ(0, shield_live_open(&lv, live_fd, peers_fd));
	for (h = 0; h < 4; h++)
		EXPECT_EQ((int)LIVE_PUT_NEW, (int)shield_live_up(&lv, h, &v));
	EXPECT_EQ((int)LIVE_PUT_FULL, (int)shield_live_up(&lv, 4, &v));
	/* the refused call is not counted */
	EXPECT_EQ(4u, lv.peers[siphon_peer_slot(&v.peer[0])]);
	EXPECT_EQ(1u, mark_at(peers_fd, &v.peer[0]));
	shield_live_close(&lv);
	close(live_fd);
	close(peers_fd);
}

TEST_HARNESS_MAIN
