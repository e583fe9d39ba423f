/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Why a message, URI or SDP body was refused, from one list: the enum, the
 * reason phrase siphond puts in a 400 ("Bad Request (bad CSeq)"), and the
 * name counters and logs use. Each parser sets the code and the offset of
 * the first byte it could not accept.
 *
 * Each parser owns a section; add new codes at the end of your section.
 */
#ifndef SIPHON_SIP_ERROR_H
#define SIPHON_SIP_ERROR_H

#include <stdint.h>

/* X(NAME, "phrase") */
#define SIP_ERRORS(X)                                                        \
	X(OK, "no error")                                                    \
	/* limits (sip_limits.h) */                                          \
	X(TOO_LONG, "message too long")                                      \
	X(TOO_MANY_HEADERS, "too many headers")                              \
	X(VALUE_TOO_LONG, "header value too long")                           \
	X(TOO_MANY_VALUES, "too many values in a header")                    \
	/* message: framing and start line */                                \
	X(EMPTY, "empty message")                                            \
	X(TRUNCATED, "message cut short")                                    \
	X(BAD_START_LINE, "bad start line")                                  \
	X(BAD_METHOD, "bad method")                                          \
	X(BAD_REQUEST_URI, "bad Request-URI")                                \
	X(BAD_VERSION, "not SIP/2.0")                                        \
	X(BAD_STATUS, "bad status code")                                     \
	X(BAD_HEADER_LINE, "bad header line")                                \
	X(BAD_HEADER_NAME, "bad header name")                                \
	X(BAD_LINE_END, "bad line ending")                                   \
	X(BAD_CONTENT_LENGTH, "bad Content-Length")                          \
	X(BODY_TRUNCATED, "Content-Length beyond the body")                  \
	X(MISSING_HEADER, "missing mandatory header")                        \
	X(DUPLICATE_HEADER, "conflicting duplicate header")                  \
	/* message: typed header values */                                   \
	X(BAD_VIA, "bad Via")                                                \
	X(BAD_FROM, "bad From")                                              \
	X(BAD_TO, "bad To")                                                  \
	X(BAD_CALL_ID, "bad Call-ID")                                        \
	X(BAD_CSEQ, "bad CSeq")                                              \
	X(CSEQ_METHOD_MISMATCH, "CSeq method differs from the request's")   \
	X(BAD_MAX_FORWARDS, "bad Max-Forwards")                              \
	X(BAD_CONTACT, "bad Contact")                                        \
	X(BAD_ROUTE, "bad Route or Record-Route")                            \
	X(BAD_CONTENT_TYPE, "bad Content-Type")                              \
	X(BAD_EXPIRES, "bad Expires")                                        \
	X(BAD_OPTION_TAGS, "bad option-tag list")                            \
	X(BAD_ALLOW, "bad Allow")                                            \
	X(BAD_SESSION_EXPIRES, "bad Session-Expires or Min-SE")              \
	X(BAD_AUTH, "bad Authorization or authenticate header")              \
	X(BAD_QUOTED_STRING, "bad quoted string")                            \
	X(BAD_PARAM, "bad parameter")                                        \
	/* URI (sip_uri.h) */                                                \
	X(URI_BAD_SCHEME, "URI: unsupported scheme")                         \
	X(URI_BAD_USER, "URI: bad user part")                                \
	X(URI_BAD_PASSWORD, "URI: bad password")                             \
	X(URI_BAD_HOST, "URI: bad host")                                     \
	X(URI_BAD_PORT, "URI: bad port")                                     \
	X(URI_BAD_PARAM, "URI: bad parameter")                               \
	X(URI_BAD_HEADERS, "URI: bad headers")                               \
	X(URI_BAD_ESCAPE, "URI: bad %-escape")                               \
	X(URI_BAD_TEL, "URI: bad telephone number")                          \
	/* SDP (sdp.h) */                                                    \
	X(SDP_BAD_LINE, "SDP: bad line")                                     \
	X(SDP_BAD_ORDER, "SDP: lines out of order")                          \
	X(SDP_BAD_VERSION, "SDP: bad v=")                                    \
	X(SDP_BAD_ORIGIN, "SDP: bad o=")                                     \
	X(SDP_BAD_CONNECTION, "SDP: bad c=")                                 \
	X(SDP_BAD_MEDIA, "SDP: bad m=")                                      \
	X(SDP_BAD_ATTRIBUTE, "SDP: bad a=")                                  \
	X(SDP_NO_CONNECTION, "SDP: a stream has no c=")                      \
	X(SDP_TOO_MANY_MEDIA, "SDP: too many m= lines")                      \
	X(SDP_NO_SPACE, "SDP: rewritten body does not fit")                  \
	X(SDP_TOO_MANY_ATTRS, "SDP: too many a= lines")                      \
	/* proxy (sip_build.h) */                                           \
	X(TOO_MANY_HOPS, "Max-Forwards reached zero")                         \
	/* multipart bodies (sip_multipart.h) */                             \
	X(MULTIPART_NO_BOUNDARY, "multipart: no boundary parameter")         \
	X(MULTIPART_BAD_BODY, "multipart: bad delimiter or part")            \
	X(MULTIPART_TOO_MANY_PARTS, "multipart: too many parts")

#define SIP_ERROR_ENUM(name, phrase) SIP_ERR_##name,
enum sip_err { SIP_ERRORS(SIP_ERROR_ENUM) SIP_ERR_MAX };
#undef SIP_ERROR_ENUM

struct sip_error {
	enum sip_err code;
	/* first byte not accepted, from the start of what the parser was given */
	uint32_t offset;
};

/*
 * Every outcome of a parse, counted by code (slot SIP_ERR_OK: accepted), so
 * each limit and each defect shows as its own counter in siphond's stats.
 */
struct sip_err_counts {
	uint64_t n[SIP_ERR_MAX];
};

static inline void sip_err_count(struct sip_err_counts *c, enum sip_err code)
{
	c->n[(unsigned int)code < SIP_ERR_MAX ? code : SIP_ERR_OK]++;
}

/* "bad CSeq"; "unknown error" outside the list */
const char *sip_err_phrase(enum sip_err code);
/* "BAD_CSEQ", for counters and logs */
const char *sip_err_name(enum sip_err code);

#endif /* SIPHON_SIP_ERROR_H */
