// SPDX-License-Identifier: GPL-2.0-only
/*
 * sip_build.h: responses built from requests and a proxy's forwarding
 * edits, each output parsed back with sip_msg_parse() and
 * sip_msg_validate() and read field by field, and every capacity short
 * of the needed size refused cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/sip_build.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })

static const char *C(struct sip_str s)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)s.len, s.p ? s.p : "");
	return buf[i];
}

/* Vias across lines and two in one line; To without a tag */
#define INVITE_HDRS                                                   \
	"INVITE sip:bob@b.example.com SIP/2.0\r\n"                    \
	"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1,\r\n"       \
	"  SIP/2.0/UDP [2001:db8::7]:5062;branch=z9hG4bKp2;rport\r\n" \
	"v: SIP/2.0/TCP a.example.com;branch=z9hG4bKa1\r\n"           \
	"Max-Forwards: 70\r\n"                                        \
	"To: Bob <sip:bob@b.example.com>\r\n"                         \
	"From: \"A, the first\" <sip:a@a.example.com>;tag=f1\r\n"     \
	"Call-ID: k3j4@a.example.com\r\n"                             \
	"CSeq:   10 INVITE\r\n"                                       \
	"Record-Route: <sip:p1.example.com;lr>\r\n"                   \
	"Route: <sip:p2.example.com;lr>, <sip:p3.example.com;lr>\r\n" \
	"Route: <sip:p4.example.com;lr>\r\n"                          \
	"Subject: one\r\n"                                            \
	" \t two\r\n"                                                 \
	"Timestamp: 54\r\n"                                           \
	"Content-Type: text/plain\r\n"

#define INVITE INVITE_HDRS "Content-Length: 5\r\n\r\nhello"

#define REGISTER_COMPACT                                        \
	"REGISTER sip:biloxi.example.org SIP/2.0\r\n"           \
	"v: SIP/2.0/TCP host9.example.net;branch=z9hG4bKn9\r\n" \
	"Max-Forwards: 70\r\n"                                  \
	"t: <sip:erin@biloxi.example.org>;tag=t77\r\n"          \
	"f: <sip:erin@biloxi.example.org>;tag=ba21\r\n"         \
	"i: reg-77120@host9\r\n"                                \
	"CSeq: 2 REGISTER\r\n"                                  \
	"m: <sip:erin@host9.example.net>;expires=3600\r\n"      \
	"l: 0\r\n"                                              \
	"\r\n"

#define NO_MF                                                 \
	"OPTIONS sip:c@c.example.com SIP/2.0\r\n"             \
	"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKo1\r\n" \
	"To: <sip:c@c.example.com>\r\n"                       \
	"From: <sip:a@a.example.com>;tag=x\r\n"               \
	"Call-ID: opt1\r\n"                                   \
	"CSeq: 1 OPTIONS\r\n"                                 \
	"\r\n"

#define RESPONSE                                              \
	"SIP/2.0 180 Ringing\r\n"                             \
	"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1, "  \
	"SIP/2.0/UDP a.example.com;branch=z9hG4bKa1\r\n"      \
	"Via: SIP/2.0/UDP b.example.com;branch=z9hG4bKb1\r\n" \
	"To: <sip:bob@b.example.com>;tag=t1\r\n"              \
	"From: <sip:a@a.example.com>;tag=f1\r\n"              \
	"Call-ID: r1\r\n"                                     \
	"CSeq: 10 INVITE\r\n"                                 \
	"Content-Length: 0\r\n"                               \
	"\r\n"

#define SDP                                                                \
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n" \
	"t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"

static struct sip_msg req, back;
static char out[8192];
static char *copy;

/* parse text (an exact-size copy, so ASan sees any overread) as m */
static int parse(struct sip_msg *m, const char *text, size_t len)
{
	struct sip_error err;

	free(copy);
	copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	if (sip_msg_parse(m, copy, len, &err) || sip_msg_validate(m, &err)) {
		fprintf(stderr, "# %s at %u: %.*s\n", sip_err_name(err.code),
			err.offset, (int)len, text);
		return -1;
	}
	return 0;
}

