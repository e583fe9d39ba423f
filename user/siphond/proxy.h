/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The stateful proxy core (RFC 3261 section 16).
 *
 *   proxy_request.c   16.3 validation, 16.4 Route, what the request is for
 *   proxy_target.c    16.5 the target set: location, static routes, Route
 *   proxy_forward.c   16.6 one copy per target, each in a client transaction
 *   proxy_response.c  16.7 the response context: best final, CANCEL, timer C
 *   proxy_reply.c     responses siphond writes itself, stateful or not
 *
 * A response context (struct pcall) ties one server transaction to the
 * client transactions of its branches; it lives until all of them end.
 */
#ifndef SIPHOND_PROXY_H
#define SIPHOND_PROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "siphond.h"

#define PROXY_BRANCHES_MAX 8

struct target {
	struct sip_str ruri; /* the Request-URI the copy carries */
	struct sd_peer to; /* where it is sent */
	/* 16.6 step 6: the next hop is a strict router; ruri is its Route
	 * value, and the Request-URI goes to the end of the route set */
	bool strict_next;
};

/* what route preprocessing (16.4) found, for every copy forwarded */
struct route_fix {
	bool pop; /* the top Route value is ours: removed */
	/* a strict router sent it: m->uri now holds the real Request-URI,
	 * the last Route value, which is removed */
	bool strict;
	unsigned int beyond; /* Route values left after those two */
};

struct pbranch {
	struct txn *ct; /* NULL once that transaction ended */
	uint16_t status; /* the last response on it; 0: none yet */
	bool cancel_pending; /* CANCEL as soon as a provisional comes */
	bool done; /* a final response (or timeout) came */
};

struct pcall {
	struct siphond *d;
	struct txn *st; /* NULL once the server transaction ended */
	bool invite;
	bool cancelled;
	bool final_sent; /* a final response went upstream */
	unsigned int nbranches;
	struct pbranch b[PROXY_BRANCHES_MAX];
	uint16_t best_status; /* the best 3xx-6xx so far */
	char *best; /* its bytes, our Via already removed */
	uint32_t best_len;
	struct tw_timer timer_c;
	struct media_ref media; /* the call's anchored media, if any */
	bool media_reinvite; /* a re-INVITE's or UPDATE's: failing ends nothing */
	/* siphond is on the dialog's route: the Contact of a phone behind
	 * NAT is marked, the request's and its responses' (nat_mark.h) */
	bool nat_contacts;
};

/* proxy_request.c */
void proxy_request(struct siphond *d, struct sip_msg *m,
		   const struct sd_peer *from);
/* 400 without a transaction, its reason phrase saying what is wrong */
void proxy_refuse_malformed(struct siphond *d, struct sip_msg *m,
			    const struct sd_peer *from, enum sip_err code);

/* proxy_route.c */
/* 16.4 on m: may replace m->uri with a strict router's last Route value */
void proxy_route_preprocess(struct siphond *d, struct sip_msg *m,
			    struct route_fix *rf);
/* where m goes by its route set, or by its Request-URI if none is left */
int proxy_route_next_hop(struct siphond *d, struct sip_msg *m,
			 const struct sd_peer *from, const struct route_fix *rf,
			 struct target *t);

/* proxy_target.c */
/* the listener a message to `to` leaves by: the one it came in on (from,
 * may be NULL) when it fits, else the first of the right transport and
 * family; 0, or -1 when there is none */
int proxy_pick_listener(struct siphond *d, struct sd_peer *to,
			const struct sd_peer *from);
/* is uri one of siphond's own addresses (a Route or Record-Route to us)? */
bool proxy_uri_is_us(struct siphond *d, struct sip_str uri);
/* where a request for this URI goes: 0, or -1 if not an IP address */
int proxy_uri_peer(struct siphond *d, struct sip_str uri,
		   const struct sd_peer *from, struct sd_peer *to);
/*
 * A Request-URI with siphond's NAT mark (nat_mark.h): 1 and *t is the
 * NAT's mapping with the URI unmarked (valid until the next call); 0: no
 * mark; -1: a bad one.
 */
int proxy_nat_target(struct siphond *d, struct sip_str uri,
		     const struct sd_peer *from, struct target *t);
/*
 * The targets of a request for one of our domains (location service, then
 * static routes). Returns how many (0: nobody), at most max; the URIs
 * point into the location service or the request.
 */
unsigned int proxy_targets(struct siphond *d, struct sip_msg *m,
			   const struct sd_peer *from, struct target *out,
			   unsigned int max);

/* proxy_forward.c */
/* the loop-detection hash of RFC 3261 16.6 step 8 */
uint64_t proxy_loop_hash(struct sip_msg *m);
/* does a Via of ours carry this request's loop hash? (16.3 step 4) */
bool proxy_is_loop(struct siphond *d, struct sip_msg *m);
/* fork m to every target under pc, with body in place of m's when body.p
 * is set; returns how many branches started */
unsigned int proxy_forward(struct pcall *pc, struct sip_msg *m,
			   const struct target *t, unsigned int n,
			   const struct route_fix *rf, bool record_route,
			   struct sip_str body);
/* forward an ACK for a 2xx (or anything else stateless) */
void proxy_forward_stateless(struct siphond *d, struct sip_msg *m,
			     const struct target *t, const struct route_fix *rf,
			     struct sip_str body);

/* proxy_nat.c */
/*
 * m came from a phone behind NAT ([media] nat): 1 and *contact is its
 * first Contact value marked with from (in buf); 0: leave it alone.
 */
int proxy_nat_contact(struct siphond *d, struct sip_msg *m,
		      const struct sd_peer *from, char *buf, size_t cap,
		      struct sip_str *contact);

/* proxy_response.c */
struct pcall *pcall_new(struct siphond *d, struct txn *st, bool invite);
void proxy_on_response(void *tu, struct txn *ct, struct sip_msg *m);
void proxy_on_failed(void *tu, struct txn *ct, int status);
void proxy_on_gone(void *tu, struct txn *t);
/* CANCEL every branch of pc still pending (16.10) */
void proxy_cancel_branches(struct pcall *pc);
/* all branches failed to start: answer from the best we have */
void proxy_check_done(struct pcall *pc);

/* proxy_reply.c */
/* a response to st's request, through st; extra: whole header lines */
void proxy_reply(struct siphond *d, struct txn *st, int status,
		 const char *reason, const char *extra);
/* the same, from st's request already parsed as req: no second parse */
void proxy_reply_to(struct siphond *d, struct txn *st, struct sip_msg *req,
		    int status, const char *reason, const char *extra);
/* a response to m with no transaction (table full, unparseable) */
void proxy_reply_stateless(struct siphond *d, struct sip_msg *m,
			   const struct sd_peer *from, int status,
			   const char *reason, const char *extra);
/* a To tag for siphond's own responses, stable across retransmissions */
struct sip_str proxy_to_tag(struct siphond *d, struct sip_msg *m, char *buf,
			    size_t len);

#endif /* SIPHOND_PROXY_H */
