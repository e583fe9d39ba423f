// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond's configuration file, read with libinih. See config.h.
 *
 * libinih gets its lines from our own reader rather than from a FILE: the
 * handler is not told which line it is on, and the reader is, so every
 * message can name its line. The reader also refuses a line too long for
 * libinih's buffer (libinih would silently cut it in two) and a section
 * header we do not know even when no key follows it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>

#include "control_proto.h"
#include "shield.h"

#define SIP_PORT 5060
/* not in Prometheus' list of default ports, nor any well-known service's */
#define METRICS_PORT 9463
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* the parsers share one signature; some need no key description */
#define __maybe_unused __attribute__((unused))

struct cfg_key;

struct load_ctx {
	struct sd_config *c;
	const char *path;
	FILE *f;
	unsigned int line; /* the line the reader handed out last */
	int read_errno; /* set when reading the file failed */
	bool failed; /* err holds the first error; stop there */
	unsigned int err_line;
	char *err;
	size_t errlen;
	/* the key being parsed, for reject() */
	const char *section, *key, *value;
	/* where each key was last set (0 = not in the file), so a clash
	 * between two keys is blamed on the line that made it */
	unsigned int key_line[64];
};

typedef int (*parse_fn)(struct load_ctx *ctx, const struct cfg_key *k,
			const char *value);

struct cfg_key {
	const char *section;
	const char *name;
	parse_fn parse;
	size_t offset; /* of the field in struct sd_config */
	size_t size; /* of a string field */
	int arg; /* the listener's transport */
};

/*
 * The first error, as "PATH:LINE: [section] key: why: 'value'". Later
 * errors are dropped: the first one is what the operator fixes first.
 */
__attribute__((format(printf, 2, 3))) static int reject(struct load_ctx *ctx,
							const char *fmt, ...)
{
	char why[192];
	va_list ap;

	if (ctx->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	ctx->failed = true;
	ctx->err_line = ctx->line;
	if (!ctx->key)
		snprintf(ctx->err, ctx->errlen, "%s:%u: %s", ctx->path,
			 ctx->line, why);
	else if (!*ctx->section)
		snprintf(ctx->err, ctx->errlen, "%s:%u: %s: %s: '%s'",
			 ctx->path, ctx->line, ctx->key, why, ctx->value);
	else
		snprintf(ctx->err, ctx->errlen, "%s:%u: [%s] %s: %s: '%s'",
			 ctx->path, ctx->line, ctx->section, ctx->key, why,
			 ctx->value);
	return -1;
}

static void *field_of(struct load_ctx *ctx, const struct cfg_key *k)
{
	return (char *)ctx->c + k->offset;
}

/* digits only (no sign, no blanks) up to max; 0, -EINVAL or -ERANGE */
static int parse_decimal(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

/* what a SIP URI host may be when it is a name: letters, digits, '.', '-' */
static bool is_host_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= 'A' && *s <= 'Z') &&
		    !(*s >= '0' && *s <= '9') && *s != '.' && *s != '-')
			return false;
	return true;
}

static bool is_ipv6(const char *s)
{
	struct in6_addr a;

	return inet_pton(AF_INET6, s, &a) == 1;
}

/* a telephone-number prefix: digits, optionally after one '+' */
static bool is_number_prefix(const char *s)
{
	if (*s == '+')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int parse_u32(struct load_ctx *ctx, const struct cfg_key *k,
		     const char *value)
{
	uint32_t *field = field_of(ctx, k);
	uint32_t v;
	int ret = parse_decimal(value, UINT32_MAX, &v);

	if (ret == -ERANGE)
		return reject(ctx, "too large (at most %u)", UINT32_MAX);
	if (ret)
		return reject(ctx, "not a number");
	/* every count, time and limit here is useless at 0 */
	if (v == 0)
		return reject(ctx, "must be more than 0");
	*field = v;
	return 0;
}

static int parse_bool(struct load_ctx *ctx, const struct cfg_key *k,
		      const char *value)
{
	static const char *const yes[] = { "yes", "true", "1" };
	static const char *const no[] = { "no", "false", "0" };
	bool *field = field_of(ctx, k);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(value, yes[i])) {
			*field = true;
			return 0;
		}
		if (!strcasecmp(value, no[i])) {
			*field = false;
			return 0;
		}
	}
	return reject(ctx, "not yes or no");
}

static int parse_string(struct load_ctx *ctx, const struct cfg_key *k,
			const char *value)
{
	if (strlen(value) >= k->size)
		return reject(ctx, "longer than %zu characters", k->size - 1);
	memcpy(field_of(ctx, k), value, strlen(value) + 1);
	return 0;
}