/*
 * The request parsed from text, kept in its own buffer. Not validated:
 * NO_MF lacks the Max-Forwards that validation wants and forwarding adds.
 */
static void request(const char *text)
{
	static char buf[4096];
	struct sip_error err;
	size_t len = strlen(text);

	memcpy(buf, text, len);
	if (sip_msg_parse(&req, buf, len, &err)) {
		fprintf(stderr, "# %s at %u\n", sip_err_name(err.code),
			err.offset);
		abort();
	}
}

/* every Via value of a and b, in order, the same */
static int same_vias(const struct sip_msg *a, const struct sip_msg *b)
{
	struct sip_val_iter ia, ib;
	struct sip_error err;
	struct sip_str va, vb;
	int ra, rb;

	sip_msg_values(a, SIP_HDR_VIA, &ia);
	sip_msg_values(b, SIP_HDR_VIA, &ib);
	do {
		ra = sip_val_next(&ia, &va, &err);
		rb = sip_val_next(&ib, &vb, &err);
		if (ra != rb || (ra == 1 && !sip_str_eq(va, vb)))
			return -1;
	} while (ra == 1);
	return ra;
}

static const char *value(const struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h = sip_msg_first(m, id);

	return h ? C(h->value) : "(none)";
}

static const char *to_tag(void)
{
	struct sip_error err;

	return C(sip_msg_to(&back, &err)->tag);
}

/* what every response must carry over from req */
static void check_copied(struct __test_metadata *_metadata)
{
	ASSERT_FALSE(back.is_request);
	ASSERT_EQ(0, same_vias(&req, &back));
	ASSERT_STREQ(value(&req, SIP_HDR_FROM), value(&back, SIP_HDR_FROM));
	ASSERT_STREQ(value(&req, SIP_HDR_CALL_ID),
		     value(&back, SIP_HDR_CALL_ID));
	ASSERT_STREQ(value(&req, SIP_HDR_CSEQ), value(&back, SIP_HDR_CSEQ));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_CONTENT_LENGTH));
	ASSERT_TRUE(back.has_content_length);
	ASSERT_EQ(back.body.len, back.content_length);
}

TEST(trying_has_no_tag)
{
	struct sip_response r = { .status = 100, .to_tag = S("ignored") };
	struct sip_error err;
	int n;

	request(INVITE);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, parse(&back, out, n));
	check_copied(_metadata);
	ASSERT_EQ(100, back.status);
	ASSERT_STREQ("Trying", C(back.reason));
	ASSERT_EQ(2u, sip_msg_count(&back, SIP_HDR_VIA));
	ASSERT_STREQ("Bob <sip:bob@b.example.com>", value(&back, SIP_HDR_TO));
	ASSERT_STREQ("", to_tag());
	ASSERT_STREQ("54", value(&back, SIP_HDR_TIMESTAMP));
	ASSERT_EQ(0u, back.body.len);
	/* the compact name of the second Via line is kept */
	ASSERT_STREQ(
		"v",
		C(sip_msg_next(&back, sip_msg_first(&back, SIP_HDR_VIA))->name));
	ASSERT_EQ(NULL, sip_msg_find(&back, "Route"));
}

TEST(busy_here_gets_the_tag)
{
	struct sip_response r = { .status = 486, .to_tag = S("as83kd") };
	struct sip_error err;
	int n;

	request(INVITE);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	check_copied(_metadata);
	ASSERT_EQ(486, back.status);
	ASSERT_STREQ("Busy Here", C(back.reason));
	ASSERT_STREQ("as83kd", to_tag());
	ASSERT_EQ(NULL, sip_msg_find(&back, "Timestamp"));
}

TEST(compact_request_keeps_its_to_tag)
{
	struct sip_response r = { .status = 200, .to_tag = S("other") };
	struct sip_error err;
	int n;

	request(REGISTER_COMPACT);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	check_copied(_metadata);
	ASSERT_STREQ("t77", to_tag());
	ASSERT_STREQ("t", C(sip_msg_first(&back, SIP_HDR_TO)->name));
	ASSERT_STREQ("i", C(sip_msg_first(&back, SIP_HDR_CALL_ID)->name));
}

