/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Typed parsers for the header values siphon acts on (RFC 3261 section
 * 20 and RFC 4028). Each takes one value span (for list headers, one
 * element from sip_list_next()), fills a struct of spans and numbers, and
 * returns 0, or -1 with err set: the code names the header, the offset is
 * counted from the start of the span it was given (sip_msg.h's cached
 * accessors turn it into an offset from the message start).
 *
 * URIs stay spans here: sip_uri_parse() reads them.
 */
#ifndef SIPHON_SIP_HDR_H
#define SIPHON_SIP_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "sip_error.h"
#include "sip_method.h"
#include "sip_str.h"

/* Via: SIP / 2.0 / UDP host[:port] *(;param) */
struct sip_via {
	struct sip_str proto; /* "SIP" */
	struct sip_str version; /* "2.0" */
	struct sip_str transport; /* "UDP", "TCP", "TLS", "SCTP", "WS", ... */
	struct sip_str host; /* an IPv6 reference without its brackets */
	bool host_ipv6;
	bool has_port;
	uint16_t port;
	struct sip_str branch, received, maddr;
	bool has_rport; /* ";rport", with or without a value */
	bool rport_has_value;
	uint16_t rport;
	bool has_ttl;
	uint8_t ttl;
	struct sip_str params; /* every parameter, ";branch=..." and all */
};
int sip_via_parse(struct sip_str v, struct sip_via *out, struct sip_error *err);

/*
 * From, To, Contact, Route, Record-Route and the like: an optional display
 * name, a URI in <...> or bare (then every ';' parameter belongs to the
 * header, RFC 3261 section 20.10), and header parameters.
 */
struct sip_addr {
	struct sip_str display; /* without quotes, quoted-pairs as sent */
	bool display_quoted;
	bool bracketed; /* the URI was in <...> */
	bool star; /* Contact: * */
	struct sip_str uri;
	struct sip_str tag; /* From/To */
	struct sip_str params; /* the header's parameters, raw */
	bool has_expires; /* Contact */
	uint32_t expires;
	bool has_q;
	uint16_t q; /* q times 1000: 0..1000 */
};
/* code is the error for this header: SIP_ERR_BAD_FROM, _BAD_TO, ... */
int sip_addr_parse(struct sip_str v, enum sip_err code, struct sip_addr *out,
		   struct sip_error *err);
int sip_from_parse(struct sip_str v, struct sip_addr *out,
		   struct sip_error *err);
int sip_to_parse(struct sip_str v, struct sip_addr *out, struct sip_error *err);
/* one Contact element: "*" or a name-addr with expires and q */
int sip_contact_parse(struct sip_str v, struct sip_addr *out,
		      struct sip_error *err);
/* one Route or Record-Route element: a name-addr, <> required */
int sip_route_parse(struct sip_str v, struct sip_addr *out,
		    struct sip_error *err);

/* Call-ID: word [ "@" word ] */
int sip_call_id_parse(struct sip_str v, struct sip_str *out,
		      struct sip_error *err);

struct sip_cseq {
	uint32_t seq; /* 0 .. 2^31 - 1 */
	enum sip_method method;
	struct sip_str method_str;
};
int sip_cseq_parse(struct sip_str v, struct sip_cseq *out,
		   struct sip_error *err);

/* Max-Forwards: 0..255 */
int sip_max_forwards_parse(struct sip_str v, uint8_t *out,
			   struct sip_error *err);
/* Content-Length: up to SIP_MSG_MAX */
int sip_content_length_parse(struct sip_str v, uint32_t *out,
			     struct sip_error *err);
/* Expires, Min-Expires: delta-seconds; beyond 2^32 - 1 reads as that */
int sip_expires_parse(struct sip_str v, uint32_t *out, struct sip_error *err);

struct sip_content_type {
	struct sip_str type, subtype, params;
};
int sip_content_type_parse(struct sip_str v, struct sip_content_type *out,
			   struct sip_error *err);

/*
 * Require, Supported, Proxy-Require, Unsupported: option tags into
 * tags[max]; *n is how many.
 */
int sip_option_tags_parse(struct sip_str v, struct sip_str *tags,
			  unsigned int max, unsigned int *n,
			  struct sip_error *err);

/* Allow: the known methods as bits (1 << SIP_METHOD_x), others counted */
struct sip_allow {
	uint32_t mask;
	unsigned int other;
};
int sip_allow_parse(struct sip_str v, struct sip_allow *out,
		    struct sip_error *err);

enum sip_refresher {
	SIP_REFRESHER_NONE,
	SIP_REFRESHER_UAC,
	SIP_REFRESHER_UAS,
};
struct sip_session_expires {
	uint32_t delta;
	enum sip_refresher refresher;
	struct sip_str params;
};
/* Session-Expires (RFC 4028); Min-SE is the same without a refresher */
int sip_session_expires_parse(struct sip_str v, struct sip_session_expires *out,
			      struct sip_error *err);
int sip_min_se_parse(struct sip_str v, uint32_t *out, struct sip_error *err);

/*
 * Authorization, Proxy-Authorization, WWW-Authenticate,
 * Proxy-Authenticate: a scheme and comma-separated auth-params. Quoted
 * values come without their quotes, quoted-pairs as sent.
 */
struct sip_auth {
	struct sip_str scheme; /* "Digest" */
	struct sip_str username, realm, nonce, uri, response, algorithm;
	struct sip_str cnonce, opaque, qop, nc, domain, stale;
	struct sip_str params; /* everything after the scheme */
};
int sip_auth_parse(struct sip_str v, struct sip_auth *out,
		   struct sip_error *err);

#endif /* SIPHON_SIP_HDR_H */
