/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What media.c (offers, answers, ends) and media_restore.c (calls adopted
 * from the previous run) share, and dialog_*.c, whose state (the dialog a
 * BYE needs) lives in the same record. Nothing else includes this.
 */
#ifndef SIPHOND_MEDIA_INTERNAL_H
#define SIPHOND_MEDIA_INTERNAL_H

#include "bpf_loader.h"
#include "dialog.h"
#include "dialog_state.h"
#include "endpoint.h"
#include "media.h"
#include "media_ports.h"
#include "media_store.h"
#include "sdp/sdp.h"
#include "sip/sip_multipart.h"

#define MEDIA_CALL_ID_MAX 256
#define MEDIA_TAG_MAX 128
/* a session record of this layout; another value is another version's */
#define MEDIA_SESSION_MAGIC 0x53434c37u /* "SCL7" */
#define MEDIA_SESSION_SIZE 3744 /* bytes: pinned with the magic */
/* other dialogs of a forked call remembered (media_fork.c) */
#define MEDIA_FORKS_MAX 4

/* whose ACK carries the answer to an offer made in a 2xx */
enum media_ack_answer {
	MEDIA_ACK_NONE,
	MEDIA_ACK_FROM_CALLER,
	MEDIA_ACK_FROM_CALLEE,
};

struct media_stream {
	bool anchored;
	bool answered;
	bool rtcp_mux; /* the offer's, and once answered the answer's too */
	bool caller_nat, callee_nat; /* behind NAT: media_nat.h */
	bool offer_mux; /* the offer's a=rtcp-mux, for another fork's answer */
	uint16_t caller_side, callee_side; /* relay RTP ports; 0: none */
	struct endpoint caller_rtp, caller_rtcp; /* from the offer */
	struct endpoint callee_rtp, callee_rtcp; /* from the answer */
	/* RTP clock (Hz) of the answer's first payload type, for the XDP
	 * relay's jitter; 0: not RTP, its flows are not measured */
	uint32_t clock_rate;
};

/*
 * One call's media. These records live in the pinned store
 * (media_store.h), so a field written here is kept for the next siphond
 * at once; a change of layout must change MEDIA_SESSION_MAGIC, and
 * media_convert.h must learn the layout it replaces, so an upgrade keeps
 * the calls.
 */
struct media_session {
	uint32_t gen; /* 0: the slot is free; first, as the store asks */
	uint32_t magic; /* MEDIA_SESSION_MAGIC */
	int32_t hnext; /* next slot in its bucket, -1: none */
	uint32_t hash; /* of the Call-ID */
	struct endpoint relay; /* the address its ports are on */
	uint8_t call_id_len, tag_len;
	char call_id[MEDIA_CALL_ID_MAX];
	char tag[MEDIA_TAG_MAX]; /* the caller's From tag */
	uint8_t nstreams;
	/* the INVITE had no SDP (RFC 3261 13.2.1): the offer comes in the
	 * 2xx, the answer in the ACK */
	bool late_offer;
	uint8_t ack_answer; /* enum media_ack_answer */
	uint64_t answered_ms; /* CLOCK_MONOTONIC; 0: no answer yet */
	uint64_t expires_at_ms; /* RFC 4028 session timer; 0: none */
	struct media_stream s[SDP_MEDIA_MAX];
	struct media_dialog dialog; /* what a BYE to each phone needs */
	/* the callee's tag (media_tag_hash) of the dialog whose answer the
	 * flows carry: a BYE in another fork's dialog leaves them; 0: no
	 * 2xx yet, or a call of an older siphond */
	uint64_t callee_tag;
};

_Static_assert(sizeof(struct media_session) % 8 == 0,
	       "the store maps records 8-byte aligned");
/* fails the build when the record changes: change the magic then */
_Static_assert(sizeof(struct media_session) == MEDIA_SESSION_SIZE,
	       "MEDIA_SESSION_MAGIC layout");

