/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every map the XDP program uses. The loader (user/bpf_loader.c) pins them
 * under the pin directory by name, so a restarted control plane and
 * `bpftool map dump` find them.
 */
#ifndef SIPHON_BPF_MAPS_H
#define SIPHON_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "siphon/clock.h"
#include "siphon/counters.h"
#include "siphon/flow.h"
#include "siphon/maps.h"
#include "siphon/sip.h"
#include "sip_scratch.h"

/*
 * The flow table (siphon/flow.h, bpf/flow_table.h): one direction of one
 * media stream per slot, found through the index by relay address and
 * port. Both mmapable, so the control plane writes a slot and publishes
 * it in the order that keeps every lookup whole.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, SIPHON_FLOW_SLOTS_DEFAULT);
	__type(key, __u32);
	__type(value, struct siphon_flow_slot);
} siphon_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, (1u << SIPHON_FLOW_IDX_BITS_DEFAULT) + 1);
	__type(key, __u32);
	__type(value, __u64);
} siphon_flowidx SEC(".maps");

/* one counter per enum siphon_reason, per CPU */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SIPHON_REASON_MAX);
	__type(key, __u32);
	__type(value, __u64);
} siphon_stats SEC(".maps");

/* interfaces frames may be redirected to, keyed by ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, SIPHON_TX_PORTS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} siphon_tx_ports SEC(".maps");

/* each CPU's cached coarse time (bpf/clock.h) */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct siphon_clock);
} siphon_clock SEC(".maps");

/* the SIP classifier's switches and ports (siphon/sip.h); zero = defaults */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct siphon_shield_cfg);
} siphon_shield SEC(".maps");

/* User-Agent patterns of scanners, lower case; an empty slot has len 0 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SIPHON_SCANNERS_MAX);
	__type(key, __u32);
	__type(value, struct siphon_scanner);
} siphon_scanners SEC(".maps");

/* SIP requests by method and responses by class, per ingress ifindex */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, SIPHON_TX_PORTS_MAX);
	__type(key, __u32);
	__type(value, struct siphon_sip_counts);
} siphon_sipstats SEC(".maps");

/*
 * Each CPU's copy of the SIP text being read and what was learned
 * (struct siphon_sip_scan), then the scan's private registers
 * (bpf/sip_scratch.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sip_scratch);
} siphon_sip_scan SEC(".maps");

#endif /* SIPHON_BPF_MAPS_H */
