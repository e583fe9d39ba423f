// SPDX-License-Identifier: GPL-2.0-only
/*
 * The registrar, RFC 3261 section 10.3 steps 5 to 8. A REGISTER is read
 * whole and checked whole (every Contact, its expiry, its ordering against
 * what is stored, and room under the bounds) before the location service
 * is touched, so a refused request changes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registrar.h"
#include "sip/sip_build.h"

/* Contact values one REGISTER may carry; more is refused with a 400 */
#define REG_CONTACTS_MAX 64
/* what a 503 tells the phone to wait before it tries again */
#define REG_RETRY_AFTER_S 60
/* one listed binding: "Contact: <" uri ">;expires=N;q=0.NNN" CRLF */
#define REG_LINE_MAX (LOC_CONTACT_MAX + 64)

#define REG_OUT_OF_ORDER "Server Internal Error (CSeq Out of Order)"
#define REG_TOO_LONG "Server Internal Error (Response Too Long)"

struct reg_contact {
	struct sip_str uri; /* without <>, pointing into the request */
	bool has_expires;
	uint32_t expires_s; /* the param, then the effective expiry */
	uint16_t q;
	bool skip; /* a later value names the same contact: that one wins */
};

struct reg_request {
	char aor[LOC_AOR_MAX];
	struct sip_str call_id;
	uint32_t cseq;
	bool has_expires; /* the Expires header */
	uint32_t expires;
	bool star;
	unsigned int ncontacts; /* '*' included */
	struct reg_contact c[REG_CONTACTS_MAX];
};

struct reg_answer {
	int status;
	const char *reason; /* NULL: the standard phrase */
	char line[64]; /* Min-Expires or Retry-After */
	char *list; /* a 200's Contact lines (allocated) */
	size_t list_len;
};

static int refuse(struct reg_answer *ans, int status, const char *reason)
{
	ans->status = status;
	ans->reason = reason;
	return -1;
}

/* a bound said no: 503, and when to try again */
static int refuse_full(struct reg_answer *ans)
{
	snprintf(ans->line, sizeof(ans->line), "Retry-After: %u\r\n",
		 REG_RETRY_AFTER_S);
	return refuse(ans, 503, NULL);
}

static int read_aor(struct sip_msg *req, struct reg_request *rq)
{
	const struct sip_addr *to;
	struct sip_error err;
	struct sip_uri uri;

	to = sip_msg_to(req, &err);
	if (!to || sip_uri_parse(to->uri, &uri, &err))
		return -1;
	return location_aor_key(&uri, rq->aor, sizeof(rq->aor)) < 0 ? -1 : 0;
}

static int read_ids(struct sip_msg *req, struct reg_request *rq,
		    struct reg_answer *ans)
{
	const struct sip_cseq *cseq;
	const struct sip_str *call_id;
	struct sip_error err;

	call_id = sip_msg_call_id(req, &err);
	if (!call_id)
		return refuse(ans, 400, "Bad Call-ID");
	if (call_id->len >= LOC_CALL_ID_MAX)
		return refuse(ans, 400, "Call-ID Too Long");
	cseq = sip_msg_cseq(req, &err);
	if (!cseq || cseq->method != SIP_METHOD_REGISTER)
		return refuse(ans, 400, "Bad CSeq");
	rq->call_id = *call_id;
	rq->cseq = cseq->seq;
	return 0;
}

static int read_expires(struct sip_msg *req, struct reg_request *rq,
			struct reg_answer *ans)
{
	const struct sip_hdr *h = sip_msg_first(req, SIP_HDR_EXPIRES);
	struct sip_error err;

	if (!h)
		return 0;
	if (sip_expires_parse(h->value, &rq->expires, &err))
		return refuse(ans, 400, "Bad Expires");
	rq->has_expires = true;
	return 0;
}

static int add_contact(struct reg_request *rq, struct sip_str v,
		       struct reg_answer *ans)
{
	struct reg_contact *c = &rq->c[rq->ncontacts];
	struct sip_error err;
	struct sip_addr a;
	struct sip_uri uri;

	if (rq->ncontacts >= REG_CONTACTS_MAX)
		return refuse(ans, 400, "Too Many Contacts");
	if (sip_contact_parse(v, &a, &err))
		return refuse(ans, 400, "Bad Contact");
	rq->ncontacts++;
	if (a.star) {
		rq->star = true;
		return 0;
	}
	if (sip_uri_parse(a.uri, &uri, &err))
		return refuse(ans, 400, "Bad Contact URI");
	if (a.uri.len >= LOC_CONTACT_MAX)
		return refuse(ans, 400, "Contact URI Too Long");
	c->uri = a.uri;
	c->has_expires = a.has_expires;
	c->expires_s = a.expires;
	c->q = a.has_q ? a.q : 1000;
	return 0;
}

static int read_contacts(struct sip_msg *req, struct reg_request *rq,
			 struct reg_answer *ans)
{
	struct sip_val_iter it;
	struct sip_error err;
	struct sip_str v;
	int r;

