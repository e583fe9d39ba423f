// SPDX-License-Identifier: GPL-2.0-only
/*
 * Client transactions (RFC 3261 section 17.1, RFC 6026 section 7.2):
 * sending and retransmitting a request (timers A, E), giving up (B, F),
 * the ACK for a non-2xx final response (17.1.1.3), and the waits that
 * absorb response retransmissions (D, K, M).
 */
#include "txn.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "sip/sip_build.h"

/* timer D: at least 32 s over UDP, for the far end's retransmissions */
#define TXN_TIMER_D_MS 32000

static void on_timer_retx(struct tw_timer *timer)
{
	struct txn *t = container_of(timer, struct txn, t_retx);
	struct txn_table *tab = t->tab;

	tab->stats.retransmissions_sent++;
	if (txn_send(t, t->req, t->req_len)) {
		/* 17.1.4: a transport error reaches the TU as a 503 */
		if (t->owner)
			tab->ops->failed(tab->tu, t, 503);
		txn_terminate(t);
		return;
	}
	/* A doubles without bound; E doubles up to T2, and is T2 once a
	 * provisional response came */
	t->interval *= 2;
	if (t->kind == TXN_CLIENT_NON_INVITE &&
	    (t->interval > tab->conf.t2_ms || t->state == TXN_PROCEEDING))
		t->interval = tab->conf.t2_ms;
	txn_arm(t, &t->t_retx, t->interval);
}

/* timers B and F: no final response in 64*T1 */
static void on_timer_fail(struct tw_timer *timer)
{
	struct txn *t = container_of(timer, struct txn, t_fail);
	struct txn_table *tab = t->tab;

	if (t->kind == TXN_CLIENT_INVITE)
		tab->stats.timeouts_b++;
	else
		tab->stats.timeouts_f++;
	if (t->owner)
		tab->ops->failed(tab->tu, t, 408);
	txn_terminate(t);
}

static void on_timer_end(struct tw_timer *timer)
{
	txn_terminate(container_of(timer, struct txn, t_end));
}

struct txn *txn_client_new(struct txn_table *tab, const char *req, size_t len,
			   enum sip_method method, struct sip_str branch,
			   const struct sd_peer *to, void *owner,
			   int owner_slot)
{
	bool invite = method == SIP_METHOD_INVITE;
	struct txn *t;

	if (branch.len == 0 || branch.len > TXN_BRANCH_MAX)
		return NULL;
	t = txn_alloc(tab, invite ? TXN_CLIENT_INVITE : TXN_CLIENT_NON_INVITE);
	if (!t)
		return NULL;
	t->state = invite ? TXN_CALLING : TXN_TRYING;
	t->method = method;
	t->peer = *to;
	t->reliable = to->proto != SD_PROTO_UDP;
	tw_timer_init(&t->t_retx, on_timer_retx);
	tw_timer_init(&t->t_fail, on_timer_fail);
	tw_timer_init(&t->t_end, on_timer_end);
	t->branch_len = (uint8_t)branch.len;
	memcpy(t->branch, branch.p, branch.len);
	t->hash = txn_hash_branch(t->branch, t->branch_len);
	t->req = txn_dup(req, len);
	txn_link(tab, t);
	tab->stats.client_created++;
	if (!t->req || txn_send(t, req, len)) {
		txn_terminate(t); /* no owner yet: no callback */
		return NULL;
	}
	t->req_len = (uint32_t)len;
	t->owner = owner;
	t->owner_slot = owner_slot;
	if (!t->reliable) {
		t->interval = tab->conf.t1_ms;
		txn_arm(t, &t->t_retx, t->interval);
	}
	txn_arm(t, &t->t_fail, 64ull * tab->conf.t1_ms);
	return t;
}

struct txn *txn_client_find(struct txn_table *tab, struct sip_msg *m)
{
	const struct sip_via *via;
	const struct sip_cseq *cseq;
	struct sip_error e;
	struct txn *t;

	via = sip_msg_top_via(m, &e);
	cseq = sip_msg_cseq(m, &e);
	if (!via || !cseq || !via->branch.len)
		return NULL;
	t = txn_bucket(tab, txn_hash_branch(via->branch.p, via->branch.len));
	for (; t; t = t->hnext) {
		if (t->kind < TXN_CLIENT_INVITE || t->method != cseq->method ||
		    t->branch_len != via->branch.len ||
		    memcmp(t->branch, via->branch.p, t->branch_len))
			continue;
		return t;
	}
	return NULL;
}

/* copy the first line of id in req as received */
static void copy_header(struct sip_wr *w, const struct sip_msg *req,
			enum sip_hdr_id id, bool all)
{
	const struct sip_hdr *h;

	for (h = sip_msg_first(req, id); h; h = sip_msg_next(req, h)) {
		sip_wr_line(w, h->name, h->value);
		if (!all)
			break;
	}
}

/*
 * Section 17.1.1.3: the ACK for a 3xx-6xx has the INVITE's Request-URI,
 * Call-ID, From, CSeq number, top Via and Route set, and the response's To.
 */
