// SPDX-License-Identifier: GPL-2.0-only
/*
 * a= lines: every one is indexed (name, value, level) so siphond can read
 * codecs and ICE without a second pass; the few that decide where media
 * goes (rtcp, rtcp-mux, direction) are also read into the stream.
 */
#include <string.h>

#include "sdp/sdp.h"
#include "sdp/sdp_parse_int.h"

static const struct {
	const char *name;
	enum sdp_attr_kind kind;
	enum sdp_dir dir;
} kinds[] = {
	{ "rtcp", SDP_ATTR_RTCP, SDP_DIR_UNSET },
	{ "rtcp-mux", SDP_ATTR_RTCP_MUX, SDP_DIR_UNSET },
	{ "sendrecv", SDP_ATTR_DIRECTION, SDP_DIR_SENDRECV },
	{ "sendonly", SDP_ATTR_DIRECTION, SDP_DIR_SENDONLY },
	{ "recvonly", SDP_ATTR_DIRECTION, SDP_DIR_RECVONLY },
	{ "inactive", SDP_ATTR_DIRECTION, SDP_DIR_INACTIVE },
	{ "rtpmap", SDP_ATTR_RTPMAP, SDP_DIR_UNSET },
	{ "fmtp", SDP_ATTR_FMTP, SDP_DIR_UNSET },
	{ "ptime", SDP_ATTR_PTIME, SDP_DIR_UNSET },
	{ "ice-ufrag", SDP_ATTR_ICE_UFRAG, SDP_DIR_UNSET },
	{ "candidate", SDP_ATTR_CANDIDATE, SDP_DIR_UNSET },
};

/* attribute names are compared as written (RFC 8866 5.13) */
static int kind_index(struct sip_str name)
{
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (sip_str_eq(name, sip_str_of(kinds[i].name,
						strlen(kinds[i].name))))
			return (int)i;
	return -1;
}

static bool parse_port16(struct sip_str t, uint16_t *port)
{
	uint32_t i, n = 0;

	if (!t.len || t.len > 5)
		return false;
	for (i = 0; i < t.len; i++) {
		if (t.p[i] < '0' || t.p[i] > '9')
			return false;
		n = n * 10 + (uint32_t)(t.p[i] - '0');
	}
	if (n > 65535)
		return false;
	*port = (uint16_t)n;
	return true;
}

/* RFC 3605: "port" or "port nettype addrtype address" */
static int parse_rtcp(struct sdp_ctx *c, struct sdp_rtcp *r,
		      struct sip_str line, struct sip_str v)
{
	const char *sp = memchr(v.p, ' ', v.len);
	uint32_t plen = sp ? (uint32_t)(sp - v.p) : v.len;
	struct sdp_rtcp tmp = { .present = true, .line = line };

	if (!parse_port16(sip_str_of(v.p, plen), &tmp.port))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ATTRIBUTE, v.p);
	/* the address is laid out as a c= value, without TTL or count */
	if (sp && !sdp_parse_addr(sip_str_of(sp + 1, v.len - plen - 1), false,
				  &tmp.addr))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ATTRIBUTE, sp + 1);
	if (r && !r->present)
		*r = tmp;
	return 0;
}

/* what the known attributes mean for the stream or the session */
static int apply_attr(struct sdp_ctx *c, int k, struct sip_str line,
		      struct sip_str v)
{
	struct sdp_media *m = c->level >= 0 ? &c->s->media[c->level] : NULL;

	switch (kinds[k].kind) {
	case SDP_ATTR_RTCP:
		/* RFC 3605 defines it per stream; session level is kept */
		return parse_rtcp(c, m ? &m->rtcp : NULL, line, v);
	case SDP_ATTR_RTCP_MUX:
		if (m)
			m->rtcp_mux = true;
		return 0;
	case SDP_ATTR_DIRECTION:
		if (m)
			m->dir = kinds[k].dir;
		else
			c->s->dir = kinds[k].dir;
		return 0;
	default:
		return 0;
	}
}

int sdp_parse_attr(struct sdp_ctx *c, struct sip_str line, struct sip_str v)
{
	const char *colon = memchr(v.p, ':', v.len);
	uint32_t nlen = colon ? (uint32_t)(colon - v.p) : v.len;
	struct sip_str name = sip_str_of(v.p, nlen);
	struct sdp_session *s = c->s;
	struct sdp_attr *a;
	uint32_t i;
	int k;

	if (!nlen)
		return sdp_fail(c, SIP_ERR_SDP_BAD_ATTRIBUTE, v.p);
	for (i = 0; i < nlen; i++)
		if ((unsigned char)v.p[i] <= ' ' || v.p[i] == 0x7f)
			return sdp_fail(c, SIP_ERR_SDP_BAD_ATTRIBUTE, v.p + i);
	/* no SDP code for this limit: the generic "too many values" */
	if (s->n_attrs == SDP_ATTRS_MAX)
		return sdp_fail(c, SIP_ERR_SDP_TOO_MANY_ATTRS, line.p);
	k = kind_index(name);
	v = colon ? sip_str_of(colon + 1, v.len - nlen - 1) :
		    sip_str_of(v.p + v.len, 0);
	if (k >= 0 && apply_attr(c, k, line, v))
		return -1;
	a = &s->attrs[s->n_attrs++];
	a->line = line;
	a->name = name;
	a->value = v;
	a->kind = k >= 0 ? kinds[k].kind : SDP_ATTR_OTHER;
	a->media = c->level >= 0 ? (uint8_t)c->level : SDP_SESSION_LEVEL;
	if (c->level >= 0)
		s->media[c->level].attr_count++;
	return 0;
}
