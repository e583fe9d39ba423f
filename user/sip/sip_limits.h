/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every bound the SIP and SDP parsers keep, named once. A message past one
 * is refused with the matching SIP_ERR_* code, which siphond counts.
 */
#ifndef SIPHON_SIP_LIMITS_H
#define SIPHON_SIP_LIMITS_H

/* a whole message, headers and body (UDP's ceiling; TCP frames the same) */
#define SIP_MSG_MAX 65535
/* header lines in one message, folded continuations not counted */
#define SIP_HEADERS_MAX 128
/* one header value, folding included */
#define SIP_VALUE_MAX 8192
/* comma-separated values of one header (Via, Contact, Route, ...) */
#define SIP_VALUES_MAX 32
/* parameters of one URI or one header value */
#define SIP_PARAMS_MAX 32
/* m= lines in one SDP body */
#define SDP_MEDIA_MAX 16
/* a= lines in one SDP body */
#define SDP_ATTRS_MAX 256

#endif /* SIPHON_SIP_LIMITS_H */
