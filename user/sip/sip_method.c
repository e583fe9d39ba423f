// SPDX-License-Identifier: GPL-2.0-only
#include "sip_method.h"

#define SIP_METHOD_NAME(name, str) [SIP_METHOD_##name] = str,
/* one entry a line, which clang-format would fold */
/* clang-format off */
static const char *const names[SIP_METHOD_MAX] = {
	[SIP_METHOD_NONE] = "NONE",
	[SIP_METHOD_OTHER] = "OTHER",
	SIP_METHODS(SIP_METHOD_NAME)
};
/* clang-format on */
#undef SIP_METHOD_NAME

enum sip_method sip_method_of(struct sip_str s)
{
	int m;

	/* the first byte and the length rule out almost every candidate */
	for (m = SIP_METHOD_INVITE; m < SIP_METHOD_OTHER; m++) {
		const char *n = names[m];

		if (s.len && n[0] == s.p[0] && strlen(n) == s.len &&
		    !memcmp(n, s.p, s.len))
			return (enum sip_method)m;
	}
	return SIP_METHOD_OTHER;
}

const char *sip_method_name(enum sip_method m)
{
	return (unsigned int)m < SIP_METHOD_MAX ? names[m] : "NONE";
}
