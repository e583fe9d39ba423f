// SPDX-License-Identifier: GPL-2.0-only
/* A walk over a BPF map's keys that may delete the key it is on. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "map_walk.h"

#define MAP_WALK_KEY_MAX 64
/* the kernel's ENOTSUPP (include/linux/errno.h), not in the uapi */
#define ENOTSUPP_KERN 524

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

#define MAP_WALK_VALUE_MAX 4096
/* elements a batch read asks for; more when one hash bucket holds more */
#define MAP_WALK_BATCH 256
#define MAP_WALK_BATCH_MAX 4096

struct elem_walk {
	map_walk_elem_fn fn;
	void *ctx;
	unsigned char value[MAP_WALK_VALUE_MAX];
};

/* map_walk's visit for a map without batch reads: one lookup a key */
static int visit_with_value(int fd, const void *key, void *ctx)
{
	struct elem_walk *w = ctx;

	if (bpf_map_lookup_elem(fd, key, w->value))
		return 0; /* gone since its key was read */
	return w->fn(fd, key, w->value, w->ctx);
}

static int walk_key_by_key(int fd, size_t key_size, unsigned long max,
			   map_walk_elem_fn fn, void *ctx)
{
	struct elem_walk *w = malloc(sizeof(*w));
	int n;

	if (!w)
		return -ENOMEM;
	w->fn = fn;
	w->ctx = ctx;
	n = map_walk(fd, key_size, max, visit_with_value, w);
	free(w);
	return n;
}

/* errors that say the kernel has no batch reads for this map */
static bool no_batch_reads(int err)
{
	return err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP_KERN;
}

int map_walk_elems(int fd, size_t key_size, size_t value_size,
		   unsigned long max, map_walk_elem_fn fn, void *ctx)
{
	/* the batch cursor: a bucket number for hash maps, a key for
	 * others, never longer than a key */
	unsigned char in[MAP_WALK_KEY_MAX], out[MAP_WALK_KEY_MAX];
	__u32 want = MAP_WALK_BATCH, got, i;
	unsigned char *keys = NULL, *values = NULL;
	unsigned long n = 0;
	bool first = true, last = false;
	int err = 0;

	if (!key_size || key_size > MAP_WALK_KEY_MAX || !value_size ||
	    value_size > MAP_WALK_VALUE_MAX)
		return -EINVAL;
	while (!last && n < max) {
		if (!keys) {
			keys = malloc(want * key_size);
			values = malloc(want * value_size);
			if (!keys || !values) {
				err = -ENOMEM;
				break;
			}
		}
		got = want;
		err = bpf_map_lookup_batch(fd, first ? NULL : in, out, keys,
					   values, &got, NULL);
		if (err == -ENOSPC && !got && want < MAP_WALK_BATCH_MAX) {
			/* one hash bucket holds more than want */
			want *= 4;
			free(keys);
			free(values);
			keys = values = NULL;
			continue;
		}
		if (err && first && no_batch_reads(err)) {
			free(keys);
			free(values);
			return walk_key_by_key(fd, key_size, max, fn, ctx);
		}
		if (err && err != -ENOENT)
			break;
		last = err == -ENOENT;
		err = 0;
		first = false;
		memcpy(in, out, sizeof(in));
		for (i = 0; i < got && n < max && !err; i++, n++)
			err = fn(fd, keys + i * key_size,
				 values + i * value_size, ctx);
		if (err)
			break;
	}
	free(keys);
	free(values);
	return err < 0 ? err : (int)n;
}
