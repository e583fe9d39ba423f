// SPDX-License-Identifier: GPL-2.0-only
/*
 * The flow table itself (include/siphon/flow.h, bpf/flow_table.h,
 * user/flow_index.c): keys that share their home word in the index, a
 * full table, a full probe, deletes inside a chain of probes, replacing a
 * flow, and replacing it over and over while packets go through it, each
 * checked by what the XDP program does with a packet (BPF_PROG_TEST_RUN),
 * not only by what the control plane reads back.
 *
 * Most tests load a table of TINY_FLOWS flows of their own, whose index
 * has a few hundred words: keys that collide are easy to find there.
 */
#include <pthread.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <stdatomic.h>
#include <time.h>

#include "kselftest_harness.h"
#include "relay_bench.h"
#include "siphon/maps.h"

#define TINY_FLOWS 64
/* more flows than probe words, all with one home */
#define CHAIN (SIPHON_FLOW_PROBES + 1)

FIXTURE(ftab)
{
	struct bench b;
	const struct plan *p;
	struct endpoint relay, peer;
	__be16 chain[CHAIN]; /* relay ports whose keys share a home word */
};

FIXTURE_VARIANT(ftab)
{
	int family;
};

/* clang-format off */
FIXTURE_VARIANT_ADD(ftab, v4) {
	.family = 4,
};
FIXTURE_VARIANT_ADD(ftab, v6) {
	.family = 6,
};
/* clang-format on */

/* the key of the relay address on another port */
static void key_at(FIXTURE_DATA(ftab) * self, __be16 port,
		   struct siphon_flow_key *key)
{
	struct endpoint ep = self->relay;

	ep.port = port;
	flow_key_of(&ep, key);
}

/* a flow on port that relays to the callee on port + 1, next hop cached */
static void flow_at(struct __test_metadata *_metadata,
		    FIXTURE_DATA(ftab) * self, __be16 port,
		    struct siphon_flow_key *key, struct siphon_flow *flow)
{
	make_flow(_metadata, self->p, self->p->callee, false, key, flow);
	key_at(self, port, key);
	flow->dport = htons(ntohs(port) + 1);
	flow_cache_nh(flow, self->b.if_out, mac_out, mac_next);
}

static int add_at(struct __test_metadata *_metadata, FIXTURE_DATA(ftab) * self,
		  __be16 port, bool replace)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;

	flow_at(_metadata, self, port, &key, &flow);
	return flow_table_add(&self->b.lab.maps.flows, &key, &flow, replace);
}

/* one frame from the peer to the relay on port: its verdict and reason */
static void send_to(struct __test_metadata *_metadata,
		    FIXTURE_DATA(ftab) * self, __be16 port, int verdict,
		    int reason, __be16 out_dport)
{
	struct endpoint to = self->relay;
	struct run_counters count;
	struct pkt_spec spec;
	struct pkt_layout lay;
	struct xdp_result res;
	struct pkt_view view;
	__u8 frame[256];

	to.port = port;
	frame_spec(&spec, &self->peer, &to);
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));
	bench_run(_metadata, &self->b, frame, lay.len, &res, &count);
	ASSERT_EQ(verdict, res.verdict);
	assert_counted(_metadata, &count, reason);
	if (verdict != XDP_REDIRECT)
		return;
	ASSERT_EQ(0, pkt_parse(res.data, res.len, &view));
	ASSERT_EQ(ntohs(out_dport), pkt_get16(res.data + view.l4_off + 2));
}

static void relayed_at(struct __test_metadata *_metadata,
		       FIXTURE_DATA(ftab) * self, __be16 port)
{
	send_to(_metadata, self, port, XDP_REDIRECT, SIPHON_REDIRECT,
		htons(ntohs(port) + 1));
}

static void passed_at(struct __test_metadata *_metadata,
		      FIXTURE_DATA(ftab) * self, __be16 port)
{
	send_to(_metadata, self, port, XDP_PASS, SIPHON_PASS_NO_FLOW, 0);
}

