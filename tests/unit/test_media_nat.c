// SPDX-License-Identifier: GPL-2.0-only
/*
 * Telling a phone behind NAT from its SDP address and the source of its
 * message, under each [media] nat mode, in both address families.
 */
#include <arpa/inet.h>
#include <string.h>

#include "kselftest_harness.h"
#include "siphond/media_nat.h"

static struct endpoint ep(const char *text)
{
	struct endpoint e;

	if (endpoint_parse(text, false, &e))
		abort();
	return e;
}

static union sd_sockaddr src(const char *text)
{
	union sd_sockaddr a;

	if (sd_sockaddr_parse(text, 5060, &a))
		abort();
	return a;
}

TEST(private_ranges)
{
	static const char *const yes[] = {
		"10.1.2.3:1",	 "172.16.0.1:1", "172.31.255.255:1",
		"192.168.1.1:1", "100.64.0.1:1", "169.254.9.9:1",
		"[fd00::1]:1",	 "[fe80::1]:1",	 "[::ffff:10.0.0.1]:1",
	};
	static const char *const no[] = {
		"172.32.0.1:1", "198.18.1.2:1",	   "100.128.0.1:1",
		"8.8.8.8:1",	"[2001:db8::1]:1", "[::ffff:198.18.0.1]:1",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		struct endpoint e = ep(yes[i]);

		EXPECT_TRUE(media_addr_private(&e))
		{
			TH_LOG("%s", yes[i]);
		}
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		struct endpoint e = ep(no[i]);

		EXPECT_FALSE(media_addr_private(&e))
		{
			TH_LOG("%s", no[i]);
		}
	}
}

TEST(private_sdp_from_elsewhere_is_nat)
{
	struct endpoint sdp = ep("192.168.1.10:4000"), pub;
	union sd_sockaddr from = src("203.0.113.7:5062");

	ASSERT_TRUE(media_behind_nat(CFG_NAT_PRIVATE, &sdp, &from, &pub));
	EXPECT_EQ(SIPHON_AF_INET, pub.family);
	EXPECT_EQ(inet_addr("203.0.113.7"), pub.addr[0]);
	/* the SDP's port is the first guess; XDP learns the real one */
	EXPECT_EQ(htons(4000), pub.port);
	/* nat = no: never */
	EXPECT_FALSE(media_behind_nat(CFG_NAT_NO, &sdp, &from, &pub));
}

TEST(public_sdp_is_nat_only_when_asked)
{
	struct endpoint sdp = ep("198.18.5.5:4000"), pub;
	union sd_sockaddr from = src("198.18.1.2:5060");

	/* a media gateway beside a proxy: not NAT, unless nat = differs */
	EXPECT_FALSE(media_behind_nat(CFG_NAT_PRIVATE, &sdp, &from, &pub));
	ASSERT_TRUE(media_behind_nat(CFG_NAT_DIFFERS, &sdp, &from, &pub));
	EXPECT_EQ(inet_addr("198.18.1.2"), pub.addr[0]);
}

TEST(the_sdp_address_the_message_came_from_is_no_nat)
{
	struct endpoint sdp = ep("10.0.0.5:4000"), pub;
	union sd_sockaddr from = src("10.0.0.5:5060");

	EXPECT_FALSE(media_behind_nat(CFG_NAT_PRIVATE, &sdp, &from, &pub));
	EXPECT_FALSE(media_behind_nat(CFG_NAT_DIFFERS, &sdp, &from, &pub));
}

TEST(ipv6_and_mixed_families)
{
	struct endpoint sdp6 = ep("[fd00::5]:4000"), sdp4 = ep("10.0.0.5:4000");
	union sd_sockaddr from6 = src("[2001:db8::7]:5060");
	union sd_sockaddr from4 = src("203.0.113.7:5060");
	struct endpoint pub;

	ASSERT_TRUE(media_behind_nat(CFG_NAT_PRIVATE, &sdp6, &from6, &pub));
	EXPECT_EQ(SIPHON_AF_INET6, pub.family);
	EXPECT_EQ(0, memcmp(pub.addr, &from6.in6.sin6_addr, 16));
	/* signalling over one family says nothing of media in the other */
	EXPECT_FALSE(media_behind_nat(CFG_NAT_DIFFERS, &sdp6, &from4, &pub));
	EXPECT_FALSE(media_behind_nat(CFG_NAT_DIFFERS, &sdp4, &from6, &pub));
	EXPECT_FALSE(media_behind_nat(CFG_NAT_DIFFERS, &sdp4, NULL, &pub));
}

/* the Contact of a signalling message, against its source address */
static bool contact_nat(enum cfg_media_nat mode, const char *uri_text,
			const char *from)
{
	union sd_sockaddr a = src(from);
	struct sip_error e;
	struct sip_uri uri;

	if (sip_uri_parse(sip_str_of(uri_text, strlen(uri_text)), &uri, &e))
		abort();
	return media_nat_contact(mode, &uri, &a);
}

TEST(contact_behind_nat)
{
	/* a private Contact from elsewhere: behind NAT but with "no" */
	EXPECT_TRUE(contact_nat(CFG_NAT_PRIVATE, "sip:b@10.0.0.2:5060",
				"198.18.2.2:5060"));
	EXPECT_TRUE(contact_nat(CFG_NAT_DIFFERS, "sip:b@10.0.0.2:5060",
				"198.18.2.2:5060"));
	EXPECT_FALSE(contact_nat(CFG_NAT_NO, "sip:b@10.0.0.2:5060",
				 "198.18.2.2:5060"));
	/* a public Contact from elsewhere: only "differs" says so */
	EXPECT_FALSE(contact_nat(CFG_NAT_PRIVATE, "sip:b@198.19.10.2",
				 "198.18.2.2:5060"));
	EXPECT_TRUE(contact_nat(CFG_NAT_DIFFERS, "sip:b@198.19.10.2",
				"198.18.2.2:5060"));
	/* its own address, whatever the port: not behind NAT */
	EXPECT_FALSE(contact_nat(CFG_NAT_DIFFERS, "sip:b@10.0.0.2:5080",
				 "10.0.0.2:40000"));
	EXPECT_FALSE(contact_nat(CFG_NAT_PRIVATE, "sip:b@10.0.0.2:5080",
				 "10.0.0.2:5080"));
	/* a host name: nothing to compare, "differs" only */
	EXPECT_TRUE(contact_nat(CFG_NAT_DIFFERS, "sip:b@phone.example",
				"198.18.2.2:5060"));
	EXPECT_FALSE(contact_nat(CFG_NAT_PRIVATE, "sip:b@phone.example",
				 "198.18.2.2:5060"));
	/* IPv6: a ULA Contact from a global address */
	EXPECT_TRUE(contact_nat(CFG_NAT_PRIVATE, "sip:b@[fd00::2]",
				"[2001:db8::9]:5060"));
	EXPECT_FALSE(contact_nat(CFG_NAT_DIFFERS, "sip:b@[2001:db8::9]",
				 "[2001:db8::9]:6000"));
}

TEST_HARNESS_MAIN
