// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shield's source rules through BPF_PROG_TEST_RUN: SIP frames from
 * chosen source addresses to a SIP port; each test checks verdicts, the
 * one reason counted per frame, and the maps the program changed.
 *
 *   prefixes  parsing and printing prefixes (userspace only)
 *   lists     block drops before reading; allow wins over block and over
 *             every shield drop; IPv4 and IPv6; the block rule off
 *   rate      budgets per class, the ban and its event, live calls,
 *             responses, operator bans, unban, refill, expiry
 *   fast      a ban decided before reading; a live call's party read
 *             and passed while banned; lists changed since a ban win;
 *             resent requests not charged; the global budget and the
 *             known-good sources outside it
 */
#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "sip_bench.h"
#include "siphon/shield.h"

#define CALL_ID "5f1e9c3a77@198.18.0.10"
/* run_from() writes a branch of its own here: every request is new */
#define BR "########"
#define SIP_REQ(m, cid, ua)                                             \
	m " sip:bob@198.18.0.1 SIP/2.0\r\n"                             \
	  "Via: SIP/2.0/UDP 198.18.0.10:5062;branch=z9hG4bK-" BR "\r\n" \
	  "From: <sip:alice@198.18.0.10>;tag=a1\r\n"                    \
	  "To: <sip:bob@198.18.0.1>\r\n"                                \
	  "Call-ID: " cid "\r\nCSeq: 1 " m "\r\n" ua                    \
	  "Content-Length: 0\r\n\r\n"
#define RESP_200                                                \
	"SIP/2.0 200 OK\r\n"                                    \
	"Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK-2\r\n" \
	"From: <sip:alice@198.18.0.1>;tag=a1\r\n"               \
	"To: <sip:bob@198.18.0.10>;tag=b2\r\n"                  \
	"Call-ID: x@198.18.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"

/* ---- prefixes ------------------------------------------------------- */

TEST(prefixes)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "198.18.0.0/15", "198.18.0.0/15" },
		{ "198.18.7.9/24", "198.18.7.0/24" },
		{ "198.18.7.9", "198.18.7.9" },
		{ "198.18.7.9/32", "198.18.7.9" },
		{ "0.0.0.0/0", "0.0.0.0/0" },
		{ "2001:db8::1/32", "2001:db8::/32" },
		{ "2001:db8::7", "2001:db8::7" },
		{ "2001:db8:ffff::/33", "2001:db8:8000::/33" },
	};
	static const char *const bad[] = {
		"",
		"/24",
		"198.18.0.0/",
		"198.18.0.0/33",
		"198.18.0.0/x",
		"198.18.0",
		"2001:db8::/129",
		"host.example",
		"198.18.0.0/24/1",
		"198.18.0.0/ 24",
		"198.18.0.0/-1",
	};
	struct siphon_prefix_key k, a;
	char text[64];
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ASSERT_EQ(0, shield_prefix_parse(ok[i].in, &k));
		EXPECT_STREQ(ok[i].out,
			     shield_prefix_str(&k, text, sizeof(text)));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, shield_prefix_parse(bad[i], &k))
		{
			TH_LOG("'%s' was taken", bad[i]);
		}
	}
	ASSERT_EQ(0, shield_prefix_parse("198.18.4.0/22", &k));
	ASSERT_EQ(0, shield_prefix_parse("198.18.7.255", &a));
	EXPECT_TRUE(shield_prefix_holds(&k, a.family, a.addr));
	ASSERT_EQ(0, shield_prefix_parse("198.18.8.0", &a));
	EXPECT_FALSE(shield_prefix_holds(&k, a.family, a.addr));
	ASSERT_EQ(0, shield_prefix_parse("::ffff:198.18.7.1", &a));
	EXPECT_FALSE(shield_prefix_holds(&k, a.family, a.addr));
}

/* ---- the bench ------------------------------------------------------ */

struct src_bench {
	struct sip_bench sb;
	int allow_fd, block_fd, bans_fd, sources_fd, rate_fd, live_fd, count_fd;
	int peers_fd, good_fd, gen_fd;
	struct ring_buffer *rb;
	struct siphon_shield_event ev[8];
	int nev;
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct src_bench *s = ctx;

	if (len == sizeof(s->ev[0]) && s->nev < 8)
		memcpy(&s->ev[s->nev++], data, len);
	return 0;
}

