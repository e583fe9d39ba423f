// SPDX-License-Identifier: GPL-2.0-only
/*
 * registrar.h: REGISTER requests built as text, answered, and the answer
 * parsed back: status, Contact lines with their expires and q, and the
 * Min-Expires and Retry-After of the refusals; the location service is
 * looked at directly to prove a refused request changed nothing.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "siphond/registrar.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })
#define AOR "alice@example.com"
#define MAX_LISTED 16

/* the request, the answer, and what the answer says */
static char req_buf[4096];
static struct sip_msg req;
static char resp_buf[8192];
static struct sip_msg resp;
static struct {
	int status;
	char reason[128];
	char to_tag[64];
	unsigned int n;
	char uri[MAX_LISTED][LOC_CONTACT_MAX];
	uint32_t expires[MAX_LISTED];
	uint16_t q[MAX_LISTED];
	char min_expires[32];
	char retry_after[32];
} got;

static void copy_str(char *dst, size_t size, struct sip_str s)
{
	snprintf(dst, size, "%.*s", (int)s.len, s.p ? s.p : "");
}

static void copy_hdr(char *dst, size_t size, const char *name)
{
	const struct sip_hdr *h = sip_msg_find(&resp, name);

	copy_str(dst, size, h ? h->value : SIP_STR_NULL);
}

/* every Contact of the answer; -1 when one does not parse */
static int read_contacts(void)
{
	struct sip_val_iter it;
	struct sip_error err;
	struct sip_addr a;
	struct sip_str v;
	int r;

	sip_msg_values(&resp, SIP_HDR_CONTACT, &it);
	while ((r = sip_val_next(&it, &v, &err)) == 1) {
		if (got.n >= MAX_LISTED || sip_contact_parse(v, &a, &err) ||
		    !a.has_expires)
			return -1;
		copy_str(got.uri[got.n], sizeof(got.uri[0]), a.uri);
		got.expires[got.n] = a.expires;
		got.q[got.n] = a.has_q ? a.q : 1000;
		got.n++;
	}
	return r;
}

static int read_answer(int len)
{
	const struct sip_addr *to;
	struct sip_error err;

	if (sip_msg_parse(&resp, resp_buf, (size_t)len, &err) ||
	    sip_msg_validate(&resp, &err) || resp.is_request) {
		fprintf(stderr, "# answer: %s: %.*s\n", sip_err_name(err.code),
			len, resp_buf);
		return -1;
	}
	got.status = resp.status;
	copy_str(got.reason, sizeof(got.reason), resp.reason);
	to = sip_msg_to(&resp, &err);
	if (!to)
		return -1;
	copy_str(got.to_tag, sizeof(got.to_tag), to->tag);
	copy_hdr(got.min_expires, sizeof(got.min_expires), "Min-Expires");
	copy_hdr(got.retry_after, sizeof(got.retry_after), "Retry-After");
	return read_contacts();
}

/*
 * Send a REGISTER for alice with call_id, cseq and the header lines in
 * fmt; fills got. Returns the status, or -1 when something did not parse.
 */
static int __attribute__((format(printf, 6, 7)))
send_register(struct registrar *r, const struct sd_peer *src, uint64_t now_ms,
	      const char *call_id, unsigned int cseq, const char *fmt, ...)
{
	struct sip_error err;
	char lines[2048];
	va_list ap;
	int len;

	memset(&got, 0, sizeof(got));
	va_start(ap, fmt);
	vsnprintf(lines, sizeof(lines), fmt, ap);
	va_end(ap);
	len = snprintf(req_buf, sizeof(req_buf),
		       "REGISTER sip:example.com SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK%u\r\n"
		       "Max-Forwards: 70\r\n"
		       "To: <sip:alice@example.com>\r\n"
		       "From: <sip:alice@example.com>;tag=f%u\r\n"
		       "Call-ID: %s\r\n"
		       "CSeq: %u REGISTER\r\n"
		       "%s"
		       "Content-Length: 0\r\n\r\n",
		       cseq, cseq, call_id, cseq, lines);
	if (sip_msg_parse(&req, req_buf, (size_t)len, &err)) {
		fprintf(stderr, "# request: %s\n", sip_err_name(err.code));
		return -1;
	}
	len = registrar_handle(r, &req, src, now_ms, S("reg77"), resp_buf,
			       sizeof(resp_buf));
	if (len < 0 || read_answer(len))
		return -1;
	/* what was stored must not point into the request */
	memset(req_buf, 'X', sizeof(req_buf));
	return got.status;
}

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
	struct sd_peer p = { .proto = SD_PROTO_UDP };

	p.addr.in6.sin6_family = AF_INET6;
	p.addr.in6.sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &p.addr.in6.sin6_addr);
	return p;
}

