/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bench for BPF_PROG_TEST_RUN tests: a private network namespace, veth
 * devices in it, and the real XDP program loaded with private maps.
 *
 * The namespace comes from unshare(CLONE_NEWNET) in the calling process.
 * The kselftest harness forks every test, so the namespace, its devices,
 * routes and sysctls disappear when the test's process exits, on any path,
 * and nothing reaches the root namespace.
 *
 * Loading and verifying the program takes most of a second, so the test
 * binary's parent process loads it once, before the harness forks, and
 * every test gets that one program with its maps put back as they were
 * right after the load (lab_maps_reset): each test still starts from the
 * empty maps a fresh load gives, whatever the test before it left.
 *
 * Functions return 0 or a negative errno; the tests assert on them.
 */
#ifndef SIPHON_TESTS_XDP_LAB_H
#define SIPHON_TESTS_XDP_LAB_H

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/siphon_xdp.skel.h"
#include "bpf_loader.h"

struct lab {
	struct siphon_xdp *obj;
	struct siphon_maps maps;
	int prog_fd;
};

/* what one BPF_PROG_TEST_RUN returned */
struct xdp_result {
	int verdict; /* XDP_PASS, ... */
	__u32 len;
	__u8 data[2048];
};

/* Run a shell command line; 0 when it exits 0. */
static inline int lab_sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static inline int lab_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -ENAMETOOLONG;
	rc = system(cmd);
	if (rc) {
		fprintf(stderr, "# command failed (%d): %s\n", rc, cmd);
		return -ECHILD;
	}
	return 0;
}

/* Write a value under /proc/sys/net, e.g. "ipv4/conf/all/forwarding". */
static inline int lab_sysctl(const char *name, const char *value)
{
	char path[256];
	ssize_t len = strlen(value);
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, value, len) != len)
		err = -errno ?: -EIO;
	close(fd);
	return err;
}

/* Move the calling process into a new, empty network namespace. */
static inline int lab_enter_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return lab_sh("ip link set lo up");
}

/*
 * A device with a fixed MAC address, up. This kernel has no dummy driver
 * (CONFIG_DUMMY is off), so it is one end of a veth pair; the peer, NAME
 * followed by "p", is up too so the device has carrier.
 */
static inline int lab_device(const char *name, const char *mac)
{
	int err;

	err = lab_sh("ip link add %s address %s type veth peer name %sp", name,
		     mac, name);
	if (!err)
		err = lab_sh("ip link set %sp up && ip link set %s up", name,
			     name);
	return err;
}

static inline int lab_ifindex(const char *name)
{
	unsigned int ifindex = if_nametoindex(name);

	return ifindex ? (int)ifindex : -errno;
}

/* the object the parent loaded before the harness forked, or NULL */
static struct siphon_xdp *lab_loaded_once;

/* Every key of a hash-like map deleted. */
static inline int lab_map_empty(int fd, __u32 key_size)
{
	__u8 key[key_size];

	/* deleting the first key each time walks a map that shrinks */
	while (!bpf_map_get_next_key(fd, NULL, key))
		if (bpf_map_delete_elem(fd, key))
			return -errno;
	return errno == ENOENT ? 0 : -errno;
}

/* Every slot of an array zeroed; per-CPU arrays on every CPU. */
static inline int lab_array_zero(int fd, __u32 entries, size_t value_bytes)
{
	void *zero = calloc(1, value_bytes);
	int err = 0;
	__u32 i;

	if (!zero)
		return -ENOMEM;
	for (i = 0; i < entries && !err; i++)
		if (bpf_map_update_elem(fd, &i, zero, BPF_ANY))
			err = -errno;
	free(zero);
	return err;
}

/* The same for an mmapable array (the flow table): one memset. */
static inline int lab_array_zero_mapped(int fd, __u32 entries,
					size_t value_bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t bytes = (size_t)entries * ((value_bytes + 7) & ~(size_t)7);
	void *mem;

	bytes = (bytes + page - 1) / page * page;
	mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	memset(mem, 0, bytes);
	munmap(mem, bytes);
	return 0;
}

static inline int lab_ring_discard(void *ctx, void *data, size_t len)
{
	(void)ctx, (void)data, (void)len;
	return 0;
}

/* Whatever records a ring buffer holds, read and thrown away: how many. */
static inline int lab_ring_drain(int fd)
{
	struct ring_buffer *rb;
	int err;

	rb = ring_buffer__new(fd, lab_ring_discard, NULL, NULL);
	if (!rb)
		return -errno;
	err = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return err;
}

