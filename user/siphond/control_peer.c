// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may use the control socket. The file mode (0600, or 0660 with a
 * group) is the first gate; this is the second, so a socket file whose
 * mode someone loosened still answers only root and the group.
 * SO_PEERGROUPS gives the supplementary groups the peer had when it
 * connected, from the kernel, so nothing is read from /proc afterwards
 * (where the process may be gone and its pid reused).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control.h"

/* the supplementary groups of most users fit; more are fetched on ERANGE */
#define PEER_GROUPS_GUESS 64

bool control_peer_allowed(uid_t uid, gid_t pgid, const gid_t *groups,
			  size_t ngroups, uid_t self, bool group_set, gid_t gid)
{
	size_t i;

	if (uid == 0 || uid == self)
		return true;
	if (!group_set)
		return false;
	if (pgid == gid)
		return true;
	for (i = 0; i < ngroups; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* the peer's supplementary groups into *out (malloc'd); count or -errno */
static int peer_groups(int fd, gid_t **out)
{
	socklen_t len = PEER_GROUPS_GUESS * sizeof(gid_t);
	gid_t *g = NULL, *bigger;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		bigger = realloc(g, len ? len : sizeof(gid_t));
		if (!bigger) {
			free(g);
			return -ENOMEM;
		}
		g = bigger;
		if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len)) {
			*out = g;
			return (int)(len / sizeof(gid_t));
		}
		if (errno != ERANGE)
			break;
	}
	free(g);
	return -errno;
}

bool control_peer_check(int fd, bool group_set, gid_t gid, uid_t *uid)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t *groups = NULL;
	bool ok;
	int n = 0;

	*uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len))
		return false;
	*uid = cr.uid;
	/* no group to look for: the uid decides, the groups are not needed */
	if (group_set && cr.uid != 0 && cr.gid != gid) {
		n = peer_groups(fd, &groups);
		if (n < 0)
			n = 0; /* refused unless uid or primary group says yes */
	}
	ok = control_peer_allowed(cr.uid, cr.gid, groups, (size_t)n, geteuid(),
				  group_set, gid);
	free(groups);
	return ok;
}
