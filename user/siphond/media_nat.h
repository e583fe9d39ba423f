/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Phones behind NAT ([media] nat). Such a phone writes its own, private,
 * address in its SDP, and its media reaches the relay from the NAT's
 * public address and from a port nobody signalled. A stream is taken for
 * one when its SDP address is not the address the SIP message came from,
 * and (with nat = private) is a private one. Its flows then expect media
 * from the message's source address, learn the port from the first
 * packet (in XDP), and send back to that address and port.
 */
#ifndef SIPHOND_MEDIA_NAT_H
#define SIPHOND_MEDIA_NAT_H

#include <stdbool.h>

#include "config.h"
#include "endpoint.h"
#include "siphon/flow.h"
#include "sip/sip_uri.h"
#include "sockaddr.h"

/* RFC 1918, RFC 6598 (shared, CGN), link-local, and IPv6 ULA (RFC 4193) */
bool media_addr_private(const struct endpoint *ep);

/*
 * The stream whose SDP names sdp (address and port) came in a message
 * from src: true when it is behind NAT, and *pub is where its media
 * really comes from (src's address, sdp's port as the first guess).
 */
bool media_behind_nat(enum cfg_media_nat mode, const struct endpoint *sdp,
		      const union sd_sockaddr *src, struct endpoint *pub);

/*
 * The same question for signalling: a message from src whose Contact is
 * contact comes from a phone behind NAT (its Contact gets siphond's mark,
 * nat_mark.h). Its address is compared, not its port: a phone may listen
 * on another port than it sends from. A Contact naming a host, not an
 * address, is behind NAT for "differs" only.
 */
bool media_nat_contact(enum cfg_media_nat mode, const struct sip_uri *contact,
		       const union sd_sockaddr *src);

#endif /* SIPHOND_MEDIA_NAT_H */
