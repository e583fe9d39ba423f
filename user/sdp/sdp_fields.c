// SPDX-License-Identifier: GPL-2.0-only
/*
 * The values of the SDP lines siphon reads: o=, c=, b=, m= and a=.
 * Fields are separated by exactly one space (RFC 8866 section 9); an empty
 * field is refused rather than guessed at.
 */
#include <arpa/inet.h>
#include <string.h>

#include "sdp/sdp.h"
#include "sdp/sdp_parse_int.h"

/* split v at spaces into at most max fields; max + 1 if there are more */
static int split_fields(struct sip_str v, struct sip_str *f, int max)
{
	uint32_t i, start = 0;
	int n = 0;

	for (i = 0; i <= v.len; i++) {
		if (i < v.len && v.p[i] != ' ')
			continue;
		if (i == start)
			return -1;
		if (n == max)
			return max + 1;
		f[n++] = sip_str_of(v.p + start, i - start);
		start = i + 1;
	}
	return n;
}

/* non-empty, no space at either end, no two spaces in a row */
static bool fields_ok(struct sip_str v)
{
	uint32_t i;

	if (!v.len || v.p[0] == ' ' || v.p[v.len - 1] == ' ')
		return false;
	for (i = 1; i < v.len; i++)
		if (v.p[i] == ' ' && v.p[i - 1] == ' ')
			return false;
	return true;
}