TEST(ok_with_sdp_and_extra_headers)
{
	struct sip_response r = {
		.status = 200,
		.reason = "Fine",
		.to_tag = S("t9"),
		.extra = S("Contact: <sip:bob@192.0.2.4>\r\n"
			   "Allow: INVITE,\r\n ACK\r\n"),
		.body = S(SDP),
		.content_type = S("application/sdp"),
	};
	struct sip_error err;
	int n;

	request(INVITE);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	check_copied(_metadata);
	ASSERT_STREQ("Fine", C(back.reason));
	ASSERT_STREQ("t9", to_tag());
	ASSERT_STREQ(SDP, C(back.body));
	ASSERT_EQ(strlen(SDP), back.content_length);
	ASSERT_STREQ("application/sdp", value(&back, SIP_HDR_CONTENT_TYPE));
	ASSERT_STREQ("INVITE,\r\n ACK", value(&back, SIP_HDR_ALLOW));
}

TEST(response_refusals)
{
	static const struct {
		struct sip_response r;
		enum sip_err code;
	} bad[] = {
		{ { .status = 0 }, SIP_ERR_BAD_STATUS },
		{ { .status = 99 }, SIP_ERR_BAD_STATUS },
		{ { .status = 700 }, SIP_ERR_BAD_STATUS },
		{ { .status = 499 }, SIP_ERR_BAD_STATUS },
		{ { .status = 200, .reason = "O\r\nK" },
		  SIP_ERR_BAD_START_LINE },
		{ { .status = 200, .to_tag = S("a b") }, SIP_ERR_BAD_PARAM },
		{ { .status = 200, .body = S("x") }, SIP_ERR_BAD_CONTENT_TYPE },
		{ { .status = 200, .extra = S("Content-Length: 3\r\n") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S("l: 3\r\n") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S("X-A: 1") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S("X-A: 1\r\n\r\n") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S("X-A: 1\n") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S(" folded\r\n") },
		  SIP_ERR_BAD_HEADER_LINE },
		{ { .status = 200, .extra = S("no colon\r\n") },
		  SIP_ERR_BAD_HEADER_LINE },
	};
	struct sip_error err;
	size_t i;

	request(INVITE);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.code = SIP_ERR_OK;
		ASSERT_EQ(-1, sip_build_response(&req, &bad[i].r, out,
						 sizeof(out), &err));
		ASSERT_EQ((int)bad[i].code, (int)err.code);
	}
}

#define NO_CALL_ID                                            \
	"OPTIONS sip:c@c.example.com SIP/2.0\r\n"             \
	"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKo2\r\n" \
	"To: <sip:c@c.example.com>\r\n"                       \
	"From: <sip:a@a.example.com>;tag=x\r\n"               \
	"CSeq: 1 OPTIONS\r\n"                                 \
	"\r\n"

/* a 400 answers a request missing Call-ID; nothing else can */
TEST(bad_request_answers_a_request_missing_a_header)
{
	struct sip_response r = { .status = 400, .reason = "Missing Call-ID",
				  .to_tag = S("t4") };
	struct sip_error err;
	int n;

	request(NO_CALL_ID);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_LT(0, n);
	/* parsed, not validated: it lacks the Call-ID validation wants */
	ASSERT_EQ(0, sip_msg_parse(&back, out, (size_t)n, &err));
	ASSERT_EQ(400, back.status);
	ASSERT_STREQ("Missing Call-ID", C(back.reason));
	ASSERT_EQ(0, same_vias(&req, &back));
	ASSERT_STREQ("1 OPTIONS", value(&back, SIP_HDR_CSEQ));
	ASSERT_STREQ("t4", to_tag());
	ASSERT_EQ(0u, sip_msg_count(&back, SIP_HDR_CALL_ID));

	r.status = 500;
	r.reason = NULL;
	ASSERT_EQ(-1, sip_build_response(&req, &r, out, sizeof(out), &err));
	ASSERT_EQ((int)SIP_ERR_MISSING_HEADER, (int)err.code);
}

