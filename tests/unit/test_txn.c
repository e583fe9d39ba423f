// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transaction layer (txn_table.c, txn_server.c, txn_client.c) on its
 * own: crafted SIP messages parsed by the project's parser go in, every
 * send is caught by the txn_ops hook with the time it left, and time moves
 * by hand on the loop's wheel, a millisecond at a time, without sleeping.
 *
 * Covered: the four state machines and their timers (RFC 3261 section 17,
 * RFC 6026 section 7), matching (17.1.3, 17.2.3 and its RFC 2543 fallback,
 * CANCEL of 9.2), where responses go (18.2.2, RFC 3581), the table's bound
 * and transport errors. The last four tests are the corners this suite
 * found the code getting wrong: a transport error on a retransmission, the
 * ACK of a 2xx in Accepted, a long branch, and the fallback's ACK To tag.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif

#include "kselftest_harness.h"
#include "siphond/txn.h"

#define T1 500
#define T2 4000
#define T4 5000
#define T64 (64 * T1) /* timers B, F, H, J, L, M */
#define TIMER_D 32000 /* txn_client.c's value: at least 32 s (17.1.1.2) */
#define T0 1000 /* the made-up clock at the start, a multiple of a tick */

#define SENT_MAX 48
#define SENT_COPY 1024
#define MSGS_MAX 24
#define TEXT_MAX 1024

/* a Via with a magic-cookie branch; VIA_S tops server transactions' requests */
#define UDP(sent_by, branch) "SIP/2.0/UDP " sent_by ";branch=z9hG4bK" branch
#define VIA_S UDP("192.0.2.1:5070", "s1")
#define VIA_S_OTHER UDP("192.0.2.1:5070", "s2")
/* RFC 2543 peers: no branch, or one without the cookie */
#define VIA_2543 "SIP/2.0/UDP 192.0.2.1:5070"
#define VIA_NO_COOKIE VIA_2543 ";branch=1234"
#define PC1 "pc1.example.com:5070"
/* a client transaction's request carries our Via on top */
#define BRANCH_C "z9hG4bKc1"
#define VIA_C "SIP/2.0/UDP 203.0.113.5:5060;branch=" BRANCH_C
#define NEXT_URI "sip:bob@198.51.100.2"

/* the stats of the table under test */
#define STAT(name) (txn_stats(self->tab)->name)

struct sent {
	uint64_t at; /* ms after T0 */
	struct sd_peer to;
	size_t len;
	char buf[SENT_COPY];
};

/* a message and the text it points into */
struct parsed {
	char text[TEXT_MAX];
	struct sip_msg m;
};

FIXTURE(txn)
{
	struct evloop loop;
	struct txn_table *tab;
	struct sd_peer from; /* where server transactions' requests came from */
	struct sd_peer next; /* where client transactions send */
	int send_err; /* what the send hook answers; 0: it sends */
	unsigned int nsent, send_refused;
	struct sent sent[SENT_MAX];
	/* the transaction user's callbacks, in order: r(esponse) f(ailed) g(one) */
	char calls[32];
	unsigned int ncalls;
	unsigned int nresponse, nfailed, ngone;
	int response_status, failed_status;
	struct txn *gone_txn;
	struct parsed *msgs[MSGS_MAX];
	unsigned int nmsgs;
};

static void called(FIXTURE_DATA(txn) * self, char what)
{
	if (self->ncalls < sizeof(self->calls) - 1)
		self->calls[self->ncalls++] = what;
}

static void on_response(void *tu, struct txn *ct, struct sip_msg *m)
{
	FIXTURE_DATA(txn) *self = tu;

	(void)ct;
	called(self, 'r');
	self->nresponse++;
	self->response_status = m->status;
}

static void on_failed(void *tu, struct txn *ct, int status)
{
	FIXTURE_DATA(txn) *self = tu;

	(void)ct;
	called(self, 'f');
	self->nfailed++;
	self->failed_status = status;
}

static void on_gone(void *tu, struct txn *t)
{
	FIXTURE_DATA(txn) *self = tu;

	called(self, 'g');
	self->ngone++;
	self->gone_txn = t;
}

static int on_send(void *tu, struct sd_peer *to, const char *buf, size_t len)
{
	FIXTURE_DATA(txn) *self = tu;
	struct sent *s;

	if (self->send_err) {
		self->send_refused++;
		return self->send_err;
	}
	if (self->nsent < SENT_MAX) {
		s = &self->sent[self->nsent];
		s->at = self->loop.wheel.now - T0;
		s->to = *to;
		s->len = len;
		snprintf(s->buf, sizeof(s->buf), "%.*s", (int)len, buf);
	}
	self->nsent++;
	return 0;
}

static const struct txn_ops test_ops = {
	.response = on_response,
	.failed = on_failed,
	.gone = on_gone,
	.send = on_send,
};

static struct sd_peer peer(enum sd_proto proto, const char *ip, uint16_t port)
{
	struct sd_peer p = { .proto = proto, .conn = proto == SD_PROTO_TCP };

	p.addr.in.sin_family = AF_INET;
	p.addr.in.sin_port = htons(port);
	inet_pton(AF_INET, ip, &p.addr.in.sin_addr);
	return p;
}

static struct txn_table *table(FIXTURE_DATA(txn) * self, uint32_t max)
{
	struct txn_conf c = {
		.max = max, .t1_ms = T1, .t2_ms = T2, .t4_ms = T4
	};

	return txn_table_new(&self->loop, &c, &test_ops, self);
}

FIXTURE_SETUP(txn)
{
	ASSERT_EQ(0, evloop_init(&self->loop));
	/* the wheel never reads a clock itself: start it at a made-up time */
	tw_init(&self->loop.wheel, T0);
	self->tab = table(self, 16);
	ASSERT_NE(NULL, self->tab);
	self->from = peer(SD_PROTO_UDP, "192.0.2.1", 40000);
	self->next = peer(SD_PROTO_UDP, "198.51.100.2", 5060);
}

