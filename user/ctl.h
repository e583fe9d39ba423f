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
};

struct ctl {
	const char *pin_dir;
	bool json;
};

struct ctl_command {
	const char *name;
	int (*run)(struct ctl *ctl, int argc, char **argv);
	const char *usage;
};

int ctl_attach(struct ctl *ctl, int argc, char **argv);
int ctl_detach(struct ctl *ctl, int argc, char **argv);
int ctl_flow(struct ctl *ctl, int argc, char **argv);
int ctl_stats(struct ctl *ctl, int argc, char **argv);

/* print "siphonctl: <msg>" to stderr and return code */
int ctl_fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* open the pinned maps, or explain that siphon is not loaded */
int ctl_open_maps(struct ctl *ctl, struct siphon_maps *maps);
/* print a JSON value on stdout and free it */
int ctl_print_json(json_t *value);

#endif /* SIPHON_CTL_H */
