/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Media anchoring ([media] anchor = yes): every call's RTP and RTCP go
 * through siphon's XDP relay. The offer in an INVITE gets relay ports the
 * callee will send to; the answer (in a 18x or 2xx) gets relay ports the
 * caller will send to, and with both ends known the four flows of each
 * stream (RTP and RTCP, each way) go into the pinned flow map. BYE, a
 * failed INVITE or a clean stop takes them out and the ports go back.
 *
 * Each flow accepts packets only from the address and port the SDP of its
 * sender named: media from anyone else is dropped in XDP. A phone behind
 * NAT is told by its SDP and the source of its message (src below):
 * media_nat.h.
 *
 * Sessions are kept in a pinned store (media_store.h): a siphond that
 * stops, is killed or crashes leaves its calls forwarding, and the next
 * one takes them over (media_restore.c), so their BYE still ends them.
 */
#ifndef SIPHOND_MEDIA_H
#define SIPHOND_MEDIA_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "counters.h"
#include "endpoint.h"
#include "flow_table.h"
#include "sip/sip_msg.h"

#define MEDIA_COUNTERS(X)                                                 \
	X(sessions) /* a gauge: calls with media anchored now */          \
	X(offers) /* offers anchored */                                   \
	X(answers) /* answers anchored, flows installed */                \
	X(reoffers) /* re-INVITE offers anchored (hold, new ports) */     \
	X(reoffers_undone) /* of those: failed, the old ends put back */  \
	X(ended) /* sessions ended, flows removed */                      \
	X(timeouts) /* of those: no packet either way for timeout_s */    \
	X(session_expired) /* of those: RFC 4028 timer, no refresh */     \
	X(table_full) /* 503: max_sessions calls already */               \
	X(ports_exhausted) /* no relay port left: 503, or stream refused */ \
	X(streams_refused) /* of those: a stream offered in a call, port 0 */ \
	X(streams_removed) /* port 0 in a dialog's offer and answer */    \
	X(forks) /* 2xx of another fork of a call: media stays with the first */ \
	X(fork_takeovers) /* the first's dialog ended, a fork's took over */ \
	X(forks_untracked) /* 2xx of forks past MEDIA_FORKS_MAX: not kept */ \
	X(sdp_errors) /* a body that does not parse: passed as it came */ \
	X(ids_too_long) /* Call-ID or tag too long to keep: as it came */ \
	X(flows_installed)                                                \
	X(flows_removed)                                                  \
	X(flow_errors) /* the flow map refused (full?): see the log */    \
	X(ports_in_use) /* a gauge: RTP ports, each with its RTCP port */ \
	X(restored) /* calls taken over from the previous run */          \
	X(restore_dropped) /* calls of that run that could not go on */   \
	X(orphan_flows) /* flows on relay ports no call owned, removed */ \
	X(relay_unavailable) /* 503: the relay address is on no interface */ \
	X(relay_lost) /* times the relay address disappeared */           \
	X(relay_up) /* a gauge: 1 while the relay address is there */   \
	X(nexthop_cached) /* flows installed with their next hop cached */ \
	X(nexthop_fib) /* flows installed with a FIB lookup per packet */ \
	X(nexthop_uncached) /* nexthop = cache: no next hop, no flow */  \
	X(nexthop_passes) /* refreshes after neighbour, route, link news */ \
	X(nexthop_refreshed) /* flows whose next hop a refresh changed */

struct media_stats {
	MEDIA_COUNTERS(SD_COUNTER_FIELD)
};

/* a session as a proxy call holds it: stale once the session ended */
struct media_ref {
	uint32_t slot, gen; /* gen 0: none */
	bool caller_answers; /* the callee made this offer (a re-INVITE) */
	/* a re-INVITE without SDP: its 2xx carries the offer, the ACK the
	 * answer */
	bool offer_in_answer;
	/* an offer in a dialog (re-INVITE, UPDATE): a stream its answer
	 * gives port 0 is removed (RFC 3264 8.2) */
	bool in_dialog;
};

struct media;

/* one call's media, as media_walk() shows it */
struct media_call_view {
	struct sip_str call_id, tag; /* the caller's From tag */
	const char *relay; /* the relay address, as text */
	uint64_t answered_ms; /* 0: not answered yet */
	bool late_offer; /* the INVITE had no SDP */
	unsigned int nstreams;
	struct media_stream_view {
		bool answered, rtcp_mux;
		uint16_t caller_side,
			callee_side; /* relay RTP ports, 0: none */
		struct endpoint caller_rtp, callee_rtp; /* the phones' ends */
		/* RTP the XDP relay carried, from the flows: [0] from the
		 * caller, [1] from the callee */
		struct media_flow_view {
			bool present;
			bool latched; /* behind NAT: the port is learned */
			uint64_t packets, bytes, last_seen_ns;
			/* loss and jitter XDP measured (flow_table.h) */
			struct flow_rtp_stats quality;
		} rtp[2];
	} s[SDP_MEDIA_MAX];
};

/*
 * Opens the flow map and the call store, and takes over the calls the
 * previous siphond left. NULL with a message in err (no flow map pinned,
 * bad address, ...).
 */
struct media *media_new(const struct sd_config *c, char *err, size_t errlen);
/* the calls and their flows stay, for the next start to take over */
void media_free(struct media *md);
/* the end of a wake-up's work: the flow writers' lock goes (NULL: none) */
void media_wakeup_done(struct media *md);
const struct media_stats *media_stats(struct media *md);

