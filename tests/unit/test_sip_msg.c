// SPDX-License-Identifier: GPL-2.0-only
/*
 * sip_msg.h: the one-pass index (start line, headers, body), lookup and
 * value iteration, the cached typed accessors, error offsets, and the
 * stream framer fed in every possible split.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/sip_msg.h"

static const char *C(struct sip_str s)
{
	static char buf[4][512];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)s.len, s.p ? s.p : "");
	return buf[i];
}

#define INVITE_HDRS                                                  \
	"INVITE sip:bob@b.example.com SIP/2.0\r\n"                   \
	"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,\r\n"        \
	"  SIP/2.0/UDP [2001:db8::7]:5062;branch=z9hG4bK2;rport\r\n" \
	"v: SIP/2.0/TCP c.example.com;branch=z9hG4bK3\r\n"           \
	"Max-Forwards: 69\r\n"                                       \
	"To: Bob <sip:bob@b.example.com>\r\n"                        \
	"From: \"A, the first\" <sip:a@a.example.com>;tag=f1\r\n"    \
	"Call-ID: k3j4@a.example.com\r\n"                            \
	"CSeq: 10 INVITE\r\n"                                        \
	"Subject: one\r\n"                                           \
	" \t two\r\n"                                                \
	"X-Odd-One : yes\r\n"                                        \
	"Content-Type: text/plain\r\n"

#define INVITE INVITE_HDRS "Content-Length: 5\r\n\r\nhello"

static struct sip_msg m;

/* parse from an exact-size heap copy, as the wire would hand it over */
static int parse_copy(const char *text, size_t len, char **copy,
		      struct sip_error *err)
{
	*copy = malloc(len ? len : 1);
	memcpy(*copy, text, len);
	return sip_msg_parse(&m, *copy, len, err);
}

TEST(index_of_a_request)
{
	struct sip_error err;
	const struct sip_hdr *h;
	char *buf;

	ASSERT_EQ(0, parse_copy(INVITE, strlen(INVITE), &buf, &err));
	ASSERT_TRUE(m.is_request);
	ASSERT_EQ(SIP_METHOD_INVITE, (int)m.method);
	ASSERT_STREQ("sip:bob@b.example.com", C(m.uri));
	ASSERT_EQ(11, m.nhdrs);
	ASSERT_EQ(2u, sip_msg_count(&m, SIP_HDR_VIA));
	ASSERT_STREQ("hello", C(m.body));
	ASSERT_EQ(strlen(INVITE), m.len);

	h = sip_msg_first(&m, SIP_HDR_VIA);
	ASSERT_NE(NULL, h);
	h = sip_msg_next(&m, h);
	ASSERT_STREQ("v", C(h->name));
	ASSERT_EQ(NULL, sip_msg_next(&m, h));

	h = sip_msg_find(&m, "subject");
	ASSERT_STREQ("one\r\n \t two", C(h->value));
	h = sip_msg_find(&m, "x-odd-one");
	ASSERT_NE(NULL, h);
	ASSERT_EQ(SIP_HDR_OTHER, h->id);
	ASSERT_STREQ("yes", C(h->value));
	ASSERT_EQ(NULL, sip_msg_find(&m, "Route"));
	ASSERT_EQ(0, sip_msg_validate(&m, &err));
	free(buf);
}

TEST(values_across_lines)
{
	static const char *const want[] = { "a.example.com", "2001:db8::7",
					    "c.example.com" };
	struct sip_val_iter it;
	struct sip_error err;
	struct sip_str v;
	struct sip_via via;
	unsigned int n = 0;
	char *buf;
	int r;

	ASSERT_EQ(0, parse_copy(INVITE, strlen(INVITE), &buf, &err));
	sip_msg_values(&m, SIP_HDR_VIA, &it);
	while ((r = sip_val_next(&it, &v, &err)) == 1) {
		ASSERT_GT(3u, n);
		ASSERT_EQ(0, sip_via_parse(v, &via, &err));
		ASSERT_STREQ(want[n], C(via.host));
		n++;
	}
	ASSERT_EQ(0, r);
	ASSERT_EQ(3u, n);
	free(buf);
}

