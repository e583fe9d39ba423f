// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond's config file (user/siphond/config.h): defaults, every section
 * and key, repeated keys, IPv6, one case per class of error with its
 * file:line and key, the limits of every table, SIGHUP reload keeping the
 * live config on error, and the lookups (routes, trusted peers, our
 * domains). Each case writes its own file under /tmp and removes it.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corpus.h"
#include "kselftest_harness.h"
#include "siphond/config.h"

/* a config file of the given text; path is filled, the caller unlinks */
static int write_conf(char *path, size_t size, const char *text)
{
	size_t len = strlen(text);
	int fd;

	snprintf(path, size, "/tmp/siphond-conf-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	if (write(fd, text, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return -1;
	}
	return close(fd);
}

static union sd_sockaddr addr(const char *text)
{
	union sd_sockaddr a;

	if (sd_sockaddr_parse(text, 5060, &a))
		abort(); /* a typo in the test itself */
	return a;
}

static const char *str(const union sd_sockaddr *a)
{
	static char buf[4][SD_ADDRSTRLEN];
	static int i;

	i = (i + 1) % 4;
	return sd_sockaddr_str(a, buf[i], sizeof(buf[i]));
}

FIXTURE(conf)
{
	char path[64];
	char err[512];
	struct sd_config *c;
};

FIXTURE_SETUP(conf)
{
	self->path[0] = 0;
	self->err[0] = 0;
	self->c = calloc(1, sizeof(*self->c));
	ASSERT_NE(NULL, self->c);
}

FIXTURE_TEARDOWN(conf)
{
	if (self->path[0])
		unlink(self->path);
	free(self->c);
}

/* load text into self->c; the result of config_load() */
static int load(FIXTURE_DATA(conf) * self, const char *text)
{
	if (self->path[0])
		unlink(self->path);
	if (write_conf(self->path, sizeof(self->path), text))
		abort();
	return config_load(self->c, self->path, self->err, sizeof(self->err));
}

TEST_F(conf, empty_file_gives_defaults)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0, load(self, "# nothing but a comment\n\n"));
	EXPECT_EQ(LOG_LEVEL_INFO, (int)c->log_level);
	EXPECT_STREQ("", c->pid_file);
	ASSERT_EQ(1U, c->nlisten);
	EXPECT_EQ(SD_PROTO_UDP, (int)c->listen[0].proto);
	EXPECT_STREQ("0.0.0.0:5060", str(&c->listen[0].addr));
	EXPECT_STREQ("0.0.0.0", c->listen[0].host);
	EXPECT_STREQ("", c->advertise);
	EXPECT_EQ(0U, c->ndomains);
	EXPECT_EQ(16384U, c->max_transactions);
	EXPECT_EQ(500U, c->t1_ms);
	EXPECT_EQ(4000U, c->t2_ms);
	EXPECT_EQ(5000U, c->t4_ms);
	EXPECT_EQ(180000U, c->timer_c_ms);
	EXPECT_EQ(1024U, c->tcp_max_connections);
	EXPECT_EQ(60000U, c->tcp_idle_ms);
	EXPECT_TRUE(c->record_route);
	EXPECT_EQ(65536U, c->max_bindings);
	EXPECT_EQ(8U, c->max_bindings_per_aor);
	EXPECT_EQ(60U, c->min_expires);
	EXPECT_EQ(7200U, c->max_expires);
	EXPECT_EQ(3600U, c->default_expires);
	EXPECT_STREQ("", c->realm);
	EXPECT_STREQ("", c->credentials);
	EXPECT_TRUE(c->auth_register);
	EXPECT_TRUE(c->auth_invite);
	EXPECT_EQ(300U, c->nonce_lifetime_s);
	EXPECT_EQ(1000U, c->nonce_max_uses);
	EXPECT_EQ(0U, c->ntrusted);
	EXPECT_EQ(0U, c->nroutes);
	EXPECT_STREQ("/run/siphon/siphond.sock", c->control_socket);
	EXPECT_STREQ("", c->control_group);
	EXPECT_EQ(60U, c->control_idle_s);
	EXPECT_EQ(CFG_NAT_PRIVATE, (int)c->media_nat);
	EXPECT_EQ(CFG_NEXTHOP_AUTO, (int)c->media_nexthop);
	EXPECT_STREQ("/run/siphon/registrations", c->registrar_state_file);
}

/* the shield's global budget and known-good time (siphon/shield.h) */
TEST_F(conf, shield_global_budget)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0, load(self, "\n"));
	EXPECT_EQ((__u32)SIPHON_RATE_GLOBAL_DEFAULT,
		  c->shield_rate.global.rate);
	EXPECT_EQ((__u32)SIPHON_BURST_GLOBAL_DEFAULT,
		  c->shield_rate.global.burst);
	EXPECT_EQ((__u32)SIPHON_KNOWN_GOOD_S_DEFAULT, c->shield_known_good_s);
	ASSERT_EQ(0, load(self, "[shield]\nglobal_rate = 500\n"
				"global_burst = 2000\nknown_good_s = 600\n"));
	EXPECT_EQ(500U, c->shield_rate.global.rate);
	EXPECT_EQ(2000U, c->shield_rate.global.burst);
	EXPECT_EQ(600U, c->shield_known_good_s);
	/* 0: no global budget */
	ASSERT_EQ(0, load(self, "[shield]\nglobal_rate = 0\n"));
	EXPECT_EQ(0U, c->shield_rate.global.rate);
	EXPECT_NE(0, load(self, "[shield]\nglobal_burst = 0\n"));
	EXPECT_NE(0, load(self, "[shield]\nglobal_rate = 1000001\n"));
	EXPECT_NE(NULL, strstr(self->err, "global_rate"));
}

