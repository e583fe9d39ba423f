// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpbench: the XDP programs of the relay benchmark (tools/bench/relay),
 * loaded and read from one tool. Programs are attached in native mode with
 * netlink, so they stay after the tool exits and go with their device;
 * counters are pinned maps read by path.
 *
 *   sink-attach [--validate] --pin PATH IF    count and drop at the far end
 *   sink-read PATH                             print the sink's counters
 *   rate [--window SEC] [--tasks PIDS] PATH    packets per second at the sink,
 *                                              and per CPU-second of PIDS
 *   wait-traffic [--timeout SEC] PATH          until the sink sees frames
 *   bare-attach --smac MAC --dmac MAC IN OUT   the XDP_REDIRECT baseline
 *   reflect-attach IF                          the XDP_TX baseline: every
 *                                              UDP datagram sent back
 *   detach IF...                               remove any XDP program
 *   siphon-attach --pin-dir DIR [--max-flows N] IF...
 *   siphon-stats --pin-dir DIR                 non-zero siphon counters
 *   obj-attach --obj FILE --pin-dir DIR [--max-flows N] IF...
 *                                              a variant build of siphon
 *
 * --netns NS before the command enters that namespace first. siphon-attach
 * is a stand-in for `siphonctl attach` while that does not exist: it loads
 * with bpf_loader.c like siphonctl and fills the tx port map. obj-attach
 * does the same with any object file whose maps have siphon's names, to
 * measure a changed copy of bpf/ against the real one in the same run.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "../net/benchnet.h"
#include "bpf/siphon_xdp.skel.h"
#include "bpf_loader.h"
#include "flow_index.h"
#include "log.h"
#include "poll_clock.h"
#include "siphon/maps.h"
#include "stats.h"
#include "xdp_sink.h"
#include "tools/bench/xdp_redirect_bare.skel.h"
#include "tools/bench/xdp_reflect.skel.h"
#include "tools/bench/xdp_sink.skel.h"

#define XDP_MODE XDP_FLAGS_DRV_MODE
#define WINDOW_MAX 600.0

struct cmd_args {
	const char *tasks;
	const char *obj;
	const char *pin;
	const char *pin_dir;
	double window;
	unsigned long long max_flows;
	__u8 smac[6], dmac[6];
	bool validate, have_smac, have_dmac;
	int nargs;
	char **args;
};

static int attach_prog(const char *dev, int prog_fd)
{
	int ifindex = ifindex_parse(dev), err;

	if (ifindex < 0) {
		fprintf(stderr, "xdpbench: %s: %s\n", dev, strerror(-ifindex));
		return ifindex;
	}
	err = bpf_xdp_attach(ifindex, prog_fd, XDP_MODE, NULL);
	if (err)
		fprintf(stderr, "xdpbench: attach to %s: %s\n", dev,
			strerror(-err));
	return err;
}

static int repin(struct bpf_map *map, const char *path)
{
	int err;

	if (unlink(path) && errno != ENOENT)
		return -errno;
	err = bpf_map__pin(map, path);
	if (err)
		fprintf(stderr, "xdpbench: pin %s: %s\n", path, strerror(-err));
	return err;
}

static int cmd_sink_attach(struct cmd_args *a)
{
	struct xdp_sink *skel;
	int err;

	if (!a->pin || a->nargs != 1)
		return -EINVAL;
	skel = xdp_sink__open();
	if (!skel)
		return -errno;
	skel->rodata->validate = a->validate;
	err = xdp_sink__load(skel);
	if (!err)
		err = repin(skel->maps.sink_counters, a->pin);
	if (!err)
		err = attach_prog(a->args[0],
				  bpf_program__fd(skel->progs.xdp_sink));
	xdp_sink__destroy(skel);
	return err;
}

static int sink_read(const char *path, struct sink_counters *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	struct sink_counters *percpu;
	__u32 key = 0;
	int fd, cpu, err = 0;

	if (ncpus < 0)
		return ncpus;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu) {
		close(fd);
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(fd, &key, percpu))
		err = -errno;
	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; !err && cpu < ncpus; cpu++) {
		sum->packets += percpu[cpu].packets;
		sum->bytes += percpu[cpu].bytes;
		sum->csum_checked += percpu[cpu].csum_checked;
		sum->csum_bad += percpu[cpu].csum_bad;
	}
	free(percpu);
	close(fd);
	return err;
}

