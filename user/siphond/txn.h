/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP transactions (RFC 3261 section 17, with the Accepted state of RFC
 * 6026): the four state machines, their timers on the loop's wheel, and
 * the table that matches messages to them.
 *
 *   server INVITE      Proceeding -> Accepted (2xx, timer L)
 *                                 -> Completed (3xx-6xx, G, H) -> Confirmed (I)
 *   server non-INVITE  Trying -> Proceeding -> Completed (J)
 *   client INVITE      Calling (A, B) -> Proceeding -> Accepted (2xx, M)
 *                                     -> Completed (3xx-6xx: ACK, D)
 *   client non-INVITE  Trying (E, F) -> Proceeding -> Completed (K)
 *
 * Retransmissions are absorbed here: a repeated request gets the last
 * response again, a repeated final response gets its ACK again, and
 * only what is new reaches the transaction user (the proxy) through
 * struct txn_ops. The table is bounded; txn_server_new() and
 * txn_client_new() fail when it is full and the caller answers 503.
 */
#ifndef SIPHOND_TXN_H
#define SIPHOND_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "evloop.h"
#include "sip/sip_msg.h"
#include "sockaddr.h"

#define TXN_BRANCH_MAX 96
#define TXN_SENTBY_MAX 128

enum txn_kind {
	TXN_SERVER_INVITE,
	TXN_SERVER_NON_INVITE,
	TXN_CLIENT_INVITE,
	TXN_CLIENT_NON_INVITE,
};

enum txn_state {
	TXN_CALLING,
	TXN_TRYING,
	TXN_PROCEEDING,
	TXN_ACCEPTED,
	TXN_COMPLETED,
	TXN_CONFIRMED,
	TXN_TERMINATED,
};

struct txn;

/* what the transaction user hears */
struct txn_ops {
	/* a client transaction's new response (not a retransmission) */
	void (*response)(void *tu, struct txn *ct, struct sip_msg *m);
	/* a client transaction gave up: 408 (timer B/F) or 503 (transport) */
	void (*failed)(void *tu, struct txn *ct, int status);
	/* the transaction is about to be freed: drop every pointer to it */
	void (*gone)(void *tu, struct txn *t);
	/* send bytes to a peer; may set peer->conn (TCP) */
	int (*send)(void *tu, struct sd_peer *to, const char *buf, size_t len);
};

struct txn_conf {
	uint32_t max; /* transactions in the table */
	uint32_t t1_ms, t2_ms, t4_ms;
};

/* counters for every outcome */
#define TXN_COUNTERS(X)                                                      \
	X(server_created)                                                    \
	X(client_created)                                                    \
	X(table_full) /* refused: the caller answered 503 */                 \
	X(request_retransmits) /* absorbed or answered again */              \
	X(response_retransmits) /* absorbed or ACKed again */                \
	X(acks_absorbed) /* ACK for a non-2xx final */                      \
	X(retransmissions_sent) /* timers A, E, G */                         \
	X(timeouts_b) /* client INVITE: no response */                       \
	X(timeouts_f) /* client non-INVITE: no response */                   \
	X(timeouts_h) /* server INVITE: no ACK for a final */                \
	X(transport_errors)                                                  \
	X(late_responses) /* to a finished client transaction */             \
	X(active) /* a gauge */

struct txn_stats {
	TXN_COUNTERS(SD_COUNTER_FIELD)
};

