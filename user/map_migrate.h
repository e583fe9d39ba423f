/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An upgrade of siphon whose flow value grew: the pinned flow table of the
 * previous version is carried over into one of the new layout, and the new
 * program takes over every interface at once, so calls keep their media.
 * Only bpf_loader.c calls this.
 */
#ifndef SIPHON_MAP_MIGRATE_H
#define SIPHON_MAP_MIGRATE_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * A value of old_size bytes (an older siphon's flow table) is a prefix of
 * struct siphon_flow, so it can be carried over; its name, else NULL.
 */
const char *flow_layout_older(__u32 old_size);

/*
 * Copy every flow of old_fd (a hash, values of old_size bytes) into the
 * flow table new_fd (slots) and idx_fd (its index, pinned already),
 * switch every interface attached under pin_dir to prog_fd (a program
 * that uses them), then pin new_fd as the flow table in place of old_fd
 * and prog_fd as the program siphond re-attaches. When this fails before
 * the switch, nothing changed. 0 or -errno.
 */
int flow_table_migrate(int old_fd, __u32 old_size, int new_fd, int idx_fd,
		       int prog_fd, const char *pin_dir);

#endif /* SIPHON_MAP_MIGRATE_H */
