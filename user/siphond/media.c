// SPDX-License-Identifier: GPL-2.0-only
/*
 * Media sessions: SDP offer and answer anchored on the relay address, the
 * flows they need in the XDP flow map, and their end. See media.h.
 *
 *   caller ---RTP--> relay:caller_side ==XDP==> callee
 *   caller <==XDP== relay:callee_side <--RTP--- callee
 *
 * The offer names where the caller wants media and gets callee_side in
 * its place; the answer names where the callee wants it and gets
 * caller_side. RTCP uses the next port of each, or none with rtcp-mux.
 * Both are taken with the offer: a call that passes it never lacks a port
 * at the answer, and one that cannot get them is refused with 503.
 * The session table is media_session.c; calls forked to several phones
 * that answered, media_fork.c; what siphonctl sees, media_view.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_table.h"
#include "log.h"
#include "log_ratelimit.h"
#include "media_convert.h"
#include "media_internal.h"

/* the relay address: [media] address, else the first listener's */
static int relay_address(struct media *md, const struct sd_config *c, char *err,
			 size_t errlen)
{
	char text[CFG_NAME_MAX];

	if (c->media_address[0])
		snprintf(text, sizeof(text), "%s", c->media_address);
	else if (c->nlisten)
		sd_sockaddr_host(&c->listen[0].addr, text, sizeof(text));
	else
		text[0] = '\0';
	/* a wildcard listener says nothing about where media may go */
	if (endpoint_parse(text, true, &md->relay) ||
	    !strcmp(text, "0.0.0.0") || !strcmp(text, "::")) {
		snprintf(err, errlen,
			 "[media] address: '%s' is no address to relay media "
			 "on; set [media] address",
			 text);
		return -1;
	}
	md->relay_text.af = md->relay.family == SIPHON_AF_INET6 ? SDP_AF_IP6 :
								  SDP_AF_IP4;
	snprintf(md->relay_text.text, sizeof(md->relay_text.text), "%s", text);
	return 0;
}

static int open_tables(struct media *md, const struct sd_config *c, char *err,
		       size_t errlen)
{
	struct media_store_open_info info;
	uint32_t i;
	int r;

	r = siphon_maps_open(c->media_pin_dir, &md->maps);
	if (r) {
		snprintf(err, errlen,
			 "[media] pin_dir %s: no flow map (%s): attach siphon "
			 "first (siphonctl attach IFACE...)",
			 c->media_pin_dir, strerror(-r));
		return -1;
	}
	/* a call's flows are written over several wake-ups, a few each:
	 * the writers' lock is taken once a wake-up (media_wakeup_done) */
	flow_table_hold(&md->maps.flows);
	if (media_ports_init(&md->ports, (uint16_t)c->media_port_min,
			     (uint16_t)c->media_port_max)) {
		snprintf(err, errlen, "[media] ports %u-%u: no room for a pair",
			 c->media_port_min, c->media_port_max);
		return -1;
	}
	md->max = c->media_max_sessions;
	md->nbuckets = 64;
	while (md->nbuckets < md->max && md->nbuckets < (1u << 22))
		md->nbuckets <<= 1;
	md->buckets = malloc(md->nbuckets * sizeof(*md->buckets));
	if (!md->buckets) {
		snprintf(err, errlen, "media: out of memory");
		return -1;
	}
	for (i = 0; i < md->nbuckets; i++)
		md->buckets[i] = -1;
	r = media_store_open(&md->store, c->media_pin_dir, md->max,
			     sizeof(struct media_session), media_record_convert,
			     &info, err, errlen);
	if (r)
		return -1;
	md->slots = md->store.base;
	media_restore(md, &info);
	md->replace_origin = c->media_replace_origin;
	md->nat = c->media_nat;
	md->timeout_ms = (uint64_t)c->media_timeout_s * 1000;
	/* a quarter of the timeout, but at least a second */
	md->reap_every_ms = md->timeout_ms / 4 > 1000 ? md->timeout_ms / 4 :
							1000;
	return 0;
}

struct media *media_new(const struct sd_config *c, char *err, size_t errlen)
{
	struct media *md = calloc(1, sizeof(*md));

