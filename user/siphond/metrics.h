/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond's /metrics: every counter in the Prometheus text format, served
 * over HTTP ([metrics] in the config) on siphond's own event loop.
 *
 * metrics_http.c owns the HTTP side (libmicrohttpd, without threads of its
 * own); metrics_scrape.c gathers one page (siphond's counter groups, the
 * XDP counters and flow table fill from the pinned maps, the bounds from
 * the config); metrics_text.c turns names and values into the text
 * format, and holds the one table that says which counters are gauges.
 */
#ifndef SIPHOND_METRICS_H
#define SIPHOND_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "counters.h"

#define METRICS_COUNTERS(X)                                                  \
	X(requests) /* HTTP requests, whatever their answer */               \
	X(scrapes) /* of those: GET or HEAD /metrics, answered 200 */        \
	X(not_found) /* 404: another path */                                 \
	X(bad_method) /* 405: /metrics with another method than GET, HEAD */ \
	X(failed) /* 500: out of memory while building the page */           \
	X(connections) /* a gauge: HTTP connections open now */

struct metrics_stats {
	METRICS_COUNTERS(SD_COUNTER_FIELD)
};

struct siphond;
struct metrics;

/*
 * Serve d->cfg's [metrics] listen on d->loop: *out is NULL when it is
 * turned off (listen = empty). 0, or -errno with a message naming the
 * address in err.
 */
int metrics_open(struct siphond *d, struct metrics **out, char *err,
		 size_t errlen);
/* close every connection and the listener */
void metrics_close(struct metrics *m);
const struct metrics_stats *metrics_stats(const struct metrics *m);

/*
 * metrics_scrape.c: the page for d as it is now, as text (malloc'd, *len
 * bytes), or NULL when out of memory. start_s: when siphond started, in
 * seconds since the epoch.
 */
char *metrics_scrape(const struct siphond *d, uint64_t start_s, size_t *len);

/* metrics_text.c: a page of metric families, then its text */
#define METRIC_NAME_MAX 96
#define METRIC_LABELS_MAX 128
#define METRIC_HELP_MAX 160
#define METRIC_PREFIX "siphon_"

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_HISTOGRAM, /* samples made by metrics_add_histogram() */
};

struct metric_family {
	char name[METRIC_NAME_MAX];
	char help[METRIC_HELP_MAX];
	enum metric_type type;
};

struct metric_sample {
	size_t family; /* index in metrics_page.fam */
	char labels[METRIC_LABELS_MAX]; /* 'a="x",b="y"' or "" */
	uint64_t value;
	/* histograms: "_bucket", "_sum" or "_count" after the name; a _sum
	 * is a real number, in real */
	const char *suffix;
	bool is_real;
	double real;
};

/*
 * Samples may come in any order; the text has each family once, its HELP
 * and TYPE lines first, then its samples in the order they came. The
 * first error sticks in err and makes every later call a no-op.
 */
struct metrics_page {
	struct metric_family *fam;
	size_t nfam, fam_cap;
	struct metric_sample *smp;
	size_t nsmp, smp_cap;
	int err;
};

void metrics_page_init(struct metrics_page *p);
void metrics_page_free(struct metrics_page *p);
/*
 * One sample of family name (made on first use with type and help).
 * -EINVAL for a name or labels the format does not allow, or a family
 * used again with another type; -ENAMETOOLONG, -ENOMEM.
 */
int metrics_add(struct metrics_page *p, const char *name, enum metric_type type,
		const char *help, const char *labels, uint64_t value);
/*
 * A histogram (its name ends in its unit): counts[i] observations were at
 * most bounds[i] (cumulative, as the format wants; bounds ascending), n in
 * all (the +Inf bucket), summing to sum. Errors as metrics_add().
 */
int metrics_add_histogram(struct metrics_page *p, const char *name,
			  const char *help, const double *bounds,
			  const uint64_t *counts, size_t nbounds, uint64_t n,
			  double sum);
/*
 * One of siphond's counters, as sd_stats_visit() names it: a counter is
 * siphon_GROUP_NAME_total, a gauge (metrics_rules) siphon_GROUP_NAME.
 */
int metrics_add_stat(struct metrics_page *p, const char *group,
		     const char *name, uint64_t value);
/* the page as text (malloc'd, *len bytes, no NUL counted), or NULL */
char *metrics_render(const struct metrics_page *p, size_t *len);

/*
 * The one place that says how a counter of sd_stats_visit() is exported
 * when not as a plain counter: the gauges, and counters that share a
 * family under a label.
 */
struct metrics_rule {
	const char *group, *name;
	enum metric_type type;
	const char *family; /* NULL: its own name; else siphon_GROUP_FAMILY */
	const char *labels; /* with family: what tells it apart */
	const char *help;
};

extern const struct metrics_rule metrics_rules[];
extern const size_t metrics_nrules;
const struct metrics_rule *metrics_rule_find(const char *group,
					     const char *name);
/* the family name of a counter; -ENAMETOOLONG */
int metrics_stat_name(const char *group, const char *name,
		      const struct metrics_rule *rule, char *out,
		      size_t outlen);
/* [a-zA-Z_:][a-zA-Z0-9_:]*, as the text format wants a metric name */
bool metrics_name_valid(const char *name);

#endif /* SIPHOND_METRICS_H */