TEST_F(conf, media_nat_modes)
{
	ASSERT_EQ(0, load(self, "[media]\nnat = differs\n"));
	EXPECT_EQ(CFG_NAT_DIFFERS, (int)self->c->media_nat);
	ASSERT_EQ(0, load(self, "[media]\nnat = no\n"));
	EXPECT_EQ(CFG_NAT_NO, (int)self->c->media_nat);
	ASSERT_EQ(0, load(self, "[media]\nnat = Private\n"));
	EXPECT_EQ(CFG_NAT_PRIVATE, (int)self->c->media_nat);
}

/* the check is for anchored media over UDP only */
TEST_F(conf, media_ports_may_hold_what_is_not_udp_sip)
{
	ASSERT_EQ(0, load(self, "[listen]\nudp = 198.18.0.1:5060\n"
				"tcp = 198.18.0.1:25000\n"
				"[media]\nanchor = yes\n"))
	TH_LOG("%s", self->err);
	ASSERT_EQ(0, load(self, "[media]\nanchor = no\nport_min = 5000\n"))
	TH_LOG("%s", self->err);
	ASSERT_EQ(0, load(self, "[media]\nanchor = yes\nport_min = 5062\n"))
	TH_LOG("%s", self->err);
}

TEST_F(conf, media_nexthop_modes)
{
	ASSERT_EQ(0, load(self, "[media]\nnexthop = cache\n"));
	EXPECT_EQ(CFG_NEXTHOP_CACHE, (int)self->c->media_nexthop);
	ASSERT_EQ(0, load(self, "[media]\nnexthop = FIB\n"));
	EXPECT_EQ(CFG_NEXTHOP_FIB, (int)self->c->media_nexthop);
	ASSERT_EQ(0, load(self, "[media]\nnexthop = auto\n"));
	EXPECT_EQ(CFG_NEXTHOP_AUTO, (int)self->c->media_nexthop);
}

TEST_F(conf, metrics_defaults_and_section)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0, load(self, "# nothing\n"));
	EXPECT_TRUE(c->metrics_on);
	EXPECT_STREQ("127.0.0.1:9463", str(&c->metrics_listen));
	EXPECT_EQ(16U, c->metrics_max_connections);
	EXPECT_EQ(10U, c->metrics_timeout_s);

	ASSERT_EQ(0, load(self, "[metrics]\n"
				"listen = 198.18.0.1:9100\n"
				"max_connections = 4\n"
				"timeout_s = 2\n"));
	EXPECT_TRUE(c->metrics_on);
	EXPECT_STREQ("198.18.0.1:9100", str(&c->metrics_listen));
	EXPECT_EQ(4U, c->metrics_max_connections);
	EXPECT_EQ(2U, c->metrics_timeout_s);
	/* IPv6, with and without a port */
	ASSERT_EQ(0, load(self, "[metrics]\nlisten = [::1]:9100\n"));
	EXPECT_STREQ("[::1]:9100", str(&c->metrics_listen));
	ASSERT_EQ(0, load(self, "[metrics]\nlisten = ::1\n"));
	EXPECT_STREQ("[::1]:9463", str(&c->metrics_listen));
	/* an empty address turns the listener off */
	ASSERT_EQ(0, load(self, "[metrics]\nlisten =\n"));
	EXPECT_FALSE(c->metrics_on);
}

TEST_F(conf, control_section)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0, load(self, "[control]\n"
				"socket = /tmp/x/siphond.sock\n"
				"idle_s = 5\n"));
	EXPECT_STREQ("/tmp/x/siphond.sock", c->control_socket);
	EXPECT_EQ(5U, c->control_idle_s);
	/* group 0 is "root" on Debian */
	ASSERT_EQ(0, load(self, "[control]\ngroup = root\n"));
	EXPECT_STREQ("root", c->control_group);
	/* an empty path turns the socket off */
	ASSERT_EQ(0, load(self, "[control]\nsocket =\n"));
	EXPECT_STREQ("", c->control_socket);
}

