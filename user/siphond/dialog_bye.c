// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond hangs a call up (dialog.h): a BYE to each phone, each in its
 * own client transaction (retransmitted over UDP until its final response
 * or timer F), then the call's flows out at once: the media ends now,
 * whatever the phones answer. The answers are only counted.
 */
#include <string.h>

#include "fmt.h"
#include "log.h"
#include "media_internal.h"
#include "proxy.h"
#include "sip/sip_lex.h"
#include "dialog_bye_build.h"

/* our BYE branches: cookie, "bye.", 16 hex digits */
#define BYE_BRANCH_MARK SIP_BRANCH_COOKIE "bye."
#define BYE_BRANCH_LEN (sizeof(BYE_BRANCH_MARK) - 1 + 16)

struct end_reason {
	uint16_t cause; /* RFC 3326: a SIP status code */
	const char *text;
	const char *name; /* for the log and the control socket */
};

static const struct end_reason reasons[] = {
	[DIALOG_END_MEDIA_TIMEOUT] = { 408, "Media Timeout", "media timeout" },
	[DIALOG_END_SESSION_EXPIRED] = { 408, "Session Expired",
					 "session expired" },
	[DIALOG_END_OPERATOR] = { 200, "Operator Hangup", "operator hangup" },
};

const char *dialog_end_name(enum dialog_end why)
{
	return reasons[why].name;
}

const struct dialog_stats *dialog_stats(struct media *md)
{
	return &md->dialog;
}

static void on_give_up(void *arg, struct media_session *ms, int why)
{
	dialog_hangup(arg, ms, (enum dialog_end)why);
}

void dialog_attach(struct siphond *d)
{
	if (d->media)
		media_set_hangup(d->media,
				 d->cfg.media_bye_on_expiry ? on_give_up : NULL,
				 d);
}

/* the first value of a Route set as written */
static struct sip_str first_route_uri(const struct dialog_party *p)
{
	struct sip_str rest = sip_str_of(p->route, p->route_len), v;
	struct sip_error e;
	struct sip_addr a;

	if (sip_list_next(&rest, &v) != 1 || sip_route_parse(v, &a, &e))
		return SIP_STR_NULL;
	return a.uri;
}

/*
 * Where a request to p goes (RFC 3261 12.2.1.1, 8.1.2): its first Route
 * when it has a route set, else its Contact, else (behind NAT, or a name)
 * the address its messages came from.
 */
static int next_hop(struct siphond *d, const struct dialog_party *p,
		    struct sd_peer *to)
{
	struct sip_str uri;

	if (p->route_len) {
		uri = first_route_uri(p);
		return uri.len ? proxy_uri_peer(d, uri, NULL, to) : -1;
	}
	if (!p->via_source &&
	    !proxy_uri_peer(d, sip_str_of(p->target, p->target_len), NULL, to))
		return 0;
	memset(to, 0, sizeof(*to));
	to->addr = p->source;
	to->proto = (enum sd_proto)p->proto;
	return proxy_pick_listener(d, to, NULL);
}

static struct sip_str new_branch(struct siphond *d, char *buf)
{
	char *p = sd_put_mem(buf, BYE_BRANCH_MARK, sizeof(BYE_BRANCH_MARK) - 1);

	p = sd_put_hex64(p, ++d->branch_seq ^ d->secret);
	return sip_str_between(buf, p);
}

/* the BYE to side, sent for the other side: 0 when it left */
static int send_bye(struct siphond *d, struct media_session *ms,
		    enum dialog_side side, enum dialog_end why)
{
	static char out[SIP_MSG_MAX];
	struct dialog_party *to_p = &ms->dialog.p[side];
	struct dialog_party *for_p = &ms->dialog.p[!side];
	const struct cfg_listen *l;
	struct dialog_bye_msg b;
	char branch[BYE_BRANCH_LEN];
	struct sd_peer to;
	int n;

	if (next_hop(d, to_p, &to))
		return -1;
	l = &d->cfg.listen[to.listener];
	b = (struct dialog_bye_msg){
		.ruri = sip_str_of(to_p->target, to_p->target_len),
		.via = { .transport = sip_str_of(sd_proto_name(l->proto), 3),
			 .host = sip_str_of(l->host, strlen(l->host)),
			 .port = sd_sockaddr_port(&l->addr),
			 .branch = new_branch(d, branch) },
		.route = sip_str_of(to_p->route, to_p->route_len),
		.from = sip_str_of(for_p->party, for_p->party_len),
		.to = sip_str_of(to_p->party, to_p->party_len),
		.call_id = sip_str_of(ms->call_id, ms->call_id_len),
		/* the next request of the phone siphond speaks for */
		.cseq = for_p->cseq + 1,
		.cause = reasons[why].cause,
		.text = reasons[why].text,
	};
	n = dialog_bye_build(&b, out, sizeof(out));
	if (n < 0 || !txn_client_new(d->txns, out, (size_t)n, SIP_METHOD_BYE,
				     b.via.branch, &to, d, DIALOG_BYE_SLOT))
		return -1;
	for_p->cseq = b.cseq;
	return 0;
}

int dialog_hangup(struct siphond *d, struct media_session *ms,
		  enum dialog_end why)
{
	struct dialog_stats *st = &d->media->dialog;
	int sent = 0, side;

	st->hangups++;
	sd_shield_call_down_id(d->shield, ms->call_id, ms->call_id_len);
	if (ms->dialog.state != DIALOG_CONFIRMED) {
		st->hangups_flows_only++;
		pr_info("dialog: call %.*s ends (%s) without BYE: siphond does "
			"not know its dialog; its flows are out\n",
			(int)ms->call_id_len, ms->call_id, reasons[why].name);
		media_session_end(d->media, ms);
		return 0;
	}
	for (side = DIALOG_CALLEE; side >= DIALOG_CALLER; side--) {
		if (send_bye(d, ms, (enum dialog_side)side, why)) {
			st->byes_unsent++;
			continue;
		}
		st->byes_sent++;
		sent++;
	}
	pr_info("dialog: call %.*s ends (%s): BYE sent to %d of 2 phones, "
		"its flows are out\n",
		(int)ms->call_id_len, ms->call_id, reasons[why].name, sent);
	media_session_end(d->media, ms);
	return sent;
}

void dialog_bye_response(struct siphond *d, struct txn *ct, struct sip_msg *m)
{
	struct dialog_stats *st;

	(void)ct;
	if (!d->media || m->status < 200)
		return;
	st = &d->media->dialog;
	if (m->status < 300)
		st->byes_answered++;
	else if (m->status == 481)
		st->byes_481++;
	else if (m->status == 408)
		st->byes_timed_out++;
	else
		st->byes_failed++;
}

void dialog_bye_failed(struct siphond *d, struct txn *ct, int status)
{
	(void)ct;
	if (!d->media)
		return;
	if (status == 408)
		d->media->dialog.byes_timed_out++;
	else
		d->media->dialog.byes_failed++;
}
