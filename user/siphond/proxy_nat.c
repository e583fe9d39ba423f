// SPDX-License-Identifier: GPL-2.0-only
/*
 * Phones behind NAT in signalling: the Contact of a message from one gets
 * siphond's mark (nat_mark.h), when siphond is on the dialog's route, so
 * the other phone's requests in the dialog come back through siphond with
 * the NAT's mapping in their Request-URI (proxy_nat_target()). Which
 * phones are behind NAT is [media] nat's to say (media_nat.h), as it is
 * for their media. Only UDP: a phone on TCP is reached on its connection.
 */
#include "media_nat.h"
#include "nat_mark.h"
#include "proxy.h"
#include "sip/sip_lex.h"
#include "sip/sip_uri.h"

int proxy_nat_contact(struct siphond *d, struct sip_msg *m,
		      const struct sd_peer *from, char *buf, size_t cap,
		      struct sip_str *contact)
{
	const struct sip_hdr *h = sip_msg_first(m, SIP_HDR_CONTACT);
	struct sip_str rest, first;
	struct sip_error e;
	struct sip_addr a;
	struct sip_uri uri;

	if (!h || from->proto != SD_PROTO_UDP || d->cfg.media_nat == CFG_NAT_NO)
		return 0;
	rest = h->value;
	if (sip_list_next(&rest, &first) != 1 ||
	    sip_contact_parse(first, &a, &e) || a.star ||
	    sip_uri_parse(a.uri, &uri, &e) ||
	    !media_nat_contact(d->cfg.media_nat, &uri, &from->addr))
		return 0;
	if (nat_mark_contact(first, &from->addr, buf, cap, contact))
		return 0;
	d->stats.nat_marked_contacts++;
	return 1;
}
