// SPDX-License-Identifier: GPL-2.0-only
/*
 * The order in which the live-frames generator (tools/gen/xdpgen.bpf.c)
 * visits its flows, read back from the frames it writes under
 * BPF_PROG_TEST_RUN: in order, ports of one address after another; with
 * a stride (--spread), every flow once a round and each frame's flow far
 * from the last one's, as a relay's calls arrive, so a flow table laid
 * out by port gets no help from the order of the benchmark's traffic.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "../../tools/gen/xdpgen.h"
#include "tools/gen/xdpgen.skel.h"

#define PORTS 1000
#define ADDRS 3
#define FLOWS (PORTS * ADDRS)
#define PORT_BASE 20000
#define DADDR_BASE 0xc6120101u /* 198.18.1.1 */
#define STRIDE 1847 /* prime to 3000, near 0.62 x 3000 */
#define FRAME_LEN 214 /* headers and a 172-byte payload */

struct walk {
	struct xdpgen *skel;
	int prog_fd;
	unsigned char frame[FRAME_LEN];
};

/* the generator's template: flow 0, checksums complete but for the UDP
 * one (0: none), which the program only adjusts */
static void template_init(struct xdpgen_cfg *cfg, unsigned char *frame)
{
	struct xdpgen_hdrs *h = &cfg->tmpl.hdrs;
	__u32 sum = 0;
	__u16 w[10];
	int i;

	memset(h, 0, sizeof(*h));
	memset(h->eth.h_dest, 0x02, ETH_ALEN);
	memset(h->eth.h_source, 0x04, ETH_ALEN);
	h->eth.h_proto = htons(ETH_P_IP);
	h->ip.version = 4;
	h->ip.ihl = 5;
	h->ip.ttl = 64;
	h->ip.protocol = IPPROTO_UDP;
	h->ip.tot_len = htons(FRAME_LEN - sizeof(struct ethhdr));
	h->ip.saddr = htonl(0xc6120201u);
	h->ip.daddr = htonl(DADDR_BASE);
	memcpy(w, &h->ip, sizeof(w));
	for (i = 0; i < 10; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	h->ip.check = (__u16)~sum;
	h->udp.source = htons(5000);
	h->udp.dest = htons(PORT_BASE);
	h->udp.len =
		htons(FRAME_LEN - sizeof(struct ethhdr) - sizeof(struct iphdr));
	memset(frame, 0, FRAME_LEN);
	memcpy(frame, h, sizeof(*h));
}

static int walk_open(struct walk *w, __u32 stride)
{
	struct xdpgen_cfg *cfg;

	w->skel = xdpgen__open();
	if (!w->skel)
		return -errno;
	cfg = (struct xdpgen_cfg *)&w->skel->rodata->cfg;
	template_init(cfg, w->frame);
	cfg->ports = PORTS;
	cfg->addrs = ADDRS;
	cfg->daddr_base = DADDR_BASE;
	cfg->port_base = PORT_BASE;
	cfg->saddrs = 1;
	cfg->saddr_base = 0xc6120201u;
	cfg->stride = stride;
	if (xdpgen__load(w->skel))
		return -errno;
	w->prog_fd = bpf_program__fd(w->skel->progs.xdpgen);
	return 0;
}

/* one frame made: its flow number, from its destination */
static int next_flow(struct walk *w)
{
	unsigned char out[FRAME_LEN];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = w->frame,
		    .data_size_in = FRAME_LEN, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	const struct xdpgen_hdrs *h = (const void *)out;
	__u32 addr, port;

	if (bpf_prog_test_run_opts(w->prog_fd, &opts) ||
	    opts.retval != XDP_REDIRECT)
		return -1;
	addr = ntohl(h->ip.daddr) - DADDR_BASE;
	port = ntohs(h->udp.dest) - PORT_BASE;
	if (addr >= ADDRS || port >= PORTS)
		return -1;
	return (int)(addr * PORTS + port);
}

FIXTURE(gen)
{
	struct walk w;
	unsigned char seen[FLOWS];
};

FIXTURE_VARIANT(gen)
{
	__u32 stride;
};

FIXTURE_VARIANT_ADD(gen, in_order){
	.stride = 0,
};

FIXTURE_VARIANT_ADD(gen, spread){
	.stride = STRIDE,
};

FIXTURE_SETUP(gen)
{
	int err;

	memset(&self->w, 0, sizeof(self->w));
	memset(self->seen, 0, sizeof(self->seen));
	err = walk_open(&self->w, variant->stride);
	if (err == -EPERM)
		SKIP(return, "loading BPF needs root");
	ASSERT_EQ(0, err);
}

FIXTURE_TEARDOWN(gen)
{
	xdpgen__destroy(self->w.skel);
}

TEST_F(gen, every_flow_once_a_round_then_again)
{
	int i, f, first = -1, twice = 0;

	for (i = 0; i < FLOWS; i++) {
		f = next_flow(&self->w);
		ASSERT_LE(0, f);
		if (i == 0)
			first = f;
		twice += self->seen[f]++ > 0;
	}
	EXPECT_EQ(0, twice);
	EXPECT_EQ(0, first);
	/* the next round starts where the first did */
	EXPECT_EQ(first, next_flow(&self->w));
}

TEST_F(gen, the_order_of_the_flows)
{
	int i, f, last = next_flow(&self->w), near = 0;

	for (i = 1; i < 200; i++) {
		f = next_flow(&self->w);
		ASSERT_LE(0, f);
		if (variant->stride) {
			EXPECT_EQ((last + STRIDE) % FLOWS, f);
		} else {
			EXPECT_EQ((last + 1) % FLOWS, f);
		}
		/* within 64 flows of the last: a cache line of its index */
		near += abs(f - last) < 64;
		last = f;
	}
	if (variant->stride) {
		EXPECT_EQ(0, near);
	} else {
		EXPECT_EQ(199, near);
	}
}

TEST_HARNESS_MAIN
