// SPDX-License-Identifier: GPL-2.0-only
/*
 * The bounded writer, the reason phrases of RFC 3261 section 21, and
 * responses built from a request (section 8.2.6).
 */
#include <string.h>

#include "sip_build.h"
#include "sip_lex.h"

void sip_wr_init(struct sip_wr *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->len = 0;
	/* a reader refuses more than SIP_MSG_MAX: never write what it drops */
	w->cap = cap < SIP_MSG_MAX ? (uint32_t)cap : SIP_MSG_MAX;
	w->full = false;
	w->lines = 0;
}

void sip_wr_mem(struct sip_wr *w, const void *p, size_t n)
{
	if (w->full || !n)
		return;
	if (n > w->cap - w->len) {
		w->full = true;
		return;
	}
	memcpy(w->buf + w->len, p, n);
	w->len += (uint32_t)n;
}

void sip_wr_str(struct sip_wr *w, struct sip_str s)
{
	sip_wr_mem(w, s.p, s.len);
}

void sip_wr_cstr(struct sip_wr *w, const char *s)
{
	sip_wr_mem(w, s, strlen(s));
}

void sip_wr_uint(struct sip_wr *w, uint32_t v)
{
	char d[10];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sip_wr_mem(w, d + i, sizeof(d) - i);
}

/*
 * A line ends in exactly one CRLF. The parser can leave a bare CRLF at
 * the end of a value (a continuation line of white space only), which
 * written as is would end the headers early: such tails are dropped.
 */
struct sip_str sip_build_value(struct sip_str v)
{
	while (v.len && (sip_is(v.p[v.len - 1], SIP_CT_WS) ||
			 v.p[v.len - 1] == '\r' || v.p[v.len - 1] == '\n'))
		v.len--;
	return v;
}

void sip_wr_line(struct sip_wr *w, struct sip_str name, struct sip_str value)
{
	value = sip_build_value(value);
	sip_wr_str(w, name);
	sip_wr_mem(w, ": ", 2);
	sip_wr_str(w, value);
	sip_wr_mem(w, "\r\n", 2);
	w->lines++;
}

void sip_wr_raw_line(struct sip_wr *w, struct sip_str raw)
{
	sip_wr_str(w, raw);
	w->lines++;
}

int sip_wr_end(struct sip_wr *w, struct sip_error *err)
{
	if (w->lines > SIP_HEADERS_MAX) {
		err->code = SIP_ERR_TOO_MANY_HEADERS;
		err->offset = 0;
		return -1;
	}
	if (w->full) {
		err->code = SIP_ERR_TOO_LONG;
		err->offset = w->cap;
		return -1;
	}
	err->code = SIP_ERR_OK;
	err->offset = 0;
	return (int)w->len;
}

