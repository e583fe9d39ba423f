// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl top [--interval SECONDS] [--count N] [--calls N]: a live view
 * of the busiest calls and interfaces. Every interval it reads everything
 * again (ctl_top_sample.c) and turns the last two readings into one
 * snapshot of rates, a JSON object: --json prints it as one line, humans
 * get it as a screen (redrawn in place on a terminal, one after the other
 * otherwise, so a pipe or a test reads every snapshot).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl_rate.h"
#include "ctl_top.h"
#include "stats.h"

#define TOP_INTERVAL_DEFAULT_MS 1000
#define TOP_INTERVAL_MIN_MS 100
#define TOP_INTERVAL_MAX_MS 3600000
#define TOP_COUNT_MAX 1000000
#define TOP_CALLS_DEFAULT 10
#define TOP_CALLS_MAX 1000

struct top_args {
	unsigned int interval_ms;
	long count; /* 0: until SIGINT or SIGTERM */
	long calls; /* how many calls a snapshot lists, busiest first */
};

static int parse_top_args(int argc, char **argv, struct top_args *a)
{
	const char *opt;
	int i, rc = 0;

	*a = (struct top_args){ TOP_INTERVAL_DEFAULT_MS, 0, TOP_CALLS_DEFAULT };
	for (i = 1; i < argc && !rc; i += 2) {
		opt = argv[i];
		if (strcmp(opt, "--interval") && strcmp(opt, "--count") &&
		    strcmp(opt, "--calls"))
			return ctl_fail(CTL_USAGE,
					"top: unknown argument '%s' (use 'top "
					"[--interval SECONDS] [--count N] "
					"[--calls N]')",
					opt);
		if (i + 1 >= argc)
			return ctl_fail(CTL_USAGE, "top: %s needs a value",
					opt);
		if (!strcmp(opt, "--interval"))
			rc = ctl_parse_interval("top --interval", argv[i + 1],
						1000, TOP_INTERVAL_MIN_MS,
						TOP_INTERVAL_MAX_MS,
						&a->interval_ms);
		else if (!strcmp(opt, "--count"))
			rc = ctl_parse_count("top --count", argv[i + 1], 1,
					     TOP_COUNT_MAX, &a->count);
		else
			rc = ctl_parse_count("top --calls", argv[i + 1], 1,
					     TOP_CALLS_MAX, &a->calls);
	}
	return rc;
}

/* ---- one snapshot: the rates between two samples, as JSON ------------ */

static json_t *rate_json(double rate)
{
	return rate < 0 ? json_null() : json_real(rate);
}

static json_t *xdp_json(const struct top_sample *a, const struct top_sample *b,
			double secs)
{
	__u64 before[VERDICT_MAX] = {}, after[VERDICT_MAX] = {};
	__u64 shield[2] = {};
	unsigned int i;
	json_t *pps;

	if (!a->xdp || !b->xdp)
		return json_pack("{s:b}", "loaded", 0);
	for (i = 0; i < SIPHON_REASON_MAX; i++) {
		before[siphon_reasons[i].verdict] += a->reasons[i];
		after[siphon_reasons[i].verdict] += b->reasons[i];
		/* the shield's drops are the SIP classifier's */
		if (!strncmp(siphon_reasons[i].name, "DROP_SIP_", 9)) {
			shield[0] += a->reasons[i];
			shield[1] += b->reasons[i];
		}
	}
	pps = json_object();
	for (i = 0; i < VERDICT_MAX; i++)
		json_object_set_new(
			pps, verdict_names[i],
			rate_json(ctl_rate(before[i], after[i], secs)));
	return json_pack("{s:b, s:i, s:o, s:o, s:o}", "loaded", 1, "flows",
			 b->flows, "pps", pps, "relayed_pps",
			 rate_json(ctl_rate(
				 before[VERDICT_TX] + before[VERDICT_REDIRECT],
				 after[VERDICT_TX] + after[VERDICT_REDIRECT],
				 secs)),
			 "shield_drops_per_second",
			 rate_json(ctl_rate(shield[0], shield[1], secs)));
}