TEST_F(conf, every_section_and_key)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0,
		  load(self, "[general]\n"
			     "log_level = debug\n"
			     "pid_file = /run/siphond.pid\n"
			     "[listen]\n"
			     "udp = 198.18.0.1\n"
			     "tcp = 198.18.0.1:5070\n"
			     "advertise = sip.example.com\n"
			     "[proxy]\n"
			     "domain = example.com\n"
			     "max_transactions = 100\n"
			     "t1_ms = 250\n"
			     "t2_ms = 2000\n"
			     "t4_ms = 3000\n"
			     "timer_c_ms = 90000\n"
			     "tcp_max_connections = 50\n"
			     "tcp_idle_ms = 30000\n"
			     "record_route = no\n"
			     "[registrar]\n"
			     "max_bindings = 10\n"
			     "max_bindings_per_aor = 2\n"
			     "min_expires = 30\n"
			     "max_expires = 600\n"
			     "default_expires = 300\n"
			     "[auth]\n"
			     "realm = Example Realm\n"
			     "credentials = /etc/siphon/users\n"
			     "register = false\n"
			     "invite = 0\n"
			     "nonce_lifetime_s = 60\n"
			     "nonce_max_uses = 5\n"
			     "[trusted]\n"
			     "peer = 203.0.113.0/24\n"
			     "[routes]\n"
			     "route = domain carrier.example 192.0.2.1 tcp\n"));
	EXPECT_EQ(LOG_LEVEL_DEBUG, (int)c->log_level);
	EXPECT_STREQ("/run/siphond.pid", c->pid_file);
	ASSERT_EQ(2U, c->nlisten);
	EXPECT_EQ(SD_PROTO_UDP, (int)c->listen[0].proto);
	EXPECT_STREQ("198.18.0.1:5060", str(&c->listen[0].addr));
	EXPECT_EQ(SD_PROTO_TCP, (int)c->listen[1].proto);
	EXPECT_STREQ("198.18.0.1:5070", str(&c->listen[1].addr));
	/* advertise names every listener, whatever its address */
	EXPECT_STREQ("sip.example.com", c->listen[0].host);
	EXPECT_STREQ("sip.example.com", c->listen[1].host);
	ASSERT_EQ(1U, c->ndomains);
	EXPECT_STREQ("example.com", c->domains[0]);
	EXPECT_EQ(100U, c->max_transactions);
	EXPECT_EQ(250U, c->t1_ms);
	EXPECT_EQ(2000U, c->t2_ms);
	EXPECT_EQ(3000U, c->t4_ms);
	EXPECT_EQ(90000U, c->timer_c_ms);
	EXPECT_EQ(50U, c->tcp_max_connections);
	EXPECT_EQ(30000U, c->tcp_idle_ms);
	EXPECT_FALSE(c->record_route);
	EXPECT_EQ(10U, c->max_bindings);
	EXPECT_EQ(2U, c->max_bindings_per_aor);
	EXPECT_EQ(30U, c->min_expires);
	EXPECT_EQ(600U, c->max_expires);
	EXPECT_EQ(300U, c->default_expires);
	EXPECT_STREQ("Example Realm", c->realm);
	EXPECT_STREQ("/etc/siphon/users", c->credentials);
	EXPECT_FALSE(c->auth_register);
	EXPECT_FALSE(c->auth_invite);
	EXPECT_EQ(60U, c->nonce_lifetime_s);
	EXPECT_EQ(5U, c->nonce_max_uses);
	ASSERT_EQ(1U, c->ntrusted);
	EXPECT_STREQ("203.0.113.0:0", str(&c->trusted[0].prefix));
	EXPECT_EQ(24U, c->trusted[0].plen);
	ASSERT_EQ(1U, c->nroutes);
	EXPECT_EQ(CFG_ROUTE_DOMAIN, (int)c->routes[0].match);
	EXPECT_STREQ("carrier.example", c->routes[0].key);
	EXPECT_STREQ("192.0.2.1:5060", str(&c->routes[0].next_hop));
	EXPECT_EQ(SD_PROTO_TCP, (int)c->routes[0].proto);
}

TEST_F(conf, repeated_keys_add_entries_in_order)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0,
		  load(self, "[listen]\n"
			     "udp = 127.0.0.1:5060\n"
			     "udp = 127.0.0.1:5062\n"
			     "tcp = 127.0.0.1:5060\n"
			     "[proxy]\n"
			     "domain = a.example\n"
			     "domain: b.example ; colon form, inline comment\n"
			     "[trusted]\n"
			     "peer = 10.0.0.0/8\n"
			     "peer = 192.0.2.7\n"
			     "[routes]\n"
			     "route = prefix +44 192.0.2.1\n"
			     "route = prefix 0044 192.0.2.2:5080 udp\n"
			     "route = domain b.example 192.0.2.3\n"));
	ASSERT_EQ(3U, c->nlisten);
	EXPECT_STREQ("127.0.0.1:5062", str(&c->listen[1].addr));
	EXPECT_EQ(SD_PROTO_TCP, (int)c->listen[2].proto);
	ASSERT_EQ(2U, c->ndomains);
	EXPECT_STREQ("a.example", c->domains[0]);
	EXPECT_STREQ("b.example", c->domains[1]);
	/* no realm given: the first domain */
	EXPECT_STREQ("a.example", c->realm);
	ASSERT_EQ(2U, c->ntrusted);
	EXPECT_EQ(8U, c->trusted[0].plen);
	EXPECT_EQ(32U, c->trusted[1].plen);
	ASSERT_EQ(3U, c->nroutes);
	EXPECT_STREQ("+44", c->routes[0].key);
	EXPECT_EQ(SD_PROTO_UDP, (int)c->routes[0].proto);
	EXPECT_STREQ("192.0.2.2:5080", str(&c->routes[1].next_hop));
	EXPECT_EQ(CFG_ROUTE_DOMAIN, (int)c->routes[2].match);
}

