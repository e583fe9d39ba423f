// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shield's budgets (siphon_rate), its per-source buckets and bans
 * (siphon_sources, siphon_bans) and its table counters (siphon_shcount),
 * read and changed from userspace.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "shield.h"
#include "siphon/flow.h"

#define SHC_NAME(name, help) [SIPHON_SHC_##name] = #name,
#define SHC_HELP(name, help) [SIPHON_SHC_##name] = help,
const char *const shield_counter_names[SIPHON_SHC_MAX] = {
	SIPHON_SHIELD_COUNTERS(SHC_NAME)
};
const char *const shield_counter_help[SIPHON_SHC_MAX] = {
	SIPHON_SHIELD_COUNTERS(SHC_HELP)
};
#undef SHC_NAME
#undef SHC_HELP

static const __u32 defaults[SIPHON_RATE_CLASSES][2] = {
	[SIPHON_RATE_INVITE] = { SIPHON_RATE_INVITE_DEFAULT,
				 SIPHON_BURST_INVITE_DEFAULT },
	[SIPHON_RATE_REGISTER] = { SIPHON_RATE_REGISTER_DEFAULT,
				   SIPHON_BURST_REGISTER_DEFAULT },
	[SIPHON_RATE_OTHER] = { SIPHON_RATE_OTHER_DEFAULT,
				SIPHON_BURST_OTHER_DEFAULT },
};

__u64 shield_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

int shield_rate_read(int fd, struct siphon_rate_cfg *rc)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(fd, &key, rc) ? -errno : 0;
}

int shield_rate_write(int fd, const struct siphon_rate_cfg *rc)
{
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, rc, BPF_ANY) ? -errno : 0;
}

void shield_rate_effective(const struct siphon_rate_cfg *rc,
			   struct siphon_rate_cfg *out)
{
	unsigned int i;

	*out = *rc;
	for (i = 0; i < SIPHON_RATE_CLASSES; i++) {
		if (!out->budget[i].rate)
			out->budget[i].rate = defaults[i][0];
		if (!out->budget[i].burst)
			out->budget[i].burst = defaults[i][1];
	}
	if (!out->ban_s)
		out->ban_s = SIPHON_BAN_S_DEFAULT;
	/* a global rate of 0 is no global budget; a burst of 0 is the rate */
	if (out->global.rate && !out->global.burst)
		out->global.burst = out->global.rate;
}

const char *shield_rate_class_name(unsigned int cls)
{
	static const char *const names[SIPHON_RATE_CLASSES] = {
		[SIPHON_RATE_INVITE] = "INVITE",
		[SIPHON_RATE_REGISTER] = "REGISTER",
		[SIPHON_RATE_OTHER] = "other",
	};

	return cls < SIPHON_RATE_CLASSES ? names[cls] : "?";
}

static void key_of_source(const struct siphon_source_key *sk,
			  struct siphon_prefix_key *key)
{
	memset(key, 0, sizeof(*key));
	key->family = sk->family;
	memcpy(key->addr, sk->addr, sizeof(key->addr));
	key->prefixlen = SIPHON_PREFIX_FAMILY_BITS +
			 (sk->family == SIPHON_AF_INET6 ? 128 : 32);
}

int shield_bans_list(int bans_fd, int sources_fd, __u64 now,
		     struct shield_ban *out, unsigned int max)
{
	struct siphon_source_key cur, next, *prev = NULL;
	struct shield_prefix *ops;
	struct siphon_source src;
	unsigned int n = 0;
	int nops, i;

	ops = calloc(SIPHON_PREFIXES_MAX, sizeof(*ops));
	if (!ops)
		return -ENOMEM;
	nops = shield_prefix_list(bans_fd, ops, SIPHON_PREFIXES_MAX);
	for (i = 0; i < nops && n < max; i++) {
		if (ops[i].val.until_ns && ops[i].val.until_ns <= now)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].key = ops[i].key;
		out[n].until_ns = ops[i].val.until_ns;
		out[n++].origin = ops[i].val.origin;
	}
	free(ops);
	if (nops < 0)
		return nops;
	while (n < max && !bpf_map_get_next_key(sources_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (bpf_map_lookup_elem(sources_fd, &cur, &src)) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		if (src.banned_until_ns <= now)
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		key_of_source(&cur, &out[n].key);
		out[n].until_ns = src.banned_until_ns;
		out[n++].drops = src.ban_drops;
	}
	return (int)n;
}

/* clear the automatic bans of every source inside key */
static int unban_sources(int sources_fd, const struct siphon_prefix_key *key)
{
	struct siphon_source_key cur, next, *prev = NULL;
	struct siphon_source src;
	int lifted = 0;

	while (!bpf_map_get_next_key(sources_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (!shield_prefix_holds(key, cur.family, cur.addr) ||
		    bpf_map_lookup_elem(sources_fd, &cur, &src) ||
		    !src.banned_until_ns)
			continue;
		src.banned_until_ns = 0;
		src.ban_drops = 0;
		/* a source that was banned starts with a full budget */
		src.refill_ns = 0;
		if (!bpf_map_update_elem(sources_fd, &cur, &src, BPF_EXIST))
			lifted++;
	}
	return lifted;
}

int shield_unban(int bans_fd, int sources_fd,
		 const struct siphon_prefix_key *key)
{
	int lifted = 0;

	if (!bpf_map_delete_elem(bans_fd, key))
		lifted++;
	else if (errno != ENOENT)
		return -errno;
	return lifted + unban_sources(sources_fd, key);
}

int shield_bans_sweep(int bans_fd, __u64 now)
{
	struct shield_prefix *all;
	int n, i, gone = 0;

	all = calloc(SIPHON_PREFIXES_MAX, sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = shield_prefix_list(bans_fd, all, SIPHON_PREFIXES_MAX);
	for (i = 0; i < n; i++) {
		if (all[i].val.until_ns && all[i].val.until_ns <= now &&
		    !bpf_map_delete_elem(bans_fd, &all[i].key))
			gone++;
	}
	free(all);
	return n < 0 ? n : gone;
}

int shield_sources_use(int sources_fd, __u64 now,
		       struct shield_sources_use *use)
{
	struct siphon_source_key cur, next, *prev = NULL;
	struct siphon_source src;

	memset(use, 0, sizeof(*use));
	while (!bpf_map_get_next_key(sources_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (bpf_map_lookup_elem(sources_fd, &cur, &src))
			continue;
		use->in_use++;
		if (src.banned_until_ns > now)
			use->banned++;
	}
	return 0;
}

int shield_counters_read(int fd, __u64 out[SIPHON_SHC_MAX])
{
	int ncpus = libbpf_num_possible_cpus(), cpu;
	__u64 *percpu;
	__u32 key;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (key = 0; key < SIPHON_SHC_MAX; key++) {
		out[key] = 0;
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			free(percpu);
			return -errno;
		}
		for (cpu = 0; cpu < ncpus; cpu++)
			out[key] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

int shield_known_good_count(int good_fd, __u64 now)
{
	struct siphon_source_key cur, next, *prev = NULL;
	struct siphon_known_good g;
	int n = 0;

	if (good_fd < 0)
		return -ENOENT;
	while (!bpf_map_get_next_key(good_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (!bpf_map_lookup_elem(good_fd, &cur, &g) && g.until_ns > now)
			n++;
	}
	return n;
}
