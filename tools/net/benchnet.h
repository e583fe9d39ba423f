/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers the bench and generator tools share: entering a network
 * namespace by name, parsing MAC and IPv4 text, pinning a thread to a CPU,
 * and a monotonic clock. Header only; every tool is one .c file.
 */
#ifndef SIPHON_TOOLS_BENCHNET_H
#define SIPHON_TOOLS_BENCHNET_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/types.h>

#define NETNS_RUN_DIR "/var/run/netns"

/*
 * Move the calling thread into a named namespace (as `ip netns` names it) or
 * one given by path. Only the network namespace changes: bpffs stays
 * visible, unlike under `ip netns exec`. Call it before starting threads,
 * which inherit it. NULL or "" stays where we are.
 */
static inline int netns_enter(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	if (!name || !*name)
		return 0;
	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "%s/%s", NETNS_RUN_DIR, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

/* "02:00:5e:10:00:01" */
static inline int mac_parse(const char *text, __u8 mac[6])
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = b[i];
	}
	return 0;
}

/* dotted quad to network order */
static inline int ipv4_parse(const char *text, __be32 *addr)
{
	struct in_addr in;

	if (inet_pton(AF_INET, text, &in) != 1)
		return -EINVAL;
	*addr = in.s_addr;
	return 0;
}

/* an interface name or a plain ifindex, in the current namespace */
static inline int ifindex_parse(const char *text)
{
	char *end;
	long n;

	n = strtol(text, &end, 10);
	if (*text && !*end)
		return n > 0 && n < INT_MAX ? (int)n : -EINVAL;
	n = if_nametoindex(text);
	return n ? (int)n : -ENODEV;
}

/* unsigned decimal with an optional k/M suffix (x1000, x1000000) */
static inline int count_parse(const char *text, unsigned long long max,
			      unsigned long long *val)
{
	unsigned long long n, mult = 1;
	char *end;

	errno = 0;
	n = strtoull(text, &end, 10);
	if (errno || end == text || *text == '-')
		return -EINVAL;
	if (*end == 'k')
		mult = 1000, end++;
	else if (*end == 'M')
		mult = 1000000, end++;
	if (*end || n > max / mult)
		return -EINVAL;
	*val = n * mult;
	return 0;
}

static inline int thread_pin_cpu(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static inline double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif /* SIPHON_TOOLS_BENCHNET_H */