static __u32 home_of(const struct flow_table *ft,
		     const struct siphon_flow_key *key)
{
	return siphon_flow_home(siphon_flow_hash(key->addr, key->port),
				ft->shift);
}

/* CHAIN ports above 1024 whose keys have the same home word */
static bool find_chain(FIXTURE_DATA(ftab) * self)
{
	const struct flow_table *ft = &self->b.lab.maps.flows;
	static __u8 seen[1u << 16];
	struct siphon_flow_key key;
	__u32 want = ~0u, port, n = 0;

	memset(seen, 0, sizeof(seen));
	for (port = 1025; port < 65536 && want == ~0u; port++) {
		key_at(self, htons(port), &key);
		if (++seen[home_of(ft, &key)] == CHAIN)
			want = home_of(ft, &key);
	}
	for (port = 1025; port < 65536 && n < CHAIN && want != ~0u; port++) {
		key_at(self, htons(port), &key);
		if (home_of(ft, &key) == want)
			self->chain[n++] = htons(port);
	}
	return n == CHAIN;
}

FIXTURE_SETUP(ftab)
{
	int err = 0;

	self->p = plan_of(variant->family);
	bench_setup(_metadata, &self->b);
	/* the bench's shared object swapped for a tiny table of our own */
	lab_unload(&self->b.lab);
	self->b.lab.obj = siphon_xdp_load(NULL, TINY_FLOWS, &err);
	ASSERT_NE(NULL, self->b.lab.obj);
	siphon_maps_of(self->b.lab.obj, &self->b.lab.maps);
	ASSERT_TRUE(flow_index_is_open(&self->b.lab.maps.flows));
	self->b.lab.prog_fd =
		bpf_program__fd(self->b.lab.obj->progs.siphon_xdp);
	ASSERT_EQ(0, lab_tx_port_add(&self->b.lab, self->b.if_out));
	ASSERT_EQ((__u32)TINY_FLOWS, self->b.lab.maps.flows.capacity);
	ASSERT_EQ(flow_slots_for(TINY_FLOWS), self->b.lab.maps.flows.nslots);
	ASSERT_LE(4 * self->b.lab.maps.flows.nslots,
		  self->b.lab.maps.flows.nidx);
	parse_ep(_metadata, self->p->relay, &self->relay);
	parse_ep(_metadata, self->p->peer, &self->peer);
	ASSERT_TRUE(find_chain(self));
}

FIXTURE_TEARDOWN(ftab)
{
	lab_unload(&self->b.lab);
}

/* SIPHON_FLOW_PROBES flows share a home: each packet finds its own */
TEST_F(ftab, collisions_each_find_their_flow)
{
	int i;

	for (i = 0; i < SIPHON_FLOW_PROBES; i++)
		ASSERT_EQ(0, add_at(_metadata, self, self->chain[i], false));
	for (i = SIPHON_FLOW_PROBES - 1; i >= 0; i--)
		relayed_at(_metadata, self, self->chain[i]);
	ASSERT_EQ(SIPHON_FLOW_PROBES,
		  flow_table_count(&self->b.lab.maps.flows));
}

/* one more than a probe covers: refused, nothing else disturbed */
TEST_F(ftab, a_full_probe_refuses_the_next)
{
	int i;

	for (i = 0; i < SIPHON_FLOW_PROBES; i++)
		ASSERT_EQ(0, add_at(_metadata, self, self->chain[i], false));
	/* the words after home are taken by the chain itself */
	EXPECT_EQ(-ENOSPC,
		  add_at(_metadata, self, self->chain[CHAIN - 1], false));
	passed_at(_metadata, self, self->chain[CHAIN - 1]);
	for (i = 0; i < SIPHON_FLOW_PROBES; i++)
		relayed_at(_metadata, self, self->chain[i]);
	ASSERT_EQ(SIPHON_FLOW_PROBES,
		  flow_table_count(&self->b.lab.maps.flows));
}

