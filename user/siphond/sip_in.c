// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where every SIP message enters siphond: parse, then a response goes to
 * its client transaction and a request to its server transaction (a
 * retransmission, absorbed there) or, when new, to the proxy core.
 * Responses nobody asked for are dropped and counted (RFC 3261 16.7
 * would forward them statelessly; a transaction-stateful edge does not).
 */
#include <errno.h>
#include <stdlib.h>

#include "log.h"
#include "proxy.h"
#include "siphond.h"

int sd_send(struct siphond *d, struct sd_peer *to, const char *buf, size_t len)
{
	if (to->proto == SD_PROTO_TCP)
		return d->tcp ? tcp_send(d->tcp, to, buf, len) :
				-EPROTONOSUPPORT;
	return udp_send(d->udp, to, buf, len);
}

static void response_in(struct siphond *d, struct sip_msg *m)
{
	struct txn *ct = txn_client_find(d->txns, m);

	d->stats.responses++;
	if (!ct) {
		d->stats.orphan_responses++;
		return;
	}
	txn_client_on_response(ct, m);
}

static void request_in(struct siphond *d, struct sip_msg *m,
		       const struct sd_peer *from)
{
	struct txn *st = txn_server_find(d->txns, m);

	if (st) {
		txn_server_absorb(st, m);
		return;
	}
	proxy_request(d, m, from);
}

/*
 * A request whose headers were all read but whose Content-Length is
 * malformed or longer than the datagram: section 18.3 wants a 400 for it,
 * and everything a response needs was indexed before the parser stopped.
 */
static bool answerable(const struct sip_msg *m, enum sip_err code)
{
	return m->is_request && (code == SIP_ERR_BODY_TRUNCATED ||
				 code == SIP_ERR_BAD_CONTENT_LENGTH);
}

void sip_in(void *arg, const struct sd_peer *from, char *buf, size_t len)
{
	struct siphond *d = arg;
	struct sip_error err;
	struct sip_msg *m;
	char addr[SD_ADDRSTRLEN];

	/* struct sip_msg is large: keep it off the stack, reused */
	static struct sip_msg msg;

	m = &msg;
	if (sip_msg_parse(m, buf, len, &err)) {
		if (answerable(m, err.code)) {
			proxy_refuse_malformed(d, m, from, err.code);
			return;
		}
		d->stats.parse_errors++;
		pr_debug("%s: not SIP (%s at byte %u)\n",
			 sd_sockaddr_str(&from->addr, addr, sizeof(addr)),
			 sip_err_phrase(err.code), err.offset);
		/* not indexed: no Via to answer to */
		return;
	}
	if (m->is_request)
		request_in(d, m, from);
	else
		response_in(d, m);
}
