/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Log lines that a peer can cause once per packet, message or connection
 * (a framing error, a refused accept) go through a limiter per call site:
 * LOG_RATELIMIT_BURST lines per LOG_RATELIMIT_INTERVAL_NS, then silence,
 * and the first line of a later interval says how many were left out. A
 * flood must not turn into a flood of the log (journald would rate-limit
 * the whole daemon, dropping the lines that matter with the rest).
 */
#ifndef SIPHON_LOG_RATELIMIT_H
#define SIPHON_LOG_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

#define LOG_RATELIMIT_INTERVAL_NS (5ull * 1000000000ull)
#define LOG_RATELIMIT_BURST 10u

struct log_ratelimit {
	bool open; /* a window has begun */
	uint64_t window_start_ns;
	unsigned int printed; /* in this window */
	unsigned int suppressed; /* in this window */
};

/*
 * Whether a line may be printed at now_ns. *suppressed_before is set to
 * the lines the previous window left out when this one is the first of a
 * new window, and to 0 otherwise.
 */
bool log_ratelimit_ok(struct log_ratelimit *rl, uint64_t now_ns,
		      unsigned int *suppressed_before);

/* CLOCK_MONOTONIC_COARSE: a tick's precision is plenty here */
uint64_t log_ratelimit_now_ns(void);

#define pr_ratelimited(level, ...)                                            \
	do {                                                                  \
		static struct log_ratelimit rl_;                              \
		unsigned int sup_;                                            \
		if (log_ratelimit_ok(&rl_, log_ratelimit_now_ns(), &sup_)) {  \
			if (sup_)                                             \
				log_print(level,                              \
					  "(%u lines like the next one were " \
					  "left out)\n",                      \
					  sup_);                              \
			log_print(level, __VA_ARGS__);                        \
		}                                                             \
	} while (0)

#define pr_warn_ratelimited(...) pr_ratelimited(LOG_LEVEL_WARN, __VA_ARGS__)
#define pr_info_ratelimited(...) pr_ratelimited(LOG_LEVEL_INFO, __VA_ARGS__)

#endif /* SIPHON_LOG_RATELIMIT_H */
