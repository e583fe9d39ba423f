// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus text format (version 0.0.4) from names and values, and
 * the table of siphond's counters that are not plain counters. See
 * metrics.h.
 *
 * A page is collected first and written out after, so one family's
 * samples end up together whatever order they were added in: the format
 * allows a family's HELP and TYPE lines only once, before its samples.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TIMEOUTS_HELP                                                        \
	"transactions ended by RFC 3261 timer B (client INVITE), F (client " \
	"non-INVITE) or H (server INVITE, no ACK)"

/* clang-format off */
const struct metrics_rule metrics_rules[] = {
	/* the gauges: what is there now, not a count since the start */
	{ "transaction", "active", METRIC_GAUGE, NULL, NULL,
	  "SIP transactions in progress" },
	{ "tcp", "open", METRIC_GAUGE, NULL, NULL,
	  "SIP TCP connections open" },
	{ "location", "bindings", METRIC_GAUGE, NULL, NULL,
	  "registered contacts (bindings) in the location service" },
	{ "location", "aors", METRIC_GAUGE, NULL, NULL,
	  "addresses of record with at least one registered contact" },
	{ "media", "sessions", METRIC_GAUGE, NULL, NULL,
	  "calls with media anchored on the XDP relay" },
	{ "media", "ports_in_use", METRIC_GAUGE, NULL, NULL,
	  "relay RTP ports handed out, each with the RTCP port after it" },
	{ "media", "relay_up", METRIC_GAUGE, NULL, NULL,
	  "1 while the relay address ([media] address) is on an interface; "
	  "0: new calls get 503" },
	{ "control", "clients", METRIC_GAUGE, NULL, NULL,
	  "siphonctl clients connected to the control socket" },
	{ "metrics", "connections", METRIC_GAUGE, NULL, NULL,
	  "HTTP connections to /metrics open" },
	/*
	 * "timeouts_b" and "timeouts_h" would read as units (bytes, hours)
	 * to Prometheus' linter; one family with the timer as a label is
	 * what a dashboard wants anyway.
	 */
	{ "transaction", "timeouts_b", METRIC_COUNTER, "timeouts", "timer=\"b\"",
	  TIMEOUTS_HELP },
	{ "transaction", "timeouts_f", METRIC_COUNTER, "timeouts", "timer=\"f\"",
	  TIMEOUTS_HELP },
	{ "transaction", "timeouts_h", METRIC_COUNTER, "timeouts", "timer=\"h\"",
	  TIMEOUTS_HELP },
};
/* clang-format on */
const size_t metrics_nrules = ARRAY_SIZE(metrics_rules);

const struct metrics_rule *metrics_rule_find(const char *group,
					     const char *name)
{
	size_t i;

	for (i = 0; i < metrics_nrules; i++)
		if (!strcmp(metrics_rules[i].group, group) &&
		    !strcmp(metrics_rules[i].name, name))
			return &metrics_rules[i];
	return NULL;
}

bool metrics_name_valid(const char *name)
{
	const char *p;

	if (!*name || (*name >= '0' && *name <= '9'))
		return false;
	for (p = name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '_' && *p != ':')
			return false;
	return true;
}

/*
 * 'name="value",...': label names as metric names without ':', values
 * without the characters that would need escaping (no label siphon
 * writes has one, so a value that does is a bug, not data).
 */
static bool labels_valid(const char *s)
{
	const char *start;

	while (*s) {
		start = s;
		while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		       (*s >= '0' && *s <= '9' && s != start) || *s == '_')
			s++;
		if (s == start || s[0] != '=' || s[1] != '"')
			return false;
		for (s += 2; *s && *s != '"'; s++)
			if (*s == '\\' || *s == '\n')
				return false;
		if (*s != '"')
			return false;
		s++;
		if (*s == ',' && s[1])
			s++;
		else if (*s)
			return false;
	}
	return true;
}

int metrics_stat_name(const char *group, const char *name,
		      const struct metrics_rule *rule, char *out, size_t outlen)
{
	bool gauge = rule && rule->type == METRIC_GAUGE;
	int n;

	n = snprintf(out, outlen, METRIC_PREFIX "%s_%s%s", group,
		     rule && rule->family ? rule->family : name,
		     gauge ? "" : "_total");
	return n < 0 || (size_t)n >= outlen ? -ENAMETOOLONG : 0;
}

void metrics_page_init(struct metrics_page *p)
{
	memset(p, 0, sizeof(*p));
}

void metrics_page_free(struct metrics_page *p)
{
	free(p->fam);
	free(p->smp);
	metrics_page_init(p);
}

/* room for one more element in *arr (size each), doubling as it goes */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 32;
	void *a;

	if (n < *cap)
		return 0;
	a = realloc(*arr, ncap * size);
	if (!a)
		return -ENOMEM;
	*arr = a;
	*cap = ncap;
	return 0;
}

/* the family's index, made when new; -errno */
static long family_of(struct metrics_page *p, const char *name,
		      enum metric_type type, const char *help)
{
	struct metric_family *f;
	size_t i;

	for (i = 0; i < p->nfam; i++) {
		if (strcmp(p->fam[i].name, name))
			continue;
		return p->fam[i].type == type ? (long)i : -EINVAL;
	}
	if (strlen(name) >= METRIC_NAME_MAX)
		return -ENAMETOOLONG;
	if (grow((void **)&p->fam, &p->fam_cap, p->nfam, sizeof(*p->fam)))
		return -ENOMEM;
	f = &p->fam[p->nfam];
	memcpy(f->name, name, strlen(name) + 1);
	snprintf(f->help, sizeof(f->help), "%s", help);
	f->type = type;
	return (long)p->nfam++;
}

