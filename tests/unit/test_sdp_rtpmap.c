// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdp_media_clock_rate(): the RTP clock of each stream's first payload
 * type, from a=rtpmap, RFC 3551's static types, or the default; 0 for a
 * stream that is not RTP.
 */
#include <string.h>

#include "kselftest_harness.h"
#include "sdp/sdp.h"

#define CRLF "\r\n"
#define HEAD                                                     \
	"v=0" CRLF "o=- 1 1 IN IP4 198.51.100.7" CRLF "s=-" CRLF \
	"c=IN IP4 198.51.100.7" CRLF "t=0 0" CRLF

static const char body[] = HEAD
	"m=audio 40000 RTP/AVP 0 8 101" CRLF /* PCMU, static */
	"a=rtpmap:101 telephone-event/8000" CRLF
	"m=audio 40002 RTP/SAVPF 111 0" CRLF /* Opus, mapped */
	"a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:111 opus/48000/2" CRLF
	"m=video 40004 RTP/AVP 96" CRLF "a=rtpmap:96 H264/90000" CRLF
	"m=video 40006 RTP/AVP 31" CRLF /* H261, static */
	"m=audio 40008 RTP/AVP 96" CRLF /* dynamic, no rtpmap */
	"m=application 40010 UDP/BFCP *" CRLF /* not RTP */
	"m=audio 40012 RTP/AVP 9 0" CRLF /* G722: 8000 in RTP */
	"m=audio 40014 RTP/AVP 97" CRLF "a=rtpmap:97 L16/44100" CRLF
	"a=rtpmap:97x junk/1" CRLF;

TEST(clock_rates)
{
	static const uint32_t want[] = { 8000, 48000, 90000, 90000,
					 8000, 0,     8000,  44100 };
	struct sdp_session s;
	struct sip_error err;
	unsigned int i;

	ASSERT_EQ(0, sdp_parse(body, strlen(body), &s, &err));
	ASSERT_EQ(8, s.n_media);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(want[i], sdp_media_clock_rate(&s, i))
		{
			TH_LOG("stream %u", i);
		}
	EXPECT_EQ(0u, sdp_media_clock_rate(&s, 8));
}

TEST(broken_rtpmap_falls_back)
{
	static const char bad[] = HEAD
		"m=audio 40000 RTP/AVP 96" CRLF "a=rtpmap:96 opus" CRLF
		"a=rtpmap:96 opus/" CRLF "a=rtpmap:96 opus/99999999999" CRLF
		"a=rtpmap:9 G722/8000" CRLF;
	struct sdp_session s;
	struct sip_error err;

	ASSERT_EQ(0, sdp_parse(bad, strlen(bad), &s, &err));
	EXPECT_EQ(SDP_CLOCK_RATE_DEFAULT, sdp_media_clock_rate(&s, 0));
}

TEST_HARNESS_MAIN