TEST_F(conf, ipv6_addresses)
{
	struct sd_config *c = self->c;

	ASSERT_EQ(0, load(self, "[listen]\n"
				"udp = [::1]:5070\n"
				"tcp = [2001:db8::1]\n"
				"udp = 2001:db8::2\n"
				"[trusted]\n"
				"peer = 2001:db8:100::/48\n"
				"peer = [2001:db8::9]\n"
				"[routes]\n"
				"route = prefix 1 [2001:db8::5]:5080 tcp\n"));
	ASSERT_EQ(3U, c->nlisten);
	EXPECT_STREQ("[::1]:5070", str(&c->listen[0].addr));
	EXPECT_STREQ("[2001:db8::1]:5060", str(&c->listen[1].addr));
	EXPECT_STREQ("[2001:db8::2]:5060", str(&c->listen[2].addr));
	/* the host is bare: whoever writes a Via adds the brackets */
	EXPECT_STREQ("::1", c->listen[0].host);
	EXPECT_STREQ("2001:db8::1", c->listen[1].host);
	ASSERT_EQ(2U, c->ntrusted);
	EXPECT_EQ(48U, c->trusted[0].plen);
	EXPECT_EQ(128U, c->trusted[1].plen);
	EXPECT_STREQ("[2001:db8::5]:5080", str(&c->routes[0].next_hop));
}

TEST_F(conf, advertise_forms)
{
	static const struct {
		const char *value, *stored;
	} cases[] = {
		{ "sip.example.com", "sip.example.com" },
		{ "198.51.100.4", "198.51.100.4" },
		{ "[2001:db8::4]", "2001:db8::4" },
		{ "2001:db8::4", "2001:db8::4" },
	};
	char text[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(text, sizeof(text),
			 "[listen]\nudp = 10.0.0.1\nadvertise = %s\n",
			 cases[i].value);
		ASSERT_EQ(0, load(self, text))
		TH_LOG("%s: %s", cases[i].value, self->err);
		EXPECT_STREQ(cases[i].stored, self->c->advertise);
		EXPECT_STREQ(cases[i].stored, self->c->listen[0].host);
	}
}

TEST_F(conf, bools_and_log_levels)
{
	static const struct {
		const char *value;
		bool expect;
	} bools[] = {
		{ "yes", true },    { "YES", true }, { "true", true },
		{ "1", true },	    { "no", false }, { "No", false },
		{ "false", false }, { "0", false },
	};
	static const struct {
		const char *value;
		enum log_level expect;
	} levels[] = {
		{ "error", LOG_LEVEL_ERR },
		{ "warn", LOG_LEVEL_WARN },
		{ "info", LOG_LEVEL_INFO },
		{ "DEBUG", LOG_LEVEL_DEBUG },
	};
	char text[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bools); i++) {
		snprintf(text, sizeof(text), "[proxy]\nrecord_route = %s\n",
			 bools[i].value);
		ASSERT_EQ(0, load(self, text));
		EXPECT_EQ(bools[i].expect, self->c->record_route)
		TH_LOG("%s", bools[i].value);
	}
	for (i = 0; i < ARRAY_SIZE(levels); i++) {
		snprintf(text, sizeof(text), "[general]\nlog_level = %s\n",
			 levels[i].value);
		ASSERT_EQ(0, load(self, text));
		EXPECT_EQ(levels[i].expect, self->c->log_level);
	}
}

/*
 * One bad file per class of error: the message must be one line, start
 * with PATH:LINE:, and hold the section/key and the reason.
 */
