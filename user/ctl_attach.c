// SPDX-License-Identifier: GPL-2.0-only
/* siphonctl attach / detach */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/libbpf.h>

#include "bpf/siphon_xdp.skel.h"
#include "bpf_loader.h"
#include "ctl.h"
#include "poll_clock.h"
#include "shield.h"
#include "siphon/maps.h"
#include "xdp_attach.h"
#include "xdp_wish.h"

static int parse_mode(const char *text, enum xdp_mode *mode)
{
	if (!strcmp(text, "auto"))
		*mode = XDP_MODE_AUTO;
	else if (!strcmp(text, "native"))
		*mode = XDP_MODE_NATIVE;
	else if (!strcmp(text, "generic"))
		*mode = XDP_MODE_GENERIC;
	else
		return -EINVAL;
	return 0;
}

static int parse_max_flows(const char *text, __u32 *max)
{
	unsigned long val;
	char *end;

	errno = 0;
	val = strtoul(text, &end, 10);
	if (errno || *end || *text == '-' || val < 1 || val > (1UL << 26))
		return -EINVAL;
	*max = val;
	return 0;
}

static const char *attach_error(int err)
{
	switch (err) {
	case -ENODEV:
		return "no such interface";
	case -EBUSY:
	case -EEXIST:
		return "another XDP program is attached (see 'ip link show')";
	case -EOPNOTSUPP:
		return "the driver has no native XDP (try --mode generic)";
	case -E2BIG:
		return "siphon is attached to as many interfaces as it can "
		       "forward between (256): detach one first";
	case -ERANGE:
	case -EINVAL:
		return "the driver refused the program; often the MTU is too "
		       "large for XDP (a veth needs it on both ends): lower "
		       "it, or see 'siphonctl -v'";
	default:
		return strerror(-err);
	}
}

/*
 * The shield's maps as a fresh attach leaves them: the SIP ports when
 * given, the scanner patterns seeded once (an operator's list survives).
 */
static int shield_setup(struct siphon_xdp *obj, const char *ports)
{
	int shield_fd = bpf_map__fd(obj->maps.siphon_shield);
	struct siphon_shield_cfg cfg;
	int err;

	if (ports) {
		err = shield_cfg_read(shield_fd, &cfg);
		if (!err)
			err = shield_ports_parse(ports, cfg.sip_ports);
		if (!err)
			err = shield_cfg_write(shield_fd, &cfg);
		if (err)
			return err;
	}
	return shield_scanners_seed(shield_fd,
				    bpf_map__fd(obj->maps.siphon_scanners));
}

/*
 * The operator's wish, for siphond to attach ifname again should it be
 * deleted and come back (Documentation/attach.md). Without it the attach
 * still stands; only that comeback would not be followed.
 */
static void remember(const char *pin_dir, const char *ifname,
		     enum xdp_mode mode, const struct attach_result *res)
{
	int err = xdp_wish_set(pin_dir, ifname, mode, res->generic);

	if (err)
		fprintf(stderr,
			"siphonctl: warning: %s: cannot record the attachment "
			"for siphond (%s): it will not re-attach it if the "
			"interface comes back\n",
			ifname, strerror(-err));
}

