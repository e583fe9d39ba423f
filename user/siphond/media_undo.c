// SPDX-License-Identifier: GPL-2.0-only
/*
 * Undoing a re-offer that failed. A re-INVITE or UPDATE moves the
 * offerer's ends in the flows as soon as it passes (the offerer may send
 * from its new port at once), but RFC 3261 14.1 says a failed re-INVITE
 * leaves the session as it was: after a 491 (glare) or a 488, the phone
 * goes on sending from its old port, and flows that expected the new one
 * would drop every packet. So the streams are copied before the re-offer
 * touches them, and put back, flows and all, if it fails.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "media_internal.h"

struct media_undo {
	uint32_t gen; /* of the session it belongs to */
	uint8_t nstreams;
	struct media_stream s[SDP_MEDIA_MAX];
};

static uint32_t slot_of(const struct media *md, const struct media_session *ms)
{
	return (uint32_t)(ms - md->slots);
}

void media_undo_save(struct media *md, const struct media_session *ms)
{
	uint32_t slot = slot_of(md, ms);
	struct media_undo *u;

	if (!md->undo) {
		md->undo = calloc(md->max, sizeof(*md->undo));
		if (!md->undo)
			return;
	}
	/* a new offer starts from what is now (RFC 3261 forbids two at
	 * once: 491), even if an earlier one's 2xx carried no answer */
	u = md->undo[slot];
	if (!u) {
		u = malloc(sizeof(*u));
		if (!u) {
			pr_warn("media: out of memory: a failing re-offer "
				"will not be undone\n");
			return;
		}
		md->undo[slot] = u;
	}
	u->gen = ms->gen;
	u->nstreams = ms->nstreams;
	memcpy(u->s, ms->s, sizeof(u->s));
}

void media_undo_drop(struct media *md, const struct media_session *ms)
{
	uint32_t slot = slot_of(md, ms);

	if (!md->undo || !md->undo[slot])
		return;
	free(md->undo[slot]);
	md->undo[slot] = NULL;
}

/* the relay ports of stream i are its old ones: nothing to give back */
static bool same_ports(const struct media_stream *a,
		       const struct media_stream *b)
{
	return a->caller_side == b->caller_side &&
	       a->callee_side == b->callee_side;
}

void media_undo_restore(struct media *md, struct media_session *ms)
{
	struct media_undo *u = md->undo ? md->undo[slot_of(md, ms)] : NULL;
	unsigned int i;

	if (!u || u->gen != ms->gen)
		return;
	/* streams the offer added (or re-anchored on other ports) go */
	for (i = 0; i < ms->nstreams; i++)
		if (i >= u->nstreams || !same_ports(&ms->s[i], &u->s[i]))
			media_stream_release(md, ms, &ms->s[i]);
	memcpy(ms->s, u->s, sizeof(ms->s));
	ms->nstreams = u->nstreams;
	for (i = 0; i < ms->nstreams; i++)
		if (ms->s[i].answered)
			media_stream_install(md, ms, &ms->s[i], true);
	md->stats.reoffers_undone++;
	pr_info("media: call %.*s: its re-offer failed, the ends before it "
		"are back\n",
		(int)ms->call_id_len, ms->call_id);
	media_undo_drop(md, ms);
}
