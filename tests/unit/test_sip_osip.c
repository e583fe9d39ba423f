// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential test of siphon's SIP parser against libosip2.
 *
 * Every corpus message (tests/corpus/sip/), and variants of the "ok" ones
 * that RFC 3261 says mean the same thing (other header name case, compact
 * forms, whitespace around the colon, folded values), goes through both
 * parsers. When both accept, the fields a proxy matches transactions on
 * must read the same: they are printed into one line per parser and the
 * lines compared. When only one accepts, the case must be in the table
 * below, with its reason; a new disagreement, or a listed one that no
 * longer happens, fails the test.
 *
 * The corpus is found like test_sip_corpus.c finds it: $SIPHON_ROOT, else
 * next to the binary, else the working directory.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osipparser2/osip_parser.h>

#include "kselftest_harness.h"
#include "corpus.h"
#include "sip/sip_msg.h"
#include "sip/sip_uri.h"

#define CORPUS "tests/corpus/sip"
#define SUMMARY_MAX 1024

/*
 * How one message came out of the two parsers. AGREE: both refuse, or
 * both accept and read the same fields.
 */
enum outcome {
	AGREE,
	ONLY_SIPHON, /* siphon accepts, libosip2 refuses */
	ONLY_OSIP, /* libosip2 accepts, siphon refuses */
	FIELDS, /* both accept, the fields differ */
};

/*
 * Every disagreement, and who is right, by the rule of RFC 3261 (section
 * numbers) it turns on. The variant is "orig" for the corpus file as
 * written, or "*" for the file and every variant of it. A disagreement not
 * listed here fails the test, and so does a listed one that no longer
 * happens: the table stays the truth.
 */
struct disagreement {
	const char *file;
	const char *variant;
	enum outcome outcome;
	const char *why;
};

