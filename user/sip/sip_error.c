// SPDX-License-Identifier: GPL-2.0-only
#include "sip_error.h"

#define SIP_ERROR_PHRASE(name, phrase) [SIP_ERR_##name] = phrase,
static const char *const phrases[SIP_ERR_MAX] = { SIP_ERRORS(
	SIP_ERROR_PHRASE) };
#undef SIP_ERROR_PHRASE

#define SIP_ERROR_NAME(name, phrase) [SIP_ERR_##name] = #name,
static const char *const names[SIP_ERR_MAX] = { SIP_ERRORS(SIP_ERROR_NAME) };
#undef SIP_ERROR_NAME

const char *sip_err_phrase(enum sip_err code)
{
	return (unsigned int)code < SIP_ERR_MAX ? phrases[code] :
						  "unknown error";
}

const char *sip_err_name(enum sip_err code)
{
	return (unsigned int)code < SIP_ERR_MAX ? names[code] : "UNKNOWN";
}
