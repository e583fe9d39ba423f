// SPDX-License-Identifier: GPL-2.0-only
/*
 * Server transactions (RFC 3261 section 17.2, RFC 6026 section 7.1):
 * matching by branch and sent-by (17.2.3) or, for RFC 2543 peers, by the
 * request's identifying fields; absorbing retransmissions; timers G, H,
 * I, J and L.
 */
#include "txn.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "hash.h"
#include "sip/sip_build.h"

static bool has_cookie(struct sip_str branch)
{
	return branch.len > 7 && !memcmp(branch.p, SIP_BRANCH_COOKIE, 7);
}

/* ACK belongs to the INVITE transaction; CANCEL has its own */
static enum sip_method match_method(enum sip_method m)
{
	return m == SIP_METHOD_ACK ? SIP_METHOD_INVITE : m;
}

/* "host:port" (port 0 when the Via has none), or -1 if it does not fit */
static int sent_by_of(const struct sip_via *v, char *buf, size_t len)
{
	char *p;

	if (v->host.len + 6 > len)
		return -1;
	p = sd_put_mem(buf, v->host.p, v->host.len);
	*p++ = ':';
	p = sd_put_u32(p, v->has_port ? v->port : 0);
	return (int)(p - buf);
}

/* section 17.2.3's fallback: Request-URI, From tag, Call-ID, CSeq, Via */
static uint64_t rfc2543_key(struct sip_msg *m, enum sip_method method)
{
	struct sip_error e;
	const struct sip_addr *from = sip_msg_from(m, &e);
	const struct sip_str *cid = sip_msg_call_id(m, &e);
	const struct sip_cseq *cseq = sip_msg_cseq(m, &e);
	const struct sip_hdr *via = sip_msg_first(m, SIP_HDR_VIA);
	uint64_t h = SD_HASH_INIT;

	h = sd_hash_str(h, m->uri);
	if (from)
		h = sd_hash_str(h, from->tag);
	if (cid)
		h = sd_hash_str(h, *cid);
	if (via)
		h = sd_hash_str(h, via->value);
	h = h * 31 + (cseq ? cseq->seq : 0);
	return h * 31 + (uint64_t)method;
}

/*
 * The fallback's ACK matches only when its To tag is the one of the
 * response it acknowledges (17.2.3): for a late fork's 2xx it is not.
 * Only RFC 2543 peers get here, so the stored response is parsed.
 */
static bool ack_to_tag_matches(const struct txn *t, struct sip_msg *ack)
{
	static struct sip_msg resp;
	const struct sip_addr *want, *got;
	struct sip_error e;

	if (!t->resp || sip_msg_parse(&resp, t->resp, t->resp_len, &e))
		return false;
	want = sip_msg_to(&resp, &e);
	got = sip_msg_to(ack, &e);
	return want && got && sip_str_eq(want->tag, got->tag);
}

static struct txn *find_rfc2543(struct txn_table *tab, struct sip_msg *m,
				enum sip_method method)
{
	uint64_t key = rfc2543_key(m, method);
	struct txn *t;

	for (t = txn_bucket(tab, (uint32_t)key); t; t = t->hnext) {
		if (t->kind > TXN_SERVER_NON_INVITE || t->branch_len ||
		    t->rfc2543_key != key || t->method != method)
			continue;
		if (m->method == SIP_METHOD_ACK && !ack_to_tag_matches(t, m))
			continue;
		return t;
	}
	return NULL;
}

static struct txn *find(struct txn_table *tab, struct sip_msg *m,
			enum sip_method method)
{
	struct sip_error e;
	const struct sip_via *via = sip_msg_top_via(m, &e);
	char sent_by[TXN_SENTBY_MAX];
	struct txn *t;
	int n;