static const struct disagreement expected[] = {
	{ "bare_lf.sip", "orig", ONLY_OSIP,
	  "lines end in CRLF (RFC 3261 7, 25.1): siphon right" },
	{ "body_without_content_type.sip", "orig", ONLY_OSIP,
	  "a body needs Content-Type (20.15): siphon right" },
	{ "call_id_with_space.sip", "orig", ONLY_OSIP,
	  "Call-ID = word [\"@\" word], no SP (25.1): siphon right" },
	{ "conflicting_max_forwards.sip", "orig", ONLY_OSIP,
	  "one line per non-list header (7.3.1); libosip2 keeps "
	  "Max-Forwards unparsed: siphon right" },
	{ "content_length_huge.sip", "orig", ONLY_OSIP,
	  "a length past the datagram is an error (18.3); libosip2's "
	  "check overflows: siphon right" },
	{ "content_length_negative.sip", "orig", ONLY_OSIP,
	  "Content-Length = 1*DIGIT (25.1): siphon right" },
	{ "cseq_method_case.sip", "orig", ONLY_OSIP,
	  "CSeq method must be the request's (8.1.1.5), methods are "
	  "case-sensitive (25.1 INVITEm): siphon right" },
	{ "cseq_method_mismatch.sip", "orig", ONLY_OSIP,
	  "CSeq method must be the request's (8.1.1.5): siphon right" },
	{ "extension_cseq_mismatch.sip", "orig", ONLY_OSIP,
	  "the same for an extension method (8.1.1.5): siphon right" },
	{ "cseq_not_number.sip", "orig", ONLY_OSIP,
	  "CSeq = 1*DIGIT LWS Method (25.1): siphon right" },
	{ "cseq_too_big.sip", "orig", ONLY_OSIP,
	  "the sequence number is below 2^31 (8.1.1.5): siphon right" },
	{ "header_name_bad_char.sip", "orig", ONLY_OSIP,
	  "a header name is a token (25.1): siphon right" },
	{ "max_forwards_256.sip", "orig", ONLY_OSIP,
	  "Max-Forwards is 0..255 (20.22); libosip2 does not parse "
	  "it: siphon right" },
	{ "max_forwards_negative.sip", "orig", ONLY_OSIP,
	  "Max-Forwards = 1*DIGIT (25.1): siphon right" },
	{ "message_too_long.sip", "orig", ONLY_OSIP,
	  "siphon's SIP_MSG_MAX, a policy limit, not an RFC rule" },
	{ "too_many_headers.sip", "orig", ONLY_OSIP,
	  "siphon's SIP_HEADERS_MAX, a policy limit, not an RFC rule" },
	{ "value_too_long.sip", "orig", ONLY_OSIP,
	  "siphon's SIP_VALUE_MAX, a policy limit, not an RFC rule" },
	{ "method_bad_char.sip", "orig", ONLY_OSIP,
	  "Method = token, '@' is not a token character (25.1): "
	  "siphon right" },
	{ "missing_call_id.sip", "orig", ONLY_OSIP,
	  "Call-ID is mandatory (8.1.1); libosip2 leaves that to its "
	  "caller: siphon right" },
	{ "missing_from.sip", "orig", ONLY_OSIP,
	  "From is mandatory (8.1.1): siphon right" },
	{ "response_missing_via.sip", "orig", ONLY_OSIP,
	  "a response carries the request's Vias (8.2.6.2) and is "
	  "matched on the top one (18.1.2): siphon right" },
	{ "no_empty_line.sip", "orig", ONLY_OSIP,
	  "the empty line after the headers is mandatory (7): siphon "
	  "right" },
	{ "request_line_two_spaces.sip", "orig", ONLY_OSIP,
	  "Request-Line = Method SP Request-URI SP SIP-Version "
	  "(25.1): siphon right" },
	{ "response_version_1.sip", "orig", ONLY_OSIP,
	  "SIP-Version is SIP/2.0 (7.1): siphon right" },
	{ "version_200.sip", "orig", ONLY_OSIP,
	  "SIP-Version is SIP/2.0 (7.1): siphon right" },
	{ "version_3.sip", "orig", ONLY_OSIP,
	  "SIP-Version is SIP/2.0 (7.1): siphon right" },
	{ "status_99.sip", "orig", ONLY_OSIP,
	  "Status-Code = 3DIGIT (25.1): siphon right" },
	{ "status_700.sip", "orig", ONLY_OSIP,
	  "3DIGIT, but there is no class 7 (7.2, 21): siphon's "
	  "reading is the safe one" },
	{ "status_two_digits.sip", "orig", ONLY_OSIP,
	  "Status-Code = 3DIGIT (25.1): siphon right" },
	{ "status_four_digits.sip", "orig", ONLY_OSIP,
	  "Status-Code = 3DIGIT (25.1): siphon right" },
	{ "status_line_tab.sip", "orig", ONLY_OSIP,
	  "the Status-Line separators are SP, not HTAB (25.1): siphon "
	  "right" },
	{ "via_bad_port.sip", "orig", ONLY_OSIP,
	  "port 99999 is no UDP or TCP port (18.2.2 sends to it): "
	  "siphon right" },
	{ "identical_duplicate.sip", "*", ONLY_SIPHON,
	  "a second Call-ID line breaks 7.3.1: libosip2 strictly "
	  "right; siphon takes byte-identical copies on purpose, "
	  "nothing is ambiguous" },
	{ "response_no_reason_sp.sip", "*", FIELDS,
	  "\"SIP/2.0 183\" CRLF lacks the SP before an empty reason "
	  "(25.1); siphon reads an empty reason, libosip2 swallows "
	  "the Via line as the reason and loses the top Via (17.1.3 "
	  "can no longer match it): siphon right" },
};

#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

/* ---- one line of transaction fields per parser ---- */

struct line {
	char s[SUMMARY_MAX];
	size_t n;
};

static void put(struct line *l, const char *key, const char *p, size_t len)
{
	int w;

	if (!p) {
		p = "-";
		len = 1;
	}
	w = snprintf(l->s + l->n, sizeof(l->s) - l->n, "%s=%.*s ", key,
		     (int)len, p);
	if (w > 0 && l->n + (size_t)w < sizeof(l->s))
		l->n += (size_t)w;
}

static void put_str(struct line *l, const char *key, struct sip_str s)
{
	put(l, key, s.p, s.len);
}

static void put_cstr(struct line *l, const char *key, const char *s)
{
	put(l, key, s, s ? strlen(s) : 0);
}

static void put_num(struct line *l, const char *key, long v)
{
	char num[24];

	snprintf(num, sizeof(num), "%ld", v);
	put_cstr(l, key, num);
}

/* IPv6 references compare without their brackets */
static void put_host(struct line *l, const char *key, const char *p, size_t len)
{
	if (p && len >= 2 && p[0] == '[' && p[len - 1] == ']') {
		p++;
		len -= 2;
	}
	put(l, key, p, len);
}