FIXTURE_TEARDOWN(txn)
{
	unsigned int i;

	txn_table_free(self->tab);
	for (i = 0; i < self->nmsgs; i++)
		free(self->msgs[i]);
	evloop_fini(&self->loop);
#ifdef __SANITIZE_ADDRESS__
	/* each test ends in _exit(), before LeakSanitizer's own check */
	EXPECT_EQ(0, __lsan_do_recoverable_leak_check());
#endif
}

/* move the clock to ms after the start, a millisecond at a time */
static void run_to(FIXTURE_DATA(txn) * self, uint64_t ms)
{
	uint64_t t;

	for (t = self->loop.wheel.now + 1; t <= T0 + ms; t++)
		tw_advance(&self->loop.wheel, t);
}

static struct sip_msg *parse(struct __test_metadata *_metadata,
			     FIXTURE_DATA(txn) * self, struct parsed *p, int n)
{
	struct sip_error e;

	ASSERT_GT(n, 0);
	ASSERT_GT((int)sizeof(p->text), n);
	ASSERT_EQ(0, sip_msg_parse(&p->m, p->text, (size_t)n, &e));
	return &p->m;
}

static struct parsed *slot(struct __test_metadata *_metadata,
			   FIXTURE_DATA(txn) * self)
{
	struct parsed *p;

	ASSERT_GT(MSGS_MAX, (int)self->nmsgs);
	p = calloc(1, sizeof(*p));
	ASSERT_NE(NULL, p);
	self->msgs[self->nmsgs++] = p; /* freed by the teardown */
	return p;
}

/* a request as a UAC or upstream proxy sends it; unset fields take defaults */
struct req {
	const char *method; /* also the CSeq's, unless cseq_method */
	const char *via; /* the top Via: VIA_S */
	const char *uri, *to_tag, *from_tag, *call_id, *cseq_method;
	uint32_t cseq;
};

static struct sip_msg *request(struct __test_metadata *_metadata,
			       FIXTURE_DATA(txn) * self, struct req r)
{
	struct parsed *p = slot(_metadata, self);
	int n;

	n = snprintf(p->text, sizeof(p->text),
		     "%s %s SIP/2.0\r\n"
		     "Via: %s\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:alice@example.com>;tag=%s\r\n"
		     "To: <sip:bob@example.com>%s%s\r\n"
		     "Call-ID: %s\r\n"
		     "CSeq: %u %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     r.method, r.uri ? r.uri : "sip:bob@example.com",
		     r.via ? r.via : VIA_S, r.from_tag ? r.from_tag : "f1",
		     r.to_tag ? ";tag=" : "", r.to_tag ? r.to_tag : "",
		     r.call_id ? r.call_id : "call-1@192.0.2.1",
		     r.cseq ? r.cseq : 1,
		     r.cseq_method ? r.cseq_method : r.method);
	return parse(_metadata, self, p, n);
}

#define REQ(...) request(_metadata, self, (struct req){ __VA_ARGS__ })

/* a response as the next hop sends it back to a client transaction */
struct resp {
	int status;
	const char *via; /* VIA_C */
	const char *to_tag; /* "t1" */
	const char *method; /* of the CSeq: INVITE */
};

static struct sip_msg *response(struct __test_metadata *_metadata,
				FIXTURE_DATA(txn) * self, struct resp r)
{
	struct parsed *p = slot(_metadata, self);
	int n;

	n = snprintf(p->text, sizeof(p->text),
		     "SIP/2.0 %d Whatever\r\n"
		     "Via: %s\r\n"
		     "From: <sip:alice@example.com>;tag=f1\r\n"
		     "To: <sip:bob@example.com>;tag=%s\r\n"
		     "Call-ID: call-1@192.0.2.1\r\n"
		     "CSeq: 7 %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     r.status, r.via ? r.via : VIA_C,
		     r.to_tag ? r.to_tag : "t1",
		     r.method ? r.method : "INVITE");
	return parse(_metadata, self, p, n);
}

#define RESP(...) response(_metadata, self, (struct resp){ __VA_ARGS__ })

/* the transaction a message like this one finds */
#define FIND(...) txn_server_find(self->tab, REQ(__VA_ARGS__))
#define FIND_INVITE(...) txn_server_find_invite(self->tab, REQ(__VA_ARGS__))
#define CFIND(...) txn_client_find(self->tab, RESP(__VA_ARGS__))

/* the parsed copy of what went out as send number i */
static struct sip_msg *sent_msg(struct __test_metadata *_metadata,
				FIXTURE_DATA(txn) * self, unsigned int i)
{
	struct parsed *p = slot(_metadata, self);

	ASSERT_GT(self->nsent, i);
	ASSERT_GT(sizeof(p->text), self->sent[i].len);
	memcpy(p->text, self->sent[i].buf, self->sent[i].len + 1);
	return parse(_metadata, self, p, (int)self->sent[i].len);
}

static bool sent_starts(FIXTURE_DATA(txn) * self, unsigned int i,
			const char *prefix)
{
	return i < self->nsent && i < SENT_MAX &&
	       !strncmp(self->sent[i].buf, prefix, strlen(prefix));
}

static bool sent_same(FIXTURE_DATA(txn) * self, unsigned int i, unsigned int j)
{
	return i < self->nsent && j < self->nsent && i < SENT_MAX &&
	       j < SENT_MAX && self->sent[i].len == self->sent[j].len &&
	       !memcmp(self->sent[i].buf, self->sent[j].buf, self->sent[i].len);
}

static bool str_is(struct sip_str s, const char *c)
{
	return s.len == strlen(c) && !memcmp(s.p, c, s.len);
}

/* a request in, as sip_in.c does it: its transaction absorbs it, if any */
static struct txn *request_in(FIXTURE_DATA(txn) * self, struct sip_msg *m)
{
	struct txn *st = txn_server_find(self->tab, m);

	if (st)
		txn_server_absorb(st, m);
	return st;
}

/* a response in, as sip_in.c does it */
static struct txn *response_in(FIXTURE_DATA(txn) * self, struct sip_msg *m)
{
	struct txn *ct = txn_client_find(self->tab, m);