/* the listed index of uri, or -1 */
static int listed(const char *uri)
{
	unsigned int i;

	for (i = 0; i < got.n; i++)
		if (!strcmp(got.uri[i], uri))
			return (int)i;
	return -1;
}

FIXTURE(reg)
{
	struct sd_config cfg;
	struct registrar r;
	struct sd_peer src;
	const struct location_stats *ls;
};

FIXTURE_SETUP(reg)
{
	memset(&self->cfg, 0, sizeof(self->cfg));
	self->cfg.max_bindings = 4;
	self->cfg.max_bindings_per_aor = 3;
	self->cfg.min_expires = 60;
	self->cfg.max_expires = 3600;
	self->cfg.default_expires = 1800;
	self->r = (struct registrar){
		.loc = location_new(self->cfg.max_bindings,
				    self->cfg.max_bindings_per_aor),
		.cfg = &self->cfg,
	};
	ASSERT_NE(NULL, self->r.loc);
	self->ls = location_stats(self->r.loc);
	self->src = peer4("198.51.100.7", 40000);
}

FIXTURE_TEARDOWN(reg)
{
	location_free(self->r.loc);
}

#define REG(now, cid, cseq, ...) \
	send_register(&self->r, &self->src, now, cid, cseq, __VA_ARGS__)

TEST_F(reg, add_and_query)
{
	const struct binding *b;

	ASSERT_EQ(200,
		  REG(0, "c1", 1,
		      "Contact: <sip:alice@192.0.2.10:5060>;expires=600\r\n"));
	EXPECT_STREQ("OK", got.reason);
	EXPECT_STREQ("reg77", got.to_tag);
	ASSERT_EQ(1u, got.n);
	EXPECT_STREQ("sip:alice@192.0.2.10:5060", got.uri[0]);
	EXPECT_EQ(600u, got.expires[0]);

	b = location_find(self->r.loc, AOR, S("sip:alice@192.0.2.10:5060"));
	ASSERT_NE(NULL, b);
	EXPECT_STREQ("c1", b->call_id);
	EXPECT_EQ(1u, b->cseq);
	EXPECT_EQ(0, memcmp(&self->src, &b->source, sizeof(self->src)));

	/* no Contact: a query, with what is left of the time */
	ASSERT_EQ(200, REG(100000, "c9", 1, "%s", ""));
	ASSERT_EQ(1u, got.n);
	EXPECT_EQ(500u, got.expires[0]);
	EXPECT_EQ(1u, self->ls->bindings);
	EXPECT_EQ(2u, self->r.stats.ok);
}

