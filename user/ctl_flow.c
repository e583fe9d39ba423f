// SPDX-License-Identifier: GPL-2.0-only
/* siphonctl flow add | del | list | show | flush | refresh */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <arpa/inet.h>

#include "ctl.h"
#include "ctl_flow.h"
#include "flow_table.h"
#include "nexthop.h"
#include "nexthop_refresh.h"

enum nexthop_choice {
	NEXTHOP_AUTO, /* cache it if the neighbour is known, else FIB */
	NEXTHOP_CACHE,
	NEXTHOP_FIB,
};

struct flow_args {
	struct flow_spec spec;
	enum nexthop_choice nexthop;
	bool replace;
	bool rtp; /* measure RTP loss and jitter */
	__u32 clock_rate; /* Hz; 0: the default */
};

int flow_parse_endpoint(const char *what, const char *text, bool port_optional,
			struct endpoint *ep)
{
	if (!endpoint_parse(text, port_optional, ep))
		return 0;
	return ctl_fail(CTL_USAGE,
			"flow: bad %s '%s' (want ADDR:PORT, [IPv6]:PORT, "
			"port 1-65535%s)",
			what, text, port_optional ? ", or ADDR alone" : "");
}

static int parse_nexthop(const char *text, enum nexthop_choice *nh)
{
	if (!strcmp(text, "auto"))
		*nh = NEXTHOP_AUTO;
	else if (!strcmp(text, "cache"))
		*nh = NEXTHOP_CACHE;
	else if (!strcmp(text, "fib"))
		*nh = NEXTHOP_FIB;
	else
		return ctl_fail(CTL_USAGE,
				"flow: nexthop is auto, cache or fib");
	return 0;
}

static int parse_clock_rate(const char *text, __u32 *rate)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(text, &end, 10);
	if (errno || *end || val < 1 || val > 10000000)
		return ctl_fail(CTL_USAGE,
				"flow add: clock is an RTP clock rate in Hz, "
				"1 to 10000000");
	*rate = val;
	return 0;
}

/*
 * RELAY from PEER to DEST src RELAY [nexthop X] [replace] [rtp]
 * [clock HZ]
 */
static int parse_flow_args(int argc, char **argv, struct flow_args *args)
{
	bool have_from = false, have_to = false, have_src = false;
	struct flow_spec *spec = &args->spec;
	int i, rc;

	memset(args, 0, sizeof(*args));
	if (argc < 1)
		return ctl_fail(CTL_USAGE, "flow add: missing RELAY:PORT");
	rc = flow_parse_endpoint("relay address", argv[0], false, &spec->relay);
	for (i = 1; !rc && i < argc; i++) {
		const char *word = argv[i];

		if (!strcmp(word, "replace")) {
			args->replace = true;
			continue;
		}
		if (!strcmp(word, "rtp")) {
			args->rtp = true;
			continue;
		}
		if (i + 1 >= argc)
			return ctl_fail(CTL_USAGE,
					"flow add: '%s' needs a value", word);
		if (!strcmp(word, "from")) {
			rc = flow_parse_endpoint("peer", argv[++i], true,
						 &spec->peer);
			have_from = true;
		} else if (!strcmp(word, "to")) {
			rc = flow_parse_endpoint("destination", argv[++i],
						 false, &spec->out_dst);
			have_to = true;
		} else if (!strcmp(word, "src")) {
			rc = flow_parse_endpoint("source", argv[++i], false,
						 &spec->out_src);
			have_src = true;
		} else if (!strcmp(word, "nexthop")) {
			rc = parse_nexthop(argv[++i], &args->nexthop);
		} else if (!strcmp(word, "clock")) {
			rc = parse_clock_rate(argv[++i], &args->clock_rate);
			args->rtp = true;
		} else {
			return ctl_fail(CTL_USAGE,
					"flow add: unknown word '%s'", word);
		}
	}
	if (rc)
		return rc;
	if (!have_from || !have_to || !have_src)
		return ctl_fail(
			CTL_USAGE,
			"flow add: 'from', 'to' and 'src' are required");
	return 0;
}

static const char *nexthop_error(int err)
{
	switch (err) {
	case -ENETUNREACH:
		return "no route to the destination";
	case -EADDRNOTAVAIL:
		return "the destination is a local address";
	case -EPFNOSUPPORT:
		return "the egress interface is not Ethernet";
	default:
		return strerror(-err);
	}
}

