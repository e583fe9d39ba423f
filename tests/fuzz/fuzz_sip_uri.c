// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for user/sip/sip_uri*.c. The input is parsed from an
 * exact-size heap copy so ASan sees any overread. A URI that parses must
 * equal itself, and equality with a second URI, parsed from the input's
 * second half, must not depend on the order of the arguments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_uri.h"

static int parse_copy(const uint8_t *data, size_t len, struct sip_uri *u,
		      char **copy)
{
	struct sip_error err;
	int ret;

	*copy = malloc(len ? len : 1);
	if (!*copy)
		return -1;
	memcpy(*copy, data, len);
	ret = sip_uri_parse(sip_str_of(*copy, len), u, &err);
	if (ret && (err.offset > len || err.code < SIP_ERR_URI_BAD_SCHEME ||
		    err.code > SIP_ERR_URI_BAD_TEL))
		abort();
	return ret;
}

/* the helpers must not read outside the spans either */
static void exercise(const struct sip_uri *u)
{
	char buf[64];
	unsigned int i;

	if (!sip_uri_equal(u, u))
		abort();
	(void)sip_uri_port(u);
	(void)sip_uri_host_is_ip(u);
	(void)sip_uri_unescape(u->user, buf, sizeof(buf));
	for (i = 0; i < u->nparams; i++)
		(void)sip_uri_unescape(u->params[i].value, buf, sizeof(buf));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_uri a, b;
	char *copy_a, *copy_b = NULL;
	size_t half = size / 2;

	if (size > 4096)
		return 0;
	if (parse_copy(data, size, &a, &copy_a) == 0) {
		exercise(&a);
		if (parse_copy(data + half, size - half, &b, &copy_b) == 0 &&
		    sip_uri_equal(&a, &b) != sip_uri_equal(&b, &a))
			abort();
	}
	free(copy_a);
	free(copy_b);
	return 0;
}
