/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The shield's live calls as siphond keeps them: siphon_livecall (a
 * Call-ID hash per confirmed dialog, so its in-dialog requests are never
 * rate-limited) and siphon_livepeer (a count per slot of those calls'
 * parties, so a banned phone's own call still gets through).
 *
 * Every answered call changes both maps, and each change is a system
 * call, so the parties' counts are siphond's, in memory (recounted when
 * it opens the maps): siphon_livepeer holds 1 for a slot with parties
 * (XDP asks only whether it is 0) and is written when a slot fills or
 * empties. The aging reads the live calls in batches.
 */
#ifndef SIPHOND_SHIELD_LIVE_H
#define SIPHOND_SHIELD_LIVE_H
#include <stdbool.h>
#include <linux/types.h>
#include "siphon/shield.h"

struct shield_live {
	int live_fd, peers_fd; /* the maps' fds, not owned */
	__u32 *peers; /* the parties counted in each slot */
};

/*
 * Count the parties of siphon_livecall's entries afresh, and mark their
 * slots in siphon_livepeer (a siphond that died between a change of one and of
 * the other, or maps replaced by a newer siphon, leave counts that would
 * never go down). 0, or -errno (then nothing is kept).
 */
int shield_live_open(struct shield_live *lv, int live_fd, int peers_fd);
void shield_live_close(struct shield_live *lv);

/* outcome of shield_live_up() */
enum shield_live_put {
	LIVE_PUT_NEW,
	LIVE_PUT_REPLACED, /* a fork's second 2xx: the latest parties */
	LIVE_PUT_FULL, /* the map is full: the call is not protected */
};

enum shield_live_put shield_live_up(struct shield_live *lv, __u32 hash,
				    const struct siphon_live_call *v);
/* the call's BYE at now: true if it was live and not ended before */
bool shield_live_down(struct shield_live *lv, __u32 hash, __u64 now);
/*
 * Remove calls that ended linger_ns before now (their BYE's
 * retransmissions are over) and calls older than max_ns nobody ended (a
 * BYE siphond never saw); how many went.
 */
unsigned int shield_live_age(struct shield_live *lv, __u64 now, __u64 max_ns,
			     __u64 linger_ns);

#endif /* SIPHOND_SHIELD_LIVE_H */
