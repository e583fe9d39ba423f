// SPDX-License-Identifier: GPL-2.0-only
/*
 * map_walk() over a real BPF hash map: every key visited once, even when
 * the walk deletes the key it is on (the kernel then answers "the key
 * after it" with the map's first key: a walk that asks after deleting
 * starts over, which is how siphond's aging of live calls once went
 * quadratic), the bound on visits, and a callback that stops the walk.
 * map_walk_elems() the same, reading elements in batches, and key by key
 * on a map without batch reads (an LPM trie).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "map_walk.h"

#define KEYS 2000

struct walk_log {
	unsigned int visits[KEYS];
	unsigned int total;
	int delete_every; /* 1: every key, 2: the even ones, 0: none */
	int stop_at; /* the visit that returns -EIO (0: none) */
	unsigned int wrong_values;
};

static int visit(int fd, const void *key, void *ctx)
{
	struct walk_log *l = ctx;
	__u32 k;

	memcpy(&k, key, sizeof(k));
	if (k < KEYS)
		l->visits[k]++;
	l->total++;
	if (l->stop_at && (int)l->total == l->stop_at)
		return -EIO;
	if (l->delete_every && k % l->delete_every == 0)
		bpf_map_delete_elem(fd, key);
	return 0;
}

static unsigned int keys_left(int fd)
{
	__u32 k, next;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

FIXTURE(walk)
{
	int fd;
	struct walk_log log;
};

static __u64 value_of(__u32 k)
{
	return 3ull * k + 1;
}

/* map_walk_elems' visit: also counts values that are not the key's */
static int visit_elem(int fd, const void *key, const void *value, void *ctx)
{
	struct walk_log *l = ctx;
	__u32 k;
	__u64 v;

	memcpy(&k, key, sizeof(k));
	memcpy(&v, value, sizeof(v));
	l->wrong_values += v != value_of(k);
	return visit(fd, key, ctx);
}

FIXTURE_SETUP(walk)
{
	__u64 v;
	__u32 k;

	memset(&self->log, 0, sizeof(self->log));
	self->fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_walk", sizeof(__u32),
				  sizeof(v), 2 * KEYS, NULL);
	if (self->fd < 0)
		SKIP(return, "cannot create a BPF hash map (root?): %s",
			   strerror(errno));
	for (k = 0; k < KEYS; k++) {
		v = value_of(k);
		ASSERT_EQ(0,
			  bpf_map_update_elem(self->fd, &k, &v, BPF_NOEXIST));
	}
}

FIXTURE_TEARDOWN(walk)
{
	if (self->fd >= 0)
		close(self->fd);
}

static void expect_each_once(struct __test_metadata *_metadata,
			     const struct walk_log *l)
{
	unsigned int k, twice = 0, never = 0;

	for (k = 0; k < KEYS; k++) {
		twice += l->visits[k] > 1;
		never += !l->visits[k];
	}
	EXPECT_EQ(0u, twice);
	EXPECT_EQ(0u, never);
	EXPECT_EQ((unsigned int)KEYS, l->total);
}

TEST_F(walk, every_key_once_without_deletes)
{
	EXPECT_EQ(KEYS, map_walk(self->fd, sizeof(__u32), 10 * KEYS, visit,
				 &self->log));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ((unsigned int)KEYS, keys_left(self->fd));
}

TEST_F(walk, every_key_once_deleting_each)
{
	self->log.delete_every = 1;
	EXPECT_EQ(KEYS, map_walk(self->fd, sizeof(__u32), 10 * KEYS, visit,
				 &self->log));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ(0u, keys_left(self->fd));
}

TEST_F(walk, every_key_once_deleting_half)
{
	__u32 k;
	__u64 v;

	self->log.delete_every = 2;
	EXPECT_EQ(KEYS, map_walk(self->fd, sizeof(__u32), 10 * KEYS, visit,
				 &self->log));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ((unsigned int)KEYS / 2, keys_left(self->fd));
	for (k = 0; k < KEYS; k++)
		EXPECT_EQ(k % 2 ? 0 : -ENOENT,
			  bpf_map_lookup_elem(self->fd, &k, &v));
}

TEST_F(walk, stops_at_its_bound)
{
	self->log.delete_every = 1;
	EXPECT_EQ(10, map_walk(self->fd, sizeof(__u32), 10, visit, &self->log));
	EXPECT_EQ(10u, self->log.total);
	EXPECT_EQ((unsigned int)KEYS - 10, keys_left(self->fd));
}

TEST_F(walk, a_callback_error_stops_it)
{
	self->log.stop_at = 7;
	EXPECT_EQ(-EIO, map_walk(self->fd, sizeof(__u32), 10 * KEYS, visit,
				 &self->log));
	EXPECT_EQ(7u, self->log.total);
}

TEST_F(walk, refuses_key_sizes_it_cannot_hold)
{
	EXPECT_EQ(-EINVAL, map_walk(self->fd, 0, KEYS, visit, &self->log));
	EXPECT_EQ(-EINVAL, map_walk(self->fd, 65, KEYS, visit, &self->log));
	EXPECT_EQ(0u, self->log.total);
}

