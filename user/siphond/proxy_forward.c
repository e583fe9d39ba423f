// SPDX-License-Identifier: GPL-2.0-only
/*
 * Forwarding (RFC 3261 section 16.6): one copy of the request per target,
 * with the target's Request-URI, Max-Forwards less one, our Record-Route,
 * received=/rport= on the Via it came with (RFC 3581), and a new top Via
 * whose branch carries the loop-detection hash, each copy sent in its own
 * client transaction.
 */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "hash.h"
#include "log.h"
#include "proxy.h"
#include "sip/sip_build.h"
#include "sip/sip_lex.h"

/* our branches: cookie, "sd", the loop hash, '.', a sequence number */
#define BRANCH_MARK SIP_BRANCH_COOKIE "sd"
#define BRANCH_MARK_LEN 9
#define LOOP_HASH_HEX 16

static uint64_t mix_header(uint64_t h, const struct sip_msg *m,
			   enum sip_hdr_id id)
{
	const struct sip_hdr *x;

	for (x = sip_msg_first(m, id); x; x = sip_msg_next(m, x))
		h = sd_hash_str(h, x->value);
	return h;
}

/*
 * 16.6 step 8 names what identifies the request on this hop; the top Via
 * is left out, since a looped request comes back under our own Via and
 * would never match (the defect RFC 5393 describes).
 */
uint64_t proxy_loop_hash(struct sip_msg *m)
{
	struct sip_error e;
	const struct sip_addr *from = sip_msg_from(m, &e);
	const struct sip_addr *to = sip_msg_to(m, &e);
	const struct sip_str *cid = sip_msg_call_id(m, &e);
	const struct sip_cseq *cs = sip_msg_cseq(m, &e);
	uint64_t h = SD_HASH_INIT;

	h = sd_hash_str(h, m->uri);
	h = sd_hash_str(h, from ? from->tag : SIP_STR_NULL);
	h = sd_hash_str(h, to ? to->tag : SIP_STR_NULL);
	h = sd_hash_str(h, cid ? *cid : SIP_STR_NULL);
	h = sd_hash_bytes(h, &(uint32_t){ cs ? cs->seq : 0 }, 4);
	h = mix_header(h, m, SIP_HDR_PROXY_REQUIRE);
	return mix_header(h, m, SIP_HDR_PROXY_AUTHORIZATION);
}

static bool via_is_ours(struct siphond *d, const struct sip_via *v)
{
	union sd_sockaddr a;
	unsigned int i;

	for (i = 0; i < d->cfg.nlisten; i++) {
		const struct cfg_listen *l = &d->cfg.listen[i];
		uint16_t port = sd_sockaddr_port(&l->addr);

		if ((v->has_port ? v->port : 5060) != port)
			continue;
		if (sip_str_ieq_cstr(v->host, l->host))
			return true;
		if (!sd_sockaddr_from_host(v->host, port, &a) &&
		    sd_sockaddr_eq(&a, &l->addr))
			return true;
	}
	return false;
}

bool proxy_is_loop(struct siphond *d, struct sip_msg *m)
{
	char want[LOOP_HASH_HEX];
	struct sip_val_iter it;
	struct sip_error e;
	struct sip_str v;
	struct sip_via via;

	if (!m->count[SIP_HDR_VIA])
		return false;
	sd_put_hex64(want, proxy_loop_hash(m));
	sip_msg_values(m, SIP_HDR_VIA, &it);
	while (sip_val_next(&it, &v, &e) == 1) {
		if (sip_via_parse(v, &via, &e) || !via_is_ours(d, &via))
			continue;
		if (via.branch.len >= BRANCH_MARK_LEN + LOOP_HASH_HEX &&
		    !memcmp(via.branch.p, BRANCH_MARK, BRANCH_MARK_LEN) &&
		    !memcmp(via.branch.p + BRANCH_MARK_LEN, want,
			    LOOP_HASH_HEX))
			return true; /* a loop, not a spiral */
	}
	return false;
}

