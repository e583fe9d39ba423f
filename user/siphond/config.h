/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond's configuration: one INI file read with libinih. Every key has a
 * documented default (Documentation/siphond.md); an unknown section or key,
 * or a bad value, is an error naming the file and line.
 *
 * SIGHUP re-reads the file; only the routes, trusted peers, domains,
 * the credentials file and the [shield] section take effect without a
 * restart (config_reload()).
 */
#ifndef SIPHOND_CONFIG_H
#define SIPHOND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "siphon/shield.h"
#include "sockaddr.h"

#define CFG_LISTEN_MAX 8
#define CFG_DOMAINS_MAX 16
#define CFG_ROUTES_MAX 256
#define CFG_TRUSTED_MAX 64
#define CFG_NAME_MAX 128
#define CFG_PATH_MAX 256
#define CFG_SHIELD_PREFIXES_MAX 256

struct cfg_listen {
	enum sd_proto proto;
	union sd_sockaddr addr;
	/* what Via and Record-Route say: "advertise" or the address itself */
	char host[CFG_NAME_MAX];
};

/* [media] nat: which streams come from a phone behind NAT */
enum cfg_media_nat {
	CFG_NAT_NO, /* none: media only from the SDP's address and port */
	CFG_NAT_PRIVATE, /* a private SDP address the message did not come from */
	CFG_NAT_DIFFERS, /* any SDP address the message did not come from */
};

/* [media] nexthop: how a flow's packets find their next hop (flows.md) */
enum cfg_media_nexthop {
	CFG_NEXTHOP_AUTO, /* cached when the neighbour is known, else FIB */
	CFG_NEXTHOP_CACHE, /* cached, or the flow is not installed */
	CFG_NEXTHOP_FIB, /* bpf_fib_lookup per packet, never cached */
};

enum cfg_route_match {
	CFG_ROUTE_DOMAIN, /* the Request-URI host, any case */
	CFG_ROUTE_PREFIX, /* the Request-URI user (or tel: number) starts so */
};

struct cfg_route {
	enum cfg_route_match match;
	char key[CFG_NAME_MAX]; /* "carrier.example" or "+4420" */
	union sd_sockaddr next_hop;
	enum sd_proto proto;
};

struct cfg_trusted {
	union sd_sockaddr prefix; /* the port is ignored */
	unsigned int plen;
};

struct sd_config {
	/* [general] */
	enum log_level log_level; /* "error", "warn", "info" (default), "debug" */
	char pid_file[CFG_PATH_MAX]; /* "" = none */

	/* [listen]: udp = ADDR[:PORT], tcp = ADDR[:PORT] (repeatable) */
	unsigned int nlisten;
	struct cfg_listen listen[CFG_LISTEN_MAX];
	char advertise[CFG_NAME_MAX]; /* "" = each listener's address */

	/* [proxy] */
	unsigned int ndomains; /* domain = NAME (repeatable): what we serve */
	char domains[CFG_DOMAINS_MAX][CFG_NAME_MAX];
	uint32_t max_transactions; /* 16384 */
	uint32_t t1_ms; /* 500 */
	uint32_t t2_ms; /* 4000 */
	uint32_t t4_ms; /* 5000 */
	uint32_t timer_c_ms; /* 180000: INVITE waits this long for a final */
	uint32_t tcp_max_connections; /* 1024 */
	uint32_t tcp_idle_ms; /* 60000 */
	bool record_route; /* yes */

	/* [registrar] */
	uint32_t max_bindings; /* 65536 in all */
	uint32_t max_bindings_per_aor; /* 8 */
	uint32_t min_expires; /* 60 */
	uint32_t max_expires; /* 7200 */
	uint32_t default_expires; /* 3600 */
	/* bindings kept across restarts; "" = not kept */
	char registrar_state_file[CFG_PATH_MAX]; /* /run/siphon/registrations */

	/* [auth] */
	char realm[CFG_NAME_MAX]; /* "" = the first domain */
	char credentials[CFG_PATH_MAX]; /* "" = no authentication at all */
	bool auth_register; /* yes (when credentials are set) */
	bool auth_invite; /* yes: INVITE from untrusted sources */
	uint32_t nonce_lifetime_s; /* 300 */
	uint32_t nonce_max_uses; /* 1000: nc values accepted per nonce */
	bool md5_first; /* no: challenge SHA-256 first (RFC 8760 2.4) */

