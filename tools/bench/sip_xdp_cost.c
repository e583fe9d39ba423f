// SPDX-License-Identifier: GPL-2.0-only
/*
 * sip_xdp_cost: what the XDP program spends on one SIP frame, from
 * BPF_PROG_TEST_RUN, and how long the verifier takes to load it.
 *
 *   sip_xdp_cost [--obj FILE]... [--calls N] [--rounds N] [--loads N]
 *
 * Each --obj (build/bpf/siphon_xdp.bpf.o by default; up to four, say the
 * program of main and a changed one) is loaded with private maps, armed
 * as a running siphond leaves it (siphon_options: port 5060, every
 * address of the box, a fresh heartbeat; budgets too big to limit), and
 * given each frame below --calls times per round, the objects
 * interleaved round by round. An answered OPTIONS rewrites its frame in
 * place, so a run's repeat count cannot reuse it: every call is one run
 * (repeat 1) of a fresh copy, and its time is the kernel's own
 * measurement of that one run (test.duration), which includes one clock
 * read. The "floor" row (an ARP frame, passed at once) shows that part.
 * Each frame runs twice: answered (rule options on) and passed to
 * siphond (rule options off: the same scan and budget, no answer); their
 * difference is what answering costs. Printed: the median over calls,
 * the median of the rounds' medians, in ns.
 *
 * Loads: --loads loads of each object with the verifier's statistics
 * (log level 4): its own time and the instructions it processed, the
 * median of the loads.
 *
 * Frames: the bench's ping (tools/gen/xdpgen_sip.h, 336 bytes on the
 * wire) and a phone's keepalive OPTIONS (NAT'd, display name, Contact,
 * User-Agent, Allow, Supported), over IPv4 and IPv6.
 * Needs root. Exit 0, 1 on a failure, 4 when it cannot run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>

#include "../gen/xdpgen_sip.h"
#include "siphon/counters.h"
#include "siphon/shield.h"
#include "siphon/sip.h"

#define OBJS_MAX 4
#define FRAME_MAX 2048
#define CALLS_MAX 1000000
#define KSFT_SKIP 4

static const char phone_text[] =
	"OPTIONS sip:198.18.1.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.168.1.23:5062;branch=z9hG4bK1617284734;rport\r\n"
	"From: \"Alice Office\" <sip:1001@198.18.1.1>;tag=1829374651\r\n"
	"To: <sip:198.18.1.1:5060>\r\n"
	"Call-ID: 2043587734@192.168.1.23\r\n"
	"CSeq: 12 OPTIONS\r\n"
	"Contact: <sip:1001@192.168.1.23:5062>\r\n"
	"Max-Forwards: 70\r\n"
	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
	"Accept: application/sdp\r\n"
	"Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, "
	"REFER, UPDATE, MESSAGE\r\n"
	"Supported: replaces, timer\r\n"
	"Content-Length: 0\r\n\r\n";

static const char phone6_text[] =
	"OPTIONS sip:[2001:db8::1]:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP [2001:db8::23]:5062;branch=z9hG4bK1617284734;rport\r\n"
	"From: \"Alice Office\" <sip:1001@siphon.example>;tag=1829374651\r\n"
	"To: <sip:siphon.example>\r\n"
	"Call-ID: 2043587734@2001:db8::23\r\n"
	"CSeq: 12 OPTIONS\r\n"
	"Contact: <sip:1001@[2001:db8::23]:5062>\r\n"
	"Max-Forwards: 70\r\n"
	"User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
	"Accept: application/sdp\r\n"
	"Allow: INVITE, ACK, OPTIONS, CANCEL, BYE, SUBSCRIBE, NOTIFY, INFO, "
	"REFER, UPDATE, MESSAGE\r\n"
	"Supported: replaces, timer\r\n"
	"Content-Length: 0\r\n\r\n";

struct frame {
	const char *name;
	__u8 data[FRAME_MAX];
	__u32 len;
	bool sip; /* an OPTIONS to answer (else the floor) */
};

struct obj {
	const char *path;
	struct bpf_object *bo;
	int prog_fd, shield_fd;
};

struct opts {
	const char *paths[OBJS_MAX];
	int nobjs;
	unsigned int calls, rounds, loads;
};

