// SPDX-License-Identifier: GPL-2.0-only
/*
 * A new request (RFC 3261 section 16.3 to 16.5): validated, given a
 * server transaction, checked for hops, loops and extensions, its Route
 * preprocessed, then answered here (REGISTER, OPTIONS to us, CANCEL) or
 * forked to its targets.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "dialog.h"
#include "log.h"
#include "proxy.h"
#include "sip/sip_build.h"
#include "sip/sip_lex.h"
#include "sip/sip_uri.h"
#include "siphon/sip.h"

/* the XDP answer to OPTIONS (bpf/sip_options.h) sends the same */
#define ALLOW_LINE SIPHON_SIP_ALLOW

/* the header sip_msg_validate() found missing (section 8.1.1, 20.15) */
static const char *missing_header(const struct sip_msg *m)
{
	static const enum sip_hdr_id need[] = {
		SIP_HDR_TO,	 SIP_HDR_FROM, SIP_HDR_CSEQ,
		SIP_HDR_CALL_ID, SIP_HDR_VIA,
	};
	size_t i;

	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!m->count[need[i]])
			return sip_hdr_name(need[i]);
	return sip_hdr_name(SIP_HDR_CONTENT_TYPE);
}

/*
 * The reason phrase of a 400 says what is wrong: "bad CSeq" becomes
 * "Bad CSeq", a missing header is named ("Missing Call-ID").
 */
static const char *bad_request_reason(const struct sip_msg *m,
				      enum sip_err code, char *buf, size_t len)
{
	if (code == SIP_ERR_MISSING_HEADER)
		snprintf(buf, len, "Missing %s", missing_header(m));
	else
		snprintf(buf, len, "%s", sip_err_phrase(code));
	buf[0] = (char)toupper((unsigned char)buf[0]);
	return buf;
}

/* 16.3: what makes the request unfit to forward, answered statefully */
static bool refuse_unfit(struct siphond *d, struct txn *st, struct sip_msg *m)
{
	char unsupported[512];
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_str v;
	size_t n;

	if (sip_msg_max_forwards(m, &e) == 0 && m->method != SIP_METHOD_ACK) {
		d->stats.too_many_hops++;
		proxy_reply(d, st, 483, NULL, NULL);
		return true;
	}
	if (proxy_is_loop(d, m)) {
		d->stats.loops++;
		proxy_reply(d, st, 482, NULL, NULL);
		return true;
	}
	/* step 5: siphond supports no extension a proxy must understand */
	if (!sip_msg_count(m, SIP_HDR_PROXY_REQUIRE))
		return false;
	n = (size_t)snprintf(unsupported, sizeof(unsupported), "Unsupported: ");
	sip_msg_values(m, SIP_HDR_PROXY_REQUIRE, &it);
	while (sip_val_next(&it, &v, &e) == 1 &&
	       n + v.len + 4 < sizeof(unsupported)) {
		n += (size_t)snprintf(unsupported + n, sizeof(unsupported) - n,
				      "%s%.*s", n > 13 ? ", " : "", (int)v.len,
				      v.p);
	}
	snprintf(unsupported + n, sizeof(unsupported) - n, "\r\n");
	d->stats.bad_extensions++;
	proxy_reply(d, st, 420, NULL, unsupported);
	return true;
}

/* 16.10: CANCEL ends its INVITE's branches; the 487 comes from them */
static void handle_cancel(struct siphond *d, struct txn *st, struct sip_msg *m)
{
	struct txn *inv = txn_server_find_invite(d->txns, m);
	struct pcall *pc = inv ? inv->owner : NULL;

	if (!pc) {
		d->stats.cancels_unmatched++;
		proxy_reply(d, st, 481, NULL, NULL);
		return;
	}
	d->stats.cancels++;
	proxy_reply(d, st, 200, NULL, NULL);
	if (pc->final_sent)
		return;
	pc->cancelled = true;
	proxy_cancel_branches(pc);
	proxy_check_done(pc);
}

static bool in_dialog(struct sip_msg *m);

/*
 * Digest authentication where configured: REGISTER always, INVITE from
 * outside the trusted peers. The authenticated user must be the one the
 * request speaks for (To of a REGISTER, From of an INVITE).
 */
