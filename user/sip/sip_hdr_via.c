// SPDX-License-Identifier: GPL-2.0-only
/*
 * Via (RFC 3261 section 20.42, 18.2.1; RFC 3581 for rport):
 *	SIP / 2.0 / UDP sent-by *( ; via-params )
 * with LWS allowed around each '/' and ':'.
 */
#include "sip_hdr.h"
#include "sip_lex.h"
#include "sip_limits.h"

static bool via_slash(struct sip_cur *c)
{
	sip_lex_lws(c);
	if (!sip_cur_take(c, '/'))
		return false;
	sip_lex_lws(c);
	return true;
}

/* hostname or IPv4 (alphanumerics, '-', '.'), or [IPv6] */
static bool via_host(struct sip_cur *c, struct sip_via *out)
{
	const char *from;

	if (sip_cur_take(c, '[')) {
		from = c->p;
		while (c->p < c->end &&
		       (sip_is(*c->p, SIP_CT_DIGIT | SIP_CT_ALPHA) ||
			*c->p == ':' || *c->p == '.'))
			c->p++;
		out->host = sip_str_between(from, c->p);
		out->host_ipv6 = true;
		return out->host.len && sip_cur_take(c, ']');
	}
	from = c->p;
	while (c->p < c->end && (sip_is(*c->p, SIP_CT_DIGIT | SIP_CT_ALPHA) ||
				 *c->p == '-' || *c->p == '.'))
		c->p++;
	out->host = sip_str_between(from, c->p);
	return out->host.len;
}

static bool str_uint(struct sip_str s, uint32_t max, uint32_t *v)
{
	struct sip_cur c = sip_cur_of(s);

	return sip_lex_uint(&c, max, v) && sip_cur_eof(&c);
}

/* the parameters siphon acts on; the rest stay in out->params */
static bool via_param(const struct sip_param *p, void *ctx)
{
	struct sip_via *out = ctx;

	uint32_t v;

	if (sip_str_ieq_cstr(p->name, "branch")) {
		out->branch = p->value;
		return p->has_value && !p->quoted;
	}
	if (sip_str_ieq_cstr(p->name, "received")) {
		out->received = p->value;
		return p->has_value && !p->quoted;
	}
	if (sip_str_ieq_cstr(p->name, "maddr")) {
		out->maddr = p->value;
		return p->has_value && !p->quoted;
	}
	if (sip_str_ieq_cstr(p->name, "rport")) {
		out->has_rport = true;
		if (!p->has_value)
			return true;
		out->rport_has_value = true;
		if (!str_uint(p->value, 65535, &v))
			return false;
		out->rport = (uint16_t)v;
		return true;
	}
	if (sip_str_ieq_cstr(p->name, "ttl")) {
		out->has_ttl = true;
		if (!p->has_value || !str_uint(p->value, 255, &v))
			return false;
		out->ttl = (uint8_t)v;
	}
	return true;
}

int sip_via_parse(struct sip_str v, struct sip_via *out, struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	uint32_t port;

	*out = (struct sip_via){ 0 };
	sip_lex_lws(&c);
	if (!sip_lex_token(&c, &out->proto) || !via_slash(&c) ||
	    !sip_lex_token(&c, &out->version) || !via_slash(&c) ||
	    !sip_lex_token(&c, &out->transport) || !sip_lex_lws(&c) ||
	    !via_host(&c, out))
		return sip_cur_fail(&c, SIP_ERR_BAD_VIA, err);
	sip_lex_lws(&c);
	if (sip_cur_take(&c, ':')) {
		sip_lex_lws(&c);
		if (!sip_lex_uint(&c, 65535, &port))
			return sip_cur_fail(&c, SIP_ERR_BAD_VIA, err);
		out->has_port = true;
		out->port = (uint16_t)port;
	}
	if (sip_lex_params(&c, SIP_ERR_BAD_VIA, via_param, out, &out->params,
			   err))
		return -1;
	sip_lex_lws(&c);
	if (!sip_cur_eof(&c))
		return sip_cur_fail(&c, SIP_ERR_BAD_VIA, err);
	return 0;
}
