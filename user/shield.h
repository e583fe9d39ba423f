/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SIP shield's maps from userspace: the switches and SIP ports
 * (siphon_shield), the scanner patterns (siphon_scanners) and the SIP
 * counts per interface (siphon_sipstats). siphonctl is their one writer
 * (attach seeds them, `siphonctl shield` changes them); stats reads.
 */
#ifndef SIPHON_SHIELD_H
#define SIPHON_SHIELD_H

#include <stdbool.h>
#include <linux/types.h>
#include "siphon/sip.h"

/* the patterns a fresh siphon_scanners is seeded with */
extern const char *const shield_default_scanners[];

/* the rules that can be switched off, by their siphonctl name */
struct shield_rule {
	const char *name; /* "not-sip" */
	__u32 off_bit; /* SIPHON_SHIELD_OFF_* */
	const char *help;
};
extern const struct shield_rule shield_rules[];
extern const unsigned int shield_rules_count;

/* "INVITE" ... "PUBLISH", "OTHER"; "NONE" for 0 */
const char *shield_method_name(unsigned int method);

int shield_cfg_read(int fd, struct siphon_shield_cfg *cfg);
int shield_cfg_write(int fd, const struct siphon_shield_cfg *cfg);

/* "5060,5080" into network-order ports (the rest zeroed); -EINVAL */
int shield_ports_parse(const char *text, __be16 ports[SIPHON_SIP_PORTS_MAX]);
/* the ports in effect: the configured ones, or 5060; returns how many */
unsigned int shield_ports_effective(const struct siphon_shield_cfg *cfg,
				    __u16 ports[SIPHON_SIP_PORTS_MAX]);

/*
 * Patterns: 1..SIPHON_SCANNER_LEN_MAX printable ASCII bytes, kept in
 * lower case. add: -EINVAL (empty, too long, not printable), -EEXIST,
 * -ENOSPC (all SIPHON_SCANNERS_MAX slots used). del: -ENOENT.
 */
int shield_scanner_add(int fd, const char *text);
int shield_scanner_del(int fd, const char *text);
/* the patterns in slot order into out; returns how many, or -errno */
int shield_scanners_list(
	int fd, char out[SIPHON_SCANNERS_MAX][SIPHON_SCANNER_LEN_MAX + 1]);
/* empty every slot, then add the defaults */
int shield_scanners_reset(int fd);
/*
 * Seed the defaults once: unless siphon_shield says it was done before
 * (an operator's list survives re-attach), reset the list and note it.
 */
int shield_scanners_seed(int shield_fd, int scanners_fd);

/* one interface's SIP counts, summed over CPUs */
struct shield_if_counts {
	__u32 ifindex;
	struct siphon_sip_counts c;
};
/* every interface in siphon_sipstats (up to max); how many, or -errno */
int shield_sip_counts_read(int fd, struct shield_if_counts *out,
			   unsigned int max);

#endif /* SIPHON_SHIELD_H */