	if (ct)
		txn_client_on_response(ct, m);
	return ct;
}

/* a new server transaction the test owns, as the proxy owns its own */
static struct txn *server(FIXTURE_DATA(txn) * self, struct sip_msg *m,
			  const struct sd_peer *from)
{
	struct txn *st = txn_server_new(self->tab, m, from);

	if (st)
		st->owner = self;
	return st;
}

/* the transaction user answers through st */
static int answer(struct txn *st, int status)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf),
			 "SIP/2.0 %d Whatever\r\nContent-Length: 0\r\n\r\n",
			 status);

	return txn_server_respond(st, buf, (size_t)n, status);
}

/* a final response with the To tag the ACK for it must carry */
static int answer_tagged(struct txn *st, int status, const char *tag)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "SIP/2.0 %d Whatever\r\n"
			 "To: <sip:bob@example.com>;tag=%s\r\n"
			 "Content-Length: 0\r\n\r\n",
			 status, tag);

	return txn_server_respond(st, buf, (size_t)n, status);
}

/* a request forwarded to self->next through a new client transaction */
static struct txn *client(FIXTURE_DATA(txn) * self, const char *method,
			  const char *branch)
{
	char buf[TEXT_MAX];
	int n;

	n = snprintf(buf, sizeof(buf),
		     "%s " NEXT_URI " SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 203.0.113.5:5060;branch=%s\r\n"
		     "Via: " VIA_S "\r\n"
		     "Route: <sip:198.51.100.2;lr>\r\n"
		     "Max-Forwards: 69\r\n"
		     "From: <sip:alice@example.com>;tag=f1\r\n"
		     "To: <sip:bob@example.com>\r\n"
		     "Call-ID: call-1@192.0.2.1\r\n"
		     "CSeq: 7 %s\r\n"
		     "Content-Length: 0\r\n\r\n",
		     method, branch, method);
	return txn_client_new(self->tab, buf, (size_t)n,
			      sip_method_of(sip_str_of(method, strlen(method))),
			      sip_str_of(branch, strlen(branch)), &self->next,
			      self, 0);
}

/* ---- server non-INVITE (17.2.2) ---- */

TEST_F(txn, server_non_invite_absorbs_then_repeats_last_response)
{
	struct txn *st = server(self, REQ(.method = "OPTIONS"), &self->from);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(TXN_TRYING, (int)st->state);
	ASSERT_EQ(1u, STAT(server_created));
	ASSERT_EQ(1u, STAT(active));
	/* Trying: a retransmission is absorbed, nothing goes out */
	ASSERT_EQ(st, request_in(self, REQ(.method = "OPTIONS")));
	ASSERT_EQ(0u, self->nsent);
	/* Proceeding: the last provisional again */
	ASSERT_EQ(0, answer(st, 100));
	ASSERT_EQ(TXN_PROCEEDING, (int)st->state);
	ASSERT_EQ(st, request_in(self, REQ(.method = "OPTIONS")));
	ASSERT_EQ(2u, self->nsent);
	ASSERT_TRUE(sent_same(self, 0, 1));
	/* Completed: the final again, and no other final */
	ASSERT_EQ(0, answer(st, 200));
	ASSERT_EQ(TXN_COMPLETED, (int)st->state);
	ASSERT_EQ(st, request_in(self, REQ(.method = "OPTIONS")));
	ASSERT_EQ(4u, self->nsent);
	ASSERT_TRUE(sent_starts(self, 2, "SIP/2.0 200 "));
	ASSERT_TRUE(sent_same(self, 2, 3));
	ASSERT_NE(0, answer(st, 500));
	ASSERT_EQ(4u, self->nsent);
	ASSERT_EQ(3u, STAT(request_retransmits));
}

TEST_F(txn, server_non_invite_timer_j_is_64_t1_over_udp)
{
	struct txn *st = server(self, REQ(.method = "BYE"), &self->from);

	ASSERT_NE(NULL, st);
	run_to(self, 100);
	ASSERT_EQ(0, answer(st, 200));
	run_to(self, 100 + T64 - 1);
	ASSERT_EQ(0u, self->ngone);
	ASSERT_EQ(st, request_in(self, REQ(.method = "BYE")));
	ASSERT_EQ(2u, self->nsent);
	run_to(self, 100 + T64);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(st, self->gone_txn);
	ASSERT_EQ(0u, STAT(active));
	ASSERT_EQ(NULL, FIND(.method = "BYE"));
	/* nothing sent on its own in between */
	ASSERT_EQ(2u, self->nsent);
}

TEST_F(txn, server_non_invite_timer_j_is_zero_over_tcp)
{
	struct sd_peer tcp = peer(SD_PROTO_TCP, "192.0.2.1", 40000);
	struct txn *st = server(self, REQ(.method = "OPTIONS"), &tcp);

	ASSERT_NE(NULL, st);
	ASSERT_TRUE(st->reliable);
	ASSERT_EQ(0, answer(st, 200));
	ASSERT_EQ(0u, self->ngone);
	run_to(self, TW_TICK_MS);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, STAT(active));
}

/* RFC 3261 18.2.2: UDP answers go to the source address and the Via's
 * port, RFC 3581: to the source port when the Via asks with rport */
