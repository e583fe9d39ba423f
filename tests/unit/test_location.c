// SPDX-License-Identifier: GPL-2.0-only
/*
 * location.h: AOR keys, bindings added, refreshed (matched per RFC 3261
 * 19.1.4), removed and expired, lookups in q order, and both bounds
 * refusing with their counters, all leak-free under ASan.
 */
#include <arpa/inet.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "siphond/location.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })

static struct sd_peer peer4(const char *ip, uint16_t port)
{
	struct sd_peer p = { .proto = SD_PROTO_UDP };

	p.addr.in.sin_family = AF_INET;
	p.addr.in.sin_port = htons(port);
	inet_pton(AF_INET, ip, &p.addr.in.sin_addr);
	return p;
}

static struct sd_peer peer6(const char *ip, uint16_t port)
{
	struct sd_peer p = { .proto = SD_PROTO_TCP, .conn = 7 };

	p.addr.in6.sin6_family = AF_INET6;
	p.addr.in6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &p.addr.in6.sin6_addr);
	return p;
}

/* the AOR key of text, or "(-1)" */
static const char *key_of(const char *text, size_t len)
{
	static char buf[LOC_AOR_MAX];
	struct sip_error err;
	struct sip_uri uri;

	if (sip_uri_parse(sip_str_of(text, strlen(text)), &uri, &err))
		return "(unparsed)";
	if (location_aor_key(&uri, buf, len) < 0)
		return "(-1)";
	return buf;
}

TEST(aor_keys)
{
	static const struct {
		const char *uri;
		size_t len;
		const char *key;
	} cases[] = {
		{ "sip:Alice@Example.COM", LOC_AOR_MAX, "Alice@example.com" },
		{ "sip:alice@example.com:5070;transport=tcp", LOC_AOR_MAX,
		  "alice@example.com" },
		{ "sips:%61lice@example.com", LOC_AOR_MAX,
		  "alice@example.com" },
		{ "sip:example.com", LOC_AOR_MAX, "example.com" },
		{ "sip:bob@[2001:DB8::1]:5061", LOC_AOR_MAX,
		  "bob@[2001:db8::1]" },
		{ "tel:+1-212-555-0100", LOC_AOR_MAX, "+12125550100" },
		{ "sip:alice@example.com", 18, "alice@example.com" },
		{ "sip:alice@example.com", 17, "(-1)" },
		{ "sip:alice@example.com", 6, "(-1)" },
		{ "sip:alice@example.com", 1, "(-1)" },
		{ "tel:+12", 3, "(-1)" },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TH_LOG("%s in %zu", cases[i].uri, cases[i].len);
		EXPECT_STREQ(cases[i].key, key_of(cases[i].uri, cases[i].len));
	}
}

FIXTURE(loc)
{
	struct location *l;
	struct sd_peer src;
};

FIXTURE_SETUP(loc)
{
	self->l = location_new(5, 3);
	ASSERT_NE(NULL, self->l);
	self->src = peer4("198.51.100.7", 5060);
}

FIXTURE_TEARDOWN(loc)
{
	location_free(self->l);
}

/* an int, so it compares with the enum's constants without a cast */
static int put(struct location *l, const char *aor, const char *contact,
	       const char *call_id, uint32_t cseq, uint16_t q,
	       uint32_t expires_s, const struct sd_peer *src, uint64_t now_ms)
{
	return location_update(l, aor, sip_str_of(contact, strlen(contact)),
			       sip_str_of(call_id, strlen(call_id)), cseq, q,
			       expires_s, src, now_ms);
}