	if (!md) {
		snprintf(err, errlen, "media: out of memory");
		return NULL;
	}
	flow_index_init(&md->maps.flows);
	md->maps.stats_fd = md->maps.tx_ports_fd = -1;
	md->store.fd = -1;
	/* before the tables: calls taken over may install flows again */
	if (relay_address(md, c, err, errlen) ||
	    media_nexthop_open(md, c->media_nexthop, err, errlen) ||
	    open_tables(md, c, err, errlen)) {
		media_free(md);
		return NULL;
	}
	return md;
}

const struct media_stats *media_stats(struct media *md)
{
	md->stats.ports_in_use = media_ports_in_use(&md->ports);
	md->stats.relay_up = !md->relay_gone;
	return &md->stats;
}

const struct endpoint *media_relay(const struct media *md)
{
	return &md->relay;
}

const char *media_relay_text(const struct media *md)
{
	return md->relay_text.text;
}

bool media_relay_available(const struct media *md)
{
	return !md->relay_gone;
}

void media_relay_set_available(struct media *md, bool up)
{
	if (up == !md->relay_gone)
		return;
	md->relay_gone = !up;
	if (up) {
		pr_info("media: relay address %s is back: new calls are "
			"anchored again\n",
			md->relay_text.text);
		return;
	}
	md->stats.relay_lost++;
	pr_warn("media: relay address %s is on no interface: new calls get "
		"503 until it is back; calls already up keep their flows\n",
		md->relay_text.text);
}

/* ---- flows ------------------------------------------------------------ */

static struct endpoint relay_at(const struct endpoint *relay, uint16_t port)
{
	struct endpoint ep = *relay;

	ep.port = htons(port);
	return ep;
}

void media_flow_install(struct media *md, const struct endpoint *relay,
			uint16_t in, uint16_t out, const struct endpoint *from,
			bool from_nat, const struct endpoint *to, bool replace,
			uint32_t rtp_clock)
{
	struct flow_spec spec = {
		.relay = relay_at(relay, in),
		.peer = *from,
		.out_src = relay_at(relay, out),
		.out_dst = *to,
	};
	struct siphon_flow_key key;
	struct siphon_flow flow;
	int r;

	/* behind NAT: any port of that address, learned once, and the way
	 * back to it follows (bpf/latch.h) */
	if (from_nat)
		spec.peer.port = 0;
	flow_key_of(&spec.relay, &key);
	r = flow_value_of(&spec, &flow);
	if (!r && from_nat)
		flow.flags |= SIPHON_FLOW_REPLY_FOLLOWS;
	if (!r && rtp_clock)
		flow_set_rtp(&flow, rtp_clock);
	/* nexthop = cache and none to cache: not installed (counted) */
	if (!r && !media_nexthop_apply(md, to, &flow))
		return;
	if (!r)
		r = flow_table_add(&md->maps.flows, &key, &flow, replace);
	if (r == -EEXIST && !replace)
		return;
	if (r) {
		md->stats.flow_errors++;
		pr_warn_ratelimited(
			"media: flow to port %u not installed: %s\n", in,
			strerror(-r));
		return;
	}
	md->stats.flows_installed++;
	if (flow.flags & SIPHON_FLOW_NH_CACHED)
		md->stats.nexthop_cached++;
	else
		md->stats.nexthop_fib++;
}

void media_flow_remove(struct media *md, const struct endpoint *relay,
		       uint16_t in)
{
	struct endpoint ep = relay_at(relay, in);
	struct siphon_flow_key key;

	flow_key_of(&ep, &key);
	if (!flow_table_del(&md->maps.flows, &key))
		md->stats.flows_removed++;
}

void media_stream_install(struct media *md, const struct media_session *ms,
			  const struct media_stream *s, bool replace)
{
	const struct endpoint *r = &ms->relay;

	media_flow_install(md, r, s->caller_side, s->callee_side,
			   &s->caller_rtp, s->caller_nat, &s->callee_rtp,
			   replace, s->clock_rate);
	media_flow_install(md, r, s->callee_side, s->caller_side,
			   &s->callee_rtp, s->callee_nat, &s->caller_rtp,
			   replace, s->clock_rate);
	if (s->rtcp_mux)
		return;
	media_flow_install(md, r, s->caller_side + 1, s->callee_side + 1,
			   &s->caller_rtcp, s->caller_nat, &s->callee_rtcp,
			   replace, 0);
	media_flow_install(md, r, s->callee_side + 1, s->caller_side + 1,
			   &s->callee_rtcp, s->callee_nat, &s->caller_rtcp,
			   replace, 0);
}

