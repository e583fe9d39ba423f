/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registrar (RFC 3261 section 10.3): a REGISTER for one of our
 * domains, already authenticated by the caller, is checked, applied to
 * the location service atomically (all its Contacts or none), and
 * answered: 200 with every current binding and its expires, 400 for a
 * malformed Contact or Expires or a '*' with others or a non-zero expiry,
 * 423 Interval Too Brief with Min-Expires, 500 for a Call-ID/CSeq out of
 * order, 503 when a bound is reached (counted in location_stats).
 */
#ifndef SIPHOND_REGISTRAR_H
#define SIPHOND_REGISTRAR_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "config.h"
#include "location.h"
#include "sip/sip_msg.h"

#define REGISTRAR_COUNTERS(X)                                                \
	X(ok)                                                                \
	X(removals)                                                          \
	X(bad_request)                                                       \
	X(interval_too_brief) /* 423 */                                      \
	X(out_of_order) /* an older Call-ID/CSeq */                          \
	X(full_aor) /* 503: max_bindings_per_aor would be passed */          \
	X(full_total) /* 503: max_bindings would be passed */                \
	X(not_our_domain)

struct registrar_stats {
	REGISTRAR_COUNTERS(SD_COUNTER_FIELD)
};

struct registrar {
	struct location *loc;
	const struct sd_config *cfg;
	struct registrar_stats stats;
};

/*
 * Answer req (a REGISTER). src is where it came from, to_tag the tag for
 * the response's To. Writes the whole response to out and returns its
 * length; -1 only when not even an error response fits in cap.
 */
int registrar_handle(struct registrar *r, struct sip_msg *req,
		     const struct sd_peer *src, uint64_t now_ms,
		     struct sip_str to_tag, char *out, size_t cap);

#endif /* SIPHOND_REGISTRAR_H */