/* ---- siphon ---- */

static struct sip_msg msg;

static void ours_ruri(struct line *l, struct sip_str text)
{
	struct sip_error err;
	struct sip_uri uri;
	char user[256];
	int n;

	if (sip_uri_parse(text, &uri, &err)) {
		put_cstr(l, "ruri", "unparsed");
		return;
	}
	if (uri.scheme == SIP_URI_TEL) {
		put_cstr(l, "ruri", "tel");
		return;
	}
	/* libosip2 hands out the user decoded: compare decoded */
	n = uri.user.p ? sip_uri_unescape(uri.user, user, sizeof(user)) : -1;
	if (n >= 0)
		put(l, "ruri-user", user, (size_t)n);
	else
		put_str(l, "ruri-user", uri.user);
	put_host(l, "ruri-host", uri.host.p, uri.host.len);
}

/*
 * Without Content-Length libosip2 makes one up from the body, so the
 * length compared is the header's value, else the body's. libosip2 splits
 * a multipart body into its parts: no length of the whole survives there.
 */
static void ours_body(struct line *l)
{
	const struct sip_content_type *ct;
	struct sip_error err;

	put_num(l, "content-length",
		msg.has_content_length ? msg.content_length : msg.body.len);
	ct = sip_msg_content_type(&msg, &err);
	if (ct && sip_str_ieq_cstr(ct->type, "multipart"))
		put_cstr(l, "body", "parts");
	else
		put_num(l, "body", msg.body.len);
}

static void ours_fields(struct line *l)
{
	struct sip_error err;
	const struct sip_cseq *cseq = sip_msg_cseq(&msg, &err);
	const struct sip_via *via = sip_msg_top_via(&msg, &err);
	const struct sip_addr *from = sip_msg_from(&msg, &err);
	const struct sip_addr *to = sip_msg_to(&msg, &err);
	const struct sip_str *call_id = sip_msg_call_id(&msg, &err);

	if (msg.is_request)
		put_str(l, "method", msg.method_str);
	else
		put_num(l, "status", msg.status);
	put_str(l, "call-id", *call_id);
	put_num(l, "cseq", cseq->seq);
	put_str(l, "cseq-method", cseq->method_str);
	put_host(l, "via-host", via->host.p, via->host.len);
	put_str(l, "branch", via->branch);
	put_str(l, "from-tag", from->tag);
	put_str(l, "to-tag", to->tag);
	if (msg.is_request)
		ours_ruri(l, msg.uri);
	ours_body(l);
}

/* 1 and the fields when siphon accepts, 0 when it refuses */
static int ours(const char *buf, size_t len, struct line *l)
{
	struct sip_error err = { SIP_ERR_OK, 0 };

	if (sip_msg_parse(&msg, buf, len, &err) ||
	    sip_msg_validate(&msg, &err)) {
		snprintf(l->s, sizeof(l->s), "refused: %s",
			 sip_err_name(err.code));
		return 0;
	}
	l->n = 0;
	ours_fields(l);
	return 1;
}

/* ---- libosip2 ---- */

static void osip_ruri(struct line *l, const osip_uri_t *uri)
{
	if (!uri) {
		put_cstr(l, "ruri", "unparsed");
		return;
	}
	if (uri->scheme && !strcasecmp(uri->scheme, "tel")) {
		put_cstr(l, "ruri", "tel");
		return;
	}
	put_cstr(l, "ruri-user", uri->username);
	put_host(l, "ruri-host", uri->host, uri->host ? strlen(uri->host) : 0);
}

static void osip_call_id(struct line *l, const osip_call_id_t *id)
{
	char both[512];

	if (id && id->host) {
		snprintf(both, sizeof(both), "%s@%s", id->number, id->host);
		put_cstr(l, "call-id", both);
		return;
	}
	put_cstr(l, "call-id", id ? id->number : NULL);
}

static void osip_tag(struct line *l, const char *key, osip_list_t *params)
{
	osip_generic_param_t *tag = NULL;

	osip_generic_param_get_byname(params, "tag", &tag);
	put_cstr(l, key, tag ? tag->gvalue : NULL);
}

