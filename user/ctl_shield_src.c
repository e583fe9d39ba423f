// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl shield allow|block|ban|unban|list|stats: the shield's source
 * rules in the pinned maps. allow and block lists are prefixes; bans are
 * an operator's (a prefix, for a time or until unbanned) or automatic (a
 * source over its budget, for the configured time).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "shield.h"
#include "siphon/maps.h"
#include "stats.h"

#define BANS_SHOWN_MAX 4096

struct src_maps {
	int fd[10];
};

/* M_GEN and M_GOOD may be missing: a siphon attached by an older siphonctl */
enum {
	M_ALLOW,
	M_BLOCK,
	M_BANS,
	M_SOURCES,
	M_RATE,
	M_COUNT,
	M_STATS,
	M_GEN,
	M_GOOD,
	M_N
};
#define M_REQUIRED M_GEN

static const char *const map_names[M_N] = {
	[M_ALLOW] = SIPHON_MAP_ALLOW,	  [M_BLOCK] = SIPHON_MAP_BLOCK,
	[M_BANS] = SIPHON_MAP_BANS,	  [M_SOURCES] = SIPHON_MAP_SOURCES,
	[M_RATE] = SIPHON_MAP_RATE,	  [M_COUNT] = SIPHON_MAP_SHIELD_COUNTS,
	[M_STATS] = SIPHON_MAP_STATS,	  [M_GEN] = SIPHON_MAP_LISTS_GEN,
	[M_GOOD] = SIPHON_MAP_KNOWN_GOOD,
};

static void src_close(struct src_maps *m)
{
	int i;

	for (i = 0; i < M_N; i++)
		if (m->fd[i] >= 0)
			close(m->fd[i]);
}

static int src_open(struct ctl *ctl, struct src_maps *m)
{
	int i;

	for (i = 0; i < M_N; i++)
		m->fd[i] = siphon_map_open(ctl->pin_dir, map_names[i]);
	for (i = 0; i < M_REQUIRED; i++) {
		if (m->fd[i] < 0) {
			src_close(m);
			return ctl_fail(CTL_FAILED,
					"no shield source rules in %s: run "
					"'siphonctl attach IFACE' (with this "
					"siphonctl) first",
					ctl->pin_dir);
		}
	}
	return CTL_OK;
}

static const char *origin_name(__u32 origin)
{
	if (origin == SIPHON_ORIGIN_CONFIG)
		return "config";
	if (origin == SIPHON_ORIGIN_OPERATOR)
		return "siphonctl";
	return "over budget";
}

static int parse_prefix(const char *what, const char *text,
			struct siphon_prefix_key *key)
{
	if (shield_prefix_parse(text, key))
		return ctl_fail(CTL_USAGE,
				"%s: '%s' is not an address or PREFIX/LEN "
				"(IPv4 or IPv6)",
				what, text);
	return CTL_OK;
}

static int list_prefixes(struct ctl *ctl, int fd)
{
	struct shield_prefix *all = calloc(SIPHON_PREFIXES_MAX, sizeof(*all));
	char text[64];
	json_t *ja;
	int n, i;

	if (!all)
		return ctl_fail(CTL_FAILED, "out of memory");
	n = shield_prefix_list(fd, all, SIPHON_PREFIXES_MAX);
	if (n < 0) {
		free(all);
		return ctl_fail(CTL_FAILED, "list: %s", strerror(-n));
	}
	ja = json_array();
	for (i = 0; i < n; i++) {
		shield_prefix_str(&all[i].key, text, sizeof(text));
		if (ctl->json)
			json_array_append_new(
				ja, json_pack("{s:s, s:s}", "prefix", text,
					      "origin",
					      origin_name(all[i].val.origin)));
		else
			printf("%-44s %s\n", text,
			       origin_name(all[i].val.origin));
	}
	free(all);
	if (ctl->json)
		return ctl_print_json(ja);
	json_decref(ja);
	return CTL_OK;
}

/* shield allow|block [list] | add PREFIX | del PREFIX */
static int prefix_list_cmd(struct ctl *ctl, int fd, int gen_fd, int argc,
			   char **argv)
{
	struct siphon_prefix_key key;
	int rc, err;

	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		return list_prefixes(ctl, fd);
	if (argc != 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "del")))
		return ctl_fail(CTL_USAGE,
				"shield %s [list] | add PREFIX | "
				"del PREFIX",
				argv[0]);
	rc = parse_prefix(argv[0], argv[2], &key);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "add"))
		err = shield_prefix_add(fd, &key, SIPHON_ORIGIN_OPERATOR, 0);
	else
		err = shield_prefix_del(fd, &key);
	if (!err)
		err = shield_lists_changed(gen_fd);
	if (err == -ENOENT)
		return ctl_fail(CTL_FAILED, "%s del: %s is not on the list",
				argv[0], argv[2]);
	if (err == -ENOSPC)
		return ctl_fail(CTL_FAILED, "%s add: the list is full (%d)",
				argv[0], SIPHON_PREFIXES_MAX);
	if (err)
		return ctl_fail(CTL_FAILED, "%s %s: %s", argv[0], argv[1],
				strerror(-err));
	return CTL_OK;
}