struct txn {
	struct txn *hnext; /* hash chain */
	uint32_t hash;
	enum txn_kind kind;
	enum txn_state state;
	enum sip_method method; /* of the CSeq; an ACK matches INVITE */
	bool reliable; /* TCP: no retransmissions, no wait states */
	struct sd_peer peer; /* server: where responses go; client: next hop */
	uint8_t branch_len, sent_by_len;
	char branch[TXN_BRANCH_MAX];
	char sent_by[TXN_SENTBY_MAX]; /* server: top Via "host:port" */
	uint64_t rfc2543_key; /* server, branch without the cookie */
	/* server: the request received; client: the one sent, until a
	 * final response (never sent again after it) */
	char *req;
	uint32_t req_len;
	/* server: the last response sent, but not an INVITE's 2xx */
	char *resp;
	uint32_t resp_len;
	uint16_t status; /* the last response sent or received */
	char *ack; /* client INVITE: the ACK for a 3xx-6xx */
	uint32_t ack_len;
	uint32_t interval; /* the next retransmission interval */
	struct tw_timer t_retx; /* A, E, G */
	struct tw_timer t_fail; /* B, F, H */
	struct tw_timer t_end; /* D, I, J, K, L, M */
	struct txn_table *tab;
	void *owner; /* the transaction user's */
	int owner_slot;
};

struct txn_table {
	struct evloop *loop;
	struct txn_conf conf;
	const struct txn_ops *ops;
	void *tu;
	struct txn_stats stats;
	uint32_t nbuckets; /* a power of two */
	struct txn **buckets;
};

struct txn_table *txn_table_new(struct evloop *l, const struct txn_conf *c,
				const struct txn_ops *ops, void *tu);
/* free every transaction (quietly: no callbacks) and the table */
void txn_table_free(struct txn_table *tab);
const struct txn_stats *txn_stats(const struct txn_table *tab);
void txn_set_timers(struct txn_table *tab, uint32_t t1, uint32_t t2,
		    uint32_t t4);

/* server side (txn_server.c) */
/* the server transaction m (a request) belongs to, or NULL */
struct txn *txn_server_find(struct txn_table *tab, struct sip_msg *m);
/* a retransmitted request or an ACK matched by txn_server_find() */
void txn_server_absorb(struct txn *t, struct sip_msg *m);
/*
 * A new server transaction for m from `from` (responses go where RFC 3261
 * 18.2.2 and RFC 3581 say). NULL when the table is full (counted).
 */
struct txn *txn_server_new(struct txn_table *tab, struct sip_msg *m,
			   const struct sd_peer *from);
/*
 * RFC 3261 18.2.2 and RFC 3581: where responses go, given the peer a
 * request came from and its top Via. Also for stateless responses.
 */
void txn_response_peer(struct sd_peer *peer, const struct sip_via *via);
/* send a response through t; a final one moves t on */
int txn_server_respond(struct txn *t, const char *buf, size_t len,
		       int status);
/* the INVITE server transaction a CANCEL targets (section 9.2), or NULL */
struct txn *txn_server_find_invite(struct txn_table *tab, struct sip_msg *cancel);

/* client side (txn_client.c) */
/*
 * Send req (already carrying our top Via with branch) to `to` and follow
 * it. NULL when the table is full or the request cannot be sent (both
 * counted); the caller treats that as a 503.
 */
struct txn *txn_client_new(struct txn_table *tab, const char *req,
			   size_t len, enum sip_method method,
			   struct sip_str branch, const struct sd_peer *to,
			   void *owner, int owner_slot);
/* the client transaction m (a response) belongs to, or NULL */
struct txn *txn_client_find(struct txn_table *tab, struct sip_msg *m);
void txn_client_on_response(struct txn *t, struct sip_msg *m);

/* detach the transaction user: no more callbacks for t */
static inline void txn_disown(struct txn *t)
{
	t->owner = 0;
}

/* txn_table.c, for the two state machine files */
void txn_link(struct txn_table *tab, struct txn *t);
struct txn *txn_alloc(struct txn_table *tab, enum txn_kind kind);
/* stop timers, tell the user, unlink and free */
void txn_terminate(struct txn *t);
uint32_t txn_hash_branch(const char *p, size_t len);
struct txn *txn_bucket(struct txn_table *tab, uint32_t hash);
int txn_send(struct txn *t, const char *buf, size_t len);
void txn_arm(struct txn *t, struct tw_timer *timer, uint64_t ms);
char *txn_dup(const char *buf, size_t len);

#endif /* SIPHOND_TXN_H */