/*
 * A flow deleted from the middle of a chain: the flows after it are still
 * found past its tombstone, and the next insert takes its word.
 */
TEST_F(ftab, delete_inside_a_chain)
{
	struct siphon_flow_key key;
	int i;

	for (i = 0; i < SIPHON_FLOW_PROBES; i++)
		ASSERT_EQ(0, add_at(_metadata, self, self->chain[i], false));
	key_at(self, self->chain[3], &key);
	ASSERT_EQ(0, flow_table_del(&self->b.lab.maps.flows, &key));
	EXPECT_EQ(-ENOENT, flow_table_del(&self->b.lab.maps.flows, &key));
	passed_at(_metadata, self, self->chain[3]);
	for (i = 0; i < SIPHON_FLOW_PROBES; i++)
		if (i != 3)
			relayed_at(_metadata, self, self->chain[i]);
	ASSERT_EQ(0, add_at(_metadata, self, self->chain[CHAIN - 1], false));
	relayed_at(_metadata, self, self->chain[CHAIN - 1]);
	ASSERT_EQ(SIPHON_FLOW_PROBES,
		  flow_table_count(&self->b.lab.maps.flows));
}

/* deleting the last of a chain empties its tombstones: misses stop early */
TEST_F(ftab, trailing_tombstones_are_emptied)
{
	const struct flow_table *ft = &self->b.lab.maps.flows;
	struct siphon_flow_key key;
	__u32 home, i, used = 0;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, add_at(_metadata, self, self->chain[i], false));
	for (i = 4; i-- > 0;) {
		key_at(self, self->chain[i], &key);
		ASSERT_EQ(0, flow_table_del(&self->b.lab.maps.flows, &key));
	}
	key_at(self, self->chain[0], &key);
	home = home_of(ft, &key);
	for (i = 0; i < 4; i++)
		used += ft->idx[(home + i) & (ft->nidx - 1)] !=
			SIPHON_FLOW_IDX_EMPTY;
	EXPECT_EQ(0u, used);
	ASSERT_EQ(0, flow_table_count(ft));
}

/*
 * A full table refuses the next flow, takes one again once one is
 * deleted, and is still updated: a replace writes a spare slot, and once
 * the spare slots are all retired, the writer waits for the readers
 * (readers_sync) and takes them back. A retired slot is never taken
 * before that wait or SIPHON_SLOT_GRACE_NS.
 */
TEST_F(ftab, full_table_still_updates)
{
	struct flow_table *ft = &self->b.lab.maps.flows;
	struct siphon_flow_key key;
	__u32 port, added = 0, word, slot, old, i;
	__u64 retired;
	int err;

	for (port = 2000; added < TINY_FLOWS && port < 2000 + 4 * TINY_FLOWS;
	     port += 2) {
		err = add_at(_metadata, self, htons(port), false);
		ASSERT_TRUE(err == 0 || err == -ENOSPC);
		added += !err;
	}
	ASSERT_EQ((__u32)TINY_FLOWS, added);
	EXPECT_EQ(-E2BIG, add_at(_metadata, self, htons(1999), false));
	relayed_at(_metadata, self, htons(port - 2));

	/* a delete makes room for one, not in the slot it retired */
	key_at(self, htons(port - 2), &key);
	ASSERT_EQ(0, flow_index_find(ft, &key, &word, &old));
	ASSERT_EQ(0, flow_table_del(ft, &key));
	passed_at(_metadata, self, htons(port - 2));
	ASSERT_EQ(0, add_at(_metadata, self, htons(1999), false));
	key_at(self, htons(1999), &key);
	ASSERT_EQ(0, flow_index_find(ft, &key, &word, &slot));
	EXPECT_NE(old, slot);
	relayed_at(_metadata, self, htons(1999));
	EXPECT_EQ(-E2BIG, add_at(_metadata, self, htons(1997), false));

	/* replaces, three times as many as there are spare slots */
	for (i = 0; i < 3 * (ft->nslots - ft->capacity); i++)
		ASSERT_EQ(0, add_at(_metadata, self, htons(1999), true));
	EXPECT_NE(0ull, ft->synced_ns);
	ASSERT_EQ(0, flow_index_find(ft, &key, &word, &slot));
	retired = ft->slots[slot].retired_ns;
	EXPECT_EQ(0ull, retired);
	relayed_at(_metadata, self, htons(1999));
	relayed_at(_metadata, self, htons(2000));
	ASSERT_EQ(TINY_FLOWS, flow_table_count(ft));
}

