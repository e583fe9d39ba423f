// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "poll_clock.h"
#include "xdp_attach.h"

static int poll_link_path(char *buf, size_t len, const char *pin_dir)
{
	int n = snprintf(buf, len, "%s/" POLL_LINK_PIN, pin_dir);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int poll_clock_attach(const char *pin_dir, int prog_fd)
{
	char path[PATH_MAX];
	int link_fd, err;

	err = poll_link_path(path, sizeof(path), pin_dir);
	if (err)
		return err;
	/* the new link first: for a moment both count, never neither */
	link_fd = bpf_raw_tracepoint_open(POLL_TRACEPOINT, prog_fd);
	if (link_fd < 0)
		return -errno;
	if (unlink(path) && errno != ENOENT)
		err = -errno;
	if (!err && bpf_obj_pin(link_fd, path))
		err = -errno;
	close(link_fd);
	return err;
}

static int count_link(const struct attachment *att, void *ctx)
{
	(void)att;
	++*(unsigned int *)ctx;
	return 0;
}

int poll_clock_release_unused(const char *pin_dir)
{
	char path[PATH_MAX];
	unsigned int links = 0;
	int err;

	err = poll_link_path(path, sizeof(path), pin_dir);
	if (!err)
		err = xdp_attachments_walk(pin_dir, count_link, &links);
	if (err || links)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}
