// SPDX-License-Identifier: GPL-2.0-only
/*
 * A proxy's edits of a message it forwards (RFC 3261 sections 16.6 and
 * 16.7), applied in one walk over the header index: each line is either
 * copied as received (from its name to the next line's name, so folds,
 * spacing and CRLF stay byte for byte), rewritten, dropped, or preceded
 * by a new line. Whatever ends up in the body, exactly one Content-Length
 * is written and it matches (section 18.3), because a reader that frames
 * by a stale length would cut the message elsewhere than we meant.
 */
#include <string.h>

#include "sip_build.h"
#include "sip_lex.h"

struct fwd {
	const struct sip_msg *m;
	const struct sip_edits *e;
	struct sip_wr w;
	struct sip_str body;
	int max_forwards; /* the value to write, or -1: copy as received */
	bool via_added, rr_added, via_popped, via_replaced, contact_replaced;
	unsigned int routes_popped;
	const struct sip_hdr *last_route; /* its last value: drop_last_route */
	bool cl_written, ct_written;
};

static int fail(struct sip_error *err, enum sip_err code, uint32_t off)
{
	err->code = code;
	err->offset = off;
	return -1;
}

static bool host_ok(struct sip_str h)
{
	bool v6;
	uint32_t i;

	if (!h.len)
		return false;
	v6 = memchr(h.p, ':', h.len);
	if (h.len > 2 && h.p[0] == '[' && h.p[h.len - 1] == ']') {
		h = sip_str_of(h.p + 1, h.len - 2);
		v6 = true;
	}
	if (!h.len)
		return false;
	for (i = 0; i < h.len; i++) {
		unsigned char c = h.p[i];

		if (!sip_is(c, SIP_CT_ALPHA | SIP_CT_DIGIT) && c != '.' &&
		    c != (v6 ? ':' : '-'))
			return false;
	}
	return true;
}

static bool branch_ok(struct sip_str b)
{
	size_t n = strlen(SIP_BRANCH_COOKIE);

	/* the cookie alone is no unique branch: something must follow */
	return b.len > n && !memcmp(b.p, SIP_BRANCH_COOKIE, n) &&
	       sip_build_token_ok(b);
}

/* the same rule the parser applies to a received Request-URI */
static bool request_uri_ok(struct sip_str u)
{
	uint32_t i;

	if (!u.len || !sip_is(u.p[0], SIP_CT_ALPHA) || !memchr(u.p, ':', u.len))
		return false;
	for (i = 0; i < u.len; i++) {
		unsigned char c = u.p[i];

		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return false;
	}
	return true;
}

/* host as a Via sent-by or URI host: an IPv6 address goes in brackets */
static void write_host(struct sip_wr *w, const struct sip_hop *h)
{
	bool bare_v6 = memchr(h->host.p, ':', h->host.len) &&
		       h->host.p[0] != '[';

	if (bare_v6)
		sip_wr_mem(w, "[", 1);
	sip_wr_str(w, h->host);
	if (bare_v6)
		sip_wr_mem(w, "]", 1);
	if (h->port) {
		sip_wr_mem(w, ":", 1);
		sip_wr_uint(w, h->port);
	}
}

static void write_via(struct fwd *f)
{
	sip_wr_cstr(&f->w, "Via: SIP/2.0/");
	sip_wr_str(&f->w, f->e->via.transport);
	sip_wr_mem(&f->w, " ", 1);
	write_host(&f->w, &f->e->via);
	sip_wr_cstr(&f->w, ";branch=");
	sip_wr_str(&f->w, f->e->via.branch);
	sip_wr_mem(&f->w, "\r\n", 2);
	f->w.lines++;
	f->via_added = true;
}

static void write_one_record_route(struct fwd *f, const struct sip_hop *h)
{
	sip_wr_cstr(&f->w, "Record-Route: <sip:");
	write_host(&f->w, h);
	if (h->transport.len && !sip_str_ieq_cstr(h->transport, "UDP")) {
		sip_wr_cstr(&f->w, ";transport=");
		sip_wr_str(&f->w, h->transport);
	}
	sip_wr_cstr(&f->w, ";lr>\r\n");
	f->w.lines++;
}