/* the realm is sent inside a quoted-string: keep it from breaking out */
static int parse_port(struct load_ctx *ctx, const struct cfg_key *k,
		      const char *value)
{
	uint32_t v;

	if (parse_decimal(value, 65535, &v) || v < 1024)
		return reject(ctx, "not a port from 1024 to 65535");
	*(uint32_t *)field_of(ctx, k) = v;
	return 0;
}

/* an address literal: media is relayed from an address, not a name */
static int parse_media_address(struct load_ctx *ctx, const struct cfg_key *k,
			       const char *value)
{
	union sd_sockaddr a;

	if (sd_sockaddr_parse(value, 0, &a) || sd_sockaddr_port(&a))
		return reject(ctx, "not an IPv4 or IPv6 address");
	return parse_string(ctx, k, value);
}

static int parse_realm(struct load_ctx *ctx, const struct cfg_key *k,
		       const char *value)
{
	const char *p;

	for (p = value; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 ||
		    *p == 0x7f)
			return reject(ctx, "quotes, backslashes and control "
					   "characters cannot be in a realm");
	return parse_string(ctx, k, value);
}

static int parse_log_level(struct load_ctx *ctx, const struct cfg_key *k,
			   const char *value)
{
	static const struct {
		const char *name;
		enum log_level level;
	} levels[] = {
		{ "error", LOG_LEVEL_ERR },
		{ "warn", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO },
		{ "debug", LOG_LEVEL_DEBUG },
	};
	enum log_level *field = field_of(ctx, k);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		if (!strcasecmp(value, levels[i].name)) {
			*field = levels[i].level;
			return 0;
		}
	}
	return reject(ctx, "not error, warn, info or debug");
}

static int parse_media_nat(struct load_ctx *ctx, const struct cfg_key *k,
			   const char *value)
{
	static const struct {
		const char *name;
		enum cfg_media_nat nat;
	} modes[] = {
		{ "no", CFG_NAT_NO },
		{ "private", CFG_NAT_PRIVATE },
		{ "differs", CFG_NAT_DIFFERS },
	};
	enum cfg_media_nat *field = field_of(ctx, k);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcasecmp(value, modes[i].name)) {
			*field = modes[i].nat;
			return 0;
		}
	}
	return reject(ctx, "not no, private or differs");
}

static int parse_media_nexthop(struct load_ctx *ctx, const struct cfg_key *k,
			       const char *value)
{
	static const struct {
		const char *name;
		enum cfg_media_nexthop nh;
	} modes[] = {
		{ "auto", CFG_NEXTHOP_AUTO },
		{ "cache", CFG_NEXTHOP_CACHE },
		{ "fib", CFG_NEXTHOP_FIB },
	};
	enum cfg_media_nexthop *field = field_of(ctx, k);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		if (!strcasecmp(value, modes[i].name)) {
			*field = modes[i].nh;
			return 0;
		}
	}
	return reject(ctx, "not auto, cache or fib");
}

