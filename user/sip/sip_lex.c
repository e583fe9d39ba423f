// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lexical helpers shared by the message scanner and the header parsers
 * (RFC 3261 section 25.1). Every loop is bounded by the cursor's end.
 */
#include "sip_lex.h"
#include "sip_limits.h"

#define TOK SIP_CT_TOKEN
#define DIG SIP_CT_DIGIT
#define WRD SIP_CT_WORD
#define ALP SIP_CT_ALPHA

/* GNU range initializers keep the classes readable next to the ABNF */
const uint8_t sip_ctype[256] = {
	[0 ... 8] = SIP_CT_CTL,
	['\t'] = SIP_CT_WS,
	[10 ... 31] = SIP_CT_CTL,
	[' '] = SIP_CT_WS,
	[127] = SIP_CT_CTL,
	['0' ... '9'] = TOK | DIG | WRD,
	['a' ... 'z'] = TOK | WRD | ALP,
	['A' ... 'Z'] = TOK | WRD | ALP,
	['-'] = TOK | WRD,
	['.'] = TOK | WRD,
	['!'] = TOK | WRD,
	['%'] = TOK | WRD,
	['*'] = TOK | WRD,
	['_'] = TOK | WRD,
	['+'] = TOK | WRD,
	['`'] = TOK | WRD,
	['\''] = TOK | WRD,
	['~'] = TOK | WRD,
	/* word adds these to token */
	['('] = WRD,
	[')'] = WRD,
	['<'] = WRD,
	['>'] = WRD,
	[':'] = WRD,
	['\\'] = WRD,
	['"'] = WRD,
	['/'] = WRD,
	['['] = WRD,
	[']'] = WRD,
	['?'] = WRD,
	['{'] = WRD,
	['}'] = WRD,
};

bool sip_lex_lws(struct sip_cur *c)
{
	const char *from = c->p;

	while (c->p < c->end) {
		if (sip_is(*c->p, SIP_CT_WS)) {
			c->p++;
		} else if (c->end - c->p >= 3 && c->p[0] == '\r' &&
			   c->p[1] == '\n' && sip_is(c->p[2], SIP_CT_WS)) {
			c->p += 3;
		} else {
			break;
		}
	}
	return c->p != from;
}

bool sip_lex_token(struct sip_cur *c, struct sip_str *out)
{
	const char *from = c->p;

	while (c->p < c->end && sip_is(*c->p, SIP_CT_TOKEN))
		c->p++;
	*out = sip_str_between(from, c->p);
	return c->p != from;
}

bool sip_lex_uint(struct sip_cur *c, uint32_t max, uint32_t *out)
{
	const char *from = c->p;
	uint64_t v = 0;

	while (c->p < c->end && sip_is(*c->p, SIP_CT_DIGIT)) {
		v = v * 10 + (uint64_t)(*c->p - '0');
		if (v > max)
			return false;
		c->p++;
	}
	*out = (uint32_t)v;
	return c->p != from;
}

bool sip_lex_quoted(struct sip_cur *c, struct sip_str *out)
{
	const char *from;

	if (!sip_cur_take(c, '"'))
		return false;
	from = c->p;
	while (c->p < c->end) {
		unsigned char ch = *c->p;

		if (ch == '"') {
			*out = sip_str_between(from, c->p);
			c->p++;
			return true;
		}
		if (ch == '\\') {
			/* quoted-pair: any byte but CR and LF may follow */
			if (c->end - c->p < 2 || c->p[1] == '\r' ||
			    c->p[1] == '\n')
				return false;
			c->p += 2;
			continue;
		}
		if (ch == '\r' && !sip_lex_lws(c))
			return false;
		if (ch != '\r')
			c->p++;
	}
	return false;
}

/* gen-value: token, quoted-string or an IPv6 reference */
static int param_value(struct sip_cur *c, struct sip_param *out)
{
	const char *from = c->p;

	out->has_value = true;
	if (c->p < c->end && *c->p == '"') {
		out->quoted = true;
		return sip_lex_quoted(c, &out->value) ? 1 : -1;
	}
	if (sip_cur_take(c, '[')) {
		while (c->p < c->end &&
		       (sip_is(*c->p, SIP_CT_DIGIT | SIP_CT_ALPHA) ||
			*c->p == ':' || *c->p == '.'))
			c->p++;
		if (!sip_cur_take(c, ']'))
			return -1;
		out->value = sip_str_between(from, c->p);
		return 1;
	}
	/* token, with ':' for Via's unbracketed received=IPv6 */
	while (c->p < c->end && (sip_is(*c->p, SIP_CT_TOKEN) || *c->p == ':'))
		c->p++;
	out->value = sip_str_between(from, c->p);
	return c->p != from ? 1 : -1;
}