TEST_F(conf, errors_name_file_line_and_key)
{
	static const struct {
		const char *text;
		unsigned int line;
		const char *want; /* after "PATH:LINE: " */
	} cases[] = {
		{ "[proxy]\nt1_ms = x\n", 2,
		  "[proxy] t1_ms: not a number: 'x'" },
		{ "[proxy]\nt1_ms = -5\n", 2,
		  "[proxy] t1_ms: not a number: '-5'" },
		{ "[proxy]\nt1_ms = 12ms\n", 2,
		  "[proxy] t1_ms: not a number: '12ms'" },
		{ "[proxy]\nt1_ms =\n", 2, "[proxy] t1_ms: not a number: ''" },
		{ "[proxy]\n\nmax_transactions = 4294967296\n", 3,
		  "[proxy] max_transactions: too large (at most 4294967295)" },
		{ "[registrar]\nmax_bindings = 0\n", 2,
		  "[registrar] max_bindings: must be more than 0: '0'" },
		{ "[proxy]\nt1_ms = 5000\n", 2,
		  "[proxy] t1_ms: more than t2_ms (4000): '5000'" },
		{ "[proxy]\nt1_ms = 300\nt2_ms = 200\n", 3,
		  "[proxy] t2_ms: less than t1_ms (300): '200'" },
		{ "[registrar]\nmax_expires = 30\n", 2,
		  "[registrar] max_expires: less than min_expires (60): '30'" },
		{ "[registrar]\nmin_expires = 4000\n", 2,
		  "[registrar] min_expires: more than default_expires (3600)" },
		{ "[registrar]\ndefault_expires = 9000\n", 2,
		  "[registrar] default_expires: more than max_expires (7200)" },
		{ "[registrar]\ndefault_expires = 10\n", 2,
		  "[registrar] default_expires: less than min_expires (60)" },
		{ "[media]\nport_min = 25000\nport_max = 24000\n", 3,
		  "[media] port_max: less than port_min (25000): '24000'" },
		/* media ports over a SIP port: XDP would take SIP for media */
		{ "[media]\nanchor = yes\nport_min = 5000\nport_max = 6000\n",
		  4,
		  "[media] port_max: the media ports 5000-6000 hold SIP port "
		  "5060 ([listen] udp): '6000'" },
		{ "[listen]\nudp = 198.18.0.1:25000\n[media]\nanchor = yes\n",
		  2,
		  "[listen] udp: a SIP port inside [media] port_min..port_max "
		  "(20000-29999): '25000'" },
		{ "[media]\nport_min = 80\n", 2,
		  "[media] port_min: not a port from 1024 to 65535: '80'" },
		{ "[media]\nport_max = 70000\n", 2,
		  "[media] port_max: not a port from 1024 to 65535" },
		{ "[media]\naddress = relay.example\n", 2,
		  "[media] address: not an IPv4 or IPv6 address" },
		{ "[media]\naddress = 198.51.100.1:4000\n", 2,
		  "[media] address: not an IPv4 or IPv6 address" },
		{ "[media]\nanchor = maybe\n", 2,
		  "[media] anchor: not yes or no: 'maybe'" },
		{ "[media]\nnat = sometimes\n", 2,
		  "[media] nat: not no, private or differs: 'sometimes'" },
		{ "[media]\nnexthop = arp\n", 2,
		  "[media] nexthop: not auto, cache or fib: 'arp'" },
		{ "[proxy]\nrecord_route = maybe\n", 2,
		  "[proxy] record_route: not yes or no: 'maybe'" },
		{ "[general]\nlog_level = loud\n", 2,
		  "[general] log_level: not error, warn, info or debug" },
		{ "[listen]\nudp = 300.1.1.1\n", 2,
		  "[listen] udp: not ADDR[:PORT]: '300.1.1.1'" },
		{ "[listen]\ntcp = 10.0.0.1:70000\n", 2,
		  "[listen] tcp: not ADDR[:PORT]" },
		{ "[listen]\nudp = host.example\n", 2,
		  "[listen] udp: not ADDR[:PORT]" },
		{ "[listen]\nudp = 10.0.0.1\nudp = 10.0.0.1:5060\n", 3,
		  "[listen] udp: already listening there" },
		{ "[listen]\nadvertise = bad name!\n", 2,
		  "[listen] advertise: not a host name or address" },
		{ "[proxy]\ndomain = a b\n", 2,
		  "[proxy] domain: not a domain name: 'a b'" },
		{ "[auth]\nrealm = say \"hi\"\n", 2, "[auth] realm: quotes" },
		{ "[trusted]\npeer = 10.0.0.0/33\n", 2,
		  "[trusted] peer: prefix length not 0..32: '10.0.0.0/33'" },
		{ "[trusted]\npeer = 2001:db8::/129\n", 2,
		  "[trusted] peer: prefix length not 0..128" },
		{ "[trusted]\npeer = 10.0.0.0/\n", 2,
		  "[trusted] peer: prefix length not 0..32" },
		{ "[trusted]\npeer = nowhere\n", 2,
		  "[trusted] peer: not ADDR[/PLEN]: 'nowhere'" },
		{ "[routes]\nroute = domain x.example\n", 2,
		  "[routes] route: not 'domain|prefix KEY ADDR[:PORT] [udp|tcp]'" },
		{ "[routes]\nroute = domain x.example 10.0.0.1 udp extra\n", 2,
		  "[routes] route: not 'domain|prefix" },
		{ "[routes]\nroute = suffix 44 10.0.0.1\n", 2,
		  "[routes] route: not 'domain|prefix" },
		{ "[routes]\nroute = prefix 44x 10.0.0.1\n", 2,
		  "[routes] route: prefix not digits" },
		{ "[routes]\nroute = prefix + 10.0.0.1\n", 2,
		  "[routes] route: prefix not digits" },
		{ "[routes]\nroute = domain x.example 10.0.0.1 sctp\n", 2,
		  "[routes] route: transport not udp or tcp" },
		{ "[routes]\nroute = domain x.example nohost\n", 2,
		  "[routes] route: next hop not ADDR[:PORT]" },
		{ "[routes]\nroute = prefix 44 10.0.0.1\n"
		  "route = prefix 44 10.0.0.2\n",
		  3, "[routes] route: a route for 44 is already given" },
		{ "[routes]\nroute = domain X.example 10.0.0.1\n"
		  "route = domain x.EXAMPLE 10.0.0.2\n",
		  3, "[routes] route: a route for x.EXAMPLE is already given" },
		{ "[control]\nsocket = run/siphond.sock\n", 2,
		  "[control] socket: not an absolute path" },
		{ "[control]\nsocket = /run/siphon/"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  ".sock\n",
		  2, "[control] socket: longer than 107 characters" },
		{ "[control]\ngroup = no-such-group-here\n", 2,
		  "[control] group: no such group: 'no-such-group-here'" },
		{ "[control]\nidle_s = 0\n", 2,
		  "[control] idle_s: must be more than 0" },
		{ "[metrics]\nlisten = localhost:9463\n", 2,
		  "[metrics] listen: not ADDR[:PORT], or empty: 'localhost:9463'" },
		{ "[metrics]\nlisten = 127.0.0.1:0\n", 2,
		  "[metrics] listen: not ADDR[:PORT], or empty" },
		{ "[metrics]\nlisten = 127.0.0.1:65536\n", 2,
		  "[metrics] listen: not ADDR[:PORT], or empty" },
		{ "[metrics]\nmax_connections = 0\n", 2,
		  "[metrics] max_connections: must be more than 0" },
		{ "[metrics]\ntimeout_s = x\n", 2,
		  "[metrics] timeout_s: not a number" },
		{ "[proxy]\nt1_msec = 5\n", 2,
		  "[proxy] t1_msec: unknown key: '5'" },
		{ "[proxy]\n[bogus]\nkey = 1\n", 2,
		  "[bogus]: unknown section" },
		{ "[general]\nlog_level = info\n[empty]\n", 3,
		  "[empty]: unknown section" },
		{ "log_level = info\n", 1,
		  "log_level: outside any [section]: 'info'" },
		{ "[proxy]\nthis line has no equals sign\n", 2,
		  "not '[section]' or 'key = value'" },
		{ "[proxy\n", 1, "not '[section]' or 'key = value'" },
		/* the first error is reported, not the last */
		{ "[proxy]\nt1_ms = a\nt2_ms = b\n", 2, "[proxy] t1_ms:" },
		{ "[proxy]\nno equals\nt2_ms = b\n", 2,
		  "not '[section]' or 'key = value'" },
		{ "[proxy]\nt2_ms = b\nno equals\n", 2, "[proxy] t2_ms:" },
	};
	char prefix[96];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT_EQ(-1, load(self, cases[i].text))
		TH_LOG("case %zu was accepted", i);
		snprintf(prefix, sizeof(prefix), "%s:%u: ", self->path,
			 cases[i].line);
		EXPECT_EQ(0, strncmp(self->err, prefix, strlen(prefix)))
		TH_LOG("case %zu: want %s got %s", i, prefix, self->err);
		EXPECT_EQ(0, strncmp(self->err + strlen(prefix), cases[i].want,
				     strlen(cases[i].want)))
		TH_LOG("case %zu: want %s got %s", i, cases[i].want, self->err);
		EXPECT_EQ(NULL, strchr(self->err, '\n'));
	}
}

