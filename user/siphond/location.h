/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The location service (RFC 3261 section 10.3): address-of-record ->
 * contacts, each with its expiry, q, the Call-ID and CSeq of the REGISTER
 * that made it, and the peer that REGISTER came from (so a phone behind a
 * NAT is reached where it really is). Bounded in all and per AOR; what a
 * bound refused is counted.
 */
#ifndef SIPHOND_LOCATION_H
#define SIPHOND_LOCATION_H

#include <stdbool.h>
#include <stdint.h>

#include "counters.h"
#include "sip/sip_str.h"
#include "sip/sip_uri.h"
#include "sockaddr.h"

#define LOC_AOR_MAX 256 /* "user@host" */
#define LOC_CONTACT_MAX 512 /* the Contact URI, without <> */
#define LOC_CALL_ID_MAX 256

struct binding {
	char aor[LOC_AOR_MAX];
	char contact[LOC_CONTACT_MAX];
	char call_id[LOC_CALL_ID_MAX];
	uint32_t cseq;
	uint16_t q; /* 0..1000; 1000 when the Contact had none */
	uint64_t expires_ms; /* absolute, on the daemon's clock */
	/*
	 * Where the REGISTER came from (RFC 3581: received and rport), which
	 * for a phone behind NAT is the NAT's mapping: new calls go there,
	 * the Contact stays the Request-URI (as Kamailio's
	 * fix_nated_register keeps "received"; RFC 5626 flow tokens would
	 * need the phones' support). Inside a dialog, nat_mark.h.
	 */
	struct sd_peer source;
};

#define LOCATION_COUNTERS(X)                                    \
	X(bindings) /* a gauge */                               \
	X(aors) /* a gauge */                                   \
	X(added)                                                \
	X(refreshed)                                            \
	X(removed)                                              \
	X(expired)                                              \
	X(full_total) /* refused: max_bindings reached */       \
	X(full_aor) /* refused: max_bindings_per_aor reached */ \
	X(restored) /* taken over at start from the state file */

struct location_stats {
	LOCATION_COUNTERS(SD_COUNTER_FIELD)
};

struct location;

struct location *location_new(uint32_t max_total, uint32_t max_per_aor);
/*
 * Keep every binding in the state file at path too (location_store.h),
 * and take over the live ones a previous siphond left there. 0, or -errno
 * with err saying why (and nothing is kept).
 */
int location_persist(struct location *l, const char *path, uint64_t now_ms,
		     char *err, size_t errlen);
void location_free(struct location *l);

/*
 * The AOR key of a URI: "user@host" with the host lower-cased (the user
 * stays as written, unescaped), "host" alone when there is no user; a tel:
 * URI gives its number. Returns the length or -1 when it does not fit.
 */
int location_aor_key(const struct sip_uri *uri, char *buf, size_t len);

/*
 * The live bindings of aor at now_ms, highest q first (ties: the newest
 * first). Returns how many were written to out (at most max).
 */
unsigned int location_lookup(struct location *l, const char *aor,
			     uint64_t now_ms, const struct binding **out,
			     unsigned int max);
/*
 * fn for every live binding at now_ms, in no particular order, for the
 * control socket's listing. Bindings past their time that the sweep has
 * not reached yet are skipped, not removed: the table does not change
 * under the walk. A non-zero return from fn stops it and is returned.
 */
typedef int (*location_walk_fn)(void *arg, const struct binding *b);
int location_walk(const struct location *l, uint64_t now_ms,
		  location_walk_fn fn, void *arg);
/* drop every binding whose time has come; returns how many */
unsigned int location_expire(struct location *l, uint64_t now_ms);
const struct location_stats *location_stats(const struct location *l);

/* the registrar's edits, one binding at a time (registrar.c) */
enum loc_update {
	LOC_ADDED,
	LOC_REFRESHED,
	LOC_REMOVED,
	LOC_FULL_TOTAL,
	LOC_FULL_AOR,
	LOC_TOO_LONG, /* aor, contact or Call-ID past its bound */
};
/* add or refresh aor's binding for contact (compared per RFC 3261
 * 19.1.4); expires_s 0 removes it */
enum loc_update location_update(struct location *l, const char *aor,
				struct sip_str contact, struct sip_str call_id,
				uint32_t cseq, uint16_t q, uint32_t expires_s,
				const struct sd_peer *source, uint64_t now_ms);
/* the binding of aor for contact, or NULL */
const struct binding *location_find(struct location *l, const char *aor,
				    struct sip_str contact);
/* remove every binding of aor (Contact: *); returns how many */
unsigned int location_remove_all(struct location *l, const char *aor);

#endif /* SIPHOND_LOCATION_H */