	if (!via)
		return NULL;
	/* a branch too long to keep was filed under the fallback's key */
	if (has_cookie(via->branch) && via->branch.len <= TXN_BRANCH_MAX) {
		n = sent_by_of(via, sent_by, sizeof(sent_by));
		if (n < 0)
			return NULL;
		t = txn_bucket(tab,
			       txn_hash_branch(via->branch.p, via->branch.len));
		for (; t; t = t->hnext) {
			if (t->kind > TXN_SERVER_NON_INVITE ||
			    t->method != method ||
			    t->branch_len != via->branch.len ||
			    memcmp(t->branch, via->branch.p, t->branch_len) ||
			    t->sent_by_len != n ||
			    strncasecmp(t->sent_by, sent_by, (size_t)n))
				continue;
			return t;
		}
		return NULL;
	}
	return find_rfc2543(tab, m, method);
}

struct txn *txn_server_find(struct txn_table *tab, struct sip_msg *m)
{
	struct txn *t = find(tab, m, match_method(m->method));

	/*
	 * RFC 6026 7.1: an ACK matching an INVITE answered 2xx is the
	 * dialog's (an RFC 2543 UA's ACK has the INVITE's Via and CSeq):
	 * not absorbed, the proxy core forwards it end to end.
	 */
	if (t && m->method == SIP_METHOD_ACK && t->state == TXN_ACCEPTED)
		return NULL;
	return t;
}

struct txn *txn_server_find_invite(struct txn_table *tab,
				   struct sip_msg *cancel)
{
	return find(tab, cancel, SIP_METHOD_INVITE);
}

static void resend_last(struct txn *t)
{
	if (t->resp)
		txn_send(t, t->resp, t->resp_len);
}

void txn_server_absorb(struct txn *t, struct sip_msg *m)
{
	struct txn_table *tab = t->tab;

	if (m->method == SIP_METHOD_ACK) {
		tab->stats.acks_absorbed++;
		if (t->state != TXN_COMPLETED)
			return;
		/* Confirmed: soak up ACK retransmissions for T4 (timer I) */
		t->state = TXN_CONFIRMED;
		evloop_cancel(tab->loop, &t->t_retx);
		evloop_cancel(tab->loop, &t->t_fail);
		txn_arm(t, &t->t_end, t->reliable ? 0 : tab->conf.t4_ms);
		return;
	}
	tab->stats.request_retransmits++;
	switch (t->state) {
	case TXN_PROCEEDING:
	case TXN_COMPLETED:
		resend_last(t);
		break;
	default: /* Trying, Accepted, Confirmed: absorbed */
		break;
	}
}

/* timer G: the final response again, T1 doubling up to T2 */
static void on_timer_g(struct tw_timer *timer)
{
	struct txn *t = container_of(timer, struct txn, t_retx);
	struct txn_table *tab = t->tab;

	tab->stats.retransmissions_sent++;
	resend_last(t);
	t->interval = t->interval * 2 < tab->conf.t2_ms ? t->interval * 2 :
							  tab->conf.t2_ms;
	txn_arm(t, &t->t_retx, t->interval);
}

/* timer H: no ACK ever came */
static void on_timer_h(struct tw_timer *timer)
{
	struct txn *t = container_of(timer, struct txn, t_fail);

	t->tab->stats.timeouts_h++;
	txn_terminate(t);
}

/* timers I, J, L: the wait is over */
static void on_timer_end(struct tw_timer *timer)
{
	txn_terminate(container_of(timer, struct txn, t_end));
}

void txn_response_peer(struct sd_peer *peer, const struct sip_via *via)
{
	if (peer->proto != SD_PROTO_UDP || via->has_rport)
		return; /* the connection, or the source port: as it came */
	/* received= is the source address; the port is the Via's */
	if (peer->addr.sa.sa_family == AF_INET6)
		peer->addr.in6.sin6_port =
			htons(via->has_port ? via->port : 5060);
	else
		peer->addr.in.sin_port =
			htons(via->has_port ? via->port : 5060);
}