TEST_F(loc, add_find_refresh)
{
	const struct location_stats *st = location_stats(self->l);
	const struct binding *b;

	ASSERT_EQ(LOC_ADDED,
		  put(self->l, "alice@example.com", "sip:alice@192.0.2.10:5060",
		      "c1", 1, 1000, 60, &self->src, 1000));
	b = location_find(self->l, "alice@example.com",
			  S("sip:alice@192.0.2.10:5060"));
	ASSERT_NE(NULL, b);
	EXPECT_STREQ("alice@example.com", b->aor);
	EXPECT_STREQ("sip:alice@192.0.2.10:5060", b->contact);
	EXPECT_STREQ("c1", b->call_id);
	EXPECT_EQ(1u, b->cseq);
	EXPECT_EQ(1000, b->q);
	EXPECT_EQ(61000u, b->expires_ms);
	EXPECT_EQ(0, memcmp(&self->src, &b->source, sizeof(self->src)));

	/* the same URI by 19.1.4 (host case, escaped user) refreshes */
	ASSERT_EQ(LOC_REFRESHED, put(self->l, "alice@example.com",
				     "sip:%61lice@192.0.2.10:5060", "c2", 5,
				     500, 120, &self->src, 2000));
	b = location_find(self->l, "alice@example.com",
			  S("sip:alice@192.0.2.10:5060"));
	ASSERT_NE(NULL, b);
	EXPECT_STREQ("c2", b->call_id);
	EXPECT_EQ(5u, b->cseq);
	EXPECT_EQ(500, b->q);
	EXPECT_EQ(122000u, b->expires_ms);
	/* the stored text stays the first one's */
	EXPECT_STREQ("sip:alice@192.0.2.10:5060", b->contact);

	/* a different port is a different contact */
	EXPECT_EQ(NULL, location_find(self->l, "alice@example.com",
				      S("sip:alice@192.0.2.10:5062")));
	EXPECT_EQ(NULL, location_find(self->l, "bob@example.com",
				      S("sip:alice@192.0.2.10:5060")));
	EXPECT_EQ(1u, st->bindings);
	EXPECT_EQ(1u, st->aors);
	EXPECT_EQ(1u, st->added);
	EXPECT_EQ(1u, st->refreshed);
}

TEST_F(loc, remove_one_and_all)
{
	const struct location_stats *st = location_stats(self->l);

	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:a@h1", "c", 1, 1000, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:a@h2", "c", 1, 1000, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "b@x", "sip:b@h1", "c", 1, 1000, 60,
				 &self->src, 0));
	ASSERT_EQ(3u, st->bindings);
	ASSERT_EQ(2u, st->aors);

	/* expires 0 removes; removing what is not there changes nothing */
	EXPECT_EQ(LOC_REMOVED, put(self->l, "a@x", "sip:a@H1", "c", 2, 1000, 0,
				   &self->src, 0));
	EXPECT_EQ(LOC_REMOVED, put(self->l, "a@x", "sip:a@h9", "c", 2, 1000, 0,
				   &self->src, 0));
	EXPECT_EQ(LOC_REMOVED, put(self->l, "z@x", "sip:a@h9", "c", 2, 1000, 0,
				   &self->src, 0));
	EXPECT_EQ(2u, st->bindings);
	EXPECT_EQ(1u, st->removed);
	EXPECT_EQ(NULL, location_find(self->l, "a@x", S("sip:a@h1")));

	EXPECT_EQ(1u, location_remove_all(self->l, "a@x"));
	EXPECT_EQ(0u, location_remove_all(self->l, "a@x"));
	EXPECT_EQ(1u, st->bindings);
	EXPECT_EQ(1u, st->aors);
	EXPECT_EQ(2u, st->removed);
}

TEST_F(loc, lookup_by_q_then_newest)
{
	const struct binding *out[4];
	unsigned int n;

	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:low@h", "c", 1, 100, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:old@h", "c", 1, 700, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:new@h", "c", 1, 700, 60,
				 &self->src, 0));

	n = location_lookup(self->l, "a@x", 0, out, 4);
	ASSERT_EQ(3u, n);
	EXPECT_STREQ("sip:new@h", out[0]->contact);
	EXPECT_STREQ("sip:old@h", out[1]->contact);
	EXPECT_STREQ("sip:low@h", out[2]->contact);

	/* a refresh makes a binding the newest of its q */
	ASSERT_EQ(LOC_REFRESHED, put(self->l, "a@x", "sip:old@h", "c", 2, 700,
				     60, &self->src, 0));
	n = location_lookup(self->l, "a@x", 0, out, 4);
	ASSERT_EQ(3u, n);
	EXPECT_STREQ("sip:old@h", out[0]->contact);
	EXPECT_STREQ("sip:new@h", out[1]->contact);

	/* a short out keeps the best ones */
	n = location_lookup(self->l, "a@x", 0, out, 1);
	ASSERT_EQ(1u, n);
	EXPECT_STREQ("sip:old@h", out[0]->contact);
	EXPECT_EQ(0u, location_lookup(self->l, "a@x", 0, out, 0));
	EXPECT_EQ(0u, location_lookup(self->l, "nobody@x", 0, out, 4));
}

