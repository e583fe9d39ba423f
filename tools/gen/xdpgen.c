// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpgen: a live-frames UDP generator. BPF_PROG_TEST_RUN with
 * BPF_F_TEST_XDP_LIVE_FRAMES runs xdpgen.bpf.c on pages of a page pool and
 * sends what it redirects out of a device, here one end of a veth pair.
 * Each call ends with ~20 ms of page-pool teardown, so calls are long (sized
 * to ~100 ms) and two threads overlap one's teardown with the other's
 * sending. It stops by itself after --duration, or after --count frames.
 *
 * --sip makes every frame a SIP request instead (xdpgen_sip.h), with
 * --src-addrs from many (spoofed) sources: a flood of INVITEs and
 * REGISTERs, or of OPTIONS pings, for tools/bench/shield.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../net/benchnet.h"
#include "log.h"
#include "xdpgen.h"
#include "xdpgen_sip.h"
/* after xdpgen.h: the skeleton names struct xdpgen_cfg */
#include "tools/gen/xdpgen.skel.h"

#define MAX_THREADS 8
#define MAX_DURATION 600.0
#define MAX_PAYLOAD 1472 /* a 1514-byte frame */
#define MIN_PAYLOAD 18 /* a 60-byte frame, Ethernet's minimum */
#define CALL_TARGET_SEC 0.1
#define CHUNK_MIN 256ULL
#define CHUNK_MAX (1ULL << 24)
#define TEST_BATCH_MAX 256 /* the kernel's limit for live frames */
#define RATE_BURST_SEC 0.025
#define RATE_BURST_MIN 64ULL
#define XDPGEN_SIP_SLACK 64

struct opts {
	const char *netns;
	const char *dev;
	__u8 smac[6], dmac[6];
	__be32 saddr, daddr;
	__u16 sport, port_base;
	__u32 ports, addrs;
	__u32 saddrs;
	__u32 payload;
	int sip[XDPGEN_SIP_MAX]; /* methods, in the order they are sent */
	__u32 sip_n;
	unsigned long long rate; /* frames per second, 0: as fast as we can */
	unsigned long long count; /* frames in total, 0: no limit */
	double duration;
	int threads;
	int cpu;
	__u32 batch;
	bool spread; /* flows far apart in turn, not in order */
	bool have_smac, have_dmac, have_saddr, have_daddr;
};

struct worker {
	pthread_t tid;
	const struct opts *o;
	int prog_fd;
	const void *frame;
	__u32 frame_len;
	double deadline;
	unsigned long long quota; /* frames this thread may send, 0: any */
	unsigned long long runs; /* frames its calls asked for */
	int err;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xdpgen --dev IF --dst-mac MAC --src IP --dst IP [options]\n"
		"  --netns NS        enter this network namespace first\n"
		"  --dev IF          send out of IF (one end of a veth pair)\n"
		"  --src-mac MAC     default: IF's own address\n"
		"  --dst-mac MAC     the peer's address\n"
		"  --src IP          source IPv4 address\n"
		"  --dst IP          first destination (relay) IPv4 address\n"
		"  --addrs N         destination addresses dst .. dst+N-1 (1)\n"
		"  --sport PORT      UDP source port (5000)\n"
		"  --port-base PORT  first UDP destination port (10000)\n"
		"  --ports N         destination ports per address (1)\n"
		"  --size BYTES      UDP payload, %d..%d (172, G.711 RTP)\n"
		"  --src-addrs N     source addresses src .. src+N-1 (1)\n"
		"  --sip LIST        SIP requests instead: invite,register,options\n"
		"                    (comma-separated, sent in turn, each from\n"
		"                    every source), to sip:DST:PORT; no --size\n"
		"  --rate PPS        cap the rate (bursty: paced per call)\n"
		"  --count N         stop after about N frames\n"
		"  --duration SEC    stop after SEC seconds (5, max %.0f)\n"
		"  --threads N       sending threads (2, max %d)\n"
		"  --cpu N           pin every thread to CPU N\n"
		"  --batch N         frames per test-run batch (64, max %d)\n"
		"  --spread          flows far apart in turn (a stride of about\n"
		"                    0.62 x the flows), not ports in order\n"
		"Traffic walks all ports x addrs flows in turn, and the sources.\n"
		"Prints frames sent.\n",
		MIN_PAYLOAD, MAX_PAYLOAD, MAX_DURATION, MAX_THREADS,
		TEST_BATCH_MAX);
}