static void src_setup(struct __test_metadata *_metadata, struct src_bench *s)
{
	struct siphon_xdp *obj;

	sip_bench_setup(_metadata, &s->sb);
	obj = s->sb.b.lab.obj;
	s->allow_fd = bpf_map__fd(obj->maps.siphon_allow);
	s->block_fd = bpf_map__fd(obj->maps.siphon_block);
	s->bans_fd = bpf_map__fd(obj->maps.siphon_bans);
	s->sources_fd = bpf_map__fd(obj->maps.siphon_sources);
	s->rate_fd = bpf_map__fd(obj->maps.siphon_rate);
	s->live_fd = bpf_map__fd(obj->maps.siphon_livecall);
	s->count_fd = bpf_map__fd(obj->maps.siphon_shcount);
	s->peers_fd = bpf_map__fd(obj->maps.siphon_livepeer);
	s->good_fd = bpf_map__fd(obj->maps.siphon_goodsrc);
	s->gen_fd = bpf_map__fd(obj->maps.siphon_listgen);
	s->rb = ring_buffer__new(bpf_map__fd(obj->maps.siphon_shevents),
				 on_event, s, NULL);
	ASSERT_NE(NULL, s->rb);
}

static void src_teardown(struct src_bench *s)
{
	ring_buffer__free(s->rb);
	sip_bench_teardown(&s->sb);
}

/*
 * text from src ("198.18.5.7" or "2001:db8::7"), its BR filled with
 * branch (0: a new one each time): checks the one reason
 */
static int run_branch(struct __test_metadata *_metadata, struct src_bench *s,
		      const char *src, const char *tmpl, unsigned int branch,
		      int want_reason)
{
	static __u8 frame[SIP_FRAME_MAX];
	static char text[SIP_FRAME_MAX];
	static unsigned int fresh = 0x10000;
	char *br, hex[9];
	struct endpoint from, relay;
	struct sip_outcome out;
	struct pkt_layout lay;
	struct pkt_spec spec;
	int family = strchr(src, ':') ? 6 : 4;

	ASSERT_GT(sizeof(text), strlen(tmpl));
	strcpy(text, tmpl);
	br = strstr(text, BR);
	if (br) {
		snprintf(hex, sizeof(hex), "%08x", branch ? branch : fresh++);
		memcpy(br, hex, 8);
	}
	ASSERT_EQ(0, endpoint_parse(src, true, &from));
	from.port = htons(SIP_PEER_PORT);
	parse_ep(_metadata, plan_of(family)->relay, &relay);
	frame_spec(&spec, &from, &relay);
	spec.vlans = 0;
	spec.dport = SIP_PORT;
	spec.payload = text;
	spec.payload_len = strlen(text);
	ASSERT_EQ(0, pkt_build(&spec, frame, SIP_FRAME_MAX, &lay));
	sip_run_frame(_metadata, &s->sb, frame, lay.len, &out);
	assert_counted(_metadata, &out.count, want_reason);
	EXPECT_EQ(reason_xdp_of(want_reason), out.verdict);
	return out.verdict;
}

static int run_from(struct __test_metadata *_metadata, struct src_bench *s,
		    const char *src, const char *text, int want_reason)
{
	return run_branch(_metadata, s, src, text, 0, want_reason);
}

static void add_prefix(struct __test_metadata *_metadata, int fd,
		       const char *text, __u64 until)
{
	struct siphon_prefix_key k;

	ASSERT_EQ(0, shield_prefix_parse(text, &k));
	ASSERT_EQ(0, shield_prefix_add(fd, &k, SIPHON_ORIGIN_OPERATOR, until));
}

static void set_budget(struct __test_metadata *_metadata, struct src_bench *s,
		       unsigned int cls, __u32 rate, __u32 burst, __u32 ban_s)
{
	struct siphon_rate_cfg rc;

	ASSERT_EQ(0, shield_rate_read(s->rate_fd, &rc));
	rc.budget[cls].rate = rate;
	rc.budget[cls].burst = burst;
	rc.ban_s = ban_s;
	ASSERT_EQ(0, shield_rate_write(s->rate_fd, &rc));
}

static void source_entry(struct __test_metadata *_metadata, struct src_bench *s,
			 const char *addr, struct siphon_source_key *k,
			 struct siphon_source *v)
{
	struct siphon_prefix_key pk;

	ASSERT_EQ(0, shield_prefix_parse(addr, &pk));
	memset(k, 0, sizeof(*k));
	k->family = pk.family;
	memcpy(k->addr, pk.addr, sizeof(k->addr));
	ASSERT_EQ(0, bpf_map_lookup_elem(s->sources_fd, k, v));
}

static void source_key(struct __test_metadata *_metadata, const char *addr,
		       struct siphon_source_key *k)
{
	struct siphon_prefix_key pk;