TEST_F(conf, line_too_long_is_refused_not_split)
{
	char text[1024];
	int n;

	/* a value past libinih's buffer: the tail must not become a key */
	n = snprintf(text, sizeof(text), "[proxy]\ndomain = ");
	memset(text + n, 'a', 600);
	snprintf(text + n + 600, sizeof(text) - n - 600, "\n");
	ASSERT_EQ(-1, load(self, text));
	EXPECT_NE(NULL, strstr(self->err, ":2: line longer than"))
	TH_LOG("%s", self->err);
}

TEST_F(conf, missing_file_says_why)
{
	char err[256];

	ASSERT_EQ(-1, config_load(self->c, "/nonexistent/siphond.conf", err,
				  sizeof(err)));
	EXPECT_STREQ("/nonexistent/siphond.conf: cannot open: "
		     "No such file or directory",
		     err);
}

TEST_F(conf, directory_is_unreadable)
{
	char err[256];

	ASSERT_EQ(-1, config_load(self->c, "/tmp", err, sizeof(err)));
	EXPECT_STREQ("/tmp: cannot read: Is a directory", err);
}

/* the count of entries each table holds, and one more is refused */
TEST_F(conf, every_table_is_bounded)
{
	static const struct {
		const char *section, *fmt, *want;
		unsigned int max;
	} tables[] = {
		{ "listen", "udp = 10.0.0.1:%u\n",
		  "[listen] udp: too many listeners (at most 8)",
		  CFG_LISTEN_MAX },
		{ "proxy", "domain = d%u.example\n",
		  "[proxy] domain: too many domains (at most 16)",
		  CFG_DOMAINS_MAX },
		{ "trusted", "peer = 10.0.%u.0/24\n",
		  "[trusted] peer: too many trusted peers (at most 64)",
		  CFG_TRUSTED_MAX },
		{ "routes", "route = prefix 1%u 10.0.0.1\n",
		  "[routes] route: too many routes (at most 256)",
		  CFG_ROUTES_MAX },
	};
	size_t i, size = 64 * 1024, len;
	unsigned int n;
	char *text = malloc(size);
	char want[128];

	ASSERT_NE(NULL, text);
	for (i = 0; i < ARRAY_SIZE(tables); i++) {
		len = (size_t)snprintf(text, size, "[%s]\n", tables[i].section);
		for (n = 1; n <= tables[i].max; n++)
			len += (size_t)snprintf(text + len, size - len,
						tables[i].fmt, n);
		ASSERT_EQ(0, load(self, text));
		len += (size_t)snprintf(text + len, size - len, tables[i].fmt,
					n);
		ASSERT_EQ(-1, load(self, text));
		snprintf(want, sizeof(want), "%s:%u: %s", self->path,
			 tables[i].max + 2, tables[i].want);
		EXPECT_EQ(0, strncmp(self->err, want, strlen(want)))
		TH_LOG("want %s got %s", want, self->err);
	}
	free(text);
}

