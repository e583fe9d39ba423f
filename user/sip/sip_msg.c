// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one pass over a message: start line, header index, body. Lines are
 * found with memchr(); only the bytes of each line are looked at, once.
 *
 * Line ends: RFC 3261 section 7.5 says the start line, every header line
 * and the empty line MUST end in CRLF. A bare LF is refused
 * (SIP_ERR_BAD_LINE_END) rather than tolerated: a reader that accepts it
 * and a next hop that does not disagree on where the headers end, which
 * is how messages get smuggled, and the XDP classifier keeps the same
 * rule. A line starting with SP or HTAB continues the header above it.
 */
#include <string.h>

#include "sip_lex.h"
#include "sip_msg.h"

static int fail(struct sip_error *err, enum sip_err code, const char *base,
		const char *at)
{
	err->code = code;
	err->offset = (uint32_t)(at - base);
	return -1;
}

/* "SIP/2.0", the only version; the literal is case-insensitive (ABNF) */
static bool is_sip20(const char *p, const char *e)
{
	return sip_str_ieq_cstr(sip_str_between(p, e), "SIP/2.0");
}

static int parse_status_line(struct sip_msg *m, const char *p, const char *e,
			     struct sip_error *err)
{
	const char *sp = memchr(p, ' ', (size_t)(e - p)), *q;

	if (!sp || !is_sip20(p, sp))
		return fail(err, SIP_ERR_BAD_VERSION, m->buf, p);
	m->version = sip_str_between(p, sp);
	q = sp + 1;
	/* exactly three digits, then SP and a reason, or the line end */
	if (e - q < 3 || !sip_is(q[0], SIP_CT_DIGIT) ||
	    !sip_is(q[1], SIP_CT_DIGIT) || !sip_is(q[2], SIP_CT_DIGIT) ||
	    (e - q > 3 && q[3] != ' '))
		return fail(err, SIP_ERR_BAD_STATUS, m->buf, q);
	m->status = (uint16_t)((q[0] - '0') * 100 + (q[1] - '0') * 10 +
			       (q[2] - '0'));
	if (m->status < 100 || m->status > 699)
		return fail(err, SIP_ERR_BAD_STATUS, m->buf, q);
	m->reason = e - q > 3 ? sip_str_between(q + 4, e) : SIP_STR_NULL;
	for (q = m->reason.p; q && q < e; q++) {
		if (sip_is(*q, SIP_CT_CTL))
			return fail(err, SIP_ERR_BAD_START_LINE, m->buf, q);
	}
	return 0;
}

/* scheme ":" then visible ASCII without the bytes that delimit a URI */
static const char *bad_request_uri(const char *p, const char *e)
{
	const char *q;

	if (p == e || !sip_is(*p, SIP_CT_ALPHA) || !memchr(p, ':', e - p))
		return p;
	for (q = p; q < e; q++) {
		unsigned char c = *q;

		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return q;
	}
	return NULL;
}

/* Method SP Request-URI SP SIP-Version, single spaces */
static int parse_request_line(struct sip_msg *m, const char *p, const char *e,
			      struct sip_error *err)
{
	struct sip_cur c = { p, e, p };
	const char *last, *bad;

	if (!sip_lex_token(&c, &m->method_str))
		return fail(err, SIP_ERR_BAD_START_LINE, m->buf, p);
	if (sip_cur_eof(&c))
		return fail(err, SIP_ERR_BAD_START_LINE, m->buf, c.p);
	if (*c.p != ' ')
		return fail(err, SIP_ERR_BAD_METHOD, m->buf, c.p);
	m->method = sip_method_of(m->method_str);
	last = memrchr(c.p, ' ', (size_t)(e - c.p));
	if (last == c.p) /* no version at all */
		return fail(err, SIP_ERR_BAD_VERSION, m->buf, e);
	if (!is_sip20(last + 1, e))
		return fail(err, SIP_ERR_BAD_VERSION, m->buf, last + 1);
	m->version = sip_str_between(last + 1, e);
	bad = bad_request_uri(c.p + 1, last);
	if (bad)
		return fail(err, SIP_ERR_BAD_REQUEST_URI, m->buf, bad);
	m->uri = sip_str_between(c.p + 1, last);
	m->is_request = true;
	return 0;
}