static bool authenticated(struct siphond *d, struct txn *st, struct sip_msg *m,
			  const struct sd_peer *from)
{
	bool reg = m->method == SIP_METHOD_REGISTER;
	const struct sip_addr *who;
	char extra[1024];
	struct sip_uri uri;
	struct sip_error e;
	struct sip_str user;
	enum auth_verdict v;

	if (!d->auth || in_dialog(m) || (reg && !d->cfg.auth_register) ||
	    (!reg && (!d->cfg.auth_invite || m->method != SIP_METHOD_INVITE ||
		      config_is_trusted(&d->cfg, &from->addr))))
		return true;
	v = auth_check(d->auth, m, !reg, d->loop.now, &user);
	if (v == AUTH_OK) {
		who = reg ? sip_msg_to(m, &e) : sip_msg_from(m, &e);
		if (who && !sip_uri_parse(who->uri, &uri, &e) &&
		    sip_str_eq(uri.user, user))
			return true;
		v = AUTH_FORBIDDEN;
	}
	if (v == AUTH_FORBIDDEN) {
		d->stats.auth_forbidden++;
		proxy_reply(d, st, 403, NULL, NULL);
		return false;
	}
	if (v == AUTH_BAD) {
		d->stats.bad_requests++;
		proxy_reply(d, st, 400, "Bad Authorization", NULL);
		return false;
	}
	d->stats.auth_challenges++;
	if (auth_challenge(d->auth, !reg, v == AUTH_STALE, d->loop.now, extra,
			   sizeof(extra)) < 0)
		proxy_reply(d, st, 500, NULL, NULL);
	else
		proxy_reply(d, st, reg ? 401 : 407, NULL, extra);
	return false;
}

static void handle_register(struct siphond *d, struct txn *st,
			    struct sip_msg *m, const struct sd_peer *from)
{
	static char out[SIP_MSG_MAX];
	char tag[32];
	int n;

	if (!authenticated(d, st, m, from))
		return;
	n = registrar_handle(&d->reg, m, from, d->loop.now,
			     proxy_to_tag(d, m, tag, sizeof(tag)), out,
			     sizeof(out));
	if (n > 0) {
		struct sip_msg *resp = &(struct sip_msg){ 0 };
		struct sip_error e;

		/* the registrar wrote the bytes; the status is in them */
		if (!sip_msg_parse(resp, out, (size_t)n, &e))
			txn_server_respond(st, out, (size_t)n, resp->status);
		/* authenticated and registered: a phone, not a flood */
		if (resp->status / 100 == 2 && d->auth && d->cfg.auth_register)
			sd_shield_known_good(d->shield, &from->addr,
					     SIPHON_GOOD_REGISTER);
	}
}

static bool listens_on_port(struct siphond *d, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < d->cfg.nlisten; i++)
		if (sd_sockaddr_port(&d->cfg.listen[i].addr) == port)
			return true;
	return false;
}

/*
 * A domain siphond is responsible for (16.4). One of its addresses with
 * a port it does not listen on is not: that is a phone on the same host.
 */
static bool our_domain(struct siphond *d, const struct sip_uri *uri)
{
	if (uri->scheme == SIP_URI_TEL)
		return false;
	if ((uri->host_type == SIP_URI_HOST_IPV4 ||
	     uri->host_type == SIP_URI_HOST_IPV6) &&
	    !listens_on_port(d, sip_uri_port(uri)))
		return false;
	return config_is_our_domain(&d->cfg, uri->host.p, uri->host.len);
}

/* a request siphond itself is the target of */
static bool for_us(struct siphond *d, struct sip_msg *m, struct sip_uri *uri)
{
	return !uri->user.len &&
	       (proxy_uri_is_us(d, m->uri) || our_domain(d, uri));
}

static bool in_dialog(struct sip_msg *m)
{
	struct sip_error e;
	const struct sip_addr *to = sip_msg_to(m, &e);

	return to && to->tag.len;
}

static bool dialog_creating(enum sip_method m)
{
	return m == SIP_METHOD_INVITE || m == SIP_METHOD_SUBSCRIBE ||
	       m == SIP_METHOD_REFER || m == SIP_METHOD_NOTIFY;
}

static void forward(struct siphond *d, struct txn *st, struct sip_msg *m,
		    const struct sd_peer *from, const struct target *t,
		    unsigned int n, const struct route_fix *rf,
		    bool record_route)
{
	static char sdp[SIP_MSG_MAX];
	struct sip_str body = SIP_STR_NULL;
	struct media_ref media = { 0 };
	bool reinvite = in_dialog(m);
	struct pcall *pc;
	int r;

	/* a new call's offer gets relay ports before it leaves; a
	 * re-INVITE's or an UPDATE's names the same ones */
	if (d->media && (m->method == SIP_METHOD_INVITE ||
			 (m->method == SIP_METHOD_UPDATE && reinvite))) {
		if (reinvite)
			media_reoffer(d->media, m, &from->addr, &media, sdp,
				      sizeof(sdp), &body);
		else if ((r = media_offer(d->media, m, &from->addr, &media, sdp,
					  sizeof(sdp), &body)) < 0) {
			proxy_reply(d, st, 503, media_refusal_phrase(r),
				    "Retry-After: 5\r\n");
			return;
		}
	}
	pc = pcall_new(d, st, m->method == SIP_METHOD_INVITE);
	if (!pc) {
		if (!reinvite)
			media_end_ref(d->media, media);
		proxy_reply(d, st, 500, NULL, NULL);
		return;
	}
	pc->media = media;
	pc->media_reinvite = reinvite;
	if (!proxy_forward(pc, m, t, n, rf, record_route, body)) {
		pc->best_status = 503;
		proxy_check_done(pc);
	}
}

