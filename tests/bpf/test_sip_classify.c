// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SIP classifier and shield through BPF_PROG_TEST_RUN
 * (tests/lib/sip_bench.h): SIP text in UDP frames to a SIP port goes in;
 * each row checks the verdict, the one reason counted, what the program
 * learned (siphon_sip_info) and the interface's SIP counts.
 *
 * Fixtures:
 *   classify  one frame per table row: methods, responses of each class,
 *             compact forms, keepalives, what is dropped, scanner
 *             User-Agents, what is never classified, IPv6 and VLANs
 *   shield    configuration: ports, rules switched off, patterns changed
 *             at run time, the scan budget, every truncation
 * The agreement with the userspace parser is test_sip_agree.c.
 */
#include "kselftest_harness.h"
#include "sip_bench.h"

#define BRANCH "z9hG4bK-74bf9-1"
#define CALL_ID "3848276298220188511@198.18.0.10"
#define VIA_HDR "Via: SIP/2.0/UDP 198.18.0.10:5062;rport;branch=" BRANCH "\r\n"
#define FROM_HDR "From: \"Alice\" <sip:alice@198.18.0.10>;tag=9fxced76sl\r\n"
#define TO_HDR "To: <sip:bob@198.18.0.1>\r\n"
#define TO_TAG_HDR "To: <sip:bob@198.18.0.1>;tag=314159\r\n"

#define REQ_UA(m, ua)                                                       \
	m " sip:bob@198.18.0.1 SIP/2.0\r\n" VIA_HDR                         \
	  "Max-Forwards: 70\r\n" FROM_HDR TO_HDR "Call-ID: " CALL_ID "\r\n" \
	  "CSeq: 314 " m "\r\n" ua "Content-Length: 0\r\n\r\n"
#define REQ(m) REQ_UA(m, "")
#define RESP(code)                                                             \
	"SIP/2.0 " code "\r\n" VIA_HDR FROM_HDR TO_TAG_HDR "Call-ID: " CALL_ID \
	"\r\nCSeq: 314 INVITE\r\nServer: siphon-test\r\n"                      \
	"Content-Length: 0\r\n\r\n"

#define F_ALL                                                              \
	(SIPHON_SIP_F_HDR_END | SIPHON_SIP_F_CALL_ID | SIPHON_SIP_F_CSEQ | \
	 SIPHON_SIP_F_BRANCH | SIPHON_SIP_F_FROM_TAG |                     \
	 SIPHON_SIP_F_CONTENT_LENGTH | SIPHON_SIP_F_VIA)

FIXTURE(classify)
{
	struct sip_bench sb;
};

FIXTURE_VARIANT(classify)
{
	int family;
	int vlans;
	__u8 l4_proto; /* 0: UDP */
	__u16 dport; /* 0: SIP_PORT */
	const char *text;
	size_t len; /* 0: strlen(text) */
	/* the outcome */
	int verdict;
	int reason;
	int kind;
	int method;
	int status;
	__u32 cseq; /* 0: 314 */
	__u16 flags; /* all set */
	__u16 flags_not; /* all clear */
};

