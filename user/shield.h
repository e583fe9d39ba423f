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
#include <stddef.h>
#include <linux/types.h>
#include "siphon/shield.h"
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

/* ---- source rules (shield_lists.c) ------------------------------------ */

/*
 * "198.18.0.0/15", "2001:db8::/32", or an address alone (the whole
 * address). Host bits past the prefix are cleared. -EINVAL.
 */
int shield_prefix_parse(const char *text, struct siphon_prefix_key *key);
/* "198.18.0.0/15"; an address alone when the prefix is the whole of it */
const char *shield_prefix_str(const struct siphon_prefix_key *key, char *buf,
			      size_t len);
/* does key (a prefix) hold addr (a whole address of a family)? */
bool shield_prefix_holds(const struct siphon_prefix_key *key, __u32 family,
			 const __be32 addr[4]);

struct shield_prefix {
	struct siphon_prefix_key key;
	struct siphon_prefix_val val;
};

/* add or replace an entry of allow, block or bans; -ENOSPC when full */
int shield_prefix_add(int fd, const struct siphon_prefix_key *key,
		      __u32 origin, __u64 until_ns);
/* -ENOENT when that exact prefix is not there */
int shield_prefix_del(int fd, const struct siphon_prefix_key *key);
/* up to max entries, in map order; how many, or -errno */
int shield_prefix_list(int fd, struct shield_prefix *out, unsigned int max);
/* delete every entry of origin (0: every entry); how many, or -errno */
int shield_prefix_purge(int fd, __u32 origin);
/*
 * After any change of the allow or block list: a new siphon_listgen, so
 * XDP decides no ban set under the old lists before reading (bpf/
 * shield_early.h). gen_fd < 0 (an older siphon without it): nothing.
 */
int shield_lists_changed(int gen_fd);

/* ---- budgets, sources and bans (shield_rate.c) ------------------------ */

/* CLOCK_MONOTONIC in ns: the clock of ban ends, as XDP reads it */
__u64 shield_now_ns(void);

int shield_rate_read(int fd, struct siphon_rate_cfg *rc);
int shield_rate_write(int fd, const struct siphon_rate_cfg *rc);
/* rc with every zero field replaced by its default */
void shield_rate_effective(const struct siphon_rate_cfg *rc,
			   struct siphon_rate_cfg *out);
/* "INVITE", "REGISTER", "other" */
const char *shield_rate_class_name(unsigned int cls);

/* a ban in force: an operator's (prefix) or an automatic one (address) */
struct shield_ban {
	struct siphon_prefix_key key;
	__u64 until_ns; /* 0: until unbanned */
	__u32 origin; /* enum siphon_prefix_origin, 0: over budget */
	__u32 drops; /* automatic: requests dropped during the ban */
};

/* bans in force at now, up to max; how many, or -errno */
int shield_bans_list(int bans_fd, int sources_fd, __u64 now,
		     struct shield_ban *out, unsigned int max);
/*
 * Lift the operator's ban of exactly key and every automatic ban of an
 * address inside key: how many were lifted (0: none), or -errno.
 */
int shield_unban(int bans_fd, int sources_fd,
		 const struct siphon_prefix_key *key);
/* delete operator bans that have ended; how many, or -errno */
int shield_bans_sweep(int bans_fd, __u64 now);

struct shield_sources_use {
	unsigned int in_use; /* token buckets in the table */
	unsigned int banned; /* of which banned now */
};
int shield_sources_use(int sources_fd, __u64 now,
		       struct shield_sources_use *use);

/* sources known to be good at now (siphon_goodsrc), or -errno */
int shield_known_good_count(int good_fd, __u64 now);

/* the names and help of enum siphon_shield_counter */
extern const char *const shield_counter_names[SIPHON_SHC_MAX];
extern const char *const shield_counter_help[SIPHON_SHC_MAX];
/* siphon_shcount summed over CPUs */
int shield_counters_read(int fd, __u64 out[SIPHON_SHC_MAX]);

#endif /* SIPHON_SHIELD_H */
