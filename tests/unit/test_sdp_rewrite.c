// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdp_rewrite(): every rewritten body is parsed again and read back, and
 * every line the rewriter has no business with must come out byte for
 * byte, in order. Also: the exact output for one body, sizes one byte
 * short, and every prefix of every body through parse and rewrite.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sdp/sdp.h"

#define CRLF "\r\n"
#define OUT_MAX 8192

static const char audio[] =
	"v=0" CRLF "o=desk7 4411 17 IN IP4 198.51.100.7" CRLF "s=-" CRLF
	"c=IN IP4 198.51.100.7" CRLF "t=0 0" CRLF
	"m=audio 40000 RTP/AVP 0 8 101" CRLF
	"a=rtpmap:101 telephone-event/8000" CRLF "a=ptime:20" CRLF;

static const char av[] =
	"v=0" CRLF "o=- 99 999 IN IP4 203.0.113.5" CRLF "s=conf" CRLF
	"t=0 0" CRLF "m=audio 41000 RTP/SAVPF 111" CRLF "i=mic" CRLF
	"c=IN IP4 203.0.113.5" CRLF "b=AS:64" CRLF "a=rtcp:41001" CRLF
	"a=rtcp-mux" CRLF
	"a=candidate:1 1 UDP 2122 203.0.113.5 41000 typ host" CRLF
	"m=video 41002/2 RTP/AVP 96" CRLF "c=IN IP4 233.252.0.4/16" CRLF
	"c=IN IP4 233.252.0.5/16" CRLF "a=rtcp:41005 IN IP4 203.0.113.9" CRLF
	"a=rtcp:41007" CRLF "a=inactive" CRLF CRLF;

/* stream 1 is not anchored and still needs the session c= */
static const char mixed[] = "v=0\n"
			    "o=gw 3 3 IN IP6 2001:db8::7\n"
			    "s=t\n"
			    "c=IN IP6 2001:db8::7\n"
			    "t=0 0\n"
			    "m=audio 5000 RTP/AVP 8\n"
			    "b=TIAS:64000\n"
			    "m=image 6000 udptl t38\n"
			    "m=video 0 RTP/AVP 31\n"
			    "a=sendonly";

static const char *const bodies[] = { audio, av, mixed };

static struct sdp_session in, back;
static char out[OUT_MAX];
static size_t out_len;

static char *exact_copy(const char *text, size_t len)
{
	char *p = malloc(len ? len : 1);

	memcpy(p, text, len);
	return p;
}

static bool str_is(struct sip_str s, const char *want)
{
	return sip_str_eq(s, sip_str_of(want, strlen(want)));
}

static void anchor(struct sdp_rewrite *rw, int i, enum sdp_af af,
		   const char *addr, uint16_t port)
{
	rw->media[i].anchor = true;
	rw->media[i].addr.af = af;
	strcpy(rw->media[i].addr.text, addr);
	rw->media[i].rtp_port = port;
}

/* parse body, rewrite it with rw into out, parse out into back */
static int round_trip(const char *body, const struct sdp_rewrite *rw)
{
	struct sip_error err;

	if (sdp_parse(body, strlen(body), &in, &err))
		return 1;
	if (sdp_rewrite(&in, rw, out, sizeof(out), &out_len, &err))
		return 2;
	if (sdp_parse(out, out_len, &back, &err))
		return 3;
	return 0;
}

/* lines the rewriter may change: m=, c=, a=rtcp: and (when asked) o= */
static bool may_change(const char *line, bool origin)
{
	return !strncmp(line, "m=", 2) || !strncmp(line, "c=", 2) ||
	       !strncmp(line, "a=rtcp:", 7) || (origin && line[0] == 'o');
}

static size_t line_len(const char *p, const char *end)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	return lf ? (size_t)(lf - p) + 1 : (size_t)(end - p);
}

/*
 * The line at o is the line b of n bytes, terminator included; the last
 * line of a body may lack one, which the rewriter adds in the body's style.
 */
static bool same_line(const char *o, size_t on, const char *b, size_t n)
{
	if (n && b[n - 1] != '\n')
		return on > n && memcmp(o, b, n) == 0 && o[n] != ' ' &&
		       o[on - 1] == '\n';
	return on == n && memcmp(o, b, n) == 0;
}

