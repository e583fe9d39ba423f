// SPDX-License-Identifier: GPL-2.0-only
/*
 * The typed header parsers of sip_hdr.h, one table per header: the value
 * in, and either the fields that must come out or the error (code and
 * offset into the value) that must.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/sip_hdr.h"
#include "sip/sip_lex.h"

static struct sip_str S(const char *s) {
	return sip_str_of(s, strlen(s));
}

/* a span as a C string, for messages and comparisons */
static const char *
C(struct sip_str s)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%.*s", (int)s.len, s.p ? s.p : "");
	return buf[i];
}

struct via_case {
	const char *in;
	enum sip_err err;
	const char *transport, *host, *branch, *received;
	int port; /* -1: none */
	int rport; /* -1: none, 0: without value */
	bool ipv6;
};

static const struct via_case via_cases[] = {
	{ "SIP/2.0/UDP pc1.example.com:5060;branch=z9hG4bK1", 0, "UDP",
	  "pc1.example.com", "z9hG4bK1", "", 5060, -1 },
	{ "SIP / 2.0 / TCP\t192.0.2.1 ; branch = z9hG4bKa ; rport", 0, "TCP",
	  "192.0.2.1", "z9hG4bKa", "", -1, 0 },
	{ "SIP/2.0/UDP [2001:db8::1]:5070;rport=5071;received=2001:db8::9;"
	  "branch=z9hG4bKx",
	  0, "UDP", "2001:db8::1", "z9hG4bKx", "2001:db8::9", 5070, 5071,
	  true },
	{ "SIP/2.0/TLS h.example.com\r\n ;branch=z9hG4bKf;maddr=239.0.0.1;"
	  "ttl=1;x-odd",
	  0, "TLS", "h.example.com", "z9hG4bKf", "", -1, -1 },
	{ "SIP/2.0 h.example.com", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h:65536", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP [2001:db8::1;branch=x", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h;branch", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h;rport=abc", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h;ttl=256", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h junk", SIP_ERR_BAD_VIA },
	{ "SIP/2.0/UDP h;;branch=1", SIP_ERR_BAD_VIA },
};

TEST(via)
{
	struct sip_error err;
	struct sip_via v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(via_cases); i++) {
		const struct via_case *c = &via_cases[i];
		int r = sip_via_parse(S(c->in), &v, &err);

		ASSERT_EQ(c->err ? -1 : 0, r)
		{
			TH_LOG("'%s'", c->in);
		}
		if (c->err) {
			ASSERT_EQ(c->err, err.code);
			ASSERT_GE(strlen(c->in), err.offset);
			continue;
		}
		ASSERT_STREQ(c->transport, C(v.transport));
		ASSERT_STREQ(c->host, C(v.host));
		ASSERT_STREQ(c->branch, C(v.branch));
		ASSERT_STREQ(c->received, C(v.received));
		ASSERT_EQ(c->port >= 0, v.has_port);
		if (c->port >= 0) {
			ASSERT_EQ(c->port, v.port);
		}
		ASSERT_EQ(c->rport >= 0, v.has_rport);
		ASSERT_EQ(c->rport > 0, v.rport_has_value);
		if (c->rport > 0) {
			ASSERT_EQ(c->rport, v.rport);
		}
		ASSERT_EQ(c->ipv6, v.host_ipv6);
	}
}

struct addr_case {
	const char *in;
	enum sip_err err;
	const char *display, *uri, *tag, *params;
	bool bracketed;
};

static const struct addr_case addr_cases[] = {
	{ "Alice <sip:alice@a.example.com>;tag=1928", 0, "Alice",
	  "sip:alice@a.example.com", "1928", ";tag=1928", true },
	{ "\"Alice \\\"A\\\" Liddell\" <sip:a@x>", 0, "Alice \\\"A\\\" Liddell",
	  "sip:a@x", "", "", true },
	{ "sip:bob@b.example.com;tag=77;foo", 0, "", "sip:bob@b.example.com",
	  "77", ";tag=77;foo", false },
	{ "<sip:c@x;transport=tcp>  ;  tag = 5", 0, "", "sip:c@x;transport=tcp",
	  "5", ";  tag = 5", true },
	{ "Two  Words\t<tel:+15551234>", 0, "Two  Words", "tel:+15551234", "",
	  "", true },
	{ "\"\" <sip:anon@anonymous.invalid>", 0, "",
	  "sip:anon@anonymous.invalid", "", "", true },
	{ "\"unterminated <sip:a@x>", SIP_ERR_BAD_QUOTED_STRING },
	{ "<sip:a@x", SIP_ERR_BAD_FROM },
	{ "<noscheme>", SIP_ERR_BAD_FROM },
	{ "Alice sip:a@x", SIP_ERR_BAD_FROM },
	{ "<sip:a@x>;tag", SIP_ERR_BAD_FROM },
	{ "<sip:a@x> trailing", SIP_ERR_BAD_FROM },
	{ "", SIP_ERR_BAD_FROM },
};