/* the address alone: next hops are about hosts, not ports */
static const char *addr_str(const struct endpoint *ep, char *buf, size_t len)
{
	struct endpoint host = *ep;
	char *colon;

	host.port = 0;
	endpoint_str(&host, buf, len);
	colon = strrchr(buf, ':'); /* drop the ":*" */
	if (colon)
		*colon = '\0';
	if (buf[0] == '[') {
		memmove(buf, buf + 1, strlen(buf));
		buf[strlen(buf) - 1] = '\0';
	}
	return buf;
}

/* fill the flow's next hop as the operator chose; CTL_OK or an exit code */
static int apply_nexthop(const struct flow_args *args, struct siphon_flow *flow,
			 bool quiet)
{
	struct nexthop_info nh;
	char dst[ENDPOINT_STRLEN];
	int err;

	if (args->nexthop == NEXTHOP_FIB) {
		flow->flags |= SIPHON_FLOW_NH_FIB;
		return CTL_OK;
	}
	addr_str(&args->spec.out_dst, dst, sizeof(dst));
	err = nexthop_resolve(&args->spec.out_dst, &nh);
	if (err)
		return ctl_fail(CTL_FAILED, "flow: next hop to %s: %s", dst,
				nexthop_error(err));
	if (!nh.resolved) {
		if (args->nexthop == NEXTHOP_CACHE)
			return ctl_fail(CTL_FAILED,
					"flow: the neighbour towards %s is not "
					"resolved yet; retry, or use 'nexthop "
					"fib'",
					dst);
		if (!quiet)
			fprintf(stderr,
				"siphonctl: neighbour towards %s not resolved "
				"yet: FIB lookup per packet until 'flow "
				"refresh'\n",
				dst);
		return CTL_OK;
	}
	flow_set_nexthop(flow, &nh);
	return CTL_OK;
}

static int flow_add(struct ctl *ctl, int argc, char **argv)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct siphon_maps maps;
	struct flow_args args;
	char relay[ENDPOINT_STRLEN];
	int rc, err;

	rc = parse_flow_args(argc, argv, &args);
	if (rc)
		return rc;
	if (flow_value_of(&args.spec, &flow))
		return ctl_fail(CTL_USAGE,
				"flow add: mix of IPv4 and IPv6 addresses");
	if (args.rtp)
		flow_set_rtp(&flow, args.clock_rate);
	flow_key_of(&args.spec.relay, &key);
	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	rc = apply_nexthop(&args, &flow, ctl->json);
	if (rc) {
		siphon_maps_close(&maps);
		return rc;
	}
	err = flow_table_add(&maps.flows, &key, &flow, args.replace);
	siphon_maps_close(&maps);

	endpoint_str(&args.spec.relay, relay, sizeof(relay));
	if (err == -EEXIST)
		return ctl_fail(CTL_FAILED,
				"flow add: %s already has a flow (add "
				"'replace' to overwrite it)",
				relay);
	if (err == -E2BIG)
		return ctl_fail(
			CTL_FAILED,
			"flow add: the flow table is full (its size is "
			"fixed while pinned: see 'attach --max-flows' in "
			"Documentation/attach.md)");
	if (err == -ENOSPC)
		return ctl_fail(CTL_FAILED,
				"flow add: %s: the index words this address "
				"and port may take are all taken (rare: try "
				"another port, or a larger table)",
				relay);
	if (err)
		return ctl_fail(CTL_FAILED, "flow add: %s", strerror(-err));
	if (ctl->json)
		return ctl_print_json(json_pack("{s:s}", "added", relay));
	printf("flow %s added (%s)\n", relay,
	       flow.flags & SIPHON_FLOW_NH_CACHED ? "next hop cached" :
						    "FIB lookup per packet");
	return CTL_OK;
}