/*
 * Replacing a flow writes another slot and swaps the index word: packets
 * take the new flow at once, and the old slot is left exactly as it was
 * for a packet that found it before the swap.
 */
TEST_F(ftab, replace_leaves_the_old_slot_whole)
{
	const struct flow_table *ft = &self->b.lab.maps.flows;
	struct siphon_flow_slot before;
	struct siphon_flow_key key;
	struct siphon_flow flow;
	__u32 word, slot, slot2;

	ASSERT_EQ(0, add_at(_metadata, self, self->chain[0], false));
	relayed_at(_metadata, self, self->chain[0]);
	key_at(self, self->chain[0], &key);
	ASSERT_EQ(0, flow_index_find(ft, &key, &word, &slot));
	before = ft->slots[slot];

	flow_at(_metadata, self, self->chain[0], &key, &flow);
	flow.dport = htons(7777);
	EXPECT_EQ(-EEXIST,
		  flow_table_add(&self->b.lab.maps.flows, &key, &flow, false));
	ASSERT_EQ(0, flow_table_update(&self->b.lab.maps.flows, &key, &flow));
	send_to(_metadata, self, self->chain[0], XDP_REDIRECT, SIPHON_REDIRECT,
		htons(7777));

	ASSERT_EQ(0, flow_index_find(ft, &key, &slot2, &slot2));
	EXPECT_NE(slot, slot2);
	EXPECT_NE(0ull, ft->slots[slot].retired_ns);
	before.retired_ns = ft->slots[slot].retired_ns;
	EXPECT_EQ(0, memcmp(&before, &ft->slots[slot], sizeof(before)));

	key_at(self, self->chain[1], &key);
	EXPECT_EQ(-ENOENT,
		  flow_table_update(&self->b.lab.maps.flows, &key, &flow));
}

/* a walk sees every flow once, whatever was replaced or deleted */
static int note_key(const struct siphon_flow_key *key,
		    const struct siphon_flow *flow, void *ctx)
{
	__u8 *seen = ctx;

	(void)flow;
	seen[ntohs(key->port)]++;
	return 0;
}

TEST_F(ftab, a_walk_sees_every_flow_once)
{
	static __u8 seen[1u << 16];
	struct siphon_flow_key key;
	__u32 port, n = 0;

	for (port = 3000; port < 3040; port++)
		ASSERT_EQ(0, add_at(_metadata, self, htons(port), false));
	for (port = 3000; port < 3010; port++)
		ASSERT_EQ(0, add_at(_metadata, self, htons(port), true));
	for (port = 3030; port < 3035; port++) {
		key_at(self, htons(port), &key);
		ASSERT_EQ(0, flow_table_del(&self->b.lab.maps.flows, &key));
	}
	memset(seen, 0, sizeof(seen));
	ASSERT_EQ(0, flow_table_walk(&self->b.lab.maps.flows, note_key, seen));
	for (port = 0; port < (1u << 16); port++) {
		EXPECT_EQ(port >= 3000 && port < 3040 &&
				  !(port >= 3030 && port < 3035),
			  seen[port]);
		n += seen[port];
	}
	EXPECT_EQ(35u, n);
	EXPECT_EQ(35, flow_table_count(&self->b.lab.maps.flows));
	EXPECT_EQ(35, flow_table_flush(&self->b.lab.maps.flows));
	EXPECT_EQ(0, flow_table_count(&self->b.lab.maps.flows));
	passed_at(_metadata, self, htons(3000));
}