/*
 * Section 16.6 step 4: a URI that resolves to this proxy, loose routed;
 * the outgoing interface's first, so each side routes to the address it
 * can reach (RFC 5658).
 */
static void write_record_route(struct fwd *f)
{
	if (f->e->record_route_out.host.len)
		write_one_record_route(f, &f->e->record_route_out);
	write_one_record_route(f, &f->e->record_route);
	f->rr_added = true;
}

/* the value Max-Forwards gets, or -1 with err set when it cannot */
static int next_max_forwards(const struct sip_msg *m, struct sip_error *err)
{
	const struct sip_hdr *h = sip_msg_first(m, SIP_HDR_MAX_FORWARDS);
	uint32_t at;
	uint8_t v;

	if (!h)
		return SIP_MAX_FORWARDS_DEFAULT;
	at = (uint32_t)(h->value.p - m->buf);
	if (sip_max_forwards_parse(h->value, &v, err)) {
		err->offset += at;
		return -1;
	}
	/* section 16.3 step 2: no hops left, the caller answers 483 */
	if (!v)
		return fail(err, SIP_ERR_TOO_MANY_HOPS, at);
	return v - 1;
}

static int check_hops(const struct sip_edits *e, struct sip_error *err)
{
	if (e->add_via && (!sip_build_token_ok(e->via.transport) ||
			   !host_ok(e->via.host) || !branch_ok(e->via.branch)))
		return fail(err, SIP_ERR_BAD_VIA, 0);
	if (e->add_record_route &&
	    (!host_ok(e->record_route.host) ||
	     (e->record_route_out.host.len &&
	      !host_ok(e->record_route_out.host)) ||
	     (e->record_route.transport.len &&
	      !sip_build_token_ok(e->record_route.transport)) ||
	     (e->record_route_out.transport.len &&
	      !sip_build_token_ok(e->record_route_out.transport))))
		return fail(err, SIP_ERR_BAD_ROUTE, 0);
	if (e->top_via.p &&
	    (!e->top_via.len || !sip_build_text_ok(e->top_via)))
		return fail(err, SIP_ERR_BAD_VIA, 0);
	return 0;
}

static int check_edits(struct fwd *f, struct sip_error *err)
{
	const struct sip_edits *e = f->e;
	const struct sip_msg *m = f->m;

	if (!m->is_request &&
	    (e->add_via || e->add_record_route || e->max_forwards ||
	     e->request_uri.p || e->pop_routes || e->drop_last_route ||
	     e->append_route.p ||
	     e->top_via.p))
		return fail(err, SIP_ERR_BAD_START_LINE, 0);
	if (check_hops(e, err))
		return -1;
	if (e->request_uri.p && !request_uri_ok(e->request_uri))
		return fail(err, SIP_ERR_BAD_REQUEST_URI, 0);
	if (e->replace_body && (!sip_build_text_ok(e->content_type) ||
				e->content_type.len > SIP_VALUE_MAX))
		return fail(err, SIP_ERR_BAD_CONTENT_TYPE, 0);
	if ((e->pop_via || e->top_via.p) && !m->count[SIP_HDR_VIA])
		return fail(err, SIP_ERR_BAD_VIA, m->hdr_end);
	if (e->append_route.p && !request_uri_ok(e->append_route))
		return fail(err, SIP_ERR_BAD_ROUTE, 0);
	if (e->contact.p &&
	    (!e->contact.len || !sip_build_text_ok(e->contact)))
		return fail(err, SIP_ERR_BAD_CONTACT, 0);
	if ((e->pop_routes || e->drop_last_route) && !m->count[SIP_HDR_ROUTE])
		return fail(err, SIP_ERR_BAD_ROUTE, m->hdr_end);
	f->max_forwards = -1;
	if (e->max_forwards) {
		f->max_forwards = next_max_forwards(m, err);
		if (f->max_forwards < 0)
			return -1;
	}
	return 0;
}

static void write_start_line(struct fwd *f, const char *first)
{
	const struct sip_msg *m = f->m;
	const char *start = m->is_request ? m->method_str.p : m->version.p;

	if (!f->e->request_uri.p) {
		sip_wr_mem(&f->w, start, (size_t)(first - start));
		return;
	}
	sip_wr_str(&f->w, m->method_str);
	sip_wr_mem(&f->w, " ", 1);
	sip_wr_str(&f->w, f->e->request_uri);
	sip_wr_mem(&f->w, " ", 1);
	sip_wr_str(&f->w, m->version);
	sip_wr_mem(&f->w, "\r\n", 2);
}

