/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bytes of a BYE siphond sends itself, as a proxy acting for one
 * phone of a dialog towards the other (RFC 3261 12.2.1.1 and 15.1.1):
 *
 *   BYE <remote target> SIP/2.0
 *   Via: SIP/2.0/UDP <siphond>;branch=z9hG4bK...    (a fresh branch)
 *   Route: <the route set towards that phone>       (when there is one)
 *   Max-Forwards: 70
 *   From: <the other phone's party, its tag>
 *   To: <that phone's party, its tag>
 *   Call-ID, CSeq: <that other phone's highest + 1> BYE
 *   Reason: SIP;cause=408;text="Media Timeout"      (RFC 3326)
 *   Content-Length: 0
 *
 * Nothing here knows siphond: the caller hands every value in.
 */
#ifndef SIPHOND_DIALOG_BYE_BUILD_H
#define SIPHOND_DIALOG_BYE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "sip/sip_build.h"

struct dialog_bye_msg {
	struct sip_str ruri; /* the remote target */
	struct sip_hop via; /* siphond's listener and a fresh branch */
	struct sip_str route; /* "<u1>, <u2>" or empty: no Route line */
	struct sip_str from, to, call_id; /* header values as written */
	uint32_t cseq;
	uint16_t cause; /* the Reason's SIP status code */
	const char *text; /* the Reason's text: no '"' or '\\' in it */
};

/* the length written into out, or -1 (a bad value, or it does not fit) */
int dialog_bye_build(const struct dialog_bye_msg *b, char *out, size_t cap);

#endif /* SIPHOND_DIALOG_BYE_BUILD_H */
