// SPDX-License-Identifier: GPL-2.0-only
/*
 * URI equality (RFC 3261 19.1.4, RFC 3966 section 4) and the small helpers
 * a proxy asks of a parsed URI. Escapes are decoded while comparing, one
 * character at a time, so no buffer is needed.
 */
#include <string.h>

#include "sip_uri.h"

/* RFC 3261 reserved: escaped, these stay distinct from the plain byte */
static const char reserved_chars[] = ";/?:@&=+$,";

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 'a' - 'A' : c;
}

/*
 * The next character of an escaped span: "%61" and "a" give the same
 * value, but "%3B" gives 256 + ';' because an escaped reserved character
 * is not the delimiter it would otherwise be.
 */
static int next_char(struct sip_str s, uint32_t *i)
{
	int c = (unsigned char)s.p[*i], hi, lo;

	if (c == '%' && s.len - *i >= 3) {
		hi = sip_hex_value(s.p[*i + 1]);
		lo = sip_hex_value(s.p[*i + 2]);
		if (hi >= 0 && lo >= 0) {
			*i += 3;
			c = hi << 4 | lo;
			return (c && strchr(reserved_chars, c)) ? 256 + c : c;
		}
	}
	(*i)++;
	return c;
}

static bool esc_equal(struct sip_str a, struct sip_str b, bool icase)
{
	uint32_t i = 0, j = 0;

	while (i < a.len && j < b.len) {
		int x = next_char(a, &i), y = next_char(b, &j);

		if (icase) {
			x = lower(x);
			y = lower(y);
		}
		if (x != y)
			return false;
	}
	return i == a.len && j == b.len;
}

/* both absent, or both present and equal */
static bool opt_equal(struct sip_str a, struct sip_str b, bool icase)
{
	if (!a.p || !b.p)
		return !a.p && !b.p;
	return esc_equal(a, b, icase);
}

static bool name_equal(struct sip_str a, struct sip_str b)
{
	return esc_equal(a, b, true);
}

const struct sip_uri_param *sip_uri_find(const struct sip_uri_param *list,
					 unsigned int n, struct sip_str name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (name_equal(list[i].name, name))
			return &list[i];
	return NULL;
}

const struct sip_uri_param *sip_uri_param_find(const struct sip_uri *uri,
					       const char *name)
{
	return sip_uri_find(uri->params, uri->nparams,
			    sip_str_of(name, strlen(name)));
}

/* headers_equal() keeps a bitmap of matched headers */
_Static_assert(SIP_PARAMS_MAX <= 64, "one bit per URI header");

/* ---- sip:, sips: ---- */

static bool host_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->host_type != b->host_type)
		return false;
	/* by value, so [::1] and [0:0::1] are the same address */
	if (a->host_type == SIP_URI_HOST_IPV4)
		return !memcmp(a->addr, b->addr, 4);
	if (a->host_type == SIP_URI_HOST_IPV6)
		return !memcmp(a->addr, b->addr, 16);
	return sip_str_ieq(a->host, b->host);
}

/* these must match when either URI has them; the typed fields hold them */
static bool known_params_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	return a->ttl == b->ttl &&
	       opt_equal(a->transport, b->transport, true) &&
	       opt_equal(a->user_param, b->user_param, true) &&
	       opt_equal(a->method, b->method, true) &&
	       opt_equal(a->maddr, b->maddr, true);
}

static bool is_known(struct sip_str name)
{
	static const char *const known[] = { "transport", "user", "method",
					     "ttl", "maddr" };
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (name_equal(name, sip_str_of(known[i], strlen(known[i]))))
			return true;
	return false;
}

/* any other parameter is compared only when both URIs carry it */
static bool other_params_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	const struct sip_uri_param *p, *q;
	unsigned int i;

	for (i = 0; i < a->nparams; i++) {
		p = &a->params[i];
		if (is_known(p->name))
			continue;
		q = sip_uri_find(b->params, b->nparams, p->name);
		if (q && !opt_equal(p->value, q->value, true))
			return false;
	}
	return true;
}

/* every header in both, in any order: names ignore case, values do not */
static bool headers_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	uint64_t used = 0;
	unsigned int i, j;

	if (a->nheaders != b->nheaders)
		return false;
	for (i = 0; i < a->nheaders; i++) {
		const struct sip_uri_param *h = &a->headers[i];

		for (j = 0; j < b->nheaders; j++) {
			const struct sip_uri_param *k = &b->headers[j];

			if (!(used >> j & 1) && name_equal(h->name, k->name) &&
			    esc_equal(h->value, k->value, false))
				break;
		}
		if (j == b->nheaders)
			return false;
		used |= 1ull << j;
	}
	return true;
}

static bool sip_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	/* userinfo is the one case-sensitive part */
	return esc_equal(a->user, b->user, false) &&
	       opt_equal(a->password, b->password, false) && host_equal(a, b) &&
	       a->has_port == b->has_port && a->port == b->port &&
	       known_params_equal(a, b) && other_params_equal(a, b) &&
	       headers_equal(a, b);
}

/* ---- tel: ---- */

static bool is_separator(int c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* RFC 3966: visual separators carry no meaning, hex digits ignore case */
static bool digits_equal(struct sip_str a, struct sip_str b)
{
	uint32_t i = 0, j = 0;

	for (;;) {
		while (i < a.len && is_separator(a.p[i]))
			i++;
		while (j < b.len && is_separator(b.p[j]))
			j++;
		if (i == a.len || j == b.len)
			return i == a.len && j == b.len;
		if (lower(a.p[i++]) != lower(b.p[j++]))
			return false;
	}
}

static bool tel_value_equal(struct sip_str name, struct sip_str a,
			    struct sip_str b)
{
	if (!a.p || !b.p)
		return !a.p && !b.p;
	if (sip_str_ieq_cstr(name, "ext") ||
	    (sip_str_ieq_cstr(name, "phone-context") && a.len && a.p[0] == '+'))
		return digits_equal(a, b);
	return esc_equal(a, b, true);
}

/* every parameter of a is in b with an equal value */
static bool tel_params_in(const struct sip_uri *a, const struct sip_uri *b)
{
	unsigned int i;

	for (i = 0; i < a->nparams; i++) {
		const struct sip_uri_param *p = &a->params[i], *q;

		q = sip_uri_find(b->params, b->nparams, p->name);
		if (!q || !tel_value_equal(p->name, p->value, q->value))
			return false;
	}
	return true;
}

static bool tel_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	return a->global == b->global && digits_equal(a->number, b->number) &&
	       tel_params_in(a, b) && tel_params_in(b, a);
}

bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return false;
	if (a->scheme == SIP_URI_TEL)
		return tel_equal(a, b);
	return sip_equal(a, b);
}

/* ---- helpers ---- */

bool sip_uri_host_is_ip(const struct sip_uri *uri)
{
	return uri->host_type == SIP_URI_HOST_IPV4 ||
	       uri->host_type == SIP_URI_HOST_IPV6;
}

uint16_t sip_uri_default_port(const struct sip_uri *uri)
{
	if (uri->scheme == SIP_URI_TEL)
		return 0;
	if (uri->scheme == SIP_URI_SIPS ||
	    uri->transport_type == SIP_URI_TRANSPORT_TLS)
		return 5061;
	return 5060;
}

uint16_t sip_uri_port(const struct sip_uri *uri)
{
	return uri->has_port ? uri->port : sip_uri_default_port(uri);
}
