// SPDX-License-Identifier: GPL-2.0-only
/* A walk over a BPF map's keys that may delete the key it is on. */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "map_walk.h"

#define MAP_WALK_KEY_MAX 64

int map_walk(int fd, size_t key_size, unsigned long max, map_walk_fn fn,
	     void *ctx)
{
	unsigned char cur[MAP_WALK_KEY_MAX], next[MAP_WALK_KEY_MAX];
	unsigned long n = 0;
	int more, err;

	if (!key_size || key_size > MAP_WALK_KEY_MAX)
		return -EINVAL;
	more = !bpf_map_get_next_key(fd, NULL, next);
	while (more && n < max) {
		memcpy(cur, next, key_size);
		/* before fn may delete cur: asked after, the answer is the
		 * map's first key again */
		more = !bpf_map_get_next_key(fd, cur, next);
		n++;
		err = fn(fd, cur, ctx);
		if (err)
			return err < 0 ? err : (int)n;
	}
	return (int)n;
}