static int cmd_sink_read(struct cmd_args *a)
{
	struct sink_counters c;
	int err;

	if (a->nargs != 1)
		return -EINVAL;
	err = sink_read(a->args[0], &c);
	if (!err)
		printf("packets %llu bytes %llu csum_checked %llu csum_bad %llu\n",
		       (unsigned long long)c.packets,
		       (unsigned long long)c.bytes,
		       (unsigned long long)c.csum_checked,
		       (unsigned long long)c.csum_bad);
	return err;
}

static void sleep_sec(double sec)
{
	struct timespec ts = { .tv_sec = (time_t)sec,
			       .tv_nsec = (sec - (time_t)sec) * 1e9 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * CPU time the tasks in a comma separated list of PIDs ran, in ns, from
 * /proc/PID/schedstat: scheduler accounting, exact even for a kthread that
 * runs in bursts, and without the time a busy host steals from the vCPU.
 */
static int tasks_cpu_ns(const char *tasks, unsigned long long *ns)
{
	unsigned long long run;
	char path[64], *end;
	const char *p = tasks;
	long pid;
	FILE *f;
	int n;

	*ns = 0;
	while (*p) {
		pid = strtol(p, &end, 10);
		if (end == p || pid <= 0 || (*end && *end != ','))
			return -EINVAL;
		p = *end ? end + 1 : end;
		snprintf(path, sizeof(path), "/proc/%ld/schedstat", pid);
		f = fopen(path, "r");
		if (!f)
			return -errno;
		n = fscanf(f, "%llu", &run);
		fclose(f);
		if (n != 1)
			return -EIO;
		*ns += run;
	}
	return 0;
}

struct cpu_sample {
	struct sink_counters c;
	unsigned long long cpu_ns;
	double t;
};

static int sample(struct cmd_args *a, struct cpu_sample *s)
{
	int err = sink_read(a->args[0], &s->c);

	s->cpu_ns = 0;
	if (!err && a->tasks)
		err = tasks_cpu_ns(a->tasks, &s->cpu_ns);
	s->t = now_sec();
	return err;
}

/*
 * Packets per second at the counter, and per CPU-second of the --tasks:
 * the relay's NAPI thread and its CPU's ksoftirqd, which between them run
 * everything the relay CPU does for the packets (without
 * CONFIG_IRQ_TIME_ACCOUNTING, softirq work done on a task's way, such as
 * the sink's NAPI, is that task's time). The second figure stays
 * meaningful when others share the CPU.
 */
static int cmd_rate(struct cmd_args *a)
{
	struct cpu_sample s0, s1;
	unsigned long long packets;
	double secs, cpu;
	int err;

	if (a->nargs != 1)
		return -EINVAL;
	err = sample(a, &s0);
	if (err)
		return err;
	sleep_sec(a->window);
	err = sample(a, &s1);
	if (err)
		return err;
	packets = s1.c.packets - s0.c.packets;
	secs = s1.t - s0.t;
	cpu = (s1.cpu_ns - s0.cpu_ns) / 1e9;
	printf("pps=%.0f packets=%llu secs=%.3f", packets / secs, packets,
	       secs);
	if (a->tasks)
		printf(" cpu=%.3f busy=%.0f%% pps_cpu=%.0f", cpu,
		       100 * cpu / secs, cpu > 0 ? packets / cpu : 0);
	printf("\n");
	return 0;
}

/* a bounded poll: until the counter moves, or -ETIMEDOUT */
static int cmd_wait_traffic(struct cmd_args *a)
{
	struct sink_counters c0, c;
	double deadline = now_sec() + a->window;
	int err;

	if (a->nargs != 1)
		return -EINVAL;
	err = sink_read(a->args[0], &c0);
	while (!err && now_sec() < deadline) {
		sleep_sec(0.02);
		err = sink_read(a->args[0], &c);
		if (!err && c.packets != c0.packets)
			return 0;
	}
	return err ?: -ETIMEDOUT;
}

static int cmd_bare_attach(struct cmd_args *a)
{
	struct xdp_redirect_bare *skel;
	__u32 key = 0;
	int out, err;

	if (a->nargs != 2 || !a->have_smac || !a->have_dmac)
		return -EINVAL;
	out = ifindex_parse(a->args[1]);
	if (out < 0)
		return out;
	skel = xdp_redirect_bare__open();
	if (!skel)
		return -errno;
	memcpy((void *)&skel->rodata->macs[0], a->dmac, 6);
	memcpy((char *)&skel->rodata->macs[0] + 6, a->smac, 6);
	err = xdp_redirect_bare__load(skel);
	if (!err && bpf_map_update_elem(bpf_map__fd(skel->maps.bare_tx_port),
					&key, &out, BPF_ANY))
		err = -errno;
	if (!err)
		err = attach_prog(
			a->args[0],
			bpf_program__fd(skel->progs.xdp_redirect_bare));
	xdp_redirect_bare__destroy(skel);
	return err;
}

static int cmd_reflect_attach(struct cmd_args *a)
{
	struct xdp_reflect *skel;
	int err;

	if (a->nargs != 1)
		return -EINVAL;
	skel = xdp_reflect__open_and_load();
	if (!skel)
		return -errno;
	err = attach_prog(a->args[0], bpf_program__fd(skel->progs.xdp_reflect));
	xdp_reflect__destroy(skel);
	return err;
}

static int cmd_detach(struct cmd_args *a)
{
	int i, ifindex, err = 0;

	if (!a->nargs)
		return -EINVAL;
	for (i = 0; i < a->nargs; i++) {
		ifindex = ifindex_parse(a->args[i]);
		if (ifindex < 0) {
			err = ifindex;
			continue;
		}
		/* whatever mode it was attached in */
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
		bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	}
	return err;
}

static int cmd_siphon_attach(struct cmd_args *a)
{
	struct siphon_xdp *obj;
	struct siphon_maps maps;
	int i, ifindex, err;

	if (!a->pin_dir || !a->nargs)
		return -EINVAL;
	obj = siphon_xdp_load(a->pin_dir, a->max_flows, &err);
	if (!obj) {
		fprintf(stderr, "xdpbench: load siphon: %s\n", strerror(-err));
		return err;
	}
	siphon_maps_of(obj, &maps);
	for (i = 0; !err && i < a->nargs; i++) {
		ifindex = ifindex_parse(a->args[i]);
		if (ifindex < 0) {
			err = ifindex;
			break;
		}
		if (bpf_map_update_elem(maps.tx_ports_fd, &ifindex, &ifindex,
					BPF_ANY))
			err = -errno;
		if (!err)
			err = attach_prog(
				a->args[i],
				bpf_program__fd(obj->progs.siphon_xdp));
	}
	/* as siphonctl attach does: the fine clock once per NAPI poll */
	if (!err)
		err = poll_clock_attach(
			a->pin_dir,
			bpf_program__fd(obj->progs.siphon_poll_end));
	siphon_xdp__destroy(obj);
	return err;
}

/*
 * The XDP program of an object, maps pinned (and reused) by name; a
 * raw_tp program beside it goes on the napi_poll tracepoint, as siphonctl
 * attach does with siphon's (user/poll_clock.h).
 */
/*
 * An object with the inline flow table (siphon_flowidx) sizes its index
 * from the flows, and its program finds the index's bits in .rodata, as
 * bpf_loader.c does for siphon's own object.
 */
static int obj_flow_index(struct bpf_object *obj, __u32 max_flows)
{
	struct bpf_map *idx, *ro;
	const struct btf_var_secinfo *v;
	const struct btf_type *sec;
	struct btf *btf = bpf_object__btf(obj);
	__u32 nslots = flow_slots_for(max_flows);
	__u32 bits = flow_index_bits(nslots);
	const void *init;
	size_t size;
	char *data;
	int i, id, err;

	idx = bpf_object__find_map_by_name(obj, SIPHON_MAP_FLOW_IDX);
	if (!idx)
		return 0; /* a tree before the inline table */
	ro = bpf_object__find_map_by_name(obj, ".rodata");
	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) :
		   -ENOENT;
	if (!ro || id < 0)
		return -ENOENT;
	init = bpf_map__initial_value(ro, &size);
	data = init ? malloc(size) : NULL;
	if (!data)
		return -ENOMEM;
	memcpy(data, init, size);
	sec = btf__type_by_id(btf, id);
	v = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, v++) {
		if (strcmp(btf__name_by_offset(
				   btf,
				   btf__type_by_id(btf, v->type)->name_off),
			   "flow_idx_shift") ||
		    v->offset + sizeof(__u32) > size)
			continue;
		*(__u32 *)(data + v->offset) = 64 - bits;
		err = bpf_map__set_initial_value(ro, data, size);
		free(data);
		if (!err)
			err = bpf_map__set_max_entries(
				bpf_object__find_map_by_name(obj,
							     SIPHON_MAP_FLOWS),
				nslots);
		if (!err)
			err = bpf_map__set_max_entries(
				idx, flow_index_words(nslots));
		return err;
	}
	free(data);
	return -ENOENT;
}