static int flow_del(struct ctl *ctl, int argc, char **argv)
{
	struct siphon_flow_key key;
	struct siphon_maps maps;
	struct endpoint relay;
	int rc, err;

	if (argc != 1)
		return ctl_fail(CTL_USAGE, "flow del: give exactly RELAY:PORT");
	rc = flow_parse_endpoint("relay address", argv[0], false, &relay);
	if (rc)
		return rc;
	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	flow_key_of(&relay, &key);
	err = flow_table_del(&maps.flows, &key);
	siphon_maps_close(&maps);
	if (err == -ENOENT)
		return ctl_fail(CTL_FAILED, "flow del %s: no such flow",
				argv[0]);
	if (err)
		return ctl_fail(CTL_FAILED, "flow del %s: %s", argv[0],
				strerror(-err));
	if (ctl->json)
		return ctl_print_json(json_pack("{s:s}", "deleted", argv[0]));
	printf("flow %s deleted\n", argv[0]);
	return CTL_OK;
}

void flow_to_text(const struct siphon_flow_key *key,
		  const struct siphon_flow *flow, struct flow_text *t)
{
	struct endpoint ep = { .family = key->family };
	struct timespec now;

	endpoint_of_key(key, &ep);
	endpoint_str(&ep, t->relay, sizeof(t->relay));

	memcpy(ep.addr, flow->expect_addr, sizeof(ep.addr));
	ep.port = flow->latch == SIPHON_LATCH_EXACT ? flow->expect_port :
		  flow->learned_port ? (__be16)(flow->learned_port & 0xffff) :
				       0;
	endpoint_str(&ep, t->peer, sizeof(t->peer));
	memcpy(ep.addr, flow->saddr, sizeof(ep.addr));
	ep.port = flow->sport;
	endpoint_str(&ep, t->src, sizeof(t->src));
	memcpy(ep.addr, flow->daddr, sizeof(ep.addr));
	ep.port = flow->dport;
	endpoint_str(&ep, t->dst, sizeof(t->dst));

	t->nexthop_mac[0] = '\0';
	if (flow->flags & SIPHON_FLOW_NH_CACHED) {
		const __u8 *m = flow->nh_dmac;

		if (!if_indextoname(flow->nh_ifindex, t->nexthop))
			snprintf(t->nexthop, sizeof(t->nexthop), "if%u",
				 flow->nh_ifindex);
		snprintf(t->nexthop_mac, sizeof(t->nexthop_mac),
			 "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
			 m[3], m[4], m[5]);
	} else {
		snprintf(t->nexthop, sizeof(t->nexthop), "fib");
	}

	clock_gettime(CLOCK_MONOTONIC, &now);
	t->idle_s = -1;
	if (flow->last_seen_ns)
		t->idle_s = (now.tv_sec * 1e9 + now.tv_nsec -
			     (double)flow->last_seen_ns) /
			    1e9;
}

const char *flow_latch_name(const struct siphon_flow *flow)
{
	if (flow->latch == SIPHON_LATCH_EXACT)
		return "exact";
	return flow->learned_port ? "learned" : "learning";
}

static int print_flow_row(const struct siphon_flow_key *key,
			  const struct siphon_flow *flow, void *ctx)
{
	struct flow_text t;
	char idle[16] = "-";

	(void)ctx;
	flow_to_text(key, flow, &t);
	if (t.idle_s >= 0)
		snprintf(idle, sizeof(idle), "%.1fs", t.idle_s);
	printf("%-22s %-22s %-8s %-22s %-22s %-8s %10llu %12llu %8s\n", t.relay,
	       t.peer, flow_latch_name(flow), t.src, t.dst, t.nexthop,
	       (unsigned long long)flow->packets,
	       (unsigned long long)flow->bytes, idle);
	return 0;
}

static int add_flow_json(const struct siphon_flow_key *key,
			 const struct siphon_flow *flow, void *ctx)
{
	json_t *list = ctx;
	struct flow_text t;

	flow_to_text(key, flow, &t);
	return json_array_append_new(
		list,
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o}",
			  "relay", t.relay, "peer", t.peer, "latch",
			  flow_latch_name(flow), "src", t.src, "dst", t.dst,
			  "nexthop", t.nexthop, "nexthop_mac", t.nexthop_mac,
			  "packets", (json_int_t)flow->packets, "bytes",
			  (json_int_t)flow->bytes, "idle_seconds",
			  t.idle_s < 0 ? json_null() : json_real(t.idle_s)));
}

