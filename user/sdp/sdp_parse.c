// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdp_parse(): one pass over the lines of an SDP body (RFC 8866 section 5),
 * checking their order and indexing what media anchoring needs. The fields
 * of each line type are read in sdp_fields.c.
 */
#include <string.h>

#include "sdp/sdp.h"
#include "sdp/sdp_lines.h"
#include "sdp/sdp_parse_int.h"

int sdp_fail(struct sdp_ctx *c, enum sip_err code, const char *at)
{
	c->err->code = code;
	c->err->offset = (uint32_t)(at - c->buf);
	return -1;
}

#define LETTER_BIT(t) (1u << ((t) - 'a'))

/* every letter RFC 8866 defines; others are kept where they stand */
static const char known_letters[] = "vosiuepcbtrzkam";

/*
 * Known letters must come in the order of section 5; "once" letters may
 * appear once per section. Ranks are positions in these strings, with r=
 * taking t='s rank so that t= r= t= r= blocks pass.
 */
static int check_order(struct sdp_ctx *c, char type, const char *at)
{
	bool media = c->level >= 0;
	const char *order = media ? "micbka" : "vosiuepcbtzka";
	const char *once = media ? "mik" : "vosiuczk";
	char ranked = type == 'r' ? 't' : type;
	const char *p;
	int rank;

	if (!strchr(known_letters, type))
		return 0;
	p = strchr(order, ranked);
	if (!p)
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORDER, at);
	rank = (int)(p - order);
	/* r= belongs to the t= just before it */
	if (type == 'r' && c->prev != 't' && c->prev != 'r')
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORDER, at);
	if (rank < c->rank)
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORDER, at);
	if (strchr(once, type) && (c->seen & LETTER_BIT(type)))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORDER, at);
	c->rank = rank;
	c->seen |= LETTER_BIT(type);
	c->prev = type;
	return 0;
}

/* o=, s= and t= are mandatory before the first m= */
static int check_session_complete(struct sdp_ctx *c, const char *at)
{
	if (c->level >= 0)
		return 0;
	if (!(c->seen & LETTER_BIT('o')))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORIGIN, at);
	if (!(c->seen & LETTER_BIT('s')) || !(c->seen & LETTER_BIT('t')))
		return sdp_fail(c, SIP_ERR_SDP_BAD_ORDER, at);
	return 0;
}

static int start_media(struct sdp_ctx *c, const char *at)
{
	struct sdp_session *s = c->s;

	if (check_session_complete(c, at))
		return -1;
	if (s->n_media == SDP_MEDIA_MAX)
		return sdp_fail(c, SIP_ERR_SDP_TOO_MANY_MEDIA, at);
	c->level = s->n_media++;
	c->rank = -1;
	c->seen = 0;
	c->prev = 0;
	s->media[c->level].attr_first = s->n_attrs;
	return 0;
}

/* a bare CR or a NUL inside a line would be copied into other messages */
static int check_chars(struct sdp_ctx *c, const char *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] == '\r' || p[i] == '\0')
			return sdp_fail(c, SIP_ERR_SDP_BAD_LINE, p + i);
	return 0;
}

static int parse_value(struct sdp_ctx *c, char type, struct sip_str line,
		       struct sip_str v)
{
	switch (type) {
	case 'v':
		if (v.len != 1 || v.p[0] != '0')
			return sdp_fail(c, SIP_ERR_SDP_BAD_VERSION, v.p);
		return 0;
	case 'o':
		return sdp_parse_origin(c, line, v);
	case 's':
		c->s->name = v;
		return 0;
	case 'c':
		return sdp_parse_conn(c, line, v);
	case 'b':
		return sdp_parse_bandwidth(c, v);
	case 'm':
		return sdp_parse_media(c, line, v);
	case 'a':
		return sdp_parse_attr(c, line, v);
	default:
		return 0;
	}
}

static int parse_line(struct sdp_ctx *c, const struct sdp_line *l)
{
	const char *p = c->buf + l->off;
	struct sip_str line = sip_str_of(p, l->len);
	char type = p[0];

	if (l->len < 2 || type < 'a' || type > 'z' || p[1] != '=')
		return sdp_fail(c, SIP_ERR_SDP_BAD_LINE, p);
	if (check_chars(c, p + 2, l->len - 2))
		return -1;
	if (l->off == 0 && type != 'v')
		return sdp_fail(c, SIP_ERR_SDP_BAD_VERSION, p);
	if (type == 'm' && start_media(c, p))
		return -1;
	if (check_order(c, type, p))
		return -1;
	return parse_value(c, type, line, sip_str_of(p + 2, l->len - 2));
}

/* trailing blank lines are tolerated: some stacks pad the body with CRLF */
static bool only_blank_lines(const char *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static int check_connections(struct sdp_ctx *c)
{
	const struct sdp_session *s = c->s;
	unsigned int i;

	for (i = 0; i < s->n_media; i++)
		if (s->media[i].port && !sdp_media_conn(s, i))
			return sdp_fail(c, SIP_ERR_SDP_NO_CONNECTION,
					s->media[i].line.p);
	return 0;
}

static int parse_lines(struct sdp_ctx *c, uint32_t len)
{
	struct sdp_line l;
	uint32_t pos = 0;

	while (pos < len) {
		if (pos && only_blank_lines(c->buf + pos, len - pos))
			break;
		sdp_line_at(c->buf, len, pos, &l);
		/*
		 * CRLF is what RFC 8866 asks for, but it also tells parsers
		 * to accept a bare LF, and hand-written bodies use one.
		 */
		if (pos == 0)
			c->s->lf_only = l.eol == SDP_EOL_LF;
		if (parse_line(c, &l))
			return -1;
		pos = l.next;
	}
	c->s->end = pos;
	return 0;
}

int sdp_parse(const char *buf, size_t len, struct sdp_session *s,
	      struct sip_error *err)
{
	struct sdp_ctx c = {
		.buf = buf, .s = s, .err = err, .level = -1, .rank = -1
	};

	memset(s, 0, sizeof(*s));
	err->code = SIP_ERR_OK;
	err->offset = 0;
	if (!len)
		return sdp_fail(&c, SIP_ERR_EMPTY, buf);
	if (len > SIP_MSG_MAX)
		return sdp_fail(&c, SIP_ERR_TOO_LONG, buf + SIP_MSG_MAX);
	s->buf = buf;
	s->len = (uint32_t)len;
	if (parse_lines(&c, s->len))
		return -1;
	if (check_session_complete(&c, buf + s->end))
		return -1;
	return check_connections(&c);
}

const struct sdp_conn *sdp_media_conn(const struct sdp_session *s,
				      unsigned int i)
{
	if (i >= s->n_media)
		return NULL;
	if (s->media[i].conn.present)
		return &s->media[i].conn;
	return s->conn.present ? &s->conn : NULL;
}

enum sdp_dir sdp_media_dir(const struct sdp_session *s, unsigned int i)
{
	if (i < s->n_media && s->media[i].dir != SDP_DIR_UNSET)
		return s->media[i].dir;
	/* RFC 3264 5.1: with no direction at all, a stream is sendrecv */
	return s->dir != SDP_DIR_UNSET ? s->dir : SDP_DIR_SENDRECV;
}

const struct sdp_attr *sdp_attr_find(const struct sdp_session *s,
				     unsigned int level,
				     enum sdp_attr_kind kind)
{
	unsigned int i;

	for (i = 0; i < s->n_attrs; i++)
		if (s->attrs[i].media == level && s->attrs[i].kind == kind)
			return &s->attrs[i];
	return NULL;
}
