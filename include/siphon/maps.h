/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names and bounds of the pinned maps. Every name fits BPF_OBJ_NAME_LEN
 * (15 characters and a NUL); the pin path is PIN_DIR/NAME.
 */
#ifndef SIPHON_MAPS_H
#define SIPHON_MAPS_H

#define SIPHON_PIN_DIR_DEFAULT "/sys/fs/bpf/siphon"

#define SIPHON_MAP_FLOWS "siphon_flows"
#define SIPHON_MAP_FLOW_IDX "siphon_flowidx"
#define SIPHON_MAP_STATS "siphon_stats"
#define SIPHON_MAP_TX_PORTS "siphon_tx_ports"
#define SIPHON_MAP_SHIELD "siphon_shield"
#define SIPHON_MAP_SCANNERS "siphon_scanners"
#define SIPHON_MAP_SIP_STATS "siphon_sipstats"
#define SIPHON_MAP_SIP_SCAN "siphon_sip_scan"
#define SIPHON_MAP_CLOCK "siphon_clock"

/* default flow table size; siphonctl attach --max-flows changes it */
#define SIPHON_FLOWS_MAX_DEFAULT 262144
/*
 * The flow table has an eighth more slots than flows (replacing a flow
 * takes another slot), its index 2^bits words, at least four per slot,
 * and a count (user/flow_index.c): a quarter full at most, a probe of
 * SIPHON_FLOW_PROBES words finds a free one even for the last flow a
 * full table takes. These are the sizes for SIPHON_FLOWS_MAX_DEFAULT;
 * the loader sets them for the size asked for.
 */
#define SIPHON_FLOW_SLOTS_DEFAULT (SIPHON_FLOWS_MAX_DEFAULT + \
				   SIPHON_FLOWS_MAX_DEFAULT / 8 + 8)
#define SIPHON_FLOW_IDX_BITS_DEFAULT 21
/* interfaces a relay can forward between */
#define SIPHON_TX_PORTS_MAX 256

#endif /* SIPHON_MAPS_H */