TEST(cached_accessors)
{
	const struct sip_addr *from;
	const struct sip_cseq *cs;
	const struct sip_via *via;
	struct sip_error err;
	char *buf;

	ASSERT_EQ(0, parse_copy(INVITE, strlen(INVITE), &buf, &err));
	via = sip_msg_top_via(&m, &err);
	ASSERT_NE(NULL, via);
	ASSERT_STREQ("z9hG4bK1", C(via->branch));
	ASSERT_EQ(via, sip_msg_top_via(&m, &err));
	from = sip_msg_from(&m, &err);
	ASSERT_STREQ("A, the first", C(from->display));
	ASSERT_STREQ("f1", C(from->tag));
	cs = sip_msg_cseq(&m, &err);
	ASSERT_EQ(10u, cs->seq);
	ASSERT_EQ(69, sip_msg_max_forwards(&m, &err));
	ASSERT_STREQ("k3j4@a.example.com", C(*sip_msg_call_id(&m, &err)));
	ASSERT_STREQ("plain", C(sip_msg_content_type(&m, &err)->subtype));
	free(buf);
}

TEST(cached_errors_carry_message_offsets)
{
	static const char text[] = "OPTIONS sip:x@y SIP/2.0\r\n"
				   "CSeq: 1 OPTIONS\r\n"
				   "To: <nothing>\r\n\r\n";
	struct sip_error err, again;
	char *buf;

	ASSERT_EQ(0, parse_copy(text, strlen(text), &buf, &err));
	ASSERT_EQ(NULL, sip_msg_to(&m, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_TO, (int)err.code);
	ASSERT_EQ((uint32_t)(strstr(text, "<nothing>") - text) + 9, err.offset);
	ASSERT_EQ(NULL, sip_msg_to(&m, &again));
	ASSERT_EQ(err.offset, again.offset);
	ASSERT_EQ(NULL, sip_msg_from(&m, &err));
	ASSERT_EQ((int)SIP_ERR_MISSING_HEADER, (int)err.code);
	ASSERT_EQ(-1, sip_msg_validate(&m, &err));
	ASSERT_EQ((int)SIP_ERR_MISSING_HEADER, (int)err.code);
	free(buf);
}

struct bad_case {
	const char *text;
	enum sip_err code;
	const char *at; /* the text the offset must point at, or NULL */
};

static const struct bad_case bad_cases[] = {
	{ "", SIP_ERR_EMPTY },
	{ "\r\n\r\n", SIP_ERR_EMPTY },
	{ "INVITE sip:a@b SIP/2.0\r\nVia: x\r\n", SIP_ERR_TRUNCATED },
	{ "INVITE sip:a@b SIP/2.0", SIP_ERR_TRUNCATED },
	{ "INVITE sip:a@b SIP/2.0\nTo: x\r\n\r\n", SIP_ERR_BAD_LINE_END,
	  "\nTo" },
	{ "INVITE sip:a@b SIP/2.0\r\nTo: a\rb\r\n\r\n", SIP_ERR_BAD_HEADER_LINE,
	  "\rb" },
	{ "BYE sip:a@b SIP/2.0\r\nTo x\r\n\r\n", SIP_ERR_BAD_HEADER_LINE,
	  "x\r\n\r\n" },
	{ "BYE sip:a@b SIP/2.0\r\nT@o: x\r\n\r\n", SIP_ERR_BAD_HEADER_NAME,
	  "@o" },
	{ "BYE sip:a@b SIP/2.0\r\n: x\r\n\r\n", SIP_ERR_BAD_HEADER_NAME,
	  ": x" },
	{ "BYE sip:a@b SIP/2.0\r\n folded\r\n\r\n", SIP_ERR_BAD_HEADER_LINE,
	  " folded" },
	{ "BYE sip:a@b  SIP/2.0\r\n\r\n", SIP_ERR_BAD_REQUEST_URI },
	{ "BYE sip:a@b SIP/2.1\r\n\r\n", SIP_ERR_BAD_VERSION, "SIP/2.1" },
	{ "B(E sip:a@b SIP/2.0\r\n\r\n", SIP_ERR_BAD_METHOD, "(E" },
	{ " BYE sip:a@b SIP/2.0\r\n\r\n", SIP_ERR_BAD_START_LINE },
	{ "SIP/2.0 1x0 Huh\r\n\r\n", SIP_ERR_BAD_STATUS, "1x0" },
	{ "SIP/2.0 100 Tr\001ing\r\n\r\n", SIP_ERR_BAD_START_LINE, "\001" },
	{ "SIP/2.0\r\n\r\n", SIP_ERR_BAD_VERSION },
	{ "SIP/2.0 200 OK\r\nContent-Length: 4\r\n\r\nabc",
	  SIP_ERR_BODY_TRUNCATED },
	{ "SIP/2.0 200 OK\r\nContent-Length: 1\r\nl: 2\r\n\r\nab",
	  SIP_ERR_DUPLICATE_HEADER, "2\r\n" },
	{ "SIP/2.0 200 OK\r\nContent-Length: x\r\n\r\n",
	  SIP_ERR_BAD_CONTENT_LENGTH, "x\r\n" },
};

TEST(framing_errors_and_offsets)
{
	struct sip_error err;
	size_t i, len;
	char *buf;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		len = strlen(c->text);
		ASSERT_EQ(-1, parse_copy(c->text, len, &buf, &err))
		{
			TH_LOG("case %zu", i);
		}
		ASSERT_EQ(c->code, err.code)
		{
			TH_LOG("case %zu: %s", i, sip_err_name(err.code));
		}
		ASSERT_GE(len, err.offset);
		if (c->at) {
			ASSERT_EQ((uint32_t)(strstr(c->text, c->at) - c->text),
				  err.offset)
			{
				TH_LOG("case %zu", i);
			}
		}
		free(buf);
	}
}