	/* [media] */
	bool media_anchor; /* no: SDP passes untouched, no flows */
	char media_address[CFG_NAME_MAX]; /* "" = the first listener's */
	uint32_t media_port_min; /* 20000 */
	uint32_t media_port_max; /* 29999 */
	char media_pin_dir[CFG_PATH_MAX]; /* /sys/fs/bpf/siphon */
	uint32_t media_max_sessions; /* 10000 calls with media at once */
	uint32_t media_timeout_s; /* 60: no packet either way, media ends */
	bool media_replace_origin; /* yes: o= names the relay, not the phone */
	enum cfg_media_nat media_nat; /* private */
	enum cfg_media_nexthop media_nexthop; /* auto */
	/* yes: a call given up (timeout_s, session timer) gets BYE both ways */
	bool media_bye_on_expiry;

	/* [xdp]: interfaces that come back (netlink.h) */
	bool xdp_reattach; /* yes: attach siphon again, as siphonctl did */

	/* [control]: siphonctl's socket (control.c) */
	char control_socket[CFG_PATH_MAX]; /* /run/siphon/siphond.sock; "" = none */
	char control_group[CFG_NAME_MAX]; /* "" = root only (0600), else 0660 */
	uint32_t control_idle_s; /* 60: a silent client is closed */

	/* [metrics]: Prometheus /metrics over HTTP (metrics_http.c) */
	bool metrics_on; /* listen = (empty) turns it off */
	union sd_sockaddr metrics_listen; /* 127.0.0.1:9463 */
	uint32_t metrics_max_connections; /* 16 */
	uint32_t metrics_timeout_s; /* 10: a silent connection is closed */

	/* [shield]: the XDP shield's budgets and lists (shield_d.c), found
	 * in [media] pin_dir; applied at start and on every reload */
	bool shield_apply; /* yes */
	struct siphon_rate_cfg shield_rate; /* SIPHON_*_DEFAULT */
	uint32_t shield_live_call_max_s; /* 86400 */
	uint32_t shield_known_good_s; /* SIPHON_KNOWN_GOOD_S_DEFAULT */
	unsigned int nshield_allow; /* allow = PREFIX (repeatable) */
	struct siphon_prefix_key shield_allow[CFG_SHIELD_PREFIXES_MAX];
	unsigned int nshield_block; /* block = PREFIX (repeatable) */
	struct siphon_prefix_key shield_block[CFG_SHIELD_PREFIXES_MAX];

	/* [trusted] peer = ADDR[/PLEN] (repeatable): trunks skip auth */
	unsigned int ntrusted;
	struct cfg_trusted trusted[CFG_TRUSTED_MAX];

	/* [routes] route = domain NAME ADDR[:PORT] [udp|tcp]
	 *          route = prefix DIGITS ADDR[:PORT] [udp|tcp] (repeatable)
	 * the longest matching prefix wins; domains are matched first */
	unsigned int nroutes;
	struct cfg_route routes[CFG_ROUTES_MAX];
};

/* the defaults above, no listener (config_load() adds udp 0.0.0.0:5060
 * when the file names none) */
void config_defaults(struct sd_config *c);
/*
 * Read path over the defaults. Returns 0, or -1 with a one-line message
 * ("siphond.conf:12: [proxy] t1_ms: not a number: 'x'") in err.
 */
int config_load(struct sd_config *c, const char *path, char *err,
		size_t errlen);
/*
 * Re-read path for SIGHUP: on success copy the reloadable parts (domains,
 * routes, trusted, credentials path, realm) into live and return 0; on
 * failure leave live untouched and return -1 with err set.
 */
int config_reload(struct sd_config *live, const char *path, char *err,
		  size_t errlen);

bool config_is_trusted(const struct sd_config *c, const union sd_sockaddr *a);
bool config_is_our_domain(const struct sd_config *c, const char *host,
			  size_t len);
/* the route for a Request-URI host and user, or NULL */
const struct cfg_route *config_find_route(const struct sd_config *c,
					  const char *host, size_t hlen,
					  const char *user, size_t ulen);

#endif /* SIPHOND_CONFIG_H */
