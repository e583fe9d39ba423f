// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/siphon_xdp.skel.h"
#include "bpf_loader.h"
#include "flow_index.h"
#include "log.h"
#include "map_migrate.h"
#include "siphon/shield.h"
#include "siphon/flow.h"
#include "siphon/maps.h"

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static bool is_bpffs(const char *path)
{
	struct statfs st;

	return !statfs(path, &st) && st.f_type == BPF_FS_MAGIC;
}

int siphon_pin_dir_prepare(const char *pin_dir)
{
	char parent[PATH_MAX];
	char *slash;

	if (strlen(pin_dir) >= sizeof(parent))
		return -ENAMETOOLONG;
	strcpy(parent, pin_dir);
	slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return -EINVAL;
	*slash = '\0';

	/*
	 * Mounting bpffs here would be wrong as often as right: inside `ip
	 * netns exec` (a private mount namespace with its own /sys) the pins
	 * would vanish when siphonctl exits. systemd mounts it on every boot.
	 */
	if (!is_bpffs(parent)) {
		pr_warn("%s is not a bpffs mount: mount it (mount -t bpf bpf "
			"%s), and use siphonctl --netns NAME rather than ip "
			"netns exec, whose private /sys hides it\n",
			parent, parent);
		return -EXDEV;
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* the pinned flow table of an older layout, carried over after the load */
struct flows_carry {
	int old_fd; /* -1: nothing to carry */
	__u32 old_size;
};

static bool same_layout(const struct bpf_map_info *info,
			const struct bpf_map *map)
{
	return info->type == bpf_map__type(map) &&
	       info->key_size == bpf_map__key_size(map) &&
	       info->value_size == bpf_map__value_size(map);
}

/* maps a new layout may replace, losing what they hold */
static bool replaceable(const char *name)
{
	static const char *const names[] = {
		SIPHON_MAP_SIP_SCAN,   SIPHON_MAP_CLOCK,
		SIPHON_MAP_SOURCES,    SIPHON_MAP_RATE,
		SIPHON_MAP_LIVE_CALLS, SIPHON_MAP_SHIELD_COUNTS,
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

/*
 * The pinned flow table is of an older siphon (a hash of flows whose value
 * is a prefix of this one's, map_migrate.c): it is kept aside, to be
 * carried over once the new program is loaded, and the new table is not
 * pinned yet.
 */
static bool flows_carried(const struct bpf_map *map,
			  const struct bpf_map_info *info, int fd,
			  struct flows_carry *carry)
{
	const char *older;

	if (strcmp(bpf_map__name(map), SIPHON_MAP_FLOWS) ||
	    info->type != BPF_MAP_TYPE_HASH ||
	    info->key_size != sizeof(struct siphon_flow_key))
		return false;
	older = flow_layout_older(info->value_size);
	if (!older)
		return false;
	pr_info("%s: the flow table of an older %s: its flows are carried "
		"over to this layout\n",
		bpf_map__name(map), older);
	carry->old_fd = dup(fd);
	carry->old_size = info->value_size;
	return carry->old_fd >= 0;
}

/*
 * Adopt the map pinned at path, if any: 1 adopted, 0 nothing pinned there,
 * 2 an older flow table kept in carry. Adopting by fd rather than by pin
 * path sidesteps libbpf 1.1's check, which trips over the flag the kernel
 * adds to every devmap (BPF_F_RDONLY_PROG); the check that matters, the
 * layout, is made here.
 */
static int adopt_pinned(struct bpf_map *map, const char *path,
			struct flows_carry *carry)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	/* an index belongs to the flow table pinned with it: one carried
	 * over gets a new, empty one (a stale one is left by an upgrade
	 * that failed half-way) */
	if (carry->old_fd >= 0 &&
	    !strcmp(bpf_map__name(map), SIPHON_MAP_FLOW_IDX))
		return unlink(path) && errno != ENOENT ? -errno : 0;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	/* the SIP scan's per-CPU scratch and the per-CPU clocks hold
	 * nothing worth keeping, nor do the shield's buckets, budgets
	 * (siphond writes them again when it starts), live calls and table
	 * counters: a newer siphon's larger ones replace them */
	if (!err && replaceable(bpf_map__name(map)) &&
	    (info.value_size != bpf_map__value_size(map) ||
	     info.max_entries != bpf_map__max_entries(map))) {
		close(fd);
		return unlink(path) ? -errno : 0;
	}
	if (!err && !same_layout(&info, map)) {
		if (flows_carried(map, &info, fd, carry)) {
			close(fd);
			return 2;
		}
		pr_warn("%s has another layout than this siphon expects (left "
			"by another version: type %u, key %u, value %u bytes, "
			"this siphon's %u, %u, %u), which it cannot carry "
			"over: detach siphon from every interface (siphonctl "
			"detach) and remove it to start afresh, which drops "
			"what it holds (for the flow table: every call's "
			"media)\n",
			path, info.type, info.key_size, info.value_size,
			bpf_map__type(map), bpf_map__key_size(map),
			bpf_map__value_size(map));
		err = -EBADSLT;
	}
	/* a newer siphon counts more reasons: counters may start afresh,
	 * where adopting the old, shorter array would lose the new ones */
	if (!err && info.max_entries != bpf_map__max_entries(map) &&
	    !strcmp(bpf_map__name(map), SIPHON_MAP_STATS)) {
		pr_warn("%s counts %u reasons, this siphon %u: its counters "
			"start again from zero\n",
			path, info.max_entries, bpf_map__max_entries(map));
		close(fd);
		return unlink(path) ? -errno : 0;
	}
	if (!err)
		err = bpf_map__reuse_fd(map, fd);
	close(fd);
	return err ? err : 1;
}

/*
 * Pinned maps are adopted (flows live on); new ones are pinned by libbpf;
 * an older flow table is kept in carry and its successor pinned later.
 */
static int adopt_or_pin_maps(struct siphon_xdp *obj, const char *pin_dir,
			     struct flows_carry *carry)
{
	struct bpf_map *map;
	char path[PATH_MAX];
	int err;

	bpf_object__for_each_map(map, obj->obj) {
		/* .rodata and friends stay private to each program */
		if (bpf_map__is_internal(map))
			continue;
		err = pin_path(path, sizeof(path), pin_dir, bpf_map__name(map));
		if (!err)
			err = adopt_pinned(map, path, carry);
		if (err == 2)
			continue;
		if (err >= 0)
			err = bpf_map__set_pin_path(map, path);
		if (err < 0)
			return err;
	}
	return 0;
}

static int open_pinned(const char *pin_dir, const char *name);

/*
 * A pinned flow table keeps its size: reuse it when none is asked for, and
 * refuse a different one rather than drop every live flow to resize.
 */
static int flows_size_for_pin(const char *pin_dir, __u32 *max_flows)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	fd = open_pinned(pin_dir, SIPHON_MAP_FLOWS);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	/* an older siphon's hash held max_entries flows */
	if (info.type == BPF_MAP_TYPE_ARRAY)
		info.max_entries = flow_capacity_of(info.max_entries);
	if (!*max_flows) {
		*max_flows = info.max_entries;
		return 0;
	}
	if (*max_flows != info.max_entries) {
		pr_warn("the pinned flow table holds %u flows, not %u: detach "
			"every interface and remove %s/%s and %s/%s to resize "
			"it (this drops every flow)\n",
			info.max_entries, *max_flows, pin_dir, SIPHON_MAP_FLOWS,
			pin_dir, SIPHON_MAP_FLOW_IDX);
		return -ERANGE;
	}
	return 0;
}

/* the slots, the index, and its bits for XDP (flow_index.h) */
static int flows_size(struct siphon_xdp *obj, __u32 max_flows)
{
	__u32 nslots = flow_slots_for(max_flows);
	int err;

	err = bpf_map__set_max_entries(obj->maps.siphon_flows, nslots);
	if (!err)
		err = bpf_map__set_max_entries(obj->maps.siphon_flowidx,
					       flow_index_words(nslots));
	obj->rodata->flow_idx_shift = 64 - flow_index_bits(nslots);
	return err;
}

/* the count of flows made right again, in case a writer died mid-way */
static int flows_recount(struct siphon_xdp *obj)
{
	struct flow_table ft;
	int err;

	err = flow_index_open(&ft, bpf_map__fd(obj->maps.siphon_flows),
			      bpf_map__fd(obj->maps.siphon_flowidx));
	if (!err)
		err = flow_index_lock(&ft);
	if (!err) {
		flow_index_recount(&ft);
		flow_index_unlock(&ft);
	}
	flow_index_close(&ft);
	return err;
}

struct siphon_xdp *siphon_xdp_load(const char *pin_dir, __u32 max_flows,
				   int *err)
{
	struct flows_carry carry = { .old_fd = -1 };
	struct siphon_xdp *obj;

	obj = siphon_xdp__open();
	if (!obj) {
		*err = -errno;
		return NULL;
	}
	if (pin_dir) {
		*err = flows_size_for_pin(pin_dir, &max_flows);
		if (!*err)
			*err = siphon_pin_dir_prepare(pin_dir);
		if (*err)
			goto fail;
	}
	*err = flows_size(obj, max_flows ?: SIPHON_FLOWS_MAX_DEFAULT);
	if (*err)
		goto fail;
	if (pin_dir) {
		*err = adopt_or_pin_maps(obj, pin_dir, &carry);
		if (*err)
			goto fail;
	}
	*err = siphon_xdp__load(obj);
	if (!*err && carry.old_fd >= 0)
		*err = flow_table_migrate(
			carry.old_fd, carry.old_size,
			bpf_map__fd(obj->maps.siphon_flows),
			bpf_map__fd(obj->maps.siphon_flowidx),
			bpf_program__fd(obj->progs.siphon_xdp), pin_dir);
	if (!*err && carry.old_fd < 0)
		*err = flows_recount(obj);
	if (*err)
		goto fail;
	if (carry.old_fd >= 0)
		close(carry.old_fd);
	return obj;

fail:
	if (carry.old_fd >= 0)
		close(carry.old_fd);
	siphon_xdp__destroy(obj);
	return NULL;
}

static int open_pinned(const char *pin_dir, const char *name)
{
	char path[PATH_MAX];
	int fd, err;

	err = pin_path(path, sizeof(path), pin_dir, name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int siphon_map_open(const char *pin_dir, const char *name)
{
	return open_pinned(pin_dir, name);
}

/*
 * A flow table left by an older siphon is read by nobody until the new
 * siphonctl attach carried it over: its values would be read at the wrong
 * offsets. -EBADSLT, explained.
 */
static int flows_layout_check(int fd, const char *pin_dir)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	const char *older;

	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	if (info.type == BPF_MAP_TYPE_ARRAY &&
	    info.value_size == sizeof(struct siphon_flow_slot))
		return 0;
	older = info.type == BPF_MAP_TYPE_HASH ?
			flow_layout_older(info.value_size) :
			NULL;
	pr_warn("%s/%s holds flows of %u bytes, this siphon's slots are %zu: "
		"it was left by %s; run this version's siphonctl attach, "
		"which carries the flows over\n",
		pin_dir, SIPHON_MAP_FLOWS, info.value_size,
		sizeof(struct siphon_flow_slot), older ?: "another version");
	return -EBADSLT;
}

/* both maps of the flow table, mapped; fds owned by maps */
static int flows_open(const char *pin_dir, struct siphon_maps *maps)
{
	int slots_fd, idx_fd, err;

	flow_index_init(&maps->flows);
	slots_fd = open_pinned(pin_dir, SIPHON_MAP_FLOWS);
	err = flows_layout_check(slots_fd, pin_dir);
	if (err) {
		if (slots_fd >= 0)
			close(slots_fd);
		return err;
	}
	idx_fd = open_pinned(pin_dir, SIPHON_MAP_FLOW_IDX);
	if (idx_fd < 0) {
		close(slots_fd);
		return idx_fd;
	}
	err = flow_index_open(&maps->flows, slots_fd, idx_fd);
	if (err) {
		pr_warn("%s: the flow table's slots and index do not match "
			"(%s)\n",
			pin_dir, strerror(-err));
		close(slots_fd);
		close(idx_fd);
		flow_index_init(&maps->flows);
	}
	return err;
}

int siphon_maps_open(const char *pin_dir, struct siphon_maps *maps)
{
	int err;

	err = flows_open(pin_dir, maps);
	maps->stats_fd = open_pinned(pin_dir, SIPHON_MAP_STATS);
	maps->tx_ports_fd = open_pinned(pin_dir, SIPHON_MAP_TX_PORTS);

	if (!err && maps->stats_fd < 0)
		err = maps->stats_fd;
	if (!err && maps->tx_ports_fd < 0)
		err = maps->tx_ports_fd;
	if (err)
		siphon_maps_close(maps);
	return err;
}

void siphon_maps_of(struct siphon_xdp *obj, struct siphon_maps *maps)
{
	int slots_fd = bpf_map__fd(obj->maps.siphon_flows);
	int idx_fd = bpf_map__fd(obj->maps.siphon_flowidx);

	/* dups: siphon_maps_close() closes them like opened ones */
	flow_index_init(&maps->flows);
	if (flow_index_open(&maps->flows, dup(slots_fd), dup(idx_fd)))
		pr_warn("cannot map the flow table: %s\n", strerror(errno));
	maps->stats_fd = dup(bpf_map__fd(obj->maps.siphon_stats));
	maps->tx_ports_fd = dup(bpf_map__fd(obj->maps.siphon_tx_ports));
}

void siphon_maps_close(struct siphon_maps *maps)
{
	flow_index_close(&maps->flows);
	if (maps->flows.slots_fd >= 0)
		close(maps->flows.slots_fd);
	if (maps->flows.idx_fd >= 0)
		close(maps->flows.idx_fd);
	if (maps->stats_fd >= 0)
		close(maps->stats_fd);
	if (maps->tx_ports_fd >= 0)
		close(maps->tx_ports_fd);
	flow_index_init(&maps->flows);
	maps->stats_fd = maps->tx_ports_fd = -1;
}