TEST_F(txn, server_response_goes_where_18_2_2_and_rport_say)
{
	struct sd_peer tcp = peer(SD_PROTO_TCP, "192.0.2.1", 40000);
	struct txn *a, *b, *c, *d;

	a = server(self, REQ(.method = "OPTIONS"), &self->from);
	b = server(
		self,
		REQ(.method = "OPTIONS",
		    .via = "SIP/2.0/UDP 192.0.2.1:5070;rport;branch=z9hG4bKb"),
		&self->from);
	c = server(self,
		   REQ(.method = "OPTIONS",
		       .via = "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc"),
		   &self->from);
	d = server(self,
		   REQ(.method = "OPTIONS",
		       .via = "SIP/2.0/TCP 192.0.2.1:5070;branch=z9hG4bKd"),
		   &tcp);
	ASSERT_TRUE(a && b && c && d);
	ASSERT_EQ(0, answer(a, 200));
	ASSERT_EQ(0, answer(b, 200));
	ASSERT_EQ(0, answer(c, 200));
	ASSERT_EQ(0, answer(d, 200));
	ASSERT_EQ(4u, self->nsent);
	ASSERT_EQ(5070, ntohs(self->sent[0].to.addr.in.sin_port));
	ASSERT_EQ(40000, ntohs(self->sent[1].to.addr.in.sin_port));
	ASSERT_EQ(5060, ntohs(self->sent[2].to.addr.in.sin_port));
	/* TCP: back on the connection it came in on */
	ASSERT_EQ(40000, ntohs(self->sent[3].to.addr.in.sin_port));
	ASSERT_EQ(SD_PROTO_TCP, (int)self->sent[3].to.proto);
	ASSERT_EQ(1u, self->sent[3].to.conn);
	ASSERT_EQ(self->from.addr.in.sin_addr.s_addr,
		  self->sent[0].to.addr.in.sin_addr.s_addr);
}

/* ---- server INVITE (17.2.1, RFC 6026 7.1) ---- */

TEST_F(txn, server_invite_timer_g_doubles_to_t2_until_h)
{
	static const uint64_t at[] = { 0,     500,   1500,  3500,  7500, 11500,
				       15500, 19500, 23500, 27500, 31500 };
	struct txn *st = server(self, REQ(.method = "INVITE"), &self->from);
	unsigned int i;

	ASSERT_NE(NULL, st);
	ASSERT_EQ(TXN_PROCEEDING, (int)st->state);
	ASSERT_EQ(0, answer(st, 486));
	ASSERT_EQ(TXN_COMPLETED, (int)st->state);
	run_to(self, T64 - 1);
	ASSERT_EQ(11u, self->nsent);
	for (i = 0; i < 11; i++) {
		ASSERT_EQ(at[i], self->sent[i].at);
		ASSERT_TRUE(sent_same(self, 0, i));
	}
	ASSERT_EQ(10u, STAT(retransmissions_sent));
	ASSERT_EQ(0u, self->ngone);
	/* timer H: no ACK came */
	run_to(self, T64);
	ASSERT_EQ(1u, STAT(timeouts_h));
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, STAT(active));
	run_to(self, T64 + 10000);
	ASSERT_EQ(11u, self->nsent);
}

TEST_F(txn, server_invite_ack_confirms_then_timer_i)
{
	struct txn *st = server(self, REQ(.method = "INVITE"), &self->from);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, answer(st, 486));
	run_to(self, 600);
	ASSERT_EQ(2u, self->nsent); /* the final and one timer G */
	/* the ACK for a non-2xx has the INVITE's branch: same transaction */
	ASSERT_EQ(st, request_in(self, REQ(.method = "ACK", .to_tag = "t1")));
	ASSERT_EQ(TXN_CONFIRMED, (int)st->state);
	ASSERT_EQ(1u, STAT(acks_absorbed));
	/* Confirmed: an ACK retransmission is soaked up too */
	run_to(self, 1000);
	ASSERT_EQ(st, request_in(self, REQ(.method = "ACK", .to_tag = "t1")));
	ASSERT_EQ(2u, STAT(acks_absorbed));
	/* no G any more, and timer I is T4 from the first ACK */
	run_to(self, 600 + T4 - 1);
	ASSERT_EQ(2u, self->nsent);
	ASSERT_EQ(0u, self->ngone);
	run_to(self, 600 + T4);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, STAT(timeouts_h));
	ASSERT_EQ(0u, STAT(active));
}

TEST_F(txn, server_invite_retransmission_gets_the_latest_response)
{
	struct txn *st = server(self, REQ(.method = "INVITE"), &self->from);

	ASSERT_NE(NULL, st);
	/* nothing answered yet: nothing to repeat */
	ASSERT_EQ(st, request_in(self, REQ(.method = "INVITE")));
	ASSERT_EQ(0u, self->nsent);
	ASSERT_EQ(0, answer(st, 100));
	ASSERT_EQ(0, answer(st, 180));
	ASSERT_EQ(st, request_in(self, REQ(.method = "INVITE")));
	ASSERT_EQ(3u, self->nsent);
	ASSERT_TRUE(sent_starts(self, 2, "SIP/2.0 180 "));
	ASSERT_EQ(0, answer(st, 404));
	ASSERT_EQ(st, request_in(self, REQ(.method = "INVITE")));
	ASSERT_EQ(5u, self->nsent);
	ASSERT_TRUE(sent_starts(self, 4, "SIP/2.0 404 "));
	ASSERT_EQ(3u, STAT(request_retransmits));
	ASSERT_EQ(0u, STAT(retransmissions_sent));
}

TEST_F(txn, server_invite_over_tcp_no_g_and_i_is_zero)
{
	struct sd_peer tcp = peer(SD_PROTO_TCP, "192.0.2.1", 40000);
	struct txn *st = server(self, REQ(.method = "INVITE"), &tcp);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, answer(st, 603));
	run_to(self, 10000);
	ASSERT_EQ(1u, self->nsent);
	ASSERT_EQ(st, request_in(self, REQ(.method = "ACK", .to_tag = "t1")));
	ASSERT_EQ(TXN_CONFIRMED, (int)st->state);
	run_to(self, 10000 + TW_TICK_MS);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, STAT(active));
}

/* RFC 6026 7.1: after a 2xx, Accepted absorbs the INVITE, passes the
 * TU's 2xx through, retransmits nothing itself, and ends with timer L */