int sip_lex_param(struct sip_cur *c, struct sip_param *out)
{
	const char *save = c->p;

	sip_lex_lws(c);
	if (!sip_cur_take(c, ';')) {
		c->p = save;
		return 0;
	}
	*out = (struct sip_param){ 0 };
	sip_lex_lws(c);
	if (!sip_lex_token(c, &out->name))
		return -1;
	save = c->p;
	sip_lex_lws(c);
	if (!sip_cur_take(c, '=')) {
		c->p = save;
		return 1;
	}
	sip_lex_lws(c);
	return param_value(c, out);
}

int sip_lex_params(struct sip_cur *c, enum sip_err code, sip_param_fn accept,
		   void *ctx, struct sip_str *span, struct sip_error *err)
{
	const char *from = c->p, *at;
	struct sip_param p;
	unsigned int n = 0;
	int r;

	for (;;) {
		at = c->p;
		r = sip_lex_param(c, &p);
		if (r == 0)
			break;
		if (r < 0)
			return sip_cur_fail(c, code, err);
		if (++n > SIP_PARAMS_MAX) {
			c->p = at;
			return sip_cur_fail(c, SIP_ERR_TOO_MANY_VALUES, err);
		}
		if (accept && !accept(&p, ctx)) {
			c->p = p.name.p;
			return sip_cur_fail(c, code, err);
		}
	}
	*span = sip_str_trim(sip_str_between(from, c->p));
	return 0;
}

int sip_param_next(struct sip_str *rest, struct sip_param *out)
{
	struct sip_cur c = sip_cur_of(*rest);
	int r = sip_lex_param(&c, out);

	if (r == 0) {
		sip_lex_lws(&c);
		r = sip_cur_eof(&c) ? 0 : -1;
	}
	*rest = sip_str_between(c.p, c.end);
	return r;
}

bool sip_param_find(struct sip_str params, const char *name,
		    struct sip_param *out)
{
	unsigned int n = 0;

	while (n++ < SIP_PARAMS_MAX && sip_param_next(&params, out) == 1) {
		if (sip_str_ieq_cstr(out->name, name))
			return true;
	}
	return false;
}

struct sip_str sip_str_trim(struct sip_str s)
{
	struct sip_cur c = sip_cur_of(s);
	const char *e = c.end;

	sip_lex_lws(&c);
	/* a value never ends in a fold, so trailing SP/HTAB is all */
	while (e > c.p && sip_is(e[-1], SIP_CT_WS))
		e--;
	return sip_str_between(c.p, e);
}

/* the first ch in [p, end), or end */
static const char *first_of(const char *p, const char *end, char ch)
{
	const char *q = memchr(p, ch, (size_t)(end - p));

	return q ? q : end;
}

int sip_list_next(struct sip_str *rest, struct sip_str *val)
{
	struct sip_cur c = sip_cur_of(*rest);
	const char *from, *comma;
	struct sip_str q;
	bool angle = false;

	sip_lex_lws(&c);
	if (sip_cur_eof(&c)) {
		*rest = sip_str_between(c.p, c.p);
		return 0;
	}
	from = c.p;
	/*
	 * Most values (every Via, most Routes) hold no quote and no '<'
	 * before their comma: memchr finds the end at a fraction of the
	 * byte-by-byte walk's cost, which the proxy pays on every message.
	 */
	comma = first_of(c.p, c.end, ',');
	if (first_of(c.p, comma, '"') == comma &&
	    first_of(c.p, comma, '<') == comma)
		c.p = comma;
	while (c.p < c.end) {
		char ch = *c.p;

		if (ch == '"') {
			if (!sip_lex_quoted(&c, &q))
				goto bad;
			continue;
		}
		if (ch == ',' && !angle)
			break;
		if (ch == '<')
			angle = true;
		else if (ch == '>')
			angle = false;
		c.p++;
	}
	if (angle)
		goto bad;
	*val = sip_str_trim(sip_str_between(from, c.p));
	if (!val->len)
		goto bad;
	if (sip_cur_take(&c, ',')) {
		/* a trailing comma leaves an empty element */
		sip_lex_lws(&c);
		if (sip_cur_eof(&c))
			goto bad;
	}
	*rest = sip_str_between(c.p, c.end);
	return 1;
bad:
	*rest = sip_str_between(c.p, c.end);
	return -1;
}

/* delta-seconds: digits, saturating at 2^32 - 1 (RFC 3261 section 20.19) */
bool sip_str_delta(struct sip_str s, uint32_t *out)
{
	uint64_t v = 0;
	uint32_t i;

	if (!s.len)
		return false;
	for (i = 0; i < s.len; i++) {
		if (!sip_is(s.p[i], SIP_CT_DIGIT))
			return false;
		v = v * 10 + (uint64_t)(s.p[i] - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX;
	}
	*out = (uint32_t)v;
	return true;
}