/*
 * One flow replaced over and over by two versions, A and B, that differ in
 * destination address and port, while another thread sends packets
 * through it: every packet leaves as A or as B, never with A's address and
 * B's port, and never misses the flow. In the shared lab's full-size table
 * (every replace retires a slot for SIPHON_SLOT_GRACE_NS).
 */
#define SWAP_RUNS 20000

struct swap_run {
	struct lab *lab;
	int if_in;
	const __u8 *frame;
	__u32 len;
	__be32 daddr_a, daddr_b;
	__be16 dport_a, dport_b;
	atomic_bool done;
	unsigned int as_a, as_b, mixed, missed;
};

static void *swap_sender(void *arg)
{
	struct swap_run *r = arg;
	struct xdp_result res;
	struct pkt_view view;
	__be32 daddr;
	__be16 dport;
	int i;

	for (i = 0; i < SWAP_RUNS; i++) {
		if (lab_run(r->lab, r->if_in, r->frame, r->len, &res) ||
		    res.verdict != XDP_REDIRECT ||
		    pkt_parse(res.data, res.len, &view)) {
			r->missed++;
			continue;
		}
		memcpy(&daddr, res.data + view.l3_off + 16, sizeof(daddr));
		memcpy(&dport, res.data + view.l4_off + 2, sizeof(dport));
		if (daddr == r->daddr_a && dport == r->dport_a)
			r->as_a++;
		else if (daddr == r->daddr_b && dport == r->dport_b)
			r->as_b++;
		else
			r->mixed++;
	}
	atomic_store(&r->done, true);
	return NULL;
}

TEST(replaced_while_packets_go_through)
{
	const struct plan *p = plan_of(4);
	struct siphon_flow a, b;
	struct siphon_flow_key key;
	struct endpoint peer, relay, other;
	struct swap_run r = {};
	struct bench bench;
	struct pkt_spec spec;
	struct pkt_layout lay;
	unsigned int swaps = 0;
	__u8 frame[256];
	pthread_t t;

	bench_setup(_metadata, &bench);
	make_flow(_metadata, p, p->callee, false, &key, &a);
	flow_cache_nh(&a, bench.if_out, mac_out, mac_next);
	b = a;
	parse_ep(_metadata, p->gateway_ep, &other);
	memcpy(b.daddr, other.addr, sizeof(b.daddr));
	b.dport = htons(ntohs(a.dport) + 1000);
	ASSERT_EQ(0, flow_table_add(&bench.lab.maps.flows, &key, &a, false));

	parse_ep(_metadata, p->peer, &peer);
	parse_ep(_metadata, p->relay, &relay);
	frame_spec(&spec, &peer, &relay);
	ASSERT_EQ(0, pkt_build(&spec, frame, sizeof(frame), &lay));
	r.lab = &bench.lab;
	r.if_in = bench.if_in;
	r.frame = frame;
	r.len = lay.len;
	r.daddr_a = a.daddr[0];
	r.daddr_b = b.daddr[0];
	r.dport_a = a.dport;
	r.dport_b = b.dport;
	ASSERT_EQ(0, pthread_create(&t, NULL, swap_sender, &r));
	while (!atomic_load(&r.done) && swaps < 100000)
		if (!flow_table_add(&bench.lab.maps.flows, &key,
				    ++swaps % 2 ? &b : &a, true))
			continue;
		else
			break;
	pthread_join(t, NULL);
	TH_LOG("%u replaces; packets as A %u, as B %u, mixed %u, missed %u",
	       swaps, r.as_a, r.as_b, r.mixed, r.missed);
	EXPECT_EQ(0u, r.mixed);
	EXPECT_EQ(0u, r.missed);
	EXPECT_LT(10u, swaps);
	EXPECT_LT(0u, r.as_a);
	EXPECT_LT(0u, r.as_b);
	lab_unload(&bench.lab);
}

