// SPDX-License-Identifier: GPL-2.0-only
/*
 * Responses siphond writes itself (RFC 3261 8.2.6, 16.7 step 6): through
 * the request's server transaction when there is one, so retransmissions
 * of the request get the same answer, or straight back when there is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "hash.h"
#include "log.h"
#include "proxy.h"
#include "sip/sip_build.h"

struct sip_str proxy_to_tag(struct siphond *d, struct sip_msg *m, char *buf,
			    size_t len)
{
	struct sip_error e;
	const struct sip_str *cid = sip_msg_call_id(m, &e);
	const struct sip_addr *from = sip_msg_from(m, &e);
	uint64_t h = d->secret;

	/* the same request always gets the same tag */
	h = sd_hash_str(h, cid ? *cid : SIP_STR_NULL);
	h = sd_hash_str(h, from ? from->tag : SIP_STR_NULL);
	if (len < 18)
		return SIP_STR_NULL;
	sd_put_mem(buf, "sd", 2);
	sd_put_hex64(buf + 2, h);
	return sip_str_of(buf, 18);
}

static int build(struct siphond *d, struct sip_msg *req, int status,
		 const char *reason, const char *extra, char *out, size_t cap)
{
	struct sip_response r = { .status = status, .reason = reason };
	struct sip_error e;
	char tag[32];
	int n;

	if (status > 100)
		r.to_tag = proxy_to_tag(d, req, tag, sizeof(tag));
	if (extra)
		r.extra = sip_str_of(extra, strlen(extra));
	n = sip_build_response(req, &r, out, cap, &e);
	if (n < 0)
		pr_debug("cannot answer %d: %s\n", status,
			 sip_err_phrase(e.code));
	return n;
}

void proxy_reply_to(struct siphond *d, struct txn *st, struct sip_msg *req,
		    int status, const char *reason, const char *extra)
{
	static char out[SIP_MSG_MAX];
	int n;

	n = build(d, req, status, reason, extra, out, sizeof(out));
	if (n > 0)
		txn_server_respond(st, out, (size_t)n, status);
}

void proxy_reply(struct siphond *d, struct txn *st, int status,
		 const char *reason, const char *extra)
{
	struct sip_msg *req = malloc(sizeof(*req));
	struct sip_error e;

	if (!req)
		return;
	if (!sip_msg_parse(req, st->req, st->req_len, &e))
		proxy_reply_to(d, st, req, status, reason, extra);
	free(req);
}

void proxy_reply_stateless(struct siphond *d, struct sip_msg *m,
			   const struct sd_peer *from, int status,
			   const char *reason, const char *extra)
{
	static char out[SIP_MSG_MAX];
	struct sip_error e;
	const struct sip_via *via = sip_msg_top_via(m, &e);
	struct sd_peer to = *from;
	int n;

	if (!via) {
		d->stats.unanswerable++;
		return;
	}
	n = build(d, m, status, reason, extra, out, sizeof(out));
	if (n < 0) {
		d->stats.unanswerable++;
		return;
	}
	txn_response_peer(&to, via);
	sd_send(d, &to, out, (size_t)n);
}
