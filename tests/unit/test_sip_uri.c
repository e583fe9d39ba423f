// SPDX-License-Identifier: GPL-2.0-only
/*
 * user/sip/sip_uri*.c: tables of URIs in, fields or error codes out, and
 * pairs that RFC 3261 19.1.4 and RFC 3966 say are or are not the same.
 * Every input is copied into a buffer of its exact size first, so ASan
 * reports any read past the end of a URI.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sip/sip_uri.h"

/* a heap copy with no byte to spare after the URI */
static char *exact_copy(const char *text, size_t len)
{
	char *p = malloc(len ? len : 1);

	if (p && len)
		memcpy(p, text, len);
	return p;
}

static int parse_len(const char *text, size_t len, struct sip_uri *u,
		     struct sip_error *err, char **copy)
{
	*copy = exact_copy(text, len);
	return sip_uri_parse(sip_str_of(*copy, len), u, err);
}

/* NULL expects an absent span, "" an empty but present one */
static bool span_is(struct sip_str s, const char *want)
{
	if (!want)
		return s.p == NULL;
	return s.p && sip_str_eq(s, sip_str_of(want, strlen(want)));
}

struct valid_case {
	const char *text;
	enum sip_uri_scheme scheme;
	const char *user, *password, *host;
	enum sip_uri_host_type host_type;
	int port; /* -1: none */
	enum sip_uri_transport transport;
	int ttl;
	bool lr;
	const char *maddr, *method, *user_param;
	unsigned int nparams, nheaders;
};

#define NAME SIP_URI_HOST_NAME
#define IPV4 SIP_URI_HOST_IPV4
#define IPV6 SIP_URI_HOST_IPV6
#define NO_TP SIP_URI_TRANSPORT_NONE

static const struct valid_case valid[] = {
	{ "sip:h.test", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1, NO_TP,
	  -1 },
	{ "SIP:Carol@PBX.Example.NET:5070;Transport=TCP;lr", SIP_URI_SIP,
	  "Carol", NULL, "PBX.Example.NET", NAME, 5070, SIP_URI_TRANSPORT_TCP,
	  -1, true, .nparams = 2 },
	{ "sips:dave:s3cret@10.0.0.1;maddr=239.1.2.3;ttl=16;method=REGISTER"
	  "?subject=hi&priority=urgent",
	  SIP_URI_SIPS, "dave", "s3cret", "10.0.0.1", IPV4, -1, NO_TP, 16,
	  false, "239.1.2.3", "REGISTER", NULL, 3, 2 },
	{ "sip:+1-555-0100;phone-context=example.net@gw.example.net;"
	  "user=phone",
	  SIP_URI_SIP, "+1-555-0100;phone-context=example.net", NULL,
	  "gw.example.net", NAME, -1, NO_TP, -1, false, NULL, NULL, "phone",
	  1 },
	{ "sip:%65rin@h.test", SIP_URI_SIP, "%65rin", NULL, "h.test", NAME, -1,
	  NO_TP, -1 },
	{ "sip:eve:@h.test", SIP_URI_SIP, "eve", "", "h.test", NAME, -1, NO_TP,
	  -1 },
	{ "sip:[2001:db8::7]:5080;transport=udp", SIP_URI_SIP, NULL, NULL,
	  "[2001:db8::7]", IPV6, 5080, SIP_URI_TRANSPORT_UDP, -1,
	  .nparams = 1 },
	{ "sip:[::ffff:192.0.2.9]", SIP_URI_SIP, NULL, NULL,
	  "[::ffff:192.0.2.9]", IPV6, -1, NO_TP, -1 },
	{ "sip:h.test.:0", SIP_URI_SIP, NULL, NULL, "h.test.", NAME, 0, NO_TP,
	  -1 },
	{ "sip:h.test:65535", SIP_URI_SIP, NULL, NULL, "h.test", NAME, 65535,
	  NO_TP, -1 },
	{ "sip:frank@h.test;transport=sctp-x", SIP_URI_SIP, "frank", NULL,
	  "h.test", NAME, -1, SIP_URI_TRANSPORT_OTHER, -1, .nparams = 1 },
	{ "sip:a.b-c.d9.test;x;y=z;lr=on", SIP_URI_SIP, NULL, NULL,
	  "a.b-c.d9.test", NAME, -1, NO_TP, -1, true, .nparams = 3 },
	{ "sip:255.255.255.255", SIP_URI_SIP, NULL, NULL, "255.255.255.255",
	  IPV4, -1, NO_TP, -1 },
	{ "sip:0.0.0.0:005060", SIP_URI_SIP, NULL, NULL, "0.0.0.0", IPV4, 5060,
	  NO_TP, -1 },
	{ "sip:u$er&x=y+z,w?/@h.test", SIP_URI_SIP, "u$er&x=y+z,w?/", NULL,
	  "h.test", NAME, -1, NO_TP, -1 },
	{ "sip:a1.b2", SIP_URI_SIP, NULL, NULL, "a1.b2", NAME, -1, NO_TP, -1 },
	{ "sip:h.test;ttl=0", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1,
	  NO_TP, 0, .nparams = 1 },
	{ "sip:h.test;ttl=255", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1,
	  NO_TP, 255, .nparams = 1 },
	{ "sIpS:h.test;transport=WSS", SIP_URI_SIPS, NULL, NULL, "h.test", NAME,
	  -1, SIP_URI_TRANSPORT_WSS, -1, .nparams = 1 },
	{ "sip:h.test;%74tl=7", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1,
	  NO_TP, 7, .nparams = 1 },
	{ "sip:h.test?x=", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1, NO_TP,
	  -1, .nheaders = 1 },
	{ "sip:h.test;maddr=[::1]", SIP_URI_SIP, NULL, NULL, "h.test", NAME, -1,
	  NO_TP, -1, false, "[::1]", .nparams = 1 },
};

