// SPDX-License-Identifier: GPL-2.0-only
/*
 * The SDP side of media anchoring: where a phone wants its media, read
 * from its SDP (and its message's source, for a phone behind NAT), and
 * the SDP it is sent in return, naming the relay. See media_internal.h.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "media_internal.h"
#include "media_nat.h"

/*
 * The SDP of a body of type ct: the body itself, or the application/sdp
 * part of a multipart one (an SDP next to ISUP or XML, as trunks send),
 * noted in md->body so the rewritten SDP goes back into its place.
 */
static bool sdp_text_of(struct media *md, const struct sip_content_type *ct,
			struct sip_str body, struct sip_str *text)
{
	struct sip_error e;
	int r;

	md->body.whole = SIP_STR_NULL;
	if (sip_str_ieq_cstr(ct->type, "application") &&
	    sip_str_ieq_cstr(ct->subtype, "sdp")) {
		*text = body;
		return true;
	}
	if (!sip_multipart_is(ct))
		return false;
	r = sip_multipart_find(ct, body, "application", "sdp", &md->body.part,
			       &e);
	if (r < 0) {
		md->stats.sdp_errors++;
		pr_debug("media: multipart body not anchored: %s\n",
			 sip_err_phrase(e.code));
	}
	if (r <= 0)
		return false;
	md->body.whole = body;
	*text = md->body.part.content;
	return true;
}

/* the SDP body of m, parsed into s; false when m carries none */
bool media_sdp_of(struct media *md, struct sip_msg *m, struct sdp_session *s)
{
	const struct sip_content_type *ct;
	struct sip_error e;
	struct sip_str text;

	md->body.whole = SIP_STR_NULL;
	if (!m->body.len || !m->count[SIP_HDR_CONTENT_TYPE])
		return false;
	ct = sip_msg_content_type(m, &e);
	if (!ct || !sdp_text_of(md, ct, m->body, &text))
		return false;
	if (sdp_parse(text.p, text.len, s, &e)) {
		md->stats.sdp_errors++;
		md->body.whole = SIP_STR_NULL;
		pr_debug("media: SDP not anchored: %s\n",
			 sip_err_phrase(e.code));
		return false;
	}
	return true;
}

/*
 * Where stream i of s, in a message from src, wants its RTP and RTCP;
 * false: not for the relay. A phone behind NAT (*nat) is reached at src's
 * address instead of the one its SDP names (media_nat.h).
 */
bool media_stream_ends(const struct media *md, const struct sdp_session *s,
		       unsigned int i, const union sd_sockaddr *src,
		       struct endpoint *rtp, struct endpoint *rtcp, bool *nat)
{
	static const __be32 zero[4];
	struct endpoint pub;
	const struct sdp_media *mm = &s->media[i];
	const struct sdp_conn *c = sdp_media_conn(s, i);
	char text[SDP_ADDR_TEXT_MAX];
	enum sdp_af want = md->relay_text.af;

	if (!mm->port || !c || c->af != want || c->multicast ||
	    c->address.len >= sizeof(text))
		return false;
	memcpy(text, c->address.p, c->address.len);
	text[c->address.len] = '\0';
	if (endpoint_parse(text, true, rtp))
		return false;
	rtp->port = htons(mm->port);
	/* c=0.0.0.0 is hold, not NAT */
	*nat = memcmp(rtp->addr, zero, sizeof(zero)) &&
	       media_behind_nat(md->nat, rtp, src, &pub);
	if (*nat)
		*rtp = pub;
	/* with rtcp-mux too: an offer's RTCP port is where its RTCP goes
	 * if the answer declines multiplexing (RFC 5761 5.1.1) */
	*rtcp = *rtp;
	rtcp->port = htons(mm->rtcp.present ? mm->rtcp.port : mm->port + 1);
	return true;
}

/*
 * A side's ends from its SDP, for a stream: false when it has none for the
 * relay. c=0.0.0.0 (RFC 2543 hold) keeps the ends known before: the SDP
 * still gets the relay's address, and nothing is sent there meanwhile.
 */
bool media_update_ends(const struct media *md, const struct sdp_session *s,
		       unsigned int i, const union sd_sockaddr *src,
		       struct endpoint *rtp, struct endpoint *rtcp, bool *nat)
{
	struct endpoint new_rtp, new_rtcp;
	static const __be32 zero[4];
	bool new_nat;

	if (!media_stream_ends(md, s, i, src, &new_rtp, &new_rtcp, &new_nat))
		return false;
	if (memcmp(new_rtp.addr, zero, sizeof(zero)) || !rtp->family) {
		*rtp = new_rtp;
		*rtcp = new_rtcp;
		*nat = new_nat;
	}
	return true;
}

/* the new SDP in its part's place, every other byte of the body kept */
static int write_in_multipart(const struct media *md,
			      const struct sdp_session *s,
			      struct sdp_rewrite *rw, char *out, size_t cap,
			      struct sip_str *body)
{
	static char sdp[SIP_MSG_MAX];
	struct sip_error e;
	size_t len;
	int n;

	if (sdp_rewrite(s, rw, sdp, sizeof(sdp), &len, &e))
		return -1;
	n = sip_multipart_splice(md->body.whole, &md->body.part,
				 sip_str_of(sdp, len), out, cap);
	if (n < 0)
		return -1;
	*body = sip_str_of(out, (size_t)n);
	return 0;
}

int media_write_sdp(const struct media *md, const struct sdp_session *s,
		    struct sdp_rewrite *rw, char *out, size_t cap,
		    struct sip_str *body)
{
	struct sip_error e;
	size_t len;

	/* the far end learns nothing of the phone's address from o= */
	if (md->replace_origin) {
		rw->set_origin = true;
		rw->origin = md->relay_text;
	}
	if (md->body.whole.p && md->body.part.content.p == s->buf)
		return write_in_multipart(md, s, rw, out, cap, body);
	if (sdp_rewrite(s, rw, out, cap, &len, &e))
		return -1;
	*body = sip_str_of(out, len);
	return 0;
}

void media_anchor_at(const struct media *md, struct sdp_media_rewrite *r,
		     uint16_t port, bool mux)
{
	r->anchor = true;
	r->addr = md->relay_text;
	r->rtp_port = port;
	r->rtcp_port = mux ? 0 : (uint16_t)(port + 1);
}

void media_anchor_offer(const struct media *md, struct sdp_media_rewrite *r,
			uint16_t port)
{
	media_anchor_at(md, r, port, false);
}

/* stream i's c= is 0.0.0.0 or :: (RFC 2543 hold) */
static bool conn_unspecified(const struct sdp_session *s, unsigned int i)
{
	static const unsigned char zero[16];
	const struct sdp_conn *c = sdp_media_conn(s, i);
	char text[SDP_ADDR_TEXT_MAX];
	unsigned char addr[16];
	int af;

	if (!c || c->address.len >= sizeof(text))
		return false;
	memcpy(text, c->address.p, c->address.len);
	text[c->address.len] = '\0';
	af = c->af == SDP_AF_IP6 ? AF_INET6 : AF_INET;
	if (inet_pton(af, text, addr) != 1)
		return false;
	return !memcmp(addr, zero, af == AF_INET6 ? 16 : 4);
}

void media_keep_hold(const struct sdp_session *s, unsigned int i,
		     struct sdp_media_rewrite *r)
{
	if (!conn_unspecified(s, i))
		return;
	snprintf(r->addr.text, sizeof(r->addr.text), "%s",
		 r->addr.af == SDP_AF_IP6 ? "::" : "0.0.0.0");
}