static void osip_top_via(struct line *l, osip_message_t *m)
{
	osip_generic_param_t *branch = NULL;
	osip_via_t *via = NULL;

	osip_message_get_via(m, 0, &via);
	if (!via) {
		put_cstr(l, "via-host", NULL);
		put_cstr(l, "branch", NULL);
		return;
	}
	put_host(l, "via-host", via->host, via->host ? strlen(via->host) : 0);
	osip_via_param_get_byname(via, "branch", &branch);
	put_cstr(l, "branch", branch ? branch->gvalue : NULL);
}

static void osip_body_len(struct line *l, osip_message_t *m)
{
	osip_body_t *body = NULL;
	long clen = -1;

	if (m->content_length && m->content_length->value)
		clen = strtol(m->content_length->value, NULL, 10);
	put_num(l, "content-length", clen);
	if (m->content_type && m->content_type->type &&
	    !strcasecmp(m->content_type->type, "multipart")) {
		put_cstr(l, "body", "parts");
		return;
	}
	osip_message_get_body(m, 0, &body);
	put_num(l, "body", body ? (long)body->length : 0);
}

static void osip_fields(struct line *l, osip_message_t *m)
{
	l->n = 0;
	if (MSG_IS_REQUEST(m))
		put_cstr(l, "method", m->sip_method);
	else
		put_num(l, "status", m->status_code);
	osip_call_id(l, m->call_id);
	put_num(l, "cseq",
		m->cseq && m->cseq->number ? strtol(m->cseq->number, NULL, 10) :
					     -1);
	put_cstr(l, "cseq-method", m->cseq ? m->cseq->method : NULL);
	osip_top_via(l, m);
	if (m->from)
		osip_tag(l, "from-tag", &m->from->gen_params);
	else
		put_cstr(l, "from-tag", NULL);
	if (m->to)
		osip_tag(l, "to-tag", &m->to->gen_params);
	else
		put_cstr(l, "to-tag", NULL);
	if (MSG_IS_REQUEST(m))
		osip_ruri(l, m->req_uri);
	osip_body_len(l, m);
}

static void drop_trace(const char *file, int line, osip_trace_level_t level,
		       const char *fmt, va_list ap)
{
}

/* libosip2 logs every refusal to stderr: the TAP log is ours */
static void quiet_osip(void)
{
	osip_trace_initialize_func(END_TRACE_LEVEL, drop_trace);
}

static int theirs(const char *buf, size_t len, struct line *l)
{
	osip_message_t *m = NULL;
	int ok;

	if (osip_message_init(&m))
		return -1;
	ok = !osip_message_parse(m, buf, len);
	if (ok)
		osip_fields(l, m);
	else
		snprintf(l->s, sizeof(l->s), "refused");
	osip_message_free(m);
	return ok;
}

/* ---- variants: the same message as RFC 3261 allows it to be written ---- */

struct out {
	char *p;
	size_t n, size;
};

static void emit(struct out *o, const char *p, size_t len)
{
	if (o->n + len > o->size)
		len = o->size - o->n;
	memcpy(o->p + o->n, p, len);
	o->n += len;
}

static void emit_cstr(struct out *o, const char *s)
{
	emit(o, s, strlen(s));
}

static void emit_case(struct out *o, struct sip_str name, int (*conv)(int))
{
	uint32_t i;

	for (i = 0; i < name.len && o->n < o->size; i++)
		o->p[o->n++] = (char)conv((unsigned char)name.p[i]);
}

/* one header line: its name (no spaces) and what follows the colon */
typedef void (*mutator_fn)(struct out *o, struct sip_str name,
			   struct sip_str value);

static void mut_upper(struct out *o, struct sip_str name, struct sip_str value)
{
	emit_case(o, name, toupper);
	emit(o, ":", 1);
	emit(o, value.p, value.len);
}

static void mut_lower(struct out *o, struct sip_str name, struct sip_str value)
{
	emit_case(o, name, tolower);
	emit(o, ":", 1);
	emit(o, value.p, value.len);
}

/* RFC 3261 section 7.3.3 and 20: the compact forms siphon must know */
static const char *const compact[][2] = {
	{ "Via", "v" },		 { "From", "f" },
	{ "To", "t" },		 { "Call-ID", "i" },
	{ "Contact", "m" },	 { "Content-Length", "l" },
	{ "Content-Type", "c" }, { "Subject", "s" },
	{ "Supported", "k" },	 { "Content-Encoding", "e" },
};