TEST(from_to)
{
	struct sip_error err;
	struct sip_addr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addr_cases); i++) {
		const struct addr_case *c = &addr_cases[i];
		int r = sip_from_parse(S(c->in), &a, &err);

		ASSERT_EQ(c->err ? -1 : 0, r)
		{
			TH_LOG("'%s'", c->in);
		}
		if (c->err) {
			ASSERT_EQ(c->err, err.code)
			{
				TH_LOG("'%s'", c->in);
			}
			continue;
		}
		ASSERT_STREQ(c->display, C(a.display));
		ASSERT_STREQ(c->uri, C(a.uri));
		ASSERT_STREQ(c->tag, C(a.tag));
		ASSERT_STREQ(c->params, C(a.params));
		ASSERT_EQ(c->bracketed, a.bracketed);
	}
	ASSERT_EQ(-1, sip_to_parse(S("<x>"), &a, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_TO, (int)err.code);
}

struct contact_case {
	const char *in;
	enum sip_err err;
	bool star;
	int64_t expires; /* -1: none */
	int q; /* -1: none */
};

static const struct contact_case contact_cases[] = {
	{ "*", 0, true, -1, -1 },
	{ " * ", 0, true, -1, -1 },
	{ "<sip:a@x>;expires=3600;q=0.5", 0, false, 3600, 500 },
	{ "<sip:a@x>;q=1", 0, false, -1, 1000 },
	{ "<sip:a@x>;q=1.000", 0, false, -1, 1000 },
	{ "<sip:a@x>;q=0.001", 0, false, -1, 1 },
	{ "<sip:a@x>;q=0.", 0, false, -1, 0 },
	{ "<sip:a@x>;expires=99999999999", 0, false, 4294967295ll, -1 },
	{ "<sip:a@x>;q=1.5", SIP_ERR_BAD_CONTACT },
	{ "<sip:a@x>;q=0.1234", SIP_ERR_BAD_CONTACT },
	{ "<sip:a@x>;q=2", SIP_ERR_BAD_CONTACT },
	{ "<sip:a@x>;expires=soon", SIP_ERR_BAD_CONTACT },
	{ "*;expires=0", SIP_ERR_BAD_CONTACT },
};

TEST(contact)
{
	struct sip_error err;
	struct sip_addr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(contact_cases); i++) {
		const struct contact_case *c = &contact_cases[i];
		int r = sip_contact_parse(S(c->in), &a, &err);

		ASSERT_EQ(c->err ? -1 : 0, r)
		{
			TH_LOG("'%s'", c->in);
		}
		if (c->err) {
			ASSERT_EQ(c->err, err.code);
			continue;
		}
		ASSERT_EQ(c->star, a.star);
		ASSERT_EQ(c->expires >= 0, a.has_expires);
		if (c->expires >= 0) {
			ASSERT_EQ((uint32_t)c->expires, a.expires);
		}
		ASSERT_EQ(c->q >= 0, a.has_q);
		if (c->q >= 0) {
			ASSERT_EQ(c->q, a.q);
		}
	}
}

