// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for multipart bodies (sip_multipart.h): a SIP message
 * whose Content-Type is taken for the body's. Whatever parses must index
 * only bytes of the body; an SDP part found is spliced out for another
 * content, and the new body must give back that content in its place,
 * every byte around it unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_msg.h"
#include "sip/sip_multipart.h"

static struct sip_msg msg;

static const char new_sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
			      "c=IN IP4 192.0.2.10\r\nt=0 0\r\n"
			      "m=audio 30000 RTP/AVP 0\r\n";

static void within(struct sip_str s, struct sip_str body)
{
	if (s.p && (s.p < body.p || s.p + s.len > body.p + body.len))
		abort();
}

static void check_splice(const struct sip_content_type *ct, struct sip_str body,
			 const struct sip_mp_part *pt)
{
	size_t cap = body.len + sizeof(new_sdp) + 16;
	struct sip_str content = sip_str_of(new_sdp, strlen(new_sdp));
	struct sip_mp_part again;
	struct sip_error err;
	char *out = malloc(cap);
	size_t head;
	int n;

	n = sip_multipart_splice(body, pt, content, out, cap);
	if (n < 0)
		abort();
	head = pt->length.p ? 0 : (size_t)(pt->content.p - body.p);
	if (memcmp(out, body.p, head))
		abort();
	/* the new SDP cannot hold a delimiter: the part is found again */
	if (sip_multipart_find(ct, sip_str_of(out, (size_t)n), "application",
			       "sdp", &again, &err) != 1 ||
	    !sip_str_eq(again.content, content))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sip_content_type *ct;
	struct sip_error err = { SIP_ERR_OK, 0 };
	struct sip_mp_part pt;
	char *copy;

	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (sip_msg_parse(&msg, copy, size, &err) ||
	    !(ct = sip_msg_content_type(&msg, &err))) {
		free(copy);
		return 0;
	}
	if (sip_multipart_find(ct, msg.body, "application", "sdp", &pt, &err) ==
	    1) {
		within(pt.headers, msg.body);
		within(pt.content, msg.body);
		within(pt.length, msg.body);
		check_splice(ct, msg.body, &pt);
	} else if (err.offset > msg.body.len) {
		abort();
	}
	free(copy);
	return 0;
}