/* clang-format off */
#define METHOD_ROW(name, m) \
FIXTURE_VARIANT_ADD(classify, name) { \
	.family = 4, .text = REQ(#m), .verdict = XDP_PASS, \
	.reason = SIPHON_PASS_SIP_REQUEST, .kind = SIPHON_SIP_KIND_REQUEST, \
	.method = SIPHON_SIP_METHOD_##m, .flags = F_ALL, \
	.flags_not = SIPHON_SIP_F_TO_TAG | SIPHON_SIP_F_USER_AGENT, \
}
METHOD_ROW(invite, INVITE);
METHOD_ROW(ack, ACK);
METHOD_ROW(bye, BYE);
METHOD_ROW(cancel, CANCEL);
METHOD_ROW(register, REGISTER);
METHOD_ROW(options, OPTIONS);
METHOD_ROW(prack, PRACK);
METHOD_ROW(update, UPDATE);
METHOD_ROW(info, INFO);
METHOD_ROW(subscribe, SUBSCRIBE);
METHOD_ROW(notify, NOTIFY);
METHOD_ROW(refer, REFER);
METHOD_ROW(message, MESSAGE);
METHOD_ROW(publish, PUBLISH);
/* an extension method is a request too; "invite" is not INVITE */
FIXTURE_VARIANT_ADD(classify, extension_method) {
	.family = 4, .text = REQ("FOOBAR"), .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_REQUEST, .kind = SIPHON_SIP_KIND_REQUEST,
	.method = SIPHON_SIP_METHOD_OTHER, .flags = F_ALL,
};
FIXTURE_VARIANT_ADD(classify, lower_case_invite) {
	.family = 4, .text = REQ("invite"), .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_REQUEST, .kind = SIPHON_SIP_KIND_REQUEST,
	.method = SIPHON_SIP_METHOD_OTHER, .flags = F_ALL,
};

#define STATUS_ROW(name, code, st) \
FIXTURE_VARIANT_ADD(classify, name) { \
	.family = 4, .text = RESP(code), .verdict = XDP_PASS, \
	.reason = SIPHON_PASS_SIP_RESPONSE, .kind = SIPHON_SIP_KIND_RESPONSE, \
	.status = st, .flags = F_ALL | SIPHON_SIP_F_TO_TAG, \
	.flags_not = SIPHON_SIP_F_USER_AGENT, \
}
STATUS_ROW(status_100, "100 Trying", 100);
STATUS_ROW(status_180, "180 Ringing", 180);
STATUS_ROW(status_200, "200 OK", 200);
STATUS_ROW(status_302, "302 Moved Temporarily", 302);
STATUS_ROW(status_486, "486 Busy Here", 486);
STATUS_ROW(status_503, "503 Service Unavailable", 503);
STATUS_ROW(status_603, "603 Decline", 603);
STATUS_ROW(status_no_reason, "200", 200);
STATUS_ROW(status_version_case, "699 Whatever\r\nX: y", 699);

/* compact forms, names in any case, folded and spaced values */
FIXTURE_VARIANT_ADD(classify, compact_forms) {
	.family = 4,
	.text = "REGISTER sip:198.18.0.1 SIP/2.0\r\n"
		"v: SIP/2.0/UDP 198.18.0.10:5062;branch=" BRANCH "\r\n"
		"f: <sip:alice@198.18.0.10>;tag=a1\r\n"
		"t: <sip:alice@198.18.0.10>\r\n"
		"i: " CALL_ID "\r\n"
		"CSeq: 1 REGISTER\r\n"
		"l: 0\r\n\r\n",
	.cseq = 1, .verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_REQUEST,
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_REGISTER,
	.flags = F_ALL,
};
FIXTURE_VARIANT_ADD(classify, names_any_case_and_spaces) {
	.family = 4,
	.text = "OPTIONS sip:198.18.0.1 sip/2.0\r\n"
		"VIA :  SIP/2.0/UDP 198.18.0.10:5062 ; BRANCH = " BRANCH "\r\n"
		"FROM: sip:alice@198.18.0.10 ;TAG=a1\r\n"
		"tO: <sip:bob@198.18.0.1;tag=uri-param-not-a-tag>\r\n"
		"CALL-ID:\r\n  " CALL_ID "  \r\n"
		"cseq:   7   OPTIONS\r\n"
		"CONTENT-length: 0\r\n\r\n",
	.cseq = 7, .verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_REQUEST,
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_OPTIONS,
	.flags = F_ALL, .flags_not = SIPHON_SIP_F_TO_TAG,
};
FIXTURE_VARIANT_ADD(classify, leading_crlf) {
	.family = 4, .text = "\r\n\r\n" REQ("BYE"), .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_REQUEST, .kind = SIPHON_SIP_KIND_REQUEST,
	.method = SIPHON_SIP_METHOD_BYE, .flags = F_ALL,
};

/* keepalives */
FIXTURE_VARIANT_ADD(classify, crlf_ping) {
	.family = 4, .text = "\r\n\r\n", .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_KEEPALIVE,
	.kind = SIPHON_SIP_KIND_KEEPALIVE,
};
FIXTURE_VARIANT_ADD(classify, crlf_pong) {
	.family = 6, .text = "\r\n", .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_KEEPALIVE,
	.kind = SIPHON_SIP_KIND_KEEPALIVE,
};
FIXTURE_VARIANT_ADD(classify, stun_binding) {
	.family = 4,
	.text = "\x00\x01\x00\x00\x21\x12\xa4\x42" "abcdefghijkl",
	.len = 20, .verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_KEEPALIVE,
	.kind = SIPHON_SIP_KIND_KEEPALIVE,
};

/* dropped: not SIP, bad start lines */
FIXTURE_VARIANT_ADD(classify, not_sip_binary) {
	.family = 4, .text = "\x80\x08\x12\x34\x00\x01\xe2\x40", .len = 8,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_NOT_SIP,
};
FIXTURE_VARIANT_ADD(classify, not_sip_text) {
	.family = 4, .text = "hello, world\r\n\r\n", .verdict = XDP_DROP,
	.reason = SIPHON_DROP_SIP_NOT_SIP,
};
FIXTURE_VARIANT_ADD(classify, not_sip_empty) {
	.family = 4, .text = "", .verdict = XDP_DROP,
	.reason = SIPHON_DROP_SIP_NOT_SIP,
};
FIXTURE_VARIANT_ADD(classify, not_sip_lone_cr) {
	.family = 6, .text = "\r", .verdict = XDP_DROP,
	.reason = SIPHON_DROP_SIP_NOT_SIP,
};
FIXTURE_VARIANT_ADD(classify, bad_start_version) {
	.family = 4, .text = "INVITE sip:bob@198.18.0.1 SIP/3.0\r\n\r\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_http) {
	.family = 4, .text = "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_bare_lf) {
	.family = 4, .text = "OPTIONS sip:198.18.0.1 SIP/2.0\nVia: x\n\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_two_spaces) {
	.family = 4, .text = "OPTIONS  sip:198.18.0.1 SIP/2.0\r\n\r\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_status_700) {
	.family = 4, .text = "SIP/2.0 700 Nope\r\n\r\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_status_tab) {
	.family = 4, .text = "SIP/2.0\t200 OK\r\n\r\n",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};
FIXTURE_VARIANT_ADD(classify, bad_start_cut) {
	.family = 4, .text = "INVITE sip:bob@198.18.0.1 SIP/2",
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_BAD_START,
};

/* scanners: the default patterns, any case, anywhere in the value */
#define SCANNER_ROW(name, ua) \
FIXTURE_VARIANT_ADD(classify, name) { \
	.family = 4, .text = REQ_UA("OPTIONS", "User-Agent: " ua "\r\n"), \
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_SCANNER, \
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_OPTIONS, \
	.flags = F_ALL | SIPHON_SIP_F_USER_AGENT | SIPHON_SIP_F_SCANNER, \
}
SCANNER_ROW(scanner_friendly, "friendly-scanner");
SCANNER_ROW(scanner_friendly_upper, "FRIENDLY-SCANNER");
SCANNER_ROW(scanner_sipvicious, "sipvicious/0.3.4");
SCANNER_ROW(scanner_sipvicious_mixed, "SipVicious");
SCANNER_ROW(scanner_sipcli, "sipcli/v1.8");
SCANNER_ROW(scanner_vax, "VaxSIPUserAgent/3.1");
SCANNER_ROW(scanner_pplsip, "pplsip");
SCANNER_ROW(scanner_sundayddr, "sundayddr");
SCANNER_ROW(scanner_inside, "Mozilla/5.0 (friendly-scanner) x");
FIXTURE_VARIANT_ADD(classify, scanner_compact_less_register) {
	.family = 6, .vlans = 1,
	.text = REQ_UA("REGISTER", "user-agent:sipcli\r\n"),
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_SCANNER,
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_REGISTER,
	.flags = F_ALL | SIPHON_SIP_F_SCANNER,
};
FIXTURE_VARIANT_ADD(classify, legit_ua) {
	.family = 4,
	.text = REQ_UA("INVITE", "User-Agent: Linphone/5.2 (belle-sip/5.2)\r\n"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_REQUEST,
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_INVITE,
	.flags = F_ALL | SIPHON_SIP_F_USER_AGENT,
	.flags_not = SIPHON_SIP_F_SCANNER,
};
FIXTURE_VARIANT_ADD(classify, legit_ua_almost) {
	.family = 4, .text = REQ_UA("INVITE", "User-Agent: sipvicio\r\n"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_REQUEST,
	.kind = SIPHON_SIP_KIND_REQUEST, .method = SIPHON_SIP_METHOD_INVITE,
	.flags = F_ALL | SIPHON_SIP_F_USER_AGENT,
	.flags_not = SIPHON_SIP_F_SCANNER,
};
/* a response is never judged by its User-Agent */
FIXTURE_VARIANT_ADD(classify, response_with_scanner_ua) {
	.family = 4, .text = RESP("200 OK\r\nUser-Agent: friendly-scanner"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_RESPONSE,
	.kind = SIPHON_SIP_KIND_RESPONSE, .status = 200,
	.flags = F_ALL | SIPHON_SIP_F_USER_AGENT,
	.flags_not = SIPHON_SIP_F_SCANNER,
};

/* never classified: not a SIP port, not UDP */
FIXTURE_VARIANT_ADD(classify, other_port) {
	.family = 4, .dport = 5070, .text = "friendly garbage",
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NO_FLOW,
};
FIXTURE_VARIANT_ADD(classify, sip_on_other_port) {
	.family = 4, .dport = 30000, .text = REQ("INVITE"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NO_FLOW,
};
FIXTURE_VARIANT_ADD(classify, tcp_5060) {
	.family = 4, .l4_proto = PKT_PROTO_TCP, .text = "not SIP at all",
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_UDP,
};
FIXTURE_VARIANT_ADD(classify, tcp6_5060_vlan2) {
	.family = 6, .vlans = 2, .l4_proto = PKT_PROTO_TCP,
	.text = REQ_UA("OPTIONS", "User-Agent: friendly-scanner\r\n"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_NOT_UDP,
};

/* IPv6 and VLANs */
FIXTURE_VARIANT_ADD(classify, v6_invite) {
	.family = 6, .text = REQ("INVITE"), .verdict = XDP_PASS,
	.reason = SIPHON_PASS_SIP_REQUEST, .kind = SIPHON_SIP_KIND_REQUEST,
	.method = SIPHON_SIP_METHOD_INVITE, .flags = F_ALL,
};
FIXTURE_VARIANT_ADD(classify, v4_vlan2_response) {
	.family = 4, .vlans = 2, .text = RESP("180 Ringing"),
	.verdict = XDP_PASS, .reason = SIPHON_PASS_SIP_RESPONSE,
	.kind = SIPHON_SIP_KIND_RESPONSE, .status = 180,
	.flags = F_ALL | SIPHON_SIP_F_TO_TAG,
};
FIXTURE_VARIANT_ADD(classify, v6_vlan1_not_sip) {
	.family = 6, .vlans = 1, .text = "\x16\x03\x01", .len = 3,
	.verdict = XDP_DROP, .reason = SIPHON_DROP_SIP_NOT_SIP,
};
/* clang-format on */

FIXTURE_SETUP(classify)
{
	sip_bench_setup(_metadata, &self->sb);
}

FIXTURE_TEARDOWN(classify)
{
	sip_bench_teardown(&self->sb);
}

TEST_F(classify, row)
{
	const char *text = variant->text;
	size_t len = variant->len ? variant->len : strlen(text);
	struct siphon_sip_counts before, after;
	struct sip_outcome out;
	bool sip = variant->kind == SIPHON_SIP_KIND_REQUEST ||
		   variant->kind == SIPHON_SIP_KIND_RESPONSE;
	__u32 n, h;

	sip_counts(_metadata, &self->sb, self->sb.b.if_in, &before);
	sip_run(_metadata, &self->sb, variant->family, variant->vlans,
		variant->l4_proto, variant->dport ?: SIP_PORT, text, len, &out);
	ASSERT_EQ(variant->verdict, out.verdict);
	assert_counted(_metadata, &out.count, variant->reason);
	sip_counts(_metadata, &self->sb, self->sb.b.if_in, &after);

	if (variant->reason == SIPHON_PASS_NO_FLOW ||
	    variant->reason == SIPHON_PASS_NOT_UDP) {
		/* never read */
		ASSERT_FALSE(out.info_set);
		ASSERT_EQ(0, memcmp(&before, &after, sizeof(after)));
		return;
	}
	ASSERT_TRUE(out.info_set);
	ASSERT_EQ(variant->reason, (int)out.info.reason);
	ASSERT_EQ(variant->kind, out.info.kind);
	ASSERT_EQ(len, out.info.payload_len);
	ASSERT_EQ(variant->method, out.info.method);
	ASSERT_EQ(variant->status, out.info.status);
	ASSERT_EQ(variant->flags, out.info.flags & variant->flags)
	{
		TH_LOG("flags 0x%x", out.info.flags);
	}
	ASSERT_EQ(0, out.info.flags & variant->flags_not)
	{
		TH_LOG("flags 0x%x", out.info.flags);
	}
	if (variant->flags & SIPHON_SIP_F_CALL_ID) {
		h = sip_hash(CALL_ID, strlen(CALL_ID), &n);
		ASSERT_EQ(h, out.info.call_id_hash);
		ASSERT_EQ(n, out.info.call_id_len);
	}
	if (variant->flags & SIPHON_SIP_F_BRANCH) {
		h = sip_hash(BRANCH, strlen(BRANCH), &n);
		ASSERT_EQ(h, out.info.branch_hash);
		ASSERT_EQ(n, out.info.branch_len);
	}
	if (variant->flags & SIPHON_SIP_F_CSEQ) {
		ASSERT_EQ(variant->cseq ?: 314u, out.info.cseq);
		ASSERT_EQ(variant->kind == SIPHON_SIP_KIND_REQUEST ?
				  variant->method :
				  SIPHON_SIP_METHOD_INVITE,
			  out.info.cseq_method);
	}
	if (variant->flags & SIPHON_SIP_F_CONTENT_LENGTH) {
		ASSERT_EQ(0u, out.info.content_length);
	}

	/* requests by method, responses by class, on the ingress interface */
	if (variant->kind == SIPHON_SIP_KIND_REQUEST) {
		before.requests[variant->method]++;
	} else if (sip) {
		before.responses[variant->status / 100 - 1]++;
	}
	ASSERT_EQ(0, memcmp(&before, &after, sizeof(after)));
}

/* -------------------------------------------------------------------- */
/* shield: configuration, the scan budget, truncations                   */
/* -------------------------------------------------------------------- */

FIXTURE(shield)
{
	struct sip_bench sb;
};

FIXTURE_SETUP(shield)
{
	sip_bench_setup(_metadata, &self->sb);
}

FIXTURE_TEARDOWN(shield)
{
	sip_bench_teardown(&self->sb);
}

static void run_text(struct __test_metadata *_metadata, struct sip_bench *sb,
		     __u16 dport, const char *text, int reason)
{
	struct sip_outcome out;

	sip_run(_metadata, sb, 4, 0, 0, dport, text, strlen(text), &out);
	ASSERT_EQ(reason_xdp_of(reason), out.verdict);
	assert_counted(_metadata, &out.count, reason);
}

/* ports: the configured ones replace 5060, and apply at once */
TEST_F(shield, sip_ports)
{
	run_text(_metadata, &self->sb, 5080, "junk", SIPHON_PASS_NO_FLOW);
	sip_set_cfg(_metadata, &self->sb, 0, "5080,5062");
	run_text(_metadata, &self->sb, 5080, "junk", SIPHON_DROP_SIP_NOT_SIP);
	run_text(_metadata, &self->sb, 5062, REQ("INVITE"),
		 SIPHON_PASS_SIP_REQUEST);
	run_text(_metadata, &self->sb, 5060, "junk", SIPHON_PASS_NO_FLOW);
	sip_set_cfg(_metadata, &self->sb, 0, NULL);
	run_text(_metadata, &self->sb, 5060, "junk", SIPHON_DROP_SIP_NOT_SIP);
}

/* every rule switched off passes what it would drop, counted as such */
TEST_F(shield, rules_off)
{
	const char *scanner =
		REQ_UA("OPTIONS", "User-Agent: friendly-scanner\r\n");

	sip_set_cfg(_metadata, &self->sb, SIPHON_SHIELD_OFF_NOT_SIP, NULL);
	run_text(_metadata, &self->sb, SIP_PORT, "junk",
		 SIPHON_PASS_SIP_RULE_OFF);
	run_text(_metadata, &self->sb, SIP_PORT, "SIP/2.0 99 x\r\n\r\n",
		 SIPHON_DROP_SIP_BAD_START);
	sip_set_cfg(_metadata, &self->sb, SIPHON_SHIELD_OFF_BAD_START, NULL);
	run_text(_metadata, &self->sb, SIP_PORT, "SIP/2.0 99 x\r\n\r\n",
		 SIPHON_PASS_SIP_RULE_OFF);
	run_text(_metadata, &self->sb, SIP_PORT, scanner,
		 SIPHON_DROP_SIP_SCANNER);
	sip_set_cfg(_metadata, &self->sb, SIPHON_SHIELD_OFF_SCANNER, NULL);
	run_text(_metadata, &self->sb, SIP_PORT, scanner,
		 SIPHON_PASS_SIP_RULE_OFF);
	run_text(_metadata, &self->sb, SIP_PORT, "junk",
		 SIPHON_DROP_SIP_NOT_SIP);
	/* the classifier off: SIP ports are UDP like any other */
	sip_set_cfg(_metadata, &self->sb, SIPHON_SHIELD_OFF_CLASSIFY, NULL);
	run_text(_metadata, &self->sb, SIP_PORT, scanner, SIPHON_PASS_NO_FLOW);
}

/* patterns change at run time; the defaults are seeded once */
TEST_F(shield, scanner_patterns)
{
	char list[SIPHON_SCANNERS_MAX][SIPHON_SCANNER_LEN_MAX + 1];
	const char *evil = REQ_UA("INVITE", "User-Agent: EvilDialer 2.0\r\n");
	const char *vicious = REQ_UA("INVITE", "User-Agent: sipvicious\r\n");
	int i, n;

	n = shield_scanners_list(self->sb.scanners_fd, list);
	ASSERT_EQ(6, n);
	ASSERT_STREQ("friendly-scanner", list[0]);
	run_text(_metadata, &self->sb, SIP_PORT, evil, SIPHON_PASS_SIP_REQUEST);
	ASSERT_EQ(0, shield_scanner_add(self->sb.scanners_fd, "EVILdialer"));
	ASSERT_EQ(-EEXIST,
		  shield_scanner_add(self->sb.scanners_fd, "evildialer"));
	run_text(_metadata, &self->sb, SIP_PORT, evil, SIPHON_DROP_SIP_SCANNER);
	ASSERT_EQ(0, shield_scanner_del(self->sb.scanners_fd, "sipvicious"));
	ASSERT_EQ(-ENOENT,
		  shield_scanner_del(self->sb.scanners_fd, "sipvicious"));
	run_text(_metadata, &self->sb, SIP_PORT, vicious,
		 SIPHON_PASS_SIP_REQUEST);
	/* seeding again leaves the operator's list alone */
	ASSERT_EQ(0, shield_scanners_seed(self->sb.shield_fd,
					  self->sb.scanners_fd));
	run_text(_metadata, &self->sb, SIP_PORT, vicious,
		 SIPHON_PASS_SIP_REQUEST);
	ASSERT_EQ(-EINVAL, shield_scanner_add(self->sb.scanners_fd, ""));
	ASSERT_EQ(-EINVAL,
		  shield_scanner_add(self->sb.scanners_fd,
				     "0123456789abcdef0123456789abcdef"));
	/* a full list refuses one more; a pattern of the longest length */
	for (i = 0; i < SIPHON_SCANNERS_MAX - 6; i++) {
		char p[8];

		snprintf(p, sizeof(p), "zz%d", i);
		ASSERT_EQ(0, shield_scanner_add(self->sb.scanners_fd, p));
	}
	ASSERT_EQ(-ENOSPC, shield_scanner_add(self->sb.scanners_fd, "more"));
	ASSERT_EQ(0, shield_scanner_del(self->sb.scanners_fd, "zz0"));
	ASSERT_EQ(0, shield_scanner_add(self->sb.scanners_fd,
					"0123456789abcdef0123456789abcde"));
	run_text(_metadata, &self->sb, SIP_PORT,
		 REQ_UA("INVITE",
			"User-Agent: x0123456789ABCDEF0123456789ABCDEx\r\n"),
		 SIPHON_DROP_SIP_SCANNER);
	run_text(_metadata, &self->sb, SIP_PORT,
		 REQ_UA("INVITE",
			"User-Agent: x0123456789ABCDEF0123456789ABCDx\r\n"),
		 SIPHON_PASS_SIP_REQUEST);
	/* reset: the defaults again */
	ASSERT_EQ(0, shield_scanners_reset(self->sb.scanners_fd));
	ASSERT_EQ(6, shield_scanners_list(self->sb.scanners_fd, list));
}

/* a message of headers padded to pos bytes before the User-Agent */
static size_t padded(char *buf, size_t size, size_t pad, const char *ua)
{
	size_t n;

	n = snprintf(
		buf, size,
		"OPTIONS sip:198.18.0.1 SIP/2.0\r\n" VIA_HDR FROM_HDR TO_HDR
		"Call-ID: " CALL_ID "\r\nCSeq: 1 OPTIONS\r\nX-Pad: ");
	memset(buf + n, 'p', pad);
	n += pad;
	n += snprintf(buf + n, size - n,
		      "\r\nUser-Agent: %s\r\nContent-Length: 0\r\n\r\n", ua);
	return n;
}

/*
 * The scan budget: headers that end within it are read whole; a scanner
 * whose User-Agent lies past it passes, counted as too long; a big body
 * after short headers does not matter.
 */
TEST_F(shield, scan_budget)
{
	static char buf[SIP_FRAME_MAX];
	struct sip_outcome out;
	size_t len;

	len = padded(buf, sizeof(buf), 1500, "friendly-scanner");
	ASSERT_GT((size_t)SIPHON_SIP_SCAN_MAX, len);
	sip_run(_metadata, &self->sb, 4, 0, 0, SIP_PORT, buf, len, &out);
	assert_counted(_metadata, &out.count, SIPHON_DROP_SIP_SCANNER);

	len = padded(buf, sizeof(buf), 2100, "friendly-scanner");
	ASSERT_LT((size_t)SIPHON_SIP_SCAN_MAX, len);
	sip_run(_metadata, &self->sb, 6, 1, 0, SIP_PORT, buf, len, &out);
	ASSERT_EQ(XDP_PASS, out.verdict);
	assert_counted(_metadata, &out.count, SIPHON_PASS_SIP_TOO_LONG);
	ASSERT_EQ(SIPHON_SIP_KIND_REQUEST, out.info.kind);
	ASSERT_EQ(SIPHON_SIP_METHOD_OPTIONS, out.info.method);
	ASSERT_FALSE(out.info.flags & SIPHON_SIP_F_USER_AGENT);

	/* short headers, a body past the budget: read, passed */
	len = snprintf(buf, sizeof(buf), "%s", REQ("MESSAGE"));
	len -= strlen("Content-Length: 0\r\n\r\n");
	len += snprintf(buf + len, sizeof(buf) - len,
			"Content-Length: 2500\r\n\r\n");
	memset(buf + len, 'b', 2500);
	len += 2500;
	sip_run(_metadata, &self->sb, 4, 0, 0, SIP_PORT, buf, len, &out);
	assert_counted(_metadata, &out.count, SIPHON_PASS_SIP_REQUEST);
	ASSERT_EQ(2500u, out.info.content_length);
}

/*
 * Every truncation of valid SIP is safe: each prefix of the payload,
 * sent as a shorter datagram (lengths consistent), is verified, runs
 * and gets a documented verdict: a start line cut short is dropped
 * (bad start line; inside its first word: not SIP); cut anywhere after
 * it, the message passes as a request or response. Each prefix of the
 * frame (the datagram cut, lengths inconsistent) passes as truncated.
 */
TEST_F(shield, every_truncation)
{
	static const char *const texts[] = {
		REQ_UA("INVITE", "User-Agent: Linphone\r\n"),
		RESP("183 Session Progress"),
		"\r\n" REQ("ACK"),
	};
	static __u8 frame[SIP_FRAME_MAX];
	struct pkt_layout lay;
	struct sip_outcome out;
	size_t cut, len, line, lead, word;
	unsigned int t;
	int want;

	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		len = strlen(texts[t]);
		line = strstr(texts[t] + 2, "\r\n") - texts[t] + 2;
		lead = texts[t][0] == '\r' ? 2 : 0;
		word = lead + strcspn(texts[t] + lead, " /");
		for (cut = 0; cut <= len; cut++) {
			sip_run(_metadata, &self->sb, cut % 2 ? 6 : 4, cut % 3,
				0, SIP_PORT, texts[t], cut, &out);
			if (cut >= line)
				want = texts[t][0] == 'S' ?
					       SIPHON_PASS_SIP_RESPONSE :
					       SIPHON_PASS_SIP_REQUEST;
			else if (texts[t][0] == '\r' && cut <= 2)
				want = cut == 2 ? SIPHON_PASS_SIP_KEEPALIVE :
						  SIPHON_DROP_SIP_NOT_SIP;
			else if (cut <= word)
				want = SIPHON_DROP_SIP_NOT_SIP;
			else
				want = SIPHON_DROP_SIP_BAD_START;
			ASSERT_EQ(want, (int)out.info.reason)
			{
				TH_LOG("text %u cut at %zu: %s", t, cut,
				       reason_name(out.info.reason));
			}
			assert_counted(_metadata, &out.count, want);
		}
		sip_frame(_metadata, 4, 1, 0, SIP_PORT, texts[t], len, frame,
			  &lay);
		for (cut = ETH_HLEN; cut < lay.len; cut++) {
			sip_run_frame(_metadata, &self->sb, frame, cut, &out);
			ASSERT_EQ(XDP_PASS, out.verdict);
			assert_counted(_metadata, &out.count,
				       SIPHON_PASS_TRUNCATED);
		}
	}
}

/* counts are per ingress interface */
TEST_F(shield, counts_per_interface)
{
	struct siphon_sip_counts in, out_if;
	struct sip_outcome out;
	static __u8 frame[SIP_FRAME_MAX];
	struct pkt_layout lay;

	sip_frame(_metadata, 4, 0, 0, SIP_PORT, REQ("BYE"), strlen(REQ("BYE")),
		  frame, &lay);
	sip_run_frame(_metadata, &self->sb, frame, lay.len, &out);
	self->sb.b.if_in = self->sb.b.if_out; /* arrive on the other one */
	sip_run_frame(_metadata, &self->sb, frame, lay.len, &out);
	sip_run_frame(_metadata, &self->sb, frame, lay.len, &out);
	sip_counts(_metadata, &self->sb, lab_ifindex(DEV_IN), &in);
	sip_counts(_metadata, &self->sb, self->sb.b.if_out, &out_if);
	ASSERT_EQ(1u, in.requests[SIPHON_SIP_METHOD_BYE]);
	ASSERT_EQ(2u, out_if.requests[SIPHON_SIP_METHOD_BYE]);
}

TEST_HARNESS_MAIN
