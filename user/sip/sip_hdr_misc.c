// SPDX-License-Identifier: GPL-2.0-only
/*
 * The small headers: Call-ID, CSeq, Max-Forwards, Content-Length,
 * Expires, Content-Type, option-tag lists, Allow, Session-Expires and
 * Min-SE (RFC 3261 section 20, RFC 4028).
 */
#include "sip_hdr.h"
#include "sip_lex.h"
#include "sip_limits.h"

/* nothing but LWS may follow */
static int end_or(struct sip_cur *c, enum sip_err code, struct sip_error *err)
{
	sip_lex_lws(c);
	return sip_cur_eof(c) ? 0 : sip_cur_fail(c, code, err);
}

static bool word(struct sip_cur *c)
{
	const char *from = c->p;

	while (c->p < c->end && sip_is(*c->p, SIP_CT_WORD))
		c->p++;
	return c->p != from;
}

int sip_call_id_parse(struct sip_str v, struct sip_str *out,
		      struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	const char *from;

	sip_lex_lws(&c);
	from = c.p;
	if (!word(&c) || (sip_cur_take(&c, '@') && !word(&c)))
		return sip_cur_fail(&c, SIP_ERR_BAD_CALL_ID, err);
	*out = sip_str_between(from, c.p);
	return end_or(&c, SIP_ERR_BAD_CALL_ID, err);
}

/* 1*DIGIT LWS Method, the number below 2^31 (section 8.1.1.5) */
int sip_cseq_parse(struct sip_str v, struct sip_cseq *out,
		   struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);

	*out = (struct sip_cseq){ 0 };
	sip_lex_lws(&c);
	if (!sip_lex_uint(&c, 0x7fffffff, &out->seq) || !sip_lex_lws(&c) ||
	    !sip_lex_token(&c, &out->method_str))
		return sip_cur_fail(&c, SIP_ERR_BAD_CSEQ, err);
	out->method = sip_method_of(out->method_str);
	return end_or(&c, SIP_ERR_BAD_CSEQ, err);
}

static int bounded_uint(struct sip_str v, uint32_t max, uint32_t *out,
			enum sip_err code, struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);

	sip_lex_lws(&c);
	if (!sip_lex_uint(&c, max, out))
		return sip_cur_fail(&c, code, err);
	return end_or(&c, code, err);
}

int sip_max_forwards_parse(struct sip_str v, uint8_t *out,
			   struct sip_error *err)
{
	uint32_t n;

	if (bounded_uint(v, 255, &n, SIP_ERR_BAD_MAX_FORWARDS, err))
		return -1;
	*out = (uint8_t)n;
	return 0;
}

/* no message holds more than SIP_MSG_MAX bytes, so neither may a body */
int sip_content_length_parse(struct sip_str v, uint32_t *out,
			     struct sip_error *err)
{
	return bounded_uint(v, SIP_MSG_MAX, out, SIP_ERR_BAD_CONTENT_LENGTH,
			    err);
}

static int delta_then(struct sip_cur *c, uint32_t *out, enum sip_err code,
		      struct sip_error *err)
{
	const char *from;

	sip_lex_lws(c);
	from = c->p;
	while (c->p < c->end && sip_is(*c->p, SIP_CT_DIGIT))
		c->p++;
	if (!sip_str_delta(sip_str_between(from, c->p), out)) {
		c->p = from;
		return sip_cur_fail(c, code, err);
	}
	return 0;
}

int sip_expires_parse(struct sip_str v, uint32_t *out, struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);

	if (delta_then(&c, out, SIP_ERR_BAD_EXPIRES, err))
		return -1;
	return end_or(&c, SIP_ERR_BAD_EXPIRES, err);
}

/* remembers the last refresher= seen */
static bool note_refresher(const struct sip_param *p, void *ctx)
{
	if (sip_str_ieq_cstr(p->name, "refresher"))
		*(struct sip_param *)ctx = *p;
	return true;
}

/* parameters up to the end of the value; count bounded */
static int trailing_params(struct sip_cur *c, enum sip_err code,
			   struct sip_str *params, sip_param_fn accept,
			   void *ctx, struct sip_error *err)
{
	if (sip_lex_params(c, code, accept, ctx, params, err))
		return -1;
	return end_or(c, code, err);
}