/* shield ban PREFIX [--for SECONDS] */
static int ban(struct src_maps *m, int argc, char **argv)
{
	struct siphon_rate_cfg rc, eff;
	struct siphon_prefix_key key;
	unsigned long secs;
	char *end;
	int r, err;

	if (argc != 2 && !(argc == 4 && !strcmp(argv[2], "--for")))
		return ctl_fail(CTL_USAGE, "shield ban PREFIX [--for SECONDS]");
	r = parse_prefix("ban", argv[1], &key);
	if (r)
		return r;
	err = shield_rate_read(m->fd[M_RATE], &rc);
	if (err)
		return ctl_fail(CTL_FAILED, "ban: %s", strerror(-err));
	shield_rate_effective(&rc, &eff);
	secs = eff.ban_s;
	if (argc == 4) {
		errno = 0;
		secs = strtoul(argv[3], &end, 10);
		if (errno || *end || argv[3][0] < '0' || argv[3][0] > '9' ||
		    secs > SIPHON_BAN_S_MAX)
			return ctl_fail(CTL_USAGE,
					"ban --for: 0 (until unbanned) to %d "
					"seconds",
					SIPHON_BAN_S_MAX);
	}
	err = shield_prefix_add(m->fd[M_BANS], &key, SIPHON_ORIGIN_OPERATOR,
				secs ? shield_now_ns() + secs * 1000000000ull :
				       0);
	if (err)
		return ctl_fail(CTL_FAILED, "ban: %s",
				err == -ENOSPC ? "the ban list is full" :
						 strerror(-err));
	return CTL_OK;
}

static int unban(struct src_maps *m, int argc, char **argv)
{
	struct siphon_prefix_key key;
	int r;

	if (argc != 2)
		return ctl_fail(CTL_USAGE, "shield unban PREFIX");
	r = parse_prefix("unban", argv[1], &key);
	if (r)
		return r;
	r = shield_unban(m->fd[M_BANS], m->fd[M_SOURCES], &key);
	if (r < 0)
		return ctl_fail(CTL_FAILED, "unban: %s", strerror(-r));
	if (!r)
		return ctl_fail(CTL_FAILED, "unban: nothing banned in %s",
				argv[1]);
	return CTL_OK;
}

static int list_bans(struct ctl *ctl, struct src_maps *m)
{
	struct shield_ban *bans = calloc(BANS_SHOWN_MAX, sizeof(*bans));
	__u64 now = shield_now_ns();
	char text[64], left[32];
	json_t *ja = json_array();
	int n, i;

	if (!bans)
		return ctl_fail(CTL_FAILED, "out of memory");
	shield_bans_sweep(m->fd[M_BANS], now);
	n = shield_bans_list(m->fd[M_BANS], m->fd[M_SOURCES], now, bans,
			     BANS_SHOWN_MAX);
	if (n < 0) {
		free(bans);
		json_decref(ja);
		return ctl_fail(CTL_FAILED, "list: %s", strerror(-n));
	}
	if (!ctl->json)
		printf("%-44s %-12s %-10s %s\n", "BANNED", "LEFT", "DROPS",
		       "BY");
	for (i = 0; i < n; i++) {
		__u64 s = bans[i].until_ns ?
				  (bans[i].until_ns - now + 999999999ull) /
					  1000000000ull :
				  0;

		shield_prefix_str(&bans[i].key, text, sizeof(text));
		if (ctl->json) {
			json_array_append_new(
				ja,
				json_pack("{s:s, s:o, s:I, s:s}", "source",
					  text, "seconds_left",
					  bans[i].until_ns ?
						  json_integer((json_int_t)s) :
						  json_null(),
					  "drops", (json_int_t)bans[i].drops,
					  "by", origin_name(bans[i].origin)));
			continue;
		}
		if (bans[i].until_ns)
			snprintf(left, sizeof(left), "%llus",
				 (unsigned long long)s);
		else
			snprintf(left, sizeof(left), "until unban");
		printf("%-44s %-12s %-10u %s\n", text, left, bans[i].drops,
		       origin_name(bans[i].origin));
	}
	free(bans);
	if (ctl->json)
		return ctl_print_json(ja);
	json_decref(ja);
	return CTL_OK;
}

static bool shield_reason(unsigned int r)
{
	return r >= SIPHON_PASS_SIP_REQUEST && r < SIPHON_REASON_MAX;
}

