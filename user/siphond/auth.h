/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Digest authentication (RFC 3261 section 22, RFC 7616 as RFC 8760 applies
 * it to SIP): SHA-256 and MD5, qop=auth. Nonces are stateless (a keyed
 * hash of their issue time under a secret drawn at start) and expire after
 * nonce_lifetime_s; a bounded table remembers the nonce-counts seen so a
 * replayed nc is refused and a nonce serves at most nonce_max_uses
 * requests (then the client is challenged again with stale=true).
 * Hashes come from OpenSSL's libcrypto.
 */
#ifndef SIPHOND_AUTH_H
#define SIPHOND_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "credentials.h"
#include "sip/sip_msg.h"

enum auth_verdict {
	AUTH_OK, /* user set: the authenticated username */
	AUTH_CHALLENGE, /* no credentials for our realm: send 401/407 */
	AUTH_STALE, /* good password, old or used-up nonce: stale=true */
	AUTH_FORBIDDEN, /* unknown user or wrong response: 403 */
	AUTH_BAD, /* malformed Authorization: 400 */
};

#define AUTH_COUNTERS(X)                                                     \
	X(challenged)                                                        \
	X(ok)                                                                \
	X(stale)                                                             \
	X(forbidden)                                                         \
	X(bad)                                                               \
	X(replayed)                                                          \
	X(nonce_table_full) /* oldest entry dropped to make room */

struct auth_stats {
	AUTH_COUNTERS(SD_COUNTER_FIELD)
};

struct auth;

/* realm: the realm challenged; NULL on allocation failure */
struct auth *auth_new(const char *realm, uint32_t nonce_lifetime_s,
		      uint32_t nonce_max_uses);
void auth_free(struct auth *a);
/* take c (freeing the previous set): SIGHUP swaps credentials */
void auth_set_credentials(struct auth *a, struct credentials *c);

/*
 * Check req's Authorization (proxy false: answered with 401) or
 * Proxy-Authorization (proxy true: 407) for our realm.
 */
enum auth_verdict auth_check(struct auth *a, struct sip_msg *req, bool proxy,
			     uint64_t now_ms, struct sip_str *user);
/*
 * The challenge: one WWW-Authenticate (or Proxy-Authenticate) line for
 * SHA-256 and one for MD5, in that order (RFC 8760 section 2.4), each
 * ending in CRLF, for sip_response.extra. Returns the length or -1.
 */
int auth_challenge(struct auth *a, bool proxy, bool stale, uint64_t now_ms,
		   char *buf, size_t cap);
const struct auth_stats *auth_stats(const struct auth *a);
/* offer MD5 before SHA-256, for clients that answer the first only */
void auth_set_md5_first(struct auth *a, bool md5_first);

#endif /* SIPHOND_AUTH_H */