/* every other line of body is found in out, in order, byte for byte */
static bool others_kept(const char *body, bool origin)
{
	const char *b = body, *bend = body + strlen(body);
	const char *o = out, *oend = out + out_len;

	while (b < bend) {
		size_t n = line_len(b, bend);

		if (!may_change(b, origin)) {
			while (o < oend &&
			       !same_line(o, line_len(o, oend), b, n))
				o += line_len(o, oend);
			if (o == oend)
				return false;
			o += line_len(o, oend);
		}
		b += n;
	}
	return true;
}

TEST(audio_exact_output)
{
	static const char want[] =
		"v=0" CRLF "o=desk7 4411 18 IN IP4 192.0.2.1" CRLF "s=-" CRLF
		"c=IN IP4 192.0.2.200" CRLF "t=0 0" CRLF
		"m=audio 30000 RTP/AVP 0 8 101" CRLF "c=IN IP4 192.0.2.200" CRLF
		"a=rtpmap:101 telephone-event/8000" CRLF "a=ptime:20" CRLF
		"a=rtcp:30001" CRLF;
	struct sdp_rewrite rw = { .set_origin = true, .bump_version = true };

	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.200", 30000);
	rw.media[0].add_rtcp = true;
	rw.origin.af = SDP_AF_IP4;
	strcpy(rw.origin.text, "192.0.2.1");
	ASSERT_EQ(0, round_trip(audio, &rw));
	ASSERT_EQ(strlen(want), out_len);
	ASSERT_EQ(0, memcmp(want, out, out_len));
	ASSERT_EQ(30001, back.media[0].rtcp.port);
}

TEST(audio_video_read_back)
{
	struct sdp_rewrite rw = { 0 };
	const struct sdp_media *a = &back.media[0], *v = &back.media[1];

	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.200", 30000);
	anchor(&rw, 1, SDP_AF_IP4, "192.0.2.200", 30002);
	ASSERT_EQ(0, round_trip(av, &rw));
	ASSERT_TRUE(others_kept(av, false));
	ASSERT_EQ(2, back.n_media);
	ASSERT_EQ(30000, a->port);
	ASSERT_TRUE(str_is(a->conn.address, "192.0.2.200"));
	/* rtcp-mux: RTCP goes to the RTP port (RFC 5761) */
	ASSERT_TRUE(a->rtcp_mux);
	ASSERT_EQ(30000, a->rtcp.port);
	ASSERT_FALSE(a->rtcp.addr.present);
	ASSERT_EQ(30002, v->port);
	ASSERT_EQ(2, v->port_count);
	ASSERT_TRUE(str_is(v->conn.address, "192.0.2.200"));
	ASSERT_FALSE(v->conn.multicast);
	ASSERT_EQ(30003, v->rtcp.port);
	ASSERT_TRUE(str_is(v->rtcp.addr.address, "192.0.2.200"));
	/* the second c= and a=rtcp of the video named the phone: gone */
	ASSERT_EQ(NULL, memmem(out, out_len, "233.252.0.5", 11));
	ASSERT_EQ(NULL, memmem(out, out_len, "41007", 5));
	ASSERT_EQ(NULL, memmem(out, out_len, "203.0.113.9", 11));
	ASSERT_EQ(in.media[1].attr_count - 1, back.media[1].attr_count);
	/* the trailing blank line is copied too */
	ASSERT_EQ(0, memcmp(out + out_len - 4, CRLF CRLF, 4));
	ASSERT_TRUE(str_is(back.origin.sess_version, "999"));
}

TEST(ip4_to_ip6)
{
	struct sdp_rewrite rw = { 0 };

	anchor(&rw, 0, SDP_AF_IP6, "2001:db8:f::1", 30010);
	ASSERT_EQ(0, round_trip(audio, &rw));
	ASSERT_TRUE(others_kept(audio, false));
	ASSERT_EQ(SDP_AF_IP6, (int)back.conn.af);
	ASSERT_TRUE(str_is(back.conn.address, "2001:db8:f::1"));
	ASSERT_EQ(SDP_AF_IP6, (int)back.media[0].conn.af);
	ASSERT_EQ(SDP_AF_IP6, (int)sdp_media_conn(&back, 0)->af);
	ASSERT_EQ(30010, back.media[0].port);
	ASSERT_FALSE(back.media[0].rtcp.present);
	ASSERT_EQ(NULL, memmem(out, out_len, "198.51.100.7\r\nt", 15));
}

