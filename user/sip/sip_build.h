/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing SIP messages: responses built from a parsed request (RFC 3261
 * section 8.2.6) and a proxy's edits of a parsed request or response
 * (section 16.6, 16.7), applied in one pass that copies every untouched
 * byte as received.
 *
 * Everything goes through one bounded writer into the caller's buffer;
 * nothing is allocated. An output that does not fit (or would pass
 * SIP_MSG_MAX, which no reader accepts) fails with SIP_ERR_TOO_LONG and
 * its partial bytes are not a message. Every output carries exactly one
 * Content-Length, equal to the body written (section 18.3).
 */
#ifndef SIPHON_SIP_BUILD_H
#define SIPHON_SIP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_error.h"
#include "sip_msg.h"
#include "sip_str.h"

/* the magic cookie every RFC 3261 branch starts with (section 8.1.1.7) */
#define SIP_BRANCH_COOKIE "z9hG4bK"
/* what a request without Max-Forwards is given (section 8.1.1.6) */
#define SIP_MAX_FORWARDS_DEFAULT 70

/*
 * A bounded writer: once something does not fit, nothing more is
 * written. It counts header lines too, since a reader refuses more than
 * SIP_HEADERS_MAX of them just as it refuses more than SIP_MSG_MAX bytes.
 */
struct sip_wr {
	char *buf;
	uint32_t len, cap;
	bool full;
	unsigned int lines; /* header lines written, folds not counted */
};

void sip_wr_init(struct sip_wr *w, char *buf, size_t cap);
void sip_wr_mem(struct sip_wr *w, const void *p, size_t n);
void sip_wr_str(struct sip_wr *w, struct sip_str s);
void sip_wr_cstr(struct sip_wr *w, const char *s);
void sip_wr_uint(struct sip_wr *w, uint32_t v);
/* "name: value" CRLF, one header line */
void sip_wr_line(struct sip_wr *w, struct sip_str name, struct sip_str value);
/* one header line as received, folds and CRLF included */
void sip_wr_raw_line(struct sip_wr *w, struct sip_str raw);
/*
 * The length written, or -1 with SIP_ERR_TOO_LONG if anything overflowed
 * or SIP_ERR_TOO_MANY_HEADERS past SIP_HEADERS_MAX lines.
 */
int sip_wr_end(struct sip_wr *w, struct sip_error *err);

/* shared by the builders: no control byte but HTAB; a non-empty token */
bool sip_build_text_ok(struct sip_str s);
bool sip_build_token_ok(struct sip_str s);
/* a value without trailing white space or line ends */
struct sip_str sip_build_value(struct sip_str v);

/* "Busy Here" for 486: the phrases of RFC 3261 section 21; NULL otherwise */
const char *sip_reason_phrase(int status);

struct sip_response {
	int status; /* 100..699 */
	const char *reason; /* NULL: sip_reason_phrase(status) */
	struct sip_str to_tag; /* added to To when it has none, status > 100 */
	struct sip_str extra; /* whole header lines, each ending in CRLF */
	struct sip_str body; /* may be empty */
	struct sip_str content_type; /* "application/sdp"; needed with a body */
};

/*
 * A response to req: status line, every Via in order, From, To (tagged
 * when asked), Call-ID and CSeq with their values as received (names as
 * sent, compact forms kept), Timestamp on a 100 (section 8.2.6.1), the
 * extra lines, Content-Type, Content-Length, body. Returns the length
 * written or -1 with err set: SIP_ERR_BAD_STATUS (code outside 100..699,
 * or no reason for an unlisted one), SIP_ERR_BAD_START_LINE (req is a
 * response, or the reason holds a control byte), SIP_ERR_BAD_HEADER_LINE
 * (extra lines malformed or carrying Content-Length), SIP_ERR_BAD_TO,
 * SIP_ERR_BAD_PARAM (tag not a token), SIP_ERR_BAD_CONTENT_TYPE,
 * SIP_ERR_MISSING_HEADER (no Via; for any status but 400, no From, To,
 * Call-ID or CSeq either), SIP_ERR_VALUE_TOO_LONG (To and its tag past
 * SIP_VALUE_MAX), SIP_ERR_TOO_MANY_HEADERS, SIP_ERR_TOO_LONG. Offsets
 * count from req's start for faults in req, and are 0 for faults in r.
 */
int sip_build_response(const struct sip_msg *req, const struct sip_response *r,
		       char *out, size_t cap, struct sip_error *err);

/* "SIP/2.0/UDP host:port;branch=z9hG4bK..." or "<sip:host:port;lr>" */
struct sip_hop {
	struct sip_str transport; /* Via only: "UDP", "TCP", "TLS", ... */
	struct sip_str host; /* name, IPv4, or IPv6 with or without [] */
	uint16_t port; /* 0: none written */
	struct sip_str branch; /* Via only: must start with z9hG4bK */
};

/* What a proxy changes in a message it forwards (RFC 3261 section 16.6) */
struct sip_edits {
	bool add_via; /* step 8: a new top Via from via */
	struct sip_hop via;
	bool pop_via; /* section 16.7 step 3: drop the top Via value */
	bool add_record_route; /* step 4: before the first Record-Route */
	struct sip_hop record_route; /* transport other than UDP: written */
	/* RFC 5658: a second one, written first, for a request that leaves
	 * by another interface than it came in on (.host.len 0: none) */
	struct sip_hop record_route_out;
	/* RFC 3581 / 18.2.1: the received top Via's value replaced (with
	 * received= and rport=), .p NULL: as received */
	struct sip_str top_via;
	bool max_forwards; /* step 3: decrement, or add 70 when absent */
	struct sip_str request_uri; /* step 2: .p set replaces it */
	/* loose routing: our own first Route value dropped (16.4), and for a
	 * strict next hop its value too (16.6 step 6): the first n values */
	unsigned int pop_routes;
	bool drop_last_route; /* 16.4: a strict router's last Route value */
	/* 16.6 step 6: a strict next hop gets the Request-URI as the last
	 * Route value, "<uri>" (.p NULL: none) */
	struct sip_str append_route;
	/* the first Contact value replaced (a phone behind NAT marked with
	 * where it really is), requests and responses; .p NULL: as received */
	struct sip_str contact;
	bool replace_body; /* body (and content_type when .p is set) */
	/* step 9 needs no flag: Content-Length is always made right */
	struct sip_str body;
	struct sip_str content_type; /* .p set, .len 0: Content-Type removed */
};

/*
 * m with the edits applied in a single pass, untouched bytes copied as
 * received. Request-only edits (all but pop_via and the body) on a
 * response fail with SIP_ERR_BAD_START_LINE. Max-Forwards already 0
 * fails with SIP_ERR_TOO_MANY_HOPS at the value (the caller answers 483
 * Too Many Hops), a malformed one with SIP_ERR_BAD_MAX_FORWARDS. Other errors: SIP_ERR_BAD_VIA (hop fields, a branch
 * without the cookie, a top Via to pop that is not there), SIP_ERR_BAD_ROUTE,
 * SIP_ERR_BAD_REQUEST_URI, SIP_ERR_BAD_CONTENT_TYPE,
 * SIP_ERR_TOO_MANY_HEADERS, SIP_ERR_TOO_LONG. Offsets count from m's
 * start for faults in m, and are 0 for faults in e. A new body wants a
 * Content-Type: give one when m has none. Returns the length written or -1.
 */
int sip_build_forward(const struct sip_msg *m, const struct sip_edits *e,
		      char *out, size_t cap, struct sip_error *err);

#endif /* SIPHON_SIP_BUILD_H */