/* One map back to its state after a fresh load. */
static inline int lab_map_reset(const struct bpf_map *map)
{
	int fd = bpf_map__fd(map), ncpus, err;
	size_t value = bpf_map__value_size(map);

	switch (bpf_map__type(map)) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
	case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_DEVMAP_HASH:
		return lab_map_empty(fd, bpf_map__key_size(map));
	case BPF_MAP_TYPE_ARRAY:
		/* .rodata and friends are frozen and never change */
		if (bpf_map__is_internal(map))
			return 0;
		if (bpf_map__map_flags(map) & BPF_F_MMAPABLE)
			return lab_array_zero_mapped(
				fd, bpf_map__max_entries(map), value);
		return lab_array_zero(fd, bpf_map__max_entries(map), value);
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		ncpus = libbpf_num_possible_cpus();
		if (ncpus < 0)
			return ncpus;
		value = ((value + 7) & ~(size_t)7) * ncpus;
		return lab_array_zero(fd, bpf_map__max_entries(map), value);
	case BPF_MAP_TYPE_RINGBUF:
		err = lab_ring_drain(fd);
		return err < 0 ? err : 0;
	default:
		/* a map type this file does not know how to reset */
		return -EOPNOTSUPP;
	}
}

static inline int lab_maps_reset(struct siphon_xdp *obj)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, obj->obj) {
		err = lab_map_reset(map);
		if (err) {
			fprintf(stderr, "# resetting map %s: %s\n",
				bpf_map__name(map), strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * Runs in the test binary's parent before main(). Without root or with a
 * program that does not load, nothing happens here and each test loads
 * for itself, so the failure is reported by the test that needs it.
 */
__attribute__((constructor)) static void lab_load_once(void)
{
	int err = 0;

	lab_loaded_once = siphon_xdp_load(NULL, 0, &err);
}

/* The XDP program, its maps private to this test binary and empty. */
static inline int lab_load(struct lab *lab)
{
	int err = 0;

	flow_index_init(&lab->maps.flows);
	lab->maps.stats_fd = lab->maps.tx_ports_fd = -1;
	if (lab_loaded_once) {
		lab->obj = lab_loaded_once;
		err = lab_maps_reset(lab->obj);
	} else {
		lab->obj = siphon_xdp_load(NULL, 0, &err);
		if (!lab->obj)
			return err ?: -EINVAL;
	}
	if (err)
		return err;
	siphon_maps_of(lab->obj, &lab->maps);
	lab->prog_fd = bpf_program__fd(lab->obj->progs.siphon_xdp);
	return lab->prog_fd < 0 ? lab->prog_fd : 0;
}

static inline void lab_unload(struct lab *lab)
{
	/* the map fds are dups (siphon_maps_of); the parent's object stays
	 * loaded */
	if (lab->obj)
		siphon_maps_close(&lab->maps);
	if (lab->obj && lab->obj != lab_loaded_once)
		siphon_xdp__destroy(lab->obj);
	lab->obj = NULL;
}

/* Allow redirects to ifindex: key and value are both the ifindex. */
static inline int lab_tx_port_add(struct lab *lab, int ifindex)
{
	__u32 key = ifindex, value = ifindex;

	if (bpf_map_update_elem(lab->maps.tx_ports_fd, &key, &value, BPF_ANY))
		return -errno;
	return 0;
}

static inline int lab_tx_port_del(struct lab *lab, int ifindex)
{
	__u32 key = ifindex;

	if (bpf_map_delete_elem(lab->maps.tx_ports_fd, &key))
		return -errno;
	return 0;
}

/*
 * Run the program once on len bytes of frame as if received on ifindex.
 * The kernel refuses frames shorter than an Ethernet header with -EINVAL.
 */
static inline int lab_run(struct lab *lab, int ifindex, const void *frame,
			  __u32 len, struct xdp_result *res)
{
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = ifindex,
	};
	/* clang-format off */
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.data_out = res->data,
		.data_size_out = sizeof(res->data),
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	/* clang-format on */
	int err;

	memset(res, 0, sizeof(*res));
	err = bpf_prog_test_run_opts(lab->prog_fd, &opts);
	if (err)
		return err < 0 ? err : -EINVAL;
	res->verdict = opts.retval;
	res->len = opts.data_size_out;
	return 0;
}

#endif /* SIPHON_TESTS_XDP_LAB_H */