/* one's complement sum of a buffer, as 16-bit words in memory order */
static __u64 sum16(const void *buf, size_t len, __u64 sum)
{
	const __u8 *p = buf;
	__u16 w;

	for (; len > 1; len -= 2, p += 2) {
		memcpy(&w, p, 2);
		sum += w;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

static __u16 fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/*
 * The headers of flow 0, from the first source, for a payload: both
 * checksums complete
 */
static void fill_hdrs(const struct opts *o, union xdpgen_tmpl *tmpl,
		      const __u8 *payload, __u32 len)
{
	struct xdpgen_hdrs *h = &tmpl->hdrs;
	__u32 udp_len = sizeof(struct udphdr) + len;
	__u64 sum;

	memset(tmpl, 0, sizeof(*tmpl));
	memcpy(h->eth.h_dest, o->dmac, ETH_ALEN);
	memcpy(h->eth.h_source, o->smac, ETH_ALEN);
	h->eth.h_proto = htons(ETH_P_IP);
	h->ip.version = 4;
	h->ip.ihl = 5;
	h->ip.tot_len = htons(sizeof(struct iphdr) + udp_len);
	h->ip.frag_off = htons(0x4000); /* DF */
	h->ip.ttl = 64;
	h->ip.protocol = IPPROTO_UDP;
	h->ip.saddr = o->saddr;
	h->ip.daddr = o->daddr;
	h->ip.check = ~fold(sum16(&h->ip, sizeof(h->ip), 0));
	h->udp.source = htons(o->sport);
	h->udp.dest = htons(o->port_base);
	h->udp.len = htons(udp_len);

	/* pseudo-header, UDP header with a zero checksum, payload */
	sum = sum16(&h->ip.saddr, 8, 0);
	sum += htons(IPPROTO_UDP);
	sum += h->udp.len;
	sum = sum16(&h->udp, sizeof(h->udp), sum);
	sum = sum16(payload, len, sum);
	h->udp.check = ~fold(sum) ?: 0xffff;
}

/* the frame of flow 0, an RTP-looking payload included */
static void *build_frame(const struct opts *o, union xdpgen_tmpl *tmpl,
			 __u32 *len)
{
	__u8 *frame, *payload;
	__u32 i;

	*len = XDPGEN_HDRS_LEN + o->payload;
	frame = calloc(1, *len);
	if (!frame)
		return NULL;
	payload = frame + XDPGEN_HDRS_LEN;
	/* version 2, PCMU, then a byte ramp */
	for (i = 0; i < o->payload; i++)
		payload[i] = i;
	if (o->payload >= 12) {
		payload[0] = 0x80;
		payload[1] = 0x00;
	}
	/* the RTP sequence number: xdpgen.bpf.c numbers each frame from 0 */
	if (o->payload >= 4) {
		payload[2] = 0;
		payload[3] = 0;
	}
	fill_hdrs(o, tmpl, payload, o->payload);
	memcpy(frame, &tmpl->hdrs, XDPGEN_HDRS_LEN);
	return frame;
}

/*
 * SIP mode: a template per method into cfg, and the frame the test runs
 * start from, XDPGEN_SIP_SLACK longer than the longest: xdpgen.bpf.c
 * sizes and writes each frame itself, and always shrinks it, because the
 * kernel resets a recycled page's length only when the generator changed
 * it (net/bpf/test_run.c, reset_ctx()). A device under test that grew
 * the frame in place (an OPTIONS answered with XDP_TX) would otherwise
 * leave its length to the next frame made in that page.
 */
static void *build_sip(const struct opts *o, struct xdpgen_cfg *cfg, __u32 *len)
{
	struct xdpgen_sip_addrs a = { .sport = o->sport,
				      .dport = o->port_base };
	struct xdpgen_sip_tmpl *t;
	__u8 *frame;
	__u32 i, max = 0;

	inet_ntop(AF_INET, &o->saddr, a.src, sizeof(a.src));
	inet_ntop(AF_INET, &o->daddr, a.dst, sizeof(a.dst));
	for (i = 0; i < o->sip_n; i++) {
		t = &cfg->sip[i];
		if (xdpgen_sip_tmpl_fill(t, o->sip[i], &a)) {
			fprintf(stderr, "xdpgen: %s: does not fit\n",
				xdpgen_sip_names[o->sip[i]]);
			return NULL;
		}
		fill_hdrs(o, &t->tmpl, t->payload, t->len);
		if (t->len > cfg->sip[max].len)
			max = i;
	}
	t = &cfg->sip[max];
	*len = XDPGEN_HDRS_LEN + t->len + XDPGEN_SIP_SLACK;
	frame = calloc(1, *len);
	if (!frame)
		return NULL;
	memcpy(frame, &t->tmpl.hdrs, XDPGEN_HDRS_LEN);
	memcpy(frame + XDPGEN_HDRS_LEN, t->payload, t->len);
	cfg->sip_n = o->sip_n;
	return frame;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct opts *o = w->o;
	unsigned long long chunk = 1ULL << 16, repeat, due, burst;
	double t0, start, per_rate;
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = w->frame,
		    .data_size_in = w->frame_len,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = o->batch);

	w->err = thread_pin_cpu(o->cpu);
	if (w->err)
		return NULL;
	per_rate = (double)o->rate / o->threads;
	start = now_sec();

	while (!stop && (t0 = now_sec()) < w->deadline) {
		repeat = chunk;
		if (o->rate) {
			/*
			 * A call sends its frames back to back, then tears
			 * down for ~20 ms: bursts of that much time's worth,
			 * never fewer than RATE_BURST_MIN.
			 */
			burst = per_rate * RATE_BURST_SEC;
			if (burst < RATE_BURST_MIN)
				burst = RATE_BURST_MIN;
			due = (t0 - start) * per_rate + burst;
			if (due <= w->runs) {
				usleep(1000);
				continue;
			}
			repeat = due - w->runs;
			if (repeat > burst)
				repeat = burst;
		}
		if (w->quota) {
			if (w->runs >= w->quota)
				break;
			if (repeat > w->quota - w->runs)
				repeat = w->quota - w->runs;
		}
		topts.repeat = repeat;
		if (bpf_prog_test_run_opts(w->prog_fd, &topts)) {
			if (errno == EINTR)
				continue;
			w->err = -errno;
			break;
		}
		w->runs += repeat;

		/* aim the next call at CALL_TARGET_SEC, short of the deadline */
		t0 = now_sec() - t0;
		if (t0 > 0) {
			double per_frame = t0 / repeat;
			double left = w->deadline - now_sec();

			if (repeat == chunk ||
			    chunk * per_frame > CALL_TARGET_SEC)
				chunk = CALL_TARGET_SEC / per_frame;
			if (left > 0 && chunk * per_frame > left)
				chunk = left / per_frame;
			if (chunk < CHUNK_MIN)
				chunk = CHUNK_MIN;
			if (chunk > CHUNK_MAX)
				chunk = CHUNK_MAX;
		}
	}
	return NULL;
}

static int sum_sent(struct xdpgen *skel, __u64 *sent)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xdpgen_state *st;
	__u32 key = 0;
	int cpu, err = 0;

	if (ncpus < 0)
		return ncpus;
	st = calloc(ncpus, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.xdpgen_state), &key, st))
		err = -errno;
	*sent = 0;
	for (cpu = 0; !err && cpu < ncpus; cpu++)
		*sent += st[cpu].sent;
	free(st);
	return err;
}

