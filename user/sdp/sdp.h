/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SDP bodies (RFC 8866) as siphond sees them: sdp_parse() indexes a body
 * without copying it, sdp_rewrite() emits a copy in which every anchored
 * stream points at siphon's relay (m= port, c=, a=rtcp of RFC 3605) and
 * every other line is the caller's, byte for byte.
 *
 * All spans point into the parsed buffer, which must outlive the session.
 */
#ifndef SIPHON_SDP_H
#define SIPHON_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip_error.h"
#include "sip/sip_limits.h"
#include "sip/sip_str.h"

/* b= lines indexed per level; more are accepted and copied, not indexed */
#define SDP_BW_MAX 4
/* the longest address sdp_rewrite() writes: INET6_ADDRSTRLEN */
#define SDP_ADDR_TEXT_MAX 46
/* attribute index of a session-level attribute */
#define SDP_SESSION_LEVEL 0xff

enum sdp_af {
	SDP_AF_NONE,
	SDP_AF_IP4,
	SDP_AF_IP6,
	SDP_AF_OTHER, /* an addrtype we carry but do not anchor */
};

enum sdp_dir {
	SDP_DIR_UNSET, /* no direction attribute at this level */
	SDP_DIR_SENDRECV,
	SDP_DIR_SENDONLY,
	SDP_DIR_RECVONLY,
	SDP_DIR_INACTIVE,
};

enum sdp_proto {
	SDP_PROTO_OTHER, /* kept as text in sdp_media.proto */
	SDP_PROTO_RTP_AVP,
	SDP_PROTO_RTP_SAVP,
	SDP_PROTO_RTP_AVPF,
	SDP_PROTO_RTP_SAVPF,
	SDP_PROTO_UDP_TLS_RTP_SAVP,
	SDP_PROTO_UDP_TLS_RTP_SAVPF,
};

enum sdp_attr_kind {
	SDP_ATTR_OTHER,
	SDP_ATTR_RTCP,
	SDP_ATTR_RTCP_MUX,
	SDP_ATTR_DIRECTION,
	SDP_ATTR_RTPMAP,
	SDP_ATTR_FMTP,
	SDP_ATTR_PTIME,
	SDP_ATTR_ICE_UFRAG,
	SDP_ATTR_CANDIDATE,
};

/* one c= line, or the address part of o= or a=rtcp */
struct sdp_conn {
	bool present;
	enum sdp_af af;
	bool multicast;
	bool has_ttl; /* IP4 multicast "/ttl" */
	uint8_t ttl;
	uint16_t count; /* "/n" addresses; 1 when absent */
	struct sip_str line; /* whole line, from the type letter, no EOL */
	struct sip_str nettype, addrtype, address; /* address without /suffix */
};

struct sdp_origin {
	struct sip_str line;
	struct sip_str username, sess_id, sess_version;
	struct sdp_conn addr; /* nettype, addrtype, address; line unset */
};

struct sdp_bandwidth {
	struct sip_str type; /* "AS", "CT", "TIAS", ... */
	uint32_t value;
};

struct sdp_attr {
	struct sip_str line;
	struct sip_str name;
	struct sip_str value; /* after ':', empty for a property attribute */
	enum sdp_attr_kind kind;
	uint8_t media; /* index into sdp_session.media or SDP_SESSION_LEVEL */
};

struct sdp_rtcp {
	bool present;
	uint16_t port;
	struct sip_str line;
	struct sdp_conn addr; /* present only when the attribute carries one */
};

struct sdp_media {
	struct sip_str line;
	struct sip_str type; /* "audio", "video", ... */
	struct sip_str proto_text;
	struct sip_str formats; /* everything after the proto */
	enum sdp_proto proto;
	uint16_t port; /* 0: a rejected or disabled stream (RFC 3264 6) */
	uint16_t port_count; /* "/2"; 1 when absent */
	struct sdp_conn conn; /* the first media-level c=, if any */
	uint8_t n_bw;
	struct sdp_bandwidth bw[SDP_BW_MAX];
	struct sdp_rtcp rtcp;
	bool rtcp_mux;
	enum sdp_dir dir;
	uint16_t attr_first, attr_count; /* into sdp_session.attrs */
};

