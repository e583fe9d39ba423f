// SPDX-License-Identifier: GPL-2.0-only
/* A BYE's bytes; see dialog_bye_build.h. */
#include "dialog_bye_build.h"

#include <string.h>

/* a value written as given must not end the line or the message early */
static bool one_line(struct sip_str s)
{
	return s.len && sip_build_text_ok(s);
}

static bool inputs_ok(const struct dialog_bye_msg *b)
{
	const char *t;

	if (!one_line(b->ruri) || !one_line(b->from) || !one_line(b->to) ||
	    !one_line(b->call_id) || !one_line(b->via.transport) ||
	    !one_line(b->via.host) || (b->route.len && !one_line(b->route)))
		return false;
	if (b->via.branch.len < sizeof(SIP_BRANCH_COOKIE) - 1 ||
	    memcmp(b->via.branch.p, SIP_BRANCH_COOKIE,
		   sizeof(SIP_BRANCH_COOKIE) - 1) ||
	    !sip_build_token_ok(b->via.branch))
		return false;
	if (b->cause < 100 || b->cause > 699 || !b->text)
		return false;
	for (t = b->text; *t; t++)
		if (*t == '"' || *t == '\\' || (unsigned char)*t < 0x20)
			return false;
	return true;
}

/* "SIP/2.0/UDP host:port;branch=..." with an IPv6 host in brackets */
static void write_via(struct sip_wr *w, const struct sip_hop *via)
{
	bool v6 = memchr(via->host.p, ':', via->host.len) &&
		  via->host.p[0] != '[';

	sip_wr_cstr(w, "Via: SIP/2.0/");
	sip_wr_str(w, via->transport);
	sip_wr_cstr(w, v6 ? " [" : " ");
	sip_wr_str(w, via->host);
	if (v6)
		sip_wr_cstr(w, "]");
	if (via->port) {
		sip_wr_cstr(w, ":");
		sip_wr_uint(w, via->port);
	}
	sip_wr_cstr(w, ";branch=");
	sip_wr_str(w, via->branch);
	sip_wr_cstr(w, "\r\n");
}

int dialog_bye_build(const struct dialog_bye_msg *b, char *out, size_t cap)
{
	struct sip_error e;
	struct sip_wr w;

	if (!inputs_ok(b))
		return -1;
	sip_wr_init(&w, out, cap);
	sip_wr_cstr(&w, "BYE ");
	sip_wr_str(&w, b->ruri);
	sip_wr_cstr(&w, " SIP/2.0\r\n");
	write_via(&w, &b->via);
	if (b->route.len) {
		sip_wr_cstr(&w, "Route: ");
		sip_wr_str(&w, b->route);
		sip_wr_cstr(&w, "\r\n");
	}
	sip_wr_cstr(&w, "Max-Forwards: 70\r\nFrom: ");
	sip_wr_str(&w, b->from);
	sip_wr_cstr(&w, "\r\nTo: ");
	sip_wr_str(&w, b->to);
	sip_wr_cstr(&w, "\r\nCall-ID: ");
	sip_wr_str(&w, b->call_id);
	sip_wr_cstr(&w, "\r\nCSeq: ");
	sip_wr_uint(&w, b->cseq);
	sip_wr_cstr(&w, " BYE\r\nReason: SIP;cause=");
	sip_wr_uint(&w, b->cause);
	sip_wr_cstr(&w, ";text=\"");
	sip_wr_cstr(&w, b->text);
	sip_wr_cstr(&w, "\"\r\nContent-Length: 0\r\n\r\n");
	return sip_wr_end(&w, &e);
}
