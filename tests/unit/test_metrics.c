// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond's /metrics text (user/siphond/metrics_text.c): metric names from
 * counter groups, the gauge table against the counters sd_stats_visit()
 * really walks (stats.c, linked with stand-ins for each part's stats
 * getter) and against the counters the headers call gauges, and the text
 * format itself: one HELP and TYPE per family, samples grouped, names and
 * labels checked, errors that stick.
 */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "kselftest_harness.h"
#include "siphond/dialog.h"
#include "siphond/metrics.h"
#include "siphond/siphond.h"

/* stand-ins for the stats getters stats.c calls: every counter 7 */
static struct txn_stats txn_st;
static struct udp_stats udp_st;
static struct tcp_stats tcp_st;
static struct location_stats loc_st;
static struct auth_stats auth_st;
static struct media_stats media_st;
static struct dialog_stats dialog_st;
static struct control_stats ctl_st;
static struct metrics_stats met_st;
static struct shield_stats shield_st;

const struct txn_stats *txn_stats(const struct txn_table *tab)
{
	(void)tab;
	return &txn_st;
}

const struct udp_stats *udp_stats(const struct udp_transport *u)
{
	(void)u;
	return &udp_st;
}

const struct tcp_stats *tcp_stats(const struct tcp_transport *t)
{
	(void)t;
	return &tcp_st;
}

const struct location_stats *location_stats(const struct location *l)
{
	(void)l;
	return &loc_st;
}

const struct auth_stats *auth_stats(const struct auth *a)
{
	(void)a;
	return &auth_st;
}

const struct media_stats *media_stats(struct media *md)
{
	(void)md;
	return &media_st;
}

const struct dialog_stats *dialog_stats(struct media *md)
{
	(void)md;
	return &dialog_st;
}

const struct control_stats *control_stats(const struct control *c)
{
	(void)c;
	return &ctl_st;
}

const struct metrics_stats *metrics_stats(const struct metrics *m)
{
	(void)m;
	return &met_st;
}

const struct shield_stats *sd_shield_stats(const struct sd_shield *sh)
{
	(void)sh;
	return &shield_st;
}

/* a siphond whose every optional part is there, so every group is walked */
static void fake_siphond(struct siphond *d)
{
	static char part;

	memset(d, 0, sizeof(*d));
	d->auth = (struct auth *)&part;
	d->media = (struct media *)&part;
	d->ctl = (struct control *)&part;
	d->metrics = (struct metrics *)&part;
	d->shield = (struct sd_shield *)&part;
}

struct walked {
	char name[256][48];
	const char *gname[256];
	size_t n;
};

static void note(void *arg, const char *group, const char *name, uint64_t value)
{
	struct walked *w = arg;

	(void)value;
	if (w->n == ARRAY_SIZE(w->name))
		abort(); /* more counters than this test can hold: grow it */
	snprintf(w->name[w->n], sizeof(w->name[0]), "%s", name);
	w->gname[w->n++] = group;
}

static bool walked_has(const struct walked *w, const char *group,
		       const char *name)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (!strcmp(w->gname[i], group) && !strcmp(w->name[i], name))
			return true;
	return false;
}

TEST(stat_names)
{
	const struct metrics_rule *r;
	char name[METRIC_NAME_MAX];

	ASSERT_EQ(0, metrics_stat_name("proxy", "requests", NULL, name,
				       sizeof(name)));
	EXPECT_STREQ("siphon_proxy_requests_total", name);

	r = metrics_rule_find("location", "bindings");
	ASSERT_NE(NULL, r);
	EXPECT_EQ((int)METRIC_GAUGE, (int)r->type);
	ASSERT_EQ(0, metrics_stat_name("location", "bindings", r, name,
				       sizeof(name)));
	EXPECT_STREQ("siphon_location_bindings", name);

	r = metrics_rule_find("transaction", "timeouts_h");
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, metrics_stat_name("transaction", "timeouts_h", r, name,
				       sizeof(name)));
	EXPECT_STREQ("siphon_transaction_timeouts_total", name);
	EXPECT_STREQ("timer=\"h\"", r->labels);

	/* the group matters: proxy has no gauge "active" */
	EXPECT_EQ(NULL, metrics_rule_find("proxy", "active"));
	EXPECT_EQ(-ENAMETOOLONG,
		  metrics_stat_name("proxy", "requests", NULL, name, 20));
}

TEST(name_valid)
{
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "siphon_flows", true },
		{ "a:b_c9", true },
		{ "_x", true },
		{ "", false },
		{ "9lives", false },
		{ "siphon-flows", false },
		{ "siphon flows", false },
		{ "siphon_flöws", false },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		EXPECT_EQ(cases[i].ok, metrics_name_valid(cases[i].name))
	TH_LOG("case %zu", i);
}

