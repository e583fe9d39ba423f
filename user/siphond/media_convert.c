// SPDX-License-Identifier: GPL-2.0-only
/* Older call records in this siphond's layout; see media_convert.h. */
#include <string.h>

#include "media_convert.h"

/*
 * What every layout since SCL5 holds under the same names, copied from
 * an older record of any of them: the call, then one stream. Macros,
 * because each layout is a struct of its own.
 */
#define COPY_CALL(ms, o)                                                    \
	do {                                                                \
		(ms)->gen = (o)->gen;                                       \
		(ms)->hnext = (o)->hnext;                                   \
		(ms)->hash = (o)->hash;                                     \
		(ms)->relay = (o)->relay;                                   \
		(ms)->call_id_len = (o)->call_id_len;                       \
		(ms)->tag_len = (o)->tag_len;                               \
		memcpy((ms)->call_id, (o)->call_id, sizeof((ms)->call_id)); \
		memcpy((ms)->tag, (o)->tag, sizeof((ms)->tag));             \
		(ms)->nstreams = (o)->nstreams;                             \
		(ms)->late_offer = (o)->late_offer;                         \
		(ms)->ack_answer = (o)->ack_answer;                         \
		(ms)->answered_ms = (o)->answered_ms;                       \
		(ms)->expires_at_ms = (o)->expires_at_ms;                   \
		(ms)->dialog = (o)->dialog;                                 \
	} while (0)

#define COPY_STREAM(s, os)                            \
	do {                                          \
		(s)->anchored = (os)->anchored;       \
		(s)->answered = (os)->answered;       \
		(s)->rtcp_mux = (os)->rtcp_mux;       \
		(s)->caller_nat = (os)->caller_nat;   \
		(s)->callee_nat = (os)->callee_nat;   \
		(s)->caller_side = (os)->caller_side; \
		(s)->callee_side = (os)->callee_side; \
		(s)->caller_rtp = (os)->caller_rtp;   \
		(s)->caller_rtcp = (os)->caller_rtcp; \
		(s)->callee_rtp = (os)->callee_rtp;   \
		(s)->callee_rtcp = (os)->callee_rtcp; \
	} while (0)

/*
 * Fields newer than a layout, as a record without them is read: no
 * clock_rate (SCL5) leaves the flows of a call set up before unmeasured,
 * as they were; no offer_mux (SCL5, SCL6): an answered stream's rtcp_mux
 * is the most that is known of the offer; no callee_tag (SCL5, SCL6): 0,
 * the call's first BYE ends it, as before (media_fork.c). The caller
 * zeroed ms.
 */
static void from_scl5(const void *old, struct media_session *ms)
{
	const struct media_session_scl5 *o = old;
	unsigned int i;

	COPY_CALL(ms, o);
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		COPY_STREAM(&ms->s[i], &o->s[i]);
		ms->s[i].offer_mux = o->s[i].rtcp_mux;
	}
}

static void from_scl6(const void *old, struct media_session *ms)
{
	const struct media_session_scl6 *o = old;
	unsigned int i;

	COPY_CALL(ms, o);
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		COPY_STREAM(&ms->s[i], &o->s[i]);
		ms->s[i].offer_mux = o->s[i].rtcp_mux;
		ms->s[i].clock_rate = o->s[i].clock_rate;
	}
}

/* every layout that shipped before this one, by magic and size */
static const struct media_layout {
	uint32_t magic, size;
	const char *name;
	void (*convert)(const void *old, struct media_session *ms);
} older[] = {
	{ MEDIA_SESSION_MAGIC_SCL5, MEDIA_SESSION_SIZE_SCL5,
	  "SCL5 (before RTP clock rates)", from_scl5 },
	{ MEDIA_SESSION_MAGIC_SCL6, MEDIA_SESSION_SIZE_SCL6,
	  "SCL6 (before forks and removed streams)", from_scl6 },
};

bool media_record_convert(const void *old, uint32_t old_size, void *rec,
			  const char **name)
{
	struct media_session *ms = rec;
	uint32_t magic;
	size_t i;

	if (old_size < 2 * sizeof(uint32_t))
		return false;
	memcpy(&magic, (const char *)old + sizeof(uint32_t), sizeof(magic));
	if (magic == MEDIA_SESSION_MAGIC && old_size == sizeof(*ms)) {
		memmove(ms, old, sizeof(*ms));
		if (name)
			*name = "current";
		return true;
	}
	for (i = 0; i < sizeof(older) / sizeof(older[0]); i++) {
		if (older[i].magic != magic || older[i].size != old_size)
			continue;
		memset(ms, 0, sizeof(*ms));
		older[i].convert(old, ms);
		ms->magic = MEDIA_SESSION_MAGIC;
		if (name)
			*name = older[i].name;
		return true;
	}
	return false;
}
