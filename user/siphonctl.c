// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl: attach siphon's XDP relay to interfaces, manage media flows and
 * read the counters from the pinned maps; ask siphond over its control
 * socket for its status, registrations and counters, to reload, and to
 * change its log level.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bpf_loader.h"
#include "control_proto.h"
#include "ctl.h"
#include "log.h"
#include "siphon/maps.h"

static const struct ctl_command commands[] = {
	{ "attach", ctl_attach,
	  "attach IFACE... [--mode auto|native|generic] [--max-flows N]\n"
	  "\t\t[--sip-port PORT[,PORT...]]" },
	{ "detach", ctl_detach, "detach IFACE..." },
	{ "flow", ctl_flow,
	  "flow add RELAY:PORT from PEER[:PORT] to DEST:PORT src RELAY:PORT\n"
	  "\t\t[nexthop auto|cache|fib] [replace] [rtp] [clock HZ]\n"
	  "  flow del RELAY:PORT\n"
	  "  flow list\n"
	  "  flow show [RELAY:PORT] [--interval MS | --rate]\n"
	  "  flow flush\n"
	  "  flow refresh [--follow [SECONDS]]" },
	{ "stats", ctl_stats, "stats" },
	{ "top", ctl_top,
	  "top [--interval SECONDS] [--count N] [--calls N]" },
	{ "shield", ctl_shield,
	  "shield [show]\n"
	  "  shield rule classify|not-sip|bad-start|scanner|block|rate|options on|off\n"
	  "  shield ports PORT[,PORT...]|default\n"
	  "  shield scanners list|add TEXT|del TEXT|reset\n"
	  "  shield allow|block [list] | add PREFIX | del PREFIX\n"
	  "  shield ban PREFIX [--for SECONDS]\n"
	  "  shield unban PREFIX\n"
	  "  shield list\n"
	  "  shield stats" },
	{ "status", ctl_status, "status", true },
	{ "registrations", ctl_registrations, "registrations", true },
	{ "calls", ctl_calls,
	  "calls [list]\n  calls show CALL-ID\n  calls hangup CALL-ID", true },
	{ "reload", ctl_reload, "reload", true },
	{ "log-level", ctl_log_level, "log-level [error|warn|info|debug]",
	  true },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out,
		"usage: siphonctl [OPTIONS] COMMAND [ARGS]\n\n"
		"options:\n"
		"  -d, --pin-dir DIR   pinned maps and links (default %s,\n"
		"                      %s-NAME with --netns, or $SIPHON_PIN_DIR)\n"
		"  -n, --netns NAME    run inside network namespace NAME\n"
		"  -s, --socket PATH   siphond's control socket (default %s,\n"
		"                      or $SIPHON_SOCKET)\n"
		"  -j, --json          JSON output\n"
		"  -v, --verbose       more messages (twice: libbpf debug)\n"
		"  -h, --help          this text\n\n"
		"commands:\n",
		SIPHON_PIN_DIR_DEFAULT, SIPHON_PIN_DIR_DEFAULT,
		SIPHON_CONTROL_SOCKET_DEFAULT);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "\nstatus, registrations, calls, reload and log-level ask "
		     "siphond over its socket;\n"
		     "stats reads the XDP maps, and siphond's counters when "
		     "it answers;\n"
		     "top shows both live, and only the XDP side when "
		     "siphond is down.\n");
	fprintf(out, "\nexit status: 0 done, 1 failed, 2 bad command line, "
		     "3 siphond not running,\n"
		     "             4 permission denied on siphond's socket, "
		     "5 no such call\n");
}

int ctl_fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("siphonctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

int ctl_open_maps(struct ctl *ctl, struct siphon_maps *maps)
{
	int err = siphon_maps_open(ctl->pin_dir, maps);

	if (err == -ENOENT)
		return ctl_fail(CTL_FAILED,
				"siphon is not loaded in %s (a pinned map is "
				"missing): run 'siphonctl attach IFACE' first",
				ctl->pin_dir);
	if (err)
		return ctl_fail(CTL_FAILED, "cannot open maps in %s: %s",
				ctl->pin_dir, strerror(-err));
	return CTL_OK;
}

int ctl_print_json(json_t *value)
{
	int err;

	if (!value)
		return ctl_fail(CTL_FAILED, "out of memory");
	err = json_dumpf(value, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(value);
	putchar('\n');
	return err ? CTL_FAILED : CTL_OK;
}

/*
 * Pins name interfaces, which only mean something in one network namespace:
 * each namespace gets its own directory unless one is given.
 */
static const char *default_pin_dir(const char *netns, char *buf, size_t len)
{
	const char *base;

	if (!netns)
		return SIPHON_PIN_DIR_DEFAULT;
	base = strrchr(netns, '/') ? strrchr(netns, '/') + 1 : netns;
	snprintf(buf, len, "%s-%s", SIPHON_PIN_DIR_DEFAULT, base);
	return buf;
}

static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd, err = 0;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctl_fail(CTL_FAILED, "network namespace %s: %s", name,
				strerror(errno));
	if (setns(fd, CLONE_NEWNET))
		err = ctl_fail(CTL_FAILED, "cannot enter namespace %s: %s",
			       name, strerror(errno));
	close(fd);
	return err;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'd' },
		{ "netns", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ctl ctl = {
		.pin_dir = getenv("SIPHON_PIN_DIR"),
		.socket = getenv("SIPHON_SOCKET"),
	};
	const char *netns = NULL;
	char pin_buf[PATH_MAX];
	int opt, verbose = 0;
	size_t i;

	/* '+': options after the command belong to the command */
	while ((opt = getopt_long(argc, argv, "+d:n:s:jvh", opts, NULL)) !=
	       -1) {
		switch (opt) {
		case 'd':
			ctl.pin_dir = optarg;
			break;
		case 'n':
			netns = optarg;
			break;
		case 's':
			ctl.socket = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return CTL_OK;
		default:
			usage(stderr);
			return CTL_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CTL_USAGE;
	}
	if (!ctl.pin_dir || !*ctl.pin_dir)
		ctl.pin_dir = default_pin_dir(netns, pin_buf, sizeof(pin_buf));
	if (!ctl.socket || !*ctl.socket)
		ctl.socket = SIPHON_CONTROL_SOCKET_DEFAULT;
	log_set_level(verbose >= 2 ? LOG_LEVEL_DEBUG :
		      verbose	   ? LOG_LEVEL_INFO :
				     LOG_LEVEL_WARN);
	log_capture_libbpf();

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		/* siphond's socket says who may ask it, not siphonctl */
		if (!commands[i].daemon && geteuid() != 0)
			return ctl_fail(
				CTL_FAILED,
				"must run as root (pinned BPF maps and XDP "
				"programs are root's)");
		if (netns && enter_netns(netns))
			return CTL_FAILED;
		/* the command sees its own name as argv[0] */
		optind++;
		return commands[i].run(&ctl, argc - optind + 1,
				       argv + optind - 1);
	}
	ctl_fail(CTL_USAGE, "unknown command '%s'", argv[optind]);
	usage(stderr);
	return CTL_USAGE;
}
