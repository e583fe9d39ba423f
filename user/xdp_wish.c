// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "log.h"
#include "siphon/maps.h"
#include "xdp_wish.h"

struct wish_key {
	char ifname[IF_NAMESIZE]; /* NUL-padded */
};

static int wish_path(char *buf, size_t len, const char *pin_dir)
{
	int n = snprintf(buf, len, "%s/" XDP_WISH_MAP, pin_dir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int key_of(const char *ifname, struct wish_key *k)
{
	memset(k, 0, sizeof(*k));
	if (strlen(ifname) >= sizeof(k->ifname))
		return -ENAMETOOLONG;
	memcpy(k->ifname, ifname, strlen(ifname));
	return 0;
}

/* the pinned map, checked: -ENOENT none, -EBADSLT another layout */
static int wish_open(const char *pin_dir)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[PATH_MAX];
	int fd, err;

	err = wish_path(path, sizeof(path), pin_dir);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len)) {
		err = -errno;
		close(fd);
		return err;
	}
	if (info.type != BPF_MAP_TYPE_HASH ||
	    info.key_size != sizeof(struct wish_key) ||
	    info.value_size != sizeof(struct xdp_wish)) {
		pr_warn("%s has another layout than this siphon expects: "
			"remove it, then attach again\n",
			path);
		close(fd);
		return -EBADSLT;
	}
	return fd;
}

static int wish_create(const char *pin_dir)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	char path[PATH_MAX];
	int fd, err;

	err = wish_path(path, sizeof(path), pin_dir);
	if (err)
		return err;
	/* one wish per interface siphon may forward between */
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, XDP_WISH_MAP,
			    sizeof(struct wish_key), sizeof(struct xdp_wish),
			    SIPHON_TX_PORTS_MAX, &opts);
	if (fd < 0)
		return -errno;
	if (!bpf_obj_pin(fd, path))
		return fd;
	err = -errno;
	close(fd);
	/* another siphonctl pinned one first: use that */
	return err == -EEXIST ? wish_open(pin_dir) : err;
}

int xdp_wish_set(const char *pin_dir, const char *ifname, enum xdp_mode mode,
		 bool generic)
{
	struct xdp_wish w = { .mode = mode, .generic = generic };
	struct wish_key k;
	int fd, err;

	err = key_of(ifname, &k);
	if (err)
		return err;
	fd = wish_open(pin_dir);
	if (fd == -ENOENT)
		fd = wish_create(pin_dir);
	if (fd < 0)
		return fd;
	err = bpf_map_update_elem(fd, &k, &w, BPF_ANY) ? -errno : 0;
	close(fd);
	return err;
}

int xdp_wish_clear(const char *pin_dir, const char *ifname)
{
	struct wish_key k;
	int fd, err;

	err = key_of(ifname, &k);
	if (err)
		return err;
	fd = wish_open(pin_dir);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	err = bpf_map_delete_elem(fd, &k) && errno != ENOENT ? -errno : 0;
	close(fd);
	return err;
}

int xdp_wish_get(const char *pin_dir, const char *ifname, struct xdp_wish *w)
{
	struct wish_key k;
	int fd, err;

	err = key_of(ifname, &k);
	if (err)
		return err;
	fd = wish_open(pin_dir);
	if (fd < 0)
		return fd;
	err = bpf_map_lookup_elem(fd, &k, w) ? -errno : 0;
	close(fd);
	return err;
}

int xdp_wish_walk(const char *pin_dir, xdp_wish_fn fn, void *ctx)
{
	struct wish_key k, next;
	struct xdp_wish w;
	char name[IF_NAMESIZE + 1];
	void *prev = NULL;
	int fd, err = 0;

	fd = wish_open(pin_dir);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	while (!err && !bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &w))
			continue; /* cleared meanwhile */
		memcpy(name, k.ifname, sizeof(k.ifname));
		name[sizeof(k.ifname)] = '\0';
		err = fn(name, &w, ctx);
	}
	close(fd);
	return err;
}

enum xdp_mode xdp_wish_mode(const struct xdp_wish *w)
{
	if (w->generic)
		return XDP_MODE_GENERIC;
	return w->mode == XDP_MODE_NATIVE ? XDP_MODE_NATIVE : XDP_MODE_AUTO;
}
