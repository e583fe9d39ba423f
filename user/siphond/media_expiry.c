// SPDX-License-Identifier: GPL-2.0-only
/*
 * When a call's media is given up without a BYE: after [media] timeout_s
 * of silence both ways (a phone that vanished), or when its session timer
 * (RFC 4028) runs out with no refresh (a call both phones forgot). Who
 * ends it is set with media_set_hangup(): siphond's BYE to both phones
 * (dialog_bye.c), or, without one, the flows alone.
 */
#include <arpa/inet.h>
#include <ctype.h>

#include "flow_table.h"
#include "log.h"
#include "media_internal.h"

/* Session-Expires: its delta-seconds (parameters aside); 0: none or bad */
static uint32_t session_expires_s(const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_first(m, SIP_HDR_SESSION_EXPIRES);
	uint64_t v = 0;
	size_t i;

	if (!h)
		return 0;
	for (i = 0; i < h->value.len && isdigit((unsigned char)h->value.p[i]);
	     i++) {
		v = v * 10 + (uint64_t)(h->value.p[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return i ? (uint32_t)v : 0;
}

void media_session_refreshed(struct media *md, struct media_session *ms,
			     const struct sip_msg *ok, uint64_t now_ms)
{
	uint32_t s = session_expires_s(ok);

	(void)md;
	/* a 2xx without Session-Expires turns the timer off (4028 §9) */
	ms->expires_at_ms = s ? now_ms + (uint64_t)s * 1000 : 0;
}

/* when a packet last crossed one of the session's RTP flows, in ms */
static uint64_t last_packet_ms(struct media *md, struct media_session *ms)
{
	uint16_t port[2];
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint ep;
	uint64_t last = ms->answered_ms;
	unsigned int i, j;

	for (i = 0; i < ms->nstreams; i++) {
		if (!ms->s[i].answered)
			continue;
		port[0] = ms->s[i].caller_side;
		port[1] = ms->s[i].callee_side;
		for (j = 0; j < 2; j++) {
			ep = ms->relay;
			ep.port = htons(port[j]);
			flow_key_of(&ep, &key);
			if (!flow_table_get(&md->maps.flows, &key, &flow) &&
			    flow.last_seen_ns / 1000000 > last)
				last = flow.last_seen_ns / 1000000;
		}
	}
	return last;
}

void media_set_hangup(struct media *md, media_hangup_fn fn, void *arg)
{
	md->hangup = fn;
	md->hangup_arg = arg;
}

static void give_up(struct media *md, struct media_session *ms,
		    enum dialog_end why)
{
	if (md->hangup)
		md->hangup(md->hangup_arg, ms, why);
	else
		media_session_end(md, ms);
}

void media_reap(struct media *md, uint64_t now_ms)
{
	uint64_t last;
	uint32_t i;

	if (now_ms < md->next_reap_ms)
		return;
	md->next_reap_ms = now_ms + md->reap_every_ms;
	for (i = 0; i < md->max; i++) {
		struct media_session *ms = &md->slots[i];

		if (!ms->gen || !ms->answered_ms)
			continue;
		if (ms->expires_at_ms && now_ms >= ms->expires_at_ms) {
			pr_info("media: call %.*s: its session timer ran out "
				"with no refresh: it ends\n",
				(int)ms->call_id_len, ms->call_id);
			md->stats.session_expired++;
			give_up(md, ms, DIALOG_END_SESSION_EXPIRED);
			continue;
		}
		last = last_packet_ms(md, ms);
		if (now_ms < last + md->timeout_ms)
			continue;
		pr_info("media: call %.*s silent for %llu s: it ends\n",
			(int)ms->call_id_len, ms->call_id,
			(unsigned long long)((now_ms - last) / 1000));
		md->stats.timeouts++;
		give_up(md, ms, DIALOG_END_MEDIA_TIMEOUT);
	}
}
