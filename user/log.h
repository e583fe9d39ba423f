/* SPDX-License-Identifier: GPL-2.0-only */
/* Leveled logging to stderr (journald picks it up), libbpf's included. */
#ifndef SIPHON_LOG_H
#define SIPHON_LOG_H

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

void log_set_level(enum log_level level);
/* a daemon's lines start "tag: level: "; NULL (the default) prints bare */
void log_set_tag(const char *tag);
/* route libbpf's messages through pr_*() at matching levels */
void log_capture_libbpf(void);

void log_print(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define pr_err(...) log_print(LOG_LEVEL_ERR, __VA_ARGS__)
#define pr_warn(...) log_print(LOG_LEVEL_WARN, __VA_ARGS__)
#define pr_info(...) log_print(LOG_LEVEL_INFO, __VA_ARGS__)
#define pr_debug(...) log_print(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif /* SIPHON_LOG_H */