/* BRANCH_MARK, the loop hash, "." and a unique part: 42 bytes */
#define BRANCH_LEN (BRANCH_MARK_LEN + LOOP_HASH_HEX + 1 + 16)

static int make_branch(struct siphond *d, uint64_t loop_hash, char *buf)
{
	char *p = sd_put_mem(buf, BRANCH_MARK, BRANCH_MARK_LEN);

	p = sd_put_hex64(p, loop_hash);
	*p++ = '.';
	p = sd_put_hex64(p, ++d->branch_seq ^ d->secret);
	return (int)(p - buf);
}

/*
 * RFC 3581 and 18.2.1: the Via the request came with gets received= and
 * the rport value, so responses retrace a NAT's mapping. Other params are
 * kept in order.
 */
static struct sip_str stamp_via(const struct sip_msg *m,
				const struct sd_peer *from, char *buf,
				size_t cap)
{
	const struct sip_hdr *h = sip_msg_first(m, SIP_HDR_VIA);
	struct sip_str rest, first, param;
	char host[SD_ADDRSTRLEN];
	const char *semi, *end;
	size_t n = 0, hlen;
	char *p;

	if (!h)
		return SIP_STR_NULL;
	rest = h->value;
	if (sip_list_next(&rest, &first) != 1)
		return SIP_STR_NULL;
	semi = memchr(first.p, ';', first.len);
	end = first.p + first.len;
	if (!semi)
		semi = end;
	if ((size_t)(semi - first.p) >= cap)
		return SIP_STR_NULL;
	memcpy(buf, first.p, (size_t)(semi - first.p));
	n = (size_t)(semi - first.p);
	/* every param but received and rport, as sent */
	while (semi < end) {
		const char *next =
			memchr(semi + 1, ';', (size_t)(end - semi - 1));

		if (!next)
			next = end;
		param = sip_str_between(semi + 1, next);
		param = sip_str_trim(param);
		if (!(param.len >= 5 && !strncasecmp(param.p, "rport", 5) &&
		      (param.len == 5 || param.p[5] == '=' ||
		       param.p[5] == ' ')) &&
		    !(param.len >= 8 && !strncasecmp(param.p, "received", 8))) {
			if (n + 1 + param.len >= cap)
				return SIP_STR_NULL;
			buf[n++] = ';';
			memcpy(buf + n, param.p, param.len);
			n += param.len;
		}
		semi = next;
	}
	sd_sockaddr_host(&from->addr, host, sizeof(host));
	hlen = strlen(host);
	/* ";received=" host ";rport=" and five digits */
	if (n + 10 + hlen + 7 + 5 > cap)
		return SIP_STR_NULL;
	p = sd_put_mem(buf + n, ";received=", 10);
	p = sd_put_mem(p, host, hlen);
	p = sd_put_mem(p, ";rport=", 7);
	p = sd_put_u32(p, sd_sockaddr_port(&from->addr));
	return sip_str_of(buf, (size_t)(p - buf));
}

static void hop_of(struct siphond *d, uint16_t listener, struct sip_hop *hop)
{
	const struct cfg_listen *l = &d->cfg.listen[listener];

	hop->transport = sip_str_of(sd_proto_name(l->proto), 3);
	hop->host = sip_str_of(l->host, strlen(l->host));
	hop->port = sd_sockaddr_port(&l->addr);
}

/* the edits of a copy to t: Via, Max-Forwards, route set, Request-URI */
static void common_edits(struct siphond *d, struct sip_msg *m,
			 const struct sd_peer *from, const struct target *t,
			 const struct route_fix *rf, char *via_buf,
			 size_t via_cap, struct sip_edits *e)
{
	memset(e, 0, sizeof(*e));
	e->add_via = true;
	hop_of(d, t->to.listener, &e->via);
	e->max_forwards = true;
	e->pop_routes = rf->pop + t->strict_next;
	e->drop_last_route = rf->strict;
	/* after a strict router, the start line still holds our URI */
	if (rf->strict || !sip_str_eq(t->ruri, m->uri))
		e->request_uri = t->ruri;
	if (t->strict_next)
		e->append_route = m->uri;
	if (from)
		e->top_via = stamp_via(m, from, via_buf, via_cap);
}

