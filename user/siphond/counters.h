/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every part of siphond keeps its counters as an X-macro list,
 * NAME_COUNTERS(X) with one X(name) per counter, so the struct and
 * everything that names the counters (the stats dump in stats.c, later
 * the control socket and /metrics) come from that one list.
 */
#ifndef SIPHOND_COUNTERS_H
#define SIPHOND_COUNTERS_H

#include <stdint.h>

#define SD_COUNTER_FIELD(name) uint64_t name;

#endif /* SIPHOND_COUNTERS_H */