static const struct top_iface *iface_find(const struct top_sample *s,
					  const struct top_iface *i)
{
	unsigned int k;

	for (k = 0; k < s->n_ifaces; k++)
		if (!strcmp(s->ifaces[k].name, i->name) &&
		    s->ifaces[k].ifindex == i->ifindex)
			return &s->ifaces[k];
	return NULL;
}

static json_t *iface_json(const struct top_iface *a, const struct top_iface *b,
			  double secs)
{
	bool both = a && a->counted && b->counted;

	return json_pack(
		"{s:s, s:b, s:o, s:o, s:o, s:o, s:o}", "name", b->name,
		"present", b->ifindex != 0, "rx_pps",
		rate_json(both ? ctl_rate(a->rx_packets, b->rx_packets, secs) :
				 -1),
		"tx_pps",
		rate_json(both ? ctl_rate(a->tx_packets, b->tx_packets, secs) :
				 -1),
		"rx_bps",
		rate_json(both ? 8 * ctl_rate(a->rx_bytes, b->rx_bytes, secs) :
				 -1),
		"tx_bps",
		rate_json(both ? 8 * ctl_rate(a->tx_bytes, b->tx_bytes, secs) :
				 -1),
		"sip_per_second",
		rate_json(a ? ctl_rate(a->sip, b->sip, secs) : -1));
}

static double number_or(json_t *obj, const char *key, double none)
{
	json_t *v = json_object_get(obj, key);

	return json_is_number(v) ? json_number_value(v) : none;
}

/*
 * How busy a row is, for sorting: a call's packets per second, an
 * interface's both ways together; -1 while unknown.
 */
static double busy(json_t *row)
{
	if (json_object_get(row, "call_id"))
		return number_or(row, "pps", -1);
	return number_or(row, "rx_pps", -1) + number_or(row, "tx_pps", 0);
}

/* the name of a row, interface or call, to break ties */
static const char *row_name(json_t *row)
{
	const char *name = json_string_value(json_object_get(row, "name"));

	return name ? name : json_string_value(json_object_get(row, "call_id"));
}

static int by_pps(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	double pa = busy(a), pb = busy(b);

	if (pa != pb)
		return pa < pb ? 1 : -1;
	return strcmp(row_name(a) ?: "", row_name(b) ?: "");
}

/* rows sorted busiest first, at most max of them, as a JSON array */
static json_t *busiest(json_t **rows, size_t n, size_t max)
{
	json_t *arr = json_array();
	size_t k;

	qsort(rows, n, sizeof(*rows), by_pps);
	for (k = 0; k < n; k++) {
		if (arr && k < max)
			json_array_append(arr, rows[k]);
		json_decref(rows[k]);
	}
	return arr;
}

static json_t *ifaces_json(const struct top_sample *a,
			   const struct top_sample *b, double secs)
{
	json_t *rows[SIPHON_TX_PORTS_MAX];
	unsigned int k;

	for (k = 0; k < b->n_ifaces; k++)
		rows[k] = iface_json(iface_find(a, &b->ifaces[k]),
				     &b->ifaces[k], secs);
	return busiest(rows, b->n_ifaces, SIPHON_TX_PORTS_MAX);
}

static json_t *way_json(const struct top_way *a, const struct top_way *b,
			double secs)
{
	bool both = a && a->flow && b->flow;
	double pps = both ? ctl_rate(a->packets, b->packets, secs) : -1;
	double bytes = both ? ctl_rate(a->bytes, b->bytes, secs) : -1;

	if (!b->flow)
		return json_null();
	return json_pack("{s:o, s:o, s:I, s:I, s:I, s:o}", "pps",
			 rate_json(pps), "bps",
			 rate_json(bytes < 0 ? -1 : 8 * bytes), "packets",
			 (json_int_t)b->packets, "bytes", (json_int_t)b->bytes,
			 "lost", (json_int_t)b->lost, "jitter_ms",
			 rate_json(b->jitter_ms));
}