static int cmd_obj_attach(struct cmd_args *a)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *p, *poll = NULL;
	struct bpf_map *map, *tx_ports = NULL;
	char path[PATH_MAX];
	int i, ifindex, err;

	if (!a->obj || !a->pin_dir || !a->nargs)
		return -EINVAL;
	obj = bpf_object__open_file(a->obj, NULL);
	if (!obj)
		return -errno;
	err = siphon_pin_dir_prepare(a->pin_dir);
	bpf_object__for_each_map(map, obj) {
		if (err || bpf_map__is_internal(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->pin_dir,
			 bpf_map__name(map));
		err = bpf_map__set_pin_path(map, path);
		if (!err && a->max_flows &&
		    !strcmp(bpf_map__name(map), SIPHON_MAP_FLOWS))
			err = bpf_map__set_max_entries(map, a->max_flows);
		if (!strcmp(bpf_map__name(map), SIPHON_MAP_TX_PORTS))
			tx_ports = map;
	}
	if (!err)
		err = obj_flow_index(obj,
				     a->max_flows ?: SIPHON_FLOWS_MAX_DEFAULT);
	prog = NULL;
	bpf_object__for_each_program(p, obj) {
		if (bpf_program__type(p) == BPF_PROG_TYPE_XDP && !prog)
			prog = p;
		if (bpf_program__type(p) == BPF_PROG_TYPE_RAW_TRACEPOINT)
			poll = p;
	}
	if (!err && (!prog || !tx_ports))
		err = -ENOENT;
	if (!err)
		err = bpf_object__load(obj);
	for (i = 0; !err && i < a->nargs; i++) {
		ifindex = ifindex_parse(a->args[i]);
		if (ifindex < 0) {
			err = ifindex;
			break;
		}
		if (bpf_map_update_elem(bpf_map__fd(tx_ports), &ifindex,
					&ifindex, BPF_ANY))
			err = -errno;
		if (!err)
			err = attach_prog(a->args[i], bpf_program__fd(prog));
	}
	if (!err && poll)
		err = poll_clock_attach(a->pin_dir, bpf_program__fd(poll));
	if (err)
		fprintf(stderr, "xdpbench: %s: %s\n", a->obj, strerror(-err));
	bpf_object__close(obj);
	return err;
}

