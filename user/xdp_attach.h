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

/* xdp_attach() with the program and the tx port map given as fds */
int xdp_attach_prog(int prog_fd, int tx_fd, const char *pin_dir,
		    const char *ifname, enum xdp_mode mode,
		    struct attach_result *res);

/* Detach siphon from ifname; -ENOENT if siphon is not attached there. */
int xdp_detach(const char *pin_dir, const char *ifname, int tx_ports_fd);

struct attachment {
	char ifname[IF_NAMESIZE];
	unsigned int ifindex; /* 0: the interface is gone */
	bool generic;
	unsigned int prog_id;
};

/* The attachment pinned for ifname: -ENOENT when there is none. */
int xdp_attachment_get(const char *pin_dir, const char *ifname,
		       struct attachment *att);

typedef int (*attachment_fn)(const struct attachment *att, void *ctx);
/* Calls fn for every interface siphon is attached to (by pin). */
int xdp_attachments_walk(const char *pin_dir, attachment_fn fn, void *ctx);

/*
 * The program attach used last, pinned beside the links as XDP_PROG_PIN,
 * so siphond can attach an interface again that was deleted and came back
 * (user/siphond/netlink_iface.c) without loading and verifying it anew.
 */
#define XDP_PROG_PIN "siphon_prog"
int xdp_prog_pin(const char *pin_dir, int prog_fd);
/* An fd of that program; else of att's (by id: CAP_SYS_ADMIN). -errno. */
int xdp_prog_open(const char *pin_dir, const struct attachment *att);

/*
 * Put prog_fd in place of the program of every live siphon link under
 * pin_dir, each interface switched atomically (bpf_link_update), and all
 * or none: a failure puts back what was switched (the program pinned as
 * XDP_PROG_PIN, or by id with CAP_SYS_ADMIN). *replaced counts the links.
 * Links whose interface is gone are left alone.
 */
#define XDP_LINKS_MAX 256 /* SIPHON_TX_PORTS_MAX: one per interface */
int xdp_replace_all(const char *pin_dir, int prog_fd, unsigned int *replaced);

#endif /* SIPHON_XDP_ATTACH_H */
