/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond ends calls itself: a BYE to each phone, as a proxy acting for
 * the other one, when a call's media times out, its session timer runs
 * out ([media] bye_on_expiry), or an operator hangs it up (siphonctl
 * calls hangup). Then its flows go, as after a phone's own BYE.
 *
 *   dialog_capture.c    what a BYE needs, from the INVITE and its 2xx,
 *                       kept current by target refreshes and CSeqs
 *   dialog_bye_build.c  the BYE's bytes
 *   dialog_bye.c        sending it in a client transaction, its outcome
 *   dialog_control.c    calls show and calls hangup on the control socket
 *
 * The dialog itself is stored in the call's media record: dialog_state.h.
 */
#ifndef SIPHOND_DIALOG_H
#define SIPHOND_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "dialog_state.h"
#include "sip/sip_msg.h"
#include "sockaddr.h"

#define DIALOG_COUNTERS(X)                                                  \
	X(confirmed) /* dialogs captured at their first 2xx */              \
	X(unusable) /* of those: too long or strictly routed: flows only */ \
	X(target_refreshes) /* a re-INVITE's or UPDATE's new Contact */     \
	X(hangups) /* calls siphond ended itself, with or without BYE */    \
	X(hangups_flows_only) /* of those: no usable dialog, flows only */  \
	X(byes_sent) /* BYEs that left in a client transaction */           \
	X(byes_unsent) /* no next hop, too long, or no transaction */       \
	X(byes_answered) /* a 2xx came back */                              \
	X(byes_481) /* the phone no longer knew the dialog */               \
	X(byes_timed_out) /* no answer (timer F) or a 408 */                \
	X(byes_failed) /* another final response, or a transport error */

struct dialog_stats {
	DIALOG_COUNTERS(SD_COUNTER_FIELD)
};

/*
 * The owner slot of a BYE's client transaction (struct txn.owner_slot):
 * its responses and failures go to dialog_bye_*() below, not to a pcall.
 */
#define DIALOG_BYE_SLOT (-2)

struct siphond;
struct pcall;
struct txn;
struct media;
struct media_session;

/* media_reap() hands a call it gives up to this (dialog_end why) */
typedef void (*media_hangup_fn)(void *arg, struct media_session *ms, int why);

/* dialog_capture.c */
/*
 * A 2xx to an INVITE or UPDATE with anchored media, on its way to the
 * caller (from: where it came from): the first one to an INVITE fixes the
 * dialog; a later one is a target refresh of both ends.
 */
void dialog_on_2xx(struct pcall *pc, struct sip_msg *ok,
		   const struct sd_peer *from);
/* a request in a dialog: its sender's highest CSeq moves up */
void dialog_on_request(struct siphond *d, struct sip_msg *m);

/* dialog_bye.c */
/* media_reap() ends calls with BYE, as [media] bye_on_expiry says */
void dialog_attach(struct siphond *d);
/*
 * End ms: a BYE to each phone when its dialog is known, then its flows
 * out (media_session_end). How many BYEs left.
 */
int dialog_hangup(struct siphond *d, struct media_session *ms,
		  enum dialog_end why);
/* the client transaction of a BYE: its response, its failure */
void dialog_bye_response(struct siphond *d, struct txn *ct, struct sip_msg *m);
void dialog_bye_failed(struct siphond *d, struct txn *ct, int status);
const struct dialog_stats *dialog_stats(struct media *md);
/* "media timeout", "session expired", "operator hangup" */
const char *dialog_end_name(enum dialog_end why);

#endif /* SIPHOND_DIALOG_H */
