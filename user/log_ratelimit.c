// SPDX-License-Identifier: GPL-2.0-only
#include <time.h>

#include "log_ratelimit.h"

bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_ns,
		      unsigned int *suppressed_before)
{
	*suppressed_before = 0;
	if (!rl->open ||
	    now_ns - rl->window_start_ns >= LOG_RATELIMIT_INTERVAL_NS) {
		*suppressed_before = rl->suppressed;
		rl->open = true;
		rl->window_start_ns = now_ns;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	if (rl->printed < LOG_RATELIMIT_BURST) {
		rl->printed++;
		return true;
	}
	rl->suppressed++;
	return false;
}

uint64_t log_ratelimit_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
