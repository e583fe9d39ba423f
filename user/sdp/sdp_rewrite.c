// SPDX-License-Identifier: GPL-2.0-only
/*
 * sdp_rewrite(): walk the parsed body line by line again and copy it,
 * replacing only what points media somewhere (m= port, c=, a=rtcp, and on
 * request o=). Lines siphon does not understand are copied untouched, so
 * codecs, ICE and crypto pass through as the phone wrote them.
 */
#include <string.h>

#include "sdp/sdp.h"
#include "sdp/sdp_lines.h"
#include "sdp/sdp_parse_int.h"

struct out {
	char *p;
	size_t cap, len;
	bool full; /* once set, nothing more is written */
};

struct rw_ctx {
	const struct sdp_session *s;
	const struct sdp_rewrite *rw;
	struct out o;
	int level; /* -1 in the session part, else the m= index */
	uint32_t attr; /* index in s->attrs of the next a= line */
	bool conn_done; /* this stream's new c= is written */
	bool rtcp_done; /* this stream's a=rtcp is written */
	const struct sdp_addr *session_addr; /* new session c=, or keep */
};

static void put(struct out *o, const char *p, size_t n)
{
	if (o->full || !n)
		return;
	if (n > o->cap - o->len) {
		o->full = true;
		return;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void put_cstr(struct out *o, const char *p)
{
	put(o, p, strlen(p));
}

static void put_str(struct out *o, struct sip_str t)
{
	put(o, t.p, t.len);
}

static void put_uint(struct out *o, uint32_t v)
{
	char digits[10];
	int n = 0;

	do {
		digits[sizeof(digits) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(o, digits + sizeof(digits) - n, (size_t)n);
}

static void put_eol(struct rw_ctx *c)
{
	put_cstr(&c->o, c->s->lf_only ? "\n" : "\r\n");
}

static void put_addr(struct rw_ctx *c, const struct sdp_addr *a)
{
	put_cstr(&c->o, a->af == SDP_AF_IP6 ? "IN IP6 " : "IN IP4 ");
	put_cstr(&c->o, a->text);
}

static bool refused(const struct sdp_session *s, const struct sdp_rewrite *rw,
		    int i)
{
	return i >= 0 && i < s->n_media && rw->media[i].refuse;
}

static bool anchored(const struct sdp_session *s, const struct sdp_rewrite *rw,
		     int i)
{
	return i >= 0 && i < s->n_media && rw->media[i].anchor &&
	       !rw->media[i].refuse && s->media[i].port;
}

static uint32_t rtcp_port32(const struct sdp_session *s,
			    const struct sdp_rewrite *rw, unsigned int i)
{
	const struct sdp_media_rewrite *mr = &rw->media[i];

	if (mr->rtcp_port)
		return mr->rtcp_port;
	/* RFC 5761: a multiplexed stream sends RTCP to its RTP port */
	if (i < s->n_media && s->media[i].rtcp_mux)
		return mr->rtp_port;
	return (uint32_t)mr->rtp_port + 1;
}

uint16_t sdp_rewrite_rtcp_port(const struct sdp_session *s,
			       const struct sdp_rewrite *rw, unsigned int i)
{
	uint32_t port = i < SDP_MEDIA_MAX ? rtcp_port32(s, rw, i) : 0;

	return port > 65535 ? 0 : (uint16_t)port;
}

static bool addr_ok(const struct sdp_addr *a)
{
	size_t n = strnlen(a->text, sizeof(a->text));

	return n < sizeof(a->text) &&
	       (a->af == SDP_AF_IP4 || a->af == SDP_AF_IP6) &&
	       sdp_addr_literal_ok(a->af, a->text, n);
}

static int rw_fail(struct sip_error *err, enum sip_err code, uint32_t off)
{
	err->code = code;
	err->offset = off;
	return -1;
}

/* refuse what would make an unparseable body before writing anything */
static int check_rewrite(const struct sdp_session *s,
			 const struct sdp_rewrite *rw, struct sip_error *err)
{
	unsigned int attrs = s->n_attrs;
	int i;

	if (rw->set_origin && !addr_ok(&rw->origin))
		return rw_fail(err, SIP_ERR_SDP_BAD_CONNECTION,
			       (uint32_t)(s->origin.line.p - s->buf));
	for (i = 0; i < s->n_media; i++) {
		uint32_t off = (uint32_t)(s->media[i].line.p - s->buf);

		if (!anchored(s, rw, i))
			continue;
		if (!addr_ok(&rw->media[i].addr))
			return rw_fail(err, SIP_ERR_SDP_BAD_CONNECTION, off);
		if (!rw->media[i].rtp_port ||
		    rtcp_port32(s, rw, (unsigned int)i) > 65535)
			return rw_fail(err, SIP_ERR_SDP_BAD_MEDIA, off);
		/* an added a=rtcp must not push the body past the limit */
		if (rw->media[i].add_rtcp && !s->media[i].rtcp.present &&
		    ++attrs > SDP_ATTRS_MAX)
			return rw_fail(err, SIP_ERR_SDP_TOO_MANY_ATTRS, off);
	}
	return 0;
}

/*
 * The session c= is what unanchored streams without their own c= use: if
 * any live one does, it stays. Otherwise it takes the first anchored
 * stream's address, so nothing in the body still names the phone.
 */
static const struct sdp_addr *session_conn_addr(const struct sdp_session *s,
						const struct sdp_rewrite *rw)
{
	const struct sdp_addr *first = NULL;
	int i;

	for (i = 0; i < s->n_media; i++) {
		if (anchored(s, rw, i)) {
			if (!first)
				first = &rw->media[i].addr;
		} else if (s->media[i].port && !refused(s, rw, i) &&
			   !s->media[i].conn.present) {
			return NULL;
		}
	}
	return first;
}

/* the decimal text v + 1, however long it is */
static void put_incremented(struct out *o, struct sip_str v)
{
	uint32_t nines = 0, i;

	while (nines < v.len && v.p[v.len - 1 - nines] == '9')
		nines++;
	if (nines == v.len) {
		put_cstr(o, "1");
	} else {
		char d = (char)(v.p[v.len - 1 - nines] + 1);

		put(o, v.p, v.len - 1 - nines);
		put(o, &d, 1);
	}
	for (i = 0; i < nines; i++)
		put_cstr(o, "0");
}

static void write_origin(struct rw_ctx *c)
{
	const struct sdp_origin *og = &c->s->origin;

	put_cstr(&c->o, "o=");
	put_str(&c->o, og->username);
	put_cstr(&c->o, " ");
	put_str(&c->o, og->sess_id);
	put_cstr(&c->o, " ");
	if (c->rw->bump_version)
		put_incremented(&c->o, og->sess_version);
	else
		put_str(&c->o, og->sess_version);
	put_cstr(&c->o, " ");
	if (c->rw->set_origin) {
		put_addr(c, &c->rw->origin);
	} else {
		put_str(&c->o, og->addr.nettype);
		put_cstr(&c->o, " ");
		put_str(&c->o, og->addr.addrtype);
		put_cstr(&c->o, " ");
		put_str(&c->o, og->addr.address);
	}
	put_eol(c);
}

static void write_conn(struct rw_ctx *c, const struct sdp_addr *a)
{
	put_cstr(&c->o, "c=");
	put_addr(c, a);
	put_eol(c);
}

/* "m=<type> <port><everything after the old port>" */
static void write_media(struct rw_ctx *c, uint16_t port)
{
	const struct sdp_media *m = &c->s->media[c->level];
	const char *p = m->type.p + m->type.len + 1;
	const char *end = m->line.p + m->line.len;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	put_cstr(&c->o, "m=");
	put_str(&c->o, m->type);
	put_cstr(&c->o, " ");
	put_uint(&c->o, port);
	put(&c->o, p, (size_t)(end - p));
	put_eol(c);
}

static void write_rtcp(struct rw_ctx *c, bool with_addr)
{
	const struct sdp_media_rewrite *mr = &c->rw->media[c->level];

	put_cstr(&c->o, "a=rtcp:");
	put_uint(&c->o, rtcp_port32(c->s, c->rw, (unsigned int)c->level));
	if (with_addr) {
		put_cstr(&c->o, " ");
		put_addr(c, &mr->addr);
	}
	put_eol(c);
	c->rtcp_done = true;
}

static void copy_line(struct rw_ctx *c, const struct sdp_line *l)
{
	put(&c->o, c->s->buf + l->off, l->len);
	if (l->eol == SDP_EOL_NONE)
		put_eol(c); /* the body's last line, now followed by more */
	else
		put(&c->o, c->s->buf + l->off + l->len,
		    l->next - l->off - l->len);
}

/* what an anchored stream still lacks when its section ends */
static void finish_media(struct rw_ctx *c)
{
	if (!anchored(c->s, c->rw, c->level))
		return;
	if (!c->conn_done)
		write_conn(c, &c->rw->media[c->level].addr);
	if (!c->rtcp_done && c->rw->media[c->level].add_rtcp)
		write_rtcp(c, false);
}

static void start_media(struct rw_ctx *c)
{
	finish_media(c);
	c->level++;
	c->conn_done = false;
	c->rtcp_done = false;
}

/* a line of an anchored stream; false when it is dropped */
static bool anchored_line(struct rw_ctx *c, char type, const struct sdp_attr *a)
{
	const struct sdp_media *m = &c->s->media[c->level];

	/* RFC 8866 order puts c= before b=, k= and a= */
	if (!c->conn_done && (type == 'b' || type == 'k' || type == 'a')) {
		write_conn(c, &c->rw->media[c->level].addr);
		c->conn_done = true;
	}
	switch (type) {
	case 'm':
		write_media(c, c->rw->media[c->level].rtp_port);
		return true;
	case 'c':
		/* further c= lines would still name the phone */
		if (!c->conn_done)
			write_conn(c, &c->rw->media[c->level].addr);
		c->conn_done = true;
		return true;
	case 'a':
		if (a->kind != SDP_ATTR_RTCP)
			return false;
		if (!c->rtcp_done)
			write_rtcp(c, m->rtcp.addr.present);
		return true;
	default:
		return false;
	}
}

static void rewrite_line(struct rw_ctx *c, const struct sdp_line *l)
{
	char type = c->s->buf[l->off];
	const struct sdp_attr *a = NULL;

	if (type == 'm')
		start_media(c);
	if (type == 'a')
		a = &c->s->attrs[c->attr++];
	if (type == 'm' && refused(c->s, c->rw, c->level)) {
		write_media(c, 0);
		return;
	}
	if (anchored(c->s, c->rw, c->level) && anchored_line(c, type, a))
		return;
	if (type == 'o' && (c->rw->set_origin || c->rw->bump_version))
		write_origin(c);
	else if (type == 'c' && c->level < 0 && c->session_addr)
		write_conn(c, c->session_addr);
	else
		copy_line(c, l);
}

int sdp_rewrite(const struct sdp_session *s, const struct sdp_rewrite *rw,
		char *out, size_t cap, size_t *out_len, struct sip_error *err)
{
	struct rw_ctx c = { .s = s, .rw = rw, .level = -1 };
	struct sdp_line l;
	uint32_t pos;

	*out_len = 0;
	err->code = SIP_ERR_OK;
	err->offset = 0;
	if (check_rewrite(s, rw, err))
		return -1;
	c.o = (struct out){ .p = out, .cap = cap };
	c.session_addr = session_conn_addr(s, rw);
	for (pos = 0; pos < s->end; pos = l.next) {
		sdp_line_at(s->buf, s->end, pos, &l);
		rewrite_line(&c, &l);
	}
	finish_media(&c);
	put(&c.o, s->buf + s->end, s->len - s->end);
	if (c.o.full)
		return rw_fail(err, SIP_ERR_SDP_NO_SPACE, (uint32_t)cap);
	*out_len = c.o.len;
	return 0;
}