/* an unlisted code is fine with a reason of its own */
TEST(unlisted_code_with_its_reason)
{
	struct sip_response r = { .status = 499, .reason = "Odd" };
	struct sip_error err;
	int n;

	request(INVITE);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(499, back.status);
	ASSERT_STREQ("Odd", C(back.reason));
}

TEST(a_response_is_not_answered)
{
	struct sip_response r = { .status = 200 };
	struct sip_error err;

	request(RESPONSE);
	ASSERT_EQ(-1, sip_build_response(&req, &r, out, sizeof(out), &err));
	ASSERT_EQ((int)SIP_ERR_BAD_START_LINE, (int)err.code);
}

TEST(reason_phrases)
{
	ASSERT_EQ(NULL, sip_reason_phrase(0));
	ASSERT_EQ(NULL, sip_reason_phrase(499));
	ASSERT_STREQ("Trying", sip_reason_phrase(100));
	ASSERT_STREQ("Too Many Hops", sip_reason_phrase(483));
	ASSERT_STREQ("Call/Transaction Does Not Exist", sip_reason_phrase(481));
	ASSERT_STREQ("Not Acceptable", sip_reason_phrase(606));
}

static const struct sip_hop via = {
	.transport = S("UDP"),
	.host = S("proxy.example.net"),
	.port = 5060,
	.branch = S("z9hG4bKx7"),
};

static const struct sip_hop rr = { .host = S("2001:db8::1"), .port = 5070 };

/* the last output as a C string, to be fed back in */
static const char *last(int n)
{
	static char text[8192];

	memcpy(text, out, n);
	text[n] = 0;
	return text;
}

static int forward(const char *text, const struct sip_edits *e,
		   struct sip_error *err)
{
	request(text);
	return sip_build_forward(&req, e, out, sizeof(out), err);
}

TEST(via_added_then_removed_is_the_original)
{
	struct sip_edits add = { .add_via = true, .via = via };
	struct sip_edits pop = { .pop_via = true };
	static char first[8192];
	struct sip_error err;
	int n;

	n = forward(INVITE, &add, &err);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("SIP/2.0/UDP proxy.example.net:5060;branch=z9hG4bKx7",
		     value(&back, SIP_HDR_VIA));
	ASSERT_EQ(3u, sip_msg_count(&back, SIP_HDR_VIA));
	memcpy(first, out, n);
	first[n] = 0;
	n = forward(first, &pop, &err);
	ASSERT_EQ(strlen(INVITE), (size_t)n);
	ASSERT_EQ(0, memcmp(INVITE, out, n));
}

TEST(response_loses_only_the_first_via_value)
{
	struct sip_edits pop = { .pop_via = true };
	struct sip_error err;
	int n;

	n = forward(RESPONSE, &pop, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(2u, sip_msg_count(&back, SIP_HDR_VIA));
	ASSERT_STREQ("SIP/2.0/UDP a.example.com;branch=z9hG4bKa1",
		     value(&back, SIP_HDR_VIA));
	n = forward(last(n), &pop, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_VIA));
	ASSERT_STREQ("SIP/2.0/UDP b.example.com;branch=z9hG4bKb1",
		     value(&back, SIP_HDR_VIA));
	/* request-only edits are refused on a response */
	pop.max_forwards = true;
	ASSERT_EQ(-1, forward(RESPONSE, &pop, &err));
	ASSERT_EQ(SIP_ERR_BAD_START_LINE, (int)err.code);
}

TEST(record_route_goes_first)
{
	struct sip_edits e = { .add_record_route = true, .record_route = rr };
	const struct sip_hdr *h;
	struct sip_error err;
	int n;

	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	h = sip_msg_first(&back, SIP_HDR_RECORD_ROUTE);
	ASSERT_STREQ("<sip:[2001:db8::1]:5070;lr>", C(h->value));
	h = sip_msg_next(&back, h);
	ASSERT_STREQ("<sip:p1.example.com;lr>", C(h->value));
	/* none before: one added */
	n = forward(REGISTER_COMPACT, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_RECORD_ROUTE));
}