TEST(valid_uris_fill_every_field)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(valid); i++) {
		const struct valid_case *t = &valid[i];
		struct sip_error err;
		struct sip_uri u;
		char *copy;
		int ret = parse_len(t->text, strlen(t->text), &u, &err, &copy);
		bool ok;

		ok = ret == 0 && u.scheme == t->scheme &&
		     span_is(u.user, t->user) &&
		     span_is(u.password, t->password) &&
		     span_is(u.host, t->host) && u.host_type == t->host_type &&
		     u.has_port == (t->port >= 0) &&
		     (t->port < 0 || u.port == t->port) &&
		     u.transport_type == t->transport && u.ttl == t->ttl &&
		     u.lr == t->lr && span_is(u.maddr, t->maddr) &&
		     span_is(u.method, t->method) &&
		     span_is(u.user_param, t->user_param) &&
		     u.nparams == t->nparams && u.nheaders == t->nheaders;
		free(copy);
		EXPECT_TRUE(ok)
		{
			TH_LOG("%s: ret %d %s at %u", t->text, ret,
			       sip_err_name(err.code), err.offset);
		}
	}
}

struct invalid_case {
	const char *text;
	enum sip_err code;
	uint32_t offset;
};

#define E(x) SIP_ERR_URI_##x

static const struct invalid_case invalid[] = {
	{ "", E(BAD_SCHEME), 0 },
	{ "http://x.test", E(BAD_SCHEME), 0 },
	{ "sipx:a.test", E(BAD_SCHEME), 0 },
	{ "carol.example.net", E(BAD_SCHEME), 0 },
	{ "sip:", E(BAD_HOST), 4 },
	{ "sip:@h.test", E(BAD_USER), 4 },
	{ "sip:ca rol@h.test", E(BAD_USER), 6 },
	{ "sip:carol:pa ss@h.test", E(BAD_PASSWORD), 12 },
	{ "sip:car%4gol@h.test", E(BAD_ESCAPE), 7 },
	{ "sip:carol%2@h.test", E(BAD_ESCAPE), 9 },
	{ "sip:carol@h_x.test", E(BAD_HOST), 11 },
	{ "sip:carol@-h.test", E(BAD_HOST), 10 },
	{ "sip:carol@h-.test", E(BAD_HOST), 10 },
	{ "sip:carol@1.2.3.256", E(BAD_HOST), 10 },
	{ "sip:carol@1.2.3", E(BAD_HOST), 10 },
	{ "sip:carol@a..test", E(BAD_HOST), 10 },
	{ "sip:carol@h.test..", E(BAD_HOST), 10 },
	{ "sip:carol@@h.test", E(BAD_HOST), 10 },
	{ "sip:h.test:", E(BAD_PORT), 11 },
	{ "sip:h.test:65536", E(BAD_PORT), 11 },
	{ "sip:h.test:99999999999", E(BAD_PORT), 11 },
	{ "sip:h.test:50x", E(BAD_PORT), 13 },
	{ "sip:h.test:-1", E(BAD_PORT), 11 },
	{ "sip:h.test;=x", E(BAD_PARAM), 11 },
	{ "sip:h.test;ttl=256", E(BAD_PARAM), 11 },
	{ "sip:h.test;ttl=0x1", E(BAD_PARAM), 11 },
	{ "sip:h.test;ttl=", E(BAD_PARAM), 15 },
	{ "sip:h.test;transport", E(BAD_PARAM), 11 },
	{ "sip:h.test;maddr", E(BAD_PARAM), 11 },
	{ "sip:h.test;maddr=bad_host", E(BAD_PARAM), 11 },
	{ "sip:h.test;lr;lr", E(BAD_PARAM), 14 },
	{ "sip:h.test;ttl=1;ttl=1", E(BAD_PARAM), 17 },
	{ "sip:h.test;x=a b", E(BAD_PARAM), 14 },
	{ "sip:h.test;a=1;A=2", E(BAD_PARAM), 15 },
	{ "sip:h.test;a;%61", E(BAD_PARAM), 13 },
	{ "sip:h.test;x=%zz", E(BAD_ESCAPE), 13 },
	{ "sip:h.test?subject", E(BAD_HEADERS), 18 },
	{ "sip:h.test?=v", E(BAD_HEADERS), 11 },
	{ "sip:h.test?a=b&", E(BAD_HEADERS), 15 },
	{ "sip:h.test?a=b c", E(BAD_HEADERS), 14 },
	{ "sip:h.test?", E(BAD_HEADERS), 11 },
	{ "sip:h.test?a=%4", E(BAD_ESCAPE), 13 },
	/* IPv6 references */
	{ "sip:[::1", E(BAD_HOST), 4 },
	{ "sip:[]", E(BAD_HOST), 4 },
	{ "sip:[1:2:3:4:5:6:7:8:9]", E(BAD_HOST), 4 },
	{ "sip:[1:2:3:4:5:6:7]", E(BAD_HOST), 4 },
	{ "sip:[1::2::3]", E(BAD_HOST), 4 },
	{ "sip:[::1::]", E(BAD_HOST), 4 },
	{ "sip:[1:2:3:4::5:6:7:8]", E(BAD_HOST), 4 },
	{ "sip:[::1.2.3.256]", E(BAD_HOST), 4 },
	{ "sip:[::1.2.3]", E(BAD_HOST), 4 },
	{ "sip:[::1.2.3.4.5]", E(BAD_HOST), 4 },
	{ "sip:[1:2:3:4:5:6:7:1.2.3.4]", E(BAD_HOST), 4 },
	{ "sip:[1.2.3.4::]", E(BAD_HOST), 4 },
	{ "sip:[12345::]", E(BAD_HOST), 4 },
	{ "sip:[:1::2]", E(BAD_HOST), 4 },
	{ "sip:[1::2:]", E(BAD_HOST), 4 },
	{ "sip:[1:::2]", E(BAD_HOST), 4 },
	{ "sip:[g::1]", E(BAD_HOST), 4 },
	{ "sip:[1.2.3.4]", E(BAD_HOST), 4 },
	{ "sip:[::1]x", E(BAD_HOST), 9 },
	{ "sip:[::1]:", E(BAD_PORT), 10 },
	/* tel: */
	{ "tel:", E(BAD_TEL), 4 },
	{ "tel:+", E(BAD_TEL), 4 },
	{ "tel:+1-2x", E(BAD_TEL), 4 },
	{ "tel:--", E(BAD_TEL), 4 },
	{ "tel:5551234", E(BAD_TEL), 11 },
	{ "tel:+15551234;phone-context=+1", E(BAD_TEL), 14 },
	{ "tel:+1555;ext=12a", E(BAD_TEL), 10 },
	{ "tel:+1555;ext", E(BAD_TEL), 10 },
	{ "tel:555;phone-context=ex ample", E(BAD_PARAM), 24 },
	{ "tel:555;phone-context=-x", E(BAD_TEL), 8 },
	{ "tel:555;phone-context=+", E(BAD_TEL), 8 },
	{ "tel:+1555?x=y", E(BAD_TEL), 4 },
	{ "tel:+1555;ext=1;ext=2", E(BAD_PARAM), 16 },
	{ "tel:+1555;a_b=1", E(BAD_PARAM), 11 },
	{ "tel:+1555;x=", E(BAD_PARAM), 12 },
	{ "tel:+1;a=1;a=2", E(BAD_PARAM), 11 },
	{ "tel:+1555;", E(BAD_PARAM), 10 },
};