	ASSERT_EQ(0, shield_prefix_parse(addr, &pk));
	memset(k, 0, sizeof(*k));
	k->family = pk.family;
	memcpy(k->addr, pk.addr, sizeof(k->addr));
}

/* what siphond does for each party of a confirmed dialog */
static void live_peer(struct __test_metadata *_metadata, struct src_bench *s,
		      const char *addr, __u32 count)
{
	struct siphon_source_key k;
	__u32 slot;

	source_key(_metadata, addr, &k);
	slot = siphon_peer_slot(&k);
	ASSERT_EQ(0, bpf_map_update_elem(s->peers_fd, &slot, &count, BPF_ANY));
}

static __u64 shc(struct __test_metadata *_metadata, struct src_bench *s,
		 unsigned int which)
{
	__u64 c[SIPHON_SHC_MAX];

	ASSERT_EQ(0, shield_counters_read(s->count_fd, c));
	return c[which];
}

/* ---- lists ---------------------------------------------------------- */

FIXTURE(lists)
{
	struct src_bench s;
};

FIXTURE_SETUP(lists)
{
	src_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN(lists)
{
	src_teardown(&self->s);
}

TEST_F(lists, block_drops_before_reading)
{
	struct src_bench *s = &self->s;
	struct siphon_prefix_key k;

	add_prefix(_metadata, s->block_fd, "198.18.5.0/24", 0);
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BLOCKED);
	run_from(_metadata, s, "198.18.5.7", RESP_200, SIPHON_DROP_SIP_BLOCKED);
	run_from(_metadata, s, "198.18.5.7", "\r\n\r\n",
		 SIPHON_DROP_SIP_BLOCKED);
	/* next door is not blocked */
	run_from(_metadata, s, "198.18.6.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	/* deleted: it passes again */
	ASSERT_EQ(0, shield_prefix_parse("198.18.5.0/24", &k));
	ASSERT_EQ(0, shield_prefix_del(s->block_fd, &k));
	ASSERT_EQ(-ENOENT, shield_prefix_del(s->block_fd, &k));
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
}

TEST_F(lists, ipv6_and_longest_prefix)
{
	struct src_bench *s = &self->s;

	add_prefix(_metadata, s->block_fd, "2001:db8:5::/48", 0);
	run_from(_metadata, s, "2001:db8:5::9",
		 SIP_REQ("REGISTER", CALL_ID, ""), SIPHON_DROP_SIP_BLOCKED);
	run_from(_metadata, s, "2001:db8:6::9",
		 SIP_REQ("REGISTER", CALL_ID, ""), SIPHON_PASS_SIP_REQUEST);
	/* an IPv4 prefix never matches an IPv6 source, nor the reverse */
	add_prefix(_metadata, s->block_fd, "0.0.0.0/0", 0);
	run_from(_metadata, s, "2001:db8:6::9",
		 SIP_REQ("REGISTER", CALL_ID, ""), SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, "198.18.1.1", SIP_REQ("REGISTER", CALL_ID, ""),
		 SIPHON_DROP_SIP_BLOCKED);
}

TEST_F(lists, allow_always_wins)
{
	struct src_bench *s = &self->s;

	/* a short allow beats a longer block */
	add_prefix(_metadata, s->block_fd, "198.18.5.0/24", 0);
	add_prefix(_metadata, s->allow_fd, "198.18.0.0/16", 0);
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	/* every shield drop turns into a pass, counted as allowed */
	run_from(_metadata, s, "198.18.5.7", "hello, world\r\n\r\n",
		 SIPHON_PASS_SIP_ALLOWED);
	run_from(_metadata, s, "198.18.5.7",
		 SIP_REQ("OPTIONS", CALL_ID,
			 "User-Agent: friendly-scanner\r\n"),
		 SIPHON_PASS_SIP_ALLOWED);
	run_from(_metadata, s, "198.18.5.7", "GET / HTTP/1.1\r\n\r\n",
		 SIPHON_PASS_SIP_ALLOWED);
	/* outside the allow list the same scanner drops */
	run_from(_metadata, s, "198.19.5.7",
		 SIP_REQ("OPTIONS", CALL_ID,
			 "User-Agent: friendly-scanner\r\n"),
		 SIPHON_DROP_SIP_SCANNER);
	/* an operator's ban does not touch an allowed source either */
	add_prefix(_metadata, s->bans_fd, "198.18.5.7", 0);
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
}

TEST_F(lists, allowed_never_limited)
{
	struct src_bench *s = &self->s;
	int i;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 1, 60);
	add_prefix(_metadata, s->allow_fd, "198.18.9.9", 0);
	for (i = 0; i < 20; i++)
		run_from(_metadata, s, "198.18.9.9",
			 SIP_REQ("INVITE", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	/* no bucket was even made */
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_SOURCES_NEW));
}