/* a control byte anywhere in a value, whatever its alignment, is caught */
TEST(control_bytes_at_every_position)
{
	static const char bad[] = { 0, 1, '\r', '\n', 0x1f, 0x7f };
	char text[128], *buf;
	struct sip_error err;
	size_t head, len, pos, k;

	head = (size_t)sprintf(text, "OPTIONS sip:a@b SIP/2.0\r\nX: ");
	for (pos = 0; pos < 40; pos++) {
		for (k = 0; k < sizeof(bad); k++) {
			memset(text + head, 'v', 40);
			text[head + 10] = '\t'; /* fine, and slows nothing */
			text[head + 40] = '\r';
			text[head + 41] = '\n';
			text[head + 42] = '\r';
			text[head + 43] = '\n';
			len = head + 44;
			if (pos == 10 || (bad[k] == '\n' && !pos))
				continue;
			text[head + pos] = bad[k];
			ASSERT_EQ(-1, parse_copy(text, len, &buf, &err))
			{
				TH_LOG("byte 0x%02x at %zu", bad[k], pos);
			}
			free(buf);
			if (bad[k] == '\n')
				continue; /* a line end: the line before is bad */
			ASSERT_EQ((int)SIP_ERR_BAD_HEADER_LINE, (int)err.code);
			ASSERT_EQ(head + pos, err.offset);
		}
	}
}

TEST(limits)
{
	size_t cap = SIP_MSG_MAX + 100, len, i;
	struct sip_error err;
	char *text = malloc(cap), *buf;

	/* exactly SIP_HEADERS_MAX lines pass, one more does not */
	for (i = SIP_HEADERS_MAX; i <= SIP_HEADERS_MAX + 1; i++) {
		size_t k;

		len = (size_t)sprintf(text, "OPTIONS sip:a@b SIP/2.0\r\n");
		for (k = 0; k < i; k++)
			len += (size_t)sprintf(text + len, "X-H%zu: v\r\n", k);
		len += (size_t)sprintf(text + len, "\r\n");
		ASSERT_EQ(i > SIP_HEADERS_MAX ? -1 : 0,
			  parse_copy(text, len, &buf, &err));
		if (i > SIP_HEADERS_MAX) {
			ASSERT_EQ((int)SIP_ERR_TOO_MANY_HEADERS, (int)err.code);
		}
		free(buf);
	}
	/* a value of SIP_VALUE_MAX bytes, folded, then one byte more */
	for (i = 0; i < 2; i++) {
		len = (size_t)sprintf(text, "OPTIONS sip:a@b SIP/2.0\r\nX: ");
		memset(text + len, 'v', 4000);
		len += 4000;
		len += (size_t)sprintf(text + len, "\r\n ");
		memset(text + len, 'w', SIP_VALUE_MAX - 4003 + i);
		len += SIP_VALUE_MAX - 4003 + i;
		len += (size_t)sprintf(text + len, "\r\n\r\n");
		ASSERT_EQ(i ? -1 : 0, parse_copy(text, len, &buf, &err));
		if (i) {
			ASSERT_EQ((int)SIP_ERR_VALUE_TOO_LONG, (int)err.code);
		}
		free(buf);
	}
	memset(text, 'x', cap);
	ASSERT_EQ(-1, parse_copy(text, SIP_MSG_MAX + 1, &buf, &err));
	ASSERT_EQ((int)SIP_ERR_TOO_LONG, (int)err.code);
	free(buf);
	free(text);
}

