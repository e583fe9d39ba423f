// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl flow show [RELAY:PORT] [--interval MS | --rate]: what the
 * relay measured per flow (one direction): packets, RTP loss and jitter,
 * and with an interval the packets and bits per second (ctl_flow_rate.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "ctl_flow.h"
#include "ctl_rate.h"
#include "flow_table.h"

static json_t *rtp_stats_json(const struct siphon_flow *flow)
{
	struct flow_rtp_stats st;

	flow_rtp_stats_of(flow, &st);
	if (!st.rtp)
		return json_null();
	return json_pack("{s:b, s:i, s:I, s:I, s:I, s:f, s:f, s:I, s:i, "
			 "s:i, s:i}",
			 "measured", st.measured, "clock_rate",
			 (int)st.clock_rate, "received",
			 (json_int_t)st.received, "expected",
			 (json_int_t)st.expected, "lost", (json_int_t)st.lost,
			 "loss_percent", st.loss_pct, "jitter_ms", st.jitter_ms,
			 "highest_seq", (json_int_t)st.highest_seq,
			 "duplicates", (int)st.duplicates, "restarts",
			 (int)st.resyncs, "not_rtp", (int)st.not_rtp);
}

/* flow show --interval: the rates of the flows since a first read */
struct show_rates {
	const struct flow_samples *before; /* NULL: no --interval */
	double seconds;
	json_t *list; /* --json: the flows go here */
};

static void show_rate_of(const struct show_rates *r,
			 const struct siphon_flow_key *key,
			 const struct siphon_flow *flow, struct flow_rate *rate)
{
	flow_rate_of(flow_samples_find(r->before, key), flow->packets,
		     flow->bytes, r->seconds, rate);
}

static json_t *rate_json(double rate)
{
	return rate < 0 ? json_null() : json_real(rate);
}

static json_t *flow_show_json(const struct siphon_flow_key *key,
			      const struct siphon_flow *flow,
			      const struct show_rates *r)
{
	struct flow_rate rate;
	struct flow_text t;
	json_t *obj;

	flow_to_text(key, flow, &t);
	obj = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:o, s:o}", "relay",
			t.relay, "peer", t.peer, "src", t.src, "dst", t.dst,
			"packets", (json_int_t)flow->packets, "bytes",
			(json_int_t)flow->bytes, "idle_seconds",
			t.idle_s < 0 ? json_null() : json_real(t.idle_s), "rtp",
			rtp_stats_json(flow));
	if (obj && r && r->before) {
		show_rate_of(r, key, flow, &rate);
		json_object_set_new(obj, "pps", rate_json(rate.pps));
		json_object_set_new(obj, "bps", rate_json(rate.bps));
		json_object_set_new(obj, "interval_seconds",
				    json_real(r->seconds));
	}
	return obj;
}

static int add_show_json(const struct siphon_flow_key *key,
			 const struct siphon_flow *flow, void *ctx)
{
	struct show_rates *r = ctx;

	return json_array_append_new(r->list, flow_show_json(key, flow, r));
}

#define SHOW_HEAD_FMT "%-22s %-22s %-4s %10s %10s %8s %8s %10s %8s"
#define SHOW_ROW_FMT "%-22s %-22s %-4s %10llu %10s %8s %8s %10s %8s"
/* flow show --interval adds these two at the end of the line */
#define SHOW_RATE_FMT " %9s %9s"

static int print_show_row(const struct siphon_flow_key *key,
			  const struct siphon_flow *flow, void *ctx)
{
	char rx[16] = "-", lost[16] = "-", pct[16] = "-", jit[16] = "-";
	char idle[16] = "-", pps[16], bps[16];
	const struct show_rates *r = ctx;
	struct flow_rtp_stats st;
	struct flow_rate rate;
	struct flow_text t;

	flow_to_text(key, flow, &t);
	flow_rtp_stats_of(flow, &st);
	if (t.idle_s >= 0)
		snprintf(idle, sizeof(idle), "%.1fs", t.idle_s);
	if (st.measured) {
		snprintf(rx, sizeof(rx), "%llu",
			 (unsigned long long)st.received);
		snprintf(lost, sizeof(lost), "%llu",
			 (unsigned long long)st.lost);
		snprintf(pct, sizeof(pct), "%.2f%%", st.loss_pct);
		snprintf(jit, sizeof(jit), "%.2f", st.jitter_ms);
	}
	printf(SHOW_ROW_FMT, t.relay, t.peer, st.rtp ? "rtp" : "-",
	       (unsigned long long)flow->packets, rx, lost, pct, jit, idle);
	if (r->before) {
		show_rate_of(r, key, flow, &rate);
		printf(SHOW_RATE_FMT, ctl_rate_str(rate.pps, pps, sizeof(pps)),
		       ctl_rate_str(rate.bps, bps, sizeof(bps)));
	}
	putchar('\n');
	return 0;
}

