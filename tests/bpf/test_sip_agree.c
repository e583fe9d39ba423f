// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP classifier and siphond's parser agree.
 *
 * Every tests/corpus/sip/NAME.sip, and variants generated from each with a
 * fixed seed (method and header names in another case, compact forms,
 * extra white space, every prefix, byte flips), goes through the BPF
 * classifier (wrapped in UDP/IPv4 to port 5060, BPF_PROG_TEST_RUN) and
 * through sip_msg_parse(). The classifier reads less than the parser
 * validates, so the rules are:
 *
 *  R1 never drop what siphond accepts: a message the classifier drops as
 *     not SIP or as a bad start line, sip_msg_parse() refuses.
 *  R2 the start line is judged alike: when sip_msg_parse() refuses a
 *     message for its start line (the error lies at or before the first
 *     LF after the leading CRLFs: bad start line, method, Request-URI,
 *     version, status, line end, or a start line cut short), the
 *     classifier drops it, unless that start line runs past the scan
 *     budget (then it passes, counted as too long). A payload of CRLFs
 *     alone is a keepalive to the classifier and "empty" to the parser:
 *     both refuse to see a message in it.
 *  R3 when both see a message (the classifier passes it as a request or
 *     a response, the parser indexes it), they agree on request or
 *     response, the method (enum sip_method and enum siphon_sip_method
 *     are one list), the status, the Call-ID (FNV-1a and length, when the
 *     parser's Call-ID accessor accepts it) and the top Via branch
 *     (present or not and its hash, when the parser's top Via accessor
 *     accepts it); the classifier read the headers to their end.
 *  R4 the classifier passes as a message what the parser refuses only for
 *     header or body reasons (its header scan is lenient): counted, fine.
 *  R5 "too long" only for payloads longer than the scan budget; no
 *     scanner drop anywhere in the corpus.
 * The summary line gives the counts of each case.
 */
#include "kselftest_harness.h"
#include "corpus.h"
#include "sip_bench.h"
#include "sip/sip_msg.h"

#define CORPUS "tests/corpus/sip"
/* room for the frame's headers below SIP_FRAME_MAX */
#define AGREE_PAYLOAD_MAX (SIP_FRAME_MAX - 64)
#define FLIPS_PER_MESSAGE 40
#define PREFIX_ALL 800 /* every prefix up to here, then a stride */
#define PREFIX_STRIDE 37

_Static_assert((int)SIP_METHOD_MAX == (int)SIPHON_SIP_METHOD_MAX,
	       "one method list");
_Static_assert((int)SIP_METHOD_OTHER == (int)SIPHON_SIP_METHOD_OTHER,
	       "one method list");
_Static_assert((int)SIP_METHOD_PUBLISH == (int)SIPHON_SIP_METHOD_PUBLISH,
	       "one method list");

struct agree_stats {
	unsigned int messages;
	unsigned int both_msg; /* R3 checked */
	unsigned int both_refuse_start; /* R2 */
	unsigned int bpf_drop_user_refuses; /* R1, other reasons */
	unsigned int lenient; /* R4 */
	unsigned int keepalive;
	unsigned int too_long;
	unsigned int call_ids; /* Call-IDs compared */
	unsigned int branches; /* branches compared */
};

static struct sip_msg msg;

static __u64 rng_state = 0x5190a11ceull;

/* xorshift64*: the same variants on every run */
static __u32 rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (__u32)((rng_state * 0x2545f4914f6cdd1dull) >> 32);
}

/* run the classifier only: scratch cleared, program run, info read */
static void bpf_classify(struct __test_metadata *_metadata,
			 struct sip_bench *sb, const char *text, size_t len,
			 struct siphon_sip_info *info)
{
	static __u8 frame[SIP_FRAME_MAX];
	struct pkt_layout lay;
	struct xdp_md ctx = { .ingress_ifindex = sb->b.if_in };
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	__u32 zero = 0;
	int cpu;

	sip_frame(_metadata, 4, 0, 0, SIP_PORT, text, len, frame, &lay);
	ctx.data_end = lay.len;
	opts.data_in = frame;
	opts.data_size_in = lay.len;
	opts.ctx_in = &ctx;
	opts.ctx_size_in = sizeof(ctx);
	opts.repeat = 1;
	memset(sb->percpu, 0, sb->ncpus * sb->scan_stride);
	ASSERT_EQ(0,
		  bpf_map_update_elem(sb->scan_fd, &zero, sb->percpu, BPF_ANY));
	ASSERT_EQ(0, bpf_prog_test_run_opts(sb->b.lab.prog_fd, &opts));
	ASSERT_EQ(0, bpf_map_lookup_elem(sb->scan_fd, &zero, sb->percpu));
	for (cpu = 0; cpu < sb->ncpus; cpu++) {
		memcpy(info, sb->percpu + cpu * sb->scan_stride, sizeof(*info));
		if (info->reason)
			break;
	}
	ASSERT_NE(0u, info->reason);
	ASSERT_EQ(reason_xdp_of(info->reason), (int)opts.retval);
}