TEST(too_many_values_in_one_line)
{
	char text[2048], *buf;
	struct sip_val_iter it;
	struct sip_error err;
	struct sip_str v;
	size_t len;
	int i, r;

	len = (size_t)sprintf(text, "OPTIONS sip:a@b SIP/2.0\r\nSupported: ");
	for (i = 0; i <= SIP_VALUES_MAX; i++)
		len += (size_t)sprintf(text + len, "%st%d", i ? "," : "", i);
	len += (size_t)sprintf(text + len, "\r\n\r\n");
	ASSERT_EQ(0, parse_copy(text, len, &buf, &err));
	sip_msg_values(&m, SIP_HDR_SUPPORTED, &it);
	for (i = 0; (r = sip_val_next(&it, &v, &err)) == 1; i++)
		;
	ASSERT_EQ(-1, r);
	ASSERT_EQ(SIP_VALUES_MAX, i);
	ASSERT_EQ((int)SIP_ERR_TOO_MANY_VALUES, (int)err.code);
	free(buf);
}

TEST(udp_body_rules)
{
	static const char longer[] = "SIP/2.0 200 OK\r\nl: 2\r\n\r\nabcdef";
	static const char none[] = "SIP/2.0 200 OK\r\nX: 1\r\n\r\nabcdef";
	struct sip_error err;
	char *buf;

	ASSERT_EQ(0, parse_copy(longer, strlen(longer), &buf, &err));
	ASSERT_STREQ("ab", C(m.body));
	ASSERT_EQ(strlen(longer) - 4, m.len);
	free(buf);
	ASSERT_EQ(0, parse_copy(none, strlen(none), &buf, &err));
	ASSERT_STREQ("abcdef", C(m.body));
	ASSERT_FALSE(m.has_content_length);
	free(buf);
}

/*
 * Two messages and keep-alives on one stream, delivered in every split
 * into two writes: the framer must find the same pieces each time.
 */
TEST(stream_framing_split_anywhere)
{
	static const char stream[] = "\r\n\r\n"
				     "OPTIONS sip:a@b SIP/2.0\r\n"
				     "Content-Length: 3\r\n\r\nxyz"
				     "\r\n"
				     "SIP/2.0 200 OK\r\n"
				     "l:\r\n 0\r\n\r\n";
	static const int want[] = { SIP_FRAME_PING, SIP_FRAME_MSG,
				    SIP_FRAME_PONG, SIP_FRAME_MSG };
	static const size_t want_len[] = { 4, 49, 2, 26 };
	size_t total = strlen(stream), split, have, used, got, n;
	struct sip_error err;
	char *buf = malloc(total);
	int r;

	ASSERT_EQ((size_t)(4 + 49 + 2 + 26), total);
	for (split = 0; split <= total; split++) {
		have = split;
		used = 0;
		n = 0;
		memcpy(buf, stream, total);
		for (;;) {
			r = sip_msg_frame(buf + used, have - used, &got, &err);
			if (r == SIP_FRAME_MORE) {
				if (have == total)
					break;
				have = total;
				continue;
			}
			ASSERT_LT(n, ARRAY_SIZE(want));
			ASSERT_EQ(want[n], r)
			{
				TH_LOG("split %zu piece %zu", split, n);
			}
			ASSERT_EQ(want_len[n], got);
			used += got;
			n++;
		}
		ASSERT_EQ(total, used);
		ASSERT_EQ(ARRAY_SIZE(want), n);
	}
	free(buf);
}