/* a list header line without its first value: dropped if that was all */
static int write_popped(struct fwd *f, const struct sip_hdr *h,
			enum sip_err code, struct sip_error *err)
{
	struct sip_str rest = h->value, first;

	if (sip_list_next(&rest, &first) != 1)
		return fail(err, code, (uint32_t)(rest.p - f->m->buf));
	if (rest.len)
		sip_wr_line(&f->w, h->name, rest);
	return 0;
}

/* the first value of h replaced by v, the rest as received */
static int write_replaced(struct fwd *f, const struct sip_hdr *h,
			  struct sip_str v, enum sip_err code,
			  struct sip_error *err)
{
	struct sip_str rest = h->value, first;

	if (sip_list_next(&rest, &first) != 1)
		return fail(err, code, (uint32_t)(rest.p - f->m->buf));
	sip_wr_str(&f->w, h->name);
	sip_wr_mem(&f->w, ": ", 2);
	sip_wr_str(&f->w, v);
	if (rest.len) {
		sip_wr_mem(&f->w, ", ", 2);
		sip_wr_str(&f->w, rest);
	}
	sip_wr_mem(&f->w, "\r\n", 2);
	f->w.lines++;
	return 0;
}

/*
 * A Route line less the values popped off the front of the route set and,
 * when it is the last line, less the last value: dropped if nothing stays.
 */
static int write_route_line(struct fwd *f, const struct sip_hdr *h,
			    struct sip_error *err)
{
	bool drop_last = f->e->drop_last_route && h == f->last_route;
	const char *keep_start = NULL, *keep_end = NULL;
	struct sip_str rest = h->value, v;
	int r;

	while ((r = sip_list_next(&rest, &v)) == 1) {
		if (f->routes_popped < f->e->pop_routes) {
			f->routes_popped++;
			continue;
		}
		if (drop_last && !rest.len)
			break;
		if (!keep_start)
			keep_start = v.p;
		keep_end = v.p + v.len;
	}
	if (r < 0)
		return fail(err, SIP_ERR_BAD_ROUTE,
			    (uint32_t)(rest.p - f->m->buf));
	if (keep_start)
		sip_wr_line(&f->w, h->name,
			    sip_str_between(keep_start, keep_end));
	return 0;
}

/* 16.6 step 6: "Route: <uri>" after the last of the route set */
static void write_appended_route(struct fwd *f)
{
	sip_wr_cstr(&f->w, "Route: <");
	sip_wr_str(&f->w, f->e->append_route);
	sip_wr_mem(&f->w, ">\r\n", 3);
	f->w.lines++;
}

static void write_number_line(struct fwd *f, struct sip_str name, uint32_t v)
{
	sip_wr_str(&f->w, name);
	sip_wr_mem(&f->w, ": ", 2);
	sip_wr_uint(&f->w, v);
	sip_wr_mem(&f->w, "\r\n", 2);
	f->w.lines++;
}

/* the first Content-Length stays as received while it is still right */
static void content_length(struct fwd *f, const struct sip_hdr *h,
			   struct sip_str raw)
{
	if (f->cl_written)
		return;
	if (!f->e->replace_body && f->m->content_length == f->body.len)
		sip_wr_raw_line(&f->w, raw);
	else
		write_number_line(f, h->name, f->body.len);
	f->cl_written = true;
}

static void content_type(struct fwd *f, const struct sip_hdr *h,
			 struct sip_str raw)
{
	if (!f->e->replace_body || !f->e->content_type.p) {
		sip_wr_raw_line(&f->w, raw);
		return;
	}
	if (!f->ct_written && f->e->content_type.len)
		sip_wr_line(&f->w, h->name, f->e->content_type);
	f->ct_written = true;
}

/* what goes out in place of header line h, raw being its bytes */
static int edit_line(struct fwd *f, const struct sip_hdr *h, struct sip_str raw,
		     struct sip_error *err)
{
	const struct sip_edits *e = f->e;