/* long names become compact and compact ones long */
static void mut_compact(struct out *o, struct sip_str name,
			struct sip_str value)
{
	const char *swap = NULL;
	size_t i;

	for (i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		if (sip_str_ieq_cstr(name, compact[i][0]))
			swap = compact[i][1];
		else if (sip_str_ieq_cstr(name, compact[i][1]))
			swap = compact[i][0];
	}
	if (swap)
		emit_cstr(o, swap);
	else
		emit(o, name.p, name.len);
	emit(o, ":", 1);
	emit(o, value.p, value.len);
}

/* HCOLON = *( SP / HTAB ) ":" SWS */
static void mut_spaces(struct out *o, struct sip_str name, struct sip_str value)
{
	emit(o, name.p, name.len);
	emit_cstr(o, " \t:  ");
	emit(o, value.p, value.len);
}

static struct sip_str ltrim(struct sip_str s)
{
	while (s.len && (*s.p == ' ' || *s.p == '\t')) {
		s.p++;
		s.len--;
	}
	return s;
}

/* SWS after the colon may hold a line fold (RFC 3261 section 7.3.1) */
static void mut_fold(struct out *o, struct sip_str name, struct sip_str value)
{
	value = ltrim(value);
	emit(o, name.p, name.len);
	emit(o, ":", 1);
	if (value.len)
		emit_cstr(o, "\r\n ");
	emit(o, value.p, value.len);
}

/* where the first ';' outside quotes and <> is, or -1 */
static long first_semi(struct sip_str v)
{
	bool quoted = false;
	int angle = 0;
	uint32_t i;

	for (i = 0; i < v.len; i++) {
		if (quoted && v.p[i] == '\\')
			i++;
		else if (v.p[i] == '"')
			quoted = !quoted;
		else if (!quoted && v.p[i] == '<')
			angle++;
		else if (!quoted && v.p[i] == '>')
			angle--;
		else if (!quoted && !angle && v.p[i] == ';')
			return i;
	}
	return -1;
}

/* SEMI = SWS ";" SWS: a fold before the first header parameter */
static void mut_fold_param(struct out *o, struct sip_str name,
			   struct sip_str value)
{
	long at = first_semi(value);

	emit(o, name.p, name.len);
	emit(o, ":", 1);
	if (at < 0) {
		emit(o, value.p, value.len);
		return;
	}
	emit(o, value.p, (size_t)at);
	emit_cstr(o, "\r\n\t");
	emit(o, value.p + at, value.len - (size_t)at);
}

static const struct {
	const char *name;
	mutator_fn fn;
} mutators[] = {
	{ "upper", mut_upper },	    { "lower", mut_lower },
	{ "compact", mut_compact }, { "spaces", mut_spaces },
	{ "fold", mut_fold },	    { "fold_param", mut_fold_param },
};

#define NMUTATORS (sizeof(mutators) / sizeof(mutators[0]))

static const char *line_end(const char *p, const char *end)
{
	const char *cr = memmem(p, (size_t)(end - p), "\r\n", 2);

	return cr ? cr : end;
}

/* one header line, or a continuation line copied as it is */
static void mutate_line(struct out *o, mutator_fn fn, const char *p,
			const char *eol)
{
	const char *colon = memchr(p, ':', (size_t)(eol - p));
	struct sip_str name;

	if (*p == ' ' || *p == '\t' || !colon) {
		emit(o, p, (size_t)(eol - p));
		return;
	}
	name = sip_str_of(p, (size_t)(colon - p));
	while (name.len &&
	       (name.p[name.len - 1] == ' ' || name.p[name.len - 1] == '\t'))
		name.len--;
	fn(o, name, sip_str_of(colon + 1, (size_t)(eol - colon - 1)));
}

/*
 * The variant in a malloc'd buffer of exactly its size: leading CRLFs and
 * the start line as they are, each header line through fn, the empty line
 * and the body as they are.
 */
static char *mutate(const char *buf, size_t len, mutator_fn fn, size_t *out_len)
{
	const char *p = buf, *end = buf + len, *eol;
	struct out o = { malloc(3 * len + 64), 0, 3 * len + 64 };
	char *exact;

	if (!o.p)
		return NULL;
	while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	eol = line_end(p, end);
	emit(&o, buf, (size_t)(eol - buf));
	for (p = eol; end - p >= 2 && p < end;) {
		emit(&o, "\r\n", 2);
		p += 2;
		eol = line_end(p, end);
		if (eol == p)
			break;
		mutate_line(&o, fn, p, eol);
		p = eol;
	}
	emit(&o, p, (size_t)(end - p));
	exact = malloc(o.n ? o.n : 1);
	if (exact)
		memcpy(exact, o.p, o.n);
	free(o.p);
	*out_len = o.n;
	return exact;
}