TEST(invalid_uris_give_code_and_offset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(invalid); i++) {
		const struct invalid_case *t = &invalid[i];
		struct sip_error err;
		struct sip_uri u;
		char *copy;
		int ret = parse_len(t->text, strlen(t->text), &u, &err, &copy);

		free(copy);
		EXPECT_TRUE(ret == -1 && err.code == t->code &&
			    err.offset == t->offset)
		{
			TH_LOG("\"%s\": ret %d %s at %u, want %s at %u",
			       t->text, ret, sip_err_name(err.code), err.offset,
			       sip_err_name(t->code), t->offset);
		}
	}
}

/* the IPv6 bytes against the C library's own reading of the address */
static const char *const ipv6_valid[] = {
	"::",
	"::1",
	"1::",
	"2001:db8::7",
	"2001:DB8:0:0:8:800:200C:417A",
	"fe80::1:2:3:4:5:6",
	"1:2:3:4:5:6:7::",
	"::2:3:4:5:6:7:8",
	"1:2:3:4:5:6::8",
	"::ffff:192.0.2.9",
	"::1.2.3.4",
	"1:2:3:4:5:6:10.20.30.40",
	"1::5:6:255.255.255.0",
	"0:0:0:0:0:0:0:0",
};

TEST(ipv6_bytes_match_inet_pton)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ipv6_valid); i++) {
		uint8_t want[16];
		char text[64];
		struct sip_error err;
		struct sip_uri u;
		char *copy;
		int ret;

		snprintf(text, sizeof(text), "sip:[%s]", ipv6_valid[i]);
		ASSERT_EQ(1, inet_pton(AF_INET6, ipv6_valid[i], want));
		ret = parse_len(text, strlen(text), &u, &err, &copy);
		free(copy);
		EXPECT_TRUE(ret == 0 && u.host_type == IPV6 &&
			    !memcmp(want, u.addr, 16))
		{
			TH_LOG("%s: ret %d", text, ret);
		}
	}
}