/* an absolute path that fits a Unix socket address, or "" for none */
static int parse_socket_path(struct load_ctx *ctx, const struct cfg_key *k,
			     const char *value)
{
	if (*value && *value != '/')
		return reject(ctx, "not an absolute path");
	if (strlen(value) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return reject(ctx, "longer than %zu characters",
			      sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	return parse_string(ctx, k, value);
}

/* ADDR[:PORT] to serve /metrics on, or "" for no HTTP listener at all */
static int parse_metrics_listen(struct load_ctx *ctx,
				const struct cfg_key *k __maybe_unused,
				const char *value)
{
	struct sd_config *c = ctx->c;

	if (!*value) {
		c->metrics_on = false;
		return 0;
	}
	if (sd_sockaddr_parse(value, METRICS_PORT, &c->metrics_listen) ||
	    !sd_sockaddr_port(&c->metrics_listen))
		return reject(ctx, "not ADDR[:PORT], or empty");
	c->metrics_on = true;
	return 0;
}

/* a group that exists now: a typo is found by -t, not at the first use */
static int parse_group(struct load_ctx *ctx, const struct cfg_key *k,
		       const char *value)
{
	if (*value && !getgrnam(value))
		return reject(ctx, "no such group");
	return parse_string(ctx, k, value);
}

/* a name or an address; an IPv6 address is kept without its brackets,
 * as cfg_listen.host wants it */
static int parse_advertise(struct load_ctx *ctx, const struct cfg_key *k,
			   const char *value)
{
	char *field = field_of(ctx, k);
	size_t len = strlen(value);

	if (len >= k->size)
		return reject(ctx, "longer than %zu characters", k->size - 1);
	if (len == 0) {
		field[0] = 0; /* each listener's own address */
		return 0;
	}
	if (len >= 2 && value[0] == '[' && value[len - 1] == ']') {
		memcpy(field, value + 1, len - 2);
		field[len - 2] = 0;
		if (!is_ipv6(field))
			goto bad;
		return 0;
	}
	if (!is_host_name(value) && !is_ipv6(value))
		goto bad;
	memcpy(field, value, len + 1);
	return 0;
bad:
	field[0] = 0;
	return reject(ctx, "not a host name or address");
}

static int parse_listen(struct load_ctx *ctx, const struct cfg_key *k,
			const char *value)
{
	struct sd_config *c = ctx->c;
	struct cfg_listen *l;
	unsigned int i;

	if (c->nlisten >= CFG_LISTEN_MAX)
		return reject(ctx, "too many listeners (at most %d)",
			      CFG_LISTEN_MAX);
	l = &c->listen[c->nlisten];
	memset(l, 0, sizeof(*l));
	l->proto = (enum sd_proto)k->arg;
	if (sd_sockaddr_parse(value, SIP_PORT, &l->addr))
		return reject(ctx, "not ADDR[:PORT]");
	/* the second bind would fail with EADDRINUSE; say why here */
	for (i = 0; i < c->nlisten; i++)
		if (c->listen[i].proto == l->proto &&
		    sd_sockaddr_eq(&c->listen[i].addr, &l->addr))
			return reject(ctx, "already listening there");
	c->nlisten++;
	return 0;
}

static int parse_domain(struct load_ctx *ctx,
			const struct cfg_key *k __maybe_unused,
			const char *value)
{
	struct sd_config *c = ctx->c;

	if (c->ndomains >= CFG_DOMAINS_MAX)
		return reject(ctx, "too many domains (at most %d)",
			      CFG_DOMAINS_MAX);
	if (strlen(value) >= CFG_NAME_MAX)
		return reject(ctx, "longer than %d characters",
			      CFG_NAME_MAX - 1);
	if (!is_host_name(value))
		return reject(ctx, "not a domain name");
	memcpy(c->domains[c->ndomains++], value, strlen(value) + 1);
	return 0;
}

/* ADDR[/PLEN]: the address as in a URI (IPv6 brackets optional), no port */
static int parse_peer(struct load_ctx *ctx,
		      const struct cfg_key *k __maybe_unused, const char *value)
{
	struct sd_config *c = ctx->c;
	const char *slash = strchr(value, '/');
	size_t alen = slash ? (size_t)(slash - value) : strlen(value);
	struct cfg_trusted *t;
	uint32_t bits, plen;

	if (c->ntrusted >= CFG_TRUSTED_MAX)
		return reject(ctx, "too many trusted peers (at most %d)",
			      CFG_TRUSTED_MAX);
	t = &c->trusted[c->ntrusted];
	if (sd_sockaddr_from_host(sip_str_of(value, alen), 0, &t->prefix))
		return reject(ctx, "not ADDR[/PLEN]");
	bits = t->prefix.sa.sa_family == AF_INET6 ? 128 : 32;
	plen = bits;
	if (slash && parse_decimal(slash + 1, bits, &plen))
		return reject(ctx, "prefix length not 0..%u", bits);
	t->plen = plen;
	c->ntrusted++;
	return 0;
}

/* a shield budget or ban time: 1 to k->arg */
static int parse_shield_u32(struct load_ctx *ctx, const struct cfg_key *k,
			    const char *value)
{
	uint32_t *field = field_of(ctx, k);
	uint32_t v;

	if (parse_decimal(value, (uint32_t)k->arg, &v) || !v)
		return reject(ctx, "not a number from 1 to %d", k->arg);
	*field = v;
	return 0;
}

/* global_rate: 0 (no global budget) to k->arg */
static int parse_shield_u32_off(struct load_ctx *ctx, const struct cfg_key *k,
				const char *value)
{
	uint32_t *field = field_of(ctx, k);
	uint32_t v;

	if (parse_decimal(value, (uint32_t)k->arg, &v))
		return reject(ctx, "not a number from 0 (off) to %d", k->arg);
	*field = v;
	return 0;
}

/* allow = PREFIX, block = PREFIX: ADDR[/PLEN], IPv4 or IPv6 */
static int parse_shield_prefix(struct load_ctx *ctx, const struct cfg_key *k,
			       const char *value)
{
	struct sd_config *c = ctx->c;
	bool allow = !strcmp(k->name, "allow");
	unsigned int *n = allow ? &c->nshield_allow : &c->nshield_block;
	struct siphon_prefix_key *list = allow ? c->shield_allow :
						 c->shield_block;

	if (*n >= CFG_SHIELD_PREFIXES_MAX)
		return reject(ctx, "too many prefixes (at most %d)",
			      CFG_SHIELD_PREFIXES_MAX);
	if (shield_prefix_parse(value, &list[*n]))
		return reject(ctx, "not ADDR[/PLEN]");
	(*n)++;
	return 0;
}

static bool route_exists(const struct sd_config *c, enum cfg_route_match m,
			 const char *key)
{
	unsigned int i;

	for (i = 0; i < c->nroutes; i++)
		if (c->routes[i].match == m &&
		    !strcasecmp(c->routes[i].key, key))
			return true;
	return false;
}

#define ROUTE_SYNTAX "not 'domain|prefix KEY ADDR[:PORT] [udp|tcp]'"

/* domain NAME ADDR[:PORT] [udp|tcp] or prefix DIGITS ADDR[:PORT] [udp|tcp] */
static int parse_route(struct load_ctx *ctx,
		       const struct cfg_key *k __maybe_unused,
		       const char *value)
{
	struct sd_config *c = ctx->c;
	char buf[512], *tok[5], *save = NULL, *p;
	struct cfg_route *r;
	unsigned int n = 0;

	if (strlen(value) >= sizeof(buf))
		return reject(ctx, ROUTE_SYNTAX);
	memcpy(buf, value, strlen(value) + 1);
	for (p = strtok_r(buf, " \t", &save); p && n < ARRAY_SIZE(tok);
	     p = strtok_r(NULL, " \t", &save))
		tok[n++] = p;
	if (n < 3 || n > 4)
		return reject(ctx, ROUTE_SYNTAX);
	if (c->nroutes >= CFG_ROUTES_MAX)
		return reject(ctx, "too many routes (at most %d)",
			      CFG_ROUTES_MAX);
	r = &c->routes[c->nroutes];
	memset(r, 0, sizeof(*r));
	if (!strcasecmp(tok[0], "domain")) {
		r->match = CFG_ROUTE_DOMAIN;
		if (!is_host_name(tok[1]))
			return reject(ctx, "not a domain name");
	} else if (!strcasecmp(tok[0], "prefix")) {
		r->match = CFG_ROUTE_PREFIX;
		if (!is_number_prefix(tok[1]))
			return reject(
				ctx,
				"prefix not digits (after an optional '+')");
	} else {
		return reject(ctx, ROUTE_SYNTAX);
	}
	if (strlen(tok[1]) >= CFG_NAME_MAX)
		return reject(ctx, "key longer than %d characters",
			      CFG_NAME_MAX - 1);
	/* two routes for one key: which one was meant? */
	if (route_exists(c, r->match, tok[1]))
		return reject(ctx, "a route for %s is already given", tok[1]);
	if (sd_sockaddr_parse(tok[2], SIP_PORT, &r->next_hop))
		return reject(ctx, "next hop not ADDR[:PORT]");
	if (n == 4 && !strcasecmp(tok[3], "tcp"))
		r->proto = SD_PROTO_TCP;
	else if (n == 4 && strcasecmp(tok[3], "udp"))
		return reject(ctx, "transport not udp or tcp");
	memcpy(r->key, tok[1], strlen(tok[1]) + 1);
	c->nroutes++;
	return 0;
}

#define FIELD(f) offsetof(struct sd_config, f)
#define FIELD_SIZE(f) sizeof(((struct sd_config *)0)->f)
/* clang-format off */
#define KEY_U32(s, n, f) { s, n, parse_u32, FIELD(f), 0, 0 }
#define KEY_BOOL(s, n, f) { s, n, parse_bool, FIELD(f), 0, 0 }
#define KEY_STR(s, n, f) { s, n, parse_string, FIELD(f), FIELD_SIZE(f), 0 }
#define KEY_SHIELD(n, f, max) { "shield", n, parse_shield_u32, FIELD(f), 0, max }
/* clang-format on */

static const struct cfg_key keys[] = {
	{ "general", "log_level", parse_log_level, FIELD(log_level), 0, 0 },
	KEY_STR("general", "pid_file", pid_file),

	{ "listen", "udp", parse_listen, 0, 0, SD_PROTO_UDP },
	{ "listen", "tcp", parse_listen, 0, 0, SD_PROTO_TCP },
	{ "listen", "advertise", parse_advertise, FIELD(advertise),
	  FIELD_SIZE(advertise), 0 },

	{ "proxy", "domain", parse_domain, 0, 0, 0 },
	KEY_U32("proxy", "max_transactions", max_transactions),
	KEY_U32("proxy", "t1_ms", t1_ms),
	KEY_U32("proxy", "t2_ms", t2_ms),
	KEY_U32("proxy", "t4_ms", t4_ms),
	KEY_U32("proxy", "timer_c_ms", timer_c_ms),
	KEY_U32("proxy", "tcp_max_connections", tcp_max_connections),
	KEY_U32("proxy", "tcp_idle_ms", tcp_idle_ms),
	KEY_BOOL("proxy", "record_route", record_route),

	KEY_U32("registrar", "max_bindings", max_bindings),
	KEY_U32("registrar", "max_bindings_per_aor", max_bindings_per_aor),
	KEY_U32("registrar", "min_expires", min_expires),
	KEY_U32("registrar", "max_expires", max_expires),
	KEY_U32("registrar", "default_expires", default_expires),
	KEY_STR("registrar", "state_file", registrar_state_file),

	{ "auth", "realm", parse_realm, FIELD(realm), FIELD_SIZE(realm), 0 },
	KEY_STR("auth", "credentials", credentials),
	KEY_BOOL("auth", "register", auth_register),
	KEY_BOOL("auth", "invite", auth_invite),
	KEY_U32("auth", "nonce_lifetime_s", nonce_lifetime_s),
	KEY_U32("auth", "nonce_max_uses", nonce_max_uses),
	KEY_BOOL("auth", "md5_first", md5_first),

	KEY_BOOL("media", "anchor", media_anchor),
	{ "media", "address", parse_media_address, FIELD(media_address),
	  FIELD_SIZE(media_address), 0 },
	{ "media", "port_min", parse_port, FIELD(media_port_min), 0, 0 },
	{ "media", "port_max", parse_port, FIELD(media_port_max), 0, 0 },
	KEY_STR("media", "pin_dir", media_pin_dir),
	KEY_U32("media", "max_sessions", media_max_sessions),
	KEY_U32("media", "timeout_s", media_timeout_s),
	KEY_BOOL("media", "replace_origin", media_replace_origin),
	{ "media", "nat", parse_media_nat, FIELD(media_nat), 0, 0 },
	{ "media", "nexthop", parse_media_nexthop, FIELD(media_nexthop), 0, 0 },
	KEY_BOOL("media", "bye_on_expiry", media_bye_on_expiry),

	KEY_BOOL("xdp", "reattach", xdp_reattach),

	{ "control", "socket", parse_socket_path, FIELD(control_socket),
	  FIELD_SIZE(control_socket), 0 },
	{ "control", "group", parse_group, FIELD(control_group),
	  FIELD_SIZE(control_group), 0 },
	KEY_U32("control", "idle_s", control_idle_s),

	{ "metrics", "listen", parse_metrics_listen, 0, 0, 0 },
	KEY_U32("metrics", "max_connections", metrics_max_connections),
	KEY_U32("metrics", "timeout_s", metrics_timeout_s),

	KEY_BOOL("shield", "apply", shield_apply),
	KEY_SHIELD("invite_rate", shield_rate.budget[SIPHON_RATE_INVITE].rate,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("invite_burst",
		   shield_rate.budget[SIPHON_RATE_INVITE].burst,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("register_rate",
		   shield_rate.budget[SIPHON_RATE_REGISTER].rate,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("register_burst",
		   shield_rate.budget[SIPHON_RATE_REGISTER].burst,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("other_rate", shield_rate.budget[SIPHON_RATE_OTHER].rate,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("other_burst", shield_rate.budget[SIPHON_RATE_OTHER].burst,
		   SIPHON_RATE_MAX),
	KEY_SHIELD("ban_s", shield_rate.ban_s, SIPHON_BAN_S_MAX),
	{ "shield", "global_rate", parse_shield_u32_off,
	  FIELD(shield_rate.global.rate), 0, SIPHON_RATE_MAX },
	KEY_SHIELD("global_burst", shield_rate.global.burst, SIPHON_RATE_MAX),
	KEY_U32("shield", "known_good_s", shield_known_good_s),
	KEY_U32("shield", "live_call_max_s", shield_live_call_max_s),
	{ "shield", "allow", parse_shield_prefix, 0, 0, 0 },
	{ "shield", "block", parse_shield_prefix, 0, 0, 0 },

	{ "trusted", "peer", parse_peer, 0, 0, 0 },

	{ "routes", "route", parse_route, 0, 0, 0 },
};

_Static_assert(ARRAY_SIZE(keys) <= ARRAY_SIZE(((struct load_ctx *)0)->key_line),
	       "key_line must have a slot per key");

/*
 * Keys that must not exceed another: a clash is blamed on whichever of the
 * two was set later in the file (a key left at its default never is).
 */
static const struct {
	const char *section, *lo, *hi;
} order_rules[] = {
	{ "proxy", "t1_ms", "t2_ms" },
	{ "registrar", "min_expires", "max_expires" },
	{ "registrar", "min_expires", "default_expires" },
	{ "registrar", "default_expires", "max_expires" },
	{ "media", "port_min", "port_max" },
};

static bool section_known(const char *section, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (strlen(keys[i].section) == len &&
		    !strncmp(keys[i].section, section, len))
			return true;
	return false;
}

static const struct cfg_key *find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].section, section) &&
		    !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load_ctx *ctx = user;
	const struct cfg_key *k;

	if (ctx->failed)
		return 0;
	ctx->section = section;
	ctx->key = name;
	ctx->value = value;
	if (!*section)
		return !reject(ctx, "outside any [section]");
	if (!section_known(section, strlen(section)))
		return !reject(ctx, "unknown section");
	k = find_key(section, name);
	if (!k)
		return !reject(ctx, "unknown key");
	ctx->key_line[k - keys] = ctx->line;
	return k->parse(ctx, k, value) == 0;
}

/* "[name]" at the start of a line names a section we must know */
static int check_section_header(struct load_ctx *ctx, const char *line)
{
	const char *close;

	line += strspn(line, " \t");
	if (*line != '[')
		return 0;
	close = strchr(line, ']');
	if (!close)
		return 0; /* libinih reports the syntax error */
	if (section_known(line + 1, (size_t)(close - line - 1)))
		return 0;
	ctx->key = NULL;
	return reject(ctx, "[%.*s]: unknown section", (int)(close - line - 1),
		      line + 1);
}

static char *read_line(char *buf, int size, void *stream)
{
	struct load_ctx *ctx = stream;
	size_t len;
	int next;

	if (ctx->failed)
		return NULL;
	if (!fgets(buf, size, ctx->f)) {
		if (ferror(ctx->f))
			ctx->read_errno = errno ? errno : EIO;
		return NULL;
	}
	ctx->line++;
	len = strlen(buf);
	if (len == (size_t)size - 1 && buf[len - 1] != '\n') {
		next = getc(ctx->f);
		if (next != EOF) {
			ctx->key = NULL;
			reject(ctx, "line longer than %d characters", size - 2);
			return NULL;
		}
	}
	if (check_section_header(ctx, buf))
		return NULL;
	return buf;
}

static uint32_t key_u32(const struct sd_config *c, const struct cfg_key *k)
{
	return *(const uint32_t *)((const char *)c + k->offset);
}

static int check_order(struct load_ctx *ctx)
{
	const struct cfg_key *lo, *hi, *blamed;
	uint32_t lo_v, hi_v;
	char value[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(order_rules); i++) {
		lo = find_key(order_rules[i].section, order_rules[i].lo);
		hi = find_key(order_rules[i].section, order_rules[i].hi);
		lo_v = key_u32(ctx->c, lo);
		hi_v = key_u32(ctx->c, hi);
		if (lo_v <= hi_v)
			continue;
		blamed = ctx->key_line[lo - keys] >= ctx->key_line[hi - keys] ?
				 lo :
				 hi;
		snprintf(value, sizeof(value), "%u", key_u32(ctx->c, blamed));
		ctx->line = ctx->key_line[blamed - keys];
		ctx->section = blamed->section;
		ctx->key = blamed->name;
		ctx->value = value;
		if (blamed == lo)
			return reject(ctx, "more than %s (%u)", hi->name, hi_v);
		return reject(ctx, "less than %s (%u)", lo->name, lo_v);
	}
	return 0;
}

/*
 * The relay's ports must not hold a port siphond takes SIP on over UDP:
 * XDP relays before it classifies, so a call given that port would have
 * the SIP datagrams to it taken for media (and those from anyone but the
 * phone dropped as the wrong source). Blamed on the [media] key set
 * last, or on [listen] udp when both are at their defaults.
 */
static int check_media_ports(struct load_ctx *ctx)
{
	const struct sd_config *c = ctx->c;
	const struct cfg_key *lo = find_key("media", "port_min");
	const struct cfg_key *hi = find_key("media", "port_max");
	const struct cfg_key *blamed;
	unsigned int i, port;
	char value[16];

	for (i = 0; i < c->nlisten; i++) {
		port = sd_sockaddr_port(&c->listen[i].addr);
		if (c->listen[i].proto != SD_PROTO_UDP ||
		    port < c->media_port_min || port > c->media_port_max)
			continue;
		blamed = ctx->key_line[lo - keys] >= ctx->key_line[hi - keys] ?
				 lo :
				 hi;
		if (!ctx->key_line[blamed - keys])
			blamed = find_key("listen", "udp");
		ctx->line = ctx->key_line[blamed - keys];
		ctx->section = blamed->section;
		ctx->key = blamed->name;
		if (blamed->section[0] == 'l') {
			snprintf(value, sizeof(value), "%u", port);
			ctx->value = value;
			return reject(ctx,
				      "a SIP port inside [media] "
				      "port_min..port_max (%u-%u)",
				      c->media_port_min, c->media_port_max);
		}
		snprintf(value, sizeof(value), "%u", key_u32(c, blamed));
		ctx->value = value;
		return reject(ctx,
			      "the media ports %u-%u hold SIP port %u "
			      "([listen] udp)",
			      c->media_port_min, c->media_port_max, port);
	}
	return 0;
}

/* defaults that depend on the rest of the file */
static void complete(struct sd_config *c)
{
	struct cfg_listen *l;
	unsigned int i;

	if (!c->nlisten) {
		l = &c->listen[c->nlisten++];
		memset(l, 0, sizeof(*l));
		l->proto = SD_PROTO_UDP;
		sd_sockaddr_parse("0.0.0.0", SIP_PORT, &l->addr);
	}
	for (i = 0; i < c->nlisten; i++) {
		l = &c->listen[i];
		if (c->advertise[0])
			snprintf(l->host, sizeof(l->host), "%s", c->advertise);
		else
			sd_sockaddr_host(&l->addr, l->host, sizeof(l->host));
	}
	if (!c->realm[0] && c->ndomains)
		snprintf(c->realm, sizeof(c->realm), "%s", c->domains[0]);
}

void config_defaults(struct sd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->log_level = LOG_LEVEL_INFO;
	c->max_transactions = 16384;
	c->t1_ms = 500;
	c->t2_ms = 4000;
	c->t4_ms = 5000;
	c->timer_c_ms = 180000;
	c->tcp_max_connections = 1024;
	c->tcp_idle_ms = 60000;
	c->record_route = true;
	c->max_bindings = 65536;
	c->max_bindings_per_aor = 8;
	c->min_expires = 60;
	c->max_expires = 7200;
	c->default_expires = 3600;
	snprintf(c->registrar_state_file, sizeof(c->registrar_state_file), "%s",
		 "/run/siphon/registrations");
	c->auth_register = true;
	c->auth_invite = true;
	c->nonce_lifetime_s = 300;
	c->nonce_max_uses = 1000;
	c->media_port_min = 20000;
	c->media_port_max = 29999;
	snprintf(c->media_pin_dir, sizeof(c->media_pin_dir), "%s",
		 "/sys/fs/bpf/siphon");
	c->media_max_sessions = 10000;
	c->media_timeout_s = 60;
	c->media_replace_origin = true;
	c->media_nat = CFG_NAT_PRIVATE;
	c->media_nexthop = CFG_NEXTHOP_AUTO;
	c->xdp_reattach = true;
	c->media_bye_on_expiry = true;
	snprintf(c->control_socket, sizeof(c->control_socket), "%s",
		 SIPHON_CONTROL_SOCKET_DEFAULT);
	c->control_idle_s = 60;
	c->metrics_on = true;
	sd_sockaddr_parse("127.0.0.1", METRICS_PORT, &c->metrics_listen);
	c->metrics_max_connections = 16;
	c->metrics_timeout_s = 10;
	c->shield_apply = true;
	shield_rate_effective(&(struct siphon_rate_cfg){}, &c->shield_rate);
	c->shield_live_call_max_s = 86400;
	c->shield_rate.global.rate = SIPHON_RATE_GLOBAL_DEFAULT;
	c->shield_rate.global.burst = SIPHON_BURST_GLOBAL_DEFAULT;
	c->shield_known_good_s = SIPHON_KNOWN_GOOD_S_DEFAULT;
}

int config_load(struct sd_config *c, const char *path, char *err, size_t errlen)
{
	struct load_ctx ctx = {
		.c = c,
		.path = path,
		.err = err,
		.errlen = errlen,
	};
	int ret = -1, line;

	config_defaults(c);
	ctx.f = fopen(path, "r");
	if (!ctx.f) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	line = ini_parse_stream(read_line, &ctx, on_key, &ctx);
	if (ctx.read_errno) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(ctx.read_errno));
		goto out;
	}
	/* a line libinih could not split comes before our first error */
	if (line > 0 && (!ctx.failed || (unsigned int)line < ctx.err_line)) {
		snprintf(err, errlen, "%s:%d: not '[section]' or 'key = value'",
			 path, line);
		goto out;
	}
	if (line < 0) {
		snprintf(err, errlen, "%s: libinih failed (%d)", path, line);
		goto out;
	}
	if (ctx.failed || check_order(&ctx))
		goto out;
	complete(c);
	if (c->media_anchor && check_media_ports(&ctx))
		goto out;
	ret = 0;
out:
	fclose(ctx.f);
	return ret;
}

int config_reload(struct sd_config *live, const char *path, char *err,
		  size_t errlen)
{
	struct sd_config *fresh = malloc(sizeof(*fresh));
	int ret = -1;

	if (!fresh) {
		snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
		return -1;
	}
	if (config_load(fresh, path, err, errlen))
		goto out;
	live->ndomains = fresh->ndomains;
	memcpy(live->domains, fresh->domains, sizeof(live->domains));
	live->nroutes = fresh->nroutes;
	memcpy(live->routes, fresh->routes, sizeof(live->routes));
	live->ntrusted = fresh->ntrusted;
	memcpy(live->trusted, fresh->trusted, sizeof(live->trusted));
	memcpy(live->realm, fresh->realm, sizeof(live->realm));
	memcpy(live->credentials, fresh->credentials,
	       sizeof(live->credentials));
	live->shield_apply = fresh->shield_apply;
	live->shield_rate = fresh->shield_rate;
	live->shield_live_call_max_s = fresh->shield_live_call_max_s;
	live->shield_known_good_s = fresh->shield_known_good_s;
	live->nshield_allow = fresh->nshield_allow;
	memcpy(live->shield_allow, fresh->shield_allow,
	       sizeof(live->shield_allow));
	live->nshield_block = fresh->nshield_block;
	memcpy(live->shield_block, fresh->shield_block,
	       sizeof(live->shield_block));
	ret = 0;
out:
	free(fresh);
	return ret;
}

/* a dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d */
static const union sd_sockaddr *unmapped(const union sd_sockaddr *a,
					 union sd_sockaddr *v4)
{
	if (a->sa.sa_family != AF_INET6 ||
	    !IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr))
		return a;
	memset(v4, 0, sizeof(*v4));
	v4->in.sin_family = AF_INET;
	v4->in.sin_port = a->in6.sin6_port;
	memcpy(&v4->in.sin_addr, &a->in6.sin6_addr.s6_addr[12], 4);
	return v4;
}

bool config_is_trusted(const struct sd_config *c, const union sd_sockaddr *a)
{
	union sd_sockaddr v4;
	unsigned int i;

	a = unmapped(a, &v4);
	for (i = 0; i < c->ntrusted; i++)
		if (sd_sockaddr_in_prefix(a, &c->trusted[i].prefix,
					  c->trusted[i].plen))
			return true;
	return false;
}

/* the same address, whatever the ports */
static bool same_host(const union sd_sockaddr *a, const union sd_sockaddr *b)
{
	return sd_sockaddr_in_prefix(a, b,
				     a->sa.sa_family == AF_INET6 ? 128 : 32);
}

bool config_is_our_domain(const struct sd_config *c, const char *host,
			  size_t len)
{
	struct sip_str h = sip_str_of(host, len);
	union sd_sockaddr addr, adv;
	unsigned int i;

	if (!host || !len)
		return false;
	for (i = 0; i < c->ndomains; i++)
		if (sip_str_ieq_cstr(h, c->domains[i]))
			return true;
	if (c->advertise[0] && sip_str_ieq_cstr(h, c->advertise))
		return true;
	/* an address literal, written any way inet_pton() reads it */
	if (sd_sockaddr_from_host(h, 0, &addr))
		return false;
	for (i = 0; i < c->nlisten; i++)
		if (same_host(&addr, &c->listen[i].addr))
			return true;
	return c->advertise[0] &&
	       !sd_sockaddr_from_host(sip_str_of(c->advertise,
						 strlen(c->advertise)),
				      0, &adv) &&
	       same_host(&addr, &adv);
}

/*
 * A linear scan: the table is a few hundred entries at most and is read
 * once per new request, so a trie would buy nothing measurable.
 */
const struct cfg_route *config_find_route(const struct sd_config *c,
					  const char *host, size_t hlen,
					  const char *user, size_t ulen)
{
	const struct cfg_route *best = NULL;
	struct sip_str h = sip_str_of(host, hlen);
	size_t best_len = 0, klen;
	unsigned int i;

	for (i = 0; host && hlen && i < c->nroutes; i++)
		if (c->routes[i].match == CFG_ROUTE_DOMAIN &&
		    sip_str_ieq_cstr(h, c->routes[i].key))
			return &c->routes[i];
	for (i = 0; user && ulen && i < c->nroutes; i++) {
		if (c->routes[i].match != CFG_ROUTE_PREFIX)
			continue;
		klen = strlen(c->routes[i].key);
		if (klen <= ulen && klen > best_len &&
		    !memcmp(user, c->routes[i].key, klen)) {
			best = &c->routes[i];
			best_len = klen;
		}
	}
	return best;
}
