/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Loading the XDP object and finding its pinned maps. This module is the
 * only one that loads programs; the maps it pins are what every other part
 * of siphon (and bpftool) opens by path.
 */
#ifndef SIPHON_BPF_LOADER_H
#define SIPHON_BPF_LOADER_H

#include <linux/types.h>
#include "flow_index.h"

struct siphon_xdp;

struct siphon_maps {
	struct flow_table flows; /* siphon_flows and siphon_flowidx, mapped */
	int stats_fd;
	int tx_ports_fd;
};

/*
 * Open and load the XDP object. With a pin_dir, maps already pinned there
 * are reused (flows survive) and new ones are pinned; with NULL, every map is
 * private to the returned object (tests). max_flows 0 keeps the default.
 * Returns NULL with *err set to a negative errno.
 */
struct siphon_xdp *siphon_xdp_load(const char *pin_dir, __u32 max_flows,
				   int *err);

/* Open the maps pinned under pin_dir; -ENOENT if siphon never loaded. */
int siphon_maps_open(const char *pin_dir, struct siphon_maps *maps);
/* One map pinned under pin_dir by name: its fd, or -errno (-ENOENT). */
int siphon_map_open(const char *pin_dir, const char *name);
/* The maps of a loaded object, duplicated: siphon_maps_close() them. */
void siphon_maps_of(struct siphon_xdp *obj, struct siphon_maps *maps);
void siphon_maps_close(struct siphon_maps *maps);

/* Create the pin directory; -EXDEV (explained) if its parent is not bpffs. */
int siphon_pin_dir_prepare(const char *pin_dir);

#endif /* SIPHON_BPF_LOADER_H */