	switch (h->id) {
	case SIP_HDR_VIA:
		if (e->top_via.p && !f->via_replaced) {
			f->via_replaced = true;
			return write_replaced(f, h, e->top_via, SIP_ERR_BAD_VIA,
					      err);
		}
		if (!e->pop_via || f->via_popped)
			break;
		f->via_popped = true;
		return write_popped(f, h, SIP_ERR_BAD_VIA, err);
	case SIP_HDR_ROUTE:
		if (f->routes_popped < e->pop_routes ||
		    (e->drop_last_route && h == f->last_route)) {
			if (write_route_line(f, h, err))
				return -1;
		} else {
			sip_wr_raw_line(&f->w, raw);
		}
		if (e->append_route.p && h == f->last_route)
			write_appended_route(f);
		return 0;
	case SIP_HDR_MAX_FORWARDS:
		if (f->max_forwards < 0)
			break;
		/* identical copies stay identical (sip_msg_validate()) */
		write_number_line(f, h->name, (uint32_t)f->max_forwards);
		return 0;
	case SIP_HDR_CONTACT:
		if (!e->contact.p || f->contact_replaced)
			break;
		f->contact_replaced = true;
		return write_replaced(f, h, e->contact, SIP_ERR_BAD_CONTACT,
				      err);
	case SIP_HDR_CONTENT_LENGTH:
		content_length(f, h, raw);
		return 0;
	case SIP_HDR_CONTENT_TYPE:
		content_type(f, h, raw);
		return 0;
	default:
		break;
	}
	sip_wr_raw_line(&f->w, raw);
	return 0;
}

static int walk_headers(struct fwd *f, struct sip_error *err)
{
	const struct sip_msg *m = f->m;
	const struct sip_hdr *h;
	const char *next;
	unsigned int i;

	for (i = 0; i < m->nhdrs; i++) {
		h = &m->hdrs[i];
		next = i + 1 < m->nhdrs ? m->hdrs[i + 1].name.p :
					  m->buf + m->hdr_end;
		/* the new Via tops the list; with no Via, the headers */
		if (f->e->add_via && !f->via_added &&
		    (h->id == SIP_HDR_VIA || !m->count[SIP_HDR_VIA]))
			write_via(f);
		if (f->e->add_record_route && !f->rr_added &&
		    h->id == SIP_HDR_RECORD_ROUTE)
			write_record_route(f);
		if (edit_line(f, h, sip_str_between(h->name.p, next), err))
			return -1;
	}
	return 0;
}

/* whatever the message lacked, ahead of the empty line */
static void write_missing(struct fwd *f)
{
	const struct sip_edits *e = f->e;

	if (e->add_via && !f->via_added)
		write_via(f);
	if (e->add_record_route && !f->rr_added)
		write_record_route(f);
	if (e->append_route.p && !f->last_route)
		write_appended_route(f);
	if (e->max_forwards && !f->m->count[SIP_HDR_MAX_FORWARDS])
		write_number_line(f, sip_str_of("Max-Forwards", 12),
				  (uint32_t)f->max_forwards);
	if (e->replace_body && e->content_type.len && !f->ct_written)
		sip_wr_line(&f->w, sip_str_of("Content-Type", 12),
			    e->content_type);
	if (!f->cl_written)
		write_number_line(f, sip_str_of("Content-Length", 14),
				  f->body.len);
}

int sip_build_forward(const struct sip_msg *m, const struct sip_edits *e,
		      char *out, size_t cap, struct sip_error *err)
{
	struct fwd f = { .m = m, .e = e };

	f.body = e->replace_body ? e->body : m->body;
	for (const struct sip_hdr *h = sip_msg_first(m, SIP_HDR_ROUTE); h;
	     h = sip_msg_next(m, h))
		f.last_route = h;
	if (check_edits(&f, err))
		return -1;
	sip_wr_init(&f.w, out, cap);
	write_start_line(&f,
			 m->nhdrs ? m->hdrs[0].name.p : m->buf + m->hdr_end);
	if (walk_headers(&f, err))
		return -1;
	write_missing(&f);
	sip_wr_mem(&f.w, "\r\n", 2);
	sip_wr_str(&f.w, f.body);
	return sip_wr_end(&f.w, err);
}