/* a call's rates both ways; one seen only now has none yet */
static json_t *call_json(const struct top_call *a, const struct top_call *b,
			 double secs)
{
	json_t *from[2], *pps, *bps;
	double total[2] = {}; /* pps, bps */
	bool known = true;
	int w;

	for (w = 0; w < 2; w++) {
		from[w] = way_json(a ? &a->way[w] : NULL, &b->way[w], secs);
		pps = json_object_get(from[w], "pps");
		bps = json_object_get(from[w], "bps");
		if (b->way[w].flow && !json_is_number(pps))
			known = false;
		total[0] += json_number_value(pps);
		total[1] += json_number_value(bps);
	}
	return json_pack("{s:s, s:s, s:o, s:i, s:o, s:o, s:o, s:o}", "call_id",
			 b->call_id, "state", b->state, "age_s",
			 b->age_s < 0 ? json_null() : json_integer(b->age_s),
			 "streams", (int)b->streams, "pps",
			 rate_json(known ? total[0] : -1), "bps",
			 rate_json(known ? total[1] : -1), "from_caller",
			 from[0], "from_callee", from[1]);
}

static json_t *calls_json(const struct top_sample *a,
			  const struct top_sample *b, double secs, size_t max)
{
	json_t **rows = calloc(b->n_calls + 1, sizeof(*rows));
	json_t *arr;
	size_t k;

	if (!rows)
		return NULL;
	for (k = 0; k < b->n_calls; k++)
		rows[k] = call_json(top_call_find(a, b->calls[k].call_id),
				    &b->calls[k], secs);
	arr = busiest(rows, b->n_calls, max);
	free(rows);
	return arr;
}

static const char *daemon_state(int rc)
{
	return rc == CTL_OK	     ? "running" :
	       rc == CTL_NOT_RUNNING ? "not running" :
	       rc == CTL_DENIED	     ? "permission denied" :
				       "no answer";
}

static json_t *siphond_json(const struct top_sample *b, const char *socket)
{
	json_t *st = b->status, *media = json_object_get(st, "media");
	json_t *obj, *counts;

	obj = json_pack("{s:b, s:s, s:s}", "running", b->daemon_rc == CTL_OK,
			"state", daemon_state(b->daemon_rc), "socket", socket);
	if (!obj || b->daemon_rc)
		return obj;
	counts = json_pack(
		"{s:O?, s:O?, s:O?, s:O?, s:o}", "registrations",
		json_object_get(json_object_get(st, "registrations"),
				"bindings"),
		"aors",
		json_object_get(json_object_get(st, "registrations"), "aors"),
		"transactions",
		json_object_get(json_object_get(st, "transactions"), "active"),
		"media_sessions", json_object_get(media, "sessions"), "calls",
		b->calls_error[0] ? json_null() : json_integer(b->n_calls));
	/* update copies the members: counts is still ours to free */
	json_object_update(obj, counts);
	json_decref(counts);
	if (b->calls_error[0])
		json_object_set_new(obj, "calls_error",
				    json_string(b->calls_error));
	return obj;
}

static json_t *snapshot(const struct top_sample *a, const struct top_sample *b,
			const struct ctl *ctl, const struct top_args *args)
{
	double secs = b->taken_s - a->taken_s;
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return json_pack("{s:f, s:f, s:o, s:o, s:o, s:o}", "time",
			 now.tv_sec + now.tv_nsec / 1e9, "interval_seconds",
			 secs, "siphond", siphond_json(b, ctl->socket), "xdp",
			 xdp_json(a, b, secs), "interfaces",
			 ifaces_json(a, b, secs), "calls",
			 calls_json(a, b, secs, (size_t)args->calls));
}

