/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sip:, sips: (RFC 3261 19.1, 25.1) and tel: (RFC 3966) URIs, parsed in
 * place: every field is a span of the caller's text, nothing is copied or
 * allocated, and at most SIP_PARAMS_MAX parameters and as many headers are
 * kept. Spans keep their %-escapes; sip_uri_unescape() decodes one on demand
 * and sip_uri_equal() compares escaped and plain forms as RFC 3261 19.1.4
 * asks.
 */
#ifndef SIPHON_SIP_URI_H
#define SIPHON_SIP_URI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_error.h"
#include "sip_limits.h"
#include "sip_str.h"

enum sip_uri_scheme {
	SIP_URI_SIP,
	SIP_URI_SIPS,
	SIP_URI_TEL,
};

enum sip_uri_host_type {
	SIP_URI_HOST_NONE, /* tel: has no host */
	SIP_URI_HOST_NAME,
	SIP_URI_HOST_IPV4,
	SIP_URI_HOST_IPV6,
};

enum sip_uri_transport {
	SIP_URI_TRANSPORT_NONE, /* no transport= parameter */
	SIP_URI_TRANSPORT_UDP,
	SIP_URI_TRANSPORT_TCP,
	SIP_URI_TRANSPORT_SCTP,
	SIP_URI_TRANSPORT_TLS,
	SIP_URI_TRANSPORT_WS,
	SIP_URI_TRANSPORT_WSS,
	SIP_URI_TRANSPORT_OTHER, /* a token we do not know: see .transport */
};

/* ";name" has an empty value with value.p == NULL; ";name=" is refused */
struct sip_uri_param {
	struct sip_str name;
	struct sip_str value;
};

struct sip_uri {
	enum sip_uri_scheme scheme;

	/* sip:, sips: userinfo; password.p != NULL when a ':' was there */
	struct sip_str user;
	struct sip_str password;

	/* the host as written, brackets included for IPv6 */
	struct sip_str host;
	enum sip_uri_host_type host_type;
	uint8_t addr[16]; /* IPv4 in addr[0..3], IPv6 in all 16, network order */
	bool has_port;
	uint16_t port;

	/* the parameters RFC 3261 names, also kept in params[] */
	enum sip_uri_transport transport_type;
	struct sip_str transport;
	struct sip_str user_param; /* user=phone, user=ip */
	struct sip_str method;
	struct sip_str maddr;
	int16_t ttl; /* -1 when absent */
	bool lr;

	/* tel: the number as written, separators included, and its kind */
	struct sip_str number;
	bool global; /* "+" and a country code; else phone_context is set */
	struct sip_str ext;
	struct sip_str isub;
	struct sip_str phone_context;

	/* every parameter and header in order of appearance */
	uint8_t nparams;
	uint8_t nheaders;
	struct sip_uri_param params[SIP_PARAMS_MAX];
	struct sip_uri_param headers[SIP_PARAMS_MAX];
};

/*
 * Parses the whole of text, which holds one URI and nothing else (callers
 * strip "<>" and display names). Returns 0, or -1 with err->code one of
 * SIP_ERR_URI_* and err->offset relative to text.p, the URI's first byte:
 * callers embedding the URI in a message add their own base.
 */
int sip_uri_parse(struct sip_str text, struct sip_uri *uri,
		  struct sip_error *err);

/*
 * RFC 3261 19.1.4 for sip: and sips:, RFC 3966 section 4 for tel:. Both
 * URIs must have parsed; URIs of different schemes are never equal.
 */
bool sip_uri_equal(const struct sip_uri *a, const struct sip_uri *b);

/*
 * Decodes the %-escapes of one component into buf. Returns the decoded
 * length, or -1 when an escape is malformed or buf is too small. buf is not
 * NUL-terminated.
 */
int sip_uri_unescape(struct sip_str in, char *buf, size_t size);

/* the host is an IPv4 address or an IPv6 reference, not a name */
bool sip_uri_host_is_ip(const struct sip_uri *uri);

/*
 * RFC 3263's default: 5061 for sips: or transport=tls, 5060 otherwise;
 * 0 for tel:. sip_uri_port() is the explicit port if there is one.
 */
uint16_t sip_uri_default_port(const struct sip_uri *uri);
uint16_t sip_uri_port(const struct sip_uri *uri);

/*
 * The entry of list (params or headers) called name, ignoring case and
 * escapes, or NULL. Parameter names are unique in a parsed URI.
 */
const struct sip_uri_param *sip_uri_find(const struct sip_uri_param *list,
					 unsigned int n, struct sip_str name);

/* the same for a parameter named by a C string */
const struct sip_uri_param *sip_uri_param_find(const struct sip_uri *uri,
					       const char *name);

#endif /* SIPHON_SIP_URI_H */