TEST_F(conf, reload_copies_reloadable_parts_only)
{
	struct sd_config *live = self->c;
	char err[512];

	ASSERT_EQ(0, load(self, "[listen]\nudp = 10.0.0.1\n"
				"[proxy]\ndomain = old.example\nt1_ms = 100\n"
				"[routes]\nroute = prefix 1 10.0.0.9\n"));
	unlink(self->path);
	ASSERT_EQ(0, write_conf(self->path, sizeof(self->path),
				"[listen]\nudp = 10.0.0.2\n"
				"[proxy]\ndomain = new.example\n"
				"domain = two.example\nt1_ms = 200\n"
				"[auth]\ncredentials = /etc/users\n"
				"[trusted]\npeer = 192.0.2.0/24\n"
				"[routes]\nroute = prefix 2 10.0.0.8\n"
				"route = prefix 3 10.0.0.7\n"));
	ASSERT_EQ(0, config_reload(live, self->path, err, sizeof(err)));
	ASSERT_EQ(2U, live->ndomains);
	EXPECT_STREQ("new.example", live->domains[0]);
	EXPECT_STREQ("new.example", live->realm);
	EXPECT_STREQ("/etc/users", live->credentials);
	ASSERT_EQ(1U, live->ntrusted);
	ASSERT_EQ(2U, live->nroutes);
	EXPECT_STREQ("2", live->routes[0].key);
	/* listeners and timers need a restart */
	EXPECT_STREQ("10.0.0.1:5060", str(&live->listen[0].addr));
	EXPECT_EQ(100U, live->t1_ms);
}

TEST_F(conf, failed_reload_leaves_live_untouched)
{
	struct sd_config *before = malloc(sizeof(*before));
	char err[512];

	ASSERT_NE(NULL, before);
	ASSERT_EQ(0, load(self, "[proxy]\ndomain = old.example\n"
				"[routes]\nroute = prefix 1 10.0.0.9\n"));
	memcpy(before, self->c, sizeof(*before));
	unlink(self->path);
	/* good lines first, so a partial copy would show */
	ASSERT_EQ(0, write_conf(self->path, sizeof(self->path),
				"[proxy]\ndomain = new.example\n"
				"[routes]\nroute = prefix 2 10.0.0.8\n"
				"route = prefix 2 10.0.0.7\n"));
	EXPECT_EQ(-1, config_reload(self->c, self->path, err, sizeof(err)));
	EXPECT_NE(NULL, strstr(err, ":5: [routes] route:"))
	TH_LOG("%s", err);
	EXPECT_EQ(0, memcmp(before, self->c, sizeof(*before)));
	free(before);
}

FIXTURE(lookup)
{
	char path[64];
	struct sd_config c;
};

FIXTURE_SETUP(lookup)
{
	char err[512];

	ASSERT_EQ(0, write_conf(self->path, sizeof(self->path),
				"[listen]\n"
				"udp = 198.18.0.1\n"
				"tcp = [2001:db8::1]:5070\n"
				"advertise = Edge.Example.com\n"
				"[proxy]\n"
				"domain = example.com\n"
				"domain = Other.Example\n"
				"[trusted]\n"
				"peer = 203.0.113.0/24\n"
				"peer = 192.0.2.7\n"
				"peer = 2001:db8:100::/48\n"
				"[routes]\n"
				"route = prefix +4420 10.0.0.2 tcp\n"
				"route = prefix +442079 10.0.0.3\n"
				"route = prefix 1 10.0.0.4\n"
				"route = prefix +44 10.0.0.1\n"
				"route = domain Carrier.example 10.0.0.5\n"));
	ASSERT_EQ(0, config_load(&self->c, self->path, err, sizeof(err)))
	TH_LOG("%s", err);
}

FIXTURE_TEARDOWN(lookup)
{
	unlink(self->path);
}

TEST_F(lookup, routes)
{
	static const struct {
		const char *host, *user;
		const char *next_hop; /* NULL: no route */
	} cases[] = {
		/* the longest prefix wins, whatever the order in the file */
		{ "x.example", "+442079460000", "10.0.0.3:5060" },
		{ "x.example", "+442070000000", "10.0.0.2:5060" },
		{ "x.example", "+4420", "10.0.0.2:5060" },
		{ "x.example", "+4430", "10.0.0.1:5060" },
		{ "x.example", "+44", "10.0.0.1:5060" },
		{ "x.example", "+4", NULL },
		{ "x.example", "4420", NULL },
		{ "x.example", "15551234", "10.0.0.4:5060" },
		/* a domain route comes first, in any case, exact only */
		{ "carrier.EXAMPLE", "+442079460000", "10.0.0.5:5060" },
		{ "carrier.example", "", "10.0.0.5:5060" },
		{ "sub.carrier.example", "alice", NULL },
		{ "carrier.example.net", "alice", NULL },
		{ "x.example", "alice", NULL },
		{ "", "", NULL },
	};
	const struct cfg_route *r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		r = config_find_route(&self->c, cases[i].host,
				      strlen(cases[i].host), cases[i].user,
				      strlen(cases[i].user));
		if (!cases[i].next_hop) {
			EXPECT_EQ(NULL, r)
			TH_LOG("%s@%s", cases[i].user, cases[i].host);
			continue;
		}
		ASSERT_NE(NULL, r)
		TH_LOG("%s@%s", cases[i].user, cases[i].host);
		EXPECT_STREQ(cases[i].next_hop, str(&r->next_hop));
	}
	r = config_find_route(&self->c, "x", 1, "+4420", 5);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(SD_PROTO_TCP, (int)r->proto);
	/* lengths are honoured: the text past them is not looked at */
	r = config_find_route(&self->c, "carrier.examplezzz", 15, "+442079", 4);
	ASSERT_NE(NULL, r);
	EXPECT_EQ(CFG_ROUTE_DOMAIN, (int)r->match);
	r = config_find_route(&self->c, "zz", 0, "+442079", 4);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("+44", r->key);
	EXPECT_EQ(NULL, config_find_route(&self->c, NULL, 0, NULL, 0));
}

