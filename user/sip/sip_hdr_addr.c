// SPDX-License-Identifier: GPL-2.0-only
/*
 * name-addr and addr-spec headers: From, To (RFC 3261 section 20.20,
 * 20.39), Contact (20.10), Route and Record-Route (20.34, 20.30).
 *
 *	[ display-name ] < URI > *( ; param )   or   URI *( ; param )
 *
 * In the bare form the URI ends at the first ';', so those parameters are
 * the header's, never the URI's (section 20.10).
 */
#include "sip_hdr.h"
#include "sip_lex.h"
#include "sip_limits.h"

/* a scheme (ALPHA *( ALPHA / DIGIT / + - . )) and ':' open every URI */
static bool has_scheme(struct sip_str u)
{
	uint32_t i;

	if (!u.len || !sip_is(u.p[0], SIP_CT_ALPHA))
		return false;
	for (i = 1; i < u.len; i++) {
		unsigned char ch = u.p[i];

		if (ch == ':')
			return true;
		if (!sip_is(ch, SIP_CT_ALPHA | SIP_CT_DIGIT) && ch != '+' &&
		    ch != '-' && ch != '.')
			return false;
	}
	return false;
}

/* display-name as *(token LWS): true only when a '<' follows */
static bool token_display(struct sip_cur *c, struct sip_addr *out)
{
	const char *from = c->p, *last = c->p;
	struct sip_str t;

	while (sip_lex_token(c, &t)) {
		last = c->p;
		sip_lex_lws(c);
	}
	if (c->p < c->end && *c->p == '<') {
		out->display = sip_str_between(from, last);
		return true;
	}
	c->p = from;
	return false;
}

/* the URI of a name-addr: "<" ... ">", no white space inside */
static bool angle_uri(struct sip_cur *c, struct sip_addr *out)
{
	const char *from;

	if (!sip_cur_take(c, '<'))
		return false;
	from = c->p;
	while (c->p < c->end && *c->p != '>') {
		if (sip_is(*c->p, SIP_CT_WS | SIP_CT_CTL) || *c->p == '<')
			return false;
		c->p++;
	}
	out->uri = sip_str_between(from, c->p);
	out->bracketed = true;
	return sip_cur_take(c, '>') && has_scheme(out->uri);
}

/* a bare addr-spec stops at ';', ',' or white space */
static bool bare_uri(struct sip_cur *c, struct sip_addr *out)
{
	const char *from = c->p;

	while (c->p < c->end && *c->p != ';' && *c->p != ',' &&
	       !sip_is(*c->p, SIP_CT_WS | SIP_CT_CTL) && *c->p != '<' &&
	       *c->p != '>' && *c->p != '"')
		c->p++;
	out->uri = sip_str_between(from, c->p);
	return has_scheme(out->uri);
}

/* q = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), times 1000 */
static bool parse_q(struct sip_str s, uint16_t *q)
{
	uint32_t i, scale = 100, v;

	if (!s.len || (s.p[0] != '0' && s.p[0] != '1'))
		return false;
	v = (uint32_t)(s.p[0] - '0') * 1000;
	if (s.len == 1)
		goto done;
	if (s.p[1] != '.' || s.len > 5)
		return false;
	for (i = 2; i < s.len; i++, scale /= 10) {
		if (!sip_is(s.p[i], SIP_CT_DIGIT))
			return false;
		v += (uint32_t)(s.p[i] - '0') * scale;
	}
done:
	*q = (uint16_t)v;
	return v <= 1000;
}

static bool addr_param(const struct sip_param *p, void *ctx)
{
	struct sip_addr *out = ctx;

	if (sip_str_ieq_cstr(p->name, "tag")) {
		out->tag = p->value;
		return p->has_value && !p->quoted && p->value.len;
	}
	if (sip_str_ieq_cstr(p->name, "expires")) {
		out->has_expires = true;
		return p->has_value && sip_str_delta(p->value, &out->expires);
	}
	if (sip_str_ieq_cstr(p->name, "q")) {
		out->has_q = true;
		return p->has_value && parse_q(p->value, &out->q);
	}
	return true;
}

int sip_addr_parse(struct sip_str v, enum sip_err code, struct sip_addr *out,
		   struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	bool ok;

	*out = (struct sip_addr){ 0 };
	sip_lex_lws(&c);
	if (c.p < c.end && *c.p == '"') {
		if (!sip_lex_quoted(&c, &out->display))
			return sip_cur_fail(&c, SIP_ERR_BAD_QUOTED_STRING, err);
		out->display_quoted = true;
		sip_lex_lws(&c);
		ok = angle_uri(&c, out);
	} else if (token_display(&c, out) || (c.p < c.end && *c.p == '<')) {
		ok = angle_uri(&c, out);
	} else {
		ok = bare_uri(&c, out);
	}
	if (!ok)
		return sip_cur_fail(&c, code, err);
	if (sip_lex_params(&c, code, addr_param, out, &out->params, err))
		return -1;
	sip_lex_lws(&c);
	if (!sip_cur_eof(&c))
		return sip_cur_fail(&c, code, err);
	return 0;
}

int sip_from_parse(struct sip_str v, struct sip_addr *out,
		   struct sip_error *err)
{
	return sip_addr_parse(v, SIP_ERR_BAD_FROM, out, err);
}

int sip_to_parse(struct sip_str v, struct sip_addr *out, struct sip_error *err)
{
	return sip_addr_parse(v, SIP_ERR_BAD_TO, out, err);
}

int sip_contact_parse(struct sip_str v, struct sip_addr *out,
		      struct sip_error *err)
{
	struct sip_str t = sip_str_trim(v);

	if (t.len == 1 && t.p[0] == '*') {
		*out = (struct sip_addr){ .star = true };
		return 0;
	}
	return sip_addr_parse(v, SIP_ERR_BAD_CONTACT, out, err);
}

int sip_route_parse(struct sip_str v, struct sip_addr *out,
		    struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);

	if (sip_addr_parse(v, SIP_ERR_BAD_ROUTE, out, err))
		return -1;
	if (!out->bracketed) {
		sip_lex_lws(&c);
		return sip_cur_fail(&c, SIP_ERR_BAD_ROUTE, err);
	}
	return 0;
}