unsigned int proxy_forward(struct pcall *pc, struct sip_msg *m,
			   const struct target *t, unsigned int n,
			   const struct route_fix *rf, bool record_route,
			   struct sip_str body)
{
	static char out[SIP_MSG_MAX];
	struct siphond *d = pc->d;
	const struct sd_peer *from = &pc->st->peer;
	uint64_t loop_hash = proxy_loop_hash(m);
	char branch[BRANCH_LEN], via_buf[1024];
	unsigned int i, started = 0;
	struct sip_edits e;
	struct sip_error err;
	struct txn *ct;
	int len, blen;

	char contact_buf[SIP_VALUE_MAX];
	struct sip_str contact = SIP_STR_NULL;

	/* on the dialog's route (recorded now, or ours to pop): a phone
	 * behind NAT is reached inside it through its mapping */
	pc->nat_contacts = record_route || rf->pop;
	if (pc->nat_contacts)
		proxy_nat_contact(d, m, from, contact_buf, sizeof(contact_buf),
				  &contact);
	for (i = 0; i < n && pc->nbranches < PROXY_BRANCHES_MAX; i++) {
		struct pbranch *b = &pc->b[pc->nbranches];

		common_edits(d, m, from, &t[i], rf, via_buf, sizeof(via_buf),
			     &e);
		e.contact = contact;
		if (body.p) {
			/* the Content-Type stays: only the SDP changed */
			e.replace_body = true;
			e.body = body;
		}
		if (record_route) {
			e.add_record_route = true;
			hop_of(d, from->listener, &e.record_route);
			if (t[i].to.listener != from->listener)
				hop_of(d, t[i].to.listener,
				       &e.record_route_out);
		}
		blen = make_branch(d, loop_hash, branch);
		e.via.branch = sip_str_of(branch, (size_t)blen);
		len = sip_build_forward(m, &e, out, sizeof(out), &err);
		if (len < 0) {
			pr_debug("cannot forward: %s\n",
				 sip_err_phrase(err.code));
			continue;
		}
		ct = txn_client_new(d->txns, out, (size_t)len, m->method,
				    e.via.branch, &t[i].to, pc,
				    (int)pc->nbranches);
		if (!ct)
			continue;
		memset(b, 0, sizeof(*b));
		b->ct = ct;
		pc->nbranches++;
		started++;
		d->stats.forwarded++;
	}
	return started;
}

void proxy_forward_stateless(struct siphond *d, struct sip_msg *m,
			     const struct target *t,
			     const struct route_fix *rf, struct sip_str body)
{
	static char out[SIP_MSG_MAX];
	struct sip_error err;
	const struct sip_via *via = sip_msg_top_via(m, &err);
	char branch[BRANCH_MARK_LEN + 16 + 2], via_buf[8], *p;
	struct sd_peer dest = t->to;
	struct sip_edits e;
	int len;

	if (!via)
		return;
	common_edits(d, m, NULL, t, rf, via_buf, sizeof(via_buf), &e);
	if (body.p) {
		e.replace_body = true;
		e.body = body;
	}
	/* the same ACK always leaves with the same branch (16.11) */
	p = sd_put_mem(branch, BRANCH_MARK, BRANCH_MARK_LEN);
	p = sd_put_hex64(p, proxy_loop_hash(m) ^ d->secret);
	p = sd_put_mem(p, ".a", 2);
	e.via.branch = sip_str_between(branch, p);
	len = sip_build_forward(m, &e, out, sizeof(out), &err);
	if (len < 0) {
		d->stats.acks_dropped++;
		return;
	}
	if (sd_send(d, &dest, out, (size_t)len))
		d->stats.acks_dropped++;
	else
		d->stats.acks_forwarded++;
}
