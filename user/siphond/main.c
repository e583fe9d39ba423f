// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond: the SIP proxy and registrar of siphon. Reads its config, opens
 * its listeners, and runs one event loop until SIGTERM; SIGHUP re-reads
 * routes, trusted peers, domains and credentials; SIGUSR1 writes every
 * counter to the log (as does a clean stop).
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "dialog.h"
#include "log.h"
#include "proxy.h"
#include "siphond.h"

#define DEFAULT_CONFIG "/etc/siphon/siphond.conf"
/* how often expired bindings are swept */
#define EXPIRE_SWEEP_MS 1000

static struct siphond daemon_state;

struct signal_handler {
	struct ev_handler h;
	struct siphond *d;
};

static int send_for_txn(void *tu, struct sd_peer *to, const char *buf,
			size_t len)
{
	return sd_send(tu, to, buf, len);
}

static const struct txn_ops proxy_ops = {
	.response = proxy_on_response,
	.failed = proxy_on_failed,
	.gone = proxy_on_gone,
	.send = send_for_txn,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: siphond [-c CONFIG] [-t]\n"
		   "  -c, --config FILE  configuration (default " DEFAULT_CONFIG
		   ")\n"
		   "  -t, --check        read the configuration and exit\n"
		   "  -h, --help         this text\n");
}

/* bindings in [registrar] state_file, and those a last run left there */
static int keep_registrations(struct siphond *d)
{
	const struct location_stats *ls;
	char err[512];

	if (!d->cfg.registrar_state_file[0])
		return 0;
	if (location_persist(d->loc, d->cfg.registrar_state_file, d->loop.now,
			     err, sizeof(err))) {
		pr_err("%s\n", err);
		return -1;
	}
	ls = location_stats(d->loc);
	if (ls->restored)
		pr_info("registrar: %llu bindings of %llu AORs taken over "
			"from the last run\n",
			(unsigned long long)ls->restored,
			(unsigned long long)ls->aors);
	return 0;
}

static int load_credentials(struct siphond *d, char *err, size_t errlen)
{
	struct credentials *c;

	if (!d->cfg.credentials[0])
		return 0;
	c = credentials_load(d->cfg.credentials, d->cfg.realm, err, errlen);
	if (!c) {
		pr_err("%s\n", err);
		return -1;
	}
	if (!d->auth) {
		d->auth = auth_new(d->cfg.realm, d->cfg.nonce_lifetime_s,
				   d->cfg.nonce_max_uses);
		if (!d->auth) {
			credentials_free(c);
			snprintf(err, errlen, "out of memory");
			pr_err("%s\n", err);
			return -1;
		}
	}
	auth_set_md5_first(d->auth, d->cfg.md5_first);
	pr_info("%u users in %s\n", credentials_count(c), d->cfg.credentials);
	auth_set_credentials(d->auth, c);
	return 0;
}

/* SIGHUP, and the control socket's "reload" */
int sd_reload(struct siphond *d, char *err, size_t errlen)
{
	char why[512];

	if (config_reload(&d->cfg, d->config_path, err, errlen)) {
		pr_err("reload refused, old configuration kept: %s\n", err);
		return -1;
	}
	if (load_credentials(d, why, sizeof(why))) {
		/* the routes and peers took effect; the old users stay */
		snprintf(err, errlen, "credentials not reloaded: %s", why);
		pr_err("%s\n", err);
		return -1;
	}
	sd_shield_apply(d->shield);
	pr_info("configuration reloaded: %u routes, %u trusted peers\n",
		d->cfg.nroutes, d->cfg.ntrusted);
	return 0;
}

static void on_signal(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct signal_handler *sh = (struct signal_handler *)h;
	struct signalfd_siginfo si;

	(void)events;
	while (read(h->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			char err[512];

			sd_reload(sh->d, err, sizeof(err));
			continue;
		}
		if (si.ssi_signo == SIGUSR1) {
			sd_stats_log(sh->d);
			continue;
		}
		pr_info("signal %u: stopping\n", si.ssi_signo);
		evloop_stop(l);
	}
}

static void on_expire(struct tw_timer *t)
{
	struct siphond *d = &daemon_state;

	(void)t;
	location_expire(d->loc, d->loop.now);
	if (d->media)
		media_reap(d->media, d->loop.now);
	evloop_arm(&d->loop, &d->expire_timer, EXPIRE_SWEEP_MS);
}

static void flush(void *arg)
{
	struct siphond *d = arg;

	udp_flush(d->udp);
	media_wakeup_done(d->media);
}

static int open_listeners(struct siphond *d)
{
	char addr[SD_ADDRSTRLEN];
	unsigned int i;
	int err;

	for (i = 0; i < d->cfg.nlisten; i++) {
		const struct cfg_listen *l = &d->cfg.listen[i];

		sd_sockaddr_str(&l->addr, addr, sizeof(addr));
		err = l->proto == SD_PROTO_TCP ?
			      tcp_listen(d->tcp, (uint16_t)i, &l->addr) :
			      udp_listen(d->udp, (uint16_t)i, &l->addr);
		if (err) {
			pr_err("cannot listen on %s %s: %s\n",
			       sd_proto_name(l->proto), addr, strerror(-err));
			return -1;
		}
		pr_info("listening on %s %s\n", sd_proto_name(l->proto), addr);
	}
	return 0;
}