TEST_F(lists, block_rule_off)
{
	struct src_bench *s = &self->s;

	add_prefix(_metadata, s->block_fd, "198.18.5.0/24", 0);
	sip_set_cfg(_metadata, &s->sb, SIPHON_SHIELD_OFF_BLOCK, NULL);
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_RULE_OFF);
	/* classify off: SIP ports are UDP like any other, lists and all */
	sip_set_cfg(_metadata, &s->sb, SIPHON_SHIELD_OFF_CLASSIFY, NULL);
	run_from(_metadata, s, "198.18.5.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_NO_FLOW);
}

/* ---- rate ----------------------------------------------------------- */

FIXTURE(rate)
{
	struct src_bench s;
};

FIXTURE_SETUP(rate)
{
	src_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN(rate)
{
	src_teardown(&self->s);
}

#define FLOODER "198.18.7.7"
#define OTHER "198.18.7.8"

/* burst INVITEs from FLOODER pass, the next one bans it */
static void exhaust(struct __test_metadata *_metadata, struct src_bench *s,
		    int burst)
{
	int i;

	for (i = 0; i < burst; i++)
		run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_RATE);
}

TEST_F(rate, burst_then_ban_and_one_event)
{
	struct src_bench *s = &self->s;
	struct siphon_source_key k;
	struct siphon_source v;
	struct siphon_prefix_key pk;
	struct shield_ban bans[4];
	int i;

	/* one INVITE per 1000 s: the test cannot refill by accident */
	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 3, 600);
	exhaust(_metadata, s, 3);
	/* banned: every request drops, whatever its class */
	for (i = 0; i < 5; i++)
		run_from(_metadata, s, FLOODER,
			 SIP_REQ("REGISTER", CALL_ID, ""),
			 SIPHON_DROP_SIP_BANNED);
	run_from(_metadata, s, FLOODER, SIP_REQ("OPTIONS", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	/* responses and keepalives are never limited */
	run_from(_metadata, s, FLOODER, RESP_200, SIPHON_PASS_SIP_RESPONSE);
	run_from(_metadata, s, FLOODER, "\r\n\r\n", SIPHON_PASS_SIP_KEEPALIVE);
	/* another source has its own budget */
	run_from(_metadata, s, OTHER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);

	source_entry(_metadata, s, FLOODER, &k, &v);
	EXPECT_EQ(7u, v.ban_drops);
	EXPECT_LT(shield_now_ns() + 590ull * 1000000000ull, v.banned_until_ns);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANS));
	EXPECT_EQ(2ull, shc(_metadata, s, SIPHON_SHC_SOURCES_NEW));

	/* one event for the ban, none per dropped packet */
	ASSERT_LE(0, ring_buffer__consume(s->rb));
	ASSERT_EQ(1, s->nev);
	EXPECT_EQ((__u32)SIPHON_SHIELD_EV_BAN, s->ev[0].type);
	EXPECT_EQ((__u32)SIPHON_RATE_INVITE, s->ev[0].class);
	EXPECT_EQ(v.banned_until_ns, s->ev[0].until_ns);
	EXPECT_EQ(0, memcmp(&k, &s->ev[0].src, sizeof(k)));

	/* listed with its time left; unban lifts it */
	ASSERT_EQ(1, shield_bans_list(s->bans_fd, s->sources_fd,
				      shield_now_ns(), bans, 4));
	EXPECT_EQ(0u, bans[0].origin);
	EXPECT_EQ(7u, bans[0].drops);
	ASSERT_EQ(0, shield_prefix_parse("198.18.7.0/24", &pk));
	ASSERT_EQ(1, shield_unban(s->bans_fd, s->sources_fd, &pk));
	ASSERT_EQ(0, shield_unban(s->bans_fd, s->sources_fd, &pk));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
}

