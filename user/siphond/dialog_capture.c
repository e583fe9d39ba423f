// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a BYE to each phone needs, captured as the call is set up (see
 * dialog_state.h): at the first 2xx to the INVITE, both parties with
 * their tags, both remote targets, the route set towards each phone, and
 * where each one's messages came from; then every in-dialog request moves
 * its sender's CSeq up, and the 2xx of a re-INVITE or UPDATE (a target
 * refresh) brings both phones' new Contacts.
 *
 * Route sets (RFC 3261 12.1.1, 12.1.2): the 2xx's Record-Route lists the
 * proxies nearest the callee first. The caller's route set is that list
 * reversed, the callee's that list as it is; siphond, somewhere in the
 * middle, uses the part of each beyond itself: towards the callee the
 * values above its own, last first; towards the caller those below it,
 * in order. Its own values (one, or two with RFC 5658) are dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "log.h"
#include "media_internal.h"
#include "media_nat.h"
#include "proxy.h"
#include "sip/sip_build.h"
#include "sip/sip_uri.h"

/* the Record-Route values of a 2xx, and where siphond's are */
struct rr_list {
	struct sip_str v[DIALOG_ROUTES_MAX];
	unsigned int n;
	int first_ours, last_ours; /* -1: siphond is not among them */
};

static bool put_text(char *dst, uint16_t *len, size_t cap, struct sip_str s)
{
	if (!s.len || s.len >= cap)
		return false;
	memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	*len = (uint16_t)s.len;
	return true;
}

/* the first line of a single-valued header, without trailing space */
static struct sip_str header_value(const struct sip_msg *m, enum sip_hdr_id id)
{
	const struct sip_hdr *h = sip_msg_first(m, id);

	return h ? sip_build_value(h->value) : SIP_STR_NULL;
}

/* the URI of the first Contact, or an empty string */
static struct sip_str contact_uri(const struct sip_msg *m)
{
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_addr a;
	struct sip_str v;

	sip_msg_values(m, SIP_HDR_CONTACT, &it);
	if (sip_val_next(&it, &v, &e) != 1 || sip_contact_parse(v, &a, &e) ||
	    a.star)
		return SIP_STR_NULL;
	return a.uri;
}

/* false when there are more values than fit, or one does not parse */
static bool read_record_route(struct siphond *d, const struct sip_msg *ok,
			      struct rr_list *rr)
{
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_addr a;
	struct sip_str v;
	int r;

	rr->n = 0;
	rr->first_ours = rr->last_ours = -1;
	sip_msg_values(ok, SIP_HDR_RECORD_ROUTE, &it);
	while ((r = sip_val_next(&it, &v, &e)) == 1) {
		if (rr->n == DIALOG_ROUTES_MAX || sip_route_parse(v, &a, &e))
			return false;
		if (proxy_uri_is_us(d, a.uri)) {
			if (rr->first_ours < 0)
				rr->first_ours = (int)rr->n;
			rr->last_ours = (int)rr->n;
		}
		rr->v[rr->n++] = v;
	}
	return r == 0;
}

/* a route set's first value must be a loose router (";lr") */
static bool loose(struct sip_str value)
{
	struct sip_error e;
	struct sip_addr a;
	struct sip_uri u;

	return !sip_route_parse(value, &a, &e) &&
	       !sip_uri_parse(a.uri, &u, &e) && u.lr;
}

/*
 * Values from..to (inclusive, step +1 or -1) joined as a Route value;
 * false when they do not fit or the first is a strict router, which
 * siphond does not route through.
 */
static bool join_routes(const struct rr_list *rr, int from, int to, int step,
			struct dialog_party *p)
{
	size_t n = 0;
	int i;

	p->route_len = 0;
	p->route[0] = '\0';
	if ((step > 0 && from > to) || (step < 0 && from < to))
		return true;
	if (!loose(rr->v[from]))
		return false;
	for (i = from;; i += step) {
		if (n + rr->v[i].len + 3 > sizeof(p->route))
			return false;
		if (n) {
			memcpy(p->route + n, ", ", 2);
			n += 2;
		}
		memcpy(p->route + n, rr->v[i].p, rr->v[i].len);
		n += rr->v[i].len;
		if (i == to)
			break;
	}
	p->route[n] = '\0';
	p->route_len = (uint16_t)n;
	return true;
}