int ctl_attach(struct ctl *ctl, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "max-flows", required_argument, NULL, 'f' },
		{ "sip-port", required_argument, NULL, 'p' },
		{},
	};
	enum xdp_mode mode = XDP_MODE_AUTO;
	struct attach_result res;
	json_t *done;
	struct siphon_xdp *obj;
	__be16 ports[SIPHON_SIP_PORTS_MAX];
	const char *sip_ports = NULL;
	__u32 max_flows = 0;
	int opt, i, err, rc = CTL_OK;

	optind = 0; /* 0, not 1: GNU getopt must forget main()'s parse */
	while ((opt = getopt_long(argc, argv, "m:f:p:", opts, NULL)) != -1) {
		if (opt == 'm' && !parse_mode(optarg, &mode))
			continue;
		if (opt == 'f' && !parse_max_flows(optarg, &max_flows))
			continue;
		if (opt == 'p' && !shield_ports_parse(optarg, ports)) {
			sip_ports = optarg;
			continue;
		}
		return ctl_fail(
			CTL_USAGE,
			"attach: bad option (--mode auto|native|generic, "
			"--max-flows 1..67108864, --sip-port PORT[,PORT...] "
			"up to 8)");
	}
	if (optind >= argc)
		return ctl_fail(CTL_USAGE,
				"attach: name at least one interface");
	for (i = optind; i < argc; i++)
		if (!if_nametoindex(argv[i]))
			return ctl_fail(CTL_FAILED,
					"attach %s: no such interface",
					argv[i]);

	obj = siphon_xdp_load(ctl->pin_dir, max_flows, &err);
	/* these the loader has explained already */
	if (!obj && (err == -ERANGE || err == -EBADSLT || err == -EXDEV))
		return CTL_FAILED;
	if (!obj)
		return ctl_fail(CTL_FAILED,
				"cannot load the XDP program: %s (-v shows "
				"libbpf's and the verifier's messages)",
				strerror(-err));

	err = shield_setup(obj, sip_ports);
	if (err) {
		siphon_xdp__destroy(obj);
		return ctl_fail(CTL_FAILED, "cannot set up the SIP shield: %s",
				strerror(-err));
	}

	done = json_array();
	for (i = optind; i < argc; i++) {
		err = xdp_attach(obj, ctl->pin_dir, argv[i], mode, &res);
		if (err) {
			rc = ctl_fail(CTL_FAILED, "attach %s: %s", argv[i],
				      attach_error(err));
			continue;
		}
		remember(ctl->pin_dir, argv[i], mode, &res);
		if (ctl->json)
			json_array_append_new(
				done,
				json_pack("{s:s, s:s, s:b}", "interface",
					  argv[i], "mode",
					  res.generic ? "generic" : "native",
					  "replaced", res.replaced));
		else
			printf("%s: %s (%s mode)\n", argv[i],
			       res.replaced ? "program replaced" : "attached",
			       res.generic ? "generic" : "native");
	}
	/* siphond attaches this program again to an interface that comes
	 * back (the links hold it too, but only root opens it from there) */
	err = xdp_prog_pin(ctl->pin_dir,
			   bpf_program__fd(obj->progs.siphon_xdp));
	if (err)
		fprintf(stderr,
			"siphonctl: warning: cannot pin the program for "
			"siphond: %s\n",
			strerror(-err));
	/* RTP jitter's fine clock, read once per NAPI poll (bpf/clock.h) */
	err = poll_clock_attach(ctl->pin_dir,
				bpf_program__fd(obj->progs.siphon_poll_end));
	if (err)
		fprintf(stderr,
			"siphonctl: warning: cannot attach to the %s "
			"tracepoint: %s (XDP reads the clock for every RTP "
			"packet)\n",
			POLL_TRACEPOINT, strerror(-err));
	siphon_xdp__destroy(obj);
	if (ctl->json)
		ctl_print_json(json_pack("{s:o}", "attached", done));
	else
		json_decref(done);
	return rc;
}

int ctl_detach(struct ctl *ctl, int argc, char **argv)
{
	json_t *done;
	int i, err, rc = CTL_OK, tx_ports_fd;

	if (argc < 2)
		return ctl_fail(CTL_USAGE,
				"detach: name at least one interface");
	/* the tx port map alone: a flow table of another layout (left by
	 * another version) must not stop a detach */
	tx_ports_fd = siphon_map_open(ctl->pin_dir, SIPHON_MAP_TX_PORTS);
	if (tx_ports_fd == -ENOENT)
		return ctl_fail(CTL_FAILED,
				"siphon is not loaded in %s (a pinned map is "
				"missing): run 'siphonctl attach IFACE' first",
				ctl->pin_dir);
	if (tx_ports_fd < 0)
		return ctl_fail(CTL_FAILED, "cannot open maps in %s: %s",
				ctl->pin_dir, strerror(-tx_ports_fd));
	done = json_array();
	for (i = 1; i < argc; i++) {
		/* the wish goes first: siphond, seeing the program leave,
		 * must not attach it again */
		err = xdp_wish_clear(ctl->pin_dir, argv[i]);
		if (!err)
			err = xdp_detach(ctl->pin_dir, argv[i], tx_ports_fd);
		if (err == -ENOENT)
			rc = ctl_fail(CTL_FAILED,
				      "detach %s: siphon is not attached there",
				      argv[i]);
		else if (err)
			rc = ctl_fail(CTL_FAILED, "detach %s: %s", argv[i],
				      strerror(-err));
		else if (ctl->json)
			json_array_append_new(done, json_string(argv[i]));
		else
			printf("%s: detached\n", argv[i]);
	}
	close(tx_ports_fd);
	err = poll_clock_release_unused(ctl->pin_dir);
	if (err)
		fprintf(stderr,
			"siphonctl: warning: cannot remove the %s tracepoint "
			"link: %s\n",
			POLL_TRACEPOINT, strerror(-err));
	if (ctl->json)
		ctl_print_json(json_pack("{s:o}", "detached", done));
	else
		json_decref(done);
	return rc;
}