TEST_F(rate, classes_have_their_own_budgets)
{
	struct src_bench *s = &self->s;
	int i;

	set_budget(_metadata, s, SIPHON_RATE_REGISTER, 1, 5, 600);
	/* INVITE and other are at their defaults: far more than 5 */
	for (i = 0; i < 20; i++)
		run_from(_metadata, s, FLOODER, SIP_REQ("OPTIONS", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	for (i = 0; i < 5; i++)
		run_from(_metadata, s, FLOODER,
			 SIP_REQ("REGISTER", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, SIP_REQ("REGISTER", CALL_ID, ""),
		 SIPHON_DROP_SIP_RATE);
	ASSERT_LE(0, ring_buffer__consume(s->rb));
	ASSERT_EQ(1, s->nev);
	EXPECT_EQ((__u32)SIPHON_RATE_REGISTER, s->ev[0].class);
}

TEST_F(rate, live_calls_pass_even_banned)
{
	struct src_bench *s = &self->s;
	__u32 n, hash = sip_hash(CALL_ID, strlen(CALL_ID), &n);
	struct siphon_live_call live = { .since_ns = 1 };

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 2, 600);
	exhaust(_metadata, s, 2);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	/* siphond: the call, and its parties (FLOODER among them) */
	ASSERT_EQ(0, bpf_map_update_elem(s->live_fd, &hash, &live, BPF_ANY));
	live_peer(_metadata, s, FLOODER, 1);
	/* the live call's requests pass, other Call-IDs do not */
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_PASS_SIP_LIVE_CALL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_LIVE_CALL);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", "other@198.18.0.10", ""),
		 SIPHON_DROP_SIP_BANNED);
	/* the call ended: its Call-ID counts like any other again */
	ASSERT_EQ(0, bpf_map_delete_elem(s->live_fd, &hash));
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
}

TEST_F(rate, refill_and_expiry)
{
	struct src_bench *s = &self->s;
	struct siphon_source_key k;
	struct siphon_source v;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 2, 2, 600);
	exhaust(_metadata, s, 2);
	/* the ban ends (moved into the past rather than waited for: a second,
	 * past the coarse clock XDP reads) */
	source_entry(_metadata, s, FLOODER, &k, &v);
	v.banned_until_ns = shield_now_ns() - 1000000000ull;
	v.refill_ns = shield_now_ns();
	ASSERT_EQ(0, bpf_map_update_elem(s->sources_fd, &k, &v, BPF_EXIST));
	/* the bucket is still empty: a new ban */
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_RATE);
	/* a second ago, ended, and two tokens a second: one request's worth */
	source_entry(_metadata, s, FLOODER, &k, &v);
	v.banned_until_ns = 0;
	v.tokens[SIPHON_RATE_INVITE] = 0;
	v.refill_ns = shield_now_ns() - 600000000ull; /* 0.6 s: 1.2 tokens */
	ASSERT_EQ(0, bpf_map_update_elem(s->sources_fd, &k, &v, BPF_EXIST));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_RATE);
	/* long quiet: full again, never more than the burst */
	source_entry(_metadata, s, FLOODER, &k, &v);
	v.banned_until_ns = 0;
	v.refill_ns = shield_now_ns() - 3600ull * 1000000000ull;
	ASSERT_EQ(0, bpf_map_update_elem(s->sources_fd, &k, &v, BPF_EXIST));
	exhaust(_metadata, s, 2);
}

