// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/siphon_xdp.skel.h"
#include "bpf_loader.h"
#include "log.h"
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

	if (!is_bpffs(parent)) {
		if (mkdir(parent, 0700) && errno != EEXIST)
			return -errno;
		if (mount("bpf", parent, "bpf", 0, "mode=0700"))
			return -errno;
		pr_info("mounted bpffs on %s\n", parent);
	}
	if (mkdir(pin_dir, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static int set_pin_paths(struct siphon_xdp *obj, const char *pin_dir)
{
	struct bpf_map *map;
	char path[PATH_MAX];
	int err;

	bpf_object__for_each_map(map, obj->obj)
	{
		/* .rodata and friends stay private to each program */
		if (bpf_map__is_internal(map))
			continue;
		err = pin_path(path, sizeof(path), pin_dir, bpf_map__name(map));
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err)
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
	if (!*max_flows) {
		*max_flows = info.max_entries;
		return 0;
	}
	if (*max_flows != info.max_entries) {
		pr_warn("the pinned flow table holds %u flows, not %u: detach "
			"every interface and remove %s/%s to resize it (this "
			"drops every flow)\n",
			info.max_entries, *max_flows, pin_dir,
			SIPHON_MAP_FLOWS);
		return -ERANGE;
	}
	return 0;
}

struct siphon_xdp *siphon_xdp_load(const char *pin_dir, __u32 max_flows,
				   int *err)
{
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
		if (!*err)
			*err = set_pin_paths(obj, pin_dir);
		if (*err)
			goto fail;
	}
	if (max_flows) {
		*err = bpf_map__set_max_entries(obj->maps.siphon_flows,
						max_flows);
		if (*err)
			goto fail;
	}
	*err = siphon_xdp__load(obj);
	if (*err)
		goto fail;
	return obj;

fail:
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

int siphon_maps_open(const char *pin_dir, struct siphon_maps *maps)
{
	int err;

	maps->flows_fd = open_pinned(pin_dir, SIPHON_MAP_FLOWS);
	maps->stats_fd = open_pinned(pin_dir, SIPHON_MAP_STATS);
	maps->tx_ports_fd = open_pinned(pin_dir, SIPHON_MAP_TX_PORTS);

	err = maps->flows_fd < 0 ? maps->flows_fd : 0;
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
	maps->flows_fd = bpf_map__fd(obj->maps.siphon_flows);
	maps->stats_fd = bpf_map__fd(obj->maps.siphon_stats);
	maps->tx_ports_fd = bpf_map__fd(obj->maps.siphon_tx_ports);
}

void siphon_maps_close(struct siphon_maps *maps)
{
	if (maps->flows_fd >= 0)
		close(maps->flows_fd);
	if (maps->stats_fd >= 0)
		close(maps->stats_fd);
	if (maps->tx_ports_fd >= 0)
		close(maps->tx_ports_fd);
	maps->flows_fd = maps->stats_fd = maps->tx_ports_fd = -1;
}