/* a rule for a counter nobody keeps would silently never apply */
TEST(every_rule_names_a_walked_counter)
{
	struct walked *w = calloc(1, sizeof(*w));
	struct siphond *d = calloc(1, sizeof(*d));
	size_t i;

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, d);
	fake_siphond(d);
	sd_stats_visit(d, note, w);
	EXPECT_LT(60U, w->n);
	for (i = 0; i < metrics_nrules; i++)
		EXPECT_TRUE(walked_has(w, metrics_rules[i].group,
				       metrics_rules[i].name))
	TH_LOG("rule %s %s: no such counter", metrics_rules[i].group,
	       metrics_rules[i].name);
	free(d);
	free(w);
}

/*
 * The other way round: a counter whose X-macro comment calls it a gauge
 * must be in the table, or it would be exported as a counter that goes
 * down. The headers are read as text: the comment is the only mark.
 */
TEST(every_documented_gauge_is_in_the_table)
{
	static const char *const headers[] = {
		"siphond.h",  "txn.h",	     "transport.h",
		"location.h", "registrar.h", "auth.h",
		"media.h",    "control.h",   "metrics.h",
	};
	char dir[512], path[700], line[512], name[64];
	regmatch_t m[2];
	unsigned int found = 0;
	regex_t re;
	size_t i, j;
	FILE *f;

	ASSERT_EQ(0, regcomp(&re, "X\\(([a-z_0-9]+)\\) /\\* a gauge",
			     REG_EXTENDED));
	corpus_path("user/siphond", dir, sizeof(dir));
	for (i = 0; i < ARRAY_SIZE(headers); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, headers[i]);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f) TH_LOG("%s", path);
		while (fgets(line, sizeof(line), f)) {
			bool listed = false;

			if (regexec(&re, line, 2, m, 0))
				continue;
			snprintf(name, sizeof(name), "%.*s",
				 (int)(m[1].rm_eo - m[1].rm_so),
				 line + m[1].rm_so);
			found++;
			for (j = 0; j < metrics_nrules; j++)
				if (!strcmp(metrics_rules[j].name, name) &&
				    metrics_rules[j].type == METRIC_GAUGE)
					listed = true;
			EXPECT_TRUE(listed)
			TH_LOG("%s: gauge %s is not in metrics_rules",
			       headers[i], name);
		}
		fclose(f);
	}
	regfree(&re);
	/* active, open, bindings, aors, sessions, ports_in_use, clients,
	 * connections: fewer means the pattern stopped matching */
	EXPECT_LE(8U, found);
}