TEST(route)
{
	struct sip_error err;
	struct sip_addr a;

	ASSERT_EQ(0, sip_route_parse(S("<sip:p1.example.com;lr>"), &a, &err));
	ASSERT_STREQ("sip:p1.example.com;lr", C(a.uri));
	ASSERT_EQ(0, sip_route_parse(S("\"p\" <sip:[2001:db8::1];lr>;x=1"), &a,
				     &err));
	ASSERT_EQ(-1, sip_route_parse(S("sip:p1.example.com;lr"), &a, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_ROUTE, (int)err.code);
}

struct str_case {
	const char *in;
	enum sip_err err;
	const char *out;
};

static const struct str_case call_id_cases[] = {
	{ "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com", 0,
	  "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com" },
	{ "  abc  ", 0, "abc" },
	{ "a<b>c:{}[]?/\"\\@[2001:db8::1]", 0,
	  "a<b>c:{}[]?/\"\\@[2001:db8::1]" },
	{ "", SIP_ERR_BAD_CALL_ID },
	{ "a@", SIP_ERR_BAD_CALL_ID },
	{ "@b", SIP_ERR_BAD_CALL_ID },
	{ "a b", SIP_ERR_BAD_CALL_ID },
	{ "a@b@c", SIP_ERR_BAD_CALL_ID },
};

TEST(call_id)
{
	struct sip_error err;
	struct sip_str out;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(call_id_cases); i++) {
		const struct str_case *c = &call_id_cases[i];
		int r = sip_call_id_parse(S(c->in), &out, &err);

		ASSERT_EQ(c->err ? -1 : 0, r)
		{
			TH_LOG("'%s'", c->in);
		}
		if (c->err) {
			ASSERT_EQ(c->err, err.code);
		} else {
			ASSERT_STREQ(c->out, C(out));
		}
	}
}

struct cseq_case {
	const char *in;
	enum sip_err err;
	uint32_t seq;
	enum sip_method method;
};

static const struct cseq_case cseq_cases[] = {
	{ "4711 INVITE", 0, 4711, SIP_METHOD_INVITE },
	{ "0 ACK", 0, 0, SIP_METHOD_ACK },
	{ "2147483647\t  REGISTER ", 0, 2147483647u, SIP_METHOD_REGISTER },
	{ "3 invite", 0, 3, SIP_METHOD_OTHER },
	{ "3 X-NEW", 0, 3, SIP_METHOD_OTHER },
	{ "2147483648 INVITE", SIP_ERR_BAD_CSEQ },
	{ "INVITE", SIP_ERR_BAD_CSEQ },
	{ "12INVITE", SIP_ERR_BAD_CSEQ },
	{ "12", SIP_ERR_BAD_CSEQ },
	{ "-1 BYE", SIP_ERR_BAD_CSEQ },
	{ "1 BYE extra", SIP_ERR_BAD_CSEQ },
};

TEST(cseq)
{
	struct sip_error err;
	struct sip_cseq cs;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cseq_cases); i++) {
		const struct cseq_case *c = &cseq_cases[i];
		int r = sip_cseq_parse(S(c->in), &cs, &err);

		ASSERT_EQ(c->err ? -1 : 0, r)
		{
			TH_LOG("'%s'", c->in);
		}
		if (c->err) {
			ASSERT_EQ(c->err, err.code);
			continue;
		}
		ASSERT_EQ(c->seq, cs.seq);
		ASSERT_EQ(c->method, cs.method);
	}
}

struct num_case {
	const char *in;
	int64_t want; /* -1: error */
};

TEST(numbers)
{
	static const struct num_case mf[] = {
		{ "70", 70 }, { "0", 0 },    { " 255 ", 255 }, { "256", -1 },
		{ "", -1 },   { "7 0", -1 }, { "-1", -1 },
	};
	static const struct num_case cl[] = {
		{ "0", 0 },	 { "65535", 65535 },
		{ "65536", -1 }, { "99999999999", -1 },
		{ "-4", -1 },	 { "12a", -1 },
	};
	static const struct num_case ex[] = {
		{ "3600", 3600 }, { "0", 0 }, { "4294967296", 4294967295ll },
		{ "1e3", -1 },	  { "", -1 },
	};
	struct sip_error err;
	uint32_t u;
	uint8_t b;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(mf); i++) {
		ASSERT_EQ(mf[i].want < 0 ? -1 : 0,
			  sip_max_forwards_parse(S(mf[i].in), &b, &err));
		if (mf[i].want >= 0) {
			ASSERT_EQ(mf[i].want, b);
		} else {
			ASSERT_EQ((int)SIP_ERR_BAD_MAX_FORWARDS, (int)err.code);
		}
	}
	for (i = 0; i < ARRAY_SIZE(cl); i++) {
		ASSERT_EQ(cl[i].want < 0 ? -1 : 0,
			  sip_content_length_parse(S(cl[i].in), &u, &err));
		if (cl[i].want >= 0) {
			ASSERT_EQ(cl[i].want, u);
		} else {
			ASSERT_EQ((int)SIP_ERR_BAD_CONTENT_LENGTH,
				  (int)err.code);
		}
	}
	for (i = 0; i < ARRAY_SIZE(ex); i++) {
		ASSERT_EQ(ex[i].want < 0 ? -1 : 0,
			  sip_expires_parse(S(ex[i].in), &u, &err));
		if (ex[i].want >= 0) {
			ASSERT_EQ(ex[i].want, u);
		} else {
			ASSERT_EQ((int)SIP_ERR_BAD_EXPIRES, (int)err.code);
		}
	}
}