struct media {
	struct endpoint relay; /* the address media is anchored on */
	struct sdp_addr relay_text;
	struct siphon_maps maps;
	struct media_ports ports;
	struct media_store store;
	uint32_t max, nbuckets, next_gen;
	uint64_t timeout_ms, reap_every_ms, next_reap_ms;
	bool replace_origin; /* o= names the relay too */
	bool relay_gone; /* the relay address is on no interface */
	enum cfg_media_nat nat;
	int32_t free_head; /* free slots, chained through hnext */
	int32_t *buckets;
	struct media_session *slots; /* the store's records */
	struct media_undo **undo; /* by slot: a re-offer in progress */
	struct media_forks **forks; /* by slot: other forks' dialogs */
	/* media_sdp.c: the multipart body (RFC 5621) the SDP last read by
	 * media_sdp_of() came in, for media_write_sdp() to put the new SDP
	 * back into; .whole.p NULL: that SDP was the whole body */
	struct media_body {
		struct sip_str whole;
		struct sip_mp_part part;
	} body;
	struct media_stats stats;
	/* ends a call siphond gives up (media_reap): NULL, flows only */
	media_hangup_fn hangup;
	void *hangup_arg;
	struct dialog_stats dialog; /* the BYEs siphond sends (dialog.h) */
	struct media_nexthop *nh; /* media_nexthop.c: [media] nexthop */
};

/*
 * Packets from `from` (any port of its address, learned once, when
 * from_nat) sent to relay:in leave from relay:out towards to.
 * !replace leaves a flow that is there alone (its counters, its latch).
 * rtp_clock: the RTP clock rate of an RTP flow, whose loss and jitter XDP
 * measures; 0 for RTCP flows and streams that are not RTP.
 */
void media_flow_install(struct media *md, const struct endpoint *relay,
			uint16_t in, uint16_t out, const struct endpoint *from,
			bool from_nat, const struct endpoint *to, bool replace,
			uint32_t rtp_clock);
void media_flow_remove(struct media *md, const struct endpoint *relay,
		       uint16_t in);
/* the four flows (two with rtcp-mux) of an answered stream */
void media_stream_install(struct media *md, const struct media_session *ms,
			  const struct media_stream *s, bool replace);
/* flows out, ports back: the stream is no more */
void media_stream_release(struct media *md, struct media_session *ms,
			  struct media_stream *s);
/* the session is over: flows out, ports back, slot free */
void media_session_end(struct media *md, struct media_session *ms);
/* media_session.c: a new session in a free slot (NULL: table full), and
 * the slot back without counting a call that ended (one refused) */
struct media_session *media_session_new(struct media *md,
					struct sip_str call_id,
					struct sip_str tag);
void media_session_free(struct media *md, struct media_session *ms);
/* the live session a ref names, or NULL */
struct media_session *media_session_of(struct media *md, struct media_ref r);
/*
 * The session of the dialog an in-dialog request belongs to: its Call-ID,
 * and the caller's tag in From or To, whichever side sent it; NULL when
 * none. *by_callee says the callee sent it; *dialog_tag (when asked) is
 * the hash of the other tag, the callee's, which names its fork.
 */
struct media_session *media_session_find(struct media *md, struct sip_msg *m,
					 bool *by_callee,
					 uint64_t *dialog_tag);
/* media_expiry.c: a 2xx to an INVITE or UPDATE sets the session timer */
void media_session_refreshed(struct media *md, struct media_session *ms,
			     const struct sip_msg *ok, uint64_t now_ms);
/* ms joins its Call-ID's bucket */
void media_session_link(struct media *md, struct media_session *ms);
/* the live session ref names, or NULL (md NULL too) */
struct media_session *media_session_by_ref(struct media *md,
					   struct media_ref ref);
/*
 * The session of the dialog an in-dialog request belongs to, or NULL;
 * *by_callee (when asked) says the callee sent it.
 */
struct media_session *media_session_by_msg(struct media *md, struct sip_msg *m,
					   bool *by_callee);
/* the live session of this Call-ID (the first, if several), or NULL */
struct media_session *media_session_by_call_id(struct media *md,
					       struct sip_str call_id);
/*
 * media_expiry.c: who ends the calls media_reap() gives up; without one
 * (or fn NULL), their flows are removed and nothing else happens.
 */
void media_set_hangup(struct media *md, media_hangup_fn fn, void *arg);

/*
 * media_nexthop.c: [media] nexthop for the flows siphond installs. open:
 * -1 with a message in err; apply: the next hop of a flow towards `to`
 * put in flow, false when it must not be installed (nexthop = cache and
 * none could be cached: counted and logged).
 */
int media_nexthop_open(struct media *md, enum cfg_media_nexthop mode,
		       char *err, size_t errlen);
void media_nexthop_close(struct media *md);
bool media_nexthop_apply(struct media *md, const struct endpoint *to,
			 struct siphon_flow *flow);

/* media_sdp.c: the SDP body of m, or its application/sdp part in a
 * multipart body, parsed into s; false when none */