TEST(stream_framing_errors)
{
	static const char no_cl[] = "BYE sip:a@b SIP/2.0\r\nTo: x\r\n\r\n";
	static const char bad_cl[] = "BYE sip:a@b SIP/2.0\r\nl: -1\r\n\r\n";
	static const char two_cl[] =
		"BYE sip:a@b SIP/2.0\r\nl: 1\r\nContent-Length: 2\r\n\r\nab";
	struct sip_error err;
	size_t got;
	char *big;

	ASSERT_EQ(SIP_FRAME_ERROR,
		  sip_msg_frame(no_cl, strlen(no_cl), &got, &err));
	ASSERT_EQ((int)SIP_ERR_MISSING_HEADER, (int)err.code);
	ASSERT_EQ(SIP_FRAME_ERROR,
		  sip_msg_frame(bad_cl, strlen(bad_cl), &got, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_CONTENT_LENGTH, (int)err.code);
	ASSERT_EQ((uint32_t)(strstr(bad_cl, "-1") - bad_cl), err.offset);
	ASSERT_EQ(SIP_FRAME_ERROR,
		  sip_msg_frame(two_cl, strlen(two_cl), &got, &err));
	ASSERT_EQ((int)SIP_ERR_DUPLICATE_HEADER, (int)err.code);

	/* headers that never end within SIP_MSG_MAX */
	big = malloc(SIP_MSG_MAX);
	memset(big, 'a', SIP_MSG_MAX);
	ASSERT_EQ(SIP_FRAME_MORE,
		  sip_msg_frame(big, SIP_MSG_MAX - 1, &got, &err));
	ASSERT_EQ(SIP_FRAME_ERROR, sip_msg_frame(big, SIP_MSG_MAX, &got, &err));
	ASSERT_EQ((int)SIP_ERR_TOO_LONG, (int)err.code);
	free(big);
}

TEST(methods_and_names)
{
	ASSERT_EQ(SIP_METHOD_PUBLISH,
		  (int)sip_method_of(sip_str_of("PUBLISH", 7)));
	ASSERT_EQ(SIP_METHOD_OTHER,
		  (int)sip_method_of(sip_str_of("Invite", 6)));
	ASSERT_EQ(SIP_METHOD_OTHER,
		  (int)sip_method_of(sip_str_of("INVITEX", 7)));
	ASSERT_STREQ("REFER", sip_method_name(SIP_METHOD_REFER));
	ASSERT_EQ(SIP_HDR_ACCEPT_CONTACT, (int)sip_hdr_id_of("A", 1));
	ASSERT_EQ(SIP_HDR_REFERRED_BY, (int)sip_hdr_id_of("b", 1));
	ASSERT_EQ(SIP_HDR_REQUEST_DISPOSITION, (int)sip_hdr_id_of("d", 1));
	ASSERT_EQ(SIP_HDR_IDENTITY_INFO, (int)sip_hdr_id_of("n", 1));
	ASSERT_EQ(SIP_HDR_SESSION_EXPIRES, (int)sip_hdr_id_of("x", 1));
	ASSERT_EQ(SIP_HDR_IDENTITY, (int)sip_hdr_id_of("y", 1));
	ASSERT_EQ(SIP_HDR_ALLOW_EVENTS, (int)sip_hdr_id_of("u", 1));
	ASSERT_EQ(SIP_HDR_OTHER, (int)sip_hdr_id_of("g", 1));
	ASSERT_EQ(SIP_HDR_WWW_AUTHENTICATE,
		  (int)sip_hdr_id_of("www-authenticate", 16));
	ASSERT_EQ(SIP_HDR_CSEQ, (int)sip_hdr_id_of("cSEQ", 4));
	ASSERT_EQ(SIP_HDR_OTHER, (int)sip_hdr_id_of("CSeqs", 5));
	ASSERT_STREQ("Call-ID", sip_hdr_name(SIP_HDR_CALL_ID));
}

/* the name search relies on the list's order: every name finds itself */
TEST(every_header_name_found)
{
	char upper[64];
	const char *n;
	size_t i;
	int id;

	for (id = 1; id < SIP_HDR_MAX; id++) {
		n = sip_hdr_name(id);
		for (i = 0; n[i] && i < sizeof(upper) - 1; i++)
			upper[i] = (char)(n[i] >= 'a' && n[i] <= 'z' ?
						  n[i] - 32 :
						  n[i]);
		upper[i] = 0;
		ASSERT_EQ(id, (int)sip_hdr_id_of(n, strlen(n)))
		{
			TH_LOG("%s", n);
		}
		ASSERT_EQ(id, (int)sip_hdr_id_of(upper, strlen(upper)));
		if (strlen(n) > 2) {
			ASSERT_EQ(SIP_HDR_OTHER,
				  (int)sip_hdr_id_of(n, strlen(n) - 1));
		}
	}
}

/* a continuation holding only whitespace is trailing LWS, not value */
TEST(blank_continuation_is_not_value)
{
	static const char text[] = "OPTIONS sip:b@b.example.com SIP/2.0\r\n"
				   "To: <sip:b@b.example.com>\r\n"
				   "   \r\n"
				   "Subject:\r\n"
				   " \t \r\n"
				   "Call-ID: blank@a\r\n"
				   "\r\n";
	struct sip_error err;
	char *buf;

	ASSERT_EQ(0, parse_copy(text, strlen(text), &buf, &err));
	ASSERT_STREQ("<sip:b@b.example.com>",
		     C(sip_msg_first(&m, SIP_HDR_TO)->value));
	ASSERT_EQ(0u, sip_msg_first(&m, SIP_HDR_SUBJECT)->value.len);
	ASSERT_STREQ("blank@a", C(sip_msg_first(&m, SIP_HDR_CALL_ID)->value));
	free(buf);
}

TEST_HARNESS_MAIN