static __u16 csum_fold32(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __u64 csum_add(__u64 sum, const void *p, size_t len)
{
	const __u8 *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)b[i] << 8 | b[i + 1];
	if (len & 1)
		sum += (__u32)b[len - 1] << 8;
	return sum;
}

/* Ethernet, IPv4 or IPv6, UDP 5000 -> 5060 with text; checksums right */
static int frame_build(struct frame *f, int family, const char *text,
		       size_t len)
{
	struct ethhdr *eth = (struct ethhdr *)f->data;
	size_t l3 = sizeof(*eth), l4, hdrs;
	struct udphdr *udp;
	__u64 sum;

	hdrs = l3 +
	       (family == 4 ? sizeof(struct iphdr) : sizeof(struct ipv6hdr));
	if (hdrs + sizeof(*udp) + len > FRAME_MAX)
		return -1;
	memset(f->data, 0, sizeof(f->data));
	memcpy(eth->h_dest, "\x02\x5d\x00\x00\x00\x02", ETH_ALEN);
	memcpy(eth->h_source, "\x02\x5d\x00\x00\x00\x01", ETH_ALEN);
	l4 = hdrs;
	udp = (struct udphdr *)(f->data + l4);
	udp->source = htons(5000);
	udp->dest = htons(5060);
	udp->len = htons(sizeof(*udp) + len);
	memcpy(udp + 1, text, len);
	if (family == 4) {
		struct iphdr *ip = (struct iphdr *)(f->data + l3);

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->tot_len = htons(sizeof(*ip) + sizeof(*udp) + len);
		inet_pton(AF_INET, "198.19.0.1", &ip->saddr);
		inet_pton(AF_INET, "198.18.1.1", &ip->daddr);
		ip->check = htons(~csum_fold32(csum_add(0, ip, sizeof(*ip))));
		sum = csum_add(0, &ip->saddr, 8) + IPPROTO_UDP + sizeof(*udp) +
		      len;
	} else {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(f->data + l3);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->hop_limit = 64;
		ip6->nexthdr = IPPROTO_UDP;
		ip6->payload_len = udp->len;
		inet_pton(AF_INET6, "2001:db8::23", &ip6->saddr);
		inet_pton(AF_INET6, "2001:db8::1", &ip6->daddr);
		sum = csum_add(0, &ip6->saddr, 32) + IPPROTO_UDP +
		      sizeof(*udp) + len;
	}
	sum = csum_add(sum, udp, sizeof(*udp) + len);
	udp->check = htons(~csum_fold32(sum) ?: 0xffff);
	f->len = l4 + sizeof(*udp) + len;
	f->sip = true;
	return 0;
}

/* an ARP request: the program passes it at once */
static void frame_floor(struct frame *f)
{
	struct ethhdr *eth = (struct ethhdr *)f->data;

	memset(f->data, 0, sizeof(f->data));
	memset(eth->h_dest, 0xff, ETH_ALEN);
	memcpy(eth->h_source, "\x02\x5d\x00\x00\x00\x01", ETH_ALEN);
	eth->h_proto = htons(ETH_P_ARP);
	f->len = 60;
	f->sip = false;
}

static __u32 fnv(const char *s)
{
	__u32 h = SIPHON_FNV_BASIS;

	while (*s)
		h = siphon_fnv1a(h, (__u8)*s++);
	return h;
}

