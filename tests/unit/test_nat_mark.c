// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Contact mark of a phone behind NAT: put on every form of Contact a
 * phone sends, taken off a Request-URI again leaving the URI as the phone
 * wrote it, and refused when it is not an address and port.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "siphond/nat_mark.h"

static union sd_sockaddr addr(const char *text)
{
	union sd_sockaddr a;

	if (sd_sockaddr_parse(text, 5060, &a))
		abort();
	return a;
}

static struct sip_str str(const char *s)
{
	return sip_str_of(s, strlen(s));
}

static bool str_is(struct sip_str s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.p, want, s.len);
}

struct mark_case {
	const char *contact, *src, *want;
};

TEST(marks_every_form)
{
	static const struct mark_case cases[] = {
		{ "<sip:bob@198.19.10.2:5080;transport=UDP>",
		  "198.18.2.2:52001",
		  "<sip:bob@198.19.10.2:5080;transport=UDP;"
		  "siphon-nat=198.18.2.2~52001>" },
		{ "\"Bob\" <sip:bob@10.0.0.2>;expires=60", "198.18.2.2:5060",
		  "\"Bob\" <sip:bob@10.0.0.2;siphon-nat=198.18.2.2~5060>"
		  ";expires=60" },
		/* an addr-spec's params are the header's: brackets added */
		{ "sip:bob@10.0.0.2:5062;expires=60", "198.18.2.2:40000",
		  "<sip:bob@10.0.0.2:5062;siphon-nat=198.18.2.2~40000>"
		  ";expires=60" },
		/* URI headers stay after the params */
		{ "<sip:bob@10.0.0.2?Subject=hi>", "198.18.2.2:1",
		  "<sip:bob@10.0.0.2;siphon-nat=198.18.2.2~1?Subject=hi>" },
		{ "<sip:[fd00::2]:5060>", "[2001:db8::9]:61000",
		  "<sip:[fd00::2]:5060;siphon-nat=[2001:db8::9]~61000>" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		union sd_sockaddr src = addr(cases[i].src);
		struct sip_str out;

		ASSERT_EQ(0, nat_mark_contact(str(cases[i].contact), &src, buf,
					      sizeof(buf), &out));
		EXPECT_TRUE(str_is(out, cases[i].want))
		{
			TH_LOG("%s -> %.*s", cases[i].contact, (int)out.len,
			       out.p);
		}
	}
}

TEST(refuses_what_it_cannot_mark)
{
	union sd_sockaddr src = addr("198.18.2.2:5060");
	static const char *const bad[] = {
		"*",
		"<sip:bob@10.0.0.2;siphon-nat=198.18.2.2~5060>", /* marked */
		"<bob@10.0.0.2>",
		"",
	};
	struct sip_str out;
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-1, nat_mark_contact(str(bad[i]), &src, buf,
					       sizeof(buf), &out))
		{
			TH_LOG("case %zu", i);
		}
	/* too small a buffer is no partial mark */
	EXPECT_EQ(-1, nat_mark_contact(str("<sip:bob@10.0.0.2>"), &src, buf, 20,
				       &out));
}

TEST(takes_the_mark_off_and_back_to_the_mapping)
{
	static const struct mark_case cases[] = {
		{ "sip:bob@198.19.10.2:5080;transport=UDP;"
		  "siphon-nat=198.18.2.2~52001",
		  "198.18.2.2:52001",
		  "sip:bob@198.19.10.2:5080;transport=UDP" },
		{ "sip:bob@10.0.0.2;siphon-nat=198.18.2.2~5060;ob",
		  "198.18.2.2:5060", "sip:bob@10.0.0.2;ob" },
		{ "sip:bob@10.0.0.2;siphon-nat=198.18.2.2~1?Subject=hi",
		  "198.18.2.2:1", "sip:bob@10.0.0.2?Subject=hi" },
		{ "sip:[fd00::2]:5060;siphon-nat=[2001:db8::9]~61000",
		  "[2001:db8::9]:61000", "sip:[fd00::2]:5060" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		union sd_sockaddr to, want = addr(cases[i].src);
		struct sip_str out;

		ASSERT_EQ(1, nat_mark_take(str(cases[i].contact), buf,
					   sizeof(buf), &out, &to))
		{
			TH_LOG("%s", cases[i].contact);
		}
		EXPECT_TRUE(str_is(out, cases[i].want))
		{
			TH_LOG("%.*s", (int)out.len, out.p);
		}
		EXPECT_TRUE(sd_sockaddr_eq(&to, &want));
	}
}

TEST(marked_and_taken_is_the_same_uri)
{
	const char *uri = "sip:alice@198.19.9.2:5072;transport=UDP";
	union sd_sockaddr src = addr("198.18.1.2:50123"), to;
	char marked[256], back[256], contact[300];
	struct sip_str m, b, u;

	snprintf(contact, sizeof(contact), "<%s>", uri);
	ASSERT_EQ(0, nat_mark_contact(str(contact), &src, marked,
				      sizeof(marked), &m));
	/* the URI inside the brackets, as the other phone copies it */
	u = sip_str_of(m.p + 1, m.len - 2);
	ASSERT_EQ(1, nat_mark_take(u, back, sizeof(back), &b, &to));
	EXPECT_TRUE(str_is(b, uri));
	EXPECT_TRUE(sd_sockaddr_eq(&to, &src));
}

TEST(no_mark_or_a_bad_one)
{
	static const char *const bad[] = {
		"sip:bob@10.0.0.2;siphon-nat=198.18.2.2",
		"sip:bob@10.0.0.2;siphon-nat=198.18.2.2~",
		"sip:bob@10.0.0.2;siphon-nat=~5060",
		"sip:bob@10.0.0.2;siphon-nat=198.18.2.2~70000",
		"sip:bob@10.0.0.2;siphon-nat=198.18.2.2~0",
		"sip:bob@10.0.0.2;siphon-nat=198.18.2.2~50x",
		"sip:bob@10.0.0.2;siphon-nat=host.example~5060",
		"sip:bob@10.0.0.2;siphon-nat",
	};
	union sd_sockaddr to;
	struct sip_str out;
	char buf[256];
	size_t i;

	EXPECT_EQ(0, nat_mark_take(str("sip:bob@10.0.0.2:5060;lr"), buf,
				   sizeof(buf), &out, &to));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT_EQ(-1, nat_mark_take(str(bad[i]), buf, sizeof(buf), &out,
					    &to))
		{
			TH_LOG("case %zu", i);
		}
}

TEST_HARNESS_MAIN