TEST(max_forwards)
{
	struct sip_edits e = { .max_forwards = true };
	struct sip_error err;
	char text[4096];
	int n;

	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("69", value(&back, SIP_HDR_MAX_FORWARDS));
	ASSERT_EQ(strlen(INVITE), (size_t)n);

	n = forward(NO_MF, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("70", value(&back, SIP_HDR_MAX_FORWARDS));

	snprintf(text, sizeof(text), "%s", NO_MF);
	strcpy(strstr(text, "\r\n\r\n"), "\r\nMax-Forwards: 0\r\n\r\n");
	ASSERT_EQ(-1, forward(text, &e, &err));
	ASSERT_EQ(SIP_ERR_TOO_MANY_HOPS, (int)err.code);
	ASSERT_EQ((uint32_t)(strstr(text, ": 0") + 2 - text), err.offset);
}

/*
 * INVITE's route set is p2, p3 (one line) and p4 (another). 16.4 after a
 * strict router: the last value goes; 16.6 step 6 before one: the first
 * values go and the Request-URI is appended as the last.
 */
TEST(strict_routing_edits)
{
	struct sip_edits e = { .pop_routes = 2, .drop_last_route = true };
	const struct sip_hdr *h;
	struct sip_error err;
	int n;

	/* pop and drop over lines: nothing left of the route set */
	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(0u, sip_msg_count(&back, SIP_HDR_ROUTE));

	/* pop one, drop the last: p3 alone stays, on the first line */
	e = (struct sip_edits){ .pop_routes = 1, .drop_last_route = true };
	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_ROUTE));
	ASSERT_STREQ("<sip:p3.example.com;lr>", value(&back, SIP_HDR_ROUTE));

	/* pop two and append: p4, then the old Request-URI */
	e = (struct sip_edits){ .pop_routes = 2,
				.request_uri = S("sip:p3.example.com"),
				.append_route = S("sip:bob@b.example.com") };
	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("sip:p3.example.com", C(back.uri));
	h = sip_msg_first(&back, SIP_HDR_ROUTE);
	ASSERT_STREQ("<sip:p4.example.com;lr>", C(h->value));
	h = sip_msg_next(&back, h);
	ASSERT_NE(NULL, h);
	ASSERT_STREQ("<sip:bob@b.example.com>", C(h->value));
	ASSERT_EQ(NULL, sip_msg_next(&back, h));

	/* a request without Route still gets the appended one */
	e = (struct sip_edits){ .append_route = S("sip:c@c.example.com") };
	n = forward(NO_MF, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("<sip:c@c.example.com>", value(&back, SIP_HDR_ROUTE));

	/* what is appended must be a URI */
	e.append_route = S("sip:a>b");
	ASSERT_EQ(-1, forward(NO_MF, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_ROUTE, (int)err.code);
	e = (struct sip_edits){ .pop_routes = 5 };
	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(0u, sip_msg_count(&back, SIP_HDR_ROUTE));
}

TEST(request_uri_replaced_and_route_popped)
{
	struct sip_edits e = { .request_uri = S("sip:bob@192.0.2.9:5080"),
			       .pop_routes = 1 };
	const struct sip_hdr *h;
	struct sip_error err;
	int n;

	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("sip:bob@192.0.2.9:5080", C(back.uri));
	ASSERT_EQ(SIP_METHOD_INVITE, (int)back.method);
	h = sip_msg_first(&back, SIP_HDR_ROUTE);
	ASSERT_STREQ("<sip:p3.example.com;lr>", C(h->value));
	ASSERT_STREQ("<sip:p4.example.com;lr>",
		     C(sip_msg_next(&back, h)->value));
	/* a second pop drops the line that is left with nothing */
	e.request_uri = SIP_STR_NULL;
	n = forward(last(n), &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_ROUTE));
	ASSERT_STREQ("<sip:p4.example.com;lr>", value(&back, SIP_HDR_ROUTE));

	e.request_uri = S("sip:a b");
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_REQUEST_URI, (int)err.code);
	e = (struct sip_edits){ .pop_routes = 1 };
	ASSERT_EQ(-1, forward(NO_MF, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_ROUTE, (int)err.code);
}

