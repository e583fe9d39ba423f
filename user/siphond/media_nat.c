// SPDX-License-Identifier: GPL-2.0-only
/* Telling a phone behind NAT from its SDP and its source; see media_nat.h. */
#include "media_nat.h"

#include <arpa/inet.h>
#include <string.h>

struct prefix4 {
	uint32_t net, mask; /* host order */
};

static bool v4_private(uint32_t a)
{
	static const struct prefix4 nets[] = {
		{ 0x0a000000, 0xff000000 }, /* 10/8 */
		{ 0xac100000, 0xfff00000 }, /* 172.16/12 */
		{ 0xc0a80000, 0xffff0000 }, /* 192.168/16 */
		{ 0x64400000, 0xffc00000 }, /* 100.64/10 */
		{ 0xa9fe0000, 0xffff0000 }, /* 169.254/16 */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a & nets[i].mask) == nets[i].net)
			return true;
	return false;
}

static bool v4_mapped(const struct endpoint *ep)
{
	return !ep->addr[0] && !ep->addr[1] && ep->addr[2] == htonl(0xffff);
}

bool media_addr_private(const struct endpoint *ep)
{
	uint32_t first = ntohl(ep->addr[0]);

	if (ep->family == SIPHON_AF_INET)
		return v4_private(first);
	if (v4_mapped(ep))
		return v4_private(ntohl(ep->addr[3]));
	/* fc00::/7 unique local, fe80::/10 link-local */
	return (first & 0xfe000000) == 0xfc000000 ||
	       (first & 0xffc00000) == 0xfe800000;
}

/* src's address as an endpoint of sdp's family; false when it has another */
static bool source_of(const union sd_sockaddr *src, const struct endpoint *sdp,
		      struct endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (src->sa.sa_family == AF_INET && sdp->family == SIPHON_AF_INET) {
		out->family = SIPHON_AF_INET;
		out->addr[0] = src->in.sin_addr.s_addr;
		return true;
	}
	if (src->sa.sa_family == AF_INET6 && sdp->family == SIPHON_AF_INET6) {
		out->family = SIPHON_AF_INET6;
		memcpy(out->addr, &src->in6.sin6_addr, sizeof(out->addr));
		return true;
	}
	return false;
}

bool media_behind_nat(enum cfg_media_nat mode, const struct endpoint *sdp,
		      const union sd_sockaddr *src, struct endpoint *pub)
{
	if (mode == CFG_NAT_NO || !src || !source_of(src, sdp, pub))
		return false;
	if (!memcmp(pub->addr, sdp->addr, sizeof(pub->addr)))
		return false;
	if (mode == CFG_NAT_PRIVATE && !media_addr_private(sdp))
		return false;
	pub->port = sdp->port;
	return true;
}

/* the Contact's host as an endpoint; false when it names a host */
static bool contact_endpoint(const struct sip_uri *uri, struct endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (uri->host_type == SIP_URI_HOST_IPV4) {
		ep->family = SIPHON_AF_INET;
		memcpy(ep->addr, uri->addr, 4);
		return true;
	}
	if (uri->host_type == SIP_URI_HOST_IPV6) {
		ep->family = SIPHON_AF_INET6;
		memcpy(ep->addr, uri->addr, 16);
		return true;
	}
	return false;
}

bool media_nat_contact(enum cfg_media_nat mode, const struct sip_uri *contact,
		       const union sd_sockaddr *src)
{
	struct endpoint ep, from;

	if (mode == CFG_NAT_NO)
		return false;
	if (!contact_endpoint(contact, &ep))
		return mode == CFG_NAT_DIFFERS;
	/* another family than the source: not the address it came from */
	if (source_of(src, &ep, &from) &&
	    !memcmp(from.addr, ep.addr, sizeof(ep.addr)))
		return false;
	return mode == CFG_NAT_DIFFERS || media_addr_private(&ep);
}
