// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdp_parse(): what it indexes from valid bodies and which code it gives
 * each kind of broken one. Every body is copied into a buffer of exactly
 * its size, so ASan sees any read past the end.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "sdp/sdp.h"

#define CRLF "\r\n"

/* one audio stream, session-level c= */
static const char audio[] =
	"v=0" CRLF "o=desk7 4411 17 IN IP4 198.51.100.7" CRLF "s=-" CRLF
	"c=IN IP4 198.51.100.7" CRLF "t=0 0" CRLF
	"m=audio 40000 RTP/AVP 0 8 101" CRLF "a=rtpmap:0 PCMU/8000" CRLF
	"a=rtpmap:101 telephone-event/8000" CRLF "a=fmtp:101 0-16" CRLF
	"a=ptime:20" CRLF;

/* audio and video, each with its own c=, rtcp with and without address */
static const char av[] =
	"v=0" CRLF "o=- 99 2 IN IP4 203.0.113.5" CRLF "s=conf" CRLF
	"b=AS:2000" CRLF "t=0 0" CRLF "a=recvonly" CRLF
	"m=audio 41000 RTP/SAVPF 111" CRLF "c=IN IP4 203.0.113.5" CRLF
	"b=AS:64" CRLF "a=rtcp:41001" CRLF "a=rtcp-mux" CRLF
	"a=ice-ufrag:Zq3f" CRLF
	"a=candidate:1 1 UDP 2122 203.0.113.5 41000 typ host" CRLF
	"a=sendonly" CRLF "m=video 41002/2 UDP/TLS/RTP/SAVPF 96 97" CRLF
	"c=IN IP4 203.0.113.6" CRLF "a=rtcp:41005 IN IP4 203.0.113.9" CRLF;

/* a rejected stream without a c= of its own and no session c= */
static const char rejected[] = "v=0\n"
			       "o=u 1 1 IN IP6 2001:db8::5\n"
			       "s=x\n"
			       "t=0 0\n"
			       "m=audio 42000 RTP/AVP 0\n"
			       "c=IN IP6 2001:db8::5\n"
			       "m=video 0 RTP/AVP 31\n";

static const char mcast[] =
	"v=0" CRLF "o=tv 5 5 IN IP4 192.0.2.1" CRLF "s=ch" CRLF "t=0 0" CRLF
	"m=video 51372 RTP/AVP 33" CRLF "c=IN IP4 233.252.0.9/32/3" CRLF
	"m=audio 51374 RTP/AVP 14" CRLF "c=IN IP6 ff15::ab/2" CRLF;

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

static struct sdp_session sess;

/* parse a copy of text; the copy stays alive until the next call */
static int parse_text(const char *text, struct sip_error *err)
{
	static char *copy;

	free(copy);
	copy = exact_copy(text, strlen(text));
	return sdp_parse(copy, strlen(text), &sess, err);
}

TEST(audio_only)
{
	struct sip_error err;
	const struct sdp_media *m = &sess.media[0];

	ASSERT_EQ(0, parse_text(audio, &err));
	ASSERT_EQ(1, sess.n_media);
	ASSERT_TRUE(str_is(sess.origin.username, "desk7"));
	ASSERT_TRUE(str_is(sess.origin.sess_id, "4411"));
	ASSERT_TRUE(str_is(sess.origin.sess_version, "17"));
	ASSERT_EQ(SDP_AF_IP4, (int)sess.origin.addr.af);
	ASSERT_TRUE(str_is(sess.origin.addr.address, "198.51.100.7"));
	ASSERT_TRUE(str_is(sess.conn.address, "198.51.100.7"));
	ASSERT_TRUE(str_is(m->type, "audio"));
	ASSERT_EQ(40000, m->port);
	ASSERT_EQ(1, m->port_count);
	ASSERT_EQ(SDP_PROTO_RTP_AVP, (int)m->proto);
	ASSERT_TRUE(str_is(m->formats, "0 8 101"));
	ASSERT_FALSE(m->conn.present);
	ASSERT_EQ(&sess.conn, sdp_media_conn(&sess, 0));
	ASSERT_EQ(SDP_DIR_SENDRECV, (int)sdp_media_dir(&sess, 0));
	ASSERT_EQ(4, m->attr_count);
	ASSERT_TRUE(str_is(sdp_attr_find(&sess, 0, SDP_ATTR_FMTP)->value,
			   "101 0-16"));
	ASSERT_TRUE(
		str_is(sdp_attr_find(&sess, 0, SDP_ATTR_PTIME)->value, "20"));
	ASSERT_TRUE(str_is(sdp_attr_find(&sess, 0, SDP_ATTR_RTPMAP)->value,
			   "0 PCMU/8000"));
	ASSERT_FALSE(sess.lf_only);
}