static bool parse_uint(struct sip_str t, uint32_t max, uint32_t *out)
{
	uint64_t n = 0;
	uint32_t i;

	if (!t.len)
		return false;
	for (i = 0; i < t.len; i++) {
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(t.p[i] - '0');
		if (n > max)
			return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool all_digits(struct sip_str t)
{
	uint32_t i;

	for (i = 0; i < t.len; i++)
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
	return t.len > 0;
}

/* bytes RFC 8866 allows in a token-like field: visible, not space */
static bool is_visible(struct sip_str t)
{
	uint32_t i;

	for (i = 0; i < t.len; i++)
		if ((unsigned char)t.p[i] <= ' ' || t.p[i] == 0x7f)
			return false;
	return t.len > 0;
}

bool sdp_addr_literal_ok(enum sdp_af af, const char *p, size_t len)
{
	unsigned char bin[16];
	char tmp[64];

	if (!len || len >= sizeof(tmp))
		return false;
	memcpy(tmp, p, len);
	tmp[len] = '\0';
	if (af == SDP_AF_IP4)
		return inet_pton(AF_INET, tmp, bin) == 1;
	if (af == SDP_AF_IP6)
		return inet_pton(AF_INET6, tmp, bin) == 1;
	return false;
}

static bool is_fqdn(struct sip_str t)
{
	uint32_t i;

	for (i = 0; i < t.len; i++) {
		char ch = t.p[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return false;
	}
	return t.len > 0;
}

static bool is_multicast(enum sdp_af af, struct sip_str a)
{
	uint32_t first = 0, i;

	if (af == SDP_AF_IP6)
		return a.len >= 2 && (a.p[0] == 'f' || a.p[0] == 'F') &&
		       (a.p[1] == 'f' || a.p[1] == 'F');
	for (i = 0; i < a.len && a.p[i] != '.'; i++)
		first = first * 10 + (uint32_t)(a.p[i] - '0');
	return first >= 224 && first <= 239;
}

static bool all_digits_dots(struct sip_str a)
{
	uint32_t i;

	for (i = 0; i < a.len; i++)
		if (a.p[i] != '.' && (a.p[i] < '0' || a.p[i] > '9'))
			return false;
	return true;
}

/* a literal must match its addrtype; anything else must be a host name */
static bool addr_ok(enum sdp_af af, struct sip_str a)
{
	if (memchr(a.p, ':', a.len))
		return sdp_addr_literal_ok(SDP_AF_IP6, a.p, a.len) &&
		       af == SDP_AF_IP6;
	if (all_digits_dots(a))
		return sdp_addr_literal_ok(SDP_AF_IP4, a.p, a.len) &&
		       af == SDP_AF_IP4;
	return is_fqdn(a);
}

/*
 * "/ttl/count" for IPv4 multicast, "/count" for IPv6 multicast (RFC 8866
 * 5.7); a unicast address or a host name takes no suffix.
 */
static bool parse_suffix(struct sdp_conn *o, struct sip_str sfx)
{
	struct sip_str parts[2];
	uint32_t n, v, i;
	int np = 0;
	uint32_t start = 0;

	if (!o->multicast || !sfx.len)
		return false;
	for (i = 0; i <= sfx.len && np < 3; i++) {
		if (i < sfx.len && sfx.p[i] != '/')
			continue;
		if (np == 2)
			return false;
		parts[np++] = sip_str_of(sfx.p + start, i - start);
		start = i + 1;
	}
	n = 0;
	if (o->af == SDP_AF_IP4) {
		if (!parse_uint(parts[0], 255, &v))
			return false;
		o->has_ttl = true;
		o->ttl = (uint8_t)v;
		n = 1;
	}
	if ((int)n < np) {
		if (!parse_uint(parts[n], 65535, &v) || !v)
			return false;
		o->count = (uint16_t)v;
		n++;
	}
	return (int)n == np;
}

static bool parse_addr(struct sip_str nettype, struct sip_str addrtype,
		       struct sip_str addr, bool suffix_ok, struct sdp_conn *o)
{
	const char *slash = memchr(addr.p, '/', addr.len);
	struct sip_str base = addr;

	o->present = true;
	o->nettype = nettype;
	o->addrtype = addrtype;
	o->count = 1;
	if (!is_visible(nettype) || !is_visible(addrtype) || !is_visible(addr))
		return false;
	o->af = SDP_AF_OTHER;
	if (sip_str_ieq_cstr(nettype, "IN") &&
	    sip_str_ieq_cstr(addrtype, "IP4"))
		o->af = SDP_AF_IP4;
	if (sip_str_ieq_cstr(nettype, "IN") &&
	    sip_str_ieq_cstr(addrtype, "IP6"))
		o->af = SDP_AF_IP6;
	if (o->af == SDP_AF_OTHER) {
		o->address = addr;
		return true;
	}
	if (slash)
		base.len = (uint32_t)(slash - addr.p);
	o->address = base;
	if (!addr_ok(o->af, base))
		return false;
	/* a literal, not a host name that happens to start with "ff" */
	o->multicast = (!is_fqdn(base) || all_digits_dots(base)) &&
		       is_multicast(o->af, base);
	if (!slash)
		return true;
	return suffix_ok &&
	       parse_suffix(o, sip_str_of(slash + 1, addr.len - base.len - 1));
}

int sdp_parse_origin(struct sdp_ctx *c, struct sip_str line, struct sip_str v)
{
	struct sdp_origin *o = &c->s->origin;
	struct sip_str f[6];

	if (split_fields(v, f, 6) != 6)
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORIGIN, v.p);
	if (!is_visible(f[0]) || !all_digits(f[1]) || !all_digits(f[2]))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORIGIN, v.p);
	if (!parse_addr(f[3], f[4], f[5], false, &o->addr))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORIGIN, f[3].p);
	o->line = line;
	o->username = f[0];
	o->sess_id = f[1];
	o->sess_version = f[2];
	return 0;
}

bool sdp_parse_addr(struct sip_str v, bool suffix_ok, struct sdp_conn *o)
{
	struct sip_str f[3];

	return split_fields(v, f, 3) == 3 &&
	       parse_addr(f[0], f[1], f[2], suffix_ok, o);
}