static bool route_sets(const struct rr_list *rr, struct media_dialog *dg)
{
	int n = (int)rr->n;

	/* not record-routed by siphond: take it for the caller's first hop */
	if (rr->first_ours < 0)
		return join_routes(rr, n - 1, 0, -1, &dg->p[DIALOG_CALLEE]) &&
		       join_routes(rr, 0, -1, 1, &dg->p[DIALOG_CALLER]);
	return join_routes(rr, rr->first_ours - 1, 0, -1,
			   &dg->p[DIALOG_CALLEE]) &&
	       join_routes(rr, rr->last_ours + 1, n - 1, 1,
			   &dg->p[DIALOG_CALLER]);
}

/*
 * A Contact siphond cannot send to: not an address (siphond resolves no
 * names), or a phone behind NAT as [media] nat tells them (media_nat.h).
 */
static bool unreachable(const struct media *md, struct sip_str target,
			const union sd_sockaddr *src)
{
	char host[SD_ADDRSTRLEN + 8];
	struct endpoint ep, pub;
	union sd_sockaddr a;
	struct sip_error e;
	struct sip_uri u;

	if (sip_uri_parse(target, &u, &e) ||
	    (u.host_type != SIP_URI_HOST_IPV4 &&
	     u.host_type != SIP_URI_HOST_IPV6) ||
	    sd_sockaddr_from_host(u.host, sip_uri_port(&u), &a))
		return true;
	sd_sockaddr_host(&a, host, sizeof(host));
	if (endpoint_parse(host, true, &ep))
		return true;
	return media_behind_nat(md->nat, &ep, src, &pub);
}

/* a phone's Contact and where its message came from */
static bool set_target(const struct media *md, struct dialog_party *p,
		       struct sip_str target, const struct sd_peer *src)
{
	if (!put_text(p->target, &p->target_len, sizeof(p->target), target))
		return false;
	p->source = src->addr;
	p->proto = (uint8_t)src->proto;
	p->via_source = unreachable(md, target, &src->addr);
	return true;
}

static bool fill(struct siphond *d, struct media_dialog *dg,
		 struct sip_msg *inv, const struct sd_peer *caller,
		 struct sip_msg *ok, const struct sd_peer *callee)
{
	struct dialog_party *a = &dg->p[DIALOG_CALLER];
	struct dialog_party *b = &dg->p[DIALOG_CALLEE];
	const struct sip_cseq *cs;
	struct sip_error e;
	struct rr_list rr;

	cs = sip_msg_cseq(inv, &e);
	if (!cs)
		return false;
	a->cseq = cs->seq;
	b->cseq = 0;
	return put_text(a->party, &a->party_len, sizeof(a->party),
			header_value(inv, SIP_HDR_FROM)) &&
	       put_text(b->party, &b->party_len, sizeof(b->party),
			header_value(ok, SIP_HDR_TO)) &&
	       set_target(d->media, a, contact_uri(inv), caller) &&
	       set_target(d->media, b, contact_uri(ok), callee) &&
	       read_record_route(d, ok, &rr) && route_sets(&rr, dg);
}

/*
 * The first 2xx to the INVITE: the dialog as both phones know it, in
 * dg: the call's, or another fork's (media_fork.c), kept for the day it
 * takes the call's media over.
 */