	sip_msg_values(req, SIP_HDR_CONTACT, &it);
	while ((r = sip_val_next(&it, &v, &err)) == 1)
		if (add_contact(rq, v, ans))
			return -1;
	return r < 0 ? refuse(ans, 400, "Bad Contact") : 0;
}

/* step 5: '*' only alone and only with Expires: 0 */
static int check_star(const struct reg_request *rq, struct reg_answer *ans)
{
	if (!rq->star)
		return 0;
	if (rq->ncontacts > 1)
		return refuse(ans, 400, "Bad Contact: * Not Alone");
	if (!rq->has_expires || rq->expires)
		return refuse(ans, 400, "Bad Contact: * Needs Expires: 0");
	return 0;
}

static int read_request(struct sip_msg *req, struct reg_request *rq,
			struct reg_answer *ans)
{
	if (!req->is_request || req->method != SIP_METHOD_REGISTER)
		return refuse(ans, 400, "Not a REGISTER");
	if (read_aor(req, rq))
		return refuse(ans, 400, "Bad To");
	if (read_ids(req, rq, ans) || read_expires(req, rq, ans) ||
	    read_contacts(req, rq, ans))
		return -1;
	return check_star(rq, ans);
}

/* step 6: the param, else the header, else ours; capped, then floored */
static int settle_expiry(const struct sd_config *cfg, struct reg_request *rq,
			 struct reg_answer *ans)
{
	unsigned int i;

	for (i = 0; i < rq->ncontacts; i++) {
		struct reg_contact *c = &rq->c[i];
		uint32_t e = c->has_expires  ? c->expires_s :
			     rq->has_expires ? rq->expires :
					       cfg->default_expires;

		if (e > cfg->max_expires)
			e = cfg->max_expires;
		if (e && e < cfg->min_expires) {
			snprintf(ans->line, sizeof(ans->line),
				 "Min-Expires: %u\r\n", cfg->min_expires);
			return refuse(ans, 423, NULL);
		}
		c->expires_s = e;
	}
	return 0;
}

static bool same_contact(struct sip_str a, struct sip_str b)
{
	struct sip_uri ua, ub;
	struct sip_error err;

	if (sip_uri_parse(a, &ua, &err) || sip_uri_parse(b, &ub, &err))
		return sip_str_eq(a, b);
	return sip_uri_equal(&ua, &ub);
}

/* one action per contact: a later value for the same one overrides */
static void mark_duplicates(struct reg_request *rq)
{
	unsigned int i, j;

	for (i = 0; i < rq->ncontacts; i++)
		for (j = i + 1; j < rq->ncontacts && !rq->c[i].skip; j++)
			if (same_contact(rq->c[i].uri, rq->c[j].uri))
				rq->c[i].skip = true;
}

/* step 7: the same Call-ID must come with a higher CSeq */
static bool out_of_order(const struct binding *b, const struct reg_request *rq)
{
	struct sip_str id = sip_str_of(b->call_id, strlen(b->call_id));

	return sip_str_eq(id, rq->call_id) && rq->cseq <= b->cseq;
}

/*
 * The live bindings of the AOR into list (sized for the per-AOR bound);
 * looking them up also drops the expired ones, so location_find() below
 * only sees live ones and the gauge counts only those of this AOR.
 */
static unsigned int live_bindings(struct registrar *r, const char *aor,
				  uint64_t now_ms, const struct binding **list)
{
	return location_lookup(r->loc, aor, now_ms, list,
			       r->cfg->max_bindings_per_aor);
}

/* steps 6 and 7 for every contact, and room under both bounds */
static int plan(struct registrar *r, const struct reg_request *rq,
		unsigned int live, struct reg_answer *ans)
{
	const struct location_stats *st = location_stats(r->loc);
	unsigned int i, added = 0, removed = 0;
	const struct binding *b;

	for (i = 0; i < rq->ncontacts; i++) {
		const struct reg_contact *c = &rq->c[i];

		if (c->skip)
			continue;
		b = location_find(r->loc, rq->aor, c->uri);
		if (b && out_of_order(b, rq)) {
			r->stats.out_of_order++;
			return refuse(ans, 500, REG_OUT_OF_ORDER);
		}
		if (b && !c->expires_s)
			removed++;
		else if (!b && c->expires_s)
			added++;
	}
	if (live - removed + added > r->cfg->max_bindings_per_aor) {
		r->stats.full_aor++;
		return refuse_full(ans);
	}
	if (st->bindings - removed + added > r->cfg->max_bindings) {
		r->stats.full_total++;
		return refuse_full(ans);
	}
	return 0;
}

static bool applied(enum loc_update u)
{
	return u == LOC_ADDED || u == LOC_REFRESHED || u == LOC_REMOVED;
}

/*
 * Removals go first so that the additions find the room plan() counted.
 * Only running out of memory can fail here.
 */