static int parse_start_line(struct sip_msg *m, const char *p, const char *e,
			    struct sip_error *err)
{
	if (e - p >= 4 && !strncasecmp(p, "SIP/", 4))
		return parse_status_line(m, p, e, err);
	return parse_request_line(m, p, e, err);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/*
 * Could any of 8 bytes be a control (below 0x20, or 0x7f)? The classic
 * "has a byte below n" test; it also fires on HTAB, which the byte loop
 * then lets through.
 */
static bool word_suspect(uint64_t x)
{
	uint64_t del = x ^ (0x7f * ONES);

	return (((x - 0x20 * ONES) & ~x) | ((del - ONES) & ~del)) & HIGHS;
}

/* SP, HTAB and UTF-8 are fine in a value; other controls are not */
static const char *bad_value_byte(const char *p, const char *e)
{
	uint64_t w;

	/* eight bytes at a time over the long, clean middle of a value */
	while (e - p >= 8) {
		memcpy(&w, p, 8);
		if (word_suspect(w))
			break;
		p += 8;
	}
	for (; p < e; p++) {
		if (sip_is(*p, SIP_CT_CTL))
			return p;
	}
	return NULL;
}

static const char *trim_end(const char *p, const char *e)
{
	while (e > p && sip_is(e[-1], SIP_CT_WS))
		e--;
	return e;
}

/* a line starting with SP or HTAB: more of the value above */
static int fold_line(struct sip_msg *m, const char *p, const char *e,
		     struct sip_error *err)
{
	struct sip_hdr *h = &m->hdrs[m->nhdrs - 1];
	const char *bad = bad_value_byte(p, e);

	if (bad)
		return fail(err, SIP_ERR_BAD_HEADER_LINE, m->buf, bad);
	e = trim_end(p, e);
	while (p < e && sip_is(*p, SIP_CT_WS))
		p++;
	/* only whitespace: trailing LWS, the value does not grow over it */
	if (p == e)
		return 0;
	if (!h->value.len)
		h->value.p = p; /* nothing on the first line: it starts here */
	if (e > h->value.p + h->value.len)
		h->value = sip_str_between(h->value.p, e);
	if (h->value.len > SIP_VALUE_MAX)
		return fail(err, SIP_ERR_VALUE_TOO_LONG, m->buf,
			    h->value.p + SIP_VALUE_MAX);
	return 0;
}

/* name *(SP / HTAB) ":" value, a new entry in the index */
static int header_line(struct sip_msg *m, const char *p, const char *e,
		       uint8_t *last, struct sip_error *err)
{
	struct sip_cur c = { p, e, p };
	struct sip_hdr *h;
	struct sip_str name;
	const char *bad;

	if (m->nhdrs == SIP_HEADERS_MAX)
		return fail(err, SIP_ERR_TOO_MANY_HEADERS, m->buf, p);
	if (!sip_lex_token(&c, &name))
		return fail(err, SIP_ERR_BAD_HEADER_NAME, m->buf, p);
	if (c.p < e && *c.p != ':' && !sip_is(*c.p, SIP_CT_WS))
		return fail(err, SIP_ERR_BAD_HEADER_NAME, m->buf, c.p);
	while (c.p < e && sip_is(*c.p, SIP_CT_WS))
		c.p++;
	if (!sip_cur_take(&c, ':'))
		return fail(err, SIP_ERR_BAD_HEADER_LINE, m->buf, c.p);
	bad = bad_value_byte(c.p, e);
	if (bad)
		return fail(err, SIP_ERR_BAD_HEADER_LINE, m->buf, bad);
	while (c.p < e && sip_is(*c.p, SIP_CT_WS))
		c.p++;
	if (e - c.p > SIP_VALUE_MAX)
		return fail(err, SIP_ERR_VALUE_TOO_LONG, m->buf,
			    c.p + SIP_VALUE_MAX);

	h = &m->hdrs[m->nhdrs];
	h->name = name;
	h->value = sip_str_between(c.p, trim_end(c.p, e));
	h->id = (uint8_t)sip_hdr_id_of(name.p, name.len);
	h->next = SIP_HDR_NONE;
	if (m->first[h->id] == SIP_HDR_NONE)
		m->first[h->id] = m->nhdrs;
	else
		m->hdrs[last[h->id]].next = m->nhdrs;
	last[h->id] = m->nhdrs;
	m->count[h->id]++;
	m->nhdrs++;
	return 0;
}

/*
 * Content-Length decides the body: every copy must agree, since two
 * readers picking different copies would frame the body differently.
 */
static int body_length(struct sip_msg *m, struct sip_error *err)
{
	const struct sip_hdr *h;
	uint32_t v;

	for (h = sip_msg_first(m, SIP_HDR_CONTENT_LENGTH); h;
	     h = sip_msg_next(m, h)) {
		if (sip_content_length_parse(h->value, &v, err)) {
			err->offset += (uint32_t)(h->value.p - m->buf);
			return -1;
		}
		if (m->has_content_length && v != m->content_length)
			return fail(err, SIP_ERR_DUPLICATE_HEADER, m->buf,
				    h->value.p);
		m->has_content_length = true;
		m->content_length = v;
	}
	return 0;
}

static void msg_reset(struct sip_msg *m, const char *buf)
{
	/* the header slots and the cache are left as they are: unread */
	memset(m, 0, offsetof(struct sip_msg, first));
	memset(m->first, SIP_HDR_NONE, sizeof(m->first));
	memset(m->count, 0, sizeof(m->count));
	m->cache.done = 0;
	m->buf = buf;
}

/* the next line: [*p, returned) without its CRLF; *next after the LF */
static const char *line_end(const struct sip_msg *m, const char *p,
			    const char *end, const char **next,
			    struct sip_error *err)
{
	const char *lf = memchr(p, '\n', (size_t)(end - p));

