// SPDX-License-Identifier: GPL-2.0-only
/*
 * dialog_bye_build.h: the BYE siphond sends a phone, parsed back with
 * sip_msg_parse() and sip_msg_validate() and read field by field; values
 * that would break the message are refused, and so is every capacity
 * short of the size it needs.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "siphond/dialog_bye_build.h"
#include "sip/sip_hdr.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })

static struct dialog_bye_msg to_bob(void)
{
	return (struct dialog_bye_msg){
		.ruri = S("sip:bob@198.18.2.2:5080;transport=UDP"),
		.via = { .transport = S("UDP"),
			 .host = S("198.18.1.1"),
			 .port = 5060,
			 .branch = S("z9hG4bKbye.0123456789abcdef") },
		.route = S("<sip:198.18.9.9;lr>, <sip:198.18.9.8;lr>"),
		.from = S("\"Alice\" <sip:alice@siphon.test>;tag=a1"),
		.to = S("<sip:bob@siphon.test>;tag=b2"),
		.call_id = S("1-42@198.18.1.2"),
		.cseq = 8,
		.cause = 408,
		.text = "Media Timeout",
	};
}

static bool has_line(const char *msg, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "\r\n%s\r\n", line);
	return strstr(msg, want) != NULL;
}

TEST(parses_back_field_by_field)
{
	struct dialog_bye_msg b = to_bob();
	static char out[2048];
	struct sip_msg m;
	struct sip_error e;
	const struct sip_cseq *cs;
	const struct sip_via *via;
	const struct sip_addr *from, *to;
	int n;

	n = dialog_bye_build(&b, out, sizeof(out));
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, sip_msg_parse(&m, out, (size_t)n, &e));
	ASSERT_EQ(0, sip_msg_validate(&m, &e));
	EXPECT_EQ((int)SIP_METHOD_BYE, (int)m.method);
	EXPECT_TRUE(sip_str_eq(m.uri, b.ruri));
	cs = sip_msg_cseq(&m, &e);
	ASSERT_NE(NULL, cs);
	EXPECT_EQ(8u, cs->seq);
	EXPECT_EQ((int)SIP_METHOD_BYE, (int)cs->method);
	via = sip_msg_top_via(&m, &e);
	ASSERT_NE(NULL, via);
	EXPECT_TRUE(sip_str_eq(via->branch, b.via.branch));
	EXPECT_EQ(5060, (int)via->port);
	from = sip_msg_from(&m, &e);
	to = sip_msg_to(&m, &e);
	ASSERT_NE(NULL, from);
	ASSERT_NE(NULL, to);
	EXPECT_TRUE(sip_str_eq(from->tag, S("a1")));
	EXPECT_TRUE(sip_str_eq(to->tag, S("b2")));
	EXPECT_TRUE(sip_str_eq(*sip_msg_call_id(&m, &e), b.call_id));
	EXPECT_EQ(70, sip_msg_max_forwards(&m, &e));
	EXPECT_EQ(1u, sip_msg_count(&m, SIP_HDR_ROUTE)); /* two values */
	EXPECT_TRUE(has_line(out, "Route: <sip:198.18.9.9;lr>, "
				  "<sip:198.18.9.8;lr>"));
	EXPECT_TRUE(
		has_line(out, "Reason: SIP;cause=408;text=\"Media Timeout\""));
	EXPECT_EQ(0u, m.body.len);
	EXPECT_TRUE(has_line(out, "Content-Length: 0"));
}

TEST(no_route_set_no_route_line)
{
	struct dialog_bye_msg b = to_bob();
	static char out[2048];
	struct sip_msg m;
	struct sip_error e;
	int n;

	b.route = SIP_STR_NULL;
	n = dialog_bye_build(&b, out, sizeof(out));
	ASSERT_GT(n, 0);
	ASSERT_EQ(0, sip_msg_parse(&m, out, (size_t)n, &e));
	EXPECT_EQ(0u, sip_msg_count(&m, SIP_HDR_ROUTE));
}

TEST(ipv6_via_host_in_brackets)
{
	struct dialog_bye_msg b = to_bob();
	static char out[2048];
	int n;

	b.via.host = S("2001:db8::1");
	n = dialog_bye_build(&b, out, sizeof(out));
	ASSERT_GT(n, 0);
	EXPECT_NE(NULL, strstr(out, "Via: SIP/2.0/UDP [2001:db8::1]:5060;"));
}

/* a value that would end a line, or a Reason that breaks its quotes */
TEST(bad_values_refused)
{
	static char out[2048];
	struct dialog_bye_msg b;

	b = to_bob();
	b.to = S("<sip:bob@x>;tag=b2\r\nX-Evil: 1");
	EXPECT_EQ(-1, dialog_bye_build(&b, out, sizeof(out)));
	b = to_bob();
	b.ruri = SIP_STR_NULL;
	EXPECT_EQ(-1, dialog_bye_build(&b, out, sizeof(out)));
	b = to_bob();
	b.via.branch = S("nocookie");
	EXPECT_EQ(-1, dialog_bye_build(&b, out, sizeof(out)));
	b = to_bob();
	b.text = "a \"quoted\" text";
	EXPECT_EQ(-1, dialog_bye_build(&b, out, sizeof(out)));
	b = to_bob();
	b.cause = 99;
	EXPECT_EQ(-1, dialog_bye_build(&b, out, sizeof(out)));
}

TEST(every_short_capacity_refused)
{
	struct dialog_bye_msg b = to_bob();
	static char out[2048], small[2048];
	int n;
	size_t cap;

	n = dialog_bye_build(&b, out, sizeof(out));
	ASSERT_GT(n, 0);
	for (cap = 0; cap < (size_t)n; cap++)
		ASSERT_EQ(-1, dialog_bye_build(&b, small, cap))
		{
			TH_LOG("capacity %zu of %d", cap, n);
		}
	EXPECT_EQ(n, dialog_bye_build(&b, small, (size_t)n));
}

TEST_HARNESS_MAIN
