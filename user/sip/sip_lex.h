/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lexical pieces of RFC 3261 section 25 that every header parser
 * shares: character classes, a bounded cursor, linear white space with
 * folding, quoted strings, ";name=value" parameters and comma-separated
 * lists. Nothing here copies or allocates; results are spans.
 */
#ifndef SIPHON_SIP_LEX_H
#define SIPHON_SIP_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "sip_error.h"
#include "sip_str.h"

enum {
	SIP_CT_TOKEN = 1 << 0, /* token: alphanum and -.!%*_+`'~ */
	SIP_CT_DIGIT = 1 << 1,
	SIP_CT_WS = 1 << 2, /* SP, HTAB */
	SIP_CT_WORD = 1 << 3, /* Call-ID word */
	SIP_CT_CTL = 1 << 4, /* bytes a header value may not hold */
	SIP_CT_ALPHA = 1 << 5,
};

extern const uint8_t sip_ctype[256];

static inline bool sip_is(unsigned char c, uint8_t cls)
{
	return sip_ctype[c] & cls;
}

static inline unsigned char sip_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/*
 * A read position inside one span. Offsets in errors are counted from
 * start, the beginning of the span the parser was handed.
 */
struct sip_cur {
	const char *p, *end, *start;
};

static inline struct sip_cur sip_cur_of(struct sip_str s)
{
	return (struct sip_cur){ s.p, s.p + s.len, s.p };
}

static inline bool sip_cur_eof(const struct sip_cur *c)
{
	return c->p >= c->end;
}

static inline uint32_t sip_cur_off(const struct sip_cur *c)
{
	return (uint32_t)(c->p - c->start);
}

/* Is the next byte ch? Consumes it if so. */
static inline bool sip_cur_take(struct sip_cur *c, char ch)
{
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* set err at the cursor; returns -1 so a parser can return it */
static inline int sip_cur_fail(const struct sip_cur *c, enum sip_err code,
			       struct sip_error *err)
{
	err->code = code;
	err->offset = sip_cur_off(c);
	return -1;
}

/* both spans must point into the same buffer, a before b */
static inline struct sip_str sip_str_between(const char *a, const char *b)
{
	return sip_str_of(a, (size_t)(b - a));
}

/* skip SP, HTAB and folds (CRLF followed by SP or HTAB); true if any */
bool sip_lex_lws(struct sip_cur *c);
/* a run of token characters; false (nothing consumed) if empty */
bool sip_lex_token(struct sip_cur *c, struct sip_str *out);
/* 1*DIGIT into a value at most max; false if empty or over max */
bool sip_lex_uint(struct sip_cur *c, uint32_t max, uint32_t *out);
/*
 * A quoted string at the cursor ('"' first). out is the text between the
 * quotes with any quoted-pair left as it was sent (zero-copy). False on a
 * missing closing quote or a backslash before CR, LF or the end.
 */
bool sip_lex_quoted(struct sip_cur *c, struct sip_str *out);

struct sip_param {
	struct sip_str name;
	struct sip_str value; /* without the quotes when quoted */
	bool has_value;
	bool quoted;
};

/*
 * The next ";name[=value]" at the cursor, LWS allowed around ';' and '='.
 * The value is a token, a quoted string or an [IPv6] reference. Returns 1
 * with a parameter, 0 when the next non-LWS byte is not ';' (the cursor is
 * left on it), -1 on a malformed parameter (the cursor is on the culprit).
 */
int sip_lex_param(struct sip_cur *c, struct sip_param *out);

/* a parameter handed over by sip_lex_params(); false refuses it */
typedef bool (*sip_param_fn)(const struct sip_param *p, void *ctx);

/*
 * Every ";name[=value]" at the cursor, at most SIP_PARAMS_MAX, each handed
 * to accept (NULL accepts all); *span gets them all, trimmed. Fails with code
 * on a malformed or refused parameter (the offset on it), with
 * SIP_ERR_TOO_MANY_VALUES on one too many (the offset on that one).
 */
int sip_lex_params(struct sip_cur *c, enum sip_err code, sip_param_fn accept,
		   void *ctx, struct sip_str *span, struct sip_error *err);

/*
 * Walk every parameter of a span holding only parameters (";a=1;b"):
 * returns 1 with one, 0 at the end, -1 if malformed.
 */
int sip_param_next(struct sip_str *rest, struct sip_param *out);
/* the first parameter called name (case-insensitive), or false */
bool sip_param_find(struct sip_str params, const char *name,
		    struct sip_param *out);

/*
 * Split a header value on the commas that separate its values, not those
 * inside a quoted string or <...>. rest is advanced past each value; the
 * value comes back without surrounding LWS. Returns 1 with a value, 0 when
 * rest is used up, -1 on an empty element, an unterminated quote or an
 * unbalanced '<' (rest then points at the problem).
 */
int sip_list_next(struct sip_str *rest, struct sip_str *val);

/* delta-seconds: digits only, saturating at 2^32 - 1 (RFC 3261 20.19) */
bool sip_str_delta(struct sip_str s, uint32_t *out);

/* s without leading and trailing LWS */
struct sip_str sip_str_trim(struct sip_str s);

#endif /* SIPHON_SIP_LEX_H */
