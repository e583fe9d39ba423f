// SPDX-License-Identifier: GPL-2.0-only
/*
 * Credentials and challenges (RFC 3261 section 20.7, 20.27, 20.28, 20.44;
 * RFC 2617 for Digest): auth-scheme LWS auth-param *( COMMA auth-param ),
 * each auth-param a name, '=', and a token or a quoted string.
 */
#include <stddef.h>

#include "sip_hdr.h"
#include "sip_lex.h"
#include "sip_limits.h"

struct known_param {
	const char *name;
	size_t off;
};

static const struct known_param known[] = {
	{ "username", offsetof(struct sip_auth, username) },
	{ "realm", offsetof(struct sip_auth, realm) },
	{ "nonce", offsetof(struct sip_auth, nonce) },
	{ "uri", offsetof(struct sip_auth, uri) },
	{ "response", offsetof(struct sip_auth, response) },
	{ "algorithm", offsetof(struct sip_auth, algorithm) },
	{ "cnonce", offsetof(struct sip_auth, cnonce) },
	{ "opaque", offsetof(struct sip_auth, opaque) },
	{ "qop", offsetof(struct sip_auth, qop) },
	{ "nc", offsetof(struct sip_auth, nc) },
	{ "domain", offsetof(struct sip_auth, domain) },
	{ "stale", offsetof(struct sip_auth, stale) },
};

static void remember(struct sip_auth *out, const struct sip_param *p)
{
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (sip_str_ieq_cstr(p->name, known[i].name)) {
			*(struct sip_str *)((char *)out + known[i].off) =
				p->value;
			return;
		}
	}
}

/* name LWS "=" LWS ( token / quoted-string ) */
static bool auth_param(struct sip_cur *c, struct sip_param *p)
{
	const char *from;

	*p = (struct sip_param){ .has_value = true };
	if (!sip_lex_token(c, &p->name))
		return false;
	sip_lex_lws(c);
	if (!sip_cur_take(c, '='))
		return false;
	sip_lex_lws(c);
	if (c->p < c->end && *c->p == '"') {
		p->quoted = true;
		return sip_lex_quoted(c, &p->value);
	}
	/* a token, or token68 padding such as a trailing "==" */
	from = c->p;
	while (c->p < c->end &&
	       (sip_is(*c->p, SIP_CT_TOKEN) || *c->p == '/' || *c->p == '='))
		c->p++;
	p->value = sip_str_between(from, c->p);
	return p->value.len;
}

int sip_auth_parse(struct sip_str v, struct sip_auth *out,
		   struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	struct sip_param p;
	unsigned int n = 0;
	const char *from;

	*out = (struct sip_auth){ 0 };
	sip_lex_lws(&c);
	if (!sip_lex_token(&c, &out->scheme) || !sip_lex_lws(&c))
		return sip_cur_fail(&c, SIP_ERR_BAD_AUTH, err);
	from = c.p;
	for (;;) {
		if (++n > SIP_PARAMS_MAX)
			return sip_cur_fail(&c, SIP_ERR_TOO_MANY_VALUES, err);
		if (c.p < c.end && *c.p == '"')
			return sip_cur_fail(&c, SIP_ERR_BAD_AUTH, err);
		if (!auth_param(&c, &p))
			return sip_cur_fail(&c,
					    p.quoted ?
						    SIP_ERR_BAD_QUOTED_STRING :
						    SIP_ERR_BAD_AUTH,
					    err);
		remember(out, &p);
		sip_lex_lws(&c);
		if (sip_cur_eof(&c))
			break;
		if (!sip_cur_take(&c, ','))
			return sip_cur_fail(&c, SIP_ERR_BAD_AUTH, err);
		sip_lex_lws(&c);
	}
	out->params = sip_str_between(from, c.p);
	return 0;
}
