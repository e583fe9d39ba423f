/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which interfaces the operator wants siphon on, and how: siphonctl attach
 * records each one in a small pinned hash map (XDP_WISH_MAP, beside the
 * link pins), detach removes it. siphond reads it to attach an interface
 * again, in the same mode, when it is deleted and created anew under the
 * same name (a veth, a VLAN, a NIC after a driver reload). The link pin
 * alone cannot say this: it outlives its interface, but not its mode.
 */
#ifndef SIPHON_XDP_WISH_H
#define SIPHON_XDP_WISH_H

#include <net/if.h>
#include <stdbool.h>
#include <linux/types.h>

#include "xdp_attach.h"

#define XDP_WISH_MAP "siphon_attach"

/* the map's value; its layout is checked (key and value size) on open */
struct xdp_wish {
	__u32 mode; /* enum xdp_mode: what attach asked for */
	__u32 generic; /* 1: it runs (ran) in generic mode */
};

_Static_assert(sizeof(struct xdp_wish) == 8, "siphon_attach value layout");

/* Record (or update) ifname's wish; creates and pins the map. -errno. */
int xdp_wish_set(const char *pin_dir, const char *ifname, enum xdp_mode mode,
		 bool generic);
/* Forget ifname's wish; 0 also when there was none. -errno. */
int xdp_wish_clear(const char *pin_dir, const char *ifname);
/* ifname's wish: 0, -ENOENT when none (or no map), -errno. */
int xdp_wish_get(const char *pin_dir, const char *ifname, struct xdp_wish *w);

typedef int (*xdp_wish_fn)(const char *ifname, const struct xdp_wish *w,
			   void *ctx);
/* fn for every wish, until it returns non-zero (returned). No map: 0. */
int xdp_wish_walk(const char *pin_dir, xdp_wish_fn fn, void *ctx);

/* the mode a re-attach asks for: generic if it ran so, else as asked */
enum xdp_mode xdp_wish_mode(const struct xdp_wish *w);

#endif /* SIPHON_XDP_WISH_H */