struct tel_case {
	const char *text;
	const char *number;
	bool global;
	const char *ext, *isub, *context;
	unsigned int nparams;
};

static const struct tel_case tels[] = {
	{ "tel:+1-555-010-0", "+1-555-010-0", true, NULL, NULL, NULL, 0 },
	{ "TEL:+44(20)7946.0000;ext=12-3;isub=x1", "+44(20)7946.0000", true,
	  "12-3", "x1", NULL, 2 },
	{ "tel:0100;phone-context=+1-555", "0100", false, NULL, NULL, "+1-555",
	  1 },
	{ "tel:7a*#;phone-context=pbx.example.org;foo=bar;baz", "7a*#", false,
	  NULL, NULL, "pbx.example.org", 3 },
	{ "tel:*21#;ext=9;phone-context=x.test", "*21#", false, "9", NULL,
	  "x.test", 2 },
};

TEST(tel_uris)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tels); i++) {
		const struct tel_case *t = &tels[i];
		struct sip_error err;
		struct sip_uri u;
		char *copy;
		int ret = parse_len(t->text, strlen(t->text), &u, &err, &copy);
		bool ok;

		ok = ret == 0 && u.scheme == SIP_URI_TEL &&
		     span_is(u.number, t->number) && u.global == t->global &&
		     span_is(u.ext, t->ext) && span_is(u.isub, t->isub) &&
		     span_is(u.phone_context, t->context) &&
		     u.nparams == t->nparams && u.host_type == 0 &&
		     sip_uri_default_port(&u) == 0;
		free(copy);
		EXPECT_TRUE(ok)
		{
			TH_LOG("%s: ret %d %s at %u", t->text, ret,
			       sip_err_name(err.code), err.offset);
		}
	}
}

