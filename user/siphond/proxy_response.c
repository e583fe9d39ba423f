// SPDX-License-Identifier: GPL-2.0-only
/*
 * The response context (RFC 3261 section 16.7): provisional responses and
 * every 2xx go upstream at once; 3xx-6xx wait until every branch has
 * ended, and the best of them goes (a 6xx first, else the lowest class;
 * a 503 becomes 500). A 2xx or 6xx cancels the other branches (16.7 step
 * 10), a CANCEL from upstream cancels them all (16.10), and timer C ends
 * an INVITE branch that rings too long (16.6 step 11).
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "dialog.h"
#include "proxy.h"
#include "sip/sip_build.h"

static void on_timer_c(struct tw_timer *timer);

struct pcall *pcall_new(struct siphond *d, struct txn *st, bool invite)
{
	struct pcall *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return NULL;
	pc->d = d;
	pc->st = st;
	pc->invite = invite;
	st->owner = pc;
	tw_timer_init(&pc->timer_c, on_timer_c);
	if (invite)
		evloop_arm(&d->loop, &pc->timer_c, d->cfg.timer_c_ms);
	return pc;
}

static void pcall_maybe_free(struct pcall *pc)
{
	unsigned int i;

	if (pc->st)
		return;
	for (i = 0; i < pc->nbranches; i++)
		if (pc->b[i].ct)
			return;
	evloop_cancel(&pc->d->loop, &pc->timer_c);
	free(pc->best);
	free(pc);
}

/* section 9.1: CANCEL copies the INVITE's Request-URI, Via, Route set,
 * Call-ID, From, To and CSeq number, and rides the same branch */
static void send_cancel(struct pcall *pc, struct pbranch *b)
{
	static char out[SIP_MSG_MAX];
	struct txn *ct = b->ct;
	const struct sip_hdr *h;
	const struct sip_cseq *cs;
	const struct sip_via *via;
	struct sip_msg *req;
	struct sip_error e;
	struct sip_wr w;
	int n;

	/* answered finally: its request is gone, and nothing to cancel */
	if (!ct->req)
		return;
	req = malloc(sizeof(*req));
	if (!req)
		return;
	if (sip_msg_parse(req, ct->req, ct->req_len, &e))
		goto out;
	cs = sip_msg_cseq(req, &e);
	via = sip_msg_top_via(req, &e);
	if (!cs || !via)
		goto out;
	sip_wr_init(&w, out, sizeof(out));
	sip_wr_cstr(&w, "CANCEL ");
	sip_wr_str(&w, req->uri);
	sip_wr_cstr(&w, " SIP/2.0\r\n");
	h = sip_msg_first(req, SIP_HDR_VIA); /* ours, alone on its line */
	sip_wr_line(&w, h->name, h->value);
	for (h = sip_msg_first(req, SIP_HDR_ROUTE); h; h = sip_msg_next(req, h))
		sip_wr_line(&w, h->name, h->value);
	sip_wr_cstr(&w, "Max-Forwards: 70\r\n");
	h = sip_msg_first(req, SIP_HDR_FROM);
	sip_wr_line(&w, h->name, h->value);
	h = sip_msg_first(req, SIP_HDR_TO);
	sip_wr_line(&w, h->name, h->value);
	h = sip_msg_first(req, SIP_HDR_CALL_ID);
	sip_wr_line(&w, h->name, h->value);
	sip_wr_cstr(&w, "CSeq: ");
	sip_wr_uint(&w, cs->seq);
	sip_wr_cstr(&w, " CANCEL\r\nContent-Length: 0\r\n\r\n");
	n = sip_wr_end(&w, &e);
	if (n > 0)
		txn_client_new(pc->d->txns, out, (size_t)n, SIP_METHOD_CANCEL,
			       via->branch, &ct->peer, NULL, -1);
out:
	free(req);
}

/* a branch may only be cancelled once it answered (section 9.1) */
static void cancel_branch(struct pcall *pc, struct pbranch *b)
{
	if (b->done || !b->ct)
		return;
	if (b->status)
		send_cancel(pc, b);
	else
		b->cancel_pending = true;
}