TEST_F(rate, operator_bans)
{
	struct src_bench *s = &self->s;
	struct siphon_prefix_key pk;
	struct shield_ban bans[8];
	__u64 now = shield_now_ns();

	add_prefix(_metadata, s->bans_fd, "198.18.8.0/24",
		   now + 60000000000ull);
	add_prefix(_metadata, s->bans_fd, "198.18.9.0/24", now - 1000000000ull);
	add_prefix(_metadata, s->bans_fd, "2001:db8::/32", 0);
	run_from(_metadata, s, "198.18.8.1", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	run_from(_metadata, s, "198.18.8.1", RESP_200,
		 SIPHON_PASS_SIP_RESPONSE);
	run_from(_metadata, s, "2001:db8::1", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	/* ended: passes, and the sweep removes it */
	run_from(_metadata, s, "198.18.9.1", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	EXPECT_EQ(2, shield_bans_list(s->bans_fd, s->sources_fd,
				      shield_now_ns(), bans, 8));
	EXPECT_EQ(1, shield_bans_sweep(s->bans_fd, shield_now_ns()));
	ASSERT_EQ(0, shield_prefix_parse("198.18.8.0/24", &pk));
	ASSERT_EQ(1, shield_unban(s->bans_fd, s->sources_fd, &pk));
	run_from(_metadata, s, "198.18.8.1", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
}

TEST_F(rate, rule_off_only_counts)
{
	struct src_bench *s = &self->s;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 1, 600);
	sip_set_cfg(_metadata, &s->sb, SIPHON_SHIELD_OFF_RATE, NULL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_RULE_OFF);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_RULE_OFF);
	/* on again: the ban it earned holds */
	sip_set_cfg(_metadata, &s->sb, 0, NULL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
}

/* ---- fast: what is decided before reading, and the budgets after -- */

FIXTURE(fast)
{
	struct src_bench s;
};

FIXTURE_SETUP(fast)
{
	src_setup(_metadata, &self->s);
}

FIXTURE_TEARDOWN(fast)
{
	src_teardown(&self->s);
}

static void set_global(struct __test_metadata *_metadata, struct src_bench *s,
		       __u32 rate, __u32 burst)
{
	struct siphon_rate_cfg rc;

	ASSERT_EQ(0, shield_rate_read(s->rate_fd, &rc));
	rc.global.rate = rate;
	rc.global.burst = burst;
	ASSERT_EQ(0, shield_rate_write(s->rate_fd, &rc));
}

/* requests of all SIP methods from FLOODER, at the same counts */
static __u64 method_count(struct __test_metadata *_metadata,
			  struct src_bench *s)
{
	struct shield_if_counts c[4];
	__u64 n = 0;
	int i, k, got;

	got = shield_sip_counts_read(
		bpf_map__fd(s->sb.b.lab.obj->maps.siphon_sipstats), c, 4);
	ASSERT_LE(0, got);
	for (i = 0; i < got; i++)
		for (k = 0; k < SIPHON_SIP_METHOD_MAX; k++)
			n += c[i].c.requests[k];
	return n;
}

TEST_F(fast, ban_decided_before_reading)
{
	struct src_bench *s = &self->s;
	struct siphon_source_key k;
	struct siphon_source v;
	__u64 read;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 2, 600);
	exhaust(_metadata, s, 2);
	/* the ban's first request was read (to learn it was one) */
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	read = method_count(_metadata, s);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	run_from(_metadata, s, FLOODER, SIP_REQ("REGISTER", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	/* text that is not SIP drops as banned too: nothing was read */
	run_from(_metadata, s, FLOODER, "hello, world\r\n\r\n",
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(3ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	/* not read: not counted by method */
	EXPECT_EQ(read, method_count(_metadata, s));
	/* responses and keepalives are read and pass, whatever the ban */
	run_from(_metadata, s, FLOODER, RESP_200, SIPHON_PASS_SIP_RESPONSE);
	run_from(_metadata, s, FLOODER,
		 "sip/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
		 SIPHON_PASS_SIP_RESPONSE);
	run_from(_metadata, s, FLOODER, "\r\n\r\n", SIPHON_PASS_SIP_KEEPALIVE);
	EXPECT_EQ(3ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	source_entry(_metadata, s, FLOODER, &k, &v);
	EXPECT_EQ(4u, v.ban_drops);
	/* the rate rule off: nothing drops unread, the ban only counts */
	sip_set_cfg(_metadata, &s->sb, SIPHON_SHIELD_OFF_RATE, NULL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_RULE_OFF);
	EXPECT_EQ(3ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
}

TEST_F(fast, live_call_party_is_read)
{
	struct src_bench *s = &self->s;
	__u32 n, hash = sip_hash(CALL_ID, strlen(CALL_ID), &n);
	struct siphon_live_call live = { .since_ns = 1 };

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 2, 600);
	exhaust(_metadata, s, 2);
	ASSERT_EQ(0, bpf_map_update_elem(s->live_fd, &hash, &live, BPF_ANY));
	/* the call is live, but siphond named other parties: not read */
	live_peer(_metadata, s, OTHER, 1);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	/* FLOODER a party: read; its call's request passes, others drop */
	live_peer(_metadata, s, FLOODER, 2);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_PASS_SIP_LIVE_CALL);
	run_from(_metadata, s, FLOODER,
		 SIP_REQ("INVITE", "new@198.18.0.10", ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(2ull, shc(_metadata, s, SIPHON_SHC_LIVE_PEER_READ));
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	/* its calls are over: unread again */
	live_peer(_metadata, s, FLOODER, 0);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(2ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
}

TEST_F(fast, lists_changed_since_the_ban_win)
{
	struct src_bench *s = &self->s;
	struct siphon_prefix_key k;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 2, 600);
	exhaust(_metadata, s, 2);
	/* allowed after the ban: the allow list wins, the ban is not
	 * decided before reading */
	add_prefix(_metadata, s->allow_fd, "198.18.7.0/24", 0);
	ASSERT_EQ(0, shield_lists_changed(s->gen_fd));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, "hello, world\r\n\r\n",
		 SIPHON_PASS_SIP_ALLOWED);
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	/* off the list again: the ban still holds; read once to confirm
	 * it under the new lists, then decided unread */
	ASSERT_EQ(0, shield_prefix_parse("198.18.7.0/24", &k));
	ASSERT_EQ(0, shield_prefix_del(s->allow_fd, &k));
	ASSERT_EQ(0, shield_lists_changed(s->gen_fd));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	/* blocked after the ban: counted as blocked, as before */
	add_prefix(_metadata, s->block_fd, FLOODER, 0);
	ASSERT_EQ(0, shield_lists_changed(s->gen_fd));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BLOCKED);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
}

TEST_F(fast, resent_requests_are_not_charged)
{
	struct src_bench *s = &self->s;
	int i;

	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 2, 600);
	/* an INVITE and six resends of it: one token */
	for (i = 0; i < 7; i++)
		run_branch(_metadata, s, FLOODER,
			   SIP_REQ("INVITE", CALL_ID, ""), 0xa1,
			   SIPHON_PASS_SIP_REQUEST);
	/* its CANCEL and the ACK of its error share its branch */
	run_branch(_metadata, s, FLOODER, SIP_REQ("CANCEL", CALL_ID, ""), 0xa1,
		   SIPHON_PASS_SIP_REQUEST);
	EXPECT_EQ(7ull, shc(_metadata, s, SIPHON_SHC_RESENT_FREE));
	/* a new INVITE takes the second token, the third bans */
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xa2,
		   SIPHON_PASS_SIP_REQUEST);
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xa3,
		   SIPHON_DROP_SIP_RATE);
	/* the dropped one was not remembered: its resend is banned too */
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xa3,
		   SIPHON_DROP_SIP_BANNED);
}

TEST_F(fast, resends_are_free_ten_times)
{
	struct src_bench *s = &self->s;
	int i;

	set_budget(_metadata, s, SIPHON_RATE_OTHER, 1, 3, 600);
	for (i = 0; i < 1 + SIPHON_RESENDS_FREE; i++)
		run_branch(_metadata, s, FLOODER,
			   SIP_REQ("OPTIONS", CALL_ID, ""), 0xb1,
			   SIPHON_PASS_SIP_REQUEST);
	/* an eleventh resend is charged like a new request */
	run_branch(_metadata, s, FLOODER, SIP_REQ("OPTIONS", CALL_ID, ""), 0xb1,
		   SIPHON_PASS_SIP_REQUEST);
	run_branch(_metadata, s, FLOODER, SIP_REQ("OPTIONS", CALL_ID, ""), 0xb1,
		   SIPHON_PASS_SIP_REQUEST);
	run_branch(_metadata, s, FLOODER, SIP_REQ("OPTIONS", CALL_ID, ""), 0xb1,
		   SIPHON_DROP_SIP_RATE);
	EXPECT_EQ((__u64)SIPHON_RESENDS_FREE,
		  shc(_metadata, s, SIPHON_SHC_RESENT_FREE));
}

TEST_F(fast, global_budget_spares_known_good)
{
	struct src_bench *s = &self->s;
	struct siphon_known_good good = { .why = SIPHON_GOOD_DIALOG };
	struct siphon_source_key k;
	char src[32];
	int i;

	/* one request a second for all unknown sources, three at once */
	set_global(_metadata, s, 1, 3);
	for (i = 0; i < 3; i++) {
		snprintf(src, sizeof(src), "198.18.20.%d", i + 1);
		run_from(_metadata, s, src, SIP_REQ("INVITE", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	}
	/* a fourth source, each under its own budget: over the global one;
	 * a source never seen is read (is it allowed, blocked?) */
	run_from(_metadata, s, "198.18.20.9", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_GLOBAL_UNREAD));
	/* one read before under the same lists: dropped unread while dry */
	run_from(_metadata, s, "198.18.20.1", SIP_REQ("REGISTER", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	run_from(_metadata, s, "198.18.20.1", "hello, world\r\n\r\n",
		 SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(2ull, shc(_metadata, s, SIPHON_SHC_GLOBAL_UNREAD));
	/* nobody is banned for it */
	EXPECT_EQ(0ull, shc(_metadata, s, SIPHON_SHC_BANS));
	run_from(_metadata, s, "198.18.20.9", RESP_200,
		 SIPHON_PASS_SIP_RESPONSE);
	/* a source siphond vouched for keeps only its own budgets */
	source_key(_metadata, "198.18.20.9", &k);
	good.until_ns = shield_now_ns() + 60000000000ull;
	ASSERT_EQ(0, bpf_map_update_elem(s->good_fd, &k, &good, BPF_ANY));
	for (i = 0; i < 5; i++)
		run_from(_metadata, s, "198.18.20.9",
			 SIP_REQ("INVITE", CALL_ID, ""),
			 SIPHON_PASS_SIP_REQUEST);
	EXPECT_EQ(5ull, shc(_metadata, s, SIPHON_SHC_KNOWN_GOOD));
	/* vouched for too long ago: unknown again */
	good.until_ns = shield_now_ns() - 1000000000ull;
	ASSERT_EQ(0, bpf_map_update_elem(s->good_fd, &k, &good, BPF_ANY));
	run_from(_metadata, s, "198.18.20.9", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(3ull, shc(_metadata, s, SIPHON_SHC_GLOBAL_UNREAD));
	/* allowed sources never meet it either */
	add_prefix(_metadata, s->allow_fd, "198.18.21.0/24", 0);
	run_from(_metadata, s, "198.18.21.1", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	/* the rate rule off: counted, not dropped */
	sip_set_cfg(_metadata, &s->sb, SIPHON_SHIELD_OFF_RATE, NULL);
	run_from(_metadata, s, "198.18.20.7", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_RULE_OFF);
	/* rate 0: no global budget */
	sip_set_cfg(_metadata, &s->sb, 0, NULL);
	set_global(_metadata, s, 0, 0);
	run_from(_metadata, s, "198.18.20.8", SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
}

TEST_F(fast, global_budget_reads_live_call_parties)
{
	struct src_bench *s = &self->s;
	__u32 n, hash = sip_hash(CALL_ID, strlen(CALL_ID), &n);
	struct siphon_live_call live = { .since_ns = 1 };

	set_global(_metadata, s, 1, 1);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", "x@198.18.0.10", ""),
		 SIPHON_DROP_SIP_GLOBAL);
	/* its call is live and it is a party: read, and its request passes */
	ASSERT_EQ(0, bpf_map_update_elem(s->live_fd, &hash, &live, BPF_ANY));
	live_peer(_metadata, s, FLOODER, 1);
	run_from(_metadata, s, FLOODER, SIP_REQ("BYE", CALL_ID, ""),
		 SIPHON_PASS_SIP_LIVE_CALL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", "y@198.18.0.10", ""),
		 SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(2ull, shc(_metadata, s, SIPHON_SHC_LIVE_PEER_READ));
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_GLOBAL_UNREAD));
}

TEST_F(fast, unread_global_drops_still_ban_a_flooder)
{
	struct src_bench *s = &self->s;
	struct siphon_source_key k;
	struct siphon_source v;

	set_global(_metadata, s, 1, 1);
	set_budget(_metadata, s, SIPHON_RATE_INVITE, 1, 3, 600);
	set_budget(_metadata, s, SIPHON_RATE_REGISTER, 1, 100, 600);
	run_from(_metadata, s, OTHER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_PASS_SIP_REQUEST);
	/* dry: FLOODER's first request is read, the next two are not, each
	 * charged to its INVITE budget all the same */
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	/* a REGISTER is charged to the REGISTER budget (far from empty:
	 * one token a second refills less than the one it took) */
	run_from(_metadata, s, FLOODER, SIP_REQ("REGISTER", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(3ull, shc(_metadata, s, SIPHON_SHC_GLOBAL_UNREAD));
	/* its INVITE budget is spent: banned, then dropped unread as such */
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_RATE);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANS));
	run_from(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""),
		 SIPHON_DROP_SIP_BANNED);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_BANNED_UNREAD));
	source_entry(_metadata, s, FLOODER, &k, &v);
	EXPECT_GT(100u * SIPHON_RATE_MILLI, v.tokens[SIPHON_RATE_REGISTER]);
	EXPECT_LE(99u * SIPHON_RATE_MILLI, v.tokens[SIPHON_RATE_REGISTER]);
	ASSERT_LE(0, ring_buffer__consume(s->rb));
	EXPECT_EQ(1, s->nev);
}

TEST_F(fast, resends_of_unknown_sources_meet_the_global_budget)
{
	struct src_bench *s = &self->s;

	set_global(_metadata, s, 1, 2);
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xc1,
		   SIPHON_PASS_SIP_REQUEST);
	/* not charged to its own budget, but to the global one */
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xc1,
		   SIPHON_PASS_SIP_REQUEST);
	run_branch(_metadata, s, FLOODER, SIP_REQ("INVITE", CALL_ID, ""), 0xc1,
		   SIPHON_DROP_SIP_GLOBAL);
	EXPECT_EQ(1ull, shc(_metadata, s, SIPHON_SHC_RESENT_FREE));
}

TEST_HARNESS_MAIN