/*
 * Flows out, ports back. The flows go whether or not the stream was
 * answered: a siphond killed between installing them and noting it must
 * not leave them behind.
 */
void media_stream_release(struct media *md, struct media_session *ms,
			  struct media_stream *s)
{
	uint16_t port[2] = { s->caller_side, s->callee_side };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (!port[i])
			continue;
		media_flow_remove(md, &ms->relay, port[i]);
		media_flow_remove(md, &ms->relay, port[i] + 1);
		media_ports_put(&md->ports, port[i]);
	}
	memset(s, 0, sizeof(*s));
}

void media_wakeup_done(struct media *md)
{
	if (md)
		flow_table_release(&md->maps.flows);
}

/*
 * The calls stay: their flows keep forwarding and their records stay in
 * the store for the next siphond, which takes them over (a restart or an
 * upgrade must not cut a call). Stopping for good is detaching siphon.
 */
void media_free(struct media *md)
{
	uint32_t i;

	if (!md)
		return;
	if (md->stats.sessions)
		pr_info("media: %llu calls left forwarding for the next start\n",
			(unsigned long long)md->stats.sessions);
	media_ports_fini(&md->ports);
	media_store_close(&md->store);
	for (i = 0; md->undo && i < md->max; i++)
		free(md->undo[i]);
	free(md->undo);
	for (i = 0; md->forks && i < md->max; i++)
		if (md->forks[i])
			media_fork_drop(md, &md->slots[i]);
	free(md->forks);
	free(md->buckets);
	siphon_maps_close(&md->maps);
	media_nexthop_close(md);
	free(md);
}

const char *media_refusal_phrase(int r)
{
	switch (r) {
	case MEDIA_RELAY_GONE:
		return "Media Relay Address Unavailable";
	case MEDIA_NO_PORTS:
		return "Media Relay Ports Exhausted";
	default:
		return "Media Relay Full";
	}
}

/*
 * Both relay ports of a stream, taken with its offer: a call that has
 * them never lacks one at the answer, when it is too late to refuse it.
 * false, none kept, when the range has not two pairs left.
 */
static bool take_ports(struct media *md, struct media_stream *st)
{
	if (!st->callee_side)
		st->callee_side = media_ports_get(&md->ports);
	if (!st->caller_side)
		st->caller_side = media_ports_get(&md->ports);
	if (st->callee_side && st->caller_side)
		return true;
	md->stats.ports_exhausted++;
	if (st->callee_side)
		media_ports_put(&md->ports, st->callee_side);
	if (st->caller_side)
		media_ports_put(&md->ports, st->caller_side);
	st->callee_side = st->caller_side = 0;
	return false;
}

/* a stream offered in a call without ports for it: port 0, both phones
 * see it declined rather than media sent around the relay */
static void refuse_stream(struct media *md, struct media_stream *st,
			  struct sdp_media_rewrite *r)
{
	memset(st, 0, sizeof(*st));
	r->refuse = true;
	md->stats.streams_refused++;
	pr_warn_ratelimited("media: all %u relay port pairs in use: a stream "
			    "offered in a call is declined (port 0)\n",
			    md->ports.npairs);
}

/* the tag of the phone that sent a response: its To tag */
static uint64_t callee_tag_of(struct sip_msg *m)
{
	struct sip_error e;
	const struct sip_addr *to = sip_msg_to(m, &e);

	return media_tag_hash(to ? to->tag : SIP_STR_NULL);
}

/* an INVITE without a body: a session waits for the offer in the 2xx */
static int late_offer(struct media *md, struct sip_str call_id,
		      struct sip_str tag, struct media_ref *ref)
{
	struct media_session *ms = media_session_new(md, call_id, tag);

	if (!ms) {
		pr_warn_ratelimited("media: %u calls up, [media] max_sessions: "
				    "a new call gets 503 Media Relay Full\n",
				    md->max);
		return MEDIA_TABLE_FULL;
	}
	ms->late_offer = true;
	ref->slot = (uint32_t)(ms - md->slots);
	ref->gen = ms->gen;
	return 0;
}

