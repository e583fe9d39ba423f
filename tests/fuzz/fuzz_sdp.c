// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for sdp_parse() and sdp_rewrite(). Whatever parses is
 * anchored stream by stream to a fixed relay (IPv4 and IPv6 in turn), some
 * streams refused (port 0) as a byte of the input says, and
 * the rewritten body must parse again and read back what was written: a
 * body siphond forwards must never be one it would itself refuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp/sdp.h"

static struct sdp_session in, back;

static void fill_rewrite(struct sdp_rewrite *rw, const uint8_t *data,
			 size_t size)
{
	int i;

	memset(rw, 0, sizeof(*rw));
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		struct sdp_media_rewrite *mr = &rw->media[i];

		mr->anchor = true;
		mr->refuse = size > 1 && (data[size - 2] >> (i % 8)) & 1;
		mr->add_rtcp = i % 3 == 0;
		mr->rtp_port = (uint16_t)(30000 + 2 * i);
		mr->addr.af = i % 2 ? SDP_AF_IP6 : SDP_AF_IP4;
		strcpy(mr->addr.text, i % 2 ? "2001:db8::a" : "192.0.2.10");
	}
	/* a byte of the input picks the session options, so both are seen */
	rw->bump_version = size && (data[size - 1] & 1);
	rw->set_origin = size && (data[size - 1] & 2);
	rw->origin.af = SDP_AF_IP6;
	strcpy(rw->origin.text, "2001:db8::1");
}

static void check_stream(const struct sdp_rewrite *rw, unsigned int i)
{
	const struct sdp_media_rewrite *mr = &rw->media[i];
	const struct sdp_media *m = &back.media[i];
	const struct sdp_conn *c = sdp_media_conn(&back, i);

	if (!in.media[i].port || mr->refuse) {
		if (m->port)
			abort();
		return;
	}
	if (m->port != mr->rtp_port || !c || c->af != mr->addr.af ||
	    !sip_str_eq(c->address,
			sip_str_of(mr->addr.text, strlen(mr->addr.text))))
		abort();
	if ((in.media[i].rtcp.present || mr->add_rtcp) &&
	    (!m->rtcp.present ||
	     m->rtcp.port != sdp_rewrite_rtcp_port(&in, rw, i)))
		abort();
	if (m->rtcp_mux != in.media[i].rtcp_mux)
		abort();
}

static void check_rewrite(const struct sdp_rewrite *rw, const char *out,
			  size_t len)
{
	struct sip_error err;
	unsigned int i;

	if (sdp_parse(out, len, &back, &err))
		abort();
	if (back.n_media != in.n_media)
		abort();
	for (i = 0; i < in.n_media; i++)
		check_stream(rw, i);
	if (rw->set_origin && back.origin.addr.af != SDP_AF_IP6)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp_rewrite rw;
	struct sip_error err;
	char *copy, *out;
	size_t cap, len;

	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	if (sdp_parse(copy, size, &in, &err)) {
		if (err.offset > size)
			abort();
		free(copy);
		return 0;
	}
	fill_rewrite(&rw, data, size);
	/* each stream gains at most a c= and an a=rtcp line */
	cap = size + 1024 + SDP_MEDIA_MAX * 256;
	out = malloc(cap);
	if (sdp_rewrite(&in, &rw, out, cap, &len, &err)) {
		/* the one refusal a parsed body may get: a=rtcp over the limit */
		if (err.code != SIP_ERR_SDP_TOO_MANY_ATTRS)
			abort();
		free(out);
		free(copy);
		return 0;
	}
	check_rewrite(&rw, out, len);
	/* one byte short must fail cleanly */
	if (len && !sdp_rewrite(&in, &rw, out, len - 1, &cap, &err))
		abort();
	free(out);
	free(copy);
	return 0;
}