int metrics_add(struct metrics_page *p, const char *name, enum metric_type type,
		const char *help, const char *labels, uint64_t value)
{
	struct metric_sample *s;
	long fam;

	if (p->err)
		return p->err;
	labels = labels ? labels : "";
	if (!metrics_name_valid(name) || !labels_valid(labels)) {
		p->err = -EINVAL;
		return p->err;
	}
	if (strlen(labels) >= METRIC_LABELS_MAX) {
		p->err = -ENAMETOOLONG;
		return p->err;
	}
	fam = family_of(p, name, type, help);
	if (fam < 0 ||
	    grow((void **)&p->smp, &p->smp_cap, p->nsmp, sizeof(*p->smp))) {
		p->err = fam < 0 ? (int)fam : -ENOMEM;
		return p->err;
	}
	s = &p->smp[p->nsmp++];
	memset(s, 0, sizeof(*s));
	s->family = (size_t)fam;
	memcpy(s->labels, labels, strlen(labels) + 1);
	s->value = value;
	return 0;
}

int metrics_add_histogram(struct metrics_page *p, const char *name,
			  const char *help, const double *bounds,
			  const uint64_t *counts, size_t nbounds, uint64_t n,
			  double sum)
{
	char le[METRIC_LABELS_MAX];
	size_t i;

	for (i = 0; i <= nbounds; i++) {
		if (i < nbounds)
			snprintf(le, sizeof(le), "le=\"%g\"", bounds[i]);
		else
			snprintf(le, sizeof(le), "le=\"+Inf\"");
		if (metrics_add(p, name, METRIC_HISTOGRAM, help, le,
				i < nbounds ? counts[i] : n))
			return p->err;
		p->smp[p->nsmp - 1].suffix = "_bucket";
	}
	if (metrics_add(p, name, METRIC_HISTOGRAM, help, NULL, 0))
		return p->err;
	p->smp[p->nsmp - 1].suffix = "_sum";
	p->smp[p->nsmp - 1].is_real = true;
	p->smp[p->nsmp - 1].real = sum;
	if (metrics_add(p, name, METRIC_HISTOGRAM, help, NULL, n))
		return p->err;
	p->smp[p->nsmp - 1].suffix = "_count";
	return 0;
}

int metrics_add_stat(struct metrics_page *p, const char *group,
		     const char *name, uint64_t value)
{
	const struct metrics_rule *rule = metrics_rule_find(group, name);
	char fam[METRIC_NAME_MAX], help[METRIC_HELP_MAX];
	int ret;

	ret = metrics_stat_name(group, name, rule, fam, sizeof(fam));
	if (ret) {
		if (!p->err)
			p->err = ret;
		return p->err;
	}
	if (rule)
		snprintf(help, sizeof(help), "%s", rule->help);
	else
		snprintf(
			help, sizeof(help),
			"siphond counter %s %s (siphond.md, Reading the counters)",
			group, name);
	return metrics_add(p, fam, rule ? rule->type : METRIC_COUNTER, help,
			   rule ? rule->labels : NULL, value);
}

/* a growing text buffer; len stays put once something failed */
struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *t,
						      const char *fmt, ...)
{
	va_list ap;
	size_t room;
	char *b;
	int n;

	if (t->failed)
		return;
	for (;;) {
		room = t->cap - t->len;
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, room, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = true;
			return;
		}
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		b = realloc(t->buf, t->cap * 2 + (size_t)n);
		if (!b) {
			t->failed = true;
			return;
		}
		t->buf = b;
		t->cap = t->cap * 2 + (size_t)n;
	}
}

/* HELP text escapes '\' and newlines (as "\\" and "\n") */
static void put_help(struct text *t, const char *help)
{
	for (; *help; help++) {
		if (*help == '\\')
			put(t, "\\\\");
		else if (*help == '\n')
			put(t, "\\n");
		else
			put(t, "%c", *help);
	}
}

char *metrics_render(const struct metrics_page *p, size_t *len)
{
	static const char *const type_names[] = {
		[METRIC_COUNTER] = "counter",
		[METRIC_GAUGE] = "gauge",
		[METRIC_HISTOGRAM] = "histogram",
	};
	struct text t = { .cap = 16384 };
	const struct metric_sample *s;
	size_t f, i;

	if (p->err)
		return NULL;
	t.buf = malloc(t.cap);
	if (!t.buf)
		return NULL;
	/* a family per pass over the samples: a page has about a hundred */
	for (f = 0; f < p->nfam; f++) {
		put(&t, "# HELP %s ", p->fam[f].name);
		put_help(&t, p->fam[f].help);
		put(&t, "\n# TYPE %s %s\n", p->fam[f].name,
		    type_names[p->fam[f].type]);
		for (i = 0; i < p->nsmp; i++) {
			s = &p->smp[i];
			if (s->family != f)
				continue;
			put(&t, "%s%s%s%s%s ", p->fam[f].name,
			    s->suffix ? s->suffix : "", s->labels[0] ? "{" : "",
			    s->labels, s->labels[0] ? "}" : "");
			if (s->is_real)
				put(&t, "%.9g\n", s->real);
			else
				put(&t, "%llu\n", (unsigned long long)s->value);
		}
	}
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
