// SPDX-License-Identifier: GPL-2.0-only
/*
 * control_peer.c: who may use siphond's control socket, by the peer's
 * uid, primary group and supplementary groups; and the same verdict from
 * the kernel's SO_PEERCRED / SO_PEERGROUPS over a real socket pair.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "siphond/control.h"

#define SELF 999 /* siphond's own uid in these cases */
#define GRP 4242

TEST(verdicts)
{
	static const gid_t none[1] = { 0 };
	static const gid_t with_grp[] = { 10, GRP, 20 };
	static const gid_t without[] = { 10, 20 };
	static const struct {
		uid_t uid;
		gid_t pgid;
		const gid_t *groups;
		size_t n;
		bool group_set, want;
	} cases[] = {
		{ 0, 0, none, 0, false, true }, /* root */
		{ SELF, 5, none, 0, false, true }, /* siphond's own user */
		{ 65534, 65534, none, 0, false, false }, /* nobody */
		/* no group configured: membership counts for nothing */
		{ 1000, GRP, with_grp, 3, false, false },
		{ 1000, GRP, none, 0, true, true }, /* primary group */
		{ 1000, 100, with_grp, 3, true, true }, /* supplementary */
		{ 1000, 100, without, 2, true, false },
		{ 1000, 100, none, 0, true, false },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].want,
			  control_peer_allowed(cases[i].uid, cases[i].pgid,
					       cases[i].groups, cases[i].n,
					       SELF, cases[i].group_set, GRP));
	}
}

/* a socket pair's peer is this very process: its own uid says yes */
TEST(socketpair_is_self)
{
	int sv[2];
	uid_t uid = 12345;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	EXPECT_TRUE(control_peer_check(sv[0], false, 0, &uid));
	EXPECT_EQ(geteuid(), uid);
	/* no credentials to read: refused */
	EXPECT_FALSE(control_peer_check(-1, false, 0, &uid));
	close(sv[0]);
	close(sv[1]);
}

TEST_HARNESS_MAIN
