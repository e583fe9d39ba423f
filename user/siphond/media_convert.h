/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Call records of an older siphond, converted to this one's layout, so an
 * upgrade keeps every call (media_store.h, media_restore.c).
 *
 * A record says what it is by its size and its magic (the second 32 bits,
 * after gen). When struct media_session changes: freeze the layout that
 * shipped last here (its struct, with a size assert), give the new one a
 * new MEDIA_SESSION_MAGIC, and add a converter to the table in
 * media_convert.c.
 */
#ifndef SIPHOND_MEDIA_CONVERT_H
#define SIPHOND_MEDIA_CONVERT_H

#include <stdbool.h>
#include <stdint.h>

#include "media_internal.h"

/* "SCL5", shipped before RTP clock rates: struct media_stream had none */
#define MEDIA_SESSION_MAGIC_SCL5 0x53434c35u
#define MEDIA_SESSION_SIZE_SCL5 3672

struct media_stream_scl5 {
	bool anchored;
	bool answered;
	bool rtcp_mux;
	bool caller_nat, callee_nat;
	uint16_t caller_side, callee_side;
	struct endpoint caller_rtp, caller_rtcp;
	struct endpoint callee_rtp, callee_rtcp;
};

struct media_session_scl5 {
	uint32_t gen;
	uint32_t magic;
	int32_t hnext;
	uint32_t hash;
	struct endpoint relay;
	uint8_t call_id_len, tag_len;
	char call_id[MEDIA_CALL_ID_MAX];
	char tag[MEDIA_TAG_MAX];
	uint8_t nstreams;
	bool late_offer;
	uint8_t ack_answer;
	uint64_t answered_ms;
	uint64_t expires_at_ms;
	struct media_stream_scl5 s[SDP_MEDIA_MAX];
	/* when struct media_dialog changes, freeze its old form here too */
	struct media_dialog dialog;
};

_Static_assert(sizeof(struct media_session_scl5) == MEDIA_SESSION_SIZE_SCL5,
	       "the SCL5 record as siphond wrote it: never change it");

/* "SCL6", shipped before forks and removed streams: no offer_mux in a
 * stream, no callee_tag in the call */
#define MEDIA_SESSION_MAGIC_SCL6 0x53434c36u
#define MEDIA_SESSION_SIZE_SCL6 3736

struct media_stream_scl6 {
	bool anchored;
	bool answered;
	bool rtcp_mux;
	bool caller_nat, callee_nat;
	uint16_t caller_side, callee_side;
	struct endpoint caller_rtp, caller_rtcp;
	struct endpoint callee_rtp, callee_rtcp;
	uint32_t clock_rate;
};

struct media_session_scl6 {
	uint32_t gen;
	uint32_t magic;
	int32_t hnext;
	uint32_t hash;
	struct endpoint relay;
	uint8_t call_id_len, tag_len;
	char call_id[MEDIA_CALL_ID_MAX];
	char tag[MEDIA_TAG_MAX];
	uint8_t nstreams;
	bool late_offer;
	uint8_t ack_answer;
	uint64_t answered_ms;
	uint64_t expires_at_ms;
	struct media_stream_scl6 s[SDP_MEDIA_MAX];
	struct media_dialog dialog;
};

_Static_assert(sizeof(struct media_session_scl6) == MEDIA_SESSION_SIZE_SCL6,
	       "the SCL6 record as siphond wrote it: never change it");

/*
 * The record old (old_size bytes, live) in this siphond's layout, written
 * into rec (a whole struct media_session). A record of this layout is
 * copied. false: a layout no converter knows, rec untouched. *name (when
 * asked) names the layout it was.
 */
bool media_record_convert(const void *old, uint32_t old_size, void *rec,
			  const char **name);

#endif /* SIPHOND_MEDIA_CONVERT_H */