	if (!lf) {
		fail(err, SIP_ERR_TRUNCATED, m->buf, end);
		return NULL;
	}
	if (lf == p || lf[-1] != '\r') {
		fail(err, SIP_ERR_BAD_LINE_END, m->buf, lf);
		return NULL;
	}
	*next = lf + 1;
	return lf - 1;
}

static int parse_headers(struct sip_msg *m, const char **pp, const char *end,
			 struct sip_error *err)
{
	uint8_t last[SIP_HDR_MAX];
	const char *p = *pp, *e, *next;
	int r;

	for (;;) {
		e = line_end(m, p, end, &next, err);
		if (!e)
			return -1;
		if (e == p)
			break;
		if (sip_is(*p, SIP_CT_WS))
			r = m->nhdrs ? fold_line(m, p, e, err) :
				       fail(err, SIP_ERR_BAD_HEADER_LINE,
					    m->buf, p);
		else
			r = header_line(m, p, e, last, err);
		if (r)
			return r;
		p = next;
	}
	m->hdr_end = (uint32_t)(p - m->buf);
	*pp = next;
	return 0;
}

int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len,
		  struct sip_error *err)
{
	const char *p = buf, *end = buf + len, *e, *next;
	size_t rest;

	msg_reset(m, buf);
	if (len > SIP_MSG_MAX)
		return fail(err, SIP_ERR_TOO_LONG, buf, buf + SIP_MSG_MAX);
	/* section 7.5: CRLF ahead of the start line is ignored */
	while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
		p += 2;
	if (p == end)
		return fail(err, SIP_ERR_EMPTY, buf, p);
	e = line_end(m, p, end, &next, err);
	if (!e || parse_start_line(m, p, e, err))
		return -1;
	p = next;
	if (parse_headers(m, &p, end, err) || body_length(m, err))
		return -1;
	rest = (size_t)(end - p);
	if (m->has_content_length && m->content_length > rest)
		return fail(err, SIP_ERR_BODY_TRUNCATED, buf, end);
	m->body =
		sip_str_of(p, m->has_content_length ? m->content_length : rest);
	m->len = (uint32_t)(p - buf) + m->body.len;
	err->code = SIP_ERR_OK;
	err->offset = 0;
	return 0;
}

const struct sip_hdr *sip_msg_first(const struct sip_msg *m, enum sip_hdr_id id)
{
	if ((unsigned int)id >= SIP_HDR_MAX || m->first[id] == SIP_HDR_NONE)
		return NULL;
	return &m->hdrs[m->first[id]];
}

const struct sip_hdr *sip_msg_next(const struct sip_msg *m,
				   const struct sip_hdr *h)
{
	return h->next == SIP_HDR_NONE ? NULL : &m->hdrs[h->next];
}

const struct sip_hdr *sip_msg_find(const struct sip_msg *m, const char *name)
{
	enum sip_hdr_id id = sip_hdr_id_of(name, strlen(name));
	unsigned int i;

	if (id != SIP_HDR_OTHER)
		return sip_msg_first(m, id);
	for (i = 0; i < m->nhdrs; i++) {
		if (m->hdrs[i].id == SIP_HDR_OTHER &&
		    sip_str_ieq_cstr(m->hdrs[i].name, name))
			return &m->hdrs[i];
	}
	return NULL;
}

/* the logical header (folds included) starting at p, up to hdr_end */
static const char *header_extent(const char *p, const char *hdr_end)
{
	const char *lf;

	for (;;) {
		lf = memchr(p, '\n', (size_t)(hdr_end - p));
		if (!lf || lf + 1 >= hdr_end || !sip_is(lf[1], SIP_CT_WS))
			return lf ? lf - 1 : hdr_end;
		p = lf + 1;
	}
}