static void route_request(struct siphond *d, struct txn *st, struct sip_msg *m,
			  const struct sd_peer *from)
{
	struct target t[PROXY_BRANCHES_MAX] = { 0 };
	struct route_fix rf;
	struct sip_uri uri;
	struct sip_error e;
	unsigned int n;

	proxy_route_preprocess(d, m, &rf);
	if (rf.beyond) {
		/* a route set beyond us: follow it (a preloaded one too, so
		 * an INVITE from outside is authenticated all the same) */
		if (m->method != SIP_METHOD_REGISTER &&
		    !authenticated(d, st, m, from))
			return;
		if (proxy_route_next_hop(d, m, from, &rf, &t[0])) {
			d->stats.unresolvable++;
			proxy_reply(d, st, 502, "Next Hop Not An Address",
				    NULL);
			return;
		}
		forward(d, st, m, from, t, 1, &rf, false);
		return;
	}
	if (sip_uri_parse(m->uri, &uri, &e)) {
		d->stats.bad_requests++;
		proxy_reply(d, st, 400, "Bad Request-URI", NULL);
		return;
	}
	if (m->method == SIP_METHOD_REGISTER && our_domain(d, &uri)) {
		handle_register(d, st, m, from);
		return;
	}
	if (m->method == SIP_METHOD_OPTIONS && for_us(d, m, &uri)) {
		d->stats.local_replies++;
		proxy_reply(d, st, 200, NULL, ALLOW_LINE);
		return;
	}
	if (!authenticated(d, st, m, from))
		return;
	n = proxy_targets(d, m, from, t, PROXY_BRANCHES_MAX);
	if (!n && !our_domain(d, &uri) &&
	    !proxy_uri_peer(d, m->uri, from, &t[0].to)) {
		/* in a dialog without a route set: straight to the URI */
		t[0].ruri = m->uri;
		n = 1;
	}
	if (!n) {
		d->stats.not_found++;
		proxy_reply(d, st, 404, NULL, NULL);
		return;
	}
	forward(d, st, m, from, t, n, &rf,
		d->cfg.record_route && dialog_creating(m->method) &&
			!in_dialog(m));
}

/* an ACK no server transaction took: the ACK for a 2xx, end to end */
static void forward_ack(struct siphond *d, struct sip_msg *m,
			const struct sd_peer *from)
{
	static char sdp[SIP_MSG_MAX];
	struct sip_str body = SIP_STR_NULL;
	struct route_fix rf;
	struct target t;

	proxy_route_preprocess(d, m, &rf);
	/* an ACK for siphond itself, or for nowhere, ends here */
	if ((!rf.beyond && proxy_uri_is_us(d, m->uri)) ||
	    proxy_route_next_hop(d, m, from, &rf, &t)) {
		d->stats.acks_dropped++;
		return;
	}
	/* the answer to an offer made in a 2xx rides in the ACK */
	if (d->media)
		media_ack(d->media, m, &from->addr, d->loop.now, sdp,
			  sizeof(sdp), &body);
	proxy_forward_stateless(d, m, &t, &rf, body);
}

void proxy_refuse_malformed(struct siphond *d, struct sip_msg *m,
			    const struct sd_peer *from, enum sip_err code)
{
	char reason[64];

	d->stats.bad_requests++;
	/* an ACK is never answered (section 17.2.1) */
	if (m->method != SIP_METHOD_ACK)
		proxy_reply_stateless(d, m, from, 400,
				      bad_request_reason(m, code, reason,
							 sizeof(reason)),
				      NULL);
}

void proxy_request(struct siphond *d, struct sip_msg *m,
		   const struct sd_peer *from)
{
	struct sip_error e;
	struct txn *st;

	if (sip_msg_validate(m, &e)) {
		proxy_refuse_malformed(d, m, from, e.code);
		return;
	}
	if (m->method == SIP_METHOD_ACK) {
		forward_ack(d, m, from);
		return;
	}
	st = txn_server_new(d->txns, m, from);
	if (!st) {
		d->stats.overload++;
		proxy_reply_stateless(d, m, from, 503, NULL,
				      "Retry-After: 5\r\n");
		return;
	}
	d->stats.requests++;
	/* m is st's request, fresh from the parser: no need to parse it again */
	if (m->method == SIP_METHOD_INVITE)
		proxy_reply_to(d, st, m, 100, NULL, NULL);
	if (refuse_unfit(d, st, m))
		return;
	if (m->method == SIP_METHOD_CANCEL) {
		handle_cancel(d, st, m);
		return;
	}
	/* its sender's CSeq, for siphond's own BYE (dialog_capture.c) */
	if (d->media && in_dialog(m))
		dialog_on_request(d, m);
	/*
	 * the call ends here for the relay and the shield, whichever side
	 * hangs up; not the BYE of one fork's dialog while another goes on
	 */
	if (m->method == SIP_METHOD_BYE &&
	    (!d->media || media_end_dialog(d->media, m)))
		sd_shield_call_down(d->shield, m);
	route_request(d, st, m, from);
}
