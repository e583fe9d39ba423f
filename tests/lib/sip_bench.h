/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The bench of the SIP classifier tests: the relay bench (namespace,
 * devices, the real program with private maps), SIP text wrapped in
 * UDP frames to a SIP port, and what the program left behind: the
 * reason counted, the SIP counts of the interface and siphon_sip_info
 * from the scratch of the CPU that ran it.
 *
 * For kselftest_harness.h tests: include that first.
 */
#ifndef SIPHON_TESTS_SIP_BENCH_H
#define SIPHON_TESTS_SIP_BENCH_H

#include "relay_bench.h"
#include "shield.h"
#include "siphon/sip.h"

#define SIP_PORT 5060
#define SIP_PEER_PORT 5062
/* the largest frame BPF_PROG_TEST_RUN takes without fragments */
#define SIP_FRAME_MAX 3400

struct sip_bench {
	struct bench b;
	int shield_fd;
	int scanners_fd;
	int sipstats_fd;
	int scan_fd;
	size_t scan_stride; /* one CPU's value in a per-CPU lookup */
	int ncpus;
	__u8 *percpu;
};

/* one run: the frame's fate and what the classifier said */
struct sip_outcome {
	int verdict;
	struct run_counters count;
	struct siphon_sip_info info;
	bool info_set; /* the classifier ran */
};

static inline void sip_bench_setup(struct __test_metadata *_metadata,
				   struct sip_bench *sb)
{
	struct siphon_xdp *obj;

	bench_setup(_metadata, &sb->b);
	obj = sb->b.lab.obj;
	sb->shield_fd = bpf_map__fd(obj->maps.siphon_shield);
	sb->scanners_fd = bpf_map__fd(obj->maps.siphon_scanners);
	sb->sipstats_fd = bpf_map__fd(obj->maps.siphon_sipstats);
	sb->scan_fd = bpf_map__fd(obj->maps.siphon_sip_scan);
	sb->scan_stride = (bpf_map__value_size(obj->maps.siphon_sip_scan) + 7) &
			  ~(size_t)7;
	sb->ncpus = libbpf_num_possible_cpus();
	ASSERT_LT(0, sb->ncpus);
	sb->percpu = calloc(sb->ncpus, sb->scan_stride);
	ASSERT_NE(NULL, sb->percpu);
	/* as siphonctl attach leaves them */
	ASSERT_EQ(0, shield_scanners_seed(sb->shield_fd, sb->scanners_fd));
}

static inline void sip_bench_teardown(struct sip_bench *sb)
{
	free(sb->percpu);
	lab_unload(&sb->b.lab);
}

/* a UDP (or TCP) frame from the peer to the relay's address */
static inline void sip_frame(struct __test_metadata *_metadata, int family,
			     int vlans, __u8 l4_proto, __u16 dport,
			     const void *payload, size_t len, __u8 *frame,
			     struct pkt_layout *lay)
{
	const struct plan *p = plan_of(family);
	struct endpoint peer, relay;
	struct pkt_spec spec;

	parse_ep(_metadata, p->peer, &peer);
	parse_ep(_metadata, p->relay, &relay);
	frame_spec(&spec, &peer, &relay);
	spec.vlans = vlans;
	spec.l4_proto = l4_proto;
	spec.sport = SIP_PEER_PORT;
	spec.dport = dport;
	spec.payload = payload;
	spec.payload_len = len;
	ASSERT_EQ(0, pkt_build(&spec, frame, SIP_FRAME_MAX, lay));
}