/*
 * The callee's offer in the 2xx of a late-offer INVITE: both relay ports
 * of each stream now, the caller told its own; the flows wait for the
 * caller's answer in the ACK.
 */
static int offer_in_answer(struct media *md, struct media_session *ms,
			   const struct sdp_session *s,
			   const union sd_sockaddr *src, char *out, size_t cap,
			   struct sip_str *body)
{
	struct sdp_rewrite rw = { 0 };
	bool first = !ms->nstreams;
	unsigned int i, n = 0;

	for (i = 0; i < s->n_media && i < SDP_MEDIA_MAX; i++) {
		struct media_stream *st = &ms->s[i];

		if (i >= ms->nstreams)
			ms->nstreams = (uint8_t)(i + 1);
		if (!media_stream_ends(md, s, i, src, &st->callee_rtp,
				       &st->callee_rtcp, &st->callee_nat))
			continue;
		n++;
		/* a retransmitted 2xx is rewritten with the same ports; too
		 * late for a 503: a stream without ports is declined */
		if (!st->anchored && !take_ports(md, st)) {
			refuse_stream(md, st, &rw.media[i]);
			continue;
		}
		if (!st->anchored) {
			st->anchored = true;
			st->rtcp_mux = s->media[i].rtcp_mux;
			st->offer_mux = st->rtcp_mux;
		}
		media_anchor_offer(md, &rw.media[i], st->caller_side);
	}
	if (!n || media_write_sdp(md, s, &rw, out, cap, body))
		return 0;
	md->stats.offers += first;
	return 1;
}

int media_offer(struct media *md, struct sip_msg *m,
		const union sd_sockaddr *src, struct media_ref *ref, char *out,
		size_t cap, struct sip_str *body)
{
	static struct sdp_session s;
	struct sdp_rewrite rw = { 0 };
	const struct sip_addr *from;
	const struct sip_str *cid;
	struct media_session *ms;
	struct sip_error e;
	unsigned int i, n = 0;

	*ref = (struct media_ref){ 0 };
	cid = sip_msg_call_id(m, &e);
	from = sip_msg_from(m, &e);
	if (!cid || !from)
		return 0;
	if (cid->len >= MEDIA_CALL_ID_MAX || from->tag.len >= MEDIA_TAG_MAX) {
		md->stats.ids_too_long++;
		return 0;
	}
	/* no new call on an address nobody can send to: another server
	 * may have it (a VRRP address that moved) */
	if (md->relay_gone) {
		md->stats.relay_unavailable++;
		return MEDIA_RELAY_GONE;
	}
	if (!m->body.len)
		return late_offer(md, *cid, from->tag, ref);
	if (!media_sdp_of(md, m, &s))
		return 0;
	ms = media_session_new(md, *cid, from->tag);
	if (!ms) {
		pr_warn_ratelimited("media: %u calls up, [media] max_sessions: "
				    "a new call gets 503 Media Relay Full\n",
				    md->max);
		return MEDIA_TABLE_FULL;
	}
	for (i = 0; i < s.n_media && i < SDP_MEDIA_MAX; i++) {
		struct media_stream *st = &ms->s[i];

		ms->nstreams = (uint8_t)(i + 1);
		if (!media_stream_ends(md, &s, i, src, &st->caller_rtp,
				       &st->caller_rtcp, &st->caller_nat))
			continue;
		/* a call is anchored whole or refused whole: its ports
		 * go back, its slot too, and it never counts as ended */
		if (!take_ports(md, st)) {
			media_session_free(md, ms);
			pr_warn_ratelimited(
				"media: %u of %u relay port pairs in use "
				"([media] port_min..port_max): a new call "
				"gets 503 Media Relay Ports Exhausted\n",
				media_ports_in_use(&md->ports),
				md->ports.npairs);
			return MEDIA_NO_PORTS;
		}
		st->anchored = true;
		st->rtcp_mux = s.media[i].rtcp_mux;
		st->offer_mux = st->rtcp_mux;
		media_anchor_offer(md, &rw.media[i], st->callee_side);
		n++;
	}
	if (!n || media_write_sdp(md, &s, &rw, out, cap, body)) {
		media_session_free(md, ms);
		return 0;
	}
	md->stats.offers++;
	ref->slot = (uint32_t)(ms - md->slots);
	ref->gen = ms->gen;
	return 1;
}

