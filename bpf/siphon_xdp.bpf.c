// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphon's XDP entry: the packet path, one stage per header, in the order
 * the bytes arrive; media first (the hot path), then SIP on SIP ports. Each stage returns a final reason or SIPHON_CONTINUE;
 * every reason is counted and mapped to its verdict in verdict.h.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "clock.h"
#include "packet.h"
#include "parse_l2.h"
#include "parse_l3.h"
#include "parse_l4.h"
#include "relay.h"
#include "sip_classify.h"
#include "verdict.h"

SEC("xdp")
int siphon_xdp(struct xdp_md *ctx)
{
	struct cursor cur = {
		.pos = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	struct packet pkt = {};
	int reason;

	reason = parse_ethernet(&cur, &pkt);
	if (reason != SIPHON_CONTINUE)
		return verdict(reason);
	reason = parse_ip(&cur, &pkt);
	if (reason != SIPHON_CONTINUE)
		return verdict(reason);
	reason = parse_udp(&cur, &pkt);
	if (reason != SIPHON_CONTINUE)
		return verdict(reason);

	/* a redirect is set up by bpf_redirect_map(), then returned as is */
	reason = relay_media(ctx, &pkt);
	if (reason != SIPHON_PASS_NO_FLOW)
		return verdict(reason);

	/* no flow: SIP ports are classified, everything else passes */
	return verdict(sip_classify(ctx, &pkt));
}

/*
 * After every NAPI poll: the fine clock of RTP jitter is read once per
 * poll (bpf/clock.h). Attached by siphonctl attach, next to the XDP
 * program, on the tracepoint every driver's poll passes.
 */
SEC("raw_tp/napi_poll")
int siphon_poll_end(void *ctx)
{
	clock_poll_ended();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
