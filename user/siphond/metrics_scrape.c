// SPDX-License-Identifier: GPL-2.0-only
/*
 * One /metrics page: what the XDP program counted (from the maps pinned in
 * [media] pin_dir, opened anew each time so an attach or a detach since
 * the last scrape shows), siphond's counter groups through
 * sd_stats_visit(), and the bound of each gauge that has one. See
 * metrics.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bpf_loader.h"
#include "flow_table.h"
#include "log.h"
#include "metrics.h"
#include "netlink_report.h"
#include "siphond.h"
#include "stats.h"
#include "xdp_attach.h"

struct xdp_view {
	__u64 counters[SIPHON_REASON_MAX];
	__u32 flows, flows_max;
	unsigned int interfaces;
};

static int count_attached(const struct attachment *att, void *ctx)
{
	if (att->ifindex)
		(*(unsigned int *)ctx)++;
	return 0;
}

/*
 * Read everything from the pinned maps before anything goes on the page:
 * the XDP families are there whole or not at all. -ENOENT when siphon was
 * never attached with this pin_dir.
 */
static int xdp_read(const char *pin_dir, struct xdp_view *v)
{
	struct siphon_maps maps;
	int ret, n;

	ret = siphon_maps_open(pin_dir, &maps);
	if (ret)
		return ret;
	ret = stats_read(maps.stats_fd, v->counters);
	if (ret)
		goto out;
	/* the table keeps its count (user/flow_index.c) */
	n = flow_table_count(&maps.flows);
	if (n < 0) {
		ret = n;
		goto out;
	}
	v->flows = (__u32)n;
	v->flows_max = maps.flows.capacity;
	v->interfaces = 0;
	xdp_attachments_walk(pin_dir, count_attached, &v->interfaces);
out:
	siphon_maps_close(&maps);
	return ret;
}

static void add_xdp(struct metrics_page *p, const char *pin_dir)
{
	char labels[METRIC_LABELS_MAX];
	struct xdp_view v;
	unsigned int i;
	int ret;

	ret = xdp_read(pin_dir, &v);
	if (ret && ret != -ENOENT)
		pr_warn("metrics: XDP maps in %s: %s\n", pin_dir,
			strerror(-ret));
	metrics_add(p, METRIC_PREFIX "xdp_up", METRIC_GAUGE,
		    "1 when the XDP maps are pinned in [media] pin_dir and "
		    "readable; 0 otherwise, and then the other siphon_xdp_* "
		    "and siphon_flows* families are absent",
		    NULL, !ret);
	if (ret)
		return;
	for (i = 0; i < SIPHON_REASON_MAX; i++) {
		snprintf(labels, sizeof(labels), "reason=\"%s\",verdict=\"%s\"",
			 reason_name(i),
			 verdict_names[siphon_reasons[i].verdict]);
		metrics_add(p, METRIC_PREFIX "xdp_packets_total",
			    METRIC_COUNTER,
			    "packets the XDP program handled, by reason "
			    "(stats.md) and verdict, summed over CPUs",
			    labels, v.counters[i]);
	}
	metrics_add(p, METRIC_PREFIX "xdp_interfaces", METRIC_GAUGE,
		    "interfaces siphon is attached to (pinned links whose "
		    "interface exists)",
		    NULL, v.interfaces);
	metrics_add(p, METRIC_PREFIX "flows", METRIC_GAUGE,
		    "media flows in the XDP flow map", NULL, v.flows);
	metrics_add(p, METRIC_PREFIX "flows_max", METRIC_GAUGE,
		    "size of the XDP flow map (siphonctl attach --max-flows)",
		    NULL, v.flows_max);
}

static void add_stat(void *arg, const char *group, const char *name,
		     uint64_t value)
{
	metrics_add_stat(arg, group, name, value);
}

/*
 * Per-call quality across the live calls: one observation per direction
 * of each answered stream whose RTP XDP has measured (flows.md, RTP
 * quality); none, but the families there, without media anchoring. Buckets cover what listeners notice: jitter from 1 ms to a
 * jitter buffer's worth, loss from none to unusable.
 */
static const double jitter_bounds[] = { 0.001, 0.002, 0.005, 0.01,
					0.02,  0.03,  0.05,  0.1 };
static const double loss_bounds[] = { 0,    0.001, 0.005, 0.01,
				      0.02, 0.05,  0.1,   0.2 };
#define QUALITY_BUCKETS (sizeof(jitter_bounds) / sizeof(jitter_bounds[0]))

struct quality_hist {
	uint64_t jitter[QUALITY_BUCKETS], loss[QUALITY_BUCKETS], n;
	double jitter_sum, loss_sum;
};