/* the line of text that starts with prefix, or NULL */
static const char *line_of(const char *text, const char *prefix)
{
	const char *p = text;
	size_t n = strlen(prefix);

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			return p;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static unsigned int count_lines(const char *text, const char *prefix)
{
	unsigned int n = 0;
	const char *p = text;

	while ((p = line_of(p, prefix))) {
		n++;
		p = strchr(p, '\n');
	}
	return n;
}

static void add_stat(void *arg, const char *group, const char *name,
		     uint64_t value)
{
	metrics_add_stat(arg, group, name, value);
}

/* every counter siphond keeps, through metrics_add_stat(), as one page */
TEST(whole_page_is_well_formed)
{
	struct siphond *d = calloc(1, sizeof(*d));
	struct metrics_page p;
	size_t len, i;
	char *text, want[200];

	ASSERT_NE(NULL, d);
	fake_siphond(d);
	txn_st.timeouts_b = 3;
	txn_st.timeouts_h = 5;
	loc_st.bindings = 2;
	metrics_page_init(&p);
	sd_stats_visit(d, add_stat, &p);
	ASSERT_EQ(0, p.err);
	text = metrics_render(&p, &len);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(strlen(text), len);

	EXPECT_NE(NULL, line_of(text, "siphon_proxy_requests_total 0\n"));
	EXPECT_NE(NULL,
		  line_of(text, "# TYPE siphon_location_bindings gauge\n"));
	EXPECT_NE(NULL, line_of(text, "siphon_location_bindings 2\n"));
	EXPECT_NE(NULL,
		  line_of(text, "# TYPE siphon_registrar_ok_total counter\n"));
	/* three counters, one family, once */
	EXPECT_EQ(1U, count_lines(text,
				  "# TYPE siphon_transaction_timeouts_total "));
	EXPECT_EQ(3U, count_lines(text, "siphon_transaction_timeouts_total{"));
	EXPECT_NE(
		NULL,
		line_of(text,
			"siphon_transaction_timeouts_total{timer=\"b\"} 3\n"));
	EXPECT_NE(
		NULL,
		line_of(text,
			"siphon_transaction_timeouts_total{timer=\"h\"} 5\n"));
	/* a family per TYPE line, a HELP line before each */
	EXPECT_EQ(p.nfam, count_lines(text, "# TYPE "));
	EXPECT_EQ(p.nfam, count_lines(text, "# HELP "));
	for (i = 0; i < p.nfam; i++) {
		bool total = strlen(p.fam[i].name) > 6 &&
			     !strcmp(p.fam[i].name + strlen(p.fam[i].name) - 6,
				     "_total");

		EXPECT_EQ(p.fam[i].type == METRIC_COUNTER, total)
		TH_LOG("%s", p.fam[i].name);
		snprintf(want, sizeof(want), "# TYPE %s %s\n", p.fam[i].name,
			 p.fam[i].type == METRIC_GAUGE ? "gauge" : "counter");
		EXPECT_EQ(1U, count_lines(text, want)) TH_LOG("%s", want);
	}
	free(text);
	metrics_page_free(&p);
	memset(&txn_st, 0, sizeof(txn_st));
	memset(&loc_st, 0, sizeof(loc_st));
	free(d);
}

TEST(samples_of_a_family_stay_together)
{
	struct metrics_page p;
	size_t len;
	char *text;

	metrics_page_init(&p);
	EXPECT_EQ(0, metrics_add(&p, "a_total", METRIC_COUNTER, "A", "x=\"1\"",
				 1));
	EXPECT_EQ(0, metrics_add(&p, "b", METRIC_GAUGE, "B", NULL, 2));
	EXPECT_EQ(0, metrics_add(&p, "a_total", METRIC_COUNTER, "ignored",
				 "x=\"2\"", 18446744073709551615ULL));
	text = metrics_render(&p, &len);
	ASSERT_NE(NULL, text);
	EXPECT_STREQ("# HELP a_total A\n"
		     "# TYPE a_total counter\n"
		     "a_total{x=\"1\"} 1\n"
		     "a_total{x=\"2\"} 18446744073709551615\n"
		     "# HELP b B\n"
		     "# TYPE b gauge\n"
		     "b 2\n",
		     text);
	free(text);
	metrics_page_free(&p);
}

TEST(histogram_buckets_sum_count)
{
	static const double bounds[] = { 0.001, 0.02 };
	static const uint64_t counts[] = { 1, 3 };
	struct metrics_page p;
	size_t len;
	char *text;

	metrics_page_init(&p);
	EXPECT_EQ(0, metrics_add_histogram(&p, "j_seconds", "J", bounds,
					   counts, 2, 4, 0.0355));
	text = metrics_render(&p, &len);
	ASSERT_NE(NULL, text);
	EXPECT_STREQ("# HELP j_seconds J\n"
		     "# TYPE j_seconds histogram\n"
		     "j_seconds_bucket{le=\"0.001\"} 1\n"
		     "j_seconds_bucket{le=\"0.02\"} 3\n"
		     "j_seconds_bucket{le=\"+Inf\"} 4\n"
		     "j_seconds_sum 0.0355\n"
		     "j_seconds_count 4\n",
		     text);
	free(text);
	metrics_page_free(&p);
}

TEST(help_is_escaped)
{
	struct metrics_page p;
	size_t len;
	char *text;

	metrics_page_init(&p);
	EXPECT_EQ(0, metrics_add(&p, "c", METRIC_GAUGE, "a\\b\nc", NULL, 0));
	text = metrics_render(&p, &len);
	ASSERT_NE(NULL, text);
	EXPECT_STREQ("# HELP c a\\\\b\\nc\n# TYPE c gauge\nc 0\n", text);
	free(text);
	metrics_page_free(&p);
}

TEST(errors_stick)
{
	static const struct {
		const char *name, *labels;
		enum metric_type type;
		int err;
	} cases[] = {
		{ "bad-name", NULL, METRIC_GAUGE, -EINVAL },
		{ "ok", "x=1", METRIC_GAUGE, -EINVAL }, /* unquoted */
		{ "ok", "x=\"a\"b=\"c\"", METRIC_GAUGE, -EINVAL },
		{ "ok", "x=\"a\",", METRIC_GAUGE, -EINVAL },
		{ "ok", "9x=\"a\"", METRIC_GAUGE, -EINVAL },
		{ "ok", "x=\"a\\\"\"", METRIC_GAUGE, -EINVAL },
		{ "ok", "x=\"a\",y=\"b\"", METRIC_COUNTER, -EINVAL }, /* type */
		{ "ok", "x=\"a\",y=\"b\"", METRIC_GAUGE, 0 },
	};
	struct metrics_page p;
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		metrics_page_init(&p);
		ASSERT_EQ(0, metrics_add(&p, "ok", METRIC_GAUGE, "h", NULL, 1));
		EXPECT_EQ(cases[i].err,
			  metrics_add(&p, cases[i].name, cases[i].type, "h",
				      cases[i].labels, 1))
		TH_LOG("case %zu", i);
		if (cases[i].err) {
			/* later good samples change nothing; no page */
			EXPECT_EQ(cases[i].err,
				  metrics_add(&p, "ok", METRIC_GAUGE, "h", NULL,
					      2));
			EXPECT_EQ(NULL, metrics_render(&p, &len));
		}
		metrics_page_free(&p);
	}
}

TEST_HARNESS_MAIN