TEST(unanchored_stream_keeps_session_conn)
{
	struct sdp_rewrite rw = { 0 };

	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.200", 30020);
	anchor(&rw, 2, SDP_AF_IP4, "192.0.2.200", 30022);
	ASSERT_EQ(0, round_trip(mixed, &rw));
	ASSERT_TRUE(others_kept(mixed, false));
	ASSERT_EQ(NULL, memchr(out, '\r', out_len));
	ASSERT_TRUE(str_is(back.conn.address, "2001:db8::7"));
	ASSERT_EQ(30020, back.media[0].port);
	ASSERT_TRUE(str_is(sdp_media_conn(&back, 0)->address, "192.0.2.200"));
	ASSERT_EQ(6000, back.media[1].port);
	ASSERT_TRUE(str_is(sdp_media_conn(&back, 1)->address, "2001:db8::7"));
	/* a rejected stream is never given a port or an address */
	ASSERT_EQ(0, back.media[2].port);
	ASSERT_FALSE(back.media[2].conn.present);
	ASSERT_EQ(SDP_DIR_SENDONLY, (int)sdp_media_dir(&back, 2));
}

/* no relay port for the video: port 0, the audio anchored, the rest kept */
TEST(refused_stream_gets_port_zero)
{
	struct sdp_rewrite rw = { 0 };
	const struct sdp_media *a = &back.media[0], *v = &back.media[1];

	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.200", 30030);
	anchor(&rw, 1, SDP_AF_IP4, "192.0.2.200", 30032);
	rw.media[1].refuse = true; /* refuse wins over anchor */
	ASSERT_EQ(0, round_trip(av, &rw));
	ASSERT_TRUE(others_kept(av, false));
	ASSERT_EQ(2, back.n_media);
	ASSERT_EQ(30030, a->port);
	ASSERT_EQ(0, v->port);
	/* the m= line keeps its type, port count, proto and formats */
	ASSERT_NE(NULL, memmem(out, out_len, "m=video 0/2 RTP/AVP 96\r\n", 24));
	/* nothing of the refused stream's section is rewritten */
	ASSERT_NE(NULL, memmem(out, out_len, "c=IN IP4 233.252.0.5/16", 23));
	ASSERT_NE(NULL, memmem(out, out_len, "a=rtcp:41007", 12));
	ASSERT_EQ(NULL, memmem(out, out_len, "30032", 5));
	ASSERT_EQ(in.media[1].attr_count, back.media[1].attr_count);

	/* a refused stream without its own c= lets the session c= go to
	 * the relay: it is not live */
	memset(&rw, 0, sizeof(rw));
	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.200", 30040);
	rw.media[1].refuse = true;
	ASSERT_EQ(0, round_trip(mixed, &rw));
	ASSERT_EQ(0, back.media[1].port);
	ASSERT_TRUE(str_is(back.conn.address, "192.0.2.200"));
}

TEST(origin_bump_carries)
{
	struct sdp_rewrite rw = { .bump_version = true };

	ASSERT_EQ(0, round_trip(av, &rw));
	ASSERT_TRUE(str_is(back.origin.sess_version, "1000"));
	ASSERT_TRUE(str_is(back.origin.sess_id, "99"));
	ASSERT_TRUE(str_is(back.origin.addr.address, "203.0.113.5"));
	ASSERT_TRUE(others_kept(av, true));
	rw.set_origin = true;
	rw.origin.af = SDP_AF_IP6;
	strcpy(rw.origin.text, "2001:db8::99");
	ASSERT_EQ(0, round_trip(audio, &rw));
	ASSERT_TRUE(str_is(back.origin.sess_version, "18"));
	ASSERT_EQ(SDP_AF_IP6, (int)back.origin.addr.af);
	ASSERT_TRUE(str_is(back.origin.username, "desk7"));
	/* nothing anchored: the media lines are the phone's */
	ASSERT_TRUE(others_kept(audio, true));
	ASSERT_TRUE(str_is(back.conn.address, "198.51.100.7"));
}