static void observe(uint64_t *counts, const double *bounds, double v)
{
	size_t i;

	for (i = 0; i < QUALITY_BUCKETS; i++)
		counts[i] += v <= bounds[i];
}

static int observe_call(void *arg, const struct media_call_view *c)
{
	struct quality_hist *h = arg;
	const struct flow_rtp_stats *q;
	unsigned int i, dir;
	double jitter_s, loss;

	for (i = 0; i < c->nstreams; i++) {
		for (dir = 0; dir < 2; dir++) {
			q = &c->s[i].rtp[dir].quality;
			if (!c->s[i].rtp[dir].present || !q->measured)
				continue;
			jitter_s = q->jitter_ms / 1000.0;
			loss = q->loss_pct / 100.0;
			observe(h->jitter, jitter_bounds, jitter_s);
			observe(h->loss, loss_bounds, loss);
			h->jitter_sum += jitter_s;
			h->loss_sum += loss;
			h->n++;
		}
	}
	return 0;
}

static void add_quality(struct metrics_page *p, const struct siphond *d)
{
	struct quality_hist h = { 0 };

	if (d->media)
		media_walk(d->media, observe_call, &h);
	metrics_add_histogram(
		p, METRIC_PREFIX "media_rtp_jitter_seconds",
		"RFC 3550 interarrival jitter XDP measured, one observation "
		"per direction of each live call's RTP stream",
		jitter_bounds, h.jitter, QUALITY_BUCKETS, h.n, h.jitter_sum);
	metrics_add_histogram(
		p, METRIC_PREFIX "media_rtp_loss_ratio",
		"RTP packets lost / expected (0 to 1) so far, one observation "
		"per direction of each live call's RTP stream",
		loss_bounds, h.loss, QUALITY_BUCKETS, h.n, h.loss_sum);
}

/* relay RTP ports in [media] port_min..port_max, as media_ports counts */
static uint64_t media_port_pairs(const struct sd_config *c)
{
	uint32_t first = (c->media_port_min + 1u) & ~1u;

	return c->media_port_max > first ? (c->media_port_max - first + 1) / 2 :
					   0;
}

/* GAUGE_max beside each bounded gauge, so a panel can show the fill */
static void add_bounds(struct metrics_page *p, const struct siphond *d)
{
	const struct sd_config *c = &d->cfg;

	metrics_add(p, METRIC_PREFIX "transaction_active_max", METRIC_GAUGE,
		    "[proxy] max_transactions", NULL, c->max_transactions);
	metrics_add(p, METRIC_PREFIX "tcp_open_max", METRIC_GAUGE,
		    "[proxy] tcp_max_connections", NULL,
		    c->tcp_max_connections);
	metrics_add(p, METRIC_PREFIX "location_bindings_max", METRIC_GAUGE,
		    "[registrar] max_bindings", NULL, c->max_bindings);
	if (d->media) {
		metrics_add(p, METRIC_PREFIX "media_sessions_max", METRIC_GAUGE,
			    "[media] max_sessions", NULL,
			    c->media_max_sessions);
		metrics_add(p, METRIC_PREFIX "media_ports_in_use_max",
			    METRIC_GAUGE,
			    "relay RTP ports in [media] port_min..port_max",
			    NULL, media_port_pairs(c));
	}
	if (d->ctl)
		metrics_add(p, METRIC_PREFIX "control_clients_max",
			    METRIC_GAUGE, "control socket clients at once",
			    NULL, CONTROL_CLIENTS_MAX);
	metrics_add(p, METRIC_PREFIX "metrics_connections_max", METRIC_GAUGE,
		    "[metrics] max_connections", NULL,
		    c->metrics_max_connections);
}

char *metrics_scrape(const struct siphond *d, uint64_t start_s, size_t *len)
{
	struct metrics_page p;
	char *text;

	metrics_page_init(&p);
	add_xdp(&p, d->cfg.media_pin_dir);
	sd_stats_visit(d, add_stat, &p);
	if (d->nl)
		netlink_add_metrics(d->nl, &p);
	add_bounds(&p, d);
	add_quality(&p, d);
	metrics_add(&p, METRIC_PREFIX "start_time_seconds", METRIC_GAUGE,
		    "when siphond started, in seconds since the epoch", NULL,
		    start_s);
#ifdef SIPHON_VERSION
	/* a build that names its version says it, the Prometheus way */
	metrics_add(&p, METRIC_PREFIX "build_info", METRIC_GAUGE,
		    "siphon's version, in the label; always 1",
		    "version=\"" SIPHON_VERSION "\"", 1);
#endif
	if (p.err)
		pr_warn("metrics: page not built: %s\n", strerror(-p.err));
	text = metrics_render(&p, len);
	metrics_page_free(&p);
	return text;
}
