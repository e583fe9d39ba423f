// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shield's prefix lists (allow, block, operator bans) in their LPM
 * tries: parsing and printing prefixes, adding, removing, listing, and
 * purging what siphond's config put there before a reload puts it again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "shield.h"
#include "siphon/flow.h"

static unsigned int family_bits(__u32 family)
{
	return family == SIPHON_AF_INET6 ? 128 : 32;
}

/* clear the bits of addr past plen */
static void mask_addr(__be32 addr[4], unsigned int plen)
{
	__u8 *b = (__u8 *)addr;
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen > 8 * i)
			b[i] &= (__u8)(0xff << (8 - (plen - 8 * i)));
		else
			b[i] = 0;
	}
}

int shield_prefix_parse(const char *text, struct siphon_prefix_key *key)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	unsigned long plen;
	char *end;

	memset(key, 0, sizeof(*key));
	if (!alen || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, text, alen);
	addr[alen] = 0;
	if (inet_pton(AF_INET, addr, key->addr) == 1)
		key->family = SIPHON_AF_INET;
	else if (inet_pton(AF_INET6, addr, key->addr) == 1)
		key->family = SIPHON_AF_INET6;
	else
		return -EINVAL;
	plen = family_bits(key->family);
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		errno = 0;
		plen = strtoul(slash + 1, &end, 10);
		if (errno || *end || plen > family_bits(key->family))
			return -EINVAL;
	}
	mask_addr(key->addr, (unsigned int)plen);
	key->prefixlen = SIPHON_PREFIX_FAMILY_BITS + (__u32)plen;
	return 0;
}

const char *shield_prefix_str(const struct siphon_prefix_key *key, char *buf,
			      size_t len)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned int plen = key->prefixlen - SIPHON_PREFIX_FAMILY_BITS;

	inet_ntop(key->family == SIPHON_AF_INET6 ? AF_INET6 : AF_INET,
		  key->addr, addr, sizeof(addr));
	if (plen == family_bits(key->family))
		snprintf(buf, len, "%s", addr);
	else
		snprintf(buf, len, "%s/%u", addr, plen);
	return buf;
}

bool shield_prefix_holds(const struct siphon_prefix_key *key, __u32 family,
			 const __be32 addr[4])
{
	__be32 masked[4];

	if (key->family != family || key->prefixlen < SIPHON_PREFIX_FAMILY_BITS)
		return false;
	memcpy(masked, addr, sizeof(masked));
	mask_addr(masked, key->prefixlen - SIPHON_PREFIX_FAMILY_BITS);
	return !memcmp(masked, key->addr, sizeof(masked));
}

int shield_prefix_add(int fd, const struct siphon_prefix_key *key, __u32 origin,
		      __u64 until_ns)
{
	struct siphon_prefix_val val = { .until_ns = until_ns,
					 .origin = origin };

	if (bpf_map_update_elem(fd, key, &val, BPF_ANY))
		return errno == E2BIG ? -ENOSPC : -errno;
	return 0;
}

int shield_prefix_del(int fd, const struct siphon_prefix_key *key)
{
	return bpf_map_delete_elem(fd, key) ? -errno : 0;
}

int shield_prefix_list(int fd, struct shield_prefix *out, unsigned int max)
{
	struct siphon_prefix_key cur, next, *prev = NULL;
	unsigned int n = 0;

	while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (bpf_map_lookup_elem(fd, &cur, &out[n].val)) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		out[n++].key = cur;
	}
	return (int)n;
}

int shield_prefix_purge(int fd, __u32 origin)
{
	struct shield_prefix *all;
	int n, i, gone = 0;

	all = calloc(SIPHON_PREFIXES_MAX, sizeof(*all));
	if (!all)
		return -ENOMEM;
	n = shield_prefix_list(fd, all, SIPHON_PREFIXES_MAX);
	for (i = 0; i < n; i++) {
		if (origin && all[i].val.origin != origin)
			continue;
		if (!bpf_map_delete_elem(fd, &all[i].key))
			gone++;
	}
	free(all);
	return n < 0 ? n : gone;
}

int shield_lists_changed(int gen_fd)
{
	__u64 gen = 0, now = shield_now_ns();
	__u32 key = 0;

	if (gen_fd < 0)
		return 0;
	if (bpf_map_lookup_elem(gen_fd, &key, &gen))
		return -errno;
	/* a value never used before: a clock, moved on if it stood still */
	gen = now > gen ? now : gen + 1;
	return bpf_map_update_elem(gen_fd, &key, &gen, BPF_ANY) ? -errno : 0;
}
