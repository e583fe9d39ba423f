// SPDX-License-Identifier: GPL-2.0-only
/*
 * The calls as siphonctl calls, calls show and /metrics see them: each
 * call's streams, their relay ports and the phones' ends, with what the
 * XDP relay counted on their flows. See media_walk() in media.h.
 */
#include <arpa/inet.h>

#include "flow_table.h"
#include "media_internal.h"

/* what the fast path counted on the flow that takes relay:port */
static void flow_view_of(const struct media *md, const struct media_session *ms,
			 uint16_t port, struct media_flow_view *f)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint ep;

	*f = (struct media_flow_view){ 0 };
	if (!port)
		return;
	ep = ms->relay;
	ep.port = htons(port);
	flow_key_of(&ep, &key);
	if (flow_table_get(&md->maps.flows, &key, &flow))
		return;
	f->present = true;
	f->latched = flow.latch == SIPHON_LATCH_LEARN && flow.learned_port;
	f->packets = flow.packets;
	f->bytes = flow.bytes;
	f->last_seen_ns = flow.last_seen_ns;
	flow_rtp_stats_of(&flow, &f->quality);
}

static void view_of(const struct media *md, const struct media_session *ms,
		    struct media_call_view *v)
{
	unsigned int i;

	v->call_id = sip_str_of(ms->call_id, ms->call_id_len);
	v->tag = sip_str_of(ms->tag, ms->tag_len);
	v->relay = md->relay_text.text;
	v->answered_ms = ms->answered_ms;
	v->late_offer = ms->late_offer;
	v->nstreams = ms->nstreams;
	for (i = 0; i < ms->nstreams; i++) {
		const struct media_stream *s = &ms->s[i];

		v->s[i] = (struct media_stream_view){
			.answered = s->answered,
			.rtcp_mux = s->rtcp_mux,
			.caller_side = s->caller_side,
			.callee_side = s->callee_side,
			.caller_rtp = s->caller_rtp,
			.callee_rtp = s->callee_rtp,
		};
		flow_view_of(md, ms, s->caller_side, &v->s[i].rtp[0]);
		flow_view_of(md, ms, s->callee_side, &v->s[i].rtp[1]);
	}
}

int media_walk(struct media *md,
	       int (*fn)(void *arg, const struct media_call_view *c), void *arg)
{
	static struct media_call_view v;
	uint32_t i;
	int r;

	for (i = 0; i < md->max; i++) {
		if (!md->slots[i].gen)
			continue;
		view_of(md, &md->slots[i], &v);
		r = fn(arg, &v);
		if (r)
			return r;
	}
	return 0;
}