TEST(audio_video_media_level)
{
	struct sip_error err;
	const struct sdp_media *a = &sess.media[0], *v = &sess.media[1];

	ASSERT_EQ(0, parse_text(av, &err));
	ASSERT_EQ(2, sess.n_media);
	ASSERT_FALSE(sess.conn.present);
	ASSERT_EQ(1, sess.n_bw);
	ASSERT_EQ(2000u, sess.bw[0].value);
	ASSERT_EQ(64u, a->bw[0].value);
	ASSERT_EQ(SDP_PROTO_RTP_SAVPF, (int)a->proto);
	ASSERT_EQ(SDP_PROTO_UDP_TLS_RTP_SAVPF, (int)v->proto);
	ASSERT_EQ(41002, v->port);
	ASSERT_EQ(2, v->port_count);
	ASSERT_TRUE(str_is(sdp_media_conn(&sess, 1)->address, "203.0.113.6"));
	ASSERT_TRUE(a->rtcp.present);
	ASSERT_EQ(41001, a->rtcp.port);
	ASSERT_FALSE(a->rtcp.addr.present);
	ASSERT_TRUE(a->rtcp_mux);
	ASSERT_FALSE(v->rtcp_mux);
	ASSERT_EQ(41005, v->rtcp.port);
	ASSERT_TRUE(v->rtcp.addr.present);
	ASSERT_TRUE(str_is(v->rtcp.addr.address, "203.0.113.9"));
	/* media level wins over session level, which covers the rest */
	ASSERT_EQ(SDP_DIR_SENDONLY, (int)sdp_media_dir(&sess, 0));
	ASSERT_EQ(SDP_DIR_RECVONLY, (int)sdp_media_dir(&sess, 1));
	ASSERT_TRUE(str_is(sdp_attr_find(&sess, 0, SDP_ATTR_ICE_UFRAG)->value,
			   "Zq3f"));
	ASSERT_NE(NULL, sdp_attr_find(&sess, 0, SDP_ATTR_CANDIDATE));
	ASSERT_EQ(NULL, sdp_attr_find(&sess, 1, SDP_ATTR_CANDIDATE));
	ASSERT_EQ(SDP_DIR_RECVONLY,
		  sdp_attr_find(&sess, SDP_SESSION_LEVEL, SDP_ATTR_DIRECTION)
					  ->line.p[2] == 'r' ?
			  SDP_DIR_RECVONLY :
			  SDP_DIR_UNSET);
}

TEST(rejected_stream_ipv6_lf)
{
	struct sip_error err;

	ASSERT_EQ(0, parse_text(rejected, &err));
	ASSERT_TRUE(sess.lf_only);
	ASSERT_EQ(2, sess.n_media);
	ASSERT_EQ(SDP_AF_IP6, (int)sess.media[0].conn.af);
	ASSERT_TRUE(str_is(sess.media[0].conn.address, "2001:db8::5"));
	ASSERT_EQ(0, sess.media[1].port);
	ASSERT_EQ(NULL, sdp_media_conn(&sess, 1));
}

TEST(multicast_ttl_and_count)
{
	struct sip_error err;
	const struct sdp_conn *v4 = &sess.media[0].conn;
	const struct sdp_conn *v6 = &sess.media[1].conn;

	ASSERT_EQ(0, parse_text(mcast, &err));
	ASSERT_TRUE(v4->multicast);
	ASSERT_TRUE(v4->has_ttl);
	ASSERT_EQ(32, v4->ttl);
	ASSERT_EQ(3, v4->count);
	ASSERT_TRUE(str_is(v4->address, "233.252.0.9"));
	ASSERT_TRUE(v6->multicast);
	ASSERT_FALSE(v6->has_ttl);
	ASSERT_EQ(2, v6->count);
}

/* the same body with CRLF and with LF alone reads the same */
TEST(crlf_and_lf_agree)
{
	char lf[sizeof(audio)];
	struct sip_error err;
	size_t i, n = 0;

	for (i = 0; audio[i]; i++)
		if (audio[i] != '\r')
			lf[n++] = audio[i];
	lf[n] = '\0';
	ASSERT_EQ(0, parse_text(lf, &err));
	ASSERT_TRUE(sess.lf_only);
	ASSERT_EQ(40000, sess.media[0].port);
	ASSERT_TRUE(
		str_is(sdp_attr_find(&sess, 0, SDP_ATTR_PTIME)->value, "20"));
}

TEST(unknown_letter_and_last_line_unterminated)
{
	struct sip_error err;

	ASSERT_EQ(0, parse_text("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=s\r\n"
				"c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				"y=whatever\r\nm=audio 1 RTP/AVP 0\r\n"
				"a=ptime:30",
				&err));
	ASSERT_EQ(1, sess.n_media);
	ASSERT_TRUE(str_is(sess.attrs[0].value, "30"));
}

