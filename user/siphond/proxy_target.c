// SPDX-License-Identifier: GPL-2.0-only
/*
 * Where a request goes (RFC 3261 section 16.5): the contacts registered
 * for its Request-URI, else a static route by domain or number prefix,
 * else nobody. Next hops are IP addresses; siphond does not resolve names.
 */
#include <string.h>

#include "nat_mark.h"
#include "proxy.h"
#include "sip/sip_uri.h"

int proxy_pick_listener(struct siphond *d, struct sd_peer *to,
			const struct sd_peer *from)
{
	unsigned int i;

	if (from && from->proto == to->proto &&
	    d->cfg.listen[from->listener].addr.sa.sa_family ==
		    to->addr.sa.sa_family) {
		to->listener = from->listener;
		return 0;
	}
	for (i = 0; i < d->cfg.nlisten; i++) {
		const struct cfg_listen *l = &d->cfg.listen[i];

		if (l->proto == to->proto &&
		    l->addr.sa.sa_family == to->addr.sa.sa_family) {
			to->listener = (uint16_t)i;
			return 0;
		}
	}
	return -1;
}

bool proxy_uri_is_us(struct siphond *d, struct sip_str text)
{
	struct sip_uri uri;
	struct sip_error e;
	union sd_sockaddr a;
	unsigned int i;

	if (sip_uri_parse(text, &uri, &e) || uri.scheme == SIP_URI_TEL)
		return false;
	for (i = 0; i < d->cfg.nlisten; i++) {
		const struct cfg_listen *l = &d->cfg.listen[i];
		uint16_t port = sd_sockaddr_port(&l->addr);

		if (sip_uri_port(&uri) != port)
			continue;
		if (sip_str_ieq_cstr(uri.host, l->host))
			return true;
		if (!sd_sockaddr_from_host(uri.host, port, &a) &&
		    sd_sockaddr_eq(&a, &l->addr))
			return true;
	}
	return false;
}

static int peer_of_uri(struct siphond *d, const struct sip_uri *uri,
		       const struct sd_peer *from, struct sd_peer *to)
{
	memset(to, 0, sizeof(*to));
	if (uri->host_type != SIP_URI_HOST_IPV4 &&
	    uri->host_type != SIP_URI_HOST_IPV6)
		return -1;
	if (sd_sockaddr_from_host(uri->host, sip_uri_port(uri), &to->addr))
		return -1;
	to->proto = uri->transport_type == SIP_URI_TRANSPORT_TCP ?
			    SD_PROTO_TCP :
			    SD_PROTO_UDP;
	return proxy_pick_listener(d, to, from);
}

int proxy_uri_peer(struct siphond *d, struct sip_str text,
		   const struct sd_peer *from, struct sd_peer *to)
{
	struct sip_uri uri;
	struct sip_error e;

	if (sip_uri_parse(text, &uri, &e))
		return -1;
	return peer_of_uri(d, &uri, from, to);
}

int proxy_nat_target(struct siphond *d, struct sip_str uri,
		     const struct sd_peer *from, struct target *t)
{
	/* one request is routed at a time; its copies are made before the
	 * next one comes */
	static char ruri[SIP_VALUE_MAX];
	union sd_sockaddr to;
	int r;

	r = nat_mark_take(uri, ruri, sizeof(ruri), &t->ruri, &to);
	if (r <= 0)
		return r;
	memset(&t->to, 0, sizeof(t->to));
	t->to.addr = to;
	t->to.proto = SD_PROTO_UDP; /* only UDP phones are marked */
	t->strict_next = false;
	if (proxy_pick_listener(d, &t->to, from))
		return -1;
	d->stats.nat_marked_requests++;
	return 1;
}

/*
 * A registered phone is reached where its REGISTER came from (RFC 3581:
 * the source address and port, with the binding, as Kamailio's
 * fix_nated_register keeps its received): behind NAT, that is the NAT's
 * mapping, which the phone keeps open by registering again. The Contact
 * stays the Request-URI, as the phone wrote it.
 */
static unsigned int from_location(struct siphond *d, const char *aor,
				  struct target *out, unsigned int max)
{
	const struct binding *b[PROXY_BRANCHES_MAX];
	unsigned int i, n;

	if (max > PROXY_BRANCHES_MAX)
		max = PROXY_BRANCHES_MAX;
	n = location_lookup(d->loc, aor, d->loop.now, b, max);
	for (i = 0; i < n; i++) {
		out[i].ruri = sip_str_of(b[i]->contact, strlen(b[i]->contact));
		out[i].to = b[i]->source;
	}
	return n;
}

static unsigned int from_routes(struct siphond *d, struct sip_msg *m,
				const struct sip_uri *uri,
				const struct sd_peer *from, struct target *out)
{
	struct sip_str user = uri->scheme == SIP_URI_TEL ? uri->number :
							   uri->user;
	const struct cfg_route *r;

	r = config_find_route(&d->cfg, uri->host.p, uri->host.len, user.p,
			      user.len);
	if (!r)
		return 0;
	memset(&out->to, 0, sizeof(out->to));
	out->to.addr = r->next_hop;
	out->to.proto = r->proto;
	if (proxy_pick_listener(d, &out->to, from))
		return 0;
	out->ruri = m->uri;
	return 1;
}

unsigned int proxy_targets(struct siphond *d, struct sip_msg *m,
			   const struct sd_peer *from, struct target *out,
			   unsigned int max)
{
	char aor[LOC_AOR_MAX];
	struct sip_uri uri;
	struct sip_error e;
	unsigned int n;

	if (!max || sip_uri_parse(m->uri, &uri, &e))
		return 0;
	/* inside a dialog with a phone behind NAT: through its mapping */
	if (proxy_nat_target(d, m->uri, from, out) == 1)
		return 1;
	if (location_aor_key(&uri, aor, sizeof(aor)) > 0) {
		n = from_location(d, aor, out, max);
		if (n)
			return n;
	}
	return from_routes(d, m, &uri, from, out);
}