TEST_F(loc, per_aor_bound)
{
	const struct location_stats *st = location_stats(self->l);
	const struct binding *out[4];

	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:1@h", "c", 1, 1000, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:2@h", "c", 1, 1000, 60,
				 &self->src, 0));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:3@h", "c", 1, 1000, 60,
				 &self->src, 0));
	EXPECT_EQ(LOC_FULL_AOR, put(self->l, "a@x", "sip:4@h", "c", 1, 1000, 60,
				    &self->src, 0));
	EXPECT_EQ(1u, st->full_aor);
	EXPECT_EQ(0u, st->full_total);
	EXPECT_EQ(3u, st->bindings);
	EXPECT_EQ(NULL, location_find(self->l, "a@x", S("sip:4@h")));
	/* a refresh needs no room */
	EXPECT_EQ(LOC_REFRESHED, put(self->l, "a@x", "sip:3@h", "c", 2, 1000,
				     60, &self->src, 0));
	/* an expired binding does not hold its slot */
	ASSERT_EQ(LOC_REFRESHED, put(self->l, "a@x", "sip:1@h", "c", 3, 1000, 1,
				     &self->src, 0));
	EXPECT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:4@h", "c", 1, 1000, 60,
				 &self->src, 1000));
	EXPECT_EQ(1u, st->expired);
	EXPECT_EQ(3u, location_lookup(self->l, "a@x", 1000, out, 4));
}

TEST_F(loc, total_bound)
{
	const struct location_stats *st = location_stats(self->l);
	char aor[16];
	unsigned int i;

	for (i = 0; i < 5; i++) {
		snprintf(aor, sizeof(aor), "u%u@x", i);
		ASSERT_EQ(LOC_ADDED, put(self->l, aor, "sip:u@h", "c", 1, 1000,
					 60, &self->src, 0));
	}
	/* a new AOR and a new contact of an old one are both refused */
	EXPECT_EQ(LOC_FULL_TOTAL, put(self->l, "u9@x", "sip:u@h", "c", 1, 1000,
				      60, &self->src, 0));
	EXPECT_EQ(LOC_FULL_TOTAL, put(self->l, "u0@x", "sip:v@h", "c", 1, 1000,
				      60, &self->src, 0));
	EXPECT_EQ(2u, st->full_total);
	EXPECT_EQ(0u, st->full_aor);
	EXPECT_EQ(5u, st->bindings);
	EXPECT_EQ(5u, st->aors);
	EXPECT_EQ(NULL, location_find(self->l, "u9@x", S("sip:u@h")));
}

TEST_F(loc, too_long)
{
	char big[LOC_CONTACT_MAX + 8];
	char aor[LOC_AOR_MAX + 1];

	memset(aor, 'a', sizeof(aor) - 1);
	aor[sizeof(aor) - 1] = '\0';
	EXPECT_EQ(LOC_TOO_LONG, put(self->l, aor, "sip:a@h", "c", 1, 1000, 60,
				    &self->src, 0));
	snprintf(big, sizeof(big), "sip:%0*d@h", LOC_CONTACT_MAX, 0);
	EXPECT_EQ(LOC_TOO_LONG,
		  put(self->l, "a@x", big, "c", 1, 1000, 60, &self->src, 0));
	memset(big, 'c', LOC_CALL_ID_MAX);
	big[LOC_CALL_ID_MAX] = '\0';
	EXPECT_EQ(LOC_TOO_LONG, put(self->l, "a@x", "sip:a@h", big, 1, 1000, 60,
				    &self->src, 0));
	EXPECT_EQ(LOC_TOO_LONG,
		  put(self->l, "", "sip:a@h", "c", 1, 1000, 60, &self->src, 0));
	EXPECT_EQ(0u, location_stats(self->l)->bindings);
}

TEST_F(loc, expiry)
{
	const struct location_stats *st = location_stats(self->l);
	const struct binding *out[4];

	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:a@h1", "c", 1, 1000, 10,
				 &self->src, 5000));
	ASSERT_EQ(LOC_ADDED, put(self->l, "a@x", "sip:a@h2", "c", 1, 1000, 30,
				 &self->src, 5000));
	ASSERT_EQ(LOC_ADDED, put(self->l, "b@x", "sip:b@h1", "c", 1, 1000, 20,
				 &self->src, 5000));

	EXPECT_EQ(0u, location_expire(self->l, 14999));
	EXPECT_EQ(2u, location_lookup(self->l, "a@x", 14999, out, 4));
	/* due at 15000: gone from a lookup then */
	EXPECT_EQ(1u, location_lookup(self->l, "a@x", 15000, out, 4));
	EXPECT_STREQ("sip:a@h2", out[0]->contact);
	EXPECT_EQ(1u, location_expire(self->l, 25000));
	EXPECT_EQ(1u, st->aors);
	EXPECT_EQ(1u, location_expire(self->l, 35000));
	EXPECT_EQ(0u, location_expire(self->l, 99000));
	EXPECT_EQ(0u, st->bindings);
	EXPECT_EQ(0u, st->aors);
	EXPECT_EQ(3u, st->expired);
	EXPECT_EQ(0u, location_lookup(self->l, "a@x", 35000, out, 4));
}