static const struct {
	uint16_t code;
	const char *phrase;
} reasons[] = {
	{ 100, "Trying" },
	{ 180, "Ringing" },
	{ 181, "Call Is Being Forwarded" },
	{ 182, "Queued" },
	{ 183, "Session Progress" },
	{ 200, "OK" },
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Moved Temporarily" },
	{ 305, "Use Proxy" },
	{ 380, "Alternative Service" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 402, "Payment Required" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" },
	{ 410, "Gone" },
	{ 413, "Request Entity Too Large" },
	{ 414, "Request-URI Too Long" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" },
	{ 421, "Extension Required" },
	{ 423, "Interval Too Brief" },
	{ 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" },
	{ 483, "Too Many Hops" },
	{ 484, "Address Incomplete" },
	{ 485, "Ambiguous" },
	{ 486, "Busy Here" },
	{ 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" },
	{ 491, "Request Pending" },
	{ 493, "Undecipherable" },
	{ 500, "Server Internal Error" },
	{ 501, "Not Implemented" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Server Time-out" },
	{ 505, "Version Not Supported" },
	{ 513, "Message Too Large" },
	{ 600, "Busy Everywhere" },
	{ 603, "Decline" },
	{ 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
};

const char *sip_reason_phrase(int status)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (reasons[i].code == status)
			return reasons[i].phrase;
	}
	return NULL;
}

static int fail(struct sip_error *err, enum sip_err code, uint32_t off)
{
	err->code = code;
	err->offset = off;
	return -1;
}

bool sip_build_text_ok(struct sip_str s)
{
	uint32_t i;

	for (i = 0; i < s.len; i++) {
		if (sip_is(s.p[i], SIP_CT_CTL))
			return false;
	}
	return true;
}

bool sip_build_token_ok(struct sip_str s)
{
	uint32_t i;

	for (i = 0; i < s.len; i++) {
		if (!sip_is(s.p[i], SIP_CT_TOKEN))
			return false;
	}
	return s.len;
}

/* "name:" ahead of a value, and not a Content-Length of its own */
static bool extra_name_ok(const char *p, const char *e)
{
	struct sip_cur c = { p, e, p };
	struct sip_str name;

	if (!sip_lex_token(&c, &name) ||
	    sip_hdr_id_of(name.p, name.len) == SIP_HDR_CONTENT_LENGTH)
		return false;
	while (c.p < e && sip_is(*c.p, SIP_CT_WS))
		c.p++;
	return sip_cur_take(&c, ':');
}

/*
 * The caller's extra lines must be whole header lines: a bare CR or LF,
 * an empty line or a second Content-Length would let them end the
 * headers early or frame the body differently from what we write.
 */
static int check_extra(struct sip_str x, unsigned int *lines,
		       struct sip_error *err)
{
	const char *p = x.p, *end = x.p + x.len, *lf;
	bool ok;

	*lines = 0;
	while (p < end) {
		lf = memchr(p, '\n', (size_t)(end - p));
		ok = lf && lf - p >= 2 && lf[-1] == '\r' &&
		     lf - p <= SIP_VALUE_MAX &&
		     sip_build_text_ok(sip_str_between(p, lf - 1));
		/* a fold continues the line above, which must be ours */
		if (ok && sip_is(*p, SIP_CT_WS))
			ok = p != x.p;
		else if (ok && extra_name_ok(p, lf - 1))
			++*lines;
		else
			ok = false;
		if (!ok)
			return fail(err, SIP_ERR_BAD_HEADER_LINE,
				    (uint32_t)(p - x.p));
		p = lf + 1;
	}
	return 0;
}

static int check_response(const struct sip_msg *req,
			  const struct sip_response *r, const char **reason,
			  unsigned int *extra_lines, struct sip_error *err)
{
	if (!req->is_request)
		return fail(err, SIP_ERR_BAD_START_LINE, 0);
	if (r->status < 100 || r->status > 699)
		return fail(err, SIP_ERR_BAD_STATUS, 0);
	*reason = r->reason ? r->reason : sip_reason_phrase(r->status);
	if (!*reason)
		return fail(err, SIP_ERR_BAD_STATUS, 0);
	if (!sip_build_text_ok(sip_str_of(*reason, strlen(*reason))))
		return fail(err, SIP_ERR_BAD_START_LINE, 0);
	if (r->to_tag.len && !sip_build_token_ok(r->to_tag))
		return fail(err, SIP_ERR_BAD_PARAM, 0);
	if (r->body.len && !r->content_type.len)
		return fail(err, SIP_ERR_BAD_CONTENT_TYPE, 0);
	if (!sip_build_text_ok(r->content_type) ||
	    r->content_type.len > SIP_VALUE_MAX)
		return fail(err, SIP_ERR_BAD_CONTENT_TYPE, 0);
	return check_extra(r->extra, extra_lines, err);
}

/* the first line of id as received, or MISSING_HEADER */
static const struct sip_hdr *need(const struct sip_msg *req, enum sip_hdr_id id,
				  struct sip_error *err)
{
	const struct sip_hdr *h = sip_msg_first(req, id);

	if (!h)
		fail(err, SIP_ERR_MISSING_HEADER, req->hdr_end);
	return h;
}

/* To, with ";tag=" appended when it has none and one is wanted */
static int write_to(struct sip_wr *w, const struct sip_msg *req,
		    const struct sip_hdr *to, const struct sip_response *r,
		    struct sip_error *err)
{
	struct sip_addr a;

	sip_wr_str(w, to->name);
	sip_wr_mem(w, ": ", 2);
	sip_wr_str(w, sip_build_value(to->value));
	if (r->status > 100 && r->to_tag.len) {
		if (sip_to_parse(sip_build_value(to->value), &a, err)) {
			err->offset += (uint32_t)(to->value.p - req->buf);
			return -1;
		}
		if (to->value.len + 5 + r->to_tag.len > SIP_VALUE_MAX)
			return fail(err, SIP_ERR_VALUE_TOO_LONG,
				    (uint32_t)(to->value.p - req->buf));
		/* params close the value either way (section 20.10) */
		if (!a.tag.p) {
			sip_wr_cstr(w, ";tag=");
			sip_wr_str(w, r->to_tag);
		}
	}
	sip_wr_mem(w, "\r\n", 2);
	w->lines++;
	return 0;
}

/* every Via line in order, then the single-valued dialog headers */
static int write_copied(struct sip_wr *w, const struct sip_msg *req,
			const struct sip_response *r, struct sip_error *err)
{
	static const uint8_t ids[] = { SIP_HDR_FROM, SIP_HDR_TO,
				       SIP_HDR_CALL_ID, SIP_HDR_CSEQ };
	const struct sip_hdr *h;
	size_t i;

	h = need(req, SIP_HDR_VIA, err);
	if (!h)
		return -1;
	for (; h; h = sip_msg_next(req, h))
		sip_wr_line(w, h->name, h->value);
	for (i = 0; i < sizeof(ids); i++) {
		/*
		 * A 400 also answers a request that lacks one of these: there
		 * is nothing to copy, and its reason phrase names what is
		 * missing. The Via it goes back by is always needed.
		 */
		if (r->status == 400 && !sip_msg_first(req, ids[i]))
			continue;
		h = need(req, ids[i], err);
		if (!h)
			return -1;
		if (ids[i] == SIP_HDR_TO) {
			if (write_to(w, req, h, r, err))
				return -1;
		} else {
			sip_wr_line(w, h->name, h->value);
		}
	}
	/* section 8.2.6.1: a 100 echoes Timestamp */
	h = sip_msg_find(req, "Timestamp");
	if (r->status == 100 && h)
		sip_wr_line(w, h->name, h->value);
	return 0;
}

int sip_build_response(const struct sip_msg *req, const struct sip_response *r,
		       char *out, size_t cap, struct sip_error *err)
{
	unsigned int extra_lines;
	const char *reason;
	struct sip_wr w;

	if (check_response(req, r, &reason, &extra_lines, err))
		return -1;
	sip_wr_init(&w, out, cap);
	sip_wr_cstr(&w, "SIP/2.0 ");
	sip_wr_uint(&w, (uint32_t)r->status);
	sip_wr_mem(&w, " ", 1);
	sip_wr_cstr(&w, reason);
	sip_wr_mem(&w, "\r\n", 2);
	if (write_copied(&w, req, r, err))
		return -1;
	sip_wr_str(&w, r->extra);
	w.lines += extra_lines;
	if (r->content_type.len)
		sip_wr_line(&w, sip_str_of("Content-Type", 12),
			    r->content_type);
	sip_wr_cstr(&w, "Content-Length: ");
	sip_wr_uint(&w, r->body.len);
	sip_wr_mem(&w, "\r\n\r\n", 4);
	w.lines++;
	sip_wr_str(&w, r->body);
	return sip_wr_end(&w, err);
}