TEST_F(lookup, trusted_peers)
{
	static const struct {
		const char *addr;
		bool trusted;
	} cases[] = {
		{ "203.0.113.0:5060", true },
		{ "203.0.113.255:1", true },
		{ "203.0.114.1", false },
		{ "192.0.2.7:5080", true },
		{ "192.0.2.8", false },
		{ "[2001:db8:100:ffff::1]:5060", true },
		{ "[2001:db8:101::1]:5060", false },
		/* an IPv4 peer seen through a dual-stack socket */
		{ "[::ffff:203.0.113.9]:5060", true },
		{ "[::ffff:198.51.100.1]:5060", false },
		{ "[::1]:5060", false },
	};
	union sd_sockaddr a;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		a = addr(cases[i].addr);
		EXPECT_EQ(cases[i].trusted, config_is_trusted(&self->c, &a))
		TH_LOG("%s", cases[i].addr);
	}
}

TEST_F(lookup, our_domains)
{
	static const struct {
		const char *host;
		bool ours;
	} cases[] = {
		{ "example.com", true },
		{ "EXAMPLE.COM", true },
		{ "other.example", true },
		{ "edge.example.com", true }, /* advertise */
		{ "198.18.0.1", true }, /* a listener's address */
		{ "[2001:db8::1]", true },
		{ "2001:db8::1", true },
		{ "[2001:db8:0::0:1]", true },
		{ "198.18.0.2", false },
		{ "[2001:db8::2]", false },
		{ "sub.example.com", false },
		{ "example.co", false },
		{ "example.com.evil", false },
		{ "", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].ours,
			  config_is_our_domain(&self->c, cases[i].host,
					       strlen(cases[i].host)))
		TH_LOG("%s", cases[i].host);
	}
	/* the length bounds the name */
	EXPECT_TRUE(config_is_our_domain(&self->c, "example.comXYZ", 11));
	EXPECT_FALSE(config_is_our_domain(&self->c, NULL, 0));
}

TEST_F(conf, advertised_address_is_ours)
{
	ASSERT_EQ(0, load(self, "[listen]\nudp = 10.0.0.1\n"
				"advertise = [2001:db8::77]\n"));
	EXPECT_TRUE(config_is_our_domain(self->c, "[2001:db8::77]", 14));
	EXPECT_TRUE(config_is_our_domain(self->c, "2001:db8:0::77", 14));
	EXPECT_TRUE(config_is_our_domain(self->c, "10.0.0.1", 8));
	EXPECT_FALSE(config_is_our_domain(self->c, "[2001:db8::78]", 14));
}

/* the example an operator starts from must load as it is shipped */
TEST_F(conf, shipped_example_loads)
{
	char dir[512], path[600];

	corpus_path("Documentation", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/siphond.conf", dir);
	ASSERT_EQ(0, config_load(self->c, path, self->err, sizeof(self->err)))
	TH_LOG("%s", self->err);
	EXPECT_LT(0U, self->c->ndomains);
	EXPECT_LT(0U, self->c->nroutes);
	EXPECT_LT(0U, self->c->ntrusted);
}

/* addresses print as inet_ntop() prints them, IPv4 written by hand */
TEST(sockaddr_host_text)
{
	static const char *const texts[] = {
		"0.0.0.0", "255.255.255.255", "198.18.1.2", "10.0.100.9",
		"1.20.255.0", "::1", "2001:db8::5", "::ffff:198.18.0.1",
	};
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	union sd_sockaddr a;
	unsigned int i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		a = addr(texts[i]);
		ASSERT_NE(NULL,
			  inet_ntop(a.sa.sa_family,
				    a.sa.sa_family == AF_INET6 ?
					    (void *)&a.in6.sin6_addr :
					    (void *)&a.in.sin_addr,
				    want, sizeof(want)));
		EXPECT_STREQ(want, sd_sockaddr_host(&a, got, sizeof(got)));
		EXPECT_STREQ(texts[i], got);
	}
	/* a buffer too short for a dotted quad gets inet_ntop()'s "?" */
	a = addr("198.18.1.2");
	EXPECT_STREQ("?", sd_sockaddr_host(&a, got, 8));
}

TEST_HARNESS_MAIN