static int apply(struct registrar *r, const struct reg_request *rq,
		 const struct sd_peer *src, uint64_t now_ms,
		 struct reg_answer *ans)
{
	unsigned int pass, i;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < rq->ncontacts; i++) {
			const struct reg_contact *c = &rq->c[i];
			bool removal = !c->expires_s;
			enum loc_update u;

			if (c->skip || removal != !pass)
				continue;
			if (removal && location_find(r->loc, rq->aor, c->uri))
				r->stats.removals++;
			u = location_update(r->loc, rq->aor, c->uri,
					    rq->call_id, rq->cseq, c->q,
					    c->expires_s, src, now_ms);
			/* plan() made room; only memory can run out */
			if (!applied(u))
				return refuse_full(ans);
		}
	}
	return 0;
}

/* Contact: * (step 6): every binding goes, if the ordering allows */
static int remove_all(struct registrar *r, const struct reg_request *rq,
		      const struct binding **list, unsigned int live,
		      struct reg_answer *ans)
{
	unsigned int i;

	for (i = 0; i < live; i++) {
		if (out_of_order(list[i], rq)) {
			r->stats.out_of_order++;
			return refuse(ans, 500, REG_OUT_OF_ORDER);
		}
	}
	r->stats.removals += location_remove_all(r->loc, rq->aor);
	return 0;
}

static uint32_t remaining_s(const struct binding *b, uint64_t now_ms)
{
	/* rounded up: a binding still alive never shows expires=0 */
	return (uint32_t)((b->expires_ms - now_ms + 999) / 1000);
}

static int contact_line(char *p, size_t room, const struct binding *b,
			uint64_t now_ms)
{
	if (b->q >= 1000)
		return snprintf(p, room, "Contact: <%s>;expires=%u\r\n",
				b->contact, remaining_s(b, now_ms));
	return snprintf(p, room, "Contact: <%s>;expires=%u;q=0.%03u\r\n",
			b->contact, remaining_s(b, now_ms), (unsigned int)b->q);
}

/* step 8: 200 with every current binding */
static int list_bindings(struct registrar *r, const char *aor, uint64_t now_ms,
			 const struct binding **list, struct reg_answer *ans)
{
	unsigned int i, n;
	size_t len = 0;
	int w;

	n = live_bindings(r, aor, now_ms, list);
	if (n) {
		ans->list = malloc((size_t)n * REG_LINE_MAX);
		if (!ans->list)
			return refuse(ans, 500, NULL);
	}
	for (i = 0; i < n; i++) {
		w = contact_line(ans->list + len, REG_LINE_MAX, list[i],
				 now_ms);
		if (w < 0 || w >= REG_LINE_MAX)
			return refuse(ans, 500, NULL);
		len += (size_t)w;
	}
	ans->list_len = len;
	ans->status = 200;
	r->stats.ok++;
	return 0;
}

/* decide the answer; every refusal is counted where it is made */
static void decide(struct registrar *r, struct sip_msg *req,
		   const struct sd_peer *src, uint64_t now_ms,
		   struct reg_request *rq, const struct binding **list,
		   struct reg_answer *ans)
{
	unsigned int live;

	if (read_request(req, rq, ans) || settle_expiry(r->cfg, rq, ans)) {
		if (ans->status == 423)
			r->stats.interval_too_brief++;
		else
			r->stats.bad_request++;
		return;
	}
	live = live_bindings(r, rq->aor, now_ms, list);
	if (rq->star) {
		if (remove_all(r, rq, list, live, ans))
			return;
	} else if (rq->ncontacts) {
		mark_duplicates(rq);
		if (plan(r, rq, live, ans) || apply(r, rq, src, now_ms, ans))
			return;
	}
	list_bindings(r, rq->aor, now_ms, list, ans);
}

static int answer_write(const struct sip_msg *req, const struct reg_answer *ans,
			struct sip_str to_tag, char *out, size_t cap)
{
	struct sip_response resp = {
		.status = ans->status,
		.reason = ans->reason,
		.to_tag = to_tag,
	};
	struct sip_error err;

	if (ans->list_len)
		resp.extra = sip_str_of(ans->list, ans->list_len);
	else
		resp.extra = sip_str_of(ans->line, strlen(ans->line));
	return sip_build_response(req, &resp, out, cap, &err);
}

int registrar_handle(struct registrar *r, struct sip_msg *req,
		     const struct sd_peer *src, uint64_t now_ms,
		     struct sip_str to_tag, char *out, size_t cap)
{
	struct reg_answer ans = { .status = 500 };
	const struct binding **list;
	struct reg_request *rq;
	int n;

	rq = calloc(1, sizeof(*rq));
	list = calloc((size_t)r->cfg->max_bindings_per_aor + 1, sizeof(*list));
	if (rq && list)
		decide(r, req, src, now_ms, rq, list, &ans);
	n = answer_write(req, &ans, to_tag, out, cap);
	if (n < 0 && ans.status == 200) {
		/* the listing did not fit: say so rather than nothing */
		struct reg_answer fail = { .status = 500,
					   .reason = REG_TOO_LONG };

		n = answer_write(req, &fail, to_tag, out, cap);
	}
	free(ans.list);
	free(list);
	free(rq);
	return n < 0 ? -1 : n;
}