/* "invite,register": the methods of --sip, at most XDPGEN_SIP_MAX */
static int sip_list_parse(const char *text, struct opts *o)
{
	char buf[64], *tok, *save = NULL;
	int m;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	o->sip_n = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		m = xdpgen_sip_method(tok);
		if (m < 0 || o->sip_n >= XDPGEN_SIP_MAX)
			return -EINVAL;
		o->sip[o->sip_n++] = m;
	}
	return o->sip_n ? 0 : -EINVAL;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "dev", required_argument, NULL, 'i' },
		{ "src-mac", required_argument, NULL, 'M' },
		{ "dst-mac", required_argument, NULL, 'm' },
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "addrs", required_argument, NULL, 'A' },
		{ "sport", required_argument, NULL, 'S' },
		{ "port-base", required_argument, NULL, 'p' },
		{ "ports", required_argument, NULL, 'P' },
		{ "size", required_argument, NULL, 'z' },
		{ "rate", required_argument, NULL, 'r' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 't' },
		{ "threads", required_argument, NULL, 'T' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "batch", required_argument, NULL, 'b' },
		{ "src-addrs", required_argument, NULL, 'a' },
		{ "sip", required_argument, NULL, 'q' },
		{ "spread", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	unsigned long long v;
	char *end;
	int c, err = 0;

	*o = (struct opts){ .sport = 5000,
			    .port_base = 10000,
			    .ports = 1,
			    .addrs = 1,
			    .saddrs = 1,
			    .payload = 172,
			    .duration = 5,
			    .threads = 2,
			    .cpu = -1,
			    .batch = 64 };
	while (!err &&
	       (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->netns = optarg;
			break;
		case 'i':
			o->dev = optarg;
			break;
		case 'M':
			err = mac_parse(optarg, o->smac);
			o->have_smac = true;
			break;
		case 'm':
			err = mac_parse(optarg, o->dmac);
			o->have_dmac = true;
			break;
		case 's':
			err = ipv4_parse(optarg, &o->saddr);
			o->have_saddr = true;
			break;
		case 'd':
			err = ipv4_parse(optarg, &o->daddr);
			o->have_daddr = true;
			break;
		case 'A':
			err = count_parse(optarg, 1 << 24, &v);
			o->addrs = v;
			break;
		case 'S':
			err = count_parse(optarg, 65535, &v);
			o->sport = v;
			break;
		case 'p':
			err = count_parse(optarg, 65535, &v);
			o->port_base = v;
			break;
		case 'P':
			err = count_parse(optarg, 65536, &v);
			o->ports = v;
			break;
		case 'z':
			err = count_parse(optarg, MAX_PAYLOAD, &v);
			o->payload = v;
			break;
		case 'r':
			err = count_parse(optarg, 1ULL << 40, &o->rate);
			break;
		case 'c':
			err = count_parse(optarg, 1ULL << 48, &o->count);
			break;
		case 't':
			o->duration = strtod(optarg, &end);
			if (*end || !(o->duration > 0) ||
			    o->duration > MAX_DURATION)
				err = -EINVAL;
			break;
		case 'T':
			err = count_parse(optarg, MAX_THREADS, &v);
			o->threads = v;
			break;
		case 'C':
			err = count_parse(optarg, CPU_SETSIZE - 1, &v);
			o->cpu = v;
			break;
		case 'b':
			err = count_parse(optarg, TEST_BATCH_MAX, &v);
			o->batch = v;
			break;
		case 'a':
			err = count_parse(optarg, 1 << 24, &v);
			o->saddrs = v;
			break;
		case 'q':
			err = sip_list_parse(optarg, o);
			break;
		case 'w':
			o->spread = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (err) {
		fprintf(stderr, "xdpgen: bad value for %s: %s\n",
			argv[optind - 1], optarg);
		return err;
	}
	if (optind != argc || !o->dev || !o->have_dmac || !o->have_saddr ||
	    !o->have_daddr || !o->ports || !o->addrs || !o->threads ||
	    !o->batch || o->payload < MIN_PAYLOAD) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->port_base + o->ports - 1 > 65535) {
		fprintf(stderr, "xdpgen: ports run past 65535\n");
		return -EINVAL;
	}
	if (!o->saddrs ||
	    ntohl(o->saddr) + (__u64)o->saddrs - 1 > 0xffffffffULL) {
		fprintf(stderr,
			"xdpgen: source addresses run past 255.255.255.255\n");
		return -EINVAL;
	}
	if (o->spread && (__u64)o->ports * o->addrs > 0x7fffffffULL) {
		fprintf(stderr, "xdpgen: --spread over at most 2^31 flows\n");
		return -EINVAL;
	}
	if (o->sip_n && (o->ports != 1 || o->addrs != 1)) {
		fprintf(stderr,
			"xdpgen: --sip sends to one address and port\n");
		return -EINVAL;
	}
	return 0;
}

static __u32 gcd(__u32 a, __u32 b)
{
	while (b) {
		__u32 t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * A stride near the golden section of the flow count, prime to it: one
 * step from each flow lands far from it, and every flow comes once a
 * round. 0 (in order) for fewer than three flows.
 */
static __u32 spread_stride(__u32 flows)
{
	__u32 s;

	if (flows < 3)
		return 0;
	for (s = (__u32)(flows * 0.618034); gcd(s, flows) != 1; s++)
		;
	return s;
}

/* the device's own address, asked of the namespace we are in now */
static int dev_mac(const char *dev, __u8 mac[6])
{
	struct ifreq ifr = {};
	int fd, err = 0;

	if (strlen(dev) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	strcpy(ifr.ifr_name, dev);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	struct worker workers[MAX_THREADS] = {};
	struct xdpgen *skel = NULL;
	union xdpgen_tmpl tmpl;
	void *frame = NULL;
	__u32 frame_len;
	struct opts o;
	double t0, elapsed;
	__u64 sent = 0;
	int ifindex, i, started = 0, err;

	log_capture_libbpf();
	err = parse_opts(argc, argv, &o);
	if (err)
		return 2;
	err = netns_enter(o.netns);
	if (err) {
		fprintf(stderr, "xdpgen: netns %s: %s\n", o.netns,
			strerror(-err));
		return 1;
	}
	ifindex = ifindex_parse(o.dev);
	if (ifindex < 0) {
		fprintf(stderr, "xdpgen: %s: %s\n", o.dev, strerror(-ifindex));
		return 1;
	}
	if (!o.have_smac) {
		err = dev_mac(o.dev, o.smac);
		if (err) {
			fprintf(stderr, "xdpgen: %s: no MAC address: %s\n",
				o.dev, strerror(-err));
			return 1;
		}
	}

	skel = xdpgen__open();
	if (!skel) {
		err = -errno;
		fprintf(stderr, "xdpgen: open: %s\n", strerror(-err));
		goto out;
	}
	if (o.sip_n)
		frame = build_sip(&o, &skel->rodata->cfg, &frame_len);
	else
		frame = build_frame(&o, &tmpl, &frame_len);
	if (!frame) {
		err = o.sip_n ? -EINVAL : -ENOMEM;
		fprintf(stderr, "xdpgen: no frame: %s\n", strerror(-err));
		goto out;
	}
	if (!o.sip_n)
		skel->rodata->cfg.tmpl = tmpl;
	skel->rodata->cfg.saddrs = o.saddrs;
	skel->rodata->cfg.saddr_base = ntohl(o.saddr);
	skel->rodata->cfg.ifindex = ifindex;
	skel->rodata->cfg.ports = o.ports;
	skel->rodata->cfg.addrs = o.addrs;
	skel->rodata->cfg.daddr_base = ntohl(o.daddr);
	skel->rodata->cfg.port_base = o.port_base;
	if (o.spread)
		skel->rodata->cfg.stride = spread_stride(o.ports * o.addrs);
	err = xdpgen__load(skel);
	if (err) {
		fprintf(stderr, "xdpgen: load: %s\n", strerror(-err));
		goto out;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = now_sec();
	for (i = 0; i < o.threads; i++) {
		struct worker *w = &workers[i];

		w->o = &o;
		w->prog_fd = bpf_program__fd(skel->progs.xdpgen);
		w->frame = frame;
		w->frame_len = frame_len;
		w->deadline = t0 + o.duration;
		w->quota = o.count ? (o.count + o.threads - 1) / o.threads : 0;
		err = -pthread_create(&w->tid, NULL, worker_run, w);
		if (err)
			break;
		started++;
	}
	for (i = 0; i < started; i++) {
		pthread_join(workers[i].tid, NULL);
		if (workers[i].err && !err)
			err = workers[i].err;
	}
	elapsed = now_sec() - t0;
	if (err)
		fprintf(stderr, "xdpgen: sending: %s\n", strerror(-err));
	if (!sum_sent(skel, &sent))
		printf("xdpgen: sent %llu frames in %.2f s (%.0f pps), "
		       "%u-byte frames%s over %llu flows from %u sources\n",
		       (unsigned long long)sent, elapsed, sent / elapsed,
		       o.sip_n ? frame_len - XDPGEN_SIP_SLACK : frame_len,
		       o.sip_n ? " (the longest), SIP" : "",
		       (unsigned long long)o.ports * o.addrs, o.saddrs);

out:
	xdpgen__destroy(skel);
	free(frame);
	return err ? 1 : 0;
}
