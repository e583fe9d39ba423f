// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the SIP message parser: index, validate, walk
 * every header and every value, and run every typed parser on what it
 * finds, from an exact-size copy so ASan sees any read past the end. The
 * stream framer reads the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_lex.h"
#include "sip/sip_msg.h"

static struct sip_msg msg;

static void typed(const struct sip_hdr *h, struct sip_str v)
{
	union {
		struct sip_via via;
		struct sip_addr addr;
		struct sip_str s;
		struct sip_cseq cseq;
		struct sip_content_type ct;
		struct sip_allow allow;
		struct sip_session_expires se;
		struct sip_auth auth;
		uint32_t u32;
		uint8_t u8;
	} out;
	struct sip_str tags[SIP_VALUES_MAX];
	struct sip_error err;
	struct sip_param p;
	struct sip_str rest;
	unsigned int n;

	switch (h->id) {
	case SIP_HDR_VIA:
		if (!sip_via_parse(v, &out.via, &err)) {
			rest = out.via.params;
			while (sip_param_next(&rest, &p) == 1)
				;
		}
		break;
	case SIP_HDR_FROM:
	case SIP_HDR_TO:
		sip_from_parse(v, &out.addr, &err);
		break;
	case SIP_HDR_CONTACT:
		sip_contact_parse(v, &out.addr, &err);
		break;
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
		sip_route_parse(v, &out.addr, &err);
		break;
	case SIP_HDR_CALL_ID:
		sip_call_id_parse(v, &out.s, &err);
		break;
	case SIP_HDR_CSEQ:
		sip_cseq_parse(v, &out.cseq, &err);
		break;
	case SIP_HDR_MAX_FORWARDS:
		sip_max_forwards_parse(v, &out.u8, &err);
		break;
	case SIP_HDR_CONTENT_LENGTH:
		sip_content_length_parse(v, &out.u32, &err);
		break;
	case SIP_HDR_EXPIRES:
	case SIP_HDR_MIN_EXPIRES:
		sip_expires_parse(v, &out.u32, &err);
		break;
	case SIP_HDR_CONTENT_TYPE:
		sip_content_type_parse(v, &out.ct, &err);
		break;
	case SIP_HDR_ALLOW:
		sip_allow_parse(v, &out.allow, &err);
		break;
	case SIP_HDR_SESSION_EXPIRES:
		sip_session_expires_parse(v, &out.se, &err);
		break;
	case SIP_HDR_MIN_SE:
		sip_min_se_parse(v, &out.u32, &err);
		break;
	default:
		break;
	}
	/* whole-line parsers, whatever the header, to reach more paths */
	sip_option_tags_parse(h->value, tags, SIP_VALUES_MAX, &n, &err);
	sip_auth_parse(h->value, &out.auth, &err);
}

static void walk(struct sip_msg *m)
{
	struct sip_val_iter it;
	struct sip_error err;
	struct sip_str v;
	unsigned int i;
	int id;

	for (id = 0; id < SIP_HDR_MAX; id++) {
		sip_msg_values(m, id, &it);
		while (sip_val_next(&it, &v, &err) == 1)
			typed(it.h, v);
	}
	for (i = 0; i < m->nhdrs; i++)
		sip_msg_find(m, sip_hdr_name(m->hdrs[i].id));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_error err;
	size_t len;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	/* what the stream framer cuts must index to the same length */
	if (sip_msg_frame(buf, size, &len, &err) == SIP_FRAME_MSG &&
	    !sip_msg_parse(&msg, buf, len, &err) && msg.len != len)
		abort();
	if (!sip_msg_parse(&msg, buf, size, &err)) {
		walk(&msg);
		sip_msg_validate(&msg, &err);
		/* the second round comes from the cache */
		sip_msg_validate(&msg, &err);
	}
	free(buf);
	return 0;
}