static int cmd_siphon_stats(struct cmd_args *a)
{
	__u64 counters[SIPHON_REASON_MAX];
	struct siphon_maps maps;
	unsigned int i;
	int err;

	if (!a->pin_dir || a->nargs)
		return -EINVAL;
	err = siphon_maps_open(a->pin_dir, &maps);
	if (err)
		return err;
	err = stats_read(maps.stats_fd, counters);
	for (i = 0; !err && i < SIPHON_REASON_MAX; i++)
		if (counters[i])
			printf("%s %llu\n", reason_name(i),
			       (unsigned long long)counters[i]);
	siphon_maps_close(&maps);
	return err;
}

static const struct command {
	const char *name;
	int (*run)(struct cmd_args *a);
	double window; /* the default --window or --timeout */
} commands[] = {
	{ "sink-attach", cmd_sink_attach },
	{ "sink-read", cmd_sink_read },
	{ "rate", cmd_rate, 2.0 },
	{ "wait-traffic", cmd_wait_traffic, 5.0 },
	{ "bare-attach", cmd_bare_attach },
	{ "reflect-attach", cmd_reflect_attach },
	{ "detach", cmd_detach },
	{ "siphon-attach", cmd_siphon_attach },
	{ "siphon-stats", cmd_siphon_stats },
	{ "obj-attach", cmd_obj_attach },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xdpbench [--netns NS] COMMAND [options] ARGS\n"
		"  sink-attach [--validate] --pin PATH IF\n"
		"  sink-read PATH\n"
		"  rate [--window SEC] [--tasks PID,...] PATH\n"
		"  wait-traffic [--timeout SEC] PATH\n"
		"  bare-attach --smac MAC --dmac MAC IN OUT\n"
		"  reflect-attach IF\n"
		"  detach IF...\n"
		"  siphon-attach --pin-dir DIR [--max-flows N] IF...\n"
		"  siphon-stats --pin-dir DIR\n"
		"  obj-attach --obj FILE --pin-dir DIR [--max-flows N] IF...\n");
}