struct sdp_session {
	const char *buf;
	uint32_t len;
	uint32_t end; /* after the last line; only blank lines follow */
	bool lf_only; /* the first line ended in a bare LF: echo that style */
	struct sdp_origin origin;
	struct sip_str name; /* s= */
	struct sdp_conn conn; /* session-level c= */
	uint8_t n_bw;
	struct sdp_bandwidth bw[SDP_BW_MAX];
	enum sdp_dir dir; /* session-level direction */
	uint8_t n_media;
	struct sdp_media media[SDP_MEDIA_MAX];
	uint16_t n_attrs;
	struct sdp_attr attrs[SDP_ATTRS_MAX];
};

/*
 * Index an SDP body. Returns 0, or -1 with err->code one of the SDP codes
 * (or SIP_ERR_EMPTY, SIP_ERR_TOO_LONG, SIP_ERR_TOO_MANY_VALUES for more than
 * SDP_ATTRS_MAX a= lines) and err->offset the first byte refused.
 */
int sdp_parse(const char *buf, size_t len, struct sdp_session *s,
	      struct sip_error *err);

/* the c= a stream's media goes to: its own, else the session's, else NULL */
const struct sdp_conn *sdp_media_conn(const struct sdp_session *s,
				      unsigned int i);
/* the stream's direction: its own, else the session's, else sendrecv */
enum sdp_dir sdp_media_dir(const struct sdp_session *s, unsigned int i);
/* the first attribute of this kind at a level (SDP_SESSION_LEVEL or i) */
const struct sdp_attr *sdp_attr_find(const struct sdp_session *s,
				     unsigned int level,
				     enum sdp_attr_kind kind);

/* what sdp_media_clock_rate() says when the stream names no rate */
#define SDP_CLOCK_RATE_DEFAULT 8000u
/*
 * sdp_rtpmap.c: the RTP clock rate (Hz) of stream i's first payload type,
 * from its a=rtpmap or RFC 3551's static types; SDP_CLOCK_RATE_DEFAULT
 * when neither says; 0 when the stream is not RTP (its proto).
 */
uint32_t sdp_media_clock_rate(const struct sdp_session *s, unsigned int i);

/* an address to write: what inet_ntop() gave, NUL-terminated */
struct sdp_addr {
	enum sdp_af af; /* SDP_AF_IP4 or SDP_AF_IP6 */
	char text[SDP_ADDR_TEXT_MAX];
};

/* what siphond allocated for one m= line */
struct sdp_media_rewrite {
	bool anchor; /* false: the stream is copied as it is */
	/* the stream is turned down: its m= port becomes 0 (RFC 3264 6,
	 * 8.2), every other line of it is copied; anchor is then ignored */
	bool refuse;
	bool add_rtcp; /* write a=rtcp even when the offer had none */
	struct sdp_addr addr;
	uint16_t rtp_port;
	/* 0: the RTP port with rtcp-mux, else rtp_port + 1 */
	uint16_t rtcp_port;
};

struct sdp_rewrite {
	struct sdp_media_rewrite media[SDP_MEDIA_MAX]; /* by m= line index */
	bool set_origin; /* replace the o= address with origin */
	struct sdp_addr origin;
	bool bump_version; /* sess-version + 1, for a new offer (RFC 3264 8) */
};

/*
 * Write s, rewritten by rw, into out. Returns 0 with *out_len set, or -1
 * with *out_len 0: SIP_ERR_SDP_NO_SPACE when cap is too small,
 * SIP_ERR_SDP_BAD_CONNECTION for an address rw cannot write,
 * SIP_ERR_SDP_BAD_MEDIA for a port that is 0 or an RTCP port past 65535.
 * Rejected streams (port 0) are never anchored; refused ones get port 0.
 * Content-Length is the SIP layer's business.
 */
int sdp_rewrite(const struct sdp_session *s, const struct sdp_rewrite *rw,
		char *out, size_t cap, size_t *out_len, struct sip_error *err);

/* the RTCP port a rewritten stream announces */
uint16_t sdp_rewrite_rtcp_port(const struct sdp_session *s,
			       const struct sdp_rewrite *rw, unsigned int i);

#endif /* SIPHON_SDP_H */