TEST_F(txn, server_invite_2xx_accepted_until_timer_l)
{
	struct txn *st = server(self, REQ(.method = "INVITE"), &self->from);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, answer(st, 200));
	ASSERT_EQ(TXN_ACCEPTED, (int)st->state);
	run_to(self, 100);
	ASSERT_EQ(st, request_in(self, REQ(.method = "INVITE")));
	ASSERT_EQ(1u, self->nsent);
	/* the proxy forwards more 2xx (retransmitted or forked) */
	run_to(self, 200);
	ASSERT_EQ(0, answer(st, 200));
	ASSERT_EQ(2u, self->nsent);
	ASSERT_EQ(200u, self->sent[1].at);
	ASSERT_NE(0, answer(st, 486));
	run_to(self, T64 - 1);
	ASSERT_EQ(2u, self->nsent);
	ASSERT_EQ(0u, self->ngone);
	run_to(self, T64);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, STAT(active));
	ASSERT_EQ(0u, STAT(timeouts_h));
}

/* ---- client INVITE (17.1.1, RFC 6026 7.2) ---- */

TEST_F(txn, client_invite_timer_a_doubles_then_b_fails_408)
{
	static const uint64_t at[] = { 0, 500, 1500, 3500, 7500, 15500, 31500 };
	struct txn *ct = client(self, "INVITE", BRANCH_C);
	unsigned int i;

	ASSERT_NE(NULL, ct);
	ASSERT_EQ(TXN_CALLING, (int)ct->state);
	ASSERT_EQ(1u, STAT(client_created));
	run_to(self, T64 - 1);
	ASSERT_EQ(7u, self->nsent);
	for (i = 0; i < 7; i++) {
		ASSERT_EQ(at[i], self->sent[i].at);
		ASSERT_TRUE(sent_same(self, 0, i));
	}
	ASSERT_TRUE(sent_starts(self, 0, "INVITE " NEXT_URI " SIP/2.0\r\n"));
	ASSERT_EQ(5060, ntohs(self->sent[0].to.addr.in.sin_port));
	ASSERT_EQ(0u, self->nfailed);
	run_to(self, T64);
	ASSERT_EQ(1u, self->nfailed);
	ASSERT_EQ(408, self->failed_status);
	ASSERT_EQ(1u, STAT(timeouts_b));
	ASSERT_EQ(6u, STAT(retransmissions_sent));
	/* told of the failure, then of the end */
	ASSERT_STREQ("fg", self->calls);
	ASSERT_EQ(0u, STAT(active));
}

TEST_F(txn, client_invite_over_tcp_no_a_but_b)
{
	struct txn *ct;

	self->next = peer(SD_PROTO_TCP, "198.51.100.2", 5060);
	ct = client(self, "INVITE", BRANCH_C);
	ASSERT_NE(NULL, ct);
	run_to(self, T64 - 1);
	ASSERT_EQ(1u, self->nsent);
	run_to(self, T64);
	ASSERT_EQ(1u, self->nfailed);
	ASSERT_EQ(408, self->failed_status);
}

/* 17.1.1.2: a provisional stops A; B is for Calling only (the proxy has
 * timer C for Proceeding) */
TEST_F(txn, client_invite_provisional_stops_a_and_b)
{
	struct txn *ct = client(self, "INVITE", BRANCH_C);

	ASSERT_NE(NULL, ct);
	run_to(self, 100);
	ASSERT_EQ(ct, response_in(self, RESP(.status = 180)));
	ASSERT_EQ(TXN_PROCEEDING, (int)ct->state);
	ASSERT_EQ(1u, self->nresponse);
	ASSERT_EQ(180, self->response_status);
	/* every provisional goes up in Proceeding */
	ASSERT_EQ(ct, response_in(self, RESP(.status = 183)));
	ASSERT_EQ(2u, self->nresponse);
	run_to(self, T64 + 10000);
	ASSERT_EQ(1u, self->nsent);
	ASSERT_EQ(0u, self->nfailed);
	ASSERT_EQ(1u, STAT(active));
}

/* 17.1.1.3: the transaction ACKs a 3xx-6xx itself, and ACKs it again
 * when it comes again, without bothering the TU */
TEST_F(txn, client_invite_non_2xx_is_acked_by_the_transaction)
{
	struct txn *ct = client(self, "INVITE", BRANCH_C);
	const struct sip_via *via;
	const struct sip_addr *to, *from;
	const struct sip_cseq *cseq;
	const struct sip_str *cid;
	struct sip_error e;
	struct sip_msg *ack;

	ASSERT_NE(NULL, ct);
	run_to(self, 100);
	ASSERT_EQ(ct, response_in(self, RESP(.status = 486, .to_tag = "busy")));
	ASSERT_EQ(TXN_COMPLETED, (int)ct->state);
	ASSERT_STREQ("r", self->calls);
	ASSERT_EQ(486, self->response_status);
	ASSERT_EQ(2u, self->nsent);
	ASSERT_EQ(100u, self->sent[1].at);

	ack = sent_msg(_metadata, self, 1);
	ASSERT_EQ(SIP_METHOD_ACK, (int)ack->method);
	ASSERT_TRUE(str_is(ack->uri, NEXT_URI));
	ASSERT_EQ(1u, sip_msg_count(ack, SIP_HDR_VIA));
	via = sip_msg_top_via(ack, &e);
	ASSERT_NE(NULL, via);
	ASSERT_TRUE(str_is(via->branch, BRANCH_C));
	ASSERT_TRUE(str_is(via->host, "203.0.113.5"));
	to = sip_msg_to(ack, &e);
	ASSERT_NE(NULL, to);
	ASSERT_TRUE(str_is(to->tag, "busy"));
	from = sip_msg_from(ack, &e);
	ASSERT_NE(NULL, from);
	ASSERT_TRUE(str_is(from->tag, "f1"));
	cseq = sip_msg_cseq(ack, &e);
	ASSERT_NE(NULL, cseq);
	ASSERT_EQ(7u, cseq->seq);
	ASSERT_EQ(SIP_METHOD_ACK, (int)cseq->method);
	cid = sip_msg_call_id(ack, &e);
	ASSERT_NE(NULL, cid);
	ASSERT_TRUE(str_is(*cid, "call-1@192.0.2.1"));
	ASSERT_EQ(1u, sip_msg_count(ack, SIP_HDR_ROUTE));
	ASSERT_EQ(0, sip_msg_validate(ack, &e));

	/* the final again: the same ACK again, the TU hears nothing */
	run_to(self, 300);
	ASSERT_EQ(ct, response_in(self, RESP(.status = 486, .to_tag = "busy")));
	ASSERT_EQ(3u, self->nsent);
	ASSERT_TRUE(sent_same(self, 1, 2));
	ASSERT_EQ(1u, self->nresponse);
	ASSERT_EQ(1u, STAT(response_retransmits));

	/* no INVITE retransmission after the final; timer D ends it */
	run_to(self, 100 + TIMER_D - 1);
	ASSERT_EQ(3u, self->nsent);
	ASSERT_EQ(0u, self->ngone);
	run_to(self, 100 + TIMER_D);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, self->nfailed);
	ASSERT_EQ(0u, STAT(active));
}