void proxy_cancel_branches(struct pcall *pc)
{
	unsigned int i;

	for (i = 0; i < pc->nbranches; i++)
		cancel_branch(pc, &pc->b[i]);
}

static void cancel_others(struct pcall *pc, struct pbranch *keep)
{
	unsigned int i;

	for (i = 0; i < pc->nbranches; i++)
		if (&pc->b[i] != keep)
			cancel_branch(pc, &pc->b[i]);
}

/* section 16.7 step 6: is a better than the best so far? */
static bool better(uint16_t a, uint16_t best)
{
	if (!best)
		return true;
	if (best >= 600)
		return false;
	if (a >= 600)
		return true;
	return a / 100 < best / 100;
}

/* our Via off the top (16.7 step 3) and the response upstream */
static void forward_up(struct pcall *pc, struct sip_msg *m,
		       const struct sd_peer *from)
{
	static char out[SIP_MSG_MAX], sdp[SIP_MSG_MAX];
	struct sip_edits e = { .pop_via = true };
	char contact[SIP_VALUE_MAX];
	struct sip_error err;
	int n;

	if (!pc->st)
		return;
	/* the callee behind NAT: the caller's requests in the dialog come
	 * back with its mapping (a 3xx's Contacts are targets: left alone) */
	if (pc->nat_contacts && m->status > 100 && m->status < 300)
		proxy_nat_contact(pc->d, m, from, contact, sizeof(contact),
				  &e.contact);
	/* the answer in a 18x or 2xx: relay ports for the caller, flows in */
	if (pc->media.gen &&
	    media_answer(pc->d->media, pc->media, m, &from->addr,
			 pc->d->loop.now, sdp, sizeof(sdp), &e.body) > 0)
		e.replace_body = true;
	/* what siphond needs to send BYE itself (dialog_capture.c) */
	if (pc->media.gen && m->status / 100 == 2)
		dialog_on_2xx(pc, m, from);
	n = sip_build_forward(m, &e, out, sizeof(out), &err);
	if (n < 0)
		return;
	pc->d->stats.forwarded_responses++;
	txn_server_respond(pc->st, out, (size_t)n, m->status);
}

static void keep_best(struct pcall *pc, struct sip_msg *m)
{
	static char out[SIP_MSG_MAX];
	struct sip_edits e = { .pop_via = true };
	struct sip_error err;
	char *copy;
	int n;

	if (!better((uint16_t)m->status, pc->best_status))
		return;
	n = sip_build_forward(m, &e, out, sizeof(out), &err);
	copy = n > 0 ? malloc((size_t)n) : NULL;
	if (!copy)
		return;
	memcpy(copy, out, (size_t)n);
	free(pc->best);
	pc->best = copy;
	pc->best_len = (uint32_t)n;
	pc->best_status = (uint16_t)m->status;
}

void proxy_check_done(struct pcall *pc)
{
	unsigned int i;
	int status;

	if (pc->final_sent || !pc->st)
		return;
	for (i = 0; i < pc->nbranches; i++)
		if (!pc->b[i].done)
			return;
	pc->final_sent = true;
	evloop_cancel(&pc->d->loop, &pc->timer_c);
	/* no 2xx came: the call never was, nor its media; a re-offer's
	 * changes are undone (RFC 3261 14.1) */
	if (pc->media.gen && !pc->media_reinvite)
		media_end_ref(pc->d->media, pc->media);
	else if (pc->media.gen)
		media_reoffer_failed(pc->d->media, pc->media);
	pc->media.gen = 0;
	status = pc->best_status;
	if (pc->best && status != 503) {
		txn_server_respond(pc->st, pc->best, pc->best_len, status);
		return;
	}
	/* nothing usable came back: say why ourselves */
	if (status == 503)
		proxy_reply(pc->d, pc->st, 500, NULL, NULL);
	else if (pc->cancelled)
		proxy_reply(pc->d, pc->st, 487, NULL, NULL);
	else if (status)
		proxy_reply(pc->d, pc->st, status, NULL, NULL);
	else
		proxy_reply(pc->d, pc->st, 408, NULL, NULL);
}

