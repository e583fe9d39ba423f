// SPDX-License-Identifier: GPL-2.0-only
/*
 * Carrying the pinned flow table over to the flow value of a newer siphon
 * (map_migrate.h).
 *
 * What happens to packets: the old program keeps forwarding with the old
 * table while the flows are copied, and each interface switches to the new
 * program in one step (bpf_link_update, never detached), so no packet
 * meets an interface without siphon. A packet forwarded by the old program
 * after its flow was copied is counted in the old table only (packets,
 * bytes, last seen, RTP numbers, a port learned); once every interface runs
 * the new program, a second pass adds what the old table counted since the
 * copy to the new one and takes over a port it learned. What is lost is
 * what the new program counts for a flow between that pass's read and
 * write of the same flow (microseconds), and a packet the old program was
 * still handling when the pass read its flow. The copy runs from memory in
 * batches so the window between copy and switch stays small (a few ms for
 * ten thousand flows).
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf_loader.h"
#include "flow_table.h"
#include "log.h"
#include "map_migrate.h"
#include "siphon/flow.h"
#include "siphon/maps.h"
#include "xdp_attach.h"

/*
 * The rule: struct siphon_flow only ever grows at its end. A field an
 * older siphon wrote keeps its offset and meaning, and a field appended
 * reads zero as "nothing yet" (0 packets, no RTP seen, default clock).
 * Then the value of an older siphon is a prefix of the current one, and
 * the flow is carried over by copying it and zero-filling the tail. Every
 * older size that shipped is listed here with an assert that it is still a
 * prefix; a change that moves a field breaks the build.
 */
static const struct flow_layout {
	__u32 size;
	const char *name;
} flow_layouts_older[] = {
	/* before RTP loss and jitter: `reserved` (always 0) became
	 * clock_rate (0: SIPHON_RTP_CLOCK_DEFAULT), rtp was appended */
	{ 104, "siphon without RTP quality (104-byte flows)" },
	/* the same flow, in a BPF_MAP_TYPE_HASH: now in the slots of an
	 * inline table (include/siphon/flow.h) */
	{ 152, "siphon with a hash flow table (152-byte flows)" },
};

_Static_assert(offsetof(struct siphon_flow, clock_rate) == 76 &&
		       offsetof(struct siphon_flow, last_seen_ns) == 96 &&
		       offsetof(struct siphon_flow, rtp) == 104,
	       "the 104-byte flow of flow_layouts_older is no longer a prefix: "
	       "fields are only appended");

const char *flow_layout_older(__u32 old_size)
{
	size_t i;

	for (i = 0;
	     i < sizeof(flow_layouts_older) / sizeof(flow_layouts_older[0]);
	     i++)
		if (flow_layouts_older[i].size == old_size &&
		    old_size <= sizeof(struct siphon_flow))
			return flow_layouts_older[i].name;
	return NULL;
}

#define COPY_CHUNK 4096u

/* every flow of the old table, read in batches, in the new layout */
struct flow_snapshot {
	struct siphon_flow_key *keys;
	struct siphon_flow *flows;
	__u32 n, cap;
};

static int snapshot_grow(struct flow_snapshot *s)
{
	__u32 cap = s->cap ? 2 * s->cap : COPY_CHUNK;
	void *k, *f;

	k = realloc(s->keys, (size_t)cap * sizeof(*s->keys));
	if (k)
		s->keys = k;
	f = realloc(s->flows, (size_t)cap * sizeof(*s->flows));
	if (f)
		s->flows = f;
	if (!k || !f)
		return -ENOMEM;
	s->cap = cap;
	return 0;
}

/* old values of old_size bytes, tightly packed in raw, widened in place */
static void widen(struct siphon_flow *to, const void *raw, __u32 n,
		  __u32 old_size)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		memset(&to[i], 0, sizeof(to[i]));
		memcpy(&to[i], (const char *)raw + (size_t)i * old_size,
		       old_size);
	}
}

static int snapshot_read(int old_fd, __u32 old_size, struct flow_snapshot *s)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	bool first = true, last = false;
	__u32 token, count;
	void *raw;
	int err = 0;

	raw = malloc((size_t)COPY_CHUNK * old_size);
	if (!raw)
		return -ENOMEM;
	while (!last && !err) {
		if (s->cap - s->n < COPY_CHUNK)
			err = snapshot_grow(s);
		if (err)
			break;
		count = COPY_CHUNK;
		if (bpf_map_lookup_batch(old_fd, first ? NULL : &token, &token,
					 &s->keys[s->n], raw, &count, &opts)) {
			if (errno != ENOENT) {
				err = -errno;
				break;
			}
			last = true;
		}
		first = false;
		widen(&s->flows[s->n], raw, count, old_size);
		s->n += count;
	}
	free(raw);
	return err;
}

