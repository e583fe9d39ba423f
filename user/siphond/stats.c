// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every counter siphond keeps, walked by name from the X-macro lists of
 * its parts (see counters.h): one walker for every way they leave the
 * daemon, and the stats dump written to the log on SIGUSR1 and at exit.
 */
#include <stdio.h>

#include "dialog.h"
#include "log.h"
#include "siphond.h"

#define VISIT(name) fn(arg, group, #name, st->name);

static void visit_proxy(const struct proxy_stats *st, sd_stat_fn fn, void *arg)
{
	const char *group = "proxy";

	PROXY_COUNTERS(VISIT)
}

static void visit_txn(const struct txn_stats *st, sd_stat_fn fn, void *arg)
{
	const char *group = "transaction";

	TXN_COUNTERS(VISIT)
}

static void visit_udp(const struct udp_stats *st, sd_stat_fn fn, void *arg)
{
	const char *group = "udp";

	UDP_COUNTERS(VISIT)
}

static void visit_tcp(const struct tcp_stats *st, sd_stat_fn fn, void *arg)
{
	const char *group = "tcp";

	TCP_COUNTERS(VISIT)
}

static void visit_location(const struct location_stats *st, sd_stat_fn fn,
			   void *arg)
{
	const char *group = "location";

	LOCATION_COUNTERS(VISIT)
}

static void visit_registrar(const struct registrar_stats *st, sd_stat_fn fn,
			    void *arg)
{
	const char *group = "registrar";

	REGISTRAR_COUNTERS(VISIT)
}

static void visit_auth(const struct auth_stats *st, sd_stat_fn fn, void *arg)
{
	const char *group = "auth";

	AUTH_COUNTERS(VISIT)
}

static void visit_media(const struct media_stats *st, sd_stat_fn fn,
			void *arg)
{
	const char *group = "media";

	MEDIA_COUNTERS(VISIT)
}

static void visit_dialog(const struct dialog_stats *st, sd_stat_fn fn,
			 void *arg)
{
	const char *group = "dialog";

	DIALOG_COUNTERS(VISIT)
}

static void visit_control(const struct control_stats *st, sd_stat_fn fn,
			  void *arg)
{
	const char *group = "control";

	CONTROL_COUNTERS(VISIT)
}

static void visit_metrics(const struct metrics_stats *st, sd_stat_fn fn,
			  void *arg)
{
	const char *group = "metrics";

	METRICS_COUNTERS(VISIT)
}

static void visit_netlink(const struct netlink_stats *st, sd_stat_fn fn,
			  void *arg)
{
	const char *group = "netlink";

	NETLINK_COUNTERS(VISIT)
}

static void visit_shield(const struct shield_stats *st, sd_stat_fn fn,
			 void *arg)
{
	const char *group = "shield";

	SHIELD_COUNTERS(VISIT)
}

#undef VISIT

void sd_stats_visit(const struct siphond *d, sd_stat_fn fn, void *arg)
{
	visit_proxy(&d->stats, fn, arg);
	visit_txn(txn_stats(d->txns), fn, arg);
	visit_udp(udp_stats(d->udp), fn, arg);
	visit_tcp(tcp_stats(d->tcp), fn, arg);
	visit_location(location_stats(d->loc), fn, arg);
	visit_registrar(&d->reg.stats, fn, arg);
	if (d->auth)
		visit_auth(auth_stats(d->auth), fn, arg);
	if (d->media)
		visit_media(media_stats(d->media), fn, arg);
	if (d->media)
		visit_dialog(dialog_stats(d->media), fn, arg);
	if (d->ctl)
		visit_control(control_stats(d->ctl), fn, arg);
	if (d->metrics)
		visit_metrics(metrics_stats(d->metrics), fn, arg);
	if (d->nl)
		visit_netlink(netlink_stats(d->nl), fn, arg);
	if (d->shield)
		visit_shield(sd_shield_stats(d->shield), fn, arg);
}

/* one log line per group: "stats proxy: requests=12 responses=9 ..." */
struct stats_line {
	const char *group;
	char buf[1024];
	size_t len;
};

static void line_flush(struct stats_line *l)
{
	if (l->group && l->len)
		pr_info("stats %s:%s\n", l->group, l->buf);
	l->len = 0;
	l->buf[0] = '\0';
}

static void line_add(void *arg, const char *group, const char *name,
		     uint64_t value)
{
	struct stats_line *l = arg;
	int n;

	if (group != l->group) {
		line_flush(l);
		l->group = group;
	}
	n = snprintf(l->buf + l->len, sizeof(l->buf) - l->len, " %s=%llu", name,
		     (unsigned long long)value);
	if (n < 0 || (size_t)n >= sizeof(l->buf) - l->len) {
		/* a group too long for one line goes on in the next */
		l->buf[l->len] = '\0';
		line_flush(l);
		n = snprintf(l->buf, sizeof(l->buf), " %s=%llu", name,
			     (unsigned long long)value);
	}
	l->len += (size_t)n;
}

void sd_stats_log(const struct siphond *d)
{
	struct stats_line l = { 0 };

	sd_stats_visit(d, line_add, &l);
	line_flush(&l);
}
