/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What siphond keeps of a call's dialog so it can end the call itself:
 * a BYE to each phone, sent as a proxy acting for the other phone (RFC
 * 3261 12.2.1.1). It is captured from the INVITE and its first 2xx
 * (dialog_capture.c), kept current by target refreshes and every
 * in-dialog request, and stored in the call's pinned record (struct
 * media_session), so a restarted siphond can still hang the call up.
 *
 * Every text has a bound; a dialog whose values do not fit is marked
 * unusable (counted, logged), and its call is then ended by removing its
 * flows only, as before siphond could send BYE.
 */
#ifndef SIPHOND_DIALOG_STATE_H
#define SIPHOND_DIALOG_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "sockaddr.h"

#define DIALOG_PARTY_MAX 192 /* a From or To value, tag and all */
#define DIALOG_URI_MAX 192 /* a remote target (Contact URI) */
#define DIALOG_ROUTE_MAX 320 /* a route set as written: "<u1>, <u2>" */
#define DIALOG_ROUTES_MAX 8 /* Record-Route values a 2xx may carry */

enum dialog_state {
	DIALOG_NONE, /* no 2xx yet */
	DIALOG_CONFIRMED, /* siphond can send BYE to both phones */
	DIALOG_UNUSABLE, /* too long or strict routing: flows-only end */
};

/* index into struct media_dialog.p */
enum dialog_side {
	DIALOG_CALLER,
	DIALOG_CALLEE,
};

/* why siphond ends a call: the Reason of its BYE (RFC 3326) */
enum dialog_end {
	DIALOG_END_MEDIA_TIMEOUT,
	DIALOG_END_SESSION_EXPIRED,
	DIALOG_END_OPERATOR,
};

/* one phone of the dialog, as siphond reaches it */
struct dialog_party {
	union sd_sockaddr source; /* where its messages came from */
	uint8_t proto; /* enum sd_proto of that source */
	/* its Contact cannot be reached (behind NAT, or not an address):
	 * requests to it go to source (media_nat.h says when) */
	bool via_source;
	uint16_t party_len, target_len, route_len;
	uint32_t cseq; /* the highest CSeq of the requests it sent */
	char party[DIALOG_PARTY_MAX]; /* caller: its From; callee: its To */
	char target[DIALOG_URI_MAX]; /* its Contact URI */
	/* the Route set towards it beyond siphond, "" when none */
	char route[DIALOG_ROUTE_MAX];
};

struct media_dialog {
	uint8_t state; /* enum dialog_state */
	uint8_t pad[7];
	struct dialog_party p[2]; /* enum dialog_side */
};

_Static_assert(sizeof(struct media_dialog) % 8 == 0,
	       "kept 8-byte aligned in the record");

#endif /* SIPHOND_DIALOG_STATE_H */
