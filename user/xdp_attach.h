/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attaching the XDP program to interfaces through pinned bpf_links, so an
 * attachment outlives siphonctl and a new program replaces the old one
 * atomically (bpf_link_update), without a moment where the interface runs
 * nothing.
 */
#ifndef SIPHON_XDP_ATTACH_H
#define SIPHON_XDP_ATTACH_H

#include <net/if.h>
#include <stdbool.h>

struct siphon_xdp;

enum xdp_mode {
	XDP_MODE_AUTO, /* native, or generic with a warning */
	XDP_MODE_NATIVE,
	XDP_MODE_GENERIC,
};

struct attach_result {
	bool generic; /* running in generic (skb) mode */
	bool replaced; /* an existing siphon attachment was upgraded */
};

/*
 * Attach obj's program to ifname and add it to the tx port map. Errors:
 * -ENODEV unknown interface, -EBUSY another XDP program is attached,
 * -E2BIG the tx port map is full (SIPHON_TX_PORTS_MAX interfaces),
 * -EOPNOTSUPP native mode asked for and the driver has none.
 */
int xdp_attach(struct siphon_xdp *obj, const char *pin_dir, const char *ifname,
	       enum xdp_mode mode, struct attach_result *res);

/* Detach siphon from ifname; -ENOENT if siphon is not attached there. */
int xdp_detach(const char *pin_dir, const char *ifname, int tx_ports_fd);

struct attachment {
	char ifname[IF_NAMESIZE];
	unsigned int ifindex; /* 0: the interface is gone */
	bool generic;
	unsigned int prog_id;
};

typedef int (*attachment_fn)(const struct attachment *att, void *ctx);
/* Calls fn for every interface siphon is attached to (by pin). */
int xdp_attachments_walk(const char *pin_dir, attachment_fn fn, void *ctx);

#endif /* SIPHON_XDP_ATTACH_H */