struct equal_case {
	const char *a, *b;
	bool equal;
};

static const struct equal_case pairs[] = {
	/* escapes decode, but an escaped reserved character stays escaped */
	{ "sip:%63arol@h.test", "sip:carol@h.test", true },
	{ "sip:a%3bb@h.test", "sip:a;b@h.test", false },
	{ "sip:carol:%70w@h.test", "sip:carol:pw@h.test", true },
	{ "sip:carol@h.test;x=%41", "sip:carol@h.test;x=a", true },
	{ "sip:carol@h.test;%74tl=3", "sip:carol@h.test;ttl=3", true },
	/* userinfo is case-sensitive, the rest is not */
	{ "sip:Carol@h.test", "sip:carol@h.test", false },
	{ "sip:carol:pw@h.test", "sip:carol:PW@h.test", false },
	{ "sip:carol@H.TEST", "sip:carol@h.test", true },
	{ "sip:carol@h.test:5060", "SIP:carol@H.test:5060", true },
	{ "sip:carol:@h.test", "sip:carol@h.test", false },
	{ "sip:carol@h.test", "sip:h.test", false },
	/* scheme, host kind and port */
	{ "sip:carol@h.test", "sips:carol@h.test", false },
	{ "sip:carol@h.test", "sip:carol@h.test:5060", false },
	{ "sip:carol@h.test:5061", "sip:carol@h.test:5060", false },
	{ "sip:carol@10.1.1.1", "sip:carol@host.test", false },
	{ "sip:[2001:db8::1]", "sip:[2001:0db8:0:0:0:0:0:1]", true },
	{ "sip:[::ffff:10.0.0.1]", "sip:[::FFFF:a00:1]", true },
	{ "sip:[::1]", "sip:[::2]", false },
	/* the parameters that must match when either URI has them */
	{ "sip:carol@h.test;transport=udp", "sip:carol@h.test", false },
	{ "sip:carol@h.test;Transport=UDP", "sip:carol@h.test;transport=udp",
	  true },
	{ "sip:carol@h.test;transport=tcp", "sip:carol@h.test;transport=udp",
	  false },
	{ "sip:carol@h.test;ttl=5", "sip:carol@h.test", false },
	{ "sip:carol@h.test;ttl=5", "sip:carol@h.test;ttl=005", true },
	{ "sip:carol@h.test", "sip:carol@h.test;user=phone", false },
	{ "sip:carol@h.test;method=INVITE", "sip:carol@h.test;method=BYE",
	  false },
	{ "sip:carol@h.test;maddr=239.0.0.1", "sip:carol@h.test", false },
	{ "sip:carol@h.test;maddr=M.test", "sip:carol@h.test;maddr=m.TEST",
	  true },
	/* any other parameter only when both have it */
	{ "sip:carol@h.test;foo=1", "sip:carol@h.test;bar=2", true },
	{ "sip:carol@h.test;foo=1", "sip:carol@h.test;foo=2", false },
	{ "sip:carol@h.test;foo=AbC", "sip:carol@h.test;FOO=abc", true },
	{ "sip:carol@h.test;foo", "sip:carol@h.test;foo=1", false },
	{ "sip:carol@h.test;lr", "sip:carol@h.test", true },
	{ "sip:carol@h.test;b=2;a=1", "sip:carol@h.test;a=1;b=2", true },
	/* headers always count, names ignore case, values do not */
	{ "sip:carol@h.test?subject=x", "sip:carol@h.test", false },
	{ "sip:carol@h.test?a=1&b=2", "sip:carol@h.test?B=2&A=1", true },
	{ "sip:carol@h.test?a=x", "sip:carol@h.test?a=X", false },
	{ "sip:carol@h.test?a=1&a=2", "sip:carol@h.test?a=2&a=1", true },
	{ "sip:carol@h.test?a=1&a=1", "sip:carol@h.test?a=1&a=2", false },
	{ "sip:carol@h.test?a=%62", "sip:carol@h.test?a=b", true },
	/* tel: */
	{ "tel:+1-555-010-0", "tel:+15550100", true },
	{ "tel:+1(555)0100", "tel:+1.555.0100", true },
	{ "tel:+15550100", "tel:+15550101", false },
	{ "tel:0100;phone-context=+1-555", "tel:01.00;phone-context=+1555",
	  true },
	{ "tel:0100;phone-context=ex.test", "tel:0100;phone-context=EX.test",
	  true },
	{ "tel:0100;phone-context=a.test", "tel:0100;phone-context=b.test",
	  false },
	{ "tel:+15550100", "tel:15550100;phone-context=+1", false },
	{ "tel:+15550100;ext=12", "tel:+15550100", false },
	{ "tel:+15550100;ext=1-2", "tel:+15550100;ext=12", true },
	{ "tel:7a*#;phone-context=x.test", "tel:7A*#;phone-context=x.test",
	  true },
	{ "tel:+15550100;foo=bar", "tel:+15550100", false },
	{ "tel:+15550100;isub=ab;ext=1", "tel:+15550100;ext=1;isub=ab", true },
	{ "tel:+15550100", "sip:+15550100@h.test", false },
};

