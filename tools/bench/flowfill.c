// SPDX-License-Identifier: GPL-2.0-only
/*
 * flowfill: install many media flows into siphon's pinned flow table, the
 * ones xdpgen sends to, or flush the map. Flow i of ports x addrs has the
 * key relay+i/ports : port-base+i%ports, expects the generator's source,
 * and leaves from out-src to out-dst on the same port number. With
 * --nh-ifindex the next hop is cached in the flow; without it the relay
 * looks it up in the FIB per packet.
 *
 *   flowfill --pin-dir DIR --flush
 *   flowfill --pin-dir DIR --relay IP [--addrs N] [--port-base P]
 *            [--ports N] --peer IP[:PORT] --out-src IP --out-dst IP
 *            [--nh-ifindex N --nh-smac MAC --nh-dmac MAC]
 *   flowfill --pin-dir DIR --mem
 *   flowfill --pin-dir DIR --del --relay IP [--addrs N] [--port-base P]
 *            [--ports N]
 *
 * A --peer without a port makes LEARN-latch flows. --flush empties the
 * table (flow_table_flush); --del removes exactly the flows such a command
 * added, one key at a time, and leaves any others.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "../net/benchnet.h"
#include "bpf_loader.h"
#include "endpoint.h"
#include "flow_table.h"
#include "log.h"
#include "siphon/maps.h"

#define CHUNK 65536 /* flows per batch: 8 MB of keys and values */