/* run one frame as received on DEV_IN; no bytes out are kept */
static inline void sip_run_frame(struct __test_metadata *_metadata,
				 struct sip_bench *sb, const __u8 *frame,
				 __u32 len, struct sip_outcome *out)
{
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = sb->b.if_in,
	};
	/* clang-format off */
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	/* clang-format on */
	__u32 zero = 0;
	int cpu;

	memset(out, 0, sizeof(*out));
	memset(sb->percpu, 0, sb->ncpus * sb->scan_stride);
	ASSERT_EQ(0,
		  bpf_map_update_elem(sb->scan_fd, &zero, sb->percpu, BPF_ANY));
	ASSERT_EQ(0, stats_read(sb->b.lab.maps.stats_fd, out->count.before));
	ASSERT_EQ(0, bpf_prog_test_run_opts(sb->b.lab.prog_fd, &opts));
	out->verdict = opts.retval;
	ASSERT_EQ(0, stats_read(sb->b.lab.maps.stats_fd, out->count.after));
	ASSERT_EQ(0, bpf_map_lookup_elem(sb->scan_fd, &zero, sb->percpu));
	/* the CPU that ran the program is the one whose reason is set */
	for (cpu = 0; cpu < sb->ncpus; cpu++) {
		memcpy(&out->info, sb->percpu + cpu * sb->scan_stride,
		       sizeof(out->info));
		if (out->info.reason) {
			out->info_set = true;
			return;
		}
	}
	memset(&out->info, 0, sizeof(out->info));
}

/* SIP text in a frame to dport, run */
static inline void sip_run(struct __test_metadata *_metadata,
			   struct sip_bench *sb, int family, int vlans,
			   __u8 l4_proto, __u16 dport, const void *payload,
			   size_t len, struct sip_outcome *out)
{
	static __u8 frame[SIP_FRAME_MAX];
	struct pkt_layout lay;

	sip_frame(_metadata, family, vlans, l4_proto, dport, payload, len,
		  frame, &lay);
	sip_run_frame(_metadata, sb, frame, lay.len, out);
}

/* the interface's SIP counts (zero before the first SIP packet) */
static inline void sip_counts(struct __test_metadata *_metadata,
			      struct sip_bench *sb, int ifindex,
			      struct siphon_sip_counts *c)
{
	struct shield_if_counts all[8];
	int n, i;

	memset(c, 0, sizeof(*c));
	n = shield_sip_counts_read(sb->sipstats_fd, all, 8);
	ASSERT_LE(0, n);
	for (i = 0; i < n; i++) {
		if ((int)all[i].ifindex == ifindex)
			*c = all[i].c;
	}
}

static inline void sip_set_cfg(struct __test_metadata *_metadata,
			       struct sip_bench *sb, __u32 off,
			       const char *ports)
{
	struct siphon_shield_cfg cfg;

	ASSERT_EQ(0, shield_cfg_read(sb->shield_fd, &cfg));
	cfg.off = off;
	memset(cfg.sip_ports, 0, sizeof(cfg.sip_ports));
	if (ports) {
		ASSERT_EQ(0, shield_ports_parse(ports, cfg.sip_ports));
	}
	ASSERT_EQ(0, shield_cfg_write(sb->shield_fd, &cfg));
}

/* the XDP action a reason stands for */
static inline int reason_xdp_of(__u32 reason)
{
	static const int xdp[VERDICT_MAX] = {
		[VERDICT_PASS] = XDP_PASS,
		[VERDICT_DROP] = XDP_DROP,
		[VERDICT_TX] = XDP_TX,
		[VERDICT_REDIRECT] = XDP_REDIRECT,
	};

	return reason < SIPHON_REASON_MAX ?
		       xdp[siphon_reasons[reason].verdict] :
		       XDP_ABORTED;
}

/* FNV-1a of the bytes of s that are not SP or HTAB, as the program hashes */
static inline __u32 sip_hash(const char *s, size_t len, __u32 *n)
{
	__u32 h = SIPHON_FNV_BASIS;
	size_t i;

	*n = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ' || s[i] == '\t')
			continue;
		h = siphon_fnv1a(h, (__u8)s[i]);
		(*n)++;
	}
	return h;
}

#endif /* SIPHON_TESTS_SIP_BENCH_H */