static bool parses(const char *text, struct sip_uri *u)
{
	struct sip_error err;

	return !sip_uri_parse(sip_str_of(text, strlen(text)), u, &err);
}

TEST(rfc3261_and_rfc3966_equality)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct equal_case *t = &pairs[i];
		struct sip_uri a, b;

		ASSERT_TRUE(parses(t->a, &a))
		TH_LOG("%s", t->a);
		ASSERT_TRUE(parses(t->b, &b))
		TH_LOG("%s", t->b);
		EXPECT_EQ(t->equal, sip_uri_equal(&a, &b))
		{
			TH_LOG("%s vs %s", t->a, t->b);
		}
		/* equality is symmetric and reflexive */
		EXPECT_EQ(t->equal, sip_uri_equal(&b, &a));
		EXPECT_TRUE(sip_uri_equal(&a, &a));
	}
}

TEST(unescape)
{
	static const char in[] = "a%41%7e+%2F";
	char buf[8];

	ASSERT_EQ(5, sip_uri_unescape(sip_str_of(in, strlen(in)), buf,
				      sizeof(buf)));
	ASSERT_EQ(0, memcmp(buf, "aA~+/", 5));
	ASSERT_EQ(-1, sip_uri_unescape(sip_str_of(in, strlen(in)), buf, 4));
	ASSERT_EQ(-1, sip_uri_unescape(sip_str_of("%4", 2), buf, sizeof(buf)));
	ASSERT_EQ(-1, sip_uri_unescape(sip_str_of("%x1", 3), buf, sizeof(buf)));
	ASSERT_EQ(0, sip_uri_unescape(SIP_STR_NULL, buf, sizeof(buf)));
}

TEST(ports_and_host_kinds)
{
	static const struct {
		const char *text;
		uint16_t port;
		bool ip;
	} cases[] = {
		{ "sip:h.test", 5060, false },
		{ "sips:h.test", 5061, false },
		{ "sip:h.test;transport=tls", 5061, false },
		{ "sip:h.test;transport=tcp", 5060, false },
		{ "sip:10.0.0.1:0", 0, true },
		{ "sips:[::1]:65535", 65535, true },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct sip_uri u;

		ASSERT_TRUE(parses(cases[i].text, &u));
		EXPECT_EQ(cases[i].port, sip_uri_port(&u));
		EXPECT_EQ(cases[i].ip, sip_uri_host_is_ip(&u));
	}
}