struct opts {
	const char *pin_dir;
	bool flush, mem, add, del, rtp;
	struct endpoint relay, peer, out_src, out_dst;
	__u32 addrs, ports;
	__u16 port_base;
	unsigned long long nh_ifindex;
	__u8 nh_smac[6], nh_dmac[6];
	bool have_smac, have_dmac;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: flowfill --pin-dir DIR [--flush] [--mem] [--del]\n"
		"         [--relay IP [--addrs N] [--port-base P] [--ports N]\n"
		"          --peer IP[:PORT] --out-src IP --out-dst IP\n"
		"          [--nh-ifindex N --nh-smac MAC --nh-dmac MAC] [--rtp]]\n"
		"  --flush      remove every flow first\n"
		"  --mem        print the flow map's kernel memory per entry\n"
		"  --del        delete the flows --relay/--addrs/--ports name\n"
		"  --relay IP   first relay address (the flows' keys)\n"
		"  --addrs N    relay addresses IP .. IP+N-1 (1)\n"
		"  --port-base  first relay port (10000)\n"
		"  --ports N    ports per relay address (1)\n"
		"  --peer       the expected source; no port: learn it\n"
		"  --out-src    relayed packets leave from this address\n"
		"  --out-dst    and go to this one, on the relay port number\n"
		"  --nh-*       cache the next hop (else: FIB lookup per packet)\n"
		"  --rtp        mark the flows RTP (8 kHz): XDP measures loss "
		"and jitter\n");
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "flush", no_argument, NULL, 'F' },
		{ "mem", no_argument, NULL, 'M' },
		{ "del", no_argument, NULL, 'X' },
		{ "rtp", no_argument, NULL, 'T' },
		{ "relay", required_argument, NULL, 'r' },
		{ "addrs", required_argument, NULL, 'A' },
		{ "port-base", required_argument, NULL, 'p' },
		{ "ports", required_argument, NULL, 'P' },
		{ "peer", required_argument, NULL, 'e' },
		{ "out-src", required_argument, NULL, 's' },
		{ "out-dst", required_argument, NULL, 't' },
		{ "nh-ifindex", required_argument, NULL, 'i' },
		{ "nh-smac", required_argument, NULL, 'S' },
		{ "nh-dmac", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	unsigned long long v;
	int c, err = 0, have = 0;

	*o = (struct opts){ .addrs = 1, .ports = 1, .port_base = 10000 };
	while (!err &&
	       (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->pin_dir = optarg;
			break;
		case 'F':
			o->flush = true;
			break;
		case 'M':
			o->mem = true;
			break;
		case 'X':
			o->del = true;
			break;
		case 'T':
			o->rtp = true;
			break;
		case 'r':
			err = endpoint_parse(optarg, true, &o->relay);
			have |= 1;
			break;
		case 'A':
			err = count_parse(optarg, 1 << 24, &v);
			o->addrs = v;
			break;
		case 'p':
			err = count_parse(optarg, 65535, &v);
			o->port_base = v;
			break;
		case 'P':
			err = count_parse(optarg, 65536, &v);
			o->ports = v;
			break;
		case 'e':
			err = endpoint_parse(optarg, true, &o->peer);
			have |= 2;
			break;
		case 's':
			err = endpoint_parse(optarg, true, &o->out_src);
			have |= 4;
			break;
		case 't':
			err = endpoint_parse(optarg, true, &o->out_dst);
			have |= 8;
			break;
		case 'i':
			err = count_parse(optarg, 1U << 31, &o->nh_ifindex);
			break;
		case 'S':
			err = mac_parse(optarg, o->nh_smac);
			o->have_smac = true;
			break;
		case 'D':
			err = mac_parse(optarg, o->nh_dmac);
			o->have_dmac = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (err) {
		fprintf(stderr, "flowfill: bad value for %s\n",
			argv[optind - 1]);
		return err;
	}
	o->add = have != 0 && !o->del;
	if (o->del && have != 1) {
		usage(stderr);
		return -EINVAL;
	}
	if (optind != argc || !o->pin_dir || (o->add && have != 15) ||
	    !o->addrs || !o->ports ||
	    (!o->add && !o->del && !o->flush && !o->mem) ||
	    (o->nh_ifindex && (!o->have_smac || !o->have_dmac))) {
		usage(stderr);
		return -EINVAL;
	}
	if (o->relay.family != SIPHON_AF_INET && (o->add || o->del) &&
	    (o->addrs > 1 || o->ports > 1)) {
		fprintf(stderr, "flowfill: many flows are IPv4 only\n");
		return -EINVAL;
	}
	if ((o->add || o->del) && o->port_base + o->ports - 1 > 65535) {
		fprintf(stderr, "flowfill: ports run past 65535\n");
		return -EINVAL;
	}
	return 0;
}

/* the relay address and port of flow i, counted as xdpgen walks them */
static void relay_of(const struct opts *o, __u64 i, struct endpoint *relay)
{
	*relay = o->relay;
	if (o->relay.family == SIPHON_AF_INET)
		relay->addr[0] = htonl(ntohl(o->relay.addr[0]) + i / o->ports);
	relay->port = htons(o->port_base + i % o->ports);
}

static int make_flow(const struct opts *o, __u64 i, struct siphon_flow_key *key,
		     struct siphon_flow *flow)
{
	struct flow_spec spec = {
		.peer = o->peer,
		.out_src = o->out_src,
		.out_dst = o->out_dst,
	};
	int err;

	relay_of(o, i, &spec.relay);
	spec.out_src.port = spec.relay.port;
	spec.out_dst.port = spec.relay.port;
	flow_key_of(&spec.relay, key);
	err = flow_value_of(&spec, flow);
	if (!err && o->rtp)
		flow_set_rtp(flow, SIPHON_RTP_CLOCK_DEFAULT);
	if (err || !o->nh_ifindex)
		return err;
	flow->flags |= SIPHON_FLOW_NH_CACHED;
	flow->nh_ifindex = o->nh_ifindex;
	memcpy(flow->nh_smac, o->nh_smac, sizeof(flow->nh_smac));
	memcpy(flow->nh_dmac, o->nh_dmac, sizeof(flow->nh_dmac));
	return 0;
}

static int fill(struct flow_table *ft, const struct opts *o, __u64 total)
{
	struct siphon_flow_key *keys;
	struct siphon_flow *flows;
	__u64 done = 0, i;
	__u32 n;
	int err = 0;

	keys = calloc(CHUNK, sizeof(*keys));
	flows = calloc(CHUNK, sizeof(*flows));
	if (!keys || !flows) {
		err = -ENOMEM;
		goto out;
	}
	while (!err && done < total) {
		n = total - done < CHUNK ? total - done : CHUNK;
		for (i = 0; !err && i < n; i++)
			err = make_flow(o, done + i, &keys[i], &flows[i]);
		if (!err)
			err = flow_table_add_batch(ft, keys, flows, n);
		done += n;
	}
out:
	free(keys);
	free(flows);
	return err;
}

/* returns how many of the flows existed, or -errno */
static long long del_flows(struct flow_table *ft, const struct opts *o,
			   __u64 total)
{
	struct siphon_flow_key key;
	struct endpoint relay;
	long long found = 0;
	__u64 i;
	int err;

	for (i = 0; i < total; i++) {
		relay_of(o, i, &relay);
		flow_key_of(&relay, &key);
		err = flow_table_del(ft, &key);
		if (err == -ENOENT)
			continue;
		if (err)
			return err;
		found++;
	}
	return found;
}

/* what the kernel charges for a map, from the map fd's fdinfo */
static int map_mem(int fd, unsigned long long *memlock,
		   unsigned long long *max_entries)
{
	unsigned long long v;
	char path[64], line[128];
	FILE *f;

	*memlock = *max_entries = 0;
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "memlock: %llu", &v) == 1)
			*memlock = v;
		else if (sscanf(line, "max_entries: %llu", &v) == 1)
			*max_entries = v;
	}
	fclose(f);
	return *memlock && *max_entries ? 0 : -ENODATA;
}