/*
 * Stream i is new in an offer in a dialog (video added, or a stream
 * removed before offered again): it is anchored as an initial offer's
 * is, both relay ports taken, the other side told the one it sends to,
 * and the answer brings the rest. Without ports left it is declined (port
 * 0). 1 when the SDP changes.
 */
static unsigned int new_stream(struct media *md, struct media_session *ms,
			       const struct sdp_session *s, unsigned int i,
			       const union sd_sockaddr *src, bool from_callee,
			       struct sdp_rewrite *rw)
{
	struct media_stream *st = &ms->s[i];
	bool c = from_callee;

	if (!media_stream_ends(md, s, i, src,
			       c ? &st->callee_rtp : &st->caller_rtp,
			       c ? &st->callee_rtcp : &st->caller_rtcp,
			       c ? &st->callee_nat : &st->caller_nat))
		return 0;
	if (i >= ms->nstreams)
		ms->nstreams = (uint8_t)(i + 1);
	if (!take_ports(md, st)) {
		refuse_stream(md, st, &rw->media[i]);
		return 1;
	}
	st->anchored = true;
	st->rtcp_mux = s->media[i].rtcp_mux;
	st->offer_mux = st->rtcp_mux;
	media_anchor_offer(md, &rw->media[i],
			   c ? st->caller_side : st->callee_side);
	return 1;
}

/*
 * A new offer in a dialog whose media is anchored, from the callee when
 * from_callee: the sender's new ends replace its old ones in the flows
 * (it may take media there from now on), and the SDP names the relay
 * port the other side sends to; the ports stay. How many streams.
 */
static unsigned int reoffer_streams(struct media *md, struct media_session *ms,
				    const struct sdp_session *s,
				    const union sd_sockaddr *src,
				    bool from_callee, struct sdp_rewrite *rw)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->n_media && i < SDP_MEDIA_MAX; i++) {
		struct media_stream *st = &ms->s[i];
		bool c = from_callee;

		if (!st->anchored) {
			n += new_stream(md, ms, s, i, src, from_callee, rw);
			continue;
		}
		/* removed (RFC 3264 8.2): its flows and ports go when the
		 * answer says port 0 too, and not before, in case the
		 * offer fails (apply_answer) */
		if (!s->media[i].port) {
			n++;
			continue;
		}
		if (!st->answered ||
		    !media_update_ends(md, s, i, src,
				       c ? &st->callee_rtp : &st->caller_rtp,
				       c ? &st->callee_rtcp : &st->caller_rtcp,
				       c ? &st->callee_nat : &st->caller_nat))
			continue;
		media_anchor_offer(md, &rw->media[i],
				   c ? st->caller_side : st->callee_side);
		media_keep_hold(s, i, &rw->media[i]);
		media_stream_install(md, ms, st, true);
		n++;
	}
	return n;
}

int media_reoffer(struct media *md, struct sip_msg *m,
		  const union sd_sockaddr *src, struct media_ref *ref,
		  char *out, size_t cap, struct sip_str *body)
{
	static struct sdp_session s;
	struct sdp_rewrite rw = { 0 };
	struct media_session *ms;
	uint64_t dialog;
	bool callee;

	*ref = (struct media_ref){ 0 };
	ms = media_session_find(md, m, &callee, &dialog);
	if (!ms || !ms->answered_ms)
		return 0;
	/* the dialog of another fork: the flows are not its (media_fork.c) */
	if (ms->callee_tag && dialog != ms->callee_tag)
		return 0;
	ref->slot = (uint32_t)(ms - md->slots);
	ref->gen = ms->gen;
	ref->caller_answers = callee;
	ref->in_dialog = true;
	/* a re-INVITE without SDP asks the other side for an offer, in its
	 * 2xx (RFC 3261 14.2); UPDATE without SDP carries none at all */
	if (!m->body.len && m->method == SIP_METHOD_INVITE) {
		ref->offer_in_answer = true;
		return 0;
	}
	/* without SDP (a session refresh): only its 2xx matters */
	if (!media_sdp_of(md, m, &s))
		return 0;
	/* RFC 3261 14.1: a re-INVITE that fails changes nothing, so what
	 * it changes can be undone (media_reoffer_failed) */
	media_undo_save(md, ms);
	if (!reoffer_streams(md, ms, &s, src, callee, &rw) ||
	    media_write_sdp(md, &s, &rw, out, cap, body)) {
		media_undo_restore(md, ms);
		*ref = (struct media_ref){ 0 };
		return 0;
	}
	md->stats.reoffers++;
	return 1;
}

