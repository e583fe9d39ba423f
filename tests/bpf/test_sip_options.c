// SPDX-License-Identifier: GPL-2.0-only
/*
 * OPTIONS to siphon answered in XDP (bpf/sip_options.h), through
 * BPF_PROG_TEST_RUN: an OPTIONS frame goes in; each row checks the
 * verdict and the one reason counted, and for an answer, the frame that
 * comes out: MACs, addresses and ports turned round, IP and UDP
 * checksums that verify, and a 200 OK that siphond's own parser
 * (user/sip) reads with every header RFC 3261 8.2.6 asks for: the Vias in
 * order (the top one with received= and rport=), From, To with a tag,
 * Call-ID, CSeq, siphond's Allow and Content-Length: 0.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include "kselftest_harness.h"
#include "sip_bench.h"
#include "sip/sip_msg.h"

#define PING_VIA "Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-p1;rport\r\n"
#define VIA2 "Via: SIP/2.0/UDP 198.18.5.5;branch=z9hG4bK-up\r\n"
#define PING_REST                                               \
	"From: <sip:ping@198.18.0.10>;tag=f1\r\n"               \
	"To: <sip:198.18.0.1>\r\n"                              \
	"Call-ID: ping-1@198.18.0.10\r\n"                       \
	"CSeq: 7 OPTIONS\r\n"
#define PING_TAIL "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
#define PING(uri, vias) "OPTIONS " uri " SIP/2.0\r\n" vias PING_REST PING_TAIL
/* the answer's lines after the Vias, for PING_REST; the tag's digits as X */
#define ANSWER_REST                                                \
	"From: <sip:ping@198.18.0.10>;tag=f1\r\n"                  \
	"To: <sip:198.18.0.1>;tag=sxXXXXXXXX\r\n"                  \
	"Call-ID: ping-1@198.18.0.10\r\n"                          \
	"CSeq: 7 OPTIONS\r\n" SIPHON_SIP_ALLOW "Content-Length: 0\r\n\r\n"
#define ANSWER(vias) "SIP/2.0 200 OK\r\n" vias ANSWER_REST
#define RECEIVED ";received=198.18.0.10"
/* a host name longer than a segment the answer reads at once */
#define LONG_HOST "proxy.long-customer-name.example"

FIXTURE(options)
{
	struct sip_bench sb;
	int opt_fd;
};

FIXTURE_VARIANT(options)
{
	int family;
	const char *text;
	bool unarmed; /* siphond's heartbeat is stale */
	__u32 rule_off; /* SIPHON_SHIELD_OFF_* */
	int reason;
	unsigned int vias; /* Via lines in the answer */
	bool received; /* the top Via gets received= */
	bool rport; /* and rport=5062 */
	const char *answer; /* the whole answer, the tag's digits as X */
	size_t pad_to; /* an X-Pad header makes the payload this long */
};