static __u64 boot_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int map_fd(struct bpf_object *bo, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(bo, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

/* maps as a running siphond leaves them, budgets out of the way */
static int obj_arm(struct obj *o)
{
	struct siphon_options_cfg oc = {
		.alive_until_ns = boot_ns() + 3600ull * 1000000000ull,
		.tag_secret = 0x5eed,
		.flags = SIPHON_OPTIONS_DEST_ANY,
		.ports = { htons(5060) },
		.hosts = { { fnv("siphon.example"), 14 },
			   { fnv("[2001:db8::1]"), 13 } },
	};
	struct siphon_rate_cfg rc = { .ban_s = 60 };
	int opt_fd, rate_fd, i;
	__u32 zero = 0;

	for (i = 0; i < SIPHON_RATE_CLASSES; i++)
		rc.budget[i] =
			(struct siphon_rate_budget){ 1000000000, 1000000000 };
	opt_fd = map_fd(o->bo, SIPHON_MAP_OPTIONS);
	rate_fd = map_fd(o->bo, SIPHON_MAP_RATE);
	o->shield_fd = map_fd(o->bo, "siphon_shield");
	if (opt_fd < 0 || rate_fd < 0 || o->shield_fd < 0)
		return -ENOENT;
	if (bpf_map_update_elem(opt_fd, &zero, &oc, BPF_ANY) ||
	    bpf_map_update_elem(rate_fd, &zero, &rc, BPF_ANY))
		return -errno;
	return 0;
}

static int rule_options(struct obj *o, bool on)
{
	struct siphon_shield_cfg sc = { .off = on ? 0 :
						    SIPHON_SHIELD_OFF_OPTIONS };
	__u32 zero = 0;

	return bpf_map_update_elem(o->shield_fd, &zero, &sc, BPF_ANY) ? -errno :
									0;
}

/* "key N" in the verifier's log: N, or -1 */
static long log_num(const char *log, const char *key)
{
	const char *p = strstr(log, key);

	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* open and load; with stats, the verifier's time (us) and insns */
static int obj_load(struct obj *o, bool stats, long *us, long *insns)
{
	static char log[1 << 16];
	struct bpf_program *prog;
	int err;

	o->bo = bpf_object__open_file(o->path, NULL);
	if (!o->bo)
		return -errno;
	prog = bpf_object__find_program_by_name(o->bo, "siphon_xdp");
	if (!prog)
		return -ENOENT;
	if (stats) {
		log[0] = '\0';
		bpf_program__set_log_buf(prog, log, sizeof(log));
		bpf_program__set_log_level(prog, 4);
	}
	err = bpf_object__load(o->bo);
	if (err)
		return err;
	if (stats) {
		*us = log_num(log, "verification time ");
		*insns = log_num(log, "processed ");
	}
	o->prog_fd = bpf_program__fd(prog);
	return 0;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

static long median(long *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_long);
	return v[n / 2];
}

/*
 * calls runs of f, one each: the median of the kernel's ns, and in *low
 * its tenth percentile (what a run costs when nothing else on the
 * machine got in its way); -1 on error
 */
static long run_frame(const struct obj *o, const struct frame *f, __u32 want,
		      unsigned int calls, long *ns, long *low)
{
	static __u8 out[4096];
	struct xdp_md ctx = { .data_end = f->len };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	unsigned int i;

	for (i = 0; i < calls; i++) {
		opts.data_size_out = sizeof(out);
		if (bpf_prog_test_run_opts(o->prog_fd, &opts))
			return -1;
		if (opts.retval != want) {
			fprintf(stderr, "%s: %s: verdict %u, not %u\n", o->path,
				f->name, opts.retval, want);
			return -1;
		}
		ns[i] = opts.duration;
	}
	median(ns, calls);
	*low = ns[calls / 10];
	return ns[calls / 2];
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sip_xdp_cost [--obj FILE]... [--calls N] "
		"[--rounds N] [--loads N]\n"
		"  --obj     a siphon XDP object (build/bpf/siphon_xdp.bpf.o)\n"
		"  --calls   runs of each frame per round (5000)\n"
		"  --rounds  rounds, the objects interleaved (3)\n"
		"  --loads   loads of each object for the verifier's "
		"time (3; 0: none)\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "obj", required_argument, NULL, 'o' },
		{ "calls", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "loads", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	*o = (struct opts){ .calls = 5000, .rounds = 3, .loads = 3 };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (o->nobjs == OBJS_MAX)
				return -1;
			o->paths[o->nobjs++] = optarg;
			break;
		case 'c':
			o->calls = strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o->rounds = strtoul(optarg, NULL, 10);
			break;
		case 'l':
			o->loads = strtoul(optarg, NULL, 10);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (!o->nobjs)
		o->paths[o->nobjs++] = "build/bpf/siphon_xdp.bpf.o";
	if (!o->calls || o->calls > CALLS_MAX || !o->rounds || o->rounds > 99 ||
	    o->loads > 99)
		return -1;
	return optind == argc ? 0 : -1;
}

/* the verifier's time and work for each object */
static int report_loads(const struct opts *op)
{
	long us[99], insns[99];
	unsigned int i;
	int k, err;

	if (!op->loads)
		return 0;
	printf("%-40s %12s %12s\n", "load (median)", "verifier_us", "insns");
	for (k = 0; k < op->nobjs; k++) {
		for (i = 0; i < op->loads; i++) {
			struct obj o = { .path = op->paths[k] };

			err = obj_load(&o, true, &us[i], &insns[i]);
			bpf_object__close(o.bo);
			if (err) {
				fprintf(stderr, "%s: load: %s\n", o.path,
					strerror(-err));
				return -1;
			}
		}
		printf("%-40s %12ld %12ld\n", op->paths[k],
		       median(us, op->loads), median(insns, op->loads));
	}
	return 0;
}

#define FRAMES 4

static int build_frames(struct frame *f)
{
	struct xdpgen_sip_tmpl t;
	struct xdpgen_sip_addrs a = { .src = "198.19.0.1",
				      .dst = "198.18.1.1",
				      .sport = 5000,
				      .dport = 5060 };

	frame_floor(&f[0]);
	f[0].name = "floor (ARP)";
	if (xdpgen_sip_tmpl_fill(&t, XDPGEN_SIP_OPTIONS, &a) ||
	    frame_build(&f[1], 4, (char *)t.payload, t.len) ||
	    frame_build(&f[2], 4, phone_text, sizeof(phone_text) - 1) ||
	    frame_build(&f[3], 6, phone6_text, sizeof(phone6_text) - 1))
		return -1;
	f[1].name = "bench ping v4";
	f[2].name = "phone v4";
	f[3].name = "phone v6";
	return 0;
}

int main(int argc, char **argv)
{
	static struct frame frames[FRAMES];
	static long res[OBJS_MAX][FRAMES][2][99], low[OBJS_MAX][FRAMES][2][99];
	struct obj objs[OBJS_MAX] = {};
	struct opts op;
	long *ns, dummy;
	unsigned int r;
	int k, i, a, rc = 1;

	if (parse_opts(argc, argv, &op)) {
		usage(stderr);
		return 1;
	}
	if (geteuid()) {
		fprintf(stderr, "sip_xdp_cost: needs root\n");
		return KSFT_SKIP;
	}
	if (build_frames(frames))
		return 1;
	ns = calloc(op.calls, sizeof(*ns));
	if (!ns)
		return 1;
	for (k = 0; k < op.nobjs; k++) {
		objs[k].path = op.paths[k];
		if (obj_load(&objs[k], false, &dummy, &dummy) ||
		    obj_arm(&objs[k])) {
			fprintf(stderr, "%s: cannot load or arm\n",
				objs[k].path);
			goto out;
		}
	}
	for (r = 0; r < op.rounds; r++) {
		for (k = 0; k < op.nobjs; k++) {
			/* the order alternates from round to round */
			struct obj *o = &objs[r & 1 ? op.nobjs - 1 - k : k];
			int ko = o - objs;

			for (a = 0; a < 2; a++) {
				if (rule_options(o, !a))
					goto out;
				for (i = 0; i < FRAMES; i++) {
					__u32 want = frames[i].sip && !a ?
							     XDP_TX :
							     XDP_PASS;

					res[ko][i][a][r] = run_frame(
						o, &frames[i], want, op.calls,
						ns, &low[ko][i][a][r]);
					if (res[ko][i][a][r] < 0)
						goto out;
				}
			}
		}
	}
	printf("ns per frame, BPF_PROG_TEST_RUN, one run a call, %u calls a "
	       "round: the median of %u rounds' medians (p50) and of their "
	       "10th percentiles (p10)\n",
	       op.calls, op.rounds);
	printf("%-20s %-36s %8s %8s %8s | %8s %8s %8s\n", "frame", "object",
	       "ans_p50", "pass_p50", "diff", "ans_p10", "pass_p10", "diff");
	for (i = 0; i < FRAMES; i++) {
		for (k = 0; k < op.nobjs; k++) {
			long ans = median(res[k][i][0], op.rounds);
			long pas = median(res[k][i][1], op.rounds);
			long ans_l = median(low[k][i][0], op.rounds);
			long pas_l = median(low[k][i][1], op.rounds);

			printf("%-20s %-36s %8ld %8ld %8ld | %8ld %8ld %8ld\n",
			       frames[i].name, objs[k].path, ans, pas,
			       ans - pas, ans_l, pas_l, ans_l - pas_l);
		}
	}
	rc = report_loads(&op) ? 1 : 0;
out:
	for (k = 0; k < op.nobjs; k++)
		bpf_object__close(objs[k].bo);
	free(ns);
	return rc;
}