int sdp_parse_conn(struct sdp_ctx *c, struct sip_str line, struct sip_str v)
{
	struct sdp_conn tmp = { 0 }, *dst;

	if (!sdp_parse_addr(v, true, &tmp))
		return sdp_fail(c, SIP_ERR_SDP_BAD_CONNECTION, v.p);
	tmp.line = line;
	dst = c->level < 0 ? &c->s->conn : &c->s->media[c->level].conn;
	/* a stream may list several (layered multicast); the first counts */
	if (!dst->present)
		*dst = tmp;
	return 0;
}

int sdp_parse_bandwidth(struct sdp_ctx *c, struct sip_str v)
{
	const char *colon = memchr(v.p, ':', v.len);
	struct sdp_bandwidth bw;
	uint8_t *n = &c->s->n_bw;
	struct sdp_bandwidth *arr = c->s->bw;
	uint32_t tlen;

	if (!colon)
		return sdp_fail(c, SIP_ERR_SDP_BAD_LINE, v.p);
	tlen = (uint32_t)(colon - v.p);
	bw.type = sip_str_of(v.p, tlen);
	if (!is_visible(bw.type) ||
	    !parse_uint(sip_str_of(colon + 1, v.len - tlen - 1), UINT32_MAX,
			&bw.value))
		return sdp_fail(c, SIP_ERR_SDP_BAD_LINE, v.p);
	if (c->level >= 0) {
		n = &c->s->media[c->level].n_bw;
		arr = c->s->media[c->level].bw;
	}
	if (*n < SDP_BW_MAX)
		arr[(*n)++] = bw;
	return 0;
}

static const struct {
	const char *name;
	enum sdp_proto proto;
} protos[] = {
	{ "RTP/AVP", SDP_PROTO_RTP_AVP },
	{ "RTP/SAVP", SDP_PROTO_RTP_SAVP },
	{ "RTP/AVPF", SDP_PROTO_RTP_AVPF },
	{ "RTP/SAVPF", SDP_PROTO_RTP_SAVPF },
	{ "UDP/TLS/RTP/SAVP", SDP_PROTO_UDP_TLS_RTP_SAVP },
	{ "UDP/TLS/RTP/SAVPF", SDP_PROTO_UDP_TLS_RTP_SAVPF },
};

static enum sdp_proto proto_of(struct sip_str t)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (sip_str_ieq_cstr(t, protos[i].name))
			return protos[i].proto;
	return SDP_PROTO_OTHER;
}

/* "port" or "port/count" */
static bool parse_port(struct sip_str t, struct sdp_media *m)
{
	const char *slash = memchr(t.p, '/', t.len);
	uint32_t port, count = 1;
	uint32_t plen = slash ? (uint32_t)(slash - t.p) : t.len;

	if (!parse_uint(sip_str_of(t.p, plen), 65535, &port))
		return false;
	if (slash && (!parse_uint(sip_str_of(slash + 1, t.len - plen - 1),
				  65535, &count) ||
		      !count))
		return false;
	m->port = (uint16_t)port;
	m->port_count = (uint16_t)count;
	return true;
}

int sdp_parse_media(struct sdp_ctx *c, struct sip_str line, struct sip_str v)
{
	struct sdp_media *m = &c->s->media[c->level];
	struct sip_str f[3];
	uint32_t used;

	if (split_fields(v, f, 3) != 4)
		return sdp_fail(c, SIP_ERR_SDP_BAD_MEDIA, v.p);
	if (!is_visible(f[0]) || !is_visible(f[2]))
		return sdp_fail(c, SIP_ERR_SDP_BAD_MEDIA, v.p);
	if (!parse_port(f[1], m))
		return sdp_fail(c, SIP_ERR_SDP_BAD_MEDIA, f[1].p);
	used = (uint32_t)(f[2].p + f[2].len + 1 - v.p);
	m->formats = sip_str_of(v.p + used, v.len - used);
	if (!fields_ok(m->formats))
		return sdp_fail(c, SIP_ERR_SDP_BAD_MEDIA, m->formats.p);
	m->line = line;
	m->type = f[0];
	m->proto_text = f[2];
	m->proto = proto_of(f[2]);
	return 0;
}