/* RFC 6026 7.2: a 2xx moves to Accepted, the ACK is the TU's, and every
 * 2xx that follows (retransmitted or forked) goes up until timer M */
TEST_F(txn, client_invite_2xx_accepted_passes_every_2xx_up)
{
	struct txn *ct = client(self, "INVITE", BRANCH_C);

	ASSERT_NE(NULL, ct);
	run_to(self, 100);
	ASSERT_EQ(ct, response_in(self, RESP(.status = 200)));
	ASSERT_EQ(TXN_ACCEPTED, (int)ct->state);
	ASSERT_EQ(1u, self->nresponse);
	ASSERT_EQ(1u, self->nsent); /* no ACK from the transaction */
	run_to(self, 600);
	ASSERT_EQ(ct, response_in(self, RESP(.status = 200)));
	ASSERT_EQ(2u, self->nresponse);
	ASSERT_EQ(ct,
		  response_in(self, RESP(.status = 200, .to_tag = "fork2")));
	ASSERT_EQ(3u, self->nresponse);
	ASSERT_EQ(200, self->response_status);
	/* a non-2xx now is not passed up */
	ASSERT_EQ(ct, response_in(self, RESP(.status = 486)));
	ASSERT_EQ(3u, self->nresponse);
	ASSERT_EQ(1u, STAT(response_retransmits));
	run_to(self, 100 + T64 - 1);
	ASSERT_EQ(1u, self->nsent);
	ASSERT_EQ(0u, self->ngone);
	run_to(self, 100 + T64);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, self->nfailed);
	ASSERT_EQ(0u, STAT(active));
}

/* ---- client non-INVITE (17.1.2) ---- */

TEST_F(txn, client_non_invite_timer_e_capped_at_t2_then_f_408)
{
	static const uint64_t at[] = { 0,     500,   1500,  3500,  7500, 11500,
				       15500, 19500, 23500, 27500, 31500 };
	struct txn *ct = client(self, "OPTIONS", BRANCH_C);
	unsigned int i;

	ASSERT_NE(NULL, ct);
	ASSERT_EQ(TXN_TRYING, (int)ct->state);
	run_to(self, T64 - 1);
	ASSERT_EQ(11u, self->nsent);
	for (i = 0; i < 11; i++)
		ASSERT_EQ(at[i], self->sent[i].at);
	ASSERT_EQ(0u, self->nfailed);
	run_to(self, T64);
	ASSERT_EQ(1u, self->nfailed);
	ASSERT_EQ(408, self->failed_status);
	ASSERT_EQ(1u, STAT(timeouts_f));
	ASSERT_STREQ("fg", self->calls);
	ASSERT_EQ(0u, STAT(active));
}

/* 17.1.2.2: once a provisional came, timer E fires every T2; F still runs */
TEST_F(txn, client_non_invite_provisional_makes_e_t2)
{
	static const uint64_t at[] = { 0, 500, 1500, 5500, 9500, 13500 };
	struct txn *ct = client(self, "OPTIONS", BRANCH_C);
	unsigned int i;

	ASSERT_NE(NULL, ct);
	run_to(self, 600);
	ASSERT_EQ(ct,
		  response_in(self, RESP(.status = 100, .method = "OPTIONS")));
	ASSERT_EQ(TXN_PROCEEDING, (int)ct->state);
	ASSERT_EQ(1u, self->nresponse);
	run_to(self, 13500);
	ASSERT_EQ(6u, self->nsent);
	for (i = 0; i < 6; i++)
		ASSERT_EQ(at[i], self->sent[i].at);
	run_to(self, T64);
	ASSERT_EQ(1u, self->nfailed);
	ASSERT_EQ(408, self->failed_status);
}

TEST_F(txn, client_non_invite_final_completed_until_timer_k)
{
	struct txn *ct = client(self, "OPTIONS", BRANCH_C);

	ASSERT_NE(NULL, ct);
	run_to(self, 100);
	ASSERT_EQ(ct,
		  response_in(self, RESP(.status = 200, .method = "OPTIONS")));
	ASSERT_EQ(TXN_COMPLETED, (int)ct->state);
	ASSERT_EQ(1u, self->nresponse);
	/* a retransmitted final is absorbed */
	run_to(self, 200);
	ASSERT_EQ(ct,
		  response_in(self, RESP(.status = 200, .method = "OPTIONS")));
	ASSERT_EQ(1u, self->nresponse);
	ASSERT_EQ(1u, STAT(response_retransmits));
	run_to(self, 100 + T4 - 1);
	ASSERT_EQ(1u, self->nsent); /* E stopped */
	ASSERT_EQ(0u, self->ngone);
	run_to(self, 100 + T4);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(0u, self->nfailed);
	ASSERT_EQ(0u, STAT(active));
}

/* ---- matching ---- */