struct txn *txn_server_new(struct txn_table *tab, struct sip_msg *m,
			   const struct sd_peer *from)
{
	struct sip_error e;
	const struct sip_via *via = sip_msg_top_via(m, &e);
	bool invite = m->method == SIP_METHOD_INVITE;
	struct txn *t;
	int n;

	if (!via || m->method == SIP_METHOD_ACK)
		return NULL;
	t = txn_alloc(tab, invite ? TXN_SERVER_INVITE : TXN_SERVER_NON_INVITE);
	if (!t)
		return NULL;
	t->state = invite ? TXN_PROCEEDING : TXN_TRYING;
	t->method = m->method;
	t->peer = *from;
	t->reliable = from->proto != SD_PROTO_UDP;
	txn_response_peer(&t->peer, via);
	tw_timer_init(&t->t_retx, on_timer_g);
	tw_timer_init(&t->t_fail, on_timer_h);
	tw_timer_init(&t->t_end, on_timer_end);
	t->req = txn_dup(m->buf, m->len);
	if (!t->req)
		goto fail;
	t->req_len = m->len;
	if (has_cookie(via->branch) && via->branch.len <= TXN_BRANCH_MAX) {
		n = sent_by_of(via, t->sent_by, sizeof(t->sent_by));
		if (n < 0)
			goto fail;
		t->sent_by_len = (uint8_t)n;
		t->branch_len = (uint8_t)via->branch.len;
		memcpy(t->branch, via->branch.p, via->branch.len);
		t->hash = txn_hash_branch(t->branch, t->branch_len);
	} else {
		t->rfc2543_key = rfc2543_key(m, t->method);
		t->hash = (uint32_t)t->rfc2543_key;
	}
	txn_link(tab, t);
	tab->stats.server_created++;
	return t;
fail:
	/* not linked yet: undo the allocation by hand */
	tab->stats.active--;
	tab->stats.table_full++;
	free(t->req);
	free(t);
	return NULL;
}

/*
 * An INVITE server transaction never sends its 2xx again: in Accepted it
 * absorbs the INVITE's retransmissions (RFC 6026 section 7.1) and the
 * 2xx's own come from the UAS, end to end. Whatever else it answers is
 * kept to answer a retransmitted request with.
 */
static bool resent_later(const struct txn *t, int status)
{
	return t->kind != TXN_SERVER_INVITE || status < 200 || status >= 300;
}

/* Accepted keeps no response: 32 s of the call's memory the less */
static void drop_response(struct txn *t)
{
	free(t->resp);
	t->resp = NULL;
	t->resp_len = 0;
}

static int keep_response(struct txn *t, const char *buf, size_t len)
{
	char *copy = txn_dup(buf, len);

	if (!copy)
		return -ENOMEM;
	free(t->resp);
	t->resp = copy;
	t->resp_len = (uint32_t)len;
	return 0;
}

static void invite_final(struct txn *t, int status)
{
	struct txn_table *tab = t->tab;

	if (status < 300) {
		/* RFC 6026: Accepted absorbs INVITE retransmissions (L) */
		t->state = TXN_ACCEPTED;
		txn_arm(t, &t->t_end, 64ull * tab->conf.t1_ms);
		return;
	}
	t->state = TXN_COMPLETED;
	if (!t->reliable) {
		t->interval = tab->conf.t1_ms;
		txn_arm(t, &t->t_retx, t->interval);
	}
	txn_arm(t, &t->t_fail, 64ull * tab->conf.t1_ms);
}

int txn_server_respond(struct txn *t, const char *buf, size_t len, int status)
{
	struct txn_table *tab = t->tab;
	int err;

	if (t->state == TXN_COMPLETED || t->state == TXN_CONFIRMED ||
	    t->state == TXN_TERMINATED)
		return -EALREADY;
	/* more 2xx after the first (forked answers) pass through Accepted */
	if (t->state == TXN_ACCEPTED)
		return status < 300 && status >= 200 ? txn_send(t, buf, len) :
						       -EALREADY;
	if (resent_later(t, status)) {
		err = keep_response(t, buf, len);
		if (err)
			return err;
	} else {
		drop_response(t);
	}
	t->status = (uint16_t)status;
	err = txn_send(t, buf, len);
	if (status < 200) {
		t->state = TXN_PROCEEDING;
		return err;
	}
	if (t->kind == TXN_SERVER_INVITE) {
		invite_final(t, status);
		return err;
	}
	t->state = TXN_COMPLETED;
	/* timer J: answer retransmissions for 64*T1 */
	txn_arm(t, &t->t_end, t->reliable ? 0 : 64ull * tab->conf.t1_ms);
	return err;
}
