// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "log.h"

static enum log_level log_level = LOG_LEVEL_WARN;
static const char *log_tag;
static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_set_level(enum log_level level)
{
	log_level = level;
}

void log_set_tag(const char *tag)
{
	log_tag = tag;
}

static void log_vprint(enum log_level level, const char *fmt, va_list ap)
{
	if (level > log_level)
		return;
	if (log_tag)
		fprintf(stderr, "%s: %s: ", log_tag, level_names[level]);
	vfprintf(stderr, fmt, ap);
}

void log_print(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vprint(level, fmt, ap);
	va_end(ap);
}

/*
 * libbpf's warnings show with -v: siphon reports every failure in its own
 * words, and the verifier's log is for whoever asks for it.
 */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	log_vprint(level == LIBBPF_WARN ? LOG_LEVEL_INFO : LOG_LEVEL_DEBUG, fmt,
		   ap);
	return 0;
}

void log_capture_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