/* clang-format off */
FIXTURE_VARIANT_ADD(options, answered_v4) {
	.family = 4, .text = PING("sip:198.18.0.1", PING_VIA VIA2),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 2, .received = true,
	.rport = true,
};
FIXTURE_VARIANT_ADD(options, answered_v6) {
	.family = 6, .text = PING("sip:siphon.example", PING_VIA),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
};
FIXTURE_VARIANT_ADD(options, sent_by_is_source) {
	.family = 4,
	.text = PING("sip:SIPHON.example:5060",
		     "Via: SIP/2.0/UDP 198.18.0.10:5062;branch=z9hG4bK-p2\r\n"),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1,
};
FIXTURE_VARIANT_ADD(options, configured_user) {
	.family = 4, .text = PING("sip:ping@198.18.0.1", PING_VIA),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
};
FIXTURE_VARIANT_ADD(options, other_user) {
	.family = 4, .text = PING("sip:bob@198.18.0.1", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, other_host) {
	.family = 4, .text = PING("sip:198.18.9.9", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, other_port) {
	.family = 4, .text = PING("sip:198.18.0.1:5070", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, with_body) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_VIA PING_REST
		"Max-Forwards: 70\r\nContent-Length: 4\r\n\r\nbody",
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, to_tag) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_VIA
		"From: <sip:a@198.18.0.10>;tag=f1\r\nTo: <sip:198.18.0.1>;tag=t\r\n"
		"Call-ID: x\r\nCSeq: 1 OPTIONS\r\n" PING_TAIL,
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, no_max_forwards) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_VIA PING_REST
		"Content-Length: 0\r\n\r\n",
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, route) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_VIA PING_REST
		"Route: <sip:198.18.7.7;lr>\r\n" PING_TAIL,
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, too_many_vias) {
	.family = 4,
	.text = PING("sip:198.18.0.1", PING_VIA VIA2 VIA2 VIA2 VIA2 VIA2 VIA2
		     VIA2 VIA2),
	.reason = SIPHON_PASS_SIP_OPTIONS_VIAS,
};
FIXTURE_VARIANT_ADD(options, answer_text) {
	.family = 4, .text = PING("sip:198.18.0.1", PING_VIA VIA2),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 2, .received = true,
	.rport = true,
	.answer = ANSWER("Via: SIP/2.0/UDP 192.0.2.7:5062;branch=z9hG4bK-p1"
			 ";rport=5062" RECEIVED "\r\n" VIA2),
};
FIXTURE_VARIANT_ADD(options, compact_headers) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n"
		"v: SIP/2.0/UDP 198.18.0.10:5062;branch=z9hG4bK-c\r\n"
		"f: <sip:a@198.18.0.10>;tag=f2\r\nt: <sip:198.18.0.1>\r\n"
		"i: c1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 1\r\nl: 0\r\n\r\n",
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1,
	.answer = "SIP/2.0 200 OK\r\n"
		  "v: SIP/2.0/UDP 198.18.0.10:5062;branch=z9hG4bK-c\r\n"
		  "f: <sip:a@198.18.0.10>;tag=f2\r\n"
		  "t: <sip:198.18.0.1>;tag=sxXXXXXXXX\r\n"
		  "i: c1\r\nCSeq: 1 OPTIONS\r\n" SIPHON_SIP_ALLOW
		  "Content-Length: 0\r\n\r\n",
};
/* two values on the top line: received= goes after the first one */
FIXTURE_VARIANT_ADD(options, several_vias) {
	.family = 4,
	.text = PING("sip:198.18.0.1",
		     "Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-a , "
		     "SIP/2.0/UDP 198.18.5.6;branch=z9hG4bK-b\r\n"
		     VIA2 VIA2),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 3, .received = true,
	.answer = ANSWER("Via: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-a"
			 RECEIVED " , SIP/2.0/UDP 198.18.5.6;"
			 "branch=z9hG4bK-b\r\n" VIA2 VIA2),
};
FIXTURE_VARIANT_ADD(options, folded_via) {
	.family = 4,
	.text = PING("sip:198.18.0.1",
		     "Via: SIP/2.0/UDP 192.0.2.7:5062\r\n"
		     "\t;branch=z9hG4bK-p1;rport\r\n"),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
	.answer = ANSWER("Via: SIP/2.0/UDP 192.0.2.7:5062\r\n"
			 "\t;branch=z9hG4bK-p1;rport=5062" RECEIVED "\r\n"),
};
/* values longer than a segment: a branch, a parameter, the host */
FIXTURE_VARIANT_ADD(options, long_values) {
	.family = 4,
	.text = PING("sip:" LONG_HOST ":5060;transport=udp",
		     "Via: SIP/2.0/UDP phone-17.branch-office.example:5062"
		     ";branch=z9hG4bK-0123456789abcdef0123456789"
		     ";x-a-very-long-parameter-name=1;rport\r\n"),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
	.answer = ANSWER("Via: SIP/2.0/UDP phone-17.branch-office.example:5062"
			 ";branch=z9hG4bK-0123456789abcdef0123456789"
			 ";x-a-very-long-parameter-name=1;rport=5062" RECEIVED
			 "\r\n"),
};
/* the Via, last, ends where the scan's copy does */
FIXTURE_VARIANT_ADD(options, at_scan_end) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_REST PING_TAIL,
	.pad_to = SIPHON_SIP_SCAN_MAX,
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
};
FIXTURE_VARIANT_ADD(options, past_scan_end) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 SIP/2.0\r\n" PING_REST PING_TAIL,
	.pad_to = SIPHON_SIP_SCAN_MAX + 1,
	.reason = SIPHON_PASS_SIP_TOO_LONG,
};
FIXTURE_VARIANT_ADD(options, user_host_case_params) {
	.family = 4, .text = PING("sip:ping@SIPHON.Example;transport=udp",
				  PING_VIA),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
};
FIXTURE_VARIANT_ADD(options, user_and_port) {
	.family = 4, .text = PING("sip:ping@198.18.0.1:5060", PING_VIA),
	.reason = SIPHON_TX_SIP_OPTIONS, .vias = 1, .received = true,
	.rport = true,
};
/* the first '@' ends a user part, wherever it is */
FIXTURE_VARIANT_ADD(options, at_in_params) {
	.family = 4, .text = PING("sip:198.18.0.1;x=ping@198.18.0.1", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, user_with_colon) {
	.family = 4, .text = PING("sip:ping:secret@198.18.0.1", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, uri_headers) {
	.family = 4, .text = PING("sip:198.18.0.1?Subject=x", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, bad_port) {
	.family = 4, .text = PING("sip:198.18.0.1:50a0", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, port_too_big) {
	.family = 4, .text = PING("sip:198.18.0.1:655365060", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
/* an address is ours when written as inet_ntop() writes it */
FIXTURE_VARIANT_ADD(options, address_not_canonical) {
	.family = 4, .text = PING("sip:198.018.0.1", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, ipv6_reference_not_ours) {
	.family = 6, .text = PING("sip:[2001:db8::1]", PING_VIA),
	.reason = SIPHON_PASS_SIP_OPTIONS_NOT_US,
};
FIXTURE_VARIANT_ADD(options, via_received) {
	.family = 4,
	.text = PING("sip:198.18.0.1", "Via: SIP/2.0/UDP 192.0.2.7;"
		     "received=192.0.2.9;branch=z9hG4bK-r\r\n"),
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, via_rport_value) {
	.family = 4,
	.text = PING("sip:198.18.0.1", "Via: SIP/2.0/UDP 192.0.2.7;"
		     "rport=5062;branch=z9hG4bK-r\r\n"),
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, via_quoted) {
	.family = 4,
	.text = PING("sip:198.18.0.1", "Via: SIP/2.0/UDP 192.0.2.7;"
		     "branch=z9hG4bK-q;x=\"a b\"\r\n"),
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, via_tcp) {
	.family = 4,
	.text = PING("sip:198.18.0.1",
		     "Via: SIP/2.0/TCP 192.0.2.7;branch=z9hG4bK-t\r\n"),
	.reason = SIPHON_PASS_SIP_OPTIONS_COMPLEX,
};
FIXTURE_VARIANT_ADD(options, siphond_not_running) {
	.family = 4, .text = PING("sip:198.18.0.1", PING_VIA),
	.unarmed = true, .reason = SIPHON_PASS_SIP_REQUEST,
};
FIXTURE_VARIANT_ADD(options, rule_off) {
	.family = 4, .text = PING("sip:198.18.0.1", PING_VIA),
	.rule_off = SIPHON_SHIELD_OFF_OPTIONS, .reason = SIPHON_PASS_SIP_REQUEST,
};
/* clang-format on */

static __u32 fnv(const char *s)
{
	__u32 h = SIPHON_FNV_BASIS;

	while (*s)
		h = siphon_fnv1a(h, (__u8)*s++);
	return h;
}

FIXTURE_SETUP(options)
{
	struct siphon_options_cfg oc = {
		.alive_until_ns = variant->unarmed ? 1 : shield_now_ns() + 60e9,
		.tag_secret = 0x5eed,
		.flags = SIPHON_OPTIONS_DEST_ANY,
		.user_hash = fnv("ping"),
		.user_len = 4,
		.ports = { htons(SIP_PORT) },
		.hosts = { { fnv("siphon.example"), 14 },
			   { fnv(LONG_HOST), sizeof(LONG_HOST) - 1 } },
	};
	struct siphon_shield_cfg sc = { .off = variant->rule_off };
	__u32 zero = 0;

	sip_bench_setup(_metadata, &self->sb);
	self->opt_fd = bpf_map__fd(self->sb.b.lab.obj->maps.siphon_options);
	ASSERT_EQ(0, bpf_map_update_elem(self->opt_fd, &zero, &oc, BPF_ANY));
	ASSERT_EQ(0, bpf_map_update_elem(self->sb.shield_fd, &zero, &sc,
					 BPF_ANY));
}

FIXTURE_TEARDOWN(options)
{
	sip_bench_teardown(&self->sb);
}

/*
 * text with "X-Pad: xxx" before its empty line, and "Via: ...;rport"
 * (PING_VIA) after X-Pad, so that the payload is len bytes long
 */
static bool padded(struct __test_metadata *_metadata, const char *text,
		   size_t len, char *out, size_t cap)
{
	size_t head = strlen(text) - 2, fixed = strlen("X-Pad: \r\n"), n;

	n = head + fixed + strlen(PING_VIA) + 2;
	if (len < n || len + 1 > cap)
		return false;
	memcpy(out, text, head);
	memcpy(out + head, "X-Pad: ", 7);
	memset(out + head + 7, 'x', len - n);
	snprintf(out + head + 7 + (len - n), cap - (head + 7 + (len - n)),
		 "\r\n" PING_VIA "\r\n");
	TH_LOG("padded to %zu", strlen(out));
	return strlen(out) == len;
}

/* the answer is want, but for the tag's 8 hex digits (X in want) */
static bool answer_is(struct __test_metadata *_metadata, const char *got,
		      size_t len, const char *want)
{
	char *tag, copy[SIP_FRAME_MAX];
	int i;

	if (len >= sizeof(copy))
		return false;
	memcpy(copy, got, len);
	copy[len] = '\0';
	tag = strstr(copy, ";tag=sx");
	if (!tag)
		return false;
	for (i = 0; i < 8; i++) {
		if (!isxdigit((unsigned char)tag[7 + i]))
			return false;
		tag[7 + i] = 'X';
	}
	if (strcmp(copy, want))
		TH_LOG("answer:\n%s\nwanted:\n%s", copy, want);
	return !strcmp(copy, want);
}

/* the value of header id in the answer, as a C string */
static const char *hval(struct sip_msg *m, enum sip_hdr_id id, char *buf)
{
	const struct sip_hdr *h = sip_msg_first(m, id);

	if (!h)
		return "";
	snprintf(buf, 256, "%.*s", (int)h->value.len, h->value.p);
	return buf;
}

TEST_F(options, answer)
{
	static __u8 in[SIP_FRAME_MAX], out[SIP_FRAME_MAX];
	static char text[SIP_FRAME_MAX];
	struct pkt_layout lay;
	struct pkt_view v;
	struct xdp_md ctx = { .ingress_ifindex = self->sb.b.if_in };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	struct run_counters count;
	struct sip_msg m = { 0 };
	const struct sip_via *via;
	struct sip_error e;
	char buf[256];
	int i;

	if (variant->pad_to) {
		ASSERT_TRUE(padded(_metadata, variant->text, variant->pad_to,
				   text, sizeof(text)));
	} else {
		snprintf(text, sizeof(text), "%s", variant->text);
	}
	sip_frame(_metadata, variant->family, 0, 0, SIP_PORT, text,
		  strlen(text), in, &lay);
	opts.data_size_in = lay.len;
	ctx.data_end = lay.len;
	ASSERT_EQ(0, stats_read(self->sb.b.lab.maps.stats_fd, count.before));
	ASSERT_EQ(0, bpf_prog_test_run_opts(self->sb.b.lab.prog_fd, &opts));
	ASSERT_EQ(0, stats_read(self->sb.b.lab.maps.stats_fd, count.after));
	for (i = 0; i < SIPHON_REASON_MAX; i++)
		EXPECT_EQ((__u64)(i == variant->reason),
			  count.after[i] - count.before[i])
		TH_LOG("reason %d", i);
	if (variant->reason != SIPHON_TX_SIP_OPTIONS) {
		EXPECT_EQ((__u32)XDP_PASS, opts.retval);
		EXPECT_EQ((__u32)lay.len, opts.data_size_out);
		EXPECT_EQ(0, memcmp(in, out, lay.len));
		return;
	}
	ASSERT_EQ((__u32)XDP_TX, opts.retval);
	/* turned round: MACs, addresses, ports */
	EXPECT_EQ(0, memcmp(out, in + 6, 6));
	EXPECT_EQ(0, memcmp(out + 6, in, 6));
	ASSERT_EQ(0, pkt_parse(out, opts.data_size_out, &v));
	if (variant->family == 4) {
		EXPECT_EQ(0, memcmp(out + v.l3_off + 12, in + lay.l3_off + 16, 4));
		EXPECT_EQ(0, memcmp(out + v.l3_off + 16, in + lay.l3_off + 12, 4));
		EXPECT_TRUE(ipv4_header_csum_ok(out, opts.data_size_out));
	} else {
		EXPECT_EQ(0, memcmp(out + v.l3_off + 8, in + lay.l3_off + 24, 16));
		EXPECT_EQ(0, memcmp(out + v.l3_off + 24, in + lay.l3_off + 8, 16));
	}
	EXPECT_EQ(SIP_PORT, pkt_get16(out + v.l4_off));
	EXPECT_EQ(SIP_PEER_PORT, pkt_get16(out + v.l4_off + 2));
	EXPECT_TRUE(udp_csum_ok(out, opts.data_size_out));
	EXPECT_EQ((__u32)(v.l4_off + v.l4_len), opts.data_size_out);

	/* the answer, read by siphond's parser */
	ASSERT_EQ(0, sip_msg_parse(&m, (char *)out + v.l4_off + 8,
				   v.l4_len - 8, &e))
	TH_LOG("%.*s", (int)(v.l4_len - 8), out + v.l4_off + 8);
	EXPECT_FALSE(m.is_request);
	EXPECT_EQ(200, m.status);
	EXPECT_EQ(variant->vias, sip_msg_count(&m, SIP_HDR_VIA));
	via = sip_msg_top_via(&m, &e);
	ASSERT_NE(NULL, via);
	EXPECT_EQ(variant->received, via->received.len > 0);
	if (variant->received)
		EXPECT_TRUE(sip_str_eq(via->received,
				       variant->family == 4 ?
					       sip_str_of("198.18.0.10", 11) :
					       sip_str_of("0000:0000:0000:0000:"
							  "0000:ffff:c612:000a",
							  39)));
	EXPECT_EQ(variant->rport, via->rport_has_value);
	if (variant->rport)
		EXPECT_EQ(SIP_PEER_PORT, via->rport);
	if (strstr(variant->text, "branch=z9hG4bK-p"))
		EXPECT_NE(NULL,
			  strstr(hval(&m, SIP_HDR_VIA, buf), "branch=z9hG4bK-p"));
	if (variant->vias == 2)
		EXPECT_NE(NULL, strstr((char *)out + v.l4_off + 8,
				       "\r\n" VIA2));
	EXPECT_NE(NULL, sip_msg_from(&m, &e));
	EXPECT_NE(0u, sip_msg_to(&m, &e)->tag.len);
	if (strstr(variant->text, "tag=f1"))
		EXPECT_NE(NULL, strstr(hval(&m, SIP_HDR_FROM, buf), "tag=f1"));
	EXPECT_EQ(1u, sip_msg_count(&m, SIP_HDR_CALL_ID));
	EXPECT_EQ(1u, sip_msg_count(&m, SIP_HDR_CSEQ));
	EXPECT_EQ((int)SIP_METHOD_OPTIONS, (int)sip_msg_cseq(&m, &e)->method);
	EXPECT_NE(NULL, strstr((char *)out + v.l4_off + 8, SIPHON_SIP_ALLOW));
	EXPECT_STREQ("0", hval(&m, SIP_HDR_CONTENT_LENGTH, buf));
	EXPECT_EQ(0u, m.body.len);
	if (variant->answer)
		EXPECT_TRUE(answer_is(_metadata, (char *)out + v.l4_off + 8,
				      v.l4_len - 8, variant->answer));
}

TEST_HARNESS_MAIN