bool media_sdp_of(struct media *md, struct sip_msg *m, struct sdp_session *s);
/*
 * Where stream i of s, in a message from src, wants its RTP and RTCP;
 * false: not for the relay. A phone behind NAT (*nat) is reached at src's
 * address instead of the one its SDP names (media_nat.h).
 */
bool media_stream_ends(const struct media *md, const struct sdp_session *s,
		       unsigned int i, const union sd_sockaddr *src,
		       struct endpoint *rtp, struct endpoint *rtcp, bool *nat);
/* the same for a side that had ends already: c=0.0.0.0 (hold) keeps them */
bool media_update_ends(const struct media *md, const struct sdp_session *s,
		       unsigned int i, const union sd_sockaddr *src,
		       struct endpoint *rtp, struct endpoint *rtcp, bool *nat);
/* stream r names the relay at port (and port + 1 for RTCP unless mux) */
void media_anchor_at(const struct media *md, struct sdp_media_rewrite *r,
		     uint16_t port, bool mux);
/*
 * The same in an offer: its RTCP port is port + 1 even with rtcp-mux, for
 * an answerer that declines it (RFC 5761 5.1.1); the pair is the
 * stream's either way.
 */
void media_anchor_offer(const struct media *md, struct sdp_media_rewrite *r,
			uint16_t port);
/*
 * Stream i of s says c=0.0.0.0 (RFC 2543 hold: send me nothing): r, once
 * anchored, tells the other phone the same, at the relay's port, instead
 * of sending it to the relay; the flows keep the ends known before.
 */
void media_keep_hold(const struct sdp_session *s, unsigned int i,
		     struct sdp_media_rewrite *r);
/* s rewritten as rw says (o= too, as configured) into out: *body, the
 * whole multipart body around it when s was one of its parts */
int media_write_sdp(const struct media *md, const struct sdp_session *s,
		    struct sdp_rewrite *rw, char *out, size_t cap,
		    struct sip_str *body);

/*
 * media_undo.c: the streams as they were before a re-offer, kept until
 * its 2xx (drop) or its failure (restore: the streams, flows and ports
 * as they were). Not in the store: a restart ends the re-INVITE too.
 */
void media_undo_save(struct media *md, const struct media_session *ms);
void media_undo_drop(struct media *md, const struct media_session *ms);
void media_undo_restore(struct media *md, struct media_session *ms);

/*
 * media_fork.c: the other dialogs of a call forked past siphond, each
 * phone's 2xx a dialog of its own (RFC 3261 13.2.2.4). The flows follow
 * the first 2xx; each other fork's answer is kept (in memory, up to
 * MEDIA_FORKS_MAX a call) with its dialog, so that when the first one's
 * dialog ends and one of them lives on, it takes the flows over.
 *
 * media_tag_hash: a tag as callee_tag keeps it, never 0.
 * media_fork_answer: the 2xx of a fork whose tag is not callee_tag; its
 * SDP s (NULL: none) is kept and rewritten towards the relay ports the
 * caller already sends to. 1: *body is the new SDP; 0: as it came.
 * media_fork_ack: the ACK in such a dialog of a late offer, with the
 * caller's answer to that fork's offer: rewritten the same way.
 * media_fork_dialog: where the dialog of that fork is kept, or NULL.
 * media_fork_bye: a BYE in the dialog of tag; true when the call's media
 * goes on (another fork's dialog ended, or one took the flows over).
 * media_fork_drop: the call ended: its forks are forgotten.
 */
uint64_t media_tag_hash(struct sip_str tag);
int media_fork_answer(struct media *md, struct media_session *ms,
		      uint64_t tag, const struct sdp_session *s,
		      const union sd_sockaddr *src, char *out, size_t cap,
		      struct sip_str *body);
int media_fork_ack(struct media *md, struct media_session *ms, uint64_t tag,
		   const struct sdp_session *s, char *out, size_t cap,
		   struct sip_str *body);
struct media_dialog *media_fork_dialog(struct media *md,
				       const struct media_session *ms,
				       uint64_t tag);
bool media_fork_bye(struct media *md, struct media_session *ms, uint64_t tag);
void media_fork_drop(struct media *md, const struct media_session *ms);

/*
 * At start, with the store open and nothing handed out yet: the calls of
 * the previous run that can go on are taken over (their ports claimed,
 * missing flows put back), the others dropped, and flows on the relay's
 * ports that no call owns are removed.
 */
void media_restore(struct media *md, const struct media_store_open_info *info);

#endif /* SIPHOND_MEDIA_INTERNAL_H */
