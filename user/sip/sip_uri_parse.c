// SPDX-License-Identifier: GPL-2.0-only
/*
 * The URI parser: one cursor walks the text left to right, each part of the
 * grammar is a small function that advances it or records why it stopped.
 * Nothing is copied; escapes are checked here and decoded only on demand.
 */
#include <string.h>

#include "sip_uri.h"

/* RFC 3261 25.1 character classes, beyond letters and digits */
#define MARK "-_.!~*'()"
static const char user_chars[] = MARK "&=+$,;?/";
static const char password_chars[] = MARK "&=+$,";
static const char param_chars[] = MARK "[]/:&+$";
static const char header_chars[] = MARK "[]/?:+$";
static const char host_chars[] = "-.";
/* RFC 3966 visual separators, ignored in numbers */
static const char tel_separators[] = "-.()";

struct cursor {
	const char *p;
	uint32_t len;
	uint32_t pos;
	struct sip_error *err;
};

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

/* c != 0 first: strchr() would match the terminator */
static bool in_class(int c, const char *extra)
{
	return c > 0 && (is_alnum(c) || strchr(extra, c));
}

/* the byte under the cursor, or -1 at the end */
static int peek(const struct cursor *c)
{
	return c->pos < c->len ? (unsigned char)c->p[c->pos] : -1;
}

static int fail_at(struct cursor *c, enum sip_err code, uint32_t pos)
{
	c->err->code = code;
	c->err->offset = pos;
	return -1;
}

static int fail(struct cursor *c, enum sip_err code)
{
	return fail_at(c, code, c->pos);
}

static struct sip_str span_from(const struct cursor *c, uint32_t start)
{
	return sip_str_of(c->p + start, c->pos - start);
}

/*
 * Advances over characters of the class and well-formed %HH escapes; stops
 * at the first other byte. A '%' without two hex digits fails here.
 */
static int scan_escaped(struct cursor *c, const char *extra,
			struct sip_str *out)
{
	uint32_t start = c->pos;

	for (;;) {
		int ch = peek(c);

		if (ch == '%') {
			if (c->len - c->pos < 3 ||
			    sip_hex_value(c->p[c->pos + 1]) < 0 ||
			    sip_hex_value(c->p[c->pos + 2]) < 0)
				return fail(c, SIP_ERR_URI_BAD_ESCAPE);
			c->pos += 3;
		} else if (in_class(ch, extra)) {
			c->pos++;
		} else {
			break;
		}
	}
	*out = span_from(c, start);
	return 0;
}