/* where the start line ends: its LF, after the leading CRLFs; or len */
static size_t start_line_end(const char *t, size_t len)
{
	size_t p = 0;
	const char *lf;

	while (len - p >= 2 && t[p] == '\r' && t[p + 1] == '\n')
		p += 2;
	lf = memchr(t + p, '\n', len - p);
	return lf ? (size_t)(lf - t) : len;
}

static bool only_crlf(const char *t, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		if (t[i] != '\r' || t[i + 1] != '\n')
			return false;
	}
	return len && i == len;
}

static bool start_line_err(enum sip_err code)
{
	switch (code) {
	case SIP_ERR_BAD_START_LINE:
	case SIP_ERR_BAD_METHOD:
	case SIP_ERR_BAD_REQUEST_URI:
	case SIP_ERR_BAD_VERSION:
	case SIP_ERR_BAD_STATUS:
	case SIP_ERR_BAD_LINE_END:
	case SIP_ERR_TRUNCATED:
		return true;
	default:
		return false;
	}
}

static void agree(struct __test_metadata *_metadata, struct sip_bench *sb,
		  const char *name, const char *t, size_t len,
		  struct agree_stats *st)
{
	struct siphon_sip_info info = {};
	struct sip_error err = { SIP_ERR_OK, 0 };
	const struct sip_via *via;
	const struct sip_str *cid;
	bool user_ok, dropped, is_msg;
	__u32 h, n;

	bpf_classify(_metadata, sb, t, len, &info);
	user_ok = !sip_msg_parse(&msg, t, len, &err);
	dropped = info.reason == SIPHON_DROP_SIP_NOT_SIP ||
		  info.reason == SIPHON_DROP_SIP_BAD_START;
	is_msg = info.reason == SIPHON_PASS_SIP_REQUEST ||
		 info.reason == SIPHON_PASS_SIP_RESPONSE;
	st->messages++;

	/* R5 */
	ASSERT_NE(SIPHON_DROP_SIP_SCANNER, (int)info.reason)
	{
		TH_LOG("%s", name);
	}
	if (info.reason == SIPHON_PASS_SIP_TOO_LONG) {
		ASSERT_LT((size_t)SIPHON_SIP_SCAN_MAX, len)
		{
			TH_LOG("%s: too long at %zu bytes", name, len);
		}
		st->too_long++;
		return;
	}
	if (info.reason == SIPHON_PASS_SIP_KEEPALIVE) {
		ASSERT_TRUE(only_crlf(t, len));
		ASSERT_FALSE(user_ok);
		st->keepalive++;
		return;
	}
	/* R1 */
	if (dropped) {
		ASSERT_FALSE(user_ok)
		{
			TH_LOG("%s (%zu bytes): dropped by XDP (%s), parsed by "
			       "siphond",
			       name, len, reason_name(info.reason));
		}
	}
	/* R2 */
	if (!user_ok && start_line_err(err.code) &&
	    err.offset <= start_line_end(t, len)) {
		ASSERT_TRUE(dropped)
		{
			TH_LOG("%s (%zu bytes): siphond refuses the start line "
			       "(%s at %u), XDP says %s",
			       name, len, sip_err_name(err.code), err.offset,
			       reason_name(info.reason));
		}
		st->both_refuse_start++;
		return;
	}
	if (dropped) {
		st->bpf_drop_user_refuses++;
		return;
	}
	ASSERT_TRUE(is_msg)
	{
		TH_LOG("%s: %s", name, reason_name(info.reason));
	}
	/* R4 */
	if (!user_ok) {
		st->lenient++;
		return;
	}
	/* R3 */
	st->both_msg++;
	ASSERT_TRUE(info.flags & SIPHON_SIP_F_HDR_END)
	{
		TH_LOG("%s: the header scan stopped (flags 0x%x)", name,
		       info.flags);
	}
	ASSERT_EQ(msg.is_request, info.kind == SIPHON_SIP_KIND_REQUEST)
	{
		TH_LOG("%s", name);
	}
	if (msg.is_request) {
		ASSERT_EQ((int)msg.method, info.method)
		{
			TH_LOG("%s", name);
		}
	} else {
		ASSERT_EQ(msg.status, info.status)
		{
			TH_LOG("%s", name);
		}
	}
	cid = sip_msg_call_id(&msg, &err);
	if (cid) {
		h = sip_hash(cid->p, cid->len, &n);
		ASSERT_TRUE(info.flags & SIPHON_SIP_F_CALL_ID);
		ASSERT_EQ(n, info.call_id_len)
		{
			TH_LOG("%s: Call-ID", name);
		}
		ASSERT_EQ(h, info.call_id_hash)
		{
			TH_LOG("%s: Call-ID", name);
		}
		st->call_ids++;
	}
	via = sip_msg_top_via(&msg, &err);
	if (via) {
		ASSERT_EQ(via->branch.len > 0,
			  !!(info.flags & SIPHON_SIP_F_BRANCH))
		{
			TH_LOG("%s: branch", name);
		}
		if (via->branch.len) {
			h = sip_hash(via->branch.p, via->branch.len, &n);
			ASSERT_EQ(n, info.branch_len)
			{
				TH_LOG("%s: branch", name);
			}
			ASSERT_EQ(h, info.branch_hash)
			{
				TH_LOG("%s: branch", name);
			}
		}
		st->branches++;
	}
}

