/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mark siphond puts on the Contact of a phone behind NAT, so that
 * requests inside its dialogs reach it through the NAT's mapping.
 *
 * Such a phone writes its own, private, address in its Contact, and the
 * other phone sends every request of the dialog (ACK, BYE, re-INVITE) to
 * that address, through siphond, which record-routed the dialog. siphond
 * cannot reach a private address; the NAT's mapping (the address and port
 * the phone's message came from) it can. So the Contact leaves siphond
 * with one more URI parameter naming that mapping,
 *
 *   <sip:bob@192.168.1.20:5060;siphon-nat=203.0.113.9~61034>
 *
 * the other phone copies it into the Request-URI of its requests, as
 * RFC 3261 12.2.1.1 says, and siphond sends those to the address in the
 * mark and takes the mark off again: the phone gets its own Contact back,
 * byte for byte. Nothing is kept per dialog, so a restart loses nothing,
 * and a phone not behind NAT, or a dialog siphond does not record-route,
 * is never marked. (Kamailio's nathelper does the same with its "alias"
 * parameter; RFC 5626 flow tokens would need the phones' support.)
 */
#ifndef SIPHOND_NAT_MARK_H
#define SIPHOND_NAT_MARK_H

#include <stddef.h>

#include "sip/sip_str.h"
#include "sockaddr.h"

#define NAT_MARK_PARAM "siphon-nat"

/*
 * The Contact value v (one element: a name-addr or addr-spec with its
 * header params) with the mark of src added to its URI, into buf. 0 and
 * *out, or -1: v is "*", does not parse, is marked already, or does not
 * fit.
 */
int nat_mark_contact(struct sip_str v, const union sd_sockaddr *src, char *buf,
		     size_t cap, struct sip_str *out);

/*
 * A Request-URI that may carry a mark: 1 with *to the address it names
 * and *out the URI without it (into buf); 0 when it carries none; -1 when
 * the mark is not an address and port, or the URI does not parse.
 */
int nat_mark_take(struct sip_str uri, char *buf, size_t cap,
		  struct sip_str *out, union sd_sockaddr *to);

#endif /* SIPHOND_NAT_MARK_H */