/*
 * An initial INVITE about to be forwarded. 1: its SDP is anchored and
 * *body is the new one (in out); 0: forward it as it is (an INVITE with
 * no body gets a session, in *ref, that waits for the offer in the 2xx;
 * an SDP that does not parse gets none); below 0, answer 503 with
 * media_refusal_phrase(): MEDIA_TABLE_FULL, [media] max_sessions calls
 * already; MEDIA_NO_PORTS, too few relay ports left for its streams (both
 * sides of each are taken at the offer, so a call that passes it never
 * lacks one at the answer); MEDIA_RELAY_GONE, the relay address is on no
 * interface (netlink.h), for the caller to try another server. A call
 * refused leaves nothing behind.
 */
#define MEDIA_TABLE_FULL (-1)
#define MEDIA_RELAY_GONE (-2)
#define MEDIA_NO_PORTS (-3)
const char *media_refusal_phrase(int r);
int media_offer(struct media *md, struct sip_msg *m,
		const union sd_sockaddr *src, struct media_ref *ref, char *out,
		size_t cap, struct sip_str *body);
/*
 * A re-INVITE or UPDATE in a dialog with anchored media, from either
 * side: its SDP names the relay again (the ports stay), the sender's new
 * ends replace the old ones in the flows. A stream it adds gets relay
 * ports of its own, or port 0 when none is left; a stream it removes
 * (port 0, RFC 3264 8.2) loses its flows and its ports when the 2xx
 * answers it so. 1: *body is the new SDP; 0: left alone. Either way
 * *ref, when set, follows the answer; a re-INVITE without SDP gets one
 * whose 2xx carries the offer.
 */
int media_reoffer(struct media *md, struct sip_msg *m,
		  const union sd_sockaddr *src, struct media_ref *ref,
		  char *out, size_t cap, struct sip_str *body);
/*
 * A response to that INVITE (or UPDATE) on its way back. 1: its SDP
 * answer (or the offer in the 2xx of an INVITE without SDP) is anchored,
 * *body is the new one and the flows are in; 0: left alone.
 */
int media_answer(struct media *md, struct media_ref ref, struct sip_msg *m,
		 const union sd_sockaddr *src, uint64_t now_ms, char *out,
		 size_t cap, struct sip_str *body);
/*
 * An ACK in a dialog: after an INVITE or re-INVITE without SDP, it
 * carries its sender's answer to the offer in the 2xx. 1: anchored, *body
 * is the new SDP and the flows are in; 0: left alone.
 */
int media_ack(struct media *md, struct sip_msg *ack,
	      const union sd_sockaddr *src, uint64_t now_ms, char *out,
	      size_t cap, struct sip_str *body);
/* the INVITE failed: its session ends */
void media_end_ref(struct media *md, struct media_ref ref);
/*
 * A re-INVITE or UPDATE with an offer failed (491, 488, a CANCEL, ...):
 * the session is as it was before it (RFC 3261 14.1), flows included.
 */
void media_reoffer_failed(struct media *md, struct media_ref ref);
/*
 * A BYE, from either side: the call's session ends with its dialog. In a
 * call forked to several phones that answered (RFC 3261 13.2.2.4), the
 * media follows the first 2xx; the BYE of another fork's dialog ends only
 * that one, and when the first one's ends, a fork still up takes the
 * flows over (media_fork.c). False when another dialog of the call goes
 * on, true when the call is over (or siphond anchors no media for it).
 */
bool media_end_dialog(struct media *md, struct sip_msg *bye);
/*
 * End the sessions whose flows have seen no packet either way for
 * [media] timeout_s since the answer (a phone that vanished without a
 * BYE), and those whose session timer (RFC 4028 Session-Expires, from the
 * last 2xx to an INVITE or UPDATE) ran out. Call it often; it looks every
 * timeout_s / 4 (media_expiry.c).
 */
void media_reap(struct media *md, uint64_t now_ms);
/* the address media is anchored on ([media] address) */
const struct endpoint *media_relay(const struct media *md);
const char *media_relay_text(const struct media *md);
/*
 * netlink_addr.c: the relay address is on an interface (up) or on none.
 * While it is on none, media_offer() refuses new calls; calls already up
 * keep their flows (XDP does not need the address to be local).
 */
void media_relay_set_available(struct media *md, bool up);
bool media_relay_available(const struct media *md);
/*
 * media_nexthop.c, for netlink_watch.c: siphond follows neighbours, routes
 * and links for the next hops cached in its flows ([media] nexthop is not
 * fib); an event that may move one makes the next refresh run a pass over
 * siphond's flows (every flow on the relay's address and ports), as do
 * lost events (resync) and the start (the flows of the last run).
 */
struct nlmsghdr;
bool media_nexthop_follows(const struct media *md);
void media_nexthop_event(struct media *md, const struct nlmsghdr *nlh);
void media_nexthop_resync(struct media *md);
void media_nexthop_refresh(struct media *md);

/*
 * Calls fn for every call, oldest slot first; stops at and returns fn's
 * first non-zero. The view lasts for the call only.
 */
int media_walk(struct media *md,
	       int (*fn)(void *arg, const struct media_call_view *c),
	       void *arg);

#endif /* SIPHOND_MEDIA_H */
