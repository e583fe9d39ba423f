/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond's side of the XDP shield: it applies the [shield] section to
 * the pinned maps (at start and on every reload, bans untouched), logs
 * each ban once from the shield's event ring and its end from its own
 * sweep, and tells the shield which Call-IDs belong to live calls, so
 * their in-dialog requests are never rate-limited away.
 *
 * siphon may be attached after siphond starts: until the maps are
 * there, a sweep each second looks for them.
 */
#ifndef SIPHOND_SHIELD_XDP_H
#define SIPHOND_SHIELD_XDP_H

#include "config.h"
#include "counters.h"
#include "evloop.h"
#include "sip/sip_msg.h"
#include "sockaddr.h"

#define SHIELD_COUNTERS(X)                                                    \
	X(applied) /* [shield] written to the maps */                         \
	X(apply_failures) /* a map refused it: see the log */                 \
	X(bans) /* ban events read from the ring */                           \
	X(bans_ended) /* bans whose end was logged */                         \
	X(bans_untracked) /* ban ends not followed: the table was full */     \
	X(live_calls_up) /* Call-IDs of confirmed dialogs put in the map */   \
	X(live_calls_down) /* ended by a BYE (removed 32 s later) */          \
	X(live_calls_full) /* the live call map was full: left unprotected */ \
	X(live_calls_aged) /* removed: ended, or older than live_call_max_s */ \
	X(known_good) /* sources marked known-good (dialog, REGISTER) */      \
	X(known_good_failed) /* siphon_goodsrc refused one: see the log */

struct shield_stats {
	SHIELD_COUNTERS(SD_COUNTER_FIELD)
};

struct sd_shield;

/* NULL only when out of memory; cfg must outlive it (reloads change it) */
struct sd_shield *sd_shield_new(struct evloop *loop,
				const struct sd_config *cfg);
void sd_shield_free(struct sd_shield *sh);
/* (re)apply [shield]: budgets and the config's allow and block lists */
void sd_shield_apply(struct sd_shield *sh);
/*
 * A dialog of m's Call-ID was confirmed (2xx to INVITE): its in-dialog
 * requests are never limited, its parties (where the caller's and the
 * callee's signalling comes from; NULL: unknown) are known to be good.
 */
void sd_shield_call_up(struct sd_shield *sh, struct sip_msg *m,
		       const union sd_sockaddr *caller,
		       const union sd_sockaddr *callee);
/* a source siphond vouches for (enum siphon_known_good_why): no global
 * budget for [shield] known_good_s */
void sd_shield_known_good(struct sd_shield *sh, const union sd_sockaddr *a,
			  __u32 why);
/* a dialog of m's Call-ID ended (BYE) */
void sd_shield_call_down(struct sd_shield *sh, struct sip_msg *m);
/* a call siphond ended itself (its own BYEs): by its Call-ID's value */
void sd_shield_call_down_id(struct sd_shield *sh, const char *call_id,
			    size_t len);
const struct shield_stats *sd_shield_stats(const struct sd_shield *sh);

#endif /* SIPHOND_SHIELD_XDP_H */