TEST(params_in_order_and_found_by_name)
{
	static const char text[] = "sip:h.test;A=1;b;c=%33";
	const struct sip_uri_param *p;
	struct sip_uri u;

	ASSERT_TRUE(parses(text, &u));
	ASSERT_EQ(3, u.nparams);
	ASSERT_TRUE(span_is(u.params[0].name, "A"));
	ASSERT_TRUE(span_is(u.params[0].value, "1"));
	ASSERT_TRUE(span_is(u.params[1].name, "b"));
	ASSERT_TRUE(span_is(u.params[1].value, NULL));
	p = sip_uri_param_find(&u, "c");
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(span_is(p->value, "%33"));
	ASSERT_EQ(&u.params[0], sip_uri_param_find(&u, "a"));
	ASSERT_EQ(NULL, sip_uri_param_find(&u, "d"));
}

/* n parameters ";p0;p1..." after the host, or n headers "?h=v&h=v..." */
static void build_many(char *buf, size_t size, int n, bool headers)
{
	int i, at = snprintf(buf, size, "sip:h.test");

	for (i = 0; i < n; i++)
		at += headers ? snprintf(buf + at, size - at, "%ch=v",
					 i ? '&' : '?') :
				snprintf(buf + at, size - at, ";p%d", i);
}

TEST(params_and_headers_bounded)
{
	char buf[512];
	struct sip_error err;
	struct sip_uri u;

	build_many(buf, sizeof(buf), SIP_PARAMS_MAX, false);
	ASSERT_TRUE(parses(buf, &u));
	ASSERT_EQ(SIP_PARAMS_MAX, u.nparams);
	build_many(buf, sizeof(buf), SIP_PARAMS_MAX + 1, false);
	ASSERT_EQ(-1, sip_uri_parse(sip_str_of(buf, strlen(buf)), &u, &err));
	ASSERT_EQ(SIP_ERR_URI_BAD_PARAM, (int)err.code);
	ASSERT_EQ(strlen(buf) - strlen(";p32"), err.offset);
	build_many(buf, sizeof(buf), SIP_PARAMS_MAX, true);
	ASSERT_TRUE(parses(buf, &u));
	ASSERT_EQ(SIP_PARAMS_MAX, u.nheaders);
	build_many(buf, sizeof(buf), SIP_PARAMS_MAX + 1, true);
	ASSERT_EQ(-1, sip_uri_parse(sip_str_of(buf, strlen(buf)), &u, &err));
	ASSERT_EQ(SIP_ERR_URI_BAD_HEADERS, (int)err.code);
}

static const char *const long_uris[] = {
	"sips:Grace%20H:pa%24s@[2001:db8:0:1::ffff:198.51.100.7]:5061;"
	"transport=tls;user=ip;method=OPTIONS;ttl=200;maddr=[fe80::1];lr;"
	"x-tag=%41b?Subject=hello%20there&Priority=urgent&X=",
	"sip:+1-555-0199;phone-context=+1@edge7.pbx-north.example.org:5070;"
	"user=phone;ttl=9?a=b",
	"tel:+1(555)010-0199;ext=77;isub=x%41;foo=bar",
	"tel:0199;phone-context=pbx.example.org;ext=1",
};

/*
 * Every prefix of a long URI, each in its own exact-size heap buffer:
 * no overread, and either a clean parse or a URI code inside the prefix.
 */
TEST(every_truncation_is_defined)
{
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(long_uris); i++) {
		size_t len = strlen(long_uris[i]);

		ASSERT_TRUE(parses(long_uris[i], &(struct sip_uri){ 0 }));
		for (n = 0; n <= len; n++) {
			struct sip_error err;
			struct sip_uri u;
			char *copy;
			int ret = parse_len(long_uris[i], n, &u, &err, &copy);

			if (ret == 0) {
				EXPECT_TRUE(sip_uri_equal(&u, &u));
			} else {
				ASSERT_EQ(-1, ret);
				EXPECT_TRUE(err.code >=
						    SIP_ERR_URI_BAD_SCHEME &&
					    err.code <= SIP_ERR_URI_BAD_TEL);
				EXPECT_TRUE(err.offset <= n);
			}
			free(copy);
		}
	}
}

TEST_HARNESS_MAIN