static int build_ack(struct txn *t, struct sip_msg *resp, char *out, size_t cap)
{
	const struct sip_hdr *to = sip_msg_first(resp, SIP_HDR_TO);
	struct sip_msg *req;
	struct sip_error e;
	struct sip_wr w;
	const struct sip_cseq *cs;
	int n = -1;

	if (!t->req)
		return -1;
	req = malloc(sizeof(*req));
	if (!req)
		return -1;
	if (!to || sip_msg_parse(req, t->req, t->req_len, &e))
		goto out;
	cs = sip_msg_cseq(req, &e);
	if (!cs)
		goto out;
	sip_wr_init(&w, out, cap);
	sip_wr_cstr(&w, "ACK ");
	sip_wr_str(&w, req->uri);
	sip_wr_cstr(&w, " SIP/2.0\r\n");
	copy_header(&w, req, SIP_HDR_VIA, false);
	copy_header(&w, req, SIP_HDR_ROUTE, true);
	sip_wr_cstr(&w, "Max-Forwards: 70\r\n");
	copy_header(&w, req, SIP_HDR_FROM, false);
	sip_wr_line(&w, to->name, to->value);
	copy_header(&w, req, SIP_HDR_CALL_ID, false);
	sip_wr_cstr(&w, "CSeq: ");
	sip_wr_uint(&w, cs->seq);
	sip_wr_cstr(&w, " ACK\r\nContent-Length: 0\r\n\r\n");
	n = sip_wr_end(&w, &e);
out:
	free(req);
	return n;
}

static void send_ack(struct txn *t, struct sip_msg *resp)
{
	char buf[SIP_MSG_MAX];
	int n;

	if (!t->ack) {
		n = build_ack(t, resp, buf, sizeof(buf));
		if (n < 0)
			return;
		t->ack = txn_dup(buf, (size_t)n);
		if (!t->ack)
			return;
		t->ack_len = (uint32_t)n;
	}
	txn_send(t, t->ack, t->ack_len);
}

/*
 * After a final response the request is never sent again (the ACK for a
 * 3xx-6xx is built first): a transaction waiting out timer D, K or M
 * keeps only what matching needs, not a copy of the request for 5-32 s.
 */
static void drop_request(struct txn *t)
{
	free(t->req);
	t->req = NULL;
	t->req_len = 0;
}

static void pass_up(struct txn *t, struct sip_msg *m)
{
	if (t->owner)
		t->tab->ops->response(t->tab->tu, t, m);
}

static void invite_response(struct txn *t, struct sip_msg *m)
{
	struct txn_table *tab = t->tab;
	int status = m->status;

	switch (t->state) {
	case TXN_CALLING:
	case TXN_PROCEEDING:
		evloop_cancel(tab->loop, &t->t_retx);
		t->status = (uint16_t)status;
		if (status < 200) {
			/* timer B is for Calling only; the proxy has timer C */
			evloop_cancel(tab->loop, &t->t_fail);
			t->state = TXN_PROCEEDING;
			pass_up(t, m);
		} else if (status < 300) {
			evloop_cancel(tab->loop, &t->t_fail);
			t->state = TXN_ACCEPTED;
			drop_request(t);
			txn_arm(t, &t->t_end, 64ull * tab->conf.t1_ms);
			pass_up(t, m);
		} else {
			evloop_cancel(tab->loop, &t->t_fail);
			t->state = TXN_COMPLETED;
			send_ack(t, m);
			drop_request(t);
			txn_arm(t, &t->t_end, t->reliable ? 0 : TXN_TIMER_D_MS);
			pass_up(t, m);
		}
		break;
	case TXN_ACCEPTED:
		/* retransmitted or forked 2xx go up to be forwarded */
		if (status >= 200 && status < 300)
			pass_up(t, m);
		else
			tab->stats.response_retransmits++;
		break;
	case TXN_COMPLETED:
		tab->stats.response_retransmits++;
		if (status >= 300)
			send_ack(t, m);
		break;
	default:
		tab->stats.late_responses++;
		break;
	}
}

static void non_invite_response(struct txn *t, struct sip_msg *m)
{
	struct txn_table *tab = t->tab;
	int status = m->status;

	if (t->state != TXN_TRYING && t->state != TXN_PROCEEDING) {
		tab->stats.response_retransmits++;
		return;
	}
	t->status = (uint16_t)status;
	if (status < 200) {
		t->state = TXN_PROCEEDING;
		pass_up(t, m);
		return;
	}
	evloop_cancel(tab->loop, &t->t_retx);
	evloop_cancel(tab->loop, &t->t_fail);
	t->state = TXN_COMPLETED;
	drop_request(t);
	txn_arm(t, &t->t_end, t->reliable ? 0 : tab->conf.t4_ms);
	pass_up(t, m);
}

void txn_client_on_response(struct txn *t, struct sip_msg *m)
{
	if (t->kind == TXN_CLIENT_INVITE)
		invite_response(t, m);
	else
		non_invite_response(t, m);
}