static int open_signals(struct siphond *d, struct signal_handler *sh)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	sh->d = d;
	sh->h.fn = on_signal;
	sh->h.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sh->h.fd < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return evloop_add(&d->loop, &sh->h, EPOLLIN);
}

static int setup(struct siphond *d, struct signal_handler *sh)
{
	char why[512];
	struct txn_conf tc = {
		.max = d->cfg.max_transactions,
		.t1_ms = d->cfg.t1_ms,
		.t2_ms = d->cfg.t2_ms,
		.t4_ms = d->cfg.t4_ms,
	};

	if (getrandom(&d->secret, sizeof(d->secret), 0) < 0)
		d->secret = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if (evloop_init(&d->loop))
		return -1;
	d->udp = udp_new(&d->loop, sip_in, d);
	d->tcp = tcp_new(&d->loop, d->cfg.tcp_max_connections,
			 d->cfg.tcp_idle_ms, sip_in, d);
	d->txns = txn_table_new(&d->loop, &tc, &proxy_ops, d);
	d->loc = location_new(d->cfg.max_bindings, d->cfg.max_bindings_per_aor);
	if (!d->udp || !d->tcp || !d->txns || !d->loc) {
		pr_err("out of memory\n");
		return -1;
	}
	if (keep_registrations(d))
		return -1;
	d->reg.loc = d->loc;
	d->reg.cfg = &d->cfg;
	if (load_credentials(d, why, sizeof(why)) || open_listeners(d))
		return -1;
	if (d->cfg.media_anchor) {
		char err[512];

		d->media = media_new(&d->cfg, err, sizeof(err));
		if (!d->media) {
			pr_err("%s\n", err);
			return -1;
		}
		pr_info("media anchored on the XDP relay, ports %u-%u\n",
			d->cfg.media_port_min, d->cfg.media_port_max);
		dialog_attach(d);
	}
	/* after media: the relay address is looked at once at the start */
	if (d->cfg.xdp_reattach || d->media) {
		d->nl = netlink_open(d, why, sizeof(why));
		if (!d->nl)
			pr_warn("%s: interfaces that come back are not attached "
				"again, nor is the relay address followed\n",
				why);
	}
	d->shield = sd_shield_new(&d->loop, &d->cfg);
	if (control_open(d, &d->ctl, why, sizeof(why))) {
		pr_err("%s\n", why);
		return -1;
	}
	if (metrics_open(d, &d->metrics, why, sizeof(why))) {
		pr_err("%s\n", why);
		return -1;
	}
	if (open_signals(d, sh)) {
		pr_err("signals: %s\n", strerror(errno));
		return -1;
	}
	evloop_after(&d->loop, flush, d);
	tw_timer_init(&d->expire_timer, on_expire);
	evloop_arm(&d->loop, &d->expire_timer, EXPIRE_SWEEP_MS);
	return 0;
}

static void teardown(struct siphond *d, struct signal_handler *sh)
{
	if (d->udp)
		udp_flush(d->udp);
	metrics_close(d->metrics);
	control_close(d->ctl);
	txn_table_free(d->txns);
	udp_free(d->udp);
	tcp_free(d->tcp);
	location_free(d->loc);
	netlink_close(d->nl);
	/* the calls stay up, their flows and records pinned for the next
	 * siphond to take over (media_restore.c) */
	media_free(d->media);
	sd_shield_free(d->shield);
	auth_free(d->auth);
	if (sh->h.fd > 0)
		close(sh->h.fd);
	evloop_fini(&d->loop);
	if (d->cfg.pid_file[0])
		unlink(d->cfg.pid_file);
}

static int write_pid_file(const char *path)
{
	FILE *f;

	if (!path[0])
		return 0;
	f = fopen(path, "w");
	if (!f) {
		pr_err("pid file %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%d\n", getpid());
	return fclose(f);
}

/*
 * glibc gives the top of the heap back to the kernel once 128 KB there
 * are free, and a wake-up of siphond frees about what it allocated: the
 * next one then faulted fresh pages in (2.8 page faults a call under
 * tools/bench/cps --media, a tenth of siphond's CPU). What siphond
 * freed is kept for reuse, up to HEAP_KEEP_BYTES.
 */
#define HEAP_KEEP_BYTES (64 << 20)

static void heap_keep(void)
{
	mallopt(M_TRIM_THRESHOLD, HEAP_KEEP_BYTES);
	mallopt(M_TOP_PAD, 1 << 20);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct siphond *d = &daemon_state;
	struct signal_handler sh = { .h.fd = -1 };
	bool check_only = false;
	char err[512];
	int c, rc = 1;

	d->config_path = DEFAULT_CONFIG;
	while ((c = getopt_long(argc, argv, "c:th", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d->config_path = optarg;
			break;
		case 't':
			check_only = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	log_set_tag("siphond");
	log_set_level(LOG_LEVEL_INFO);
	config_defaults(&d->cfg);
	if (config_load(&d->cfg, d->config_path, err, sizeof(err))) {
		pr_err("%s\n", err);
		return 1;
	}
	log_set_level(d->cfg.log_level);
	if (check_only) {
		printf("%s: configuration ok\n", d->config_path);
		return 0;
	}
	heap_keep();
	if (setup(d, &sh) == 0 && write_pid_file(d->cfg.pid_file) == 0) {
		pr_info("ready\n");
		rc = evloop_run(&d->loop) ? 1 : 0;
		sd_stats_log(d);
	}
	teardown(d, &sh);
	pr_info("stopped\n");
	return rc;
}