/* flow show RELAY:PORT: one flow, a line per value */
static void print_show_one(const struct siphon_flow_key *key,
			   const struct siphon_flow *flow,
			   const struct show_rates *r)
{
	char pps[16], bps[16];
	struct flow_rtp_stats st;
	struct flow_rate rate;
	struct flow_text t;

	flow_to_text(key, flow, &t);
	flow_rtp_stats_of(flow, &st);
	printf("relay        %s\npeer         %s (%s)\nsends         %s -> %s\n"
	       "packets      %llu\nbytes        %llu\n",
	       t.relay, t.peer, flow_latch_name(flow), t.src, t.dst,
	       (unsigned long long)flow->packets,
	       (unsigned long long)flow->bytes);
	if (r->before) {
		show_rate_of(r, key, flow, &rate);
		printf("rate         %s pps, %s bit/s over %.2f s\n",
		       ctl_rate_str(rate.pps, pps, sizeof(pps)),
		       ctl_rate_str(rate.bps, bps, sizeof(bps)), r->seconds);
	}
	if (t.idle_s >= 0)
		printf("idle         %.1fs\n", t.idle_s);
	if (!st.rtp) {
		printf("rtp          not measured (not an RTP flow)\n");
		return;
	}
	printf("clock rate   %u Hz\n", st.clock_rate);
	if (!st.measured) {
		printf("rtp          no RTP packet yet (%u not RTP)\n",
		       st.not_rtp);
		return;
	}
	printf("received     %llu of %llu expected\n"
	       "lost         %llu (%.2f%%)\njitter       %.2f ms\n"
	       "highest seq  %u\nduplicates   %u\nrestarts     %u\n"
	       "not rtp      %u\n",
	       (unsigned long long)st.received, (unsigned long long)st.expected,
	       (unsigned long long)st.lost, st.loss_pct, st.jitter_ms,
	       st.highest_seq, st.duplicates, st.resyncs, st.not_rtp);
}

/* flow show [RELAY:PORT] [--interval MS | --rate] */
struct show_args {
	const char *relay; /* NULL: every flow */
	unsigned int interval_ms; /* 0: no rates */
};

/* the interval flow show samples over when --rate gives none */
#define SHOW_INTERVAL_DEFAULT_MS 1000
#define SHOW_INTERVAL_MIN_MS 10
#define SHOW_INTERVAL_MAX_MS 60000

static int parse_show_args(int argc, char **argv, struct show_args *a)
{
	int i, rc;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--rate")) {
			if (!a->interval_ms)
				a->interval_ms = SHOW_INTERVAL_DEFAULT_MS;
		} else if (!strcmp(argv[i], "--interval")) {
			if (i + 1 >= argc)
				return ctl_fail(CTL_USAGE,
						"flow show: --interval needs "
						"milliseconds");
			rc = ctl_parse_interval("flow show --interval",
						argv[++i], 1,
						SHOW_INTERVAL_MIN_MS,
						SHOW_INTERVAL_MAX_MS,
						&a->interval_ms);
			if (rc)
				return rc;
		} else if (argv[i][0] == '-' || a->relay) {
			return ctl_fail(
				CTL_USAGE,
				"flow show: use 'flow show [RELAY:PORT] "
				"[--interval MS | --rate]'");
		} else {
			a->relay = argv[i];
		}
	}
	return 0;
}

static volatile sig_atomic_t show_stop; /* never set: SIGINT ends us */

static int flow_show_one(struct ctl *ctl, struct flow_table *ft,
			 const char *text, unsigned int interval_ms)
{
	struct flow_samples before = {};
	struct flow_sample first;
	struct show_rates r = {};
	struct siphon_flow_key key;
	struct siphon_flow flow;
	struct endpoint relay;
	int rc, err;

	rc = flow_parse_endpoint("relay address", text, false, &relay);
	if (rc)
		return rc;
	flow_key_of(&relay, &key);
	err = flow_table_get(ft, &key, &flow);
	if (!err && interval_ms) {
		first = (struct flow_sample){ key, flow.packets, flow.bytes };
		before = (struct flow_samples){ &first, 1, ctl_now_s() };
		ctl_sleep_ms(interval_ms, &show_stop);
		r.seconds = ctl_now_s() - before.taken_s;
		r.before = &before;
		err = flow_table_get(ft, &key, &flow);
	}
	if (err == -ENOENT)
		return ctl_fail(CTL_FAILED, "flow show %s: no such flow", text);
	if (err)
		return ctl_fail(CTL_FAILED, "flow show %s: %s", text,
				strerror(-err));
	if (ctl->json)
		return ctl_print_json(flow_show_json(&key, &flow, &r));
	print_show_one(&key, &flow, &r);
	return CTL_OK;
}

/* every flow, with their rates over interval_ms unless it is 0 */
static int flow_show_all(struct ctl *ctl, struct flow_table *ft,
			 unsigned int interval_ms)
{
	struct flow_samples before = {};
	struct show_rates r = {};
	int err = 0;

	if (interval_ms) {
		err = flow_samples_take(ft, &before);
		if (err)
			goto out;
		ctl_sleep_ms(interval_ms, &show_stop);
		r.seconds = ctl_now_s() - before.taken_s;
		r.before = &before;
	}
	if (ctl->json) {
		r.list = json_array();
		err = flow_table_walk(ft, add_show_json, &r);
	} else {
		printf(SHOW_HEAD_FMT, "RELAY", "PEER", "RTP", "PACKETS",
		       "RECEIVED", "LOST", "LOSS", "JITTER_MS", "IDLE");
		if (interval_ms)
			printf(SHOW_RATE_FMT, "PPS", "BIT/S");
		putchar('\n');
		err = flow_table_walk(ft, print_show_row, &r);
	}
out:
	flow_samples_free(&before);
	if (err) {
		json_decref(r.list);
		return ctl_fail(CTL_FAILED, "flow show: %s", strerror(-err));
	}
	return ctl->json ? ctl_print_json(r.list) : CTL_OK;
}

/* flow show [RELAY:PORT] [--interval MS | --rate] */
int ctl_flow_show(struct ctl *ctl, int argc, char **argv)
{
	struct siphon_maps maps;
	struct show_args a;
	int rc;

	rc = parse_show_args(argc, argv, &a);
	if (rc)
		return rc;
	rc = ctl_open_maps(ctl, &maps);
	if (rc)
		return rc;
	if (a.relay)
		rc = flow_show_one(ctl, &maps.flows, a.relay, a.interval_ms);
	else
		rc = flow_show_all(ctl, &maps.flows, a.interval_ms);
	siphon_maps_close(&maps);
	return rc;
}