/* ---- the comparison ---- */

struct tally {
	unsigned int checked, both, neither;
	bool seen[NEXPECTED];
};

/* the entry for this file and variant, or NULL */
static const struct disagreement *listed(const char *file, const char *variant)
{
	size_t i;

	for (i = 0; i < NEXPECTED; i++)
		if (!strcmp(expected[i].file, file) &&
		    (!strcmp(expected[i].variant, variant) ||
		     !strcmp(expected[i].variant, "*")))
			return &expected[i];
	return NULL;
}

static enum outcome judge(int x, int y, const struct line *a,
			  const struct line *b)
{
	if (x && y)
		return strcmp(a->s, b->s) ? FIELDS : AGREE;
	if (x != y)
		return x ? ONLY_SIPHON : ONLY_OSIP;
	return AGREE;
}

static const char *const outcome_names[] = {
	[AGREE] = "AGREE",
	[ONLY_SIPHON] = "ONLY_SIPHON",
	[ONLY_OSIP] = "ONLY_OSIP",
	[FIELDS] = "FIELDS",
};

static void compare(struct __test_metadata *_metadata, struct tally *t,
		    const char *file, const char *variant, const char *buf,
		    size_t len)
{
	static struct line a, b;
	const struct disagreement *d = listed(file, variant);
	int x = ours(buf, len, &a), y = theirs(buf, len, &b);
	enum outcome o;

	ASSERT_LE(0, y);
	o = judge(x, y, &a, &b);
	t->checked++;
	t->both += x && y;
	t->neither += !x && !y;
	EXPECT_EQ(d ? d->outcome : AGREE, o)
	{
		TH_LOG("%s %s: %s, listed %s", file, variant, outcome_names[o],
		       outcome_names[d ? d->outcome : AGREE]);
		TH_LOG("siphon:   %s", a.s);
		TH_LOG("libosip2: %s", b.s);
	}
	if (d && d->outcome == o)
		t->seen[d - expected] = true;
}

static void check_file(struct __test_metadata *_metadata, struct tally *t,
		       const char *dir, const char *name, bool ok)
{
	char path[PATH_MAX + 256];
	size_t len, vlen, i;
	char *buf, *v;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = corpus_slurp(path, &len);
	ASSERT_NE(NULL, buf);
	compare(_metadata, t, name, "orig", buf, len);
	for (i = 0; ok && i < NMUTATORS; i++) {
		v = mutate(buf, len, mutators[i].fn, &vlen);
		ASSERT_NE(NULL, v);
		if (vlen != len || memcmp(v, buf, len))
			compare(_metadata, t, name, mutators[i].name, v, vlen);
		free(v);
	}
	free(buf);
}

/* listed disagreements that did not happen: the table is out of date */
static unsigned int unseen(struct __test_metadata *_metadata,
			   const struct tally *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < NEXPECTED; i++) {
		if (t->seen[i])
			continue;
		TH_LOG("listed but not seen: %s %s", expected[i].file,
		       expected[i].variant);
		n++;
	}
	return n;
}

TEST(both_parsers_agree)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], line[512];
	char name[256], want[128];
	struct tally t = { 0 };
	FILE *f;

	ASSERT_EQ(0, parser_init());
	quiet_osip();
	corpus_path(CORPUS, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/VERDICTS", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f)
	{
		TH_LOG("no %s: set SIPHON_ROOT", path);
	}
	while (fgets(line, sizeof(line), f))
		if (line[0] != '#' &&
		    sscanf(line, "%255s %127s", name, want) == 2)
			check_file(_metadata, &t, dir, name,
				   !strcmp(want, "ok"));
	fclose(f);
	EXPECT_EQ(0u, unseen(_metadata, &t));
	EXPECT_LE(200u, t.checked);
	TH_LOG("%u messages: %u accepted by both, %u refused by both",
	       t.checked, t.both, t.neither);
}

TEST_HARNESS_MAIN