/* ---- the screen ------------------------------------------------------ */

static const char *rate_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	return ctl_rate_str(json_is_number(v) ? json_number_value(v) : -1, buf,
			    len);
}

static long long num(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

/* a count, or "-" when siphond did not give it */
static const char *int_of(json_t *obj, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return "-";
	snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	return buf;
}

static void print_header(json_t *snap)
{
	json_t *sd = json_object_get(snap, "siphond");
	json_t *x = json_object_get(snap, "xdp");
	char t[32], r1[16], r2[16], r3[16], r4[16];
	time_t now = (time_t)json_number_value(json_object_get(snap, "time"));

	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", localtime(&now));
	printf("siphonctl top, %s, rates over %.1f s\n", t,
	       json_number_value(json_object_get(snap, "interval_seconds")));
	if (!json_is_true(json_object_get(sd, "running")))
		printf("siphond   %s (%s): no calls to show\n",
		       json_string_value(json_object_get(sd, "state")),
		       json_string_value(json_object_get(sd, "socket")));
	else
		printf("siphond   running; calls %s, registrations %lld (AORs "
		       "%lld), transactions %lld, media sessions %s\n",
		       int_of(sd, "calls", r1, sizeof(r1)),
		       num(sd, "registrations"), num(sd, "aors"),
		       num(sd, "transactions"),
		       int_of(sd, "media_sessions", r2, sizeof(r2)));
	if (!json_is_true(json_object_get(x, "loaded"))) {
		printf("XDP       not loaded (no pinned maps)\n");
		return;
	}
	printf("XDP       %lld flows; relayed %s pps, passed %s pps, dropped "
	       "%s pps; shield drops %s/s\n",
	       num(x, "flows"), rate_of(x, "relayed_pps", r1, sizeof(r1)),
	       rate_of(json_object_get(x, "pps"), "pass", r2, sizeof(r2)),
	       rate_of(json_object_get(x, "pps"), "drop", r3, sizeof(r3)),
	       rate_of(x, "shield_drops_per_second", r4, sizeof(r4)));
}

static void print_ifaces(json_t *ifaces)
{
	char r[5][16];
	json_t *i;
	size_t k;

	if (!json_array_size(ifaces))
		return;
	printf("\n%-16s %9s %9s %9s %9s %9s\n", "IFACE", "RX_PPS", "TX_PPS",
	       "RX_BIT/S", "TX_BIT/S", "SIP/S");
	json_array_foreach(ifaces, k, i)
	{
		printf("%-16s %9s %9s %9s %9s %9s%s\n",
		       json_string_value(json_object_get(i, "name")),
		       rate_of(i, "rx_pps", r[0], 16),
		       rate_of(i, "tx_pps", r[1], 16),
		       rate_of(i, "rx_bps", r[2], 16),
		       rate_of(i, "tx_bps", r[3], 16),
		       rate_of(i, "sip_per_second", r[4], 16),
		       json_is_true(json_object_get(i, "present")) ? "" :
								     " (gone)");
	}
}

static void print_call(json_t *c)
{
	json_t *w[2] = { json_object_get(c, "from_caller"),
			 json_object_get(c, "from_callee") };
	char age[24] = "-", r[3][16], jit[16] = "-";
	double worst = -1;
	int k;

	if (json_is_integer(json_object_get(c, "age_s")))
		snprintf(age, sizeof(age), "%llds", num(c, "age_s"));
	for (k = 0; k < 2; k++) {
		json_t *j = json_object_get(w[k], "jitter_ms");

		if (json_is_number(j) && json_number_value(j) > worst)
			worst = json_number_value(j);
	}
	if (worst >= 0)
		snprintf(jit, sizeof(jit), "%.2f", worst);
	printf("%-32.32s %-9.9s %6s %10s %10s %9s %8lld %9s\n",
	       json_string_value(json_object_get(c, "call_id")),
	       json_string_value(json_object_get(c, "state")), age,
	       rate_of(w[0], "pps", r[0], 16), rate_of(w[1], "pps", r[1], 16),
	       rate_of(c, "bps", r[2], 16),
	       num(w[0], "lost") + num(w[1], "lost"), jit);
}

static void print_calls(json_t *snap)
{
	json_t *calls = json_object_get(snap, "calls"), *c;
	json_t *sd = json_object_get(snap, "siphond");
	size_t k;

	if (!json_is_true(json_object_get(sd, "running")))
		return;
	if (json_is_string(json_object_get(sd, "calls_error"))) {
		printf("\ncalls: %s\n",
		       json_string_value(json_object_get(sd, "calls_error")));
		return;
	}
	if (!json_array_size(calls)) {
		printf("\nno calls\n");
		return;
	}
	printf("\n%-32s %-9s %6s %10s %10s %9s %8s %9s\n", "CALL-ID", "STATE",
	       "AGE", "CALLER_PPS", "CALLEE_PPS", "BIT/S", "LOST", "JITTER_MS");
	json_array_foreach(calls, k, c)
	{
		print_call(c);
	}
}

static int show(json_t *snap, bool json, bool redraw)
{
	if (!snap)
		return ctl_fail(CTL_FAILED, "top: out of memory");
	if (json) {
		json_dumpf(snap, stdout, JSON_COMPACT | JSON_SORT_KEYS);
		putchar('\n');
	} else {
		/* home and clear: no curses needed for a whole-screen redraw */
		fputs(redraw ? "\033[H\033[2J" : "\n", stdout);
		print_header(snap);
		print_ifaces(json_object_get(snap, "interfaces"));
		print_calls(snap);
	}
	json_decref(snap);
	if (fflush(stdout) || ferror(stdout))
		return CTL_FAILED; /* a reader gone: nobody to tell */
	return CTL_OK;
}

/* ---- the loop -------------------------------------------------------- */

static volatile sig_atomic_t top_stop;

static void on_top_signal(int sig)
{
	(void)sig;
	top_stop = 1;
}

/* with nothing to read at all, say why and give siphond's exit code */
static int nothing_to_show(const struct ctl *ctl, const struct top_sample *s)
{
	int rc = s->daemon_rc == CTL_OK ? CTL_FAILED : s->daemon_rc;

	return ctl_fail(rc,
			"top: siphon is not loaded in %s and siphond %s (%s): "
			"nothing to show",
			ctl->pin_dir,
			s->daemon_rc == CTL_NOT_RUNNING ? "is not running" :
			s->daemon_rc == CTL_DENIED	? "refuses this user" :
							  "does not answer",
			ctl->socket);
}

int ctl_top(struct ctl *ctl, int argc, char **argv)
{
	static struct top_sample samples[2];
	bool redraw = !ctl->json && isatty(STDOUT_FILENO);
	struct top_sample *prev = &samples[0], *cur = &samples[1], *t;
	struct top_args args;
	long shown = 0;
	int rc;

	rc = parse_top_args(argc, argv, &args);
	if (rc)
		return rc;
	signal(SIGINT, on_top_signal);
	signal(SIGTERM, on_top_signal);
	top_sample_take(ctl, prev);
	if (!prev->xdp && prev->daemon_rc) {
		rc = nothing_to_show(ctl, prev);
		top_sample_free(prev);
		return rc;
	}
	while (!rc && (!args.count || shown < args.count) &&
	       ctl_sleep_ms(args.interval_ms, &top_stop)) {
		top_sample_take(ctl, cur);
		rc = show(snapshot(prev, cur, ctl, &args), ctl->json, redraw);
		shown++;
		top_sample_free(prev);
		t = prev;
		prev = cur;
		cur = t;
	}
	top_sample_free(prev);
	return rc;
}
