// SPDX-License-Identifier: GPL-2.0-only
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/siphon_xdp.skel.h"
#include "log.h"
#include "xdp_attach.h"

#define LINK_PIN_PREFIX "xdp_link_"

static int link_pin_path(char *buf, size_t len, const char *pin_dir,
			 const char *ifname)
{
	int n = snprintf(buf, len, "%s/" LINK_PIN_PREFIX "%s", pin_dir, ifname);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int link_info(int link_fd, struct bpf_link_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	return bpf_obj_get_info_by_fd(link_fd, info, &len) ? -errno : 0;
}

/* XDP mode of the program attached to ifindex: true if generic */
static bool attached_generic(unsigned int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return false;
	return q.attach_mode == XDP_ATTACHED_SKB;
}

/*
 * Upgrade an existing attachment in place. Returns 1 when done, 0 when the
 * pin is stale (its interface went away) and was removed, or -errno.
 */
static int replace_pinned(const char *path, unsigned int ifindex, int prog_fd)
{
	struct bpf_link_info info;
	int link_fd, err;

	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return errno == ENOENT ? 0 : -errno;
	err = link_info(link_fd, &info);
	if (!err && info.xdp.ifindex == ifindex) {
		err = bpf_link_update(link_fd, prog_fd, NULL) ? -errno : 1;
		close(link_fd);
		return err;
	}
	close(link_fd);
	/* the interface was deleted (and maybe recreated): start afresh */
	if (unlink(path))
		return -errno;
	return 0;
}

static int create_link(int prog_fd, unsigned int ifindex, enum xdp_mode mode,
		       const char *ifname, struct attach_result *res)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	int fd;

	opts.flags = mode == XDP_MODE_GENERIC ? XDP_FLAGS_SKB_MODE :
						XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	/* only EOPNOTSUPP means "no native XDP": EINVAL or ERANGE are MTU */
	if (fd < 0 && mode == XDP_MODE_AUTO && errno == EOPNOTSUPP) {
		pr_warn("%s: driver has no native XDP, using generic mode "
			"(slower: every packet gets an skb first)\n",
			ifname);
		opts.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	}
	if (fd < 0)
		return -errno;
	res->generic = opts.flags == XDP_FLAGS_SKB_MODE;
	return fd;
}

int xdp_attach(struct siphon_xdp *obj, const char *pin_dir, const char *ifname,
	       enum xdp_mode mode, struct attach_result *res)
{
	return xdp_attach_prog(bpf_program__fd(obj->progs.siphon_xdp),
			       bpf_map__fd(obj->maps.siphon_tx_ports), pin_dir,
			       ifname, mode, res);
}

int xdp_attach_prog(int prog_fd, int tx_fd, const char *pin_dir,
		    const char *ifname, enum xdp_mode mode,
		    struct attach_result *res)
{
	unsigned int ifindex = if_nametoindex(ifname);
	char path[PATH_MAX];
	int link_fd = -1, err;
	__u32 value;
	bool was_port;

	memset(res, 0, sizeof(*res));
	if (!ifindex)
		return -ENODEV;
	err = link_pin_path(path, sizeof(path), pin_dir, ifname);
	if (err)
		return err;
	/* first, so a full tx port map (-E2BIG) leaves nothing attached */
	was_port = !bpf_map_lookup_elem(tx_fd, &ifindex, &value);
	if (bpf_map_update_elem(tx_fd, &ifindex, &ifindex, BPF_ANY))
		return -errno;

	err = replace_pinned(path, ifindex, prog_fd);
	if (err == 1) {
		res->replaced = true;
		res->generic = attached_generic(ifindex);
		return 0;
	}
	if (!err) {
		link_fd = create_link(prog_fd, ifindex, mode, ifname, res);
		err = link_fd < 0 ? link_fd : 0;
	}
	if (!err) {
		err = bpf_obj_pin(link_fd, path) ? -errno : 0;
		close(link_fd);
	}
	/* a failed attach leaves the tx port map as it found it */
	if (err && !was_port)
		bpf_map_delete_elem(tx_fd, &ifindex);
	return err;
}

int xdp_detach(const char *pin_dir, const char *ifname, int tx_ports_fd)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	int link_fd, err;
	__u32 ifindex;

	err = link_pin_path(path, sizeof(path), pin_dir, ifname);
	if (err)
		return err;
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return -errno;

	err = link_info(link_fd, &info);
	ifindex = err ? 0 : info.xdp.ifindex;
	/* a link whose interface is gone is already detached */
	if (ifindex && bpf_link_detach(link_fd))
		err = -errno;
	close(link_fd);
	if (err)
		return err;
	if (unlink(path))
		return -errno;
	if (ifindex && bpf_map_delete_elem(tx_ports_fd, &ifindex) &&
	    errno != ENOENT)
		return -errno;
	return 0;
}

int xdp_attachment_get(const char *pin_dir, const char *ifname,
		       struct attachment *att)
{
	struct bpf_link_info info;
	char path[PATH_MAX];
	int link_fd, err;

