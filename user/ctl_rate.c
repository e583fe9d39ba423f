// SPDX-License-Identifier: GPL-2.0-only
/* Intervals, clocks and rates for siphonctl's live views (ctl_rate.h). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "ctl_rate.h"

int ctl_parse_interval(const char *what, const char *text, unsigned int unit_ms,
		       unsigned int min_ms, unsigned int max_ms,
		       unsigned int *ms)
{
	double val, scale = unit_ms;
	char *end;

	errno = 0;
	val = strtod(text, &end);
	if (end != text && !strcmp(end, "ms"))
		scale = 1;
	else if (end != text && !strcmp(end, "s"))
		scale = 1000;
	else if (end == text || *end)
		val = NAN;
	val *= scale;
	/* NaN fails both comparisons: the negations catch it */
	if (errno || !(val >= min_ms) || !(val <= max_ms))
		return ctl_fail(CTL_USAGE,
				"%s: '%s' is not an interval from %u ms to "
				"%u ms (a number in %s, or with 'ms' or 's')",
				what, text, min_ms, max_ms,
				unit_ms == 1 ? "milliseconds" : "seconds");
	*ms = (unsigned int)(val + 0.5);
	return 0;
}

int ctl_parse_count(const char *what, const char *text, long min, long max,
		    long *out)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(text, &end, 10);
	if (errno || end == text || *end || val < min || val > max)
		return ctl_fail(CTL_USAGE,
				"%s: '%s' is not a whole number from %ld to "
				"%ld",
				what, text, min, max);
	*out = val;
	return 0;
}

double ctl_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

bool ctl_sleep_ms(unsigned int ms, volatile sig_atomic_t *stop)
{
	struct timespec left = { .tv_sec = ms / 1000,
				 .tv_nsec = (long)(ms % 1000) * 1000000 };

	/* a signal wakes nanosleep with EINTR: look at *stop, then go on */
	while (!*stop && nanosleep(&left, &left) && errno == EINTR)
		;
	return !*stop;
}

double ctl_rate(__u64 before, __u64 after, double seconds)
{
	if (after < before || !(seconds > 0))
		return -1;
	return (double)(after - before) / seconds;
}

const char *ctl_rate_str(double rate, char *buf, size_t len)
{
	if (rate < 0)
		snprintf(buf, len, "-");
	else if (rate < 1e3)
		snprintf(buf, len, "%.1f", rate);
	else if (rate < 1e6)
		snprintf(buf, len, "%.1fk", rate / 1e3);
	else if (rate < 1e9)
		snprintf(buf, len, "%.2fM", rate / 1e6);
	else
		snprintf(buf, len, "%.2fG", rate / 1e9);
	return buf;
}