struct bad_case {
	const char *name;
	const char *body;
	enum sip_err code;
	const char *at; /* text the error offset points at */
};

#define HEAD "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=s\r\n"
#define CONN "c=IN IP4 192.0.2.1\r\n"
#define TIME "t=0 0\r\n"
#define AUDIO "m=audio 5004 RTP/AVP 0\r\n"

static const struct bad_case bad_cases[] = {
	{ "empty", "", SIP_ERR_EMPTY, "" },
	{ "no v=", "o=a 1 1 IN IP4 192.0.2.1\r\n", SIP_ERR_SDP_BAD_VERSION,
	  "o=" },
	{ "v=1", "v=1\r\n", SIP_ERR_SDP_BAD_VERSION, "1" },
	{ "o= short", "v=0\r\no=a 1 IN IP4 192.0.2.1\r\n",
	  SIP_ERR_SDP_BAD_ORIGIN, "a 1" },
	{ "o= letters", "v=0\r\no=a x 1 IN IP4 192.0.2.1\r\n",
	  SIP_ERR_SDP_BAD_ORIGIN, "a x" },
	{ "o= bad ip", "v=0\r\no=a 1 1 IN IP4 192.0.2.300\r\n",
	  SIP_ERR_SDP_BAD_ORIGIN, "IN" },
	{ "o= missing", "v=0\r\ns=s\r\nt=0 0\r\n" AUDIO, SIP_ERR_SDP_BAD_ORIGIN,
	  "m=" },
	{ "c= ip6 in ip4", HEAD "c=IN IP4 2001:db8::1\r\n",
	  SIP_ERR_SDP_BAD_CONNECTION, "IN" },
	{ "c= two fields", HEAD "c=IN IP4\r\n", SIP_ERR_SDP_BAD_CONNECTION,
	  "IN" },
	{ "c= unicast ttl", HEAD "c=IN IP4 192.0.2.1/127\r\n",
	  SIP_ERR_SDP_BAD_CONNECTION, "IN" },
	{ "c= ttl 256", HEAD "c=IN IP4 232.1.1.1/256\r\n",
	  SIP_ERR_SDP_BAD_CONNECTION, "IN" },
	{ "m= port 65536", HEAD CONN TIME "m=audio 65536 RTP/AVP 0\r\n",
	  SIP_ERR_SDP_BAD_MEDIA, "65536" },
	{ "m= no format", HEAD CONN TIME "m=audio 5004 RTP/AVP\r\n",
	  SIP_ERR_SDP_BAD_MEDIA, "audio" },
	{ "m= port count 0", HEAD CONN TIME "m=audio 5004/0 RTP/AVP 0\r\n",
	  SIP_ERR_SDP_BAD_MEDIA, "5004/0" },
	{ "no connection", HEAD TIME AUDIO, SIP_ERR_SDP_NO_CONNECTION, "m=" },
	{ "no connection second",
	  HEAD TIME AUDIO CONN "m=video 5006 RTP/AVP 31\r\n",
	  SIP_ERR_SDP_NO_CONNECTION, "m=video" },
	{ "a= empty name", HEAD CONN TIME AUDIO "a=:x\r\n",
	  SIP_ERR_SDP_BAD_ATTRIBUTE, ":x" },
	{ "rtcp port", HEAD CONN TIME AUDIO "a=rtcp:70000\r\n",
	  SIP_ERR_SDP_BAD_ATTRIBUTE, "70000" },
	{ "rtcp address", HEAD CONN TIME AUDIO "a=rtcp:5005 IN IP4\r\n",
	  SIP_ERR_SDP_BAD_ATTRIBUTE, "IN" },
	{ "c= before s=", "v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\n" CONN "s=s\r\n",
	  SIP_ERR_SDP_BAD_ORDER, "s=" },
	{ "two o=", HEAD "o=a 1 1 IN IP4 192.0.2.1\r\n", SIP_ERR_SDP_BAD_ORDER,
	  "o=a 1 1 IN IP4 192.0.2.1\r\n" },
	{ "r= without t=", HEAD CONN "r=7d 1h 0\r\n", SIP_ERR_SDP_BAD_ORDER,
	  "r=" },
	{ "t= in media", HEAD CONN TIME AUDIO "t=0 0\r\n",
	  SIP_ERR_SDP_BAD_ORDER, "t=0 0" },
	{ "no t=", HEAD CONN AUDIO, SIP_ERR_SDP_BAD_ORDER, "m=" },
	{ "bare CR", HEAD "c=IN IP4\r192.0.2.1\r\n", SIP_ERR_SDP_BAD_LINE,
	  "\r192" },
	{ "no =", HEAD "c:IN IP4 192.0.2.1\r\n", SIP_ERR_SDP_BAD_LINE, "c:" },
	{ "upper type", HEAD "X=1\r\n", SIP_ERR_SDP_BAD_LINE, "X=" },
	{ "blank middle", HEAD "\r\n" CONN, SIP_ERR_SDP_BAD_LINE, "\r\nc=" },
	{ "b= no colon", HEAD "b=AS64\r\n", SIP_ERR_SDP_BAD_LINE, "AS64" },
};

