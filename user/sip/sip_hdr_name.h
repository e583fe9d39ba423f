/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every header name siphon recognises, with its compact form (RFC 3261
 * section 7.3.3 and the IANA registry) and how it may repeat. Names are
 * compared case-insensitively; anything else is SIP_HDR_OTHER and keeps
 * its name span in the message.
 */
#ifndef SIPHON_SIP_HDR_NAME_H
#define SIPHON_SIP_HDR_NAME_H

#include <stdint.h>

#include "sip_str.h"

enum {
	SIP_HF_SINGLE = 1 << 0, /* one value: differing copies conflict */
	SIP_HF_LIST = 1 << 1, /* comma-separated values, may repeat */
};

#define S SIP_HF_SINGLE
#define L SIP_HF_LIST
/* X(ENUM_SUFFIX, "Full-Name", compact form or 0, flags) */
#define SIP_HEADERS(X)                                        \
	X(ACCEPT, "Accept", 0, L)                             \
	X(ACCEPT_CONTACT, "Accept-Contact", 'a', L)           \
	X(ACCEPT_ENCODING, "Accept-Encoding", 0, L)           \
	X(ACCEPT_LANGUAGE, "Accept-Language", 0, L)           \
	X(ALERT_INFO, "Alert-Info", 0, L)                     \
	X(ALLOW, "Allow", 0, L)                               \
	X(ALLOW_EVENTS, "Allow-Events", 'u', L)               \
	X(AUTHENTICATION_INFO, "Authentication-Info", 0, 0)   \
	X(AUTHORIZATION, "Authorization", 0, 0)               \
	X(CALL_ID, "Call-ID", 'i', S)                         \
	X(CALL_INFO, "Call-Info", 0, L)                       \
	X(CONTACT, "Contact", 'm', L)                         \
	X(CONTENT_DISPOSITION, "Content-Disposition", 0, S)   \
	X(CONTENT_ENCODING, "Content-Encoding", 'e', L)       \
	X(CONTENT_LANGUAGE, "Content-Language", 0, L)         \
	X(CONTENT_LENGTH, "Content-Length", 'l', S)           \
	X(CONTENT_TYPE, "Content-Type", 'c', S)               \
	X(CSEQ, "CSeq", 0, S)                                 \
	X(DATE, "Date", 0, S)                                 \
	X(ERROR_INFO, "Error-Info", 0, L)                     \
	X(EVENT, "Event", 'o', S)                             \
	X(EXPIRES, "Expires", 0, S)                           \
	X(FROM, "From", 'f', S)                               \
	X(IDENTITY, "Identity", 'y', 0)                       \
	X(IDENTITY_INFO, "Identity-Info", 'n', 0)             \
	X(IN_REPLY_TO, "In-Reply-To", 0, L)                   \
	X(MAX_FORWARDS, "Max-Forwards", 0, S)                 \
	X(MIME_VERSION, "MIME-Version", 0, S)                 \
	X(MIN_EXPIRES, "Min-Expires", 0, S)                   \
	X(MIN_SE, "Min-SE", 0, S)                             \
	X(ORGANIZATION, "Organization", 0, 0)                 \
	X(P_ASSERTED_IDENTITY, "P-Asserted-Identity", 0, L)   \
	X(P_PREFERRED_IDENTITY, "P-Preferred-Identity", 0, L) \
	X(PATH, "Path", 0, L)                                 \
	X(PRIORITY, "Priority", 0, S)                         \
	X(PRIVACY, "Privacy", 0, 0)                           \
	X(PROXY_AUTHENTICATE, "Proxy-Authenticate", 0, 0)     \
	X(PROXY_AUTHORIZATION, "Proxy-Authorization", 0, 0)   \
	X(PROXY_REQUIRE, "Proxy-Require", 0, L)               \
	X(RACK, "RAck", 0, S)                                 \
	X(REASON, "Reason", 0, L)                             \
	X(RECORD_ROUTE, "Record-Route", 0, L)                 \
	X(REFER_TO, "Refer-To", 'r', 0)                       \
	X(REFERRED_BY, "Referred-By", 'b', 0)                 \
	X(REJECT_CONTACT, "Reject-Contact", 'j', L)           \
	X(REPLACES, "Replaces", 0, 0)                         \
	X(REPLY_TO, "Reply-To", 0, 0)                         \
	X(REQUEST_DISPOSITION, "Request-Disposition", 'd', L) \
	X(REQUIRE, "Require", 0, L)                           \
	X(RETRY_AFTER, "Retry-After", 0, 0)                   \
	X(ROUTE, "Route", 0, L)                               \
	X(RSEQ, "RSeq", 0, S)                                 \
	X(SERVER, "Server", 0, 0)                             \
	X(SERVICE_ROUTE, "Service-Route", 0, L)               \
	X(SESSION_EXPIRES, "Session-Expires", 'x', S)         \
	X(SUBJECT, "Subject", 's', 0)                         \
	X(SUBSCRIPTION_STATE, "Subscription-State", 0, S)     \
	X(SUPPORTED, "Supported", 'k', L)                     \
	X(TIMESTAMP, "Timestamp", 0, 0)                       \
	X(TO, "To", 't', S)                                   \
	X(UNSUPPORTED, "Unsupported", 0, L)                   \
	X(USER_AGENT, "User-Agent", 0, 0)                     \
	X(VIA, "Via", 'v', L)                                 \
	X(WARNING, "Warning", 0, L)                           \
	X(WWW_AUTHENTICATE, "WWW-Authenticate", 0, 0)

#define SIP_HDR_ENUM(id, name, compact, flags) SIP_HDR_##id,
enum sip_hdr_id { SIP_HDR_OTHER, SIP_HEADERS(SIP_HDR_ENUM) SIP_HDR_MAX };
#undef SIP_HDR_ENUM
#undef S
#undef L

/* the id of a header name, full or compact; SIP_HDR_OTHER if unknown */
enum sip_hdr_id sip_hdr_id_of(const char *name, size_t len);
/* "Call-ID" (the full form); "" for SIP_HDR_OTHER */
const char *sip_hdr_name(enum sip_hdr_id id);
/* SIP_HF_* of a header; 0 for SIP_HDR_OTHER */
unsigned int sip_hdr_flags(enum sip_hdr_id id);

#endif /* SIPHON_SIP_HDR_NAME_H */