static void capture(struct siphond *d, struct media_session *ms,
		    struct media_dialog *dg, struct sip_msg *inv,
		    const struct sd_peer *caller, struct sip_msg *ok,
		    const struct sd_peer *callee)
{
	struct dialog_stats *st = &d->media->dialog;

	/* a retransmitted 2xx: the first one holds */
	if (dg->state != DIALOG_NONE)
		return;
	st->confirmed++;
	if (fill(d, dg, inv, caller, ok, callee)) {
		dg->state = DIALOG_CONFIRMED;
		return;
	}
	memset(dg, 0, sizeof(*dg));
	dg->state = DIALOG_UNUSABLE;
	st->unusable++;
	pr_info("dialog: call %.*s: a value too long, too many Record-Routes "
		"or a strict router: siphond cannot send it BYE, only remove "
		"its flows\n",
		(int)ms->call_id_len, ms->call_id);
}

/* RFC 3261 12.2: a target refresh replaces a phone's remote target */
static void refresh(struct siphond *d, struct media_session *ms,
		    enum dialog_side side, struct sip_msg *m,
		    const struct sd_peer *src)
{
	struct dialog_party *p = &ms->dialog.p[side], keep = *p;
	struct sip_str target = contact_uri(m);

	if (!target.len || (p->target_len == target.len &&
			    !memcmp(p->target, target.p, target.len) &&
			    sd_sockaddr_eq(&p->source, &src->addr)))
		return;
	if (!set_target(d->media, p, target, src)) {
		*p = keep;
		d->media->dialog.unusable++;
		pr_info("dialog: call %.*s: new Contact too long, the old one "
			"kept\n",
			(int)ms->call_id_len, ms->call_id);
		return;
	}
	d->media->dialog.target_refreshes++;
}

/* where the dialog a 2xx to the INVITE makes is kept: the call's own,
 * or another fork's (media_answer() told them apart), or nowhere */
static struct media_dialog *dialog_of_2xx(struct media *md,
					  struct media_session *ms,
					  struct sip_msg *ok)
{
	struct sip_error e;
	const struct sip_addr *to = sip_msg_to(ok, &e);
	uint64_t tag = media_tag_hash(to ? to->tag : SIP_STR_NULL);

	if (!ms->callee_tag || tag == ms->callee_tag)
		return &ms->dialog;
	return media_fork_dialog(md, ms, tag);
}

void dialog_on_2xx(struct pcall *pc, struct sip_msg *ok,
		   const struct sd_peer *from)
{
	struct media_dialog *dg = NULL;
	struct media_session *ms;
	struct sip_msg *req;
	struct sip_error e;
	enum dialog_side asker;

	ms = media_session_by_ref(pc->d->media, pc->media);
	if (!ms || !pc->st || ok->status / 100 != 2)
		return;
	if (pc->media_reinvite && ms->dialog.state != DIALOG_CONFIRMED)
		return;
	req = malloc(sizeof(*req));
	if (!req)
		return;
	if (sip_msg_parse(req, pc->st->req, pc->st->req_len, &e))
		goto out;
	if (!pc->media_reinvite) {
		if (req->method == SIP_METHOD_INVITE)
			dg = dialog_of_2xx(pc->d->media, ms, ok);
		if (dg)
			capture(pc->d, ms, dg, req, &pc->st->peer, ok, from);
		goto out;
	}
	/* the asker's Contact came in the request, the other's in the 2xx */
	asker = pc->media.caller_answers ? DIALOG_CALLEE : DIALOG_CALLER;
	refresh(pc->d, ms, asker, req, &pc->st->peer);
	refresh(pc->d, ms, !asker, ok, from);
out:
	free(req);
}

void dialog_on_request(struct siphond *d, struct sip_msg *m)
{
	struct media_session *ms;
	const struct sip_cseq *cs;
	struct dialog_party *p;
	struct sip_error e;
	bool by_callee;

	if (!d->media || m->method == SIP_METHOD_ACK ||
	    m->method == SIP_METHOD_CANCEL)
		return;
	ms = media_session_by_msg(d->media, m, &by_callee);
	cs = sip_msg_cseq(m, &e);
	if (!ms || !cs || ms->dialog.state != DIALOG_CONFIRMED)
		return;
	p = &ms->dialog.p[by_callee ? DIALOG_CALLEE : DIALOG_CALLER];
	if (cs->seq > p->cseq)
		p->cseq = cs->seq;
}
