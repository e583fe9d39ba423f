/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every outcome of the XDP program, from one list. Each entry names the
 * reason, the XDP verdict it leads to, and a line an operator can act on.
 * The list generates the counter enum (BPF and userspace), the per-verdict
 * totals and the names siphonctl prints. New reasons go at the end, so the
 * keys of the pinned counter map keep their meaning.
 */
#ifndef SIPHON_COUNTERS_H
#define SIPHON_COUNTERS_H

/* X(NAME, verdict, "help") -- verdict is one of PASS, DROP, TX, REDIRECT */
#define SIPHON_XDP_REASONS(X)                                                \
	X(PASS_NOT_IP, PASS, "neither IPv4 nor IPv6 (ARP, LLDP, ...)")       \
	X(PASS_VLAN_DEPTH, PASS, "more than two VLAN tags")                  \
	X(PASS_TRUNCATED, PASS, "headers cut short or lengths inconsistent") \
	X(PASS_IP_FRAGMENT, PASS,                                            \
	  "IP fragment: passed to the stack untouched")                      \
	X(PASS_IPV6_EXT, PASS,                                               \
	  "IPv6 extension chain too long, or a routing header")              \
	X(PASS_NOT_UDP, PASS, "not UDP (TCP, ICMP, ...)")                    \
	X(PASS_NO_FLOW, PASS, "UDP to no relay flow")                        \
	X(PASS_UDP_CSUM_ZERO6, PASS, "IPv6 UDP with checksum 0 (invalid)")   \
	X(PASS_NO_NEIGH, PASS, "next hop MAC not resolved yet")              \
	X(PASS_NO_ROUTE, PASS, "bpf_fib_lookup: no route or forwarding off") \
	X(DROP_WRONG_SOURCE, DROP,                                           \
	  "media from a source the flow does not expect (bleed/injection)")  \
	X(DROP_EGRESS_UNKNOWN, DROP,                                         \
	  "relayed, but the egress interface is not attached (attach it)")   \
	X(TX_SAME_IF, TX, "forwarded out of the ingress interface (XDP_TX)") \
	X(REDIRECT, REDIRECT, "forwarded to another interface (XDP_REDIRECT)") \
	X(PASS_SIP_REQUEST, PASS, "SIP request on a SIP port")               \
	X(PASS_SIP_RESPONSE, PASS, "SIP response on a SIP port")             \
	X(PASS_SIP_KEEPALIVE, PASS,                                          \
	  "CRLF or STUN keepalive on a SIP port")                            \
	X(PASS_SIP_TOO_LONG, PASS,                                           \
	  "SIP headers longer than the scan budget: not fully read")         \
	X(PASS_SIP_RULE_OFF, PASS,                                           \
	  "a shield rule matched but is switched off (siphonctl shield)")    \
	X(DROP_SIP_NOT_SIP, DROP, "not SIP on a SIP port")                   \
	X(DROP_SIP_BAD_START, DROP,                                          \
	  "SIP start line malformed beyond repair")                          \
	X(DROP_SIP_SCANNER, DROP, "request from a known scanner (User-Agent)") \
	X(DROP_SIP_BLOCKED, DROP,                                            \
	  "source on the shield's block list (siphonctl shield block)")      \
	X(DROP_SIP_RATE, DROP,                                               \
	  "request over its source's budget: the source is now banned")      \
	X(DROP_SIP_BANNED, DROP, "request from a banned source")             \
	X(PASS_SIP_ALLOWED, PASS,                                            \
	  "a shield rule matched, but the source is on the allow list")      \
	X(PASS_SIP_LIVE_CALL, PASS,                                          \
	  "request of a live call: never rate-limited")                      \
	X(TX_SIP_OPTIONS, TX,                                                \
	  "OPTIONS to siphon answered 200 OK in XDP (XDP_TX)")               \
	X(PASS_SIP_OPTIONS_NOT_US, PASS,                                     \
	  "OPTIONS for another user, host or port: passed to siphond")       \
	X(PASS_SIP_OPTIONS_COMPLEX, PASS,                                    \
	  "OPTIONS XDP does not answer (body, To tag, Route, Require, ...)") \
	X(PASS_SIP_OPTIONS_VIAS, PASS,                                       \
	  "OPTIONS with more Via lines than XDP copies: passed to siphond")  \
	X(PASS_SIP_OPTIONS_TOO_BIG, PASS,                                    \
	  "OPTIONS whose answer would not fit the MTU or the frame")         \
	X(DROP_SIP_GLOBAL, DROP,                                             \
	  "request of an unknown source over the shield's global budget")

#define SIPHON_REASON_ENUM(name, verdict, help) SIPHON_##name,
enum siphon_reason { SIPHON_XDP_REASONS(SIPHON_REASON_ENUM) SIPHON_REASON_MAX };
#undef SIPHON_REASON_ENUM

/* A stage that has no final word returns this instead of a reason. */
#define SIPHON_CONTINUE (-1)

#endif /* SIPHON_COUNTERS_H */