/*
 * The flow table of the previous siphon, a BPF_MAP_TYPE_HASH of 152-byte
 * flows pinned under the pin directory: loading this siphon carries every
 * flow over, counters and learned port kept, and its program relays them.
 */
TEST(a_pinned_hash_is_carried_over)
{
	const struct plan *p = plan_of(4);
	struct siphon_flow_key key, key2;
	struct siphon_flow flow, flow2, got;
	struct siphon_maps maps;
	struct bench bench;
	char pin[64], path[96];
	int fd, err = 0;

	snprintf(pin, sizeof(pin), "/sys/fs/bpf/siphon-test-ftab-%d", getpid());
	bench_setup(_metadata, &bench);
	lab_unload(&bench.lab);
	ASSERT_EQ(0, siphon_pin_dir_prepare(pin));
	snprintf(path, sizeof(path), "%s/%s", pin, SIPHON_MAP_FLOWS);
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, SIPHON_MAP_FLOWS, sizeof(key),
			    sizeof(flow), 1000, NULL);
	ASSERT_LE(0, fd);
	make_flow(_metadata, p, p->callee, false, &key, &flow);
	flow_cache_nh(&flow, bench.if_out, mac_out, mac_next);
	flow.packets = 12345;
	flow.learned_port = SIPHON_LEARNED_BIT | 77;
	key2 = key;
	key2.port = htons(ntohs(key.port) + 2);
	flow2 = flow;
	flow2.dport = htons(4242);
	ASSERT_EQ(0, bpf_map_update_elem(fd, &key, &flow, BPF_NOEXIST));
	ASSERT_EQ(0, bpf_map_update_elem(fd, &key2, &flow2, BPF_NOEXIST));
	ASSERT_EQ(0, bpf_obj_pin(fd, path));
	close(fd);

	bench.lab.obj = siphon_xdp_load(pin, 0, &err);
	EXPECT_EQ(0, err);
	if (bench.lab.obj) {
		siphon_maps_of(bench.lab.obj, &bench.lab.maps);
		bench.lab.prog_fd =
			bpf_program__fd(bench.lab.obj->progs.siphon_xdp);
		ASSERT_EQ(0, lab_tx_port_add(&bench.lab, bench.if_out));
		/* the pinned table is the new one, of the old one's size */
		ASSERT_EQ(0, siphon_maps_open(pin, &maps));
		EXPECT_EQ(1000u, maps.flows.capacity);
		EXPECT_EQ(2, flow_table_count(&maps.flows));
		EXPECT_EQ(0, flow_table_get(&maps.flows, &key, &got));
		EXPECT_EQ(0, memcmp(&flow, &got, sizeof(got)));
		EXPECT_EQ(0, flow_table_get(&maps.flows, &key2, &got));
		EXPECT_EQ(0, memcmp(&flow2, &got, sizeof(got)));
		siphon_maps_close(&maps);
		{
			struct endpoint peer, relay;
			struct pkt_spec spec;
			struct pkt_layout lay;
			struct xdp_result res;
			struct run_counters count;
			__u8 frame[256];

			parse_ep(_metadata, p->peer, &peer);
			parse_ep(_metadata, p->relay, &relay);
			frame_spec(&spec, &peer, &relay);
			ASSERT_EQ(0,
				  pkt_build(&spec, frame, sizeof(frame), &lay));
			bench_run(_metadata, &bench, frame, lay.len, &res,
				  &count);
			EXPECT_EQ(XDP_REDIRECT, res.verdict);
			assert_counted(_metadata, &count, SIPHON_REDIRECT);
		}
		EXPECT_EQ(0, flow_table_get(&bench.lab.maps.flows, &key, &got));
		EXPECT_EQ(12346ull, got.packets);
	}
	lab_unload(&bench.lab);
	lab_sh("rm -rf %s", pin);
}