static int stats(struct ctl *ctl, struct src_maps *m)
{
	__u64 reasons[SIPHON_REASON_MAX], shc[SIPHON_SHC_MAX];
	struct siphon_rate_cfg rc, eff;
	struct shield_sources_use use;
	__u64 now = shield_now_ns();
	int good = shield_known_good_count(m->fd[M_GOOD], now);
	json_t *jr, *jc, *jb;
	unsigned int i;
	int err;

	err = stats_read(m->fd[M_STATS], reasons);
	if (!err)
		err = shield_counters_read(m->fd[M_COUNT], shc);
	if (!err)
		err = shield_rate_read(m->fd[M_RATE], &rc);
	if (!err)
		err = shield_sources_use(m->fd[M_SOURCES], now, &use);
	if (err)
		return ctl_fail(CTL_FAILED, "shield stats: %s", strerror(-err));
	shield_rate_effective(&rc, &eff);
	if (ctl->json) {
		jr = json_object();
		jc = json_object();
		jb = json_object();
		for (i = 0; i < SIPHON_REASON_MAX; i++)
			if (shield_reason(i))
				json_object_set_new(
					jr, reason_name(i),
					json_integer((json_int_t)reasons[i]));
		for (i = 0; i < SIPHON_SHC_MAX; i++)
			json_object_set_new(jc, shield_counter_names[i],
					    json_integer((json_int_t)shc[i]));
		for (i = 0; i < SIPHON_RATE_CLASSES; i++)
			json_object_set_new(
				jb, shield_rate_class_name(i),
				json_pack("{s:i, s:i}", "rate",
					  (int)eff.budget[i].rate, "burst",
					  (int)eff.budget[i].burst));
		/* rate 0: no global budget */
		json_object_set_new(jb, "global",
				    json_pack("{s:i, s:i}", "rate",
					      (int)eff.global.rate, "burst",
					      (int)eff.global.burst));
		return ctl_print_json(json_pack(
			"{s:o, s:o, s:i, s:i, s:i, s:o, s:i, s:i, s:i}",
			"reasons", jr, "tables", jc, "bans_active",
			(int)use.banned, "buckets_in_use", (int)use.in_use,
			"buckets_max", SIPHON_SOURCES_MAX, "budgets", jb,
			"ban_seconds", (int)eff.ban_s, "known_good",
			good < 0 ? 0 : good, "known_good_max",
			SIPHON_KNOWN_GOOD_MAX));
	}
	printf("%-22s %14s  %s\n", "REASON", "PACKETS", "WHAT");
	for (i = 0; i < SIPHON_REASON_MAX; i++)
		if (shield_reason(i))
			printf("%-22s %14llu  %s\n", reason_name(i),
			       (unsigned long long)reasons[i],
			       siphon_reasons[i].help);
	printf("\nbans active: %u   buckets in use: %u of %u   known good: "
	       "%d of %u\n",
	       use.banned, use.in_use, SIPHON_SOURCES_MAX, good < 0 ? 0 : good,
	       SIPHON_KNOWN_GOOD_MAX);
	for (i = 0; i < SIPHON_SHC_MAX; i++)
		printf("%-22s %14llu  %s\n", shield_counter_names[i],
		       (unsigned long long)shc[i], shield_counter_help[i]);
	printf("\n%-10s %10s %10s   (ban: %u s)\n", "BUDGET", "RATE/S", "BURST",
	       eff.ban_s);
	for (i = 0; i < SIPHON_RATE_CLASSES; i++)
		printf("%-10s %10u %10u\n", shield_rate_class_name(i),
		       eff.budget[i].rate, eff.budget[i].burst);
	if (eff.global.rate)
		printf("%-10s %10u %10u   (unknown sources, all together)\n",
		       "global", eff.global.rate, eff.global.burst);
	else
		printf("%-10s %10s %10s\n", "global", "off", "-");
	return CTL_OK;
}

bool ctl_shield_src_command(const char *name)
{
	static const char *const names[] = { "allow", "block", "ban",
					     "unban", "list",  "stats" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/* argv[0] is "shield" */
int ctl_shield_src(struct ctl *ctl, int argc, char **argv)
{
	const char *cmd = argv[1];
	struct src_maps m;
	int rc;

	rc = src_open(ctl, &m);
	if (rc)
		return rc;
	if (!strcmp(cmd, "allow"))
		rc = prefix_list_cmd(ctl, m.fd[M_ALLOW], m.fd[M_GEN], argc - 1,
				     argv + 1);
	else if (!strcmp(cmd, "block"))
		rc = prefix_list_cmd(ctl, m.fd[M_BLOCK], m.fd[M_GEN], argc - 1,
				     argv + 1);
	else if (!strcmp(cmd, "ban"))
		rc = ban(&m, argc - 1, argv + 1);
	else if (!strcmp(cmd, "unban"))
		rc = unban(&m, argc - 1, argv + 1);
	else if (!strcmp(cmd, "list") && argc == 2)
		rc = list_bans(ctl, &m);
	else if (!strcmp(cmd, "stats") && argc == 2)
		rc = stats(ctl, &m);
	else
		rc = ctl_fail(CTL_USAGE, "shield list | shield stats");
	src_close(&m);
	return rc;
}