TEST_F(loc, ipv6_source_and_tel)
{
	struct sd_peer v6 = peer6("2001:db8::7", 5080);
	const struct binding *b;

	ASSERT_EQ(LOC_ADDED, put(self->l, "+12125550100", "sip:a@[2001:db8::7]",
				 "c", 1, 1000, 60, &v6, 0));
	b = location_find(self->l, "+12125550100", S("sip:a@[2001:DB8:0::7]"));
	ASSERT_NE(NULL, b);
	EXPECT_EQ(AF_INET6, b->source.addr.sa.sa_family);
	EXPECT_EQ(0, memcmp(&v6, &b->source, sizeof(v6)));
	EXPECT_EQ(SD_PROTO_TCP, (int)b->source.proto);
	EXPECT_EQ(7u, b->source.conn);
}

/* what a walk saw: the contacts in a string, how many, stop after */
struct walk_seen {
	char contacts[512];
	unsigned int n, stop_at;
};

static int walk_note(void *arg, const struct binding *b)
{
	struct walk_seen *w = arg;
	size_t len = strlen(w->contacts);

	snprintf(w->contacts + len, sizeof(w->contacts) - len, "%s%s",
		 len ? " " : "", b->contact);
	return ++w->n == w->stop_at ? 7 : 0;
}

TEST_F(loc, walk_sees_live_bindings_only)
{
	struct walk_seen w = { 0 };

	EXPECT_EQ(0, location_walk(self->l, 1000, walk_note, &w));
	EXPECT_EQ(0u, w.n);
	ASSERT_EQ(LOC_ADDED, put(self->l, "alice@example.com", "sip:a@h1", "c1",
				 1, 1000, 60, &self->src, 1000));
	ASSERT_EQ(LOC_ADDED, put(self->l, "alice@example.com", "sip:a@h2", "c2",
				 1, 1000, 5, &self->src, 1000));
	ASSERT_EQ(LOC_ADDED, put(self->l, "bob@example.com", "sip:b@h3", "c3",
				 1, 1000, 60, &self->src, 1000));
	EXPECT_EQ(0, location_walk(self->l, 2000, walk_note, &w));
	EXPECT_EQ(3u, w.n);
	EXPECT_NE(NULL, strstr(w.contacts, "sip:a@h1"));
	EXPECT_NE(NULL, strstr(w.contacts, "sip:a@h2"));
	EXPECT_NE(NULL, strstr(w.contacts, "sip:b@h3"));

	/* sip:a@h2 is past its time at 6 s: skipped, and still counted in
	 * the table until the sweep (the walk changes nothing) */
	memset(&w, 0, sizeof(w));
	EXPECT_EQ(0, location_walk(self->l, 6000, walk_note, &w));
	EXPECT_EQ(2u, w.n);
	EXPECT_EQ(NULL, strstr(w.contacts, "sip:a@h2"));
	EXPECT_EQ(3u, location_stats(self->l)->bindings);

	/* fn's non-zero return ends the walk and comes back */
	memset(&w, 0, sizeof(w));
	w.stop_at = 1;
	EXPECT_EQ(7, location_walk(self->l, 2000, walk_note, &w));
	EXPECT_EQ(1u, w.n);
}

TEST(bad_bounds)
{
	EXPECT_EQ(NULL, location_new(0, 8));
	EXPECT_EQ(NULL, location_new(8, 0));
	location_free(NULL);
}

/* many AORs spread over buckets and all found again */
TEST(many_aors)
{
	struct location *l = location_new(1000, 2);
	struct sd_peer src = peer4("192.0.2.1", 5060);
	const struct binding *out[2];
	char aor[32];
	unsigned int i, found = 0;

	ASSERT_NE(NULL, l);
	for (i = 0; i < 1000; i++) {
		snprintf(aor, sizeof(aor), "user%u@example.com", i);
		ASSERT_EQ(LOC_ADDED, put(l, aor, "sip:u@192.0.2.1", "c", 1,
					 1000, 60 + i, &src, 0));
	}
	for (i = 0; i < 1000; i++) {
		snprintf(aor, sizeof(aor), "user%u@example.com", i);
		found += location_lookup(l, aor, 0, out, 2);
	}
	EXPECT_EQ(1000u, found);
	EXPECT_EQ(500u, location_expire(l, 559999));
	EXPECT_EQ(500u, location_stats(l)->aors);
	location_free(l);
}