/* Content-Length of a stream message whose headers end at hdr_end */
static int frame_length(const char *buf, const char *hdr_end, uint32_t *cl,
			struct sip_error *err)
{
	const char *p = memchr(buf, '\n', (size_t)(hdr_end - buf)), *e;
	struct sip_cur c;
	struct sip_str name;
	bool seen = false;
	uint32_t v;

	for (p = p ? p + 1 : hdr_end; p < hdr_end; p = e + 2) {
		e = header_extent(p, hdr_end);
		c = (struct sip_cur){ p, e, p };
		if (!sip_lex_token(&c, &name) ||
		    sip_hdr_id_of(name.p, name.len) != SIP_HDR_CONTENT_LENGTH)
			continue;
		while (c.p < e && sip_is(*c.p, SIP_CT_WS))
			c.p++;
		if (!sip_cur_take(&c, ':'))
			continue;
		if (sip_content_length_parse(sip_str_between(c.p, e), &v,
					     err)) {
			err->offset += (uint32_t)(c.p - buf);
			return -1;
		}
		if (seen && v != *cl)
			return fail(err, SIP_ERR_DUPLICATE_HEADER, buf, c.p);
		seen = true;
		*cl = v;
	}
	if (!seen)
		return fail(err, SIP_ERR_MISSING_HEADER, buf, hdr_end);
	return 0;
}

static int keepalive(const char *buf, size_t len, size_t *msg_len)
{
	if (len >= 4 && !memcmp(buf, "\r\n\r\n", 4)) {
		*msg_len = 4;
		return SIP_FRAME_PING;
	}
	/* maybe the first half of a ping: wait for the byte that tells */
	if (len == 2 || (len == 3 && buf[2] == '\r'))
		return SIP_FRAME_MORE;
	*msg_len = 2;
	return SIP_FRAME_PONG;
}

int sip_msg_frame(const char *buf, size_t len, size_t *msg_len,
		  struct sip_error *err)
{
	size_t scan = len < SIP_MSG_MAX ? len : SIP_MSG_MAX;
	const char *hdr_end;
	uint32_t cl = 0;
	size_t total;

	*msg_len = 0;
	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n')
		return keepalive(buf, len, msg_len);
	if (len < 2)
		return SIP_FRAME_MORE;
	hdr_end = memmem(buf, scan, "\r\n\r\n", 4);
	if (!hdr_end) {
		if (len >= SIP_MSG_MAX)
			return fail(err, SIP_ERR_TOO_LONG, buf,
				    buf + SIP_MSG_MAX);
		return SIP_FRAME_MORE;
	}
	if (frame_length(buf, hdr_end + 2, &cl, err))
		return SIP_FRAME_ERROR;
	total = (size_t)(hdr_end - buf) + 4 + cl;
	if (total > SIP_MSG_MAX)
		return fail(err, SIP_ERR_TOO_LONG, buf, buf + SIP_MSG_MAX);
	if (len < total)
		return SIP_FRAME_MORE;
	*msg_len = total;
	return SIP_FRAME_MSG;
}

/* per header, the error a malformed list in it earns */
static enum sip_err list_err(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_VIA:
		return SIP_ERR_BAD_VIA;
	case SIP_HDR_CONTACT:
		return SIP_ERR_BAD_CONTACT;
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
		return SIP_ERR_BAD_ROUTE;
	case SIP_HDR_ALLOW:
		return SIP_ERR_BAD_ALLOW;
	case SIP_HDR_REQUIRE:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_UNSUPPORTED:
		return SIP_ERR_BAD_OPTION_TAGS;
	default:
		return SIP_ERR_BAD_HEADER_LINE;
	}
}

void sip_msg_values(const struct sip_msg *m, enum sip_hdr_id id,
		    struct sip_val_iter *it)
{
	it->m = m;
	it->h = sip_msg_first(m, id);
	it->rest = it->h ? it->h->value : SIP_STR_NULL;
	it->n = 0;
}

int sip_val_next(struct sip_val_iter *it, struct sip_str *val,
		 struct sip_error *err)
{
	int r;

	while (it->h) {
		r = sip_list_next(&it->rest, val);
		if (r > 0 && ++it->n > SIP_VALUES_MAX)
			return fail(err, SIP_ERR_TOO_MANY_VALUES, it->m->buf,
				    val->p);
		if (r > 0)
			return 1;
		if (r < 0)
			return fail(err, list_err(it->h->id), it->m->buf,
				    it->rest.p);
		it->h = sip_msg_next(it->m, it->h);
		it->rest = it->h ? it->h->value : SIP_STR_NULL;
		it->n = 0;
	}
	return 0;
}
