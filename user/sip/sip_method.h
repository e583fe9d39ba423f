/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP methods. Method names are case-sensitive (RFC 3261 section 7.1):
 * "invite" is an unknown extension method, not INVITE.
 */
#ifndef SIPHON_SIP_METHOD_H
#define SIPHON_SIP_METHOD_H

#include "siphon/sip.h"
#include "sip_str.h"

/*
 * X(ENUM_SUFFIX, "wire name"): the list the XDP classifier uses too
 * (include/siphon/sip.h), so enum sip_method and enum siphon_sip_method
 * number every method alike.
 */
#define SIP_METHODS(X) SIPHON_SIP_METHODS(X)

#define SIP_METHOD_ENUM(name, str) SIP_METHOD_##name,
/* SIP_METHOD_OTHER: a valid token we do not know, kept as its span */
/* clang-format off */
enum sip_method {
	SIP_METHOD_NONE, /* a response, or not parsed */
	SIP_METHODS(SIP_METHOD_ENUM)
	SIP_METHOD_OTHER,
	SIP_METHOD_MAX
};
/* clang-format on */
#undef SIP_METHOD_ENUM

/* the method a token names; SIP_METHOD_OTHER for any other token */
enum sip_method sip_method_of(struct sip_str s);
/* "INVITE"; "OTHER" and "NONE" for the two catch-alls */
const char *sip_method_name(enum sip_method m);

#endif /* SIPHON_SIP_METHOD_H */