/*
 * The 2xx of a re-INVITE without SDP carries the other side's offer: it
 * is anchored like a re-offer, and the ACK of the re-INVITE's sender
 * brings the answer (media_ack).
 */
static int reoffer_in_answer(struct media *md, struct media_session *ms,
			     const struct sdp_session *s,
			     const union sd_sockaddr *src, bool from_caller,
			     char *out, size_t cap, struct sip_str *body)
{
	struct sdp_rewrite rw = { 0 };

	if (!reoffer_streams(md, ms, s, src, !from_caller, &rw) ||
	    media_write_sdp(md, s, &rw, out, cap, body))
		return 0;
	ms->ack_answer = from_caller ? MEDIA_ACK_FROM_CALLEE :
				       MEDIA_ACK_FROM_CALLER;
	md->stats.reoffers++;
	return 1;
}

/*
 * A stream the final answer to an offer in a dialog gives port 0 is no
 * more (RFC 3264 8.2: removed by the offer, or a new one declined): its
 * flows go and its ports return to the pool, the other streams go on.
 * The m= line stays, with port 0, as the offer/answer model wants.
 */
static void remove_stream(struct media *md, struct media_session *ms,
			  unsigned int i)
{
	media_stream_release(md, ms, &ms->s[i]);
	md->stats.streams_removed++;
	pr_debug("media: call %.*s: stream %u removed, its ports are free\n",
		 (int)ms->call_id_len, ms->call_id, i);
}

/*
 * The answer to the offer in progress, from the caller when caller
 * (a callee's re-INVITE, or the ACK of a late offer), else from the callee:
 * its ends go into the flows, and it names the port the offerer sends to.
 * final: it settles an offer made in a dialog (its 2xx, or an ACK after
 * an offer in a 2xx), so its port-0 streams are removed.
 */
static int apply_answer(struct media *md, struct media_session *ms,
			const struct sdp_session *s,
			const union sd_sockaddr *src, bool caller, bool final,
			uint64_t now_ms, char *out, size_t cap,
			struct sip_str *body)
{
	struct sdp_rewrite rw = { 0 };
	unsigned int i, n = 0;
	uint16_t *offerer_side;

	for (i = 0; i < s->n_media && i < ms->nstreams; i++) {
		struct media_stream *st = &ms->s[i];

		if (st->anchored && !s->media[i].port) {
			if (final) {
				remove_stream(md, ms, i);
				n++;
			}
			continue;
		}
		if (!st->anchored ||
		    !media_update_ends(
			    md, s, i, src,
			    caller ? &st->caller_rtp : &st->callee_rtp,
			    caller ? &st->caller_rtcp : &st->callee_rtcp,
			    caller ? &st->caller_nat : &st->callee_nat))
			continue;
		/* the offerer's side: allocated now for a new stream */
		offerer_side = caller ? &st->callee_side : &st->caller_side;
		if (!*offerer_side)
			*offerer_side = media_ports_get(&md->ports);
		if (!*offerer_side) {
			md->stats.ports_exhausted++;
			continue;
		}
		/* both ends signalled rtcp-mux, or RTCP has its own ports */
		st->rtcp_mux = st->rtcp_mux && s->media[i].rtcp_mux;
		/* the codec the answer chose: its clock times the jitter */
		st->clock_rate = sdp_media_clock_rate(s, i);
		/* the offerer is told the port it sends to */
		media_anchor_at(md, &rw.media[i], *offerer_side, st->rtcp_mux);
		media_keep_hold(s, i, &rw.media[i]);
		media_stream_install(md, ms, st, true);
		st->answered = true;
		n++;
	}
	if (!n)
		return 0;
	/* the silence a timeout measures starts at the (latest) answer */
	ms->answered_ms = now_ms;
	if (media_write_sdp(md, s, &rw, out, cap, body))
		return 0;
	md->stats.answers++;
	return 1;
}