/* ---- variants ---- */

static size_t hdr_region_end(const char *t, size_t len)
{
	const char *e = memmem(t, len, "\r\n\r\n", 4);

	return e ? (size_t)(e - t) + 2 : len;
}

static char toggle(char c)
{
	if (c >= 'a' && c <= 'z')
		return c - 32;
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	return c;
}

/* the method (or "SIP") in the other case */
static size_t mut_method_case(const char *t, size_t len, char *out)
{
	size_t i = 0;

	memcpy(out, t, len);
	while (len - i >= 2 && t[i] == '\r' && t[i + 1] == '\n')
		i += 2;
	for (; i < len && t[i] != ' ' && t[i] != '\r'; i++)
		out[i] = toggle(t[i]);
	return len;
}

/* every header name in the other case */
static size_t mut_names_case(const char *t, size_t len, char *out)
{
	size_t end = hdr_region_end(t, len), i = start_line_end(t, len);
	bool in_name = true;

	memcpy(out, t, len);
	for (i = i + 1; i < end; i++) {
		if (t[i] == '\n')
			in_name = true;
		else if (t[i] == ':')
			in_name = false;
		else if (in_name)
			out[i] = toggle(t[i]);
	}
	return len;
}

/* a header line at t[i..]: its name rewritten into out; bytes consumed */
static const struct {
	const char *full;
	const char *compact;
} compact_names[] = {
	{ "call-id", "i" },	   { "via", "v" },
	{ "from", "f" },	   { "to", "t" },
	{ "content-length", "l" },
};

static size_t mut_compact(const char *t, size_t len, char *out)
{
	size_t end = hdr_region_end(t, len), i, o, k, n;

	i = start_line_end(t, len);
	i = i < len ? i + 1 : len;
	memcpy(out, t, i);
	o = i;
	while (i < end) {
		for (k = 0;
		     k < sizeof(compact_names) / sizeof(compact_names[0]);
		     k++) {
			n = strlen(compact_names[k].full);
			if (i + n < end && t[i + n] == ':' &&
			    !strncasecmp(t + i, compact_names[k].full, n)) {
				out[o++] = compact_names[k].compact[0];
				i += n;
				break;
			}
		}
		while (i < end && t[i] != '\n')
			out[o++] = t[i++];
		if (i < end)
			out[o++] = t[i++];
	}
	memcpy(out + o, t + i, len - i);
	return o + len - i;
}

/* " :  " for every ':' that ends a header name */
static size_t mut_spaces(const char *t, size_t len, char *out)
{
	size_t end = hdr_region_end(t, len), i, o;
	bool in_name = true;

	i = start_line_end(t, len);
	i = i < len ? i + 1 : len;
	memcpy(out, t, i);
	o = i;
	for (; i < len; i++) {
		if (i < end && t[i] == '\n')
			in_name = true;
		if (i < end && in_name && t[i] == ':') {
			if (o + 4 >= AGREE_PAYLOAD_MAX)
				return 0;
			memcpy(out + o, " :  ", 4);
			o += 4;
			in_name = false;
			continue;
		}
		if (o + 1 >= AGREE_PAYLOAD_MAX)
			return 0;
		out[o++] = t[i];
	}
	return o;
}