TEST(content_type)
{
	struct sip_content_type ct;
	struct sip_error err;
	struct sip_param p;

	ASSERT_EQ(0, sip_content_type_parse(S("application/sdp"), &ct, &err));
	ASSERT_STREQ("application", C(ct.type));
	ASSERT_STREQ("sdp", C(ct.subtype));
	ASSERT_EQ(0, sip_content_type_parse(
			     S("multipart/mixed ; boundary=\"a b\";x=1"), &ct,
			     &err));
	ASSERT_STREQ("mixed", C(ct.subtype));
	ASSERT_TRUE(sip_param_find(ct.params, "BOUNDARY", &p));
	ASSERT_STREQ("a b", C(p.value));
	ASSERT_TRUE(p.quoted);
	ASSERT_EQ(0, sip_content_type_parse(S("text / plain"), &ct, &err));
	ASSERT_EQ(-1, sip_content_type_parse(S("application"), &ct, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_CONTENT_TYPE, (int)err.code);
	ASSERT_EQ(11u, err.offset);
	ASSERT_EQ(-1, sip_content_type_parse(S("a/b;"), &ct, &err));
	ASSERT_EQ(-1, sip_content_type_parse(S("a/b c"), &ct, &err));
}

TEST(option_tags_and_allow)
{
	struct sip_str tags[4];
	struct sip_error err;
	struct sip_allow al;
	unsigned int n;

	ASSERT_EQ(0, sip_option_tags_parse(S("100rel, timer,\r\n path"), tags,
					   4, &n, &err));
	ASSERT_EQ(3u, n);
	ASSERT_STREQ("path", C(tags[2]));
	ASSERT_EQ(0, sip_option_tags_parse(S(""), tags, 4, &n, &err));
	ASSERT_EQ(0u, n);
	ASSERT_EQ(-1, sip_option_tags_parse(S("a,,b"), tags, 4, &n, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_OPTION_TAGS, (int)err.code);
	ASSERT_EQ(-1, sip_option_tags_parse(S("a b"), tags, 4, &n, &err));
	ASSERT_EQ(-1, sip_option_tags_parse(S("a,b,c,d,e"), tags, 4, &n, &err));
	ASSERT_EQ((int)SIP_ERR_TOO_MANY_VALUES, (int)err.code);

	ASSERT_EQ(0, sip_allow_parse(S("INVITE, ACK,BYE , X-FOO, invite"), &al,
				     &err));
	ASSERT_EQ((1u << SIP_METHOD_INVITE) | (1u << SIP_METHOD_ACK) |
			  (1u << SIP_METHOD_BYE),
		  al.mask);
	ASSERT_EQ(2u, al.other);
	ASSERT_EQ(-1, sip_allow_parse(S("INVITE,"), &al, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_ALLOW, (int)err.code);
}

TEST(session_timers)
{
	struct sip_session_expires se;
	struct sip_error err;
	uint32_t v;

	ASSERT_EQ(0, sip_session_expires_parse(S("1800;refresher=uas"), &se,
					       &err));
	ASSERT_EQ(1800u, se.delta);
	ASSERT_EQ((int)SIP_REFRESHER_UAS, (int)se.refresher);
	ASSERT_EQ(0, sip_session_expires_parse(S("90 ; x=y"), &se, &err));
	ASSERT_EQ((int)SIP_REFRESHER_NONE, (int)se.refresher);
	ASSERT_EQ(-1,
		  sip_session_expires_parse(S("90;refresher=both"), &se, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_SESSION_EXPIRES, (int)err.code);
	ASSERT_EQ(3u, err.offset);
	ASSERT_EQ(-1, sip_session_expires_parse(S("soon"), &se, &err));
	ASSERT_EQ(0, sip_min_se_parse(S("90"), &v, &err));
	ASSERT_EQ(90u, v);
	ASSERT_EQ(-1, sip_min_se_parse(S("90 s"), &v, &err));
}

TEST(auth)
{
	struct sip_error err;
	struct sip_auth a;

	ASSERT_EQ(0, sip_auth_parse(
			     S("Digest username=\"bob\",realm=\"b.example\""
			       ",\r\n nonce=\"n\\\"1\", uri=\"sip:b.example\", "
			       "response=\"0123abcd\", algorithm=MD5, "
			       "cnonce=\"c\", opaque=\"\", qop=auth, "
			       "nc=00000001"),
			     &a, &err));
	ASSERT_STREQ("Digest", C(a.scheme));
	ASSERT_STREQ("bob", C(a.username));
	ASSERT_STREQ("b.example", C(a.realm));
	ASSERT_STREQ("n\\\"1", C(a.nonce));
	ASSERT_STREQ("sip:b.example", C(a.uri));
	ASSERT_STREQ("MD5", C(a.algorithm));
	ASSERT_STREQ("auth", C(a.qop));
	ASSERT_STREQ("00000001", C(a.nc));
	ASSERT_STREQ("", C(a.opaque));
	ASSERT_EQ(0,
		  sip_auth_parse(S("Digest realm=\"r\", qop=\"auth,auth-int\""
				   ", stale=FALSE"),
				 &a, &err));
	ASSERT_STREQ("auth,auth-int", C(a.qop));
	ASSERT_EQ(-1, sip_auth_parse(S("Digest"), &a, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_AUTH, (int)err.code);
	ASSERT_EQ(-1, sip_auth_parse(S("Digest realm=\"open"), &a, &err));
	ASSERT_EQ((int)SIP_ERR_BAD_QUOTED_STRING, (int)err.code);
	ASSERT_EQ(-1, sip_auth_parse(S("Digest realm=r,"), &a, &err));
	ASSERT_EQ(-1, sip_auth_parse(S("Digest realm"), &a, &err));
}

TEST(list_split_respects_quotes_and_brackets)
{
	struct sip_str rest = S(" \"a, b\" <sip:x;p=1,2>;q=1 , <sip:y>,z "), v;

	ASSERT_EQ(1, sip_list_next(&rest, &v));
	ASSERT_STREQ("\"a, b\" <sip:x;p=1,2>;q=1", C(v));
	ASSERT_EQ(1, sip_list_next(&rest, &v));
	ASSERT_STREQ("<sip:y>", C(v));
	ASSERT_EQ(1, sip_list_next(&rest, &v));
	ASSERT_STREQ("z", C(v));
	ASSERT_EQ(0, sip_list_next(&rest, &v));
	rest = S("a, \"open");
	ASSERT_EQ(1, sip_list_next(&rest, &v));
	ASSERT_EQ(-1, sip_list_next(&rest, &v));
	rest = S("<sip:x");
	ASSERT_EQ(-1, sip_list_next(&rest, &v));
	rest = S("a,");
	ASSERT_EQ(-1, sip_list_next(&rest, &v));
}

TEST(quoted_strings)
{
	struct sip_str out;
	struct sip_cur c;

	c = sip_cur_of(S("\"a\\\\\" rest"));
	ASSERT_TRUE(sip_lex_quoted(&c, &out));
	ASSERT_STREQ("a\\\\", C(out));
	ASSERT_STREQ(" rest", C(sip_str_between(c.p, c.end)));
	c = sip_cur_of(S("\"a\\\""));
	ASSERT_FALSE(sip_lex_quoted(&c, &out));
	c = sip_cur_of(S("\"folded\r\n text\""));
	ASSERT_TRUE(sip_lex_quoted(&c, &out));
	c = sip_cur_of(S("\"bad\r\nfold\""));
	ASSERT_FALSE(sip_lex_quoted(&c, &out));
	c = sip_cur_of(S("\"\\"));
	ASSERT_FALSE(sip_lex_quoted(&c, &out));
}

TEST_HARNESS_MAIN
