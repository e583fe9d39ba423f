// SPDX-License-Identifier: GPL-2.0-only
/* The Contact mark of a phone behind NAT; see nat_mark.h. */
#include <string.h>

#include "fmt.h"
#include "nat_mark.h"
#include "sip/sip_hdr.h"
#include "sip/sip_lex.h"
#include "sip/sip_uri.h"

#define MARK_PREFIX ";" NAT_MARK_PARAM "="

struct out_buf {
	char *p;
	size_t len, cap;
	bool full;
};

static void put(struct out_buf *o, const void *p, size_t n)
{
	if (o->full || n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void put_between(struct out_buf *o, const char *a, const char *b)
{
	put(o, a, (size_t)(b - a));
}

/* ";siphon-nat=198.18.2.2~52001" or ";siphon-nat=[2001:db8::1]~5060":
 * '~' and the brackets are all allowed in a URI parameter's value */
static void put_mark(struct out_buf *o, const union sd_sockaddr *src)
{
	char host[SD_ADDRSTRLEN], port[8];
	bool v6 = src->sa.sa_family == AF_INET6;

	sd_sockaddr_host(src, host, sizeof(host));
	put(o, MARK_PREFIX, strlen(MARK_PREFIX));
	if (v6)
		put(o, "[", 1);
	put(o, host, strlen(host));
	if (v6)
		put(o, "]", 1);
	put(o, "~", 1);
	put_between(o, port, sd_put_u32(port, sd_sockaddr_port(src)));
}

/* where a parameter goes in a URI: before its headers ("?"), if any */
static const char *params_end(struct sip_str text, const struct sip_uri *uri)
{
	const char *from = uri->host.p + uri->host.len;
	const char *end = text.p + text.len;
	const char *q = memchr(from, '?', (size_t)(end - from));

	return q ? q : end;
}

int nat_mark_contact(struct sip_str v, const union sd_sockaddr *src, char *buf,
		     size_t cap, struct sip_str *out)
{
	struct out_buf o = { .p = buf, .cap = cap };
	const char *at, *uri_end, *v_end = v.p + v.len;
	struct sip_error e;
	struct sip_addr a;
	struct sip_uri uri;

	if (sip_contact_parse(v, &a, &e) || a.star ||
	    sip_uri_parse(a.uri, &uri, &e) || !uri.host.len ||
	    sip_uri_param_find(&uri, NAT_MARK_PARAM))
		return -1;
	at = params_end(a.uri, &uri);
	uri_end = a.uri.p + a.uri.len;
	if (a.bracketed) {
		put_between(&o, v.p, at);
		put_mark(&o, src);
		put_between(&o, at, v_end);
	} else {
		/* an addr-spec's own params would be the header's: the
		 * marked URI needs its brackets */
		put_between(&o, v.p, a.uri.p);
		put(&o, "<", 1);
		put_between(&o, a.uri.p, at);
		put_mark(&o, src);
		put_between(&o, at, uri_end);
		put(&o, ">", 1);
		put_between(&o, uri_end, v_end);
	}
	if (o.full)
		return -1;
	*out = sip_str_of(buf, o.len);
	return 0;
}

/* "198.18.2.2~52001" or "[2001:db8::1]~5060" to an address */
static int mark_address(struct sip_str v, union sd_sockaddr *to)
{
	const char *tilde = NULL;
	uint32_t i, port = 0;

	for (i = v.len; i > 0; i--) {
		if (v.p[i - 1] == '~') {
			tilde = v.p + i - 1;
			break;
		}
	}
	if (!tilde || tilde == v.p || tilde + 1 == v.p + v.len)
		return -1;
	for (i = (uint32_t)(tilde + 1 - v.p); i < v.len; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		port = port * 10 + (uint32_t)(v.p[i] - '0');
		if (port > 65535)
			return -1;
	}
	if (!port)
		return -1;
	return sd_sockaddr_from_host(sip_str_between(v.p, tilde),
				     (uint16_t)port, to) ?
		       -1 :
		       0;
}

int nat_mark_take(struct sip_str uri_text, char *buf, size_t cap,
		  struct sip_str *out, union sd_sockaddr *to)
{
	struct out_buf o = { .p = buf, .cap = cap };
	const struct sip_uri_param *p;
	const char *start, *end;
	struct sip_error e;
	struct sip_uri uri;

	if (sip_uri_parse(uri_text, &uri, &e))
		return -1;
	p = sip_uri_param_find(&uri, NAT_MARK_PARAM);
	if (!p)
		return 0;
	if (!p->value.p || mark_address(p->value, to))
		return -1;
	/* the parameter from its ';' to the end of its value goes */
	start = p->name.p - 1;
	end = p->value.p + p->value.len;
	if (start < uri_text.p || *start != ';')
		return -1;
	put_between(&o, uri_text.p, start);
	put_between(&o, end, uri_text.p + uri_text.len);
	if (o.full)
		return -1;
	*out = sip_str_of(buf, o.len);
	return 1;
}