	memset(att, 0, sizeof(*att));
	snprintf(att->ifname, sizeof(att->ifname), "%s", ifname);
	err = link_pin_path(path, sizeof(path), pin_dir, att->ifname);
	if (err)
		return err;
	link_fd = bpf_obj_get(path);
	if (link_fd < 0)
		return -errno;
	err = link_info(link_fd, &info);
	close(link_fd);
	if (err)
		return err;
	att->ifindex = info.xdp.ifindex;
	att->prog_id = info.prog_id;
	att->generic = att->ifindex && attached_generic(att->ifindex);
	return 0;
}

int xdp_attachments_walk(const char *pin_dir, attachment_fn fn, void *ctx)
{
	struct attachment att;
	struct dirent *de;
	int err = 0;
	DIR *dir;

	dir = opendir(pin_dir);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (!err && (de = readdir(dir))) {
		if (strncmp(de->d_name, LINK_PIN_PREFIX,
			    strlen(LINK_PIN_PREFIX)))
			continue;
		err = xdp_attachment_get(
			pin_dir, de->d_name + strlen(LINK_PIN_PREFIX), &att);
		if (!err)
			err = fn(&att, ctx);
	}
	closedir(dir);
	return err;
}

static int prog_pin_path(char *buf, size_t len, const char *pin_dir)
{
	int n = snprintf(buf, len, "%s/" XDP_PROG_PIN, pin_dir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int xdp_prog_pin(const char *pin_dir, int prog_fd)
{
	char path[PATH_MAX];
	int err = prog_pin_path(path, sizeof(path), pin_dir);

	if (err)
		return err;
	/* the program of the last attach replaces the one before */
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return bpf_obj_pin(prog_fd, path) ? -errno : 0;
}

int xdp_prog_open(const char *pin_dir, const struct attachment *att)
{
	char path[PATH_MAX];
	int fd, err = prog_pin_path(path, sizeof(path), pin_dir);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd >= 0)
		return fd;
	/* pinned by an older siphonctl: the link's own program, which only
	 * CAP_SYS_ADMIN may open by id */
	if (!att || !att->prog_id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(att->prog_id);
	return fd < 0 ? -errno : fd;
}

/* one live link of xdp_replace_all(), and the program it ran before */
struct link_swap {
	int link_fd;
	int old_prog_fd;
};

struct swap_list {
	const char *pin_dir;
	struct link_swap s[XDP_LINKS_MAX];
	unsigned int n;
};

static unsigned int prog_id_of(int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(prog_fd, &info, &len) ? 0 : info.id;
}

/*
 * The program att's link runs, to put back should the switch fail: the
 * pinned one when it is that (siphon-attach.service has no CAP_SYS_ADMIN
 * to open a program by id), else by id; -1 when neither can be had.
 */
static int link_prog_open(const char *pin_dir, const struct attachment *att)
{
	int fd = xdp_prog_open(pin_dir, NULL);

	if (fd >= 0 && prog_id_of(fd) == att->prog_id)
		return fd;
	if (fd >= 0)
		close(fd);
	fd = bpf_prog_get_fd_by_id(att->prog_id);
	return fd < 0 ? -1 : fd;
}

/* open the links of the interfaces that are still there */
static int note_link(const struct attachment *att, void *ctx)
{
	struct swap_list *l = ctx;
	struct link_swap *s;
	char path[PATH_MAX];
	int err;

	/* a link whose interface went away runs nothing: leave it */
	if (!att->ifindex)
		return 0;
	if (l->n == XDP_LINKS_MAX)
		return -E2BIG;
	err = link_pin_path(path, sizeof(path), l->pin_dir, att->ifname);
	if (err)
		return err;
	s = &l->s[l->n];
	s->link_fd = bpf_obj_get(path);
	if (s->link_fd < 0)
		return -errno;
	s->old_prog_fd = link_prog_open(l->pin_dir, att);
	l->n++;
	return 0;
}

static void swap_list_close(struct swap_list *l)
{
	while (l->n--) {
		close(l->s[l->n].link_fd);
		if (l->s[l->n].old_prog_fd >= 0)
			close(l->s[l->n].old_prog_fd);
	}
}

int xdp_replace_all(const char *pin_dir, int prog_fd, unsigned int *replaced)
{
	struct swap_list *l;
	unsigned int i;
	int err;

	*replaced = 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->pin_dir = pin_dir;
	err = xdp_attachments_walk(pin_dir, note_link, l);
	for (i = 0; !err && i < l->n; i++) {
		if (!bpf_link_update(l->s[i].link_fd, prog_fd, NULL))
			(*replaced)++;
		else if (errno != ENOLINK) /* ENOLINK: its interface left */
			err = -errno;
	}
	if (err) {
		/* all or none: those switched already go back */
		while (i--)
			if (l->s[i].old_prog_fd >= 0)
				bpf_link_update(l->s[i].link_fd,
						l->s[i].old_prog_fd, NULL);
		*replaced = 0;
	}
	swap_list_close(l);
	free(l);
	return err;
}