/* the slots and the index, per flow the table can hold */
static int print_mem(struct flow_table *ft)
{
	unsigned long long slots_mem, slots, idx_mem, words;
	int err;

	err = map_mem(ft->slots_fd, &slots_mem, &slots);
	if (!err)
		err = map_mem(ft->idx_fd, &idx_mem, &words);
	if (err)
		return err;
	printf("flow table: %llu slots, memlock %llu bytes, and %llu index "
	       "words, memlock %llu bytes: %.1f bytes per flow\n",
	       slots, slots_mem, words, idx_mem,
	       (double)(slots_mem + idx_mem) / slots);
	return 0;
}

/*
 * A program built from a tree before the inline table (an older
 * siphon as tools/bench/relay --variant) keeps its flows in a hash:
 * flushed and filled the way that tree did, to price it in the same run.
 */
static int hash_flush(int fd)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	struct siphon_flow_key keys[256];
	struct siphon_flow vals[256];
	__u32 token, count;
	bool first = true;

	for (;;) {
		count = 256;
		if (bpf_map_lookup_and_delete_batch(fd, first ? NULL : &token,
						    &token, keys, vals, &count,
						    &opts))
			return errno == ENOENT ? 0 : -errno;
		first = false;
	}
}

static int hash_fill(int fd, const struct opts *o, __u64 total)
{
	struct siphon_flow_key key;
	struct siphon_flow flow;
	__u64 i;
	int err;

	for (i = 0; i < total; i++) {
		err = make_flow(o, i, &key, &flow);
		if (!err && bpf_map_update_elem(fd, &key, &flow, BPF_ANY))
			err = -errno;
		if (err)
			return err;
	}
	return 0;
}

static int hash_main(const struct opts *o)
{
	char path[4200];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", o->pin_dir, SIPHON_MAP_FLOWS);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (o->flush)
		err = hash_flush(fd);
	if (!err && o->add)
		err = hash_fill(fd, o, (__u64)o->addrs * o->ports);
	if (!err)
		printf("flowfill: %s is a hash (an older program): %s\n", path,
		       o->add ? "filled" : "flushed");
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	struct siphon_maps maps = { .stats_fd = -1, .tx_ports_fd = -1 };
	__u64 total;
	double t0;
	struct opts o;
	int err, n;

	log_capture_libbpf();
	if (parse_opts(argc, argv, &o))
		return 2;
	err = siphon_maps_open(o.pin_dir, &maps);
	if (err == -EBADSLT) {
		err = hash_main(&o);
		if (err)
			fprintf(stderr, "flowfill: %s\n", strerror(-err));
		return err ? 1 : 0;
	}
	if (err) {
		fprintf(stderr, "flowfill: open maps in %s: %s\n", o.pin_dir,
			strerror(-err));
		return 1;
	}
	if (o.flush) {
		t0 = now_sec();
		n = flow_table_flush(&maps.flows);
		if (n < 0) {
			err = n;
			fprintf(stderr, "flowfill: flush: %s\n",
				strerror(-err));
			goto out;
		}
		printf("flowfill: flushed %d flows in %.2f s\n", n,
		       now_sec() - t0);
	}
	if (o.del) {
		long long n_del;

		total = (__u64)o.addrs * o.ports;
		t0 = now_sec();
		n_del = del_flows(&maps.flows, &o, total);
		if (n_del < 0) {
			err = n_del;
			fprintf(stderr, "flowfill: del: %s\n", strerror(-err));
			goto out;
		}
		printf("flowfill: deleted %lld flows in %.2f s\n", n_del,
		       now_sec() - t0);
	}
	if (o.add) {
		total = (__u64)o.addrs * o.ports;
		t0 = now_sec();
		err = fill(&maps.flows, &o, total);
		if (err) {
			fprintf(stderr, "flowfill: add: %s%s\n", strerror(-err),
				err == -E2BIG || err == -ENOMEM ?
					" (map full? siphon attach --max-flows)" :
					"");
			goto out;
		}
		printf("flowfill: added %llu flows in %.2f s (%s next hop)\n",
		       (unsigned long long)total, now_sec() - t0,
		       o.nh_ifindex ? "cached" : "FIB");
	}
	if (o.mem) {
		err = print_mem(&maps.flows);
		if (err)
			fprintf(stderr, "flowfill: memory: %s\n",
				strerror(-err));
	}
out:
	siphon_maps_close(&maps);
	return err ? 1 : 0;
}
