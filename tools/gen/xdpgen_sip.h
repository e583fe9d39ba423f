/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SIP requests of xdpgen's SIP mode (--sip): the text of an INVITE
 * (with an SDP offer), a REGISTER and an OPTIONS ping, as a phone or a
 * flood tool writes them, from the generator's addresses. Each has two
 * XDPGEN_SIP_ID_DIGITS runs of '0's, the Via branch and the Call-ID,
 * where xdpgen.bpf.c writes an id of its own per frame. Header only, as
 * every tool is one .c file.
 *
 * The Request-URI names the destination address and port: an OPTIONS
 * "sip:DST:PORT" is a ping to that proxy itself (bpf/sip_options.h
 * answers it when DST is siphond's listening address); an INVITE goes
 * to user 1000, a REGISTER binds user xdpgen there. The From tag is
 * fixed, the To has none, the User-Agent names no scanner.
 */
#ifndef SIPHON_TOOLS_XDPGEN_SIP_H
#define SIPHON_TOOLS_XDPGEN_SIP_H

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "xdpgen.h"

enum xdpgen_sip_method {
	XDPGEN_SIP_INVITE,
	XDPGEN_SIP_REGISTER,
	XDPGEN_SIP_OPTIONS,
};

static const char *const xdpgen_sip_names[] = {
	[XDPGEN_SIP_INVITE] = "invite",
	[XDPGEN_SIP_REGISTER] = "register",
	[XDPGEN_SIP_OPTIONS] = "options",
};

/* where an id goes while the text is written: a byte SIP text never has */
#define XDPGEN_SIP_MARK '\x01'

struct xdpgen_sip_addrs {
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	unsigned int sport, dport;
};

/* "invite" (any case): the method, or -1 */
static inline int xdpgen_sip_method(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(xdpgen_sip_names) / sizeof(*xdpgen_sip_names);
	     i++)
		if (!strcasecmp(name, xdpgen_sip_names[i]))
			return i;
	return -1;
}

/* the SDP offer of the INVITE: one PCMU stream, as a phone's */
static inline int xdpgen_sip_sdp(char *buf, size_t size,
				 const struct xdpgen_sip_addrs *a)
{
	return snprintf(buf, size,
			"v=0\r\n"
			"o=xdpgen 1 1 IN IP4 %s\r\n"
			"s=-\r\n"
			"c=IN IP4 %s\r\n"
			"t=0 0\r\n"
			"m=audio 40000 RTP/AVP 0 101\r\n"
			"a=rtpmap:0 PCMU/8000\r\n"
			"a=rtpmap:101 telephone-event/8000\r\n"
			"a=sendrecv\r\n",
			a->src, a->src);
}

/* the request's text, ids marked; its length, or -1 when it does not fit */
static inline int xdpgen_sip_text(char *buf, size_t size, int method,
				  const struct xdpgen_sip_addrs *a)
{
	char id[XDPGEN_SIP_ID_DIGITS + 1], sdp[512];
	int n, sdp_len = 0;

	memset(id, XDPGEN_SIP_MARK, XDPGEN_SIP_ID_DIGITS);
	id[XDPGEN_SIP_ID_DIGITS] = '\0';
	switch (method) {
	case XDPGEN_SIP_INVITE:
		sdp_len = xdpgen_sip_sdp(sdp, sizeof(sdp), a);
		n = snprintf(buf, size,
			     "INVITE sip:1000@%s:%u SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
			     "Max-Forwards: 70\r\n"
			     "From: <sip:xdpgen@%s>;tag=xdpgen\r\n"
			     "To: <sip:1000@%s>\r\n"
			     "Call-ID: %s@xdpgen\r\n"
			     "CSeq: 1 INVITE\r\n"
			     "Contact: <sip:xdpgen@%s:%u>\r\n"
			     "User-Agent: xdpgen\r\n"
			     "Content-Type: application/sdp\r\n"
			     "Content-Length: %d\r\n\r\n%s",
			     a->dst, a->dport, a->src, a->sport, id, a->src,
			     a->dst, id, a->src, a->sport, sdp_len, sdp);
		break;
	case XDPGEN_SIP_REGISTER:
		n = snprintf(buf, size,
			     "REGISTER sip:%s:%u SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
			     "Max-Forwards: 70\r\n"
			     "From: <sip:xdpgen@%s>;tag=xdpgen\r\n"
			     "To: <sip:xdpgen@%s>\r\n"
			     "Call-ID: %s@xdpgen\r\n"
			     "CSeq: 1 REGISTER\r\n"
			     "Contact: <sip:xdpgen@%s:%u>\r\n"
			     "Expires: 3600\r\n"
			     "User-Agent: xdpgen\r\n"
			     "Content-Length: 0\r\n\r\n",
			     a->dst, a->dport, a->src, a->sport, id, a->dst,
			     a->dst, id, a->src, a->sport);
		break;
	case XDPGEN_SIP_OPTIONS:
		n = snprintf(buf, size,
			     "OPTIONS sip:%s:%u SIP/2.0\r\n"
			     "Via: SIP/2.0/UDP %s:%u;branch=z9hG4bK%s;rport\r\n"
			     "Max-Forwards: 70\r\n"
			     "From: <sip:ping@%s>;tag=xdpgen\r\n"
			     "To: <sip:%s:%u>\r\n"
			     "Call-ID: %s@xdpgen\r\n"
			     "CSeq: 1 OPTIONS\r\n"
			     "User-Agent: xdpgen\r\n"
			     "Accept: application/sdp\r\n"
			     "Content-Length: 0\r\n\r\n",
			     a->dst, a->dport, a->src, a->sport, id, a->src,
			     a->dst, a->dport, id);
		break;
	default:
		return -1;
	}
	return n > 0 && (size_t)n < size && sdp_len >= 0 ? n : -1;
}

/*
 * The template of one request: its payload with the ids as '0's and
 * their offsets noted; 0, or -1 when it does not fit.
 */
static inline int xdpgen_sip_tmpl_fill(struct xdpgen_sip_tmpl *t, int method,
				       const struct xdpgen_sip_addrs *a)
{
	char text[XDPGEN_SIP_PAYLOAD_MAX + 1];
	int len, i, k = 0;

	len = xdpgen_sip_text(text, sizeof(text), method, a);
	if (len < 0)
		return -1;
	for (i = 0; i < len; i++) {
		if (text[i] != XDPGEN_SIP_MARK)
			continue;
		if (k >= XDPGEN_SIP_IDS)
			return -1;
		t->id_off[k++] = i;
		memset(&text[i], '0', XDPGEN_SIP_ID_DIGITS);
		i += XDPGEN_SIP_ID_DIGITS - 1;
	}
	if (k != XDPGEN_SIP_IDS)
		return -1;
	memcpy(t->payload, text, len);
	t->len = len;
	return 0;
}

#endif /* SIPHON_TOOLS_XDPGEN_SIP_H */