TEST(no_space_one_byte_short)
{
	struct sdp_rewrite rw = { .bump_version = true };
	struct sip_error err;
	char *small;
	size_t need, len, cap;

	anchor(&rw, 0, SDP_AF_IP6, "2001:db8:f::1", 30010);
	rw.media[0].add_rtcp = true;
	ASSERT_EQ(0, round_trip(audio, &rw));
	need = out_len;
	for (cap = 0; cap < need; cap++) {
		small = malloc(cap ? cap : 1);
		len = 77;
		ASSERT_EQ(-1, sdp_rewrite(&in, &rw, small, cap, &len, &err));
		ASSERT_EQ(SIP_ERR_SDP_NO_SPACE, (int)err.code);
		ASSERT_EQ(0u, len);
		free(small);
	}
	small = malloc(need);
	ASSERT_EQ(0, sdp_rewrite(&in, &rw, small, need, &len, &err));
	ASSERT_EQ(need, len);
	ASSERT_EQ(0, memcmp(small, out, need));
	free(small);
}

TEST(refuses_what_it_cannot_write)
{
	struct sdp_rewrite rw = { 0 };
	struct sip_error err;
	size_t len;

	ASSERT_EQ(0, sdp_parse(audio, strlen(audio), &in, &err));
	anchor(&rw, 0, SDP_AF_IP4, "2001:db8::1", 30000);
	ASSERT_EQ(-1, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	ASSERT_EQ(SIP_ERR_SDP_BAD_CONNECTION, (int)err.code);
	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.1 ", 30000);
	ASSERT_EQ(-1, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.1", 0);
	ASSERT_EQ(-1, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	ASSERT_EQ(SIP_ERR_SDP_BAD_MEDIA, (int)err.code);
	anchor(&rw, 0, SDP_AF_IP4, "192.0.2.1", 65535);
	ASSERT_EQ(-1, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	ASSERT_EQ(SIP_ERR_SDP_BAD_MEDIA, (int)err.code);
	rw.media[0].rtcp_port = 1000;
	ASSERT_EQ(0, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
}

/* every prefix, in a buffer of its exact size, through parse and rewrite */
TEST(every_truncation)
{
	struct sdp_rewrite rw = { 0 };
	struct sip_error err;
	size_t b, n, len, parsed = 0;
	int i;

	for (i = 0; i < SDP_MEDIA_MAX; i++)
		anchor(&rw, i, SDP_AF_IP6, "2001:db8::2",
		       (uint16_t)(20000 + 2 * i));
	for (b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
		for (n = 0; n <= strlen(bodies[b]); n++) {
			char *copy = exact_copy(bodies[b], n);

			if (!sdp_parse(copy, n, &in, &err)) {
				parsed++;
				ASSERT_EQ(0,
					  sdp_rewrite(&in, &rw, out,
						      sizeof(out), &len, &err));
				ASSERT_EQ(0, sdp_parse(out, len, &back, &err));
			} else {
				ASSERT_TRUE(err.offset <= n);
			}
			free(copy);
		}
	}
	TH_LOG("%zu prefixes parsed", parsed);
	ASSERT_NE(0u, parsed);
}

/* an added a=rtcp may not take a full body past SDP_ATTRS_MAX */
TEST(added_rtcp_respects_the_attribute_limit)
{
	static char body[SDP_ATTRS_MAX * 8 + 256];
	struct sdp_rewrite rw = { 0 };
	struct sip_error err;
	size_t len, n;
	int i;

	n = (size_t)snprintf(body, sizeof(body),
			     "v=0" CRLF "o=- 1 1 IN IP4 192.0.2.10" CRLF
			     "s=-" CRLF "c=IN IP4 192.0.2.10" CRLF "t=0 0" CRLF
			     "m=audio 4000 RTP/AVP 0" CRLF);
	for (i = 0; i < SDP_ATTRS_MAX; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n, "a=x%d" CRLF,
				      i);
	ASSERT_EQ(0, sdp_parse(body, n, &in, &err));
	anchor(&rw, 0, SDP_AF_IP4, "198.18.0.1", 30000);
	ASSERT_EQ(0, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	rw.media[0].add_rtcp = true;
	ASSERT_EQ(-1, sdp_rewrite(&in, &rw, out, sizeof(out), &len, &err));
	ASSERT_EQ(SIP_ERR_SDP_TOO_MANY_ATTRS, (int)err.code);
}

TEST_HARNESS_MAIN