TEST_F(reg, expiry_sources)
{
	/* the default, the header, the parameter over the header, the cap */
	static const struct {
		const char *lines;
		uint32_t expires;
	} cases[] = {
		{ "Contact: <sip:a@192.0.2.1>\r\n", 1800 },
		{ "Contact: <sip:a@192.0.2.1>\r\nExpires: 900\r\n", 900 },
		{ "Expires: 900\r\nContact: <sip:a@192.0.2.1>;expires=120\r\n",
		  120 },
		{ "Contact: sip:a@192.0.2.1;expires=99999\r\n", 3600 },
		{ "Contact: <sip:a@192.0.2.1>\r\nExpires: 4294967295\r\n",
		  3600 },
		{ "Contact: <sip:a@192.0.2.1>;expires=60\r\n", 60 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TH_LOG("case %u", i);
		ASSERT_EQ(200, REG(0, "c1", i + 1, "%s", cases[i].lines));
		ASSERT_EQ(1u, got.n);
		EXPECT_EQ(cases[i].expires, got.expires[0]);
	}
}

TEST_F(reg, refresh_and_ordering)
{
	const struct binding *b;

	ASSERT_EQ(200, REG(0, "c1", 5, "Contact: <sip:a@192.0.2.1>\r\n"));
	/* a higher CSeq refreshes */
	ASSERT_EQ(200, REG(10000, "c1", 6,
			   "Contact: <sip:a@192.0.2.1>;expires=300\r\n"));
	ASSERT_EQ(1u, got.n);
	EXPECT_EQ(300u, got.expires[0]);
	EXPECT_EQ(1u, self->ls->refreshed);

	/* the same CSeq again, and a lower one: 500, nothing changed */
	EXPECT_EQ(500, REG(20000, "c1", 6,
			   "Contact: <sip:a@192.0.2.1>;expires=900\r\n"));
	EXPECT_EQ(0u, got.n);
	EXPECT_EQ(500, REG(20000, "c1", 2,
			   "Contact: <sip:a@192.0.2.1>;expires=0\r\n"));
	EXPECT_EQ(2u, self->r.stats.out_of_order);
	b = location_find(self->r.loc, AOR, S("sip:a@192.0.2.1"));
	ASSERT_NE(NULL, b);
	EXPECT_EQ(6u, b->cseq);
	EXPECT_EQ(310000u, b->expires_ms);

	/* another Call-ID (a rebooted phone) replaces, whatever its CSeq */
	ASSERT_EQ(200, REG(20000, "c2", 1,
			   "Contact: <sip:a@192.0.2.1>;expires=900\r\n"));
	ASSERT_EQ(1u, got.n);
	EXPECT_EQ(900u, got.expires[0]);
	b = location_find(self->r.loc, AOR, S("sip:a@192.0.2.1"));
	ASSERT_NE(NULL, b);
	EXPECT_STREQ("c2", b->call_id);
	EXPECT_EQ(1u, b->cseq);
	EXPECT_EQ(1u, self->ls->bindings);
}

TEST_F(reg, remove_by_expires_zero)
{
	ASSERT_EQ(200,
		  REG(0, "c1", 1,
		      "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>\r\n"));
	ASSERT_EQ(2u, got.n);
	/* the same URI written differently still names the binding */
	ASSERT_EQ(200, REG(0, "c1", 2,
			   "Contact: <sip:a@192.0.2.1:5060>;expires=0\r\n"
			   "Contact: <sip:%%61@192.0.2.1>;expires=0\r\n"));
	ASSERT_EQ(1u, got.n);
	EXPECT_STREQ("sip:b@192.0.2.2", got.uri[0]);
	EXPECT_EQ(1u, self->r.stats.removals);
	ASSERT_EQ(200, REG(0, "c1", 3,
			   "Contact: <sip:b@192.0.2.2>\r\n"
			   "Expires: 0\r\n"));
	EXPECT_EQ(0u, got.n);
	EXPECT_EQ(0u, self->ls->bindings);
	EXPECT_EQ(0u, self->ls->aors);
	EXPECT_EQ(2u, self->r.stats.removals);
}

TEST_F(reg, star)
{
	ASSERT_EQ(200,
		  REG(0, "c1", 1,
		      "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>\r\n"));
	/* misuse: with another contact, without Expires, with Expires 30 */
	EXPECT_EQ(400, REG(0, "c1", 2,
			   "Contact: *, <sip:a@192.0.2.1>\r\n"
			   "Expires: 0\r\n"));
	EXPECT_EQ(400, REG(0, "c1", 3,
			   "Contact: <sip:a@192.0.2.1>\r\n"
			   "Contact: *\r\nExpires: 0\r\n"));
	EXPECT_EQ(400, REG(0, "c1", 4, "Contact: *\r\n"));
	EXPECT_EQ(400, REG(0, "c1", 5, "Contact: *\r\nExpires: 30\r\n"));
	EXPECT_EQ(4u, self->r.stats.bad_request);
	EXPECT_EQ(2u, self->ls->bindings);

	/* the same Call-ID must still move forward */
	EXPECT_EQ(500, REG(0, "c1", 1, "Contact: *\r\nExpires: 0\r\n"));
	EXPECT_EQ(2u, self->ls->bindings);

	ASSERT_EQ(200, REG(0, "other", 1, "Contact: *\r\nExpires: 0\r\n"));
	EXPECT_EQ(0u, got.n);
	EXPECT_EQ(0u, self->ls->bindings);
	EXPECT_EQ(2u, self->r.stats.removals);
}

TEST_F(reg, q_order)
{
	const struct binding *out[3];

	ASSERT_EQ(200, REG(0, "c1", 1,
			   "Contact: <sip:low@192.0.2.1>;q=0.1\r\n"
			   "Contact: <sip:top@192.0.2.2>\r\n"
			   "Contact: <sip:mid@192.0.2.3>;q=0.5\r\n"));
	ASSERT_EQ(3u, got.n);
	EXPECT_STREQ("sip:top@192.0.2.2", got.uri[0]);
	EXPECT_EQ(1000, got.q[0]);
	EXPECT_STREQ("sip:mid@192.0.2.3", got.uri[1]);
	EXPECT_EQ(500, got.q[1]);
	EXPECT_STREQ("sip:low@192.0.2.1", got.uri[2]);
	EXPECT_EQ(100, got.q[2]);

	ASSERT_EQ(3u, location_lookup(self->r.loc, AOR, 0, out, 3));
	EXPECT_STREQ("sip:top@192.0.2.2", out[0]->contact);
	EXPECT_STREQ("sip:mid@192.0.2.3", out[1]->contact);
	EXPECT_STREQ("sip:low@192.0.2.1", out[2]->contact);
}

TEST_F(reg, interval_too_brief)
{
	/* one brief contact refuses the whole request */
	EXPECT_EQ(423, REG(0, "c1", 1,
			   "Contact: <sip:a@192.0.2.1>;expires=600\r\n"
			   "Contact: <sip:b@192.0.2.2>;expires=59\r\n"));
	EXPECT_STREQ("Interval Too Brief", got.reason);
	EXPECT_STREQ("60", got.min_expires);
	EXPECT_EQ(0u, got.n);
	EXPECT_EQ(423, REG(0, "c1", 2,
			   "Contact: <sip:a@192.0.2.1>\r\n"
			   "Expires: 1\r\n"));
	EXPECT_STREQ("60", got.min_expires);
	EXPECT_EQ(2u, self->r.stats.interval_too_brief);
	EXPECT_EQ(0u, self->ls->bindings);
	EXPECT_EQ(0u, self->ls->added);
}

TEST_F(reg, per_aor_bound)
{
	const struct binding *out[3];

	ASSERT_EQ(200,
		  REG(0, "c1", 1,
		      "Contact: <sip:a@192.0.2.1>, <sip:b@192.0.2.2>\r\n"));
	/* two new where one fits: neither goes in, the refresh neither */
	EXPECT_EQ(503,
		  REG(0, "c1", 2,
		      "Contact: <sip:a@192.0.2.1>;expires=120\r\n"
		      "Contact: <sip:c@192.0.2.3>, <sip:d@192.0.2.4>\r\n"));
	EXPECT_STREQ("Service Unavailable", got.reason);
	EXPECT_STREQ("60", got.retry_after);
	EXPECT_EQ(1u, self->r.stats.full_aor);
	EXPECT_EQ(2u, self->ls->bindings);
	EXPECT_EQ(NULL, location_find(self->r.loc, AOR, S("sip:c@192.0.2.3")));
	ASSERT_EQ(2u, location_lookup(self->r.loc, AOR, 0, out, 3));
	EXPECT_EQ(1800000u, out[0]->expires_ms);
	EXPECT_EQ(1800000u, out[1]->expires_ms);

	/* a removal in the same request makes the room */
	ASSERT_EQ(200,
		  REG(0, "c1", 3,
		      "Contact: <sip:a@192.0.2.1>;expires=0\r\n"
		      "Contact: <sip:c@192.0.2.3>, <sip:d@192.0.2.4>\r\n"));
	EXPECT_EQ(3u, got.n);
	EXPECT_EQ(-1, listed("sip:a@192.0.2.1"));

	/* a contact named twice takes one slot: the later one wins */
	ASSERT_EQ(200, REG(0, "c1", 4,
			   "Contact: <sip:d@192.0.2.4>;expires=0\r\n"
			   "Contact: <sip:e@192.0.2.5>;expires=100\r\n"
			   "Contact: <sip:e@192.0.2.5>;expires=200\r\n"));
	ASSERT_EQ(3u, got.n);
	ASSERT_LE(0, listed("sip:e@192.0.2.5"));
	EXPECT_EQ(200u, got.expires[listed("sip:e@192.0.2.5")]);

	/* full: one more is refused */
	EXPECT_EQ(503, REG(0, "c1", 5, "Contact: <sip:f@192.0.2.6>\r\n"));
	EXPECT_EQ(2u, self->r.stats.full_aor);
	EXPECT_EQ(3u, self->ls->bindings);
}

TEST_F(reg, total_bound)
{
	struct sip_str contact = S("sip:bob@192.0.2.9");

	/* another AOR takes two of the four slots */
	ASSERT_EQ(LOC_ADDED,
		  (int)location_update(self->r.loc, "bob@example.com", contact,
				       S("b1"), 1, 1000, 600, &self->src, 0));
	ASSERT_EQ(LOC_ADDED, (int)location_update(
				     self->r.loc, "carol@example.com", contact,
				     S("b1"), 1, 1000, 600, &self->src, 0));
	ASSERT_EQ(200, REG(0, "c1", 1, "Contact: <sip:a@192.0.2.1>\r\n"));
	EXPECT_EQ(503,
		  REG(0, "c1", 2,
		      "Contact: <sip:b@192.0.2.2>, <sip:c@192.0.2.3>\r\n"));
	EXPECT_STREQ("60", got.retry_after);
	EXPECT_EQ(1u, self->r.stats.full_total);
	EXPECT_EQ(3u, self->ls->bindings);
	EXPECT_EQ(NULL, location_find(self->r.loc, AOR, S("sip:b@192.0.2.2")));
	/* one fits */
	ASSERT_EQ(200, REG(0, "c1", 3, "Contact: <sip:b@192.0.2.2>\r\n"));
	EXPECT_EQ(2u, got.n);
	EXPECT_EQ(4u, self->ls->bindings);
	/* once bob's time is up there is room again */
	EXPECT_EQ(503, REG(0, "c1", 4, "Contact: <sip:c@192.0.2.3>\r\n"));
	EXPECT_EQ(2u, location_expire(self->r.loc, 600000));
	ASSERT_EQ(200, REG(600000, "c1", 5, "Contact: <sip:c@192.0.2.3>\r\n"));
	EXPECT_EQ(3u, got.n);
}

TEST_F(reg, expiry)
{
	ASSERT_EQ(200, REG(0, "c1", 1,
			   "Contact: <sip:a@192.0.2.1>;expires=600\r\n"
			   "Contact: <sip:b@192.0.2.2>;expires=60\r\n"));
	ASSERT_EQ(2u, got.n);
	/* part-seconds round up: a live binding never says expires=0 */
	ASSERT_EQ(200, REG(59500, "c1", 2, "%s", ""));
	ASSERT_EQ(2u, got.n);
	EXPECT_EQ(1u, got.expires[listed("sip:b@192.0.2.2")]);
	EXPECT_EQ(541u, got.expires[listed("sip:a@192.0.2.1")]);
	/* a query skips what is due even before location_expire runs */
	ASSERT_EQ(200, REG(60000, "c1", 3, "%s", ""));
	ASSERT_EQ(1u, got.n);
	EXPECT_STREQ("sip:a@192.0.2.1", got.uri[0]);
	EXPECT_EQ(0u, location_expire(self->r.loc, 599999));
	EXPECT_EQ(1u, location_expire(self->r.loc, 600000));
	ASSERT_EQ(200, REG(600000, "c1", 4, "%s", ""));
	EXPECT_EQ(0u, got.n);
	EXPECT_EQ(2u, self->ls->expired);
}

TEST_F(reg, ipv6_source)
{
	struct sd_peer v6 = peer6("2001:db8::10", 5062);
	const struct binding *b;

	ASSERT_EQ(200, send_register(&self->r, &v6, 0, "c6", 1,
				     "Contact: <sip:alice@[2001:db8::10]:5062"
				     ";transport=udp>\r\n"));
	ASSERT_EQ(1u, got.n);
	EXPECT_STREQ("sip:alice@[2001:db8::10]:5062;transport=udp", got.uri[0]);
	b = location_find(self->r.loc, AOR,
			  S("sip:alice@[2001:DB8:0:0::10]:5062;transport=UDP"));
	ASSERT_NE(NULL, b);
	EXPECT_EQ(AF_INET6, b->source.addr.sa.sa_family);
	EXPECT_EQ(0, memcmp(&v6, &b->source, sizeof(v6)));
}

TEST_F(reg, malformed)
{
	static const struct {
		const char *lines;
		const char *reason;
	} cases[] = {
		{ "Contact: <sip:a@192.0.2.1\r\n", "Bad Contact" },
		{ "Contact: <sip:a@192.0.2.1>;expires=soon\r\n",
		  "Bad Contact" },
		{ "Contact: <sip:a@192.0.2.1>;q=2\r\n", "Bad Contact" },
		{ "Contact: <sip:a@192.0.2.1>, ,<sip:b@192.0.2.1>\r\n",
		  "Bad Contact" },
		{ "Contact: <http://example.com/>\r\n", "Bad Contact URI" },
		{ "Contact: <sip:a@192.0.2.1>\r\nExpires: later\r\n",
		  "Bad Expires" },
	};
	unsigned int i;

	ASSERT_EQ(200, REG(0, "c1", 1, "Contact: <sip:ok@192.0.2.9>\r\n"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TH_LOG("case %u", i);
		EXPECT_EQ(400, REG(0, "c1", i + 2, "%s", cases[i].lines));
		EXPECT_STREQ(cases[i].reason, got.reason);
		EXPECT_EQ(0u, got.n);
	}
	EXPECT_EQ(6u, self->r.stats.bad_request);
	EXPECT_EQ(1u, self->ls->bindings);
}

TEST_F(reg, too_many_contacts)
{
	char lines[2048] = "";
	size_t len = 0;
	unsigned int i;

	/* 65 values over five lines: past what one REGISTER may carry */
	for (i = 0; i < 65; i++)
		len += (size_t)snprintf(lines + len, sizeof(lines) - len,
					"%s<sip:%u@h>%s",
					i % 13 ? "" : "Contact: ", i,
					i % 13 == 12 ? "\r\n" : ",");
	ASSERT_EQ(400, REG(0, "c1", 1, "%s", lines));
	EXPECT_STREQ("Too Many Contacts", got.reason);
	EXPECT_EQ(0u, self->ls->bindings);
}

TEST_F(reg, not_a_register_and_no_room)
{
	struct sip_error err;
	char out[64];
	static const char options[] =
		"OPTIONS sip:example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKo\r\n"
		"To: <sip:alice@example.com>\r\n"
		"From: <sip:alice@example.com>;tag=f\r\n"
		"Call-ID: o1\r\nCSeq: 1 OPTIONS\r\n\r\n";
	int n;

	memcpy(req_buf, options, sizeof(options));
	ASSERT_EQ(0, sip_msg_parse(&req, req_buf, sizeof(options) - 1, &err));
	n = registrar_handle(&self->r, &req, &self->src, 0, S("t"), resp_buf,
			     sizeof(resp_buf));
	ASSERT_LT(0, n);
	ASSERT_EQ(0, read_answer(n));
	EXPECT_EQ(400, got.status);
	EXPECT_EQ(1u, self->r.stats.bad_request);

	/* not even the refusal fits */
	EXPECT_EQ(-1, registrar_handle(&self->r, &req, &self->src, 0, S("t"),
				       out, sizeof(out)));
}

/* a 200 too long for the buffer turns into a 500 that fits */
TEST_F(reg, listing_too_long)
{
	char uri[LOC_CONTACT_MAX];
	static char small[1024];
	struct sip_error err;
	unsigned int i;
	int n;

	snprintf(uri, sizeof(uri), "sip:%0400d@192.0.2.1", 0);
	for (i = 0; i < 2; i++) {
		uri[4] = (char)('1' + i);
		ASSERT_EQ(LOC_ADDED,
			  (int)location_update(self->r.loc, AOR,
					       sip_str_of(uri, strlen(uri)),
					       S("x"), 1, 1000, 600, &self->src,
					       0));
	}
	ASSERT_EQ(200, REG(0, "c1", 1, "%s", ""));
	ASSERT_EQ(2u, got.n);
	n = snprintf(req_buf, sizeof(req_buf),
		     "REGISTER sip:example.com SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKq\r\n"
		     "Max-Forwards: 70\r\n"
		     "To: <sip:alice@example.com>\r\n"
		     "From: <sip:alice@example.com>;tag=f\r\n"
		     "Call-ID: q1\r\nCSeq: 1 REGISTER\r\n\r\n");
	ASSERT_EQ(0, sip_msg_parse(&req, req_buf, (size_t)n, &err));
	n = registrar_handle(&self->r, &req, &self->src, 0, S("t"), small,
			     sizeof(small));
	ASSERT_LT(0, n);
	memcpy(resp_buf, small, (size_t)n);
	ASSERT_EQ(0, read_answer(n));
	EXPECT_EQ(500, got.status);
}

TEST_HARNESS_MAIN