static int flow_list(struct ctl *ctl)
{
	struct siphon_maps maps;
	json_t *list = NULL;
	int rc, err;

	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	if (ctl->json) {
		list = json_array();
		err = flow_table_walk(&maps.flows, add_flow_json, list);
	} else {
		printf("%-22s %-22s %-8s %-22s %-22s %-8s %10s %12s %8s\n",
		       "RELAY", "PEER", "LATCH", "SRC", "DST", "NEXTHOP",
		       "PACKETS", "BYTES", "IDLE");
		err = flow_table_walk(&maps.flows, print_flow_row, NULL);
	}
	siphon_maps_close(&maps);
	if (err) {
		json_decref(list);
		return ctl_fail(CTL_FAILED, "flow list: %s", strerror(-err));
	}
	return ctl->json ? ctl_print_json(list) : CTL_OK;
}

static int flow_flush(struct ctl *ctl)
{
	struct siphon_maps maps;
	int rc, n;

	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	n = flow_table_flush(&maps.flows);
	siphon_maps_close(&maps);
	if (n < 0)
		return ctl_fail(CTL_FAILED, "flow flush: %s", strerror(-n));
	if (ctl->json)
		return ctl_print_json(json_pack("{s:i}", "deleted", n));
	printf("%d flows deleted\n", n);
	return CTL_OK;
}

static volatile sig_atomic_t follow_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	follow_stop = 1;
}

static void print_refresh(const struct refresh_stats *st, void *ctx)
{
	struct ctl *ctl = ctx;

	if (ctl->json) {
		json_t *obj = json_pack("{s:i, s:i, s:i, s:i}", "flows",
					st->flows, "updated", st->updated,
					"unresolved", st->unresolved,
					"unroutable", st->unroutable);

		json_dumpf(obj, stdout, JSON_COMPACT);
		json_decref(obj);
		putchar('\n');
	} else {
		printf("%u of %u flows updated (%u neighbours pending, %u "
		       "without a route)\n",
		       st->updated, st->flows, st->unresolved, st->unroutable);
	}
	fflush(stdout);
}

static int parse_seconds(const char *text, unsigned int *seconds)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(text, &end, 10);
	if (errno || *end || val < 1 || val > 31536000)
		return -EINVAL;
	*seconds = val;
	return 0;
}

/* flow refresh [--follow [SECONDS]] */
static int flow_refresh(struct ctl *ctl, int argc, char **argv)
{
	struct refresh_stats st;
	struct siphon_maps maps;
	unsigned int seconds = 0;
	bool follow = false;
	int rc, err;

	if (argc >= 1 && !strcmp(argv[0], "--follow")) {
		follow = true;
		if (argc == 2 && parse_seconds(argv[1], &seconds))
			return ctl_fail(CTL_USAGE,
					"flow refresh: --follow SECONDS is "
					"1 or more");
	}
	if (argc > (follow ? 2 : 0))
		return ctl_fail(CTL_USAGE,
				"flow refresh: use 'flow refresh [--follow "
				"[SECONDS]]'");
	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	if (follow) {
		signal(SIGINT, on_stop_signal);
		signal(SIGTERM, on_stop_signal);
		err = nexthop_follow(&maps.flows, seconds, &follow_stop,
				     print_refresh, ctl);
	} else {
		err = nexthop_refresh_all(&maps.flows, &st);
		if (!err)
			print_refresh(&st, ctl);
	}
	siphon_maps_close(&maps);
	if (err)
		return ctl_fail(CTL_FAILED, "flow refresh: %s", strerror(-err));
	return CTL_OK;
}

int ctl_flow(struct ctl *ctl, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "";

	if (!strcmp(sub, "add"))
		return flow_add(ctl, argc - 2, argv + 2);
	if (!strcmp(sub, "del"))
		return flow_del(ctl, argc - 2, argv + 2);
	if (argc == 2 && !strcmp(sub, "list"))
		return flow_list(ctl);
	if (!strcmp(sub, "show"))
		return ctl_flow_show(ctl, argc - 2, argv + 2);
	if (argc == 2 && !strcmp(sub, "flush"))
		return flow_flush(ctl);
	if (!strcmp(sub, "refresh"))
		return flow_refresh(ctl, argc - 2, argv + 2);
	return ctl_fail(CTL_USAGE,
			"flow: use add, del, list, show, flush or refresh (see "
			"--help)");
}