/* offset of `at` in body: the last occurrence, as errors come late */
static long where(const char *body, const char *at)
{
	const char *hit = NULL, *p = body;
	size_t n = strlen(at);

	if (!n)
		return 0;
	while ((p = strstr(p, at))) {
		hit = p;
		p++;
	}
	return hit ? hit - body : -1;
}

TEST(every_error_code)
{
	struct sip_error err;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];

		TH_LOG("case %s", bc->name);
		ASSERT_EQ(-1, parse_text(bc->body, &err));
		ASSERT_STREQ(sip_err_name(bc->code), sip_err_name(err.code));
		ASSERT_EQ(where(bc->body, bc->at), (long)err.offset);
	}
}

TEST(too_many_media)
{
	char body[4096];
	struct sip_error err;
	int i, n;

	n = snprintf(body, sizeof(body), HEAD CONN TIME);
	for (i = 0; i <= SDP_MEDIA_MAX; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n,
			      "m=audio %d RTP/AVP 0\r\n", 6000 + 2 * i);
	ASSERT_EQ(-1, parse_text(body, &err));
	ASSERT_EQ(SIP_ERR_SDP_TOO_MANY_MEDIA, (int)err.code);
	ASSERT_EQ(where(body, "m=audio 6032"), (long)err.offset);
	/* one fewer is fine */
	*strstr(body, "m=audio 6032") = '\0';
	ASSERT_EQ(0, parse_text(body, &err));
	ASSERT_EQ(SDP_MEDIA_MAX, (int)sess.n_media);
}

TEST(too_many_attributes)
{
	static char body[16384];
	struct sip_error err;
	int i, n;

	n = snprintf(body, sizeof(body), HEAD CONN TIME AUDIO);
	for (i = 0; i < SDP_ATTRS_MAX; i++)
		n += snprintf(body + n, sizeof(body) - (size_t)n, "a=x-%d\r\n",
			      i);
	ASSERT_EQ(0, parse_text(body, &err));
	ASSERT_EQ(SDP_ATTRS_MAX, (int)sess.media[0].attr_count);
	snprintf(body + n, sizeof(body) - (size_t)n, "a=one-more\r\n");
	ASSERT_EQ(-1, parse_text(body, &err));
	ASSERT_EQ(SIP_ERR_SDP_TOO_MANY_ATTRS, (int)err.code);
	ASSERT_EQ(n, (int)err.offset);
}

TEST(media_conn_overrides_session)
{
	struct sip_error err;

	ASSERT_EQ(0, parse_text("v=0\r\no=a 1 1 IN IP4 192.0.2.1\r\ns=s\r\n"
				"c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
				"m=audio 7000 RTP/AVP 0\r\n"
				"c=IN IP6 2001:db8::77\r\n"
				"m=audio 7002 RTP/AVP 0\r\n",
				&err));
	ASSERT_TRUE(str_is(sdp_media_conn(&sess, 0)->address, "2001:db8::77"));
	ASSERT_EQ(SDP_AF_IP6, (int)sdp_media_conn(&sess, 0)->af);
	ASSERT_TRUE(str_is(sdp_media_conn(&sess, 1)->address, "192.0.2.1"));
	ASSERT_EQ(NULL, sdp_media_conn(&sess, 2));
}

/* every prefix of every body, each in a buffer of exactly its size */
TEST(every_truncation_parses_or_fails_cleanly)
{
	static const char *const bodies[] = { audio, av, rejected, mcast };
	struct sip_error err;
	size_t b, n;

	for (b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++) {
		size_t len = strlen(bodies[b]);

		for (n = 0; n <= len; n++) {
			char *copy = exact_copy(bodies[b], n);
			int rc = sdp_parse(copy, n, &sess, &err);

			free(copy);
			/* braces: the harness's ASSERT_* are two statements */
			if (rc) {
				ASSERT_TRUE(err.offset <= n);
			} else {
				ASSERT_TRUE(sess.n_media <= 2);
			}
		}
		ASSERT_EQ(0, parse_text(bodies[b], &err));
	}
}

TEST_HARNESS_MAIN