/* one to three bytes replaced, with a bias to SIP's delimiters */
static size_t mut_flip(const char *t, size_t len, char *out)
{
	static const char pick[] = " \t\r\n:;,=<>\"/@.\x00\x7f\x80\xffSsIiPp2";
	int flips = 1 + rng() % 3, f;
	size_t pos;

	memcpy(out, t, len);
	for (f = 0; f < flips && len; f++) {
		/* most flips in the start line, where verdicts change */
		pos = rng() % 2 ? rng() % (start_line_end(t, len) + 1) :
				  rng() % len;
		if (pos >= len)
			pos = len - 1;
		out[pos] = rng() % 4 ? pick[rng() % (sizeof(pick) - 1)] :
				       (char)rng();
	}
	return len;
}

FIXTURE(agree)
{
	struct sip_bench sb;
};

FIXTURE_SETUP(agree)
{
	struct siphon_rate_cfg rc = {};
	unsigned int i;

	sip_bench_setup(_metadata, &self->sb);
	/* every variant comes from one source: budgets that never run dry,
	 * so the classifier's own verdict is what is compared */
	for (i = 0; i < SIPHON_RATE_CLASSES; i++) {
		rc.budget[i].rate = SIPHON_RATE_MAX;
		rc.budget[i].burst = SIPHON_RATE_MAX;
	}
	ASSERT_EQ(0, shield_rate_write(bpf_map__fd(self->sb.b.lab.obj->maps
							   .siphon_rate),
				       &rc));
}

FIXTURE_TEARDOWN(agree)
{
	sip_bench_teardown(&self->sb);
}

static void one_message(struct __test_metadata *_metadata, struct sip_bench *sb,
			const char *name, const char *t, size_t len,
			struct agree_stats *st)
{
	static char out[AGREE_PAYLOAD_MAX];
	char what[300];
	size_t n, cut;
	int i;

	if (len > AGREE_PAYLOAD_MAX)
		len = AGREE_PAYLOAD_MAX; /* a prefix: see R5 */
	agree(_metadata, sb, name, t, len, st);
	snprintf(what, sizeof(what), "%s/method-case", name);
	agree(_metadata, sb, what, out, mut_method_case(t, len, out), st);
	snprintf(what, sizeof(what), "%s/names-case", name);
	agree(_metadata, sb, what, out, mut_names_case(t, len, out), st);
	snprintf(what, sizeof(what), "%s/compact", name);
	agree(_metadata, sb, what, out, mut_compact(t, len, out), st);
	n = mut_spaces(t, len, out);
	snprintf(what, sizeof(what), "%s/spaces", name);
	if (n)
		agree(_metadata, sb, what, out, n, st);
	for (cut = 0; cut < len; cut += cut < PREFIX_ALL ? 1 : PREFIX_STRIDE) {
		snprintf(what, sizeof(what), "%s/prefix-%zu", name, cut);
		agree(_metadata, sb, what, t, cut, st);
	}
	for (i = 0; i < FLIPS_PER_MESSAGE; i++) {
		snprintf(what, sizeof(what), "%s/flip-%d", name, i);
		agree(_metadata, sb, what, out, mut_flip(t, len, out), st);
	}
}

TEST_F(agree, corpus_and_variants)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], line[512], name[256];
	struct agree_stats st = {};
	unsigned int files = 0;
	size_t len;
	char *buf;
	FILE *f;

	corpus_path(CORPUS, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/VERDICTS", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f)
	{
		TH_LOG("no %s: set SIPHON_ROOT", path);
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || sscanf(line, "%255s", name) != 1)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		buf = corpus_slurp(path, &len);
		ASSERT_NE(NULL, buf);
		one_message(_metadata, &self->sb, name, buf, len, &st);
		free(buf);
		files++;
	}
	fclose(f);
	ASSERT_LE(80u, files);
	TH_LOG("%u files, %u messages: %u both a message (R3: %u Call-IDs, "
	       "%u branches), %u start lines both refuse (R2), %u dropped by "
	       "XDP and refused by siphond otherwise (R1), %u passed by XDP "
	       "and refused by siphond (R4), %u keepalives, %u too long",
	       files, st.messages, st.both_msg, st.call_ids, st.branches,
	       st.both_refuse_start, st.bpf_drop_user_refuses, st.lenient,
	       st.keepalive, st.too_long);
	ASSERT_LE(40u, st.both_msg);
	ASSERT_LE(40u, st.call_ids);
	ASSERT_LE(1u, st.too_long);
}

TEST_HARNESS_MAIN