static void provisional(struct pcall *pc, struct pbranch *b, struct sip_msg *m)
{
	b->status = (uint16_t)m->status;
	if (b->cancel_pending) {
		b->cancel_pending = false;
		send_cancel(pc, b);
	}
	if (pc->invite && !pc->final_sent)
		evloop_arm(&pc->d->loop, &pc->timer_c, pc->d->cfg.timer_c_ms);
	/* 100 Trying is hop by hop (16.7 step 5) */
	/* the callee's SDP came from where its branch went (media_nat.h) */
	if (m->status > 100 && !pc->final_sent && b->ct)
		forward_up(pc, m, &b->ct->peer);
}

void proxy_on_response(void *tu, struct txn *ct, struct sip_msg *m)
{
	struct pcall *pc = ct->owner;
	struct pbranch *b;

	if (ct->owner_slot == DIALOG_BYE_SLOT) {
		dialog_bye_response(tu, ct, m);
		return;
	}
	if (!pc || ct->owner_slot < 0)
		return;
	b = &pc->b[ct->owner_slot];
	if (m->status < 200) {
		provisional(pc, b, m);
		return;
	}
	if (m->status < 300) {
		/* every 2xx goes up: the UAC must see each fork's answer */
		bool first = !pc->final_sent;

		b->done = true;
		b->status = (uint16_t)m->status;
		pc->final_sent = true;
		evloop_cancel(&pc->d->loop, &pc->timer_c);
		forward_up(pc, m, &ct->peer);
		/* a confirmed dialog: the shield never limits its requests */
		if (pc->invite)
			sd_shield_call_up(pc->d->shield, m,
					  pc->st ? &pc->st->peer.addr : NULL,
					  &ct->peer.addr);
		if (first)
			cancel_others(pc, b);
		return;
	}
	if (b->done)
		return;
	b->done = true;
	b->status = (uint16_t)m->status;
	keep_best(pc, m);
	if (m->status >= 600)
		cancel_others(pc, b);
	proxy_check_done(pc);
}

void proxy_on_failed(void *tu, struct txn *ct, int status)
{
	struct pcall *pc = ct->owner;
	struct pbranch *b;

	if (ct->owner_slot == DIALOG_BYE_SLOT) {
		dialog_bye_failed(tu, ct, status);
		return;
	}
	if (!pc || ct->owner_slot < 0)
		return;
	b = &pc->b[ct->owner_slot];
	if (b->done)
		return;
	b->done = true;
	b->status = (uint16_t)status;
	if (better((uint16_t)status, pc->best_status)) {
		free(pc->best);
		pc->best = NULL;
		pc->best_status = (uint16_t)status;
	}
	proxy_check_done(pc);
}

void proxy_on_gone(void *tu, struct txn *t)
{
	struct pcall *pc = t->owner;

	(void)tu;
	/* a BYE of siphond's own has no pcall (dialog_bye.c) */
	if (!pc || t->owner_slot == DIALOG_BYE_SLOT)
		return;
	if (t == pc->st)
		pc->st = NULL;
	else if (t->owner_slot >= 0)
		pc->b[t->owner_slot].ct = NULL;
	pcall_maybe_free(pc);
}

/* 16.6 step 11 and 16.8: a branch rang too long */
static void on_timer_c(struct tw_timer *timer)
{
	struct pcall *pc = container_of(timer, struct pcall, timer_c);
	unsigned int i;

	for (i = 0; i < pc->nbranches; i++) {
		struct pbranch *b = &pc->b[i];

		if (b->done || !b->ct)
			continue;
		pc->d->stats.timer_c++;
		if (b->status) {
			send_cancel(pc, b); /* its 487 ends it */
			continue;
		}
		/* no answer at all: the branch is over as a 408 */
		b->done = true;
		if (better(408, pc->best_status)) {
			free(pc->best);
			pc->best = NULL;
			pc->best_status = 408;
		}
	}
	proxy_check_done(pc);
}
