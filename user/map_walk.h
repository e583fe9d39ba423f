/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A walk over a BPF map's keys that may delete the key it is on. The
 * kernel's hash maps answer "the key after K" for a K they no longer hold
 * with their first key: a walk that deletes and then asks for the next
 * one starts again from the top, and a pass that ages out many entries
 * turns quadratic (20 000 calls ending together kept siphond busy through
 * the whole 45 s a benchmark waited for it).
 * map_walk takes the next key before it hands over the current one.
 *
 * map_walk_elems reads keys and values together, many to a system call
 * (BPF_MAP_LOOKUP_BATCH), where map_walk costs two calls an element: a
 * daemon that looks over thousands of entries every few seconds pays a
 * few calls, not thousands.
 */
#ifndef SIPHON_MAP_WALK_H
#define SIPHON_MAP_WALK_H

#include <stddef.h>

/* called once for each key; may delete it; non-zero stops the walk */
typedef int (*map_walk_fn)(int fd, const void *key, void *ctx);

/*
 * Visit every key of fd's map once (keys of key_size bytes, at most
 * 64), max visits at the most. The number visited; when fn stops the
 * walk, fn's value if it is negative (-errno), else the number visited.
 */
int map_walk(int fd, size_t key_size, unsigned long max, map_walk_fn fn,
	     void *ctx);

/* called once for each element; may delete key; non-zero stops the walk */
typedef int (*map_walk_elem_fn)(int fd, const void *key, const void *value,
				void *ctx);

/*
 * Visit every element of fd's map once, with its value (keys of key_size
 * bytes, at most 64; values of value_size bytes, at most 4096), max
 * visits at the most; returns as map_walk(). A map without batch reads
 * (an LPM trie, an older kernel) is walked key by key instead.
 */
int map_walk_elems(int fd, size_t key_size, size_t value_size,
		   unsigned long max, map_walk_elem_fn fn, void *ctx);

#endif /* SIPHON_MAP_WALK_H */
