/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What sdp_parse.c (line order) and sdp_fields.c (line values) share.
 */
#ifndef SIPHON_SDP_PARSE_INT_H
#define SIPHON_SDP_PARSE_INT_H

#include "sdp/sdp.h"

struct sdp_ctx {
	const char *buf;
	struct sdp_session *s;
	struct sip_error *err;
	int level; /* -1 in the session part, else the m= index */
	int rank; /* of the last known line in this part */
	uint32_t seen; /* letters seen in this part, a bit each */
	char prev; /* type of the last known line */
};

/* sets err from at; returns -1 so callers can `return sdp_fail(...)` */
int sdp_fail(struct sdp_ctx *c, enum sip_err code, const char *at);

int sdp_parse_origin(struct sdp_ctx *c, struct sip_str line, struct sip_str v);
int sdp_parse_conn(struct sdp_ctx *c, struct sip_str line, struct sip_str v);
int sdp_parse_bandwidth(struct sdp_ctx *c, struct sip_str v);
int sdp_parse_media(struct sdp_ctx *c, struct sip_str line, struct sip_str v);
int sdp_parse_attr(struct sdp_ctx *c, struct sip_str line, struct sip_str v);

/* "nettype addrtype address", with "/ttl/count" when suffix_ok */
bool sdp_parse_addr(struct sip_str v, bool suffix_ok, struct sdp_conn *o);
/* an IPv4 or IPv6 literal of the given family; used by the rewriter too */
bool sdp_addr_literal_ok(enum sdp_af af, const char *p, size_t len);

#endif /* SIPHON_SDP_PARSE_INT_H */