/* type "/" subtype *( ; param ), SWS allowed around the slash */
int sip_content_type_parse(struct sip_str v, struct sip_content_type *out,
			   struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);

	*out = (struct sip_content_type){ 0 };
	sip_lex_lws(&c);
	if (!sip_lex_token(&c, &out->type))
		return sip_cur_fail(&c, SIP_ERR_BAD_CONTENT_TYPE, err);
	sip_lex_lws(&c);
	if (!sip_cur_take(&c, '/'))
		return sip_cur_fail(&c, SIP_ERR_BAD_CONTENT_TYPE, err);
	sip_lex_lws(&c);
	if (!sip_lex_token(&c, &out->subtype))
		return sip_cur_fail(&c, SIP_ERR_BAD_CONTENT_TYPE, err);
	return trailing_params(&c, SIP_ERR_BAD_CONTENT_TYPE, &out->params, NULL,
			       NULL, err);
}

/*
 * A comma list whose every element is one token. Calls fn on each;
 * returns the element count or -1.
 */
static int token_list(struct sip_str v, enum sip_err code,
		      void (*fn)(struct sip_str tok, void *arg), void *arg,
		      struct sip_error *err)
{
	struct sip_str rest = v, val, tok;
	struct sip_cur c;
	int n = 0, r;

	while ((r = sip_list_next(&rest, &val)) == 1) {
		c = sip_cur_of(val);
		c.start = v.p;
		if (++n > SIP_VALUES_MAX)
			return sip_cur_fail(&c, SIP_ERR_TOO_MANY_VALUES, err);
		if (!sip_lex_token(&c, &tok) || !sip_cur_eof(&c))
			return sip_cur_fail(&c, code, err);
		fn(tok, arg);
	}
	if (r < 0) {
		c = (struct sip_cur){ rest.p, rest.p, v.p };
		return sip_cur_fail(&c, code, err);
	}
	return n;
}

struct tag_sink {
	struct sip_str *tags;
	unsigned int max, n;
};

static void add_tag(struct sip_str tok, void *arg)
{
	struct tag_sink *s = arg;

	if (s->n < s->max)
		s->tags[s->n] = tok;
	s->n++;
}

int sip_option_tags_parse(struct sip_str v, struct sip_str *tags,
			  unsigned int max, unsigned int *n,
			  struct sip_error *err)
{
	struct tag_sink s = { tags, max, 0 };

	*n = 0;
	if (token_list(v, SIP_ERR_BAD_OPTION_TAGS, add_tag, &s, err) < 0)
		return -1;
	if (s.n > max) {
		err->code = SIP_ERR_TOO_MANY_VALUES;
		err->offset = 0;
		return -1;
	}
	*n = s.n;
	return 0;
}

static void add_method(struct sip_str tok, void *arg)
{
	struct sip_allow *a = arg;
	enum sip_method m = sip_method_of(tok);

	if (m == SIP_METHOD_OTHER)
		a->other++;
	else
		a->mask |= 1u << m;
}

int sip_allow_parse(struct sip_str v, struct sip_allow *out,
		    struct sip_error *err)
{
	*out = (struct sip_allow){ 0 };
	return token_list(v, SIP_ERR_BAD_ALLOW, add_method, out, err) < 0 ? -1 :
									    0;
}

int sip_session_expires_parse(struct sip_str v, struct sip_session_expires *out,
			      struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	struct sip_param r = { 0 };

	*out = (struct sip_session_expires){ 0 };
	if (delta_then(&c, &out->delta, SIP_ERR_BAD_SESSION_EXPIRES, err) ||
	    trailing_params(&c, SIP_ERR_BAD_SESSION_EXPIRES, &out->params,
			    note_refresher, &r, err))
		return -1;
	if (!r.name.len)
		return 0;
	if (r.has_value && sip_str_ieq_cstr(r.value, "uac"))
		out->refresher = SIP_REFRESHER_UAC;
	else if (r.has_value && sip_str_ieq_cstr(r.value, "uas"))
		out->refresher = SIP_REFRESHER_UAS;
	else
		return sip_cur_fail(&(struct sip_cur){ r.name.p, c.end, v.p },
				    SIP_ERR_BAD_SESSION_EXPIRES, err);
	return 0;
}

int sip_min_se_parse(struct sip_str v, uint32_t *out, struct sip_error *err)
{
	struct sip_cur c = sip_cur_of(v);
	struct sip_str params;

	if (delta_then(&c, out, SIP_ERR_BAD_SESSION_EXPIRES, err))
		return -1;
	return trailing_params(&c, SIP_ERR_BAD_SESSION_EXPIRES, &params, NULL,
			       NULL, err);
}