/* a location kept in a fresh state file */
static struct location *kept(struct __test_metadata *_metadata,
			     const char *path, uint32_t max, uint64_t now_ms)
{
	struct location *l = location_new(max, 3);
	char err[256];

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, location_persist(l, path, now_ms, err, sizeof(err)))
	{
		TH_LOG("%s", err);
	}
	return l;
}

TEST(bindings_outlive_the_process)
{
	char path[] = "/tmp/siphon-loc-XXXXXX";
	struct sd_peer tcp = peer6("2001:db8::7", 5061);
	struct sd_peer src = peer4("198.51.100.7", 5060);
	const struct binding *b[3];
	struct location *l;
	int fd = mkstemp(path);

	ASSERT_LE(0, fd);
	close(fd);
	l = kept(_metadata, path, 8, 1000);
	ASSERT_EQ(LOC_ADDED, put(l, "alice@x", "sip:a@1.2.3.4", "c1", 1, 1000,
				 3600, &src, 1000));
	ASSERT_EQ(LOC_ADDED, put(l, "alice@x", "sip:a@5.6.7.8", "c2", 1, 500,
				 3600, &tcp, 1000));
	ASSERT_EQ(LOC_ADDED, put(l, "bob@x", "sip:b@1.2.3.5", "c3", 1, 1000, 10,
				 &src, 1000));
	ASSERT_EQ(LOC_ADDED, put(l, "carol@x", "sip:c@1.2.3.6", "c4", 1, 1000,
				 3600, &src, 1000));
	/* refreshed, removed: the file follows */
	ASSERT_EQ(LOC_REFRESHED, put(l, "alice@x", "sip:a@1.2.3.4", "c1", 2,
				     1000, 7200, &src, 2000));
	ASSERT_EQ(LOC_REMOVED, put(l, "carol@x", "sip:c@1.2.3.6", "c4", 2, 1000,
				   0, &src, 2000));
	/* no clean stop needed: what is in the file is what counts */
	location_free(l);

	/* 20 s later bob's 10 s are over */
	l = kept(_metadata, path, 8, 21000);
	EXPECT_EQ(2u, (unsigned int)location_stats(l)->restored);
	EXPECT_EQ(2u, (unsigned int)location_stats(l)->bindings);
	EXPECT_EQ(0u, (unsigned int)location_stats(l)->added);
	ASSERT_EQ(2u, location_lookup(l, "alice@x", 21000, b, 3));
	EXPECT_STREQ("sip:a@1.2.3.4", b[0]->contact);
	EXPECT_EQ(2u, b[0]->cseq);
	EXPECT_EQ(2000u + 7200 * 1000, b[0]->expires_ms);
	EXPECT_STREQ("c1", b[0]->call_id);
	EXPECT_STREQ("sip:a@5.6.7.8", b[1]->contact);
	EXPECT_EQ(500, b[1]->q);
	/* the address stays, the dead process's TCP connection does not */
	EXPECT_EQ(AF_INET6, b[1]->source.addr.sa.sa_family);
	EXPECT_EQ(0u, b[1]->source.conn);
	EXPECT_EQ(0u, location_lookup(l, "bob@x", 21000, b, 3));
	EXPECT_EQ(0u, location_lookup(l, "carol@x", 21000, b, 3));
	/* a new binding after the restart lands in the file too */
	ASSERT_EQ(LOC_ADDED, put(l, "dave@x", "sip:d@1.2.3.7", "c5", 1, 1000,
				 3600, &src, 21000));
	location_free(l);

	/* a smaller bound on the next start keeps what fits */
	l = kept(_metadata, path, 2, 22000);
	EXPECT_EQ(2u, (unsigned int)location_stats(l)->bindings);
	EXPECT_EQ(1u, (unsigned int)location_stats(l)->full_total);
	location_free(l);
	unlink(path);
}

TEST(a_state_file_that_cannot_be_opened_says_why)
{
	struct location *l = location_new(4, 2);
	char err[256] = "";

	ASSERT_NE(NULL, l);
	EXPECT_NE(0, location_persist(l, "/proc/no/such/dir/file", 0, err,
				      sizeof(err)));
	EXPECT_NE(NULL, strstr(err, "/proc/no/such/dir/file"));
	location_free(l);
}

TEST_HARNESS_MAIN