TEST_F(walk, an_empty_map_is_no_visit)
{
	self->log.delete_every = 1;
	ASSERT_EQ(KEYS, map_walk(self->fd, sizeof(__u32), 10 * KEYS, visit,
				 &self->log));
	self->log.total = 0;
	EXPECT_EQ(0,
		  map_walk(self->fd, sizeof(__u32), KEYS, visit, &self->log));
	EXPECT_EQ(0u, self->log.total);
}

static int walk_elems(FIXTURE_DATA(walk) * self, unsigned long max)
{
	return map_walk_elems(self->fd, sizeof(__u32), sizeof(__u64), max,
			      visit_elem, &self->log);
}

TEST_F(walk, elems_every_element_once_with_its_value)
{
	EXPECT_EQ(KEYS, walk_elems(self, 10 * KEYS));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ(0u, self->log.wrong_values);
	EXPECT_EQ((unsigned int)KEYS, keys_left(self->fd));
}

TEST_F(walk, elems_every_element_once_deleting_each)
{
	self->log.delete_every = 1;
	EXPECT_EQ(KEYS, walk_elems(self, 10 * KEYS));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ(0u, self->log.wrong_values);
	EXPECT_EQ(0u, keys_left(self->fd));
}

TEST_F(walk, elems_every_element_once_deleting_half)
{
	__u32 k;
	__u64 v;

	self->log.delete_every = 2;
	EXPECT_EQ(KEYS, walk_elems(self, 10 * KEYS));
	expect_each_once(_metadata, &self->log);
	EXPECT_EQ((unsigned int)KEYS / 2, keys_left(self->fd));
	for (k = 0; k < KEYS; k++)
		EXPECT_EQ(k % 2 ? 0 : -ENOENT,
			  bpf_map_lookup_elem(self->fd, &k, &v));
}

TEST_F(walk, elems_stop_at_their_bound)
{
	self->log.delete_every = 1;
	EXPECT_EQ(10, walk_elems(self, 10));
	EXPECT_EQ(10u, self->log.total);
	EXPECT_EQ((unsigned int)KEYS - 10, keys_left(self->fd));
}

TEST_F(walk, elems_stop_at_a_callback_error)
{
	self->log.stop_at = 300; /* past the first batch */
	EXPECT_EQ(-EIO, walk_elems(self, 10 * KEYS));
	EXPECT_EQ(300u, self->log.total);
}

TEST_F(walk, elems_refuse_sizes_they_cannot_hold)
{
	EXPECT_EQ(-EINVAL,
		  map_walk_elems(self->fd, 0, 8, KEYS, visit_elem, &self->log));
	EXPECT_EQ(-EINVAL,
		  map_walk_elems(self->fd, 4, 0, KEYS, visit_elem, &self->log));
	EXPECT_EQ(-EINVAL, map_walk_elems(self->fd, 4, 4097, KEYS, visit_elem,
					  &self->log));
	EXPECT_EQ(0u, self->log.total);
}

TEST_F(walk, elems_of_an_empty_map_are_no_visit)
{
	self->log.delete_every = 1;
	ASSERT_EQ(KEYS, walk_elems(self, 10 * KEYS));
	self->log.total = 0;
	EXPECT_EQ(0, walk_elems(self, KEYS));
	EXPECT_EQ(0u, self->log.total);
}

/* an LPM trie has no batch reads: its elements are read key by key */
struct trie_key {
	__u32 prefixlen;
	__u32 addr;
};

static int visit_trie(int fd, const void *key, const void *value, void *ctx)
{
	struct walk_log *l = ctx;
	struct trie_key k;
	__u64 v;

	(void)fd;
	memcpy(&k, key, sizeof(k));
	memcpy(&v, value, sizeof(v));
	l->wrong_values += v != value_of(k.addr);
	if (k.addr < KEYS)
		l->visits[k.addr]++;
	l->total++;
	return 0;
}

TEST(elems_of_a_map_without_batch_reads)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
	struct walk_log log = { 0 };
	struct trie_key k = { .prefixlen = 32 };
	unsigned int n = 50, i;
	__u32 got = 1;
	__u64 v;
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "test_walk_lpm", sizeof(k),
			    sizeof(v), 64, &opts);
	if (fd < 0)
		SKIP(return, "cannot create an LPM trie (root?): %s",
			   strerror(errno));
	/* the premise: batch reads refused */
	ASSERT_NE(0, bpf_map_lookup_batch(fd, NULL, &k, &k, &v, &got, NULL));
	for (i = 0; i < n; i++) {
		k.addr = i;
		v = value_of(i);
		ASSERT_EQ(0, bpf_map_update_elem(fd, &k, &v, BPF_ANY));
	}
	EXPECT_EQ((int)n, map_walk_elems(fd, sizeof(k), sizeof(v), 1000,
					 visit_trie, &log));
	EXPECT_EQ(n, log.total);
	EXPECT_EQ(0u, log.wrong_values);
	for (i = 0; i < n; i++)
		EXPECT_EQ(1u, log.visits[i]);
	close(fd);
}

TEST_HARNESS_MAIN
