/* SPDX-License-Identifier: GPL-2.0-only */
/* What every siphonctl subcommand shares. */
#ifndef SIPHON_CTL_H
#define SIPHON_CTL_H

#include <stdbool.h>
#include <jansson.h>

#include "bpf_loader.h"

/* exit codes, documented in siphonctl --help and Documentation/ */
enum ctl_exit {
	CTL_OK = 0,
	CTL_FAILED = 1, /* the command could not do what was asked */
	CTL_USAGE = 2, /* the command line is wrong */
	CTL_NOT_RUNNING = 3, /* siphond does not answer on its socket */
	CTL_DENIED = 4, /* siphond's socket is not for this user */
	CTL_NOT_FOUND = 5, /* siphond has no such call */
};

struct ctl {
	const char *pin_dir;
	const char *socket; /* siphond's control socket */
	bool json;
};

struct ctl_command {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *usage;
	bool daemon; /* talks to siphond only: no root needed, the socket decides */
};

int ctl_attach(struct ctl *ctl, int argc, char **argv);
int ctl_detach(struct ctl *ctl, int argc, char **argv);
int ctl_flow(struct ctl *ctl, int argc, char **argv);
int ctl_stats(struct ctl *ctl, int argc, char **argv);
int ctl_shield(struct ctl *ctl, int argc, char **argv);
/* ctl_shield_src.c: shield allow|block|ban|unban|list|stats */
bool ctl_shield_src_command(const char *name);
int ctl_shield_src(struct ctl *ctl, int argc, char **argv);
int ctl_status(struct ctl *ctl, int argc, char **argv);
int ctl_registrations(struct ctl *ctl, int argc, char **argv);
int ctl_calls(struct ctl *ctl, int argc, char **argv);
int ctl_reload(struct ctl *ctl, int argc, char **argv);
int ctl_log_level(struct ctl *ctl, int argc, char **argv);
/* ctl_top.c: the live view of calls and interfaces */
int ctl_top(struct ctl *ctl, int argc, char **argv);

/*
 * ctl_daemon.c: send one request to siphond (req is freed) and read its
 * answer. CTL_OK with *ans (the caller frees it) when it says "ok": true;
 * otherwise the exit code for what went wrong, said on stderr unless
 * quiet, and *ans the daemon's answer if there was one.
 */
int ctl_daemon_call(struct ctl *ctl, json_t *req, json_t **ans, bool quiet);

/* ctl_calls.c: one call's "call-show" and "call-hangup" answers, for humans */
void ctl_print_call(json_t *ans);
void ctl_print_hangup(json_t *ans);

/* print "siphonctl: <msg>" to stderr and return code */
int ctl_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* open the pinned maps, or explain that siphon is not loaded */
int ctl_open_maps(struct ctl *ctl, struct siphon_maps *maps);
/* print a JSON value on stdout and free it */
int ctl_print_json(json_t *value);

#endif /* SIPHON_CTL_H */