TEST(contact_replaced_on_request_and_response)
{
	static const char ringing[] =
		"SIP/2.0 180 Ringing\r\n"
		"Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1\r\n"
		"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa1\r\n"
		"To: <sip:bob@b.example.com>;tag=t1\r\n"
		"From: <sip:a@a.example.com>;tag=f1\r\n"
		"Call-ID: r1\r\n"
		"CSeq: 10 INVITE\r\n"
		"Contact: <sip:bob@10.0.0.2>;expires=60, <sip:bob@10.0.0.3>\r\n"
		"Content-Length: 0\r\n"
		"\r\n";
	struct sip_edits e = {
		.pop_via = true,
		.contact = S("<sip:bob@10.0.0.2;siphon-nat=192.0.2.1~5060>"
			     ";expires=60"),
	};
	struct sip_error err;
	int n;

	n = forward(ringing, &e, &err);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, parse(&back, out, n));
	/* the first value replaced, the other kept as received */
	ASSERT_STREQ("<sip:bob@10.0.0.2;siphon-nat=192.0.2.1~5060>;expires=60"
		     ", <sip:bob@10.0.0.3>",
		     value(&back, SIP_HDR_CONTACT));
	/* a control byte is no Contact */
	e.contact = S("<sip:bob@10.0.0.2>\r\nX: y");
	ASSERT_EQ(-1, forward(ringing, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_CONTACT, (int)err.code);
}

TEST(body_replaced_and_length_fixed)
{
	struct sip_edits e = { .replace_body = true,
			       .max_forwards = true,
			       .body = S(SDP),
			       .content_type = S("application/sdp") };
	struct sip_error err;
	int n;

	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ(SDP, C(back.body));
	ASSERT_EQ(strlen(SDP), back.content_length);
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_CONTENT_LENGTH));
	ASSERT_STREQ("application/sdp", value(&back, SIP_HDR_CONTENT_TYPE));
	/* no Content-Length or Content-Type before: one of each added */
	n = forward(NO_MF, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(1u, sip_msg_count(&back, SIP_HDR_CONTENT_LENGTH));
	ASSERT_EQ(strlen(SDP), back.content_length);
	ASSERT_STREQ("application/sdp", value(&back, SIP_HDR_CONTENT_TYPE));
	/* an empty body, its type removed */
	e.body = SIP_STR_NULL;
	e.content_type = S("");
	n = forward(INVITE, &e, &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_EQ(0u, back.content_length);
	ASSERT_EQ(0u, sip_msg_count(&back, SIP_HDR_CONTENT_TYPE));
}

TEST(hop_fields_are_checked)
{
	struct sip_edits e = { .add_via = true, .via = via };
	struct sip_error err;

	e.via.branch = S("1234");
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_VIA, (int)err.code);
	e.via.branch = S("z9hG4bK");
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	e.via.branch = S("z9hG4bKa;b");
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	e.via = via;
	e.via.host = S("a b");
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	e.via.host = SIP_STR_NULL;
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	e = (struct sip_edits){ .add_record_route = true };
	ASSERT_EQ(-1, forward(INVITE, &e, &err));
	ASSERT_EQ(SIP_ERR_BAD_ROUTE, (int)err.code);
}

/* every capacity below the size needed fails cleanly; the size works */
static int sweep(int (*build)(char *, size_t, struct sip_error *))
{
	static char small[8192];
	struct sip_error err;
	int need = build(out, sizeof(out), &err), n;
	size_t cap;

	if (need <= 0)
		return -1;
	for (cap = 0; cap < (size_t)need; cap++) {
		char *buf = malloc(cap ? cap : 1);

		n = build(buf, cap, &err);
		free(buf);
		if (n != -1 || err.code != SIP_ERR_TOO_LONG)
			return -1;
	}
	n = build(small, need, &err);
	return n == need && !memcmp(small, out, need) ? 0 : -1;
}