static int snapshot_write(struct flow_table *ft, const struct flow_snapshot *s)
{
	return flow_table_add_batch(ft, s->keys, s->flows, s->n);
}

/*
 * What the old program counted for one flow after the copy, added to the
 * new table. 1 when the flow needed it, 0 when not, -errno.
 */
static int catch_up_one(int old_fd, struct flow_table *ft,
			const struct siphon_flow_key *key,
			const struct siphon_flow *copied)
{
	struct siphon_flow old_now = {}, cur;

	if (bpf_map_lookup_elem(old_fd, key, &old_now))
		return 0; /* gone from the old table: nothing to add */
	if (old_now.packets == copied->packets &&
	    old_now.learned_port == copied->learned_port)
		return 0;
	if (flow_table_get(ft, key, &cur))
		return 0; /* removed from the new one meanwhile */
	cur.packets += old_now.packets - copied->packets;
	cur.bytes += old_now.bytes - copied->bytes;
	if (old_now.last_seen_ns > cur.last_seen_ns)
		cur.last_seen_ns = old_now.last_seen_ns;
	if (!cur.learned_port)
		cur.learned_port = old_now.learned_port;
	return flow_table_update(ft, key, &cur) ?: 1;
}

/*
 * The old values are read in the new struct, whose tail the kernel leaves
 * alone: a lookup writes old_size bytes. Only the prefix is compared.
 */
static unsigned int catch_up(int old_fd, struct flow_table *ft,
			     const struct flow_snapshot *s)
{
	unsigned int n = 0;
	__u32 i;

	for (i = 0; i < s->n; i++)
		n += catch_up_one(old_fd, ft, &s->keys[i], &s->flows[i]) == 1;
	return n;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/*
 * The new table is pinned beside the old one (bpffs refuses dots in
 * names) before any interface is switched, and renamed over it after, so
 * a reader opens the old table or the new, never none.
 */
#define PIN_NEW_SUFFIX "_upgrade"

static int flows_pin_paths(const char *pin_dir, char *path, char *tmp)
{
	int n = snprintf(path, PATH_MAX, "%s/%s", pin_dir, SIPHON_MAP_FLOWS);
	int m = snprintf(tmp, PATH_MAX, "%s/%s" PIN_NEW_SUFFIX, pin_dir,
			 SIPHON_MAP_FLOWS);

	return n < 0 || m < 0 || m >= PATH_MAX ? -ENAMETOOLONG : 0;
}

static int pin_beside(int new_fd, const char *tmp)
{
	unlink(tmp); /* left by an upgrade that died half-way */
	return bpf_obj_pin(new_fd, tmp) ? -errno : 0;
}

int flow_table_migrate(int old_fd, __u32 old_size, int new_fd, int idx_fd,
		       int prog_fd, const char *pin_dir)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	struct flow_snapshot s = {};
	struct flow_table ft;
	struct timespec t0;
	unsigned int links = 0, caught = 0;
	double window_ms;
	int err;

	if (old_size > sizeof(struct siphon_flow))
		return -EINVAL;
	err = flow_index_open(&ft, new_fd, idx_fd);
	if (err)
		return err;
	err = flows_pin_paths(pin_dir, path, tmp);
	if (!err)
		err = pin_beside(new_fd, tmp);
	if (err)
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = snapshot_read(old_fd, old_size, &s);
	if (!err)
		err = snapshot_write(&ft, &s);
	if (!err)
		err = xdp_replace_all(pin_dir, prog_fd, &links);
	window_ms = ms_since(&t0);
	if (err) {
		unlink(tmp);
		pr_warn("cannot carry the flow table over to the new layout "
			"(%s): nothing was changed\n",
			strerror(-err));
		goto out;
	}
	/* a packet the old program was handling as it was switched out */
	usleep(2000);
	caught = catch_up(old_fd, &ft, &s);
	err = rename(tmp, path) ? -errno : 0;
	/* siphond re-attaches a returning interface with this program */
	if (!err && xdp_prog_pin(pin_dir, prog_fd))
		pr_warn("cannot pin the new program for siphond\n");
	if (err) {
		pr_warn("every interface runs the new program with its flows, "
			"but its flow table could not be pinned in place of "
			"the old (%s): it is pinned as %s\n",
			strerror(-err), tmp);
		goto out;
	}
	pr_warn("%s: %u flows carried over from %u-byte values to %zu-byte "
		"flows in the slots of the inline table; "
		"%u interfaces switched to the new program %.1f ms after the "
		"copy began, %u flows caught up with the packets between; "
		"siphond, if it runs, still writes the old table: restart "
		"it\n",
		path, s.n, old_size, sizeof(struct siphon_flow), links,
		window_ms, caught);
out:
	flow_index_close(&ft);
	free(s.keys);
	free(s.flows);
	return err;
}