/*
 * Writers of two processes exclude each other: the lock is taken on the
 * map's fd, and a process that opens the same map anew (another open file)
 * cannot take it while this one holds it.
 */
TEST(writers_of_two_processes_exclude_each_other)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct bench bench;
	int status, fd;
	pid_t pid;

	bench_setup(_metadata, &bench);
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(bench.lab.maps.flows.slots_fd,
					    &info, &len));
	ASSERT_EQ(0, flow_index_lock(&bench.lab.maps.flows));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = bpf_map_get_fd_by_id(info.id);
		_exit(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) &&
				      errno == EWOULDBLOCK ?
			      0 :
			      1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	flow_index_unlock(&bench.lab.maps.flows);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		fd = bpf_map_get_fd_by_id(info.id);
		_exit(fd >= 0 && !flock(fd, LOCK_EX | LOCK_NB) ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	lab_unload(&bench.lab);
}

/* could another process (another open file of the map) take the lock? */
static bool other_process_locks(struct __test_metadata *_metadata, __u32 map_id)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		fd = bpf_map_get_fd_by_id(map_id);
		_exit(fd >= 0 && !flock(fd, LOCK_EX | LOCK_NB) ? 0 : 1);
	}
	EXPECT_EQ(pid, waitpid(pid, &status, 0));
	return WIFEXITED(status) && !WEXITSTATUS(status);
}

/*
 * siphond holds the lock from a write until its wake-up is over
 * (flow_table_hold): held across writes, gone at flow_table_release;
 * without a hold, each write lets it go.
 */
TEST(a_held_lock_lasts_until_released)
{
	const struct plan *p = plan_of(4);
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct flow_table *ft;
	struct siphon_flow_key key;
	struct siphon_flow a;
	struct bench bench;

	bench_setup(_metadata, &bench);
	ft = &bench.lab.maps.flows;
	ASSERT_EQ(0, bpf_obj_get_info_by_fd(ft->slots_fd, &info, &len));
	make_flow(_metadata, p, p->callee, false, &key, &a);

	ASSERT_EQ(0, flow_table_add(ft, &key, &a, false));
	EXPECT_TRUE(other_process_locks(_metadata, info.id));

	flow_table_hold(ft);
	EXPECT_TRUE(other_process_locks(_metadata, info.id));
	ASSERT_EQ(0, flow_table_add(ft, &key, &a, true));
	EXPECT_FALSE(other_process_locks(_metadata, info.id));
	ASSERT_EQ(0, flow_table_del(ft, &key));
	EXPECT_FALSE(other_process_locks(_metadata, info.id));
	flow_table_release(ft);
	EXPECT_TRUE(other_process_locks(_metadata, info.id));
	flow_table_release(ft); /* nothing held: nothing to do */
	EXPECT_TRUE(other_process_locks(_metadata, info.id));
	/* the next write takes it again */
	ASSERT_EQ(0, flow_table_add(ft, &key, &a, false));
	EXPECT_FALSE(other_process_locks(_metadata, info.id));
	lab_unload(&bench.lab);
}

/* a pinned table's size is told back from its slots: the inverse holds */
TEST(capacity_of_slots_for_is_the_inverse)
{
	static const __u32 caps[] = { 1, 2, 7, 8, 9, 64, 1000, 262144,
				      1100000, 67108864 };
	size_t i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		EXPECT_EQ(caps[i], flow_capacity_of(flow_slots_for(caps[i])));
		EXPECT_LT(caps[i], flow_slots_for(caps[i]));
		EXPECT_LE(4ull * flow_slots_for(caps[i]),
			  1ull << flow_index_bits(flow_slots_for(caps[i])));
	}
}

TEST_HARNESS_MAIN