int sip_uri_unescape(struct sip_str in, char *buf, size_t size)
{
	uint32_t i = 0;
	size_t n = 0;

	while (i < in.len) {
		int ch = (unsigned char)in.p[i];

		if (ch == '%') {
			int hi, lo;

			if (in.len - i < 3)
				return -1;
			hi = sip_hex_value(in.p[i + 1]);
			lo = sip_hex_value(in.p[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			ch = hi << 4 | lo;
			i += 3;
		} else {
			i++;
		}
		if (n >= size)
			return -1;
		buf[n++] = (char)ch;
	}
	return (int)n;
}

/* escape-aware, so ";%74tl=1" is the ttl RFC 3261 19.1.4 says it is */
static bool name_is(struct sip_str raw, const char *name)
{
	char buf[16];
	int n = sip_uri_unescape(raw, buf, sizeof(buf));

	return n >= 0 && sip_str_ieq_cstr(sip_str_of(buf, n), name);
}

/* ---- hosts ---- */

/* exactly a dotted quad, 1 to 3 digits per octet, each 0..255 */
static bool ipv4_from(const char *p, uint32_t len, uint8_t out[4])
{
	uint32_t i = 0;
	int octet;

	for (octet = 0; octet < 4; octet++) {
		uint32_t start = i, v = 0;

		if (octet && (i >= len || p[i++] != '.'))
			return false;
		start = i;
		while (i < len && i - start < 3 && is_digit(p[i]))
			v = v * 10 + (p[i++] - '0');
		if (i == start || v > 255)
			return false;
		out[octet] = (uint8_t)v;
	}
	return i == len;
}

static void ipv6_expand(const uint16_t *g, int n, int gap, uint8_t out[16])
{
	int i, at;

	memset(out, 0, 16);
	for (i = 0; i < n; i++) {
		/* groups after the "::" are aligned to the end */
		at = (gap >= 0 && i >= gap) ? 8 - (n - i) : i;
		out[2 * at] = g[i] >> 8;
		out[2 * at + 1] = g[i] & 0xff;
	}
}

/* the dotted quad that may end an IPv6 address, as its last two groups */
static bool ipv6_tail(const char *p, uint32_t len, uint16_t *g, int *n)
{
	uint8_t q[4];

	if (*n > 6 || !ipv4_from(p, len, q))
		return false;
	g[(*n)++] = q[0] << 8 | q[1];
	g[(*n)++] = q[2] << 8 | q[3];
	return true;
}

/*
 * RFC 4291 2.2 text form, without the brackets: eight groups of 1..4 hex
 * digits, or fewer around one "::", the last 32 bits optionally dotted.
 */
static bool ipv6_from(const char *p, uint32_t len, uint8_t out[16])
{
	uint16_t g[8];
	int n = 0, gap = -1;
	uint32_t i = 0;

	if (len >= 2 && p[0] == ':' && p[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < len) {
		uint32_t start = i, v = 0;

		if (n == 8)
			return false;
		while (i < len && i - start < 4 && sip_hex_value(p[i]) >= 0)
			v = v << 4 | sip_hex_value(p[i++]);
		if (i < len && p[i] == '.') {
			if (!ipv6_tail(p + start, len - start, g, &n))
				return false;
			break;
		}
		if (i == start)
			return false;
		g[n++] = (uint16_t)v;
		if (i == len)
			break;
		if (p[i++] != ':' || i == len)
			return false;
		if (p[i] == ':') {
			if (gap >= 0)
				return false;
			gap = n;
			i++;
		}
	}
	if (gap < 0 ? n != 8 : n > 7)
		return false;
	ipv6_expand(g, n, gap, out);
	return true;
}

/*
 * RFC 3261 hostname: labels of letters, digits and inner hyphens, the last
 * one starting with a letter (which is what tells "1.2.3.999" from a name),
 * and an optional final dot.
 */
static bool hostname_ok(const char *p, uint32_t len)
{
	uint32_t i = 0, start = 0;

	if (len && p[len - 1] == '.')
		len--;
	if (!len)
		return false;
	while (i < len) {
		start = i;
		while (i < len && p[i] != '.') {
			if (!in_class((unsigned char)p[i], "-"))
				return false;
			i++;
		}
		if (i == start || p[start] == '-' || p[i - 1] == '-')
			return false;
		if (i < len && ++i == len)
			return false;
	}
	return is_alpha(p[start]);
}

static int parse_ipv6_ref(struct cursor *c, struct sip_uri *u)
{
	uint32_t start = c->pos;
	const char *end = memchr(c->p + start, ']', c->len - start);

	if (!end)
		return fail(c, SIP_ERR_URI_BAD_HOST);
	if (!ipv6_from(c->p + start + 1, end - c->p - start - 1, u->addr))
		return fail(c, SIP_ERR_URI_BAD_HOST);
	c->pos = end - c->p + 1;
	u->host_type = SIP_URI_HOST_IPV6;
	u->host = span_from(c, start);
	return 0;
}

static int parse_host(struct cursor *c, struct sip_uri *u)
{
	uint32_t start = c->pos;

	if (peek(c) == '[')
		return parse_ipv6_ref(c, u);
	while (in_class(peek(c), host_chars))
		c->pos++;
	u->host = span_from(c, start);
	if (ipv4_from(u->host.p, u->host.len, u->addr))
		u->host_type = SIP_URI_HOST_IPV4;
	else if (hostname_ok(u->host.p, u->host.len))
		u->host_type = SIP_URI_HOST_NAME;
	else
		return fail_at(c, SIP_ERR_URI_BAD_HOST, start);
	return 0;
}

/* digits only, leading zeros allowed, the value at most 65535 */
static int parse_port(struct cursor *c, struct sip_uri *u)
{
	uint32_t start = c->pos, v = 0;

	while (is_digit(peek(c))) {
		v = v * 10 + (c->p[c->pos] - '0');
		if (v > 65535)
			return fail_at(c, SIP_ERR_URI_BAD_PORT, start);
		c->pos++;
	}
	if (c->pos == start)
		return fail(c, SIP_ERR_URI_BAD_PORT);
	u->has_port = true;
	u->port = (uint16_t)v;
	return 0;
}

/* ---- userinfo ---- */

/* only called when an '@' follows: user [":" password] "@" */
static int parse_userinfo(struct cursor *c, struct sip_uri *u)
{
	if (scan_escaped(c, user_chars, &u->user))
		return -1;
	if (!u->user.len)
		return fail(c, SIP_ERR_URI_BAD_USER);
	if (peek(c) == ':') {
		c->pos++;
		if (scan_escaped(c, password_chars, &u->password))
			return -1;
		if (peek(c) != '@')
			return fail(c, SIP_ERR_URI_BAD_PASSWORD);
	}
	if (peek(c) != '@')
		return fail(c, SIP_ERR_URI_BAD_USER);
	c->pos++;
	return 0;
}

/* ---- parameters ---- */

static const struct {
	const char *name;
	enum sip_uri_transport type;
} transports[] = {
	{ "udp", SIP_URI_TRANSPORT_UDP },   { "tcp", SIP_URI_TRANSPORT_TCP },
	{ "sctp", SIP_URI_TRANSPORT_SCTP }, { "tls", SIP_URI_TRANSPORT_TLS },
	{ "ws", SIP_URI_TRANSPORT_WS },	    { "wss", SIP_URI_TRANSPORT_WSS },
};

static enum sip_uri_transport transport_of(struct sip_str value)
{
	size_t i;

	for (i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (name_is(value, transports[i].name))
			return transports[i].type;
	return SIP_URI_TRANSPORT_OTHER;
}

static bool ttl_of(struct sip_str v, int16_t *ttl)
{
	uint32_t i, n = 0;

	if (!v.len || v.len > 3)
		return false;
	for (i = 0; i < v.len; i++) {
		if (!is_digit(v.p[i]))
			return false;
		n = n * 10 + (v.p[i] - '0');
	}
	*ttl = (int16_t)n;
	return n <= 255;
}

/* maddr= holds a host and nothing else */
static bool maddr_ok(struct sip_str v)
{
	struct sip_error err;
	struct cursor sub = { v.p, v.len, 0, &err };
	struct sip_uri scratch;

	return !parse_host(&sub, &scratch) && sub.pos == v.len;
}

/* a value, once, where the RFC wants one: refused otherwise */
static bool set_once(struct sip_str *field, struct sip_str value)
{
	if (field->p || !value.p)
		return false;
	*field = value;
	return true;
}

/* fills the typed field a well-known parameter maps to */
static bool apply_sip_param(struct sip_uri *u, const struct sip_uri_param *p)
{
	if (name_is(p->name, "transport")) {
		if (!set_once(&u->transport, p->value))
			return false;
		u->transport_type = transport_of(p->value);
	} else if (name_is(p->name, "user")) {
		return set_once(&u->user_param, p->value);
	} else if (name_is(p->name, "method")) {
		return set_once(&u->method, p->value);
	} else if (name_is(p->name, "maddr")) {
		return p->value.p && maddr_ok(p->value) &&
		       set_once(&u->maddr, p->value);
	} else if (name_is(p->name, "ttl")) {
		return u->ttl < 0 && ttl_of(p->value, &u->ttl);
	} else if (name_is(p->name, "lr")) {
		/* "lr=on" from older stacks is let through as lr */
		u->lr = true;
	}
	return true;
}

/*
 * A name given twice would make RFC 3261 19.1.4 ambiguous (which one is
 * compared?), so a URI gets each parameter once.
 */
static bool param_is_new(const struct sip_uri *u, const struct sip_uri_param *p)
{
	return !sip_uri_find(u->params, u->nparams, p->name);
}

/* ";name" or ";name=value"; the cursor is on the ';' */
static int parse_one_param(struct cursor *c, const char *name_chars,
			   struct sip_uri_param *p)
{
	c->pos++;
	if (scan_escaped(c, name_chars, &p->name))
		return -1;
	if (!p->name.len)
		return fail(c, SIP_ERR_URI_BAD_PARAM);
	p->value = SIP_STR_NULL;
	if (peek(c) != '=')
		return 0;
	c->pos++;
	if (scan_escaped(c, param_chars, &p->value))
		return -1;
	if (!p->value.len)
		return fail(c, SIP_ERR_URI_BAD_PARAM);
	return 0;
}

static int parse_sip_params(struct cursor *c, struct sip_uri *u)
{
	while (peek(c) == ';') {
		struct sip_uri_param *p = &u->params[u->nparams];
		uint32_t start = c->pos + 1;

		if (u->nparams == SIP_PARAMS_MAX)
			return fail(c, SIP_ERR_URI_BAD_PARAM);
		if (parse_one_param(c, param_chars, p))
			return -1;
		if (!param_is_new(u, p) || !apply_sip_param(u, p))
			return fail_at(c, SIP_ERR_URI_BAD_PARAM, start);
		u->nparams++;
	}
	return 0;
}

/* "?" hname "=" [hvalue] *( "&" hname "=" [hvalue] ) */
static int parse_headers(struct cursor *c, struct sip_uri *u)
{
	if (peek(c) != '?')
		return 0;
	do {
		struct sip_uri_param *h = &u->headers[u->nheaders];

		c->pos++;
		if (u->nheaders == SIP_PARAMS_MAX)
			return fail(c, SIP_ERR_URI_BAD_HEADERS);
		if (scan_escaped(c, header_chars, &h->name))
			return -1;
		if (!h->name.len || peek(c) != '=')
			return fail(c, SIP_ERR_URI_BAD_HEADERS);
		c->pos++;
		if (scan_escaped(c, header_chars, &h->value))
			return -1;
		u->nheaders++;
	} while (peek(c) == '&');
	return 0;
}

static int parse_sip(struct cursor *c, struct sip_uri *u)
{
	if (memchr(c->p + c->pos, '@', c->len - c->pos) && parse_userinfo(c, u))
		return -1;
	if (parse_host(c, u))
		return -1;
	if (peek(c) == ':') {
		c->pos++;
		if (parse_port(c, u))
			return -1;
	}
	if (peek(c) >= 0 && peek(c) != ';' && peek(c) != '?')
		return fail(c, u->has_port ? SIP_ERR_URI_BAD_PORT :
					     SIP_ERR_URI_BAD_HOST);
	if (parse_sip_params(c, u) || parse_headers(c, u))
		return -1;
	if (peek(c) >= 0)
		return fail(c, u->nheaders ? SIP_ERR_URI_BAD_HEADERS :
					     SIP_ERR_URI_BAD_PARAM);
	return 0;
}

/* ---- tel: ---- */

/*
 * RFC 3966 digits with visual separators, at least one real digit; hex
 * adds the local number's hex digits, '*' and '#'.
 */
static bool phonedigits_ok(const char *p, uint32_t len, bool hex)
{
	uint32_t i, digits = 0;

	for (i = 0; i < len; i++) {
		unsigned char ch = p[i];

		if (is_digit(ch) ||
		    (hex && (sip_hex_value(ch) >= 0 || ch == '*' || ch == '#')))
			digits++;
		else if (!ch || !strchr(tel_separators, ch))
			return false;
	}
	return digits > 0;
}

static bool global_number_ok(struct sip_str s)
{
	return s.len && s.p[0] == '+' &&
	       phonedigits_ok(s.p + 1, s.len - 1, false);
}

/* RFC 3966 descriptor: a global number or a domain name */
static bool phone_context_ok(struct sip_str v)
{
	if (v.len && v.p[0] == '+')
		return global_number_ok(v);
	return hostname_ok(v.p, v.len);
}

/* 0, or the code that refuses the parameter */
static enum sip_err apply_tel_param(struct sip_uri *u,
				    const struct sip_uri_param *p)
{
	struct sip_str *field;
	bool ok;

	if (sip_str_ieq_cstr(p->name, "ext")) {
		field = &u->ext;
		ok = phonedigits_ok(p->value.p, p->value.len, false);
	} else if (sip_str_ieq_cstr(p->name, "isub")) {
		field = &u->isub;
		ok = p->value.len > 0;
	} else if (sip_str_ieq_cstr(p->name, "phone-context")) {
		/* a global number carries its context in its "+" */
		field = &u->phone_context;
		ok = !u->global && phone_context_ok(p->value);
	} else {
		return SIP_ERR_OK;
	}
	if (!ok)
		return SIP_ERR_URI_BAD_TEL;
	return set_once(field, p->value) ? SIP_ERR_OK : SIP_ERR_URI_BAD_PARAM;
}

static int parse_tel_number(struct cursor *c, struct sip_uri *u)
{
	uint32_t start = c->pos;
	const char *semi = memchr(c->p + start, ';', c->len - start);

	c->pos = semi ? (uint32_t)(semi - c->p) : c->len;
	u->number = span_from(c, start);
	u->global = u->number.len && u->number.p[0] == '+';
	if (u->global ? !global_number_ok(u->number) :
			!phonedigits_ok(u->number.p, u->number.len, true))
		return fail_at(c, SIP_ERR_URI_BAD_TEL, start);
	return 0;
}

/* pname is letters, digits and '-' in RFC 3966 */
static const char tel_pname_chars[] = "-";

static int parse_tel(struct cursor *c, struct sip_uri *u)
{
	if (parse_tel_number(c, u))
		return -1;
	while (peek(c) == ';') {
		struct sip_uri_param *p = &u->params[u->nparams];
		uint32_t start = c->pos + 1;
		enum sip_err code;

		if (u->nparams == SIP_PARAMS_MAX)
			return fail(c, SIP_ERR_URI_BAD_PARAM);
		if (parse_one_param(c, tel_pname_chars, p))
			return -1;
		code = param_is_new(u, p) ? apply_tel_param(u, p) :
					    SIP_ERR_URI_BAD_PARAM;
		if (code != SIP_ERR_OK)
			return fail_at(c, code, start);
		u->nparams++;
	}
	if (peek(c) >= 0)
		return fail(c, SIP_ERR_URI_BAD_PARAM);
	if (!u->global && !u->phone_context.p)
		return fail(c, SIP_ERR_URI_BAD_TEL);
	return 0;
}

/* ---- the URI ---- */

static int parse_scheme(struct cursor *c, struct sip_uri *u)
{
	const char *colon = c->len ? memchr(c->p, ':', c->len) : NULL;
	struct sip_str name;

	if (!colon)
		return fail(c, SIP_ERR_URI_BAD_SCHEME);
	name = sip_str_of(c->p, colon - c->p);
	if (sip_str_ieq_cstr(name, "sip"))
		u->scheme = SIP_URI_SIP;
	else if (sip_str_ieq_cstr(name, "sips"))
		u->scheme = SIP_URI_SIPS;
	else if (sip_str_ieq_cstr(name, "tel"))
		u->scheme = SIP_URI_TEL;
	else
		return fail(c, SIP_ERR_URI_BAD_SCHEME);
	c->pos = name.len + 1;
	return 0;
}

int sip_uri_parse(struct sip_str text, struct sip_uri *uri,
		  struct sip_error *err)
{
	struct cursor c = { text.p, text.len, 0, err };

	memset(uri, 0, sizeof(*uri));
	uri->ttl = -1;
	err->code = SIP_ERR_OK;
	err->offset = 0;
	if (!text.p)
		c.len = 0;
	if (parse_scheme(&c, uri))
		return -1;
	if (uri->scheme == SIP_URI_TEL)
		return parse_tel(&c, uri);
	return parse_sip(&c, uri);
}