/* 17.2.3: branch, sent-by and method (ACK stands for INVITE) */
TEST_F(txn, server_match_needs_branch_sent_by_and_method)
{
	struct txn *st = server(self,
				REQ(.method = "INVITE",
				    .via = UDP("PC1.Example.COM:5070", "s1")),
				&self->from);

	ASSERT_NE(NULL, st);
	/* sent-by hosts compare without case */
	ASSERT_EQ(st, FIND(.method = "INVITE", .via = UDP(PC1, "s1")));
	/* the same branch from another sent-by is another transaction */
	ASSERT_EQ(NULL, FIND(.method = "INVITE",
			     .via = UDP("pc2.example.com:5070", "s1")));
	ASSERT_EQ(NULL, FIND(.method = "INVITE",
			     .via = UDP("pc1.example.com:5071", "s1")));
	ASSERT_EQ(NULL, FIND(.method = "INVITE", .via = UDP(PC1, "s9")));
	/* the ACK for a non-2xx belongs to the INVITE; a BYE does not */
	ASSERT_EQ(st,
		  FIND(.method = "ACK", .to_tag = "t1", .via = UDP(PC1, "s1")));
	ASSERT_EQ(NULL, FIND(.method = "BYE", .via = UDP(PC1, "s1")));
	/* no server transaction is ever made for an ACK */
	ASSERT_EQ(NULL,
		  txn_server_new(self->tab, REQ(.method = "ACK"), &self->from));
	ASSERT_EQ(1u, STAT(active));
}

/* 9.2: a CANCEL finds the INVITE it cancels, and is a transaction of its own */
TEST_F(txn, server_cancel_finds_its_invite_but_is_its_own_transaction)
{
	struct txn *inv = server(self, REQ(.method = "INVITE"), &self->from);
	struct sip_msg *cancel = REQ(.method = "CANCEL");
	struct txn *st;

	ASSERT_NE(NULL, inv);
	ASSERT_EQ(inv, txn_server_find_invite(self->tab, cancel));
	ASSERT_EQ(NULL, txn_server_find(self->tab, cancel));
	st = server(self, cancel, &self->from);
	ASSERT_NE(NULL, st);
	ASSERT_NE(inv, st);
	ASSERT_EQ(TXN_SERVER_NON_INVITE, (int)st->kind);
	ASSERT_EQ(st, FIND(.method = "CANCEL"));
	ASSERT_EQ(inv, FIND(.method = "INVITE"));
	/* a CANCEL for an INVITE nobody has */
	ASSERT_EQ(NULL, FIND_INVITE(.method = "CANCEL", .via = VIA_S_OTHER));
	ASSERT_EQ(2u, STAT(active));
}

/*
 * 17.2.3's fallback for a branch without the magic cookie: txn_server.c
 * keys on the Request-URI, From tag, Call-ID, CSeq number, the top Via
 * line and the method (ACK counted as INVITE); an ACK must also carry the
 * To tag of the response it acknowledges (see the last test).
 */
TEST_F(txn, server_rfc2543_fallback_matches_the_request_fields)
{
	struct txn *st = server(self, REQ(.method = "INVITE", .via = VIA_2543),
				&self->from);
	struct txn *old =
		server(self,
		       REQ(.method = "INVITE", .call_id = "old@192.0.2.1",
			   .via = VIA_NO_COOKIE),
		       &self->from);

	ASSERT_NE(NULL, st);
	ASSERT_NE(NULL, old);
	ASSERT_EQ(0u, st->branch_len);
	ASSERT_EQ(0u, old->branch_len);
	ASSERT_EQ(st,
		  request_in(self, REQ(.method = "INVITE", .via = VIA_2543)));
	ASSERT_EQ(old, FIND(.method = "INVITE", .call_id = "old@192.0.2.1",
			    .via = VIA_NO_COOKIE));
	/* any one field different: another request */
	ASSERT_EQ(NULL, FIND(.method = "INVITE", .via = VIA_2543,
			     .uri = "sip:carol@example.com"));
	ASSERT_EQ(NULL,
		  FIND(.method = "INVITE", .via = VIA_2543, .from_tag = "f2"));
	ASSERT_EQ(NULL, FIND(.method = "INVITE", .via = VIA_2543,
			     .call_id = "call-2@192.0.2.1"));
	ASSERT_EQ(NULL, FIND(.method = "INVITE", .via = VIA_2543, .cseq = 2));
	ASSERT_EQ(NULL, FIND(.method = "INVITE",
			     .via = "SIP/2.0/UDP 192.0.2.1:5071"));
	/* the ACK for its non-2xx (To tag as answered), the CANCEL's INVITE */
	ASSERT_EQ(0, answer_tagged(st, 486, "t1"));
	ASSERT_EQ(st, request_in(self, REQ(.method = "ACK", .via = VIA_2543,
					   .to_tag = "t1")));
	ASSERT_EQ(TXN_CONFIRMED, (int)st->state);
	ASSERT_EQ(st, FIND_INVITE(.method = "CANCEL", .via = VIA_2543));
	ASSERT_EQ(NULL, FIND(.method = "CANCEL", .via = VIA_2543));
}

/* 17.1.3: the top Via's branch and the CSeq method */
TEST_F(txn, client_match_needs_branch_and_cseq_method)
{
	struct txn *inv = client(self, "INVITE", BRANCH_C);
	struct txn *cancel;

	ASSERT_NE(NULL, inv);
	ASSERT_EQ(inv, CFIND(.status = 180));
	ASSERT_EQ(NULL, CFIND(.status = 200, .method = "CANCEL"));
	ASSERT_EQ(NULL,
		  CFIND(.status = 180, .via = UDP("203.0.113.5:5060", "c2")));
	/* the CANCEL for it has the same branch (9.1) and its own transaction */
	cancel = client(self, "CANCEL", BRANCH_C);
	ASSERT_NE(NULL, cancel);
	ASSERT_EQ(cancel, CFIND(.status = 200, .method = "CANCEL"));
	ASSERT_EQ(inv, CFIND(.status = 487));
	/* a server transaction with the same branch is not a client one */
	ASSERT_NE(NULL, server(self, REQ(.method = "INVITE", .via = VIA_C),
			       &self->from));
	ASSERT_EQ(inv, CFIND(.status = 180));
}

/* ---- the bound ---- */