int media_answer(struct media *md, struct media_ref ref, struct sip_msg *m,
		 const union sd_sockaddr *src, uint64_t now_ms, char *out,
		 size_t cap, struct sip_str *body)
{
	struct media_session *ms = media_session_of(md, ref);
	static struct sdp_session s;
	int r;

	if (!ms)
		return 0;
	/* the first 2xx to the INVITE names the dialog the flows follow;
	 * another phone's is a fork's (media_fork.c) */
	if (!ref.in_dialog && m->status / 100 == 2) {
		uint64_t tag = callee_tag_of(m);

		if (!ms->callee_tag)
			ms->callee_tag = tag;
		if (tag != ms->callee_tag)
			return media_fork_answer(
				md, ms, tag, media_sdp_of(md, m, &s) ? &s : NULL,
				src, out, cap, body);
	}
	/* every 2xx to an INVITE or UPDATE sets the session timer, with or
	 * without SDP (a refresh often has none) */
	if (m->status / 100 == 2)
		media_session_refreshed(md, ms, m, now_ms);
	if (!media_sdp_of(md, m, &s))
		return 0;
	/* until the ACK has answered, a 2xx of a late offer is the offer */
	if (ms->late_offer && !ms->answered_ms)
		return offer_in_answer(md, ms, &s, src, out, cap, body);
	if (ref.offer_in_answer)
		return m->status / 100 == 2 ?
			       reoffer_in_answer(md, ms, &s, src,
						 ref.caller_answers, out, cap,
						 body) :
			       0;
	r = apply_answer(md, ms, &s, src, ref.caller_answers,
			 ref.in_dialog && m->status / 100 == 2, now_ms, out,
			 cap, body);
	/* a re-offer accepted: nothing to go back to any more */
	if (m->status / 100 == 2)
		media_undo_drop(md, ms);
	return r;
}

void media_reoffer_failed(struct media *md, struct media_ref ref)
{
	struct media_session *ms = md ? media_session_of(md, ref) : NULL;

	if (ms)
		media_undo_restore(md, ms);
}

int media_ack(struct media *md, struct sip_msg *ack,
	      const union sd_sockaddr *src, uint64_t now_ms, char *out,
	      size_t cap, struct sip_str *body)
{
	static struct sdp_session s;
	struct media_session *ms;
	uint64_t dialog;
	bool callee;
	int r;

	ms = media_session_find(md, ack, &callee, &dialog);
	if (!ms || !media_sdp_of(md, ack, &s))
		return 0;
	/* the caller's answer to another fork's offer in its 2xx */
	if (ms->callee_tag && dialog != ms->callee_tag)
		return callee ? 0 :
				media_fork_ack(md, ms, dialog, &s, out, cap,
					       body);
	/* the caller's answer to the callee's offer in the 2xx */
	if (ms->late_offer && !ms->answered_ms && !callee)
		return apply_answer(md, ms, &s, src, true, false, now_ms, out,
				    cap, body);
	/* the answer to an offer in the 2xx of a re-INVITE without SDP */
	if (ms->ack_answer !=
	    (callee ? MEDIA_ACK_FROM_CALLEE : MEDIA_ACK_FROM_CALLER))
		return 0;
	r = apply_answer(md, ms, &s, src, !callee, true, now_ms, out, cap,
			 body);
	if (r > 0)
		ms->ack_answer = MEDIA_ACK_NONE;
	return r;
}

void media_end_ref(struct media *md, struct media_ref ref)
{
	struct media_session *ms = md ? media_session_of(md, ref) : NULL;

	if (ms)
		media_session_end(md, ms);
}

bool media_end_dialog(struct media *md, struct sip_msg *bye)
{
	uint64_t dialog;
	struct media_session *ms = media_session_find(md, bye, NULL, &dialog);

	if (!ms)
		return true;
	/* a forked call's media outlives the dialogs but its last */
	if (media_fork_bye(md, ms, dialog))
		return false;
	media_session_end(md, ms);
	return true;
}