static int parse_cmd_opts(int argc, char **argv, struct cmd_args *a)
{
	static const struct option longopts[] = {
		{ "obj", required_argument, NULL, 'o' },
		{ "tasks", required_argument, NULL, 'k' },

		{ "pin", required_argument, NULL, 'p' },
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "window", required_argument, NULL, 'w' },
		{ "timeout", required_argument, NULL, 'w' },
		{ "max-flows", required_argument, NULL, 'f' },
		{ "smac", required_argument, NULL, 's' },
		{ "dmac", required_argument, NULL, 'm' },
		{ "validate", no_argument, NULL, 'v' },
		{},
	};
	char *end;
	int c, err = 0;

	optind = 1;
	while (!err &&
	       (c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->obj = optarg;
			break;
		case 'k':
			a->tasks = optarg;
			break;

		case 'p':
			a->pin = optarg;
			break;
		case 'd':
			a->pin_dir = optarg;
			break;
		case 'w':
			a->window = strtod(optarg, &end);
			if (*end || !(a->window > 0) || a->window > WINDOW_MAX)
				err = -EINVAL;
			break;
		case 'f':
			err = count_parse(optarg, 1U << 30, &a->max_flows);
			break;
		case 's':
			err = mac_parse(optarg, a->smac);
			a->have_smac = true;
			break;
		case 'm':
			err = mac_parse(optarg, a->dmac);
			a->have_dmac = true;
			break;
		case 'v':
			a->validate = true;
			break;
		default:
			return -EINVAL;
		}
	}
	a->nargs = argc - optind;
	a->args = argv + optind;
	return err;
}

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct cmd_args a = {};
	const char *netns = NULL;
	unsigned int i;
	int err;

	log_capture_libbpf();
	if (argc > 2 && !strcmp(argv[1], "--netns")) {
		netns = argv[2];
		argc -= 2;
		argv += 2;
	}
	for (i = 0; argc > 1 && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		usage(stderr);
		return 2;
	}
	a.window = cmd->window;
	if (parse_cmd_opts(argc - 1, argv + 1, &a)) {
		usage(stderr);
		return 2;
	}
	err = netns_enter(netns);
	if (err) {
		fprintf(stderr, "xdpbench: netns %s: %s\n", netns,
			strerror(-err));
		return 1;
	}
	err = cmd->run(&a);
	if (err == -EINVAL)
		usage(stderr);
	if (err)
		fprintf(stderr, "xdpbench: %s: %s\n", cmd->name,
			strerror(-err));
	return err ? 1 : 0;
}