static int build_ok(char *buf, size_t cap, struct sip_error *err)
{
	struct sip_response r = { .status = 200,
				  .to_tag = S("t9"),
				  .extra = S("Contact: <sip:b@192.0.2.4>\r\n"),
				  .body = S(SDP),
				  .content_type = S("application/sdp") };

	return sip_build_response(&req, &r, buf, cap, err);
}

static int build_all_edits(char *buf, size_t cap, struct sip_error *err)
{
	struct sip_edits e = { .add_via = true,
			       .via = via,
			       .add_record_route = true,
			       .record_route = rr,
			       .max_forwards = true,
			       .request_uri = S("sip:bob@192.0.2.9"),
			       .pop_routes = 1,
			       .replace_body = true,
			       .body = S(SDP),
			       .content_type = S("application/sdp") };

	return sip_build_forward(&req, &e, buf, cap, err);
}

TEST(every_short_capacity_fails)
{
	request(INVITE);
	ASSERT_EQ(0, sweep(build_ok));
	ASSERT_EQ(0, sweep(build_all_edits));
	request(NO_MF);
	ASSERT_EQ(0, sweep(build_ok));
}

TEST(all_edits_at_once)
{
	struct sip_error err;
	int n;

	request(INVITE);
	n = build_all_edits(out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("sip:bob@192.0.2.9", C(back.uri));
	ASSERT_EQ(3u, sip_msg_count(&back, SIP_HDR_VIA));
	ASSERT_EQ(2u, sip_msg_count(&back, SIP_HDR_RECORD_ROUTE));
	ASSERT_STREQ("69", value(&back, SIP_HDR_MAX_FORWARDS));
	ASSERT_STREQ("<sip:p3.example.com;lr>", value(&back, SIP_HDR_ROUTE));
	ASSERT_STREQ(SDP, C(back.body));
	ASSERT_STREQ("one\r\n \t two", value(&back, SIP_HDR_SUBJECT));
}

TEST(header_count_limit)
{
	struct sip_edits e = { .add_via = true,
			       .via = via,
			       .add_record_route = true,
			       .record_route = rr };
	struct sip_error err;
	static char text[8192];
	char *p;
	int i, n;

	/* NO_MF's 5 lines and X- lines: 126, and Content-Length is added */
	p = text + sprintf(text, "%.*s", (int)(strlen(NO_MF) - 2), NO_MF);
	for (i = 6; i < SIP_HEADERS_MAX - 1; i++)
		p += sprintf(p, "X-%d: %d\r\n", i, i);
	strcpy(p, "\r\n");
	/* with a Via that makes SIP_HEADERS_MAX; a Record-Route is one too many */
	e.add_record_route = false;
	n = forward(text, &e, &err);
	ASSERT_LT(0, n);
	e.add_record_route = true;
	ASSERT_EQ(-1, forward(text, &e, &err));
	ASSERT_EQ((int)SIP_ERR_TOO_MANY_HEADERS, (int)err.code);
}

TEST(blank_continuation_does_not_end_the_headers)
{
	struct sip_response r = { .status = 180, .to_tag = S("t5") };
	struct sip_error err;
	static char text[4096];
	int n;

	/* the parser keeps the CRLF before a blank continuation in To */
	snprintf(text, sizeof(text), "%s", NO_MF);
	strcpy(strstr(text, "To: <sip:c@c.example.com>\r\n") + 25,
	       "\r\n   \r\nFrom: <sip:a@a.example.com>;tag=x\r\n"
	       "Call-ID: opt1\r\nCSeq: 1 OPTIONS\r\n\r\n");
	request(text);
	n = sip_build_response(&req, &r, out, sizeof(out), &err);
	ASSERT_EQ(0, parse(&back, out, n));
	ASSERT_STREQ("<sip:c@c.example.com>;tag=t5", value(&back, SIP_HDR_TO));
}

TEST_HARNESS_MAIN