TEST_F(txn, table_bound_refuses_then_accepts_again)
{
	struct sd_peer tcp = peer(SD_PROTO_TCP, "192.0.2.1", 40000);
	struct txn *a, *b;

	txn_table_free(self->tab);
	self->tab = table(self, 2);
	ASSERT_NE(NULL, self->tab);
	a = server(self, REQ(.method = "OPTIONS"), &tcp);
	b = client(self, "OPTIONS", BRANCH_C);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_EQ(NULL,
		  server(self, REQ(.method = "OPTIONS", .via = VIA_S_OTHER),
			 &self->from));
	ASSERT_EQ(NULL, client(self, "OPTIONS", "z9hG4bKc2"));
	ASSERT_EQ(2u, STAT(table_full));
	ASSERT_EQ(2u, STAT(active));
	ASSERT_EQ(1u, self->nsent); /* the refused client sent nothing */
	/* one ends (TCP: J is 0), and there is room again */
	ASSERT_EQ(0, answer(a, 200));
	run_to(self, TW_TICK_MS);
	ASSERT_EQ(1u, self->ngone);
	ASSERT_EQ(1u, STAT(active));
	ASSERT_NE(NULL,
		  server(self, REQ(.method = "OPTIONS", .via = VIA_S_OTHER),
			 &self->from));
	ASSERT_EQ(2u, STAT(table_full));
	ASSERT_EQ(2u, STAT(active));
}

/* ---- transport errors (17.1.4, 17.2.4) ---- */

TEST_F(txn, server_send_failure_is_counted)
{
	struct txn *st = server(self, REQ(.method = "INVITE"), &self->from);

	ASSERT_NE(NULL, st);
	self->send_err = -1;
	ASSERT_NE(0, answer(st, 486));
	ASSERT_EQ(1u, STAT(transport_errors));
	ASSERT_EQ(1u, self->send_refused);
}

/* a request that cannot be sent makes no transaction: the caller answers
 * 503 itself, and no callback comes */
TEST_F(txn, client_send_failure_at_start_gives_null)
{
	self->send_err = -1;
	ASSERT_EQ(NULL, client(self, "INVITE", BRANCH_C));
	ASSERT_EQ(1u, STAT(transport_errors));
	ASSERT_EQ(1u, STAT(client_created));
	ASSERT_EQ(0u, STAT(active));
	ASSERT_EQ(0u, self->ncalls);
	ASSERT_EQ(NULL, CFIND(.status = 180));
}

/*
 * RFC 3261 17.1.4 (and Figure 5's "Transport Err. / inform TU"): a
 * transport failure on a retransmission tells the TU (503) and ends the
 * transaction, rather than retransmitting on until B or F says 408.
 */
TEST_F(txn, client_retransmission_send_failure_fails_503)
{
	struct txn *ct = client(self, "INVITE", BRANCH_C);

	ASSERT_NE(NULL, ct);
	self->send_err = -1;
	run_to(self, T1);
	ASSERT_EQ(1u, STAT(transport_errors));
	ASSERT_EQ(1u, self->nfailed);
	ASSERT_EQ(503, self->failed_status);
	ASSERT_EQ(0u, STAT(active));
}

/*
 * RFC 6026 7.1: an ACK that matches an INVITE server transaction in
 * Accepted is passed to the TU (the ACK for a 2xx belongs to the
 * dialog's ends). A UA following RFC 2543 ACKs a 2xx with the INVITE's
 * Via and CSeq number, so the fallback key matches it; it must not be
 * absorbed. The ACK reaches the proxy core (sip_in.c: request_in) when
 * txn_server_find() returns NULL, so that is what is asserted.
 */
TEST_F(txn, ack_in_accepted_reaches_the_tu)
{
	struct txn *st = server(self, REQ(.method = "INVITE", .via = VIA_2543),
				&self->from);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, answer(st, 200));
	ASSERT_EQ(TXN_ACCEPTED, (int)st->state);
	ASSERT_EQ(NULL, FIND(.method = "ACK", .via = VIA_2543, .to_tag = "t1"));
}

/*
 * RFC 3261 17.2.3: a request with the magic cookie matches whatever its
 * branch's length. A branch longer than TXN_BRANCH_MAX is filed under the
 * RFC 2543 key, and looked up under it too: otherwise every retransmission
 * would become a new transaction, and its ACK or CANCEL would find nothing.
 */
TEST_F(txn, long_branch_still_matches)
{
	char via[256];
	struct txn *st;
	int i, n;

	n = snprintf(via, sizeof(via),
		     "SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK");
	for (i = 0; i < TXN_BRANCH_MAX; i++)
		via[n++] = 'a' + i % 26;
	via[n] = 0;
	st = server(self, REQ(.method = "INVITE", .via = via), &self->from);
	ASSERT_NE(NULL, st);
	ASSERT_EQ(st, FIND(.method = "INVITE", .via = via));
	ASSERT_EQ(st, FIND_INVITE(.method = "CANCEL", .via = via));
}

/*
 * RFC 3261 17.2.3, the RFC 2543 fallback: an ACK matches only if its To
 * tag is the one of the response the server transaction sent. An ACK for
 * another response (here: for a 2xx of a late fork, after this
 * transaction sent its 486) is not this transaction's to absorb.
 */
TEST_F(txn, rfc2543_ack_needs_the_responses_to_tag)
{
	static const char busy[] = "SIP/2.0 486 Busy Here\r\n"
				   "Via: " VIA_2543 "\r\n"
				   "From: <sip:alice@example.com>;tag=f1\r\n"
				   "To: <sip:bob@example.com>;tag=busy\r\n"
				   "Call-ID: call-1@192.0.2.1\r\n"
				   "CSeq: 1 INVITE\r\n"
				   "Content-Length: 0\r\n\r\n";
	struct txn *st = server(self, REQ(.method = "INVITE", .via = VIA_2543),
				&self->from);

	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, txn_server_respond(st, busy, sizeof(busy) - 1, 486));
	ASSERT_EQ(st, FIND(.method = "ACK", .via = VIA_2543, .to_tag = "busy"));
	ASSERT_EQ(NULL,
		  FIND(.method = "ACK", .via = VIA_2543, .to_tag = "fork2"));
}

TEST_HARNESS_MAIN
