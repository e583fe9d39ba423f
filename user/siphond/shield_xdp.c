// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphond and the XDP shield (shield_xdp.h): the [shield] section into
 * the pinned maps, bans logged once each, live calls' Call-IDs.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_loader.h"
#include "hash.h"
#include "log.h"
#include "shield.h"
#include "shield_live.h"
#include "shield_xdp.h"
#include "siphon/flow.h"

#define SWEEP_MS 1000
/* live calls older than live_call_max_s are looked for this often */
#define AGE_EVERY_SWEEPS 10
/* bans whose end siphond follows to log it */
#define BANS_TRACKED_MAX 1024

enum { F_ALLOW, F_BLOCK, F_BANS, F_SOURCES, F_RATE, F_LIVE, F_EVENTS,
       F_PEERS, F_GOOD, F_GEN, F_N };

static const char *const map_names[F_N] = {
	[F_ALLOW] = SIPHON_MAP_ALLOW,
	[F_BLOCK] = SIPHON_MAP_BLOCK,
	[F_BANS] = SIPHON_MAP_BANS,
	[F_SOURCES] = SIPHON_MAP_SOURCES,
	[F_RATE] = SIPHON_MAP_RATE,
	[F_LIVE] = SIPHON_MAP_LIVE_CALLS,
	[F_EVENTS] = SIPHON_MAP_SHIELD_EVENTS,
	[F_PEERS] = SIPHON_MAP_LIVE_PEERS,
	[F_GOOD] = SIPHON_MAP_KNOWN_GOOD,
	[F_GEN] = SIPHON_MAP_LISTS_GEN,
};

/* sources siphond vouched for lately (siphon_goodsrc), by slot */
#define GOOD_WRITTEN_SLOTS 1024
/* the most a source's end may lag behind what siphond would write */
#define GOOD_REWRITE_MAX_NS (60 * 1000000000ull)

struct good_written {
	struct siphon_source_key k;
	__u32 why;
	__u64 until_ns;
};

struct tracked_ban {
	struct siphon_source_key src;
	__u64 until_ns;
};

struct sd_shield {
	struct evloop *loop;
	const struct sd_config *cfg;
	int fd[F_N];
	bool open;
	bool said_missing;
	struct ring_buffer *rb;
	struct ev_handler h; /* the ring's epoll fd */
	struct tw_timer sweep;
	unsigned int sweeps;
	unsigned int nbans;
	struct tracked_ban bans[BANS_TRACKED_MAX];
	struct shield_stats stats;
	struct shield_live live; /* siphon_livecall and siphon_livepeer */
	struct good_written good[GOOD_WRITTEN_SLOTS];
	int opt_fd; /* siphon_options: absent in an older attached siphon */
	__u32 tag_secret;
};

static const char *source_str(const struct siphon_source_key *s, char *buf,
			      size_t len)
{
	struct siphon_prefix_key k = { .family = s->family };

	memcpy(k.addr, s->addr, sizeof(k.addr));
	k.prefixlen = SIPHON_PREFIX_FAMILY_BITS +
		      (s->family == SIPHON_AF_INET6 ? 128 : 32);
	return shield_prefix_str(&k, buf, len);
}

static void track_ban(struct sd_shield *sh,
		      const struct siphon_shield_event *ev)
{
	unsigned int i;

	for (i = 0; i < sh->nbans; i++) {
		if (!memcmp(&sh->bans[i].src, &ev->src, sizeof(ev->src))) {
			sh->bans[i].until_ns = ev->until_ns;
			return;
		}
	}
	if (sh->nbans == BANS_TRACKED_MAX) {
		sh->stats.bans_untracked++;
		return;
	}
	sh->bans[sh->nbans].src = ev->src;
	sh->bans[sh->nbans++].until_ns = ev->until_ns;
}

static int on_event(void *ctx, void *data, size_t len)
{
	const struct siphon_shield_event *ev = data;
	struct sd_shield *sh = ctx;
	__u64 now = shield_now_ns();
	char src[64];

	if (len < sizeof(*ev) || ev->type != SIPHON_SHIELD_EV_BAN)
		return 0;
	sh->stats.bans++;
	pr_warn("shield: %s banned for %llu s: over its %s budget\n",
		source_str(&ev->src, src, sizeof(src)),
		(unsigned long long)(ev->until_ns > now ?
					     (ev->until_ns - now + 500000000) /
						     1000000000 :
					     0),
		shield_rate_class_name(ev->class));
	track_ban(sh, ev);
	return 0;
}

static void on_ring(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct sd_shield *sh = container_of(h, struct sd_shield, h);

	(void)l;
	(void)events;
	ring_buffer__consume(sh->rb);
}

/* a ban that has run its time: logged once, unless it was renewed */
static void end_bans(struct sd_shield *sh, __u64 now)
{
	struct siphon_source v;
	unsigned int i = 0;
	char src[64];

	while (i < sh->nbans) {
		struct tracked_ban *b = &sh->bans[i];

		if (b->until_ns > now) {
			i++;
			continue;
		}
		if (!bpf_map_lookup_elem(sh->fd[F_SOURCES], &b->src, &v) &&
		    v.banned_until_ns > now) {
			b->until_ns = v.banned_until_ns;
			i++;
			continue;
		}
		pr_info("shield: ban of %s ended\n",
			source_str(&b->src, src, sizeof(src)));
		sh->stats.bans_ended++;
		*b = sh->bans[--sh->nbans];
	}
}

/*
 * Calls that ended a while ago (their BYE's retransmissions are over),
 * and calls nobody ended (a BYE siphond never saw), out of the map.
 */
static void age_live_calls(struct sd_shield *sh, __u64 now)
{
	__u64 max_ns = (__u64)sh->cfg->shield_live_call_max_s * 1000000000ull;

	sh->stats.live_calls_aged +=
		shield_live_age(&sh->live, now, max_ns,
				SIPHON_LIVE_CALL_LINGER_S * 1000000000ull);
}

/* a host siphond answers OPTIONS for, as XDP compares it */
static void options_host(struct siphon_options_cfg *oc, unsigned int *n,
			 const char *host)
{
	__u32 h = SIPHON_FNV_BASIS, len = 0;

	if (!host[0] || *n >= SIPHON_OPTIONS_HOSTS_MAX)
		return;
	for (; host[len]; len++)
		h = siphon_fnv1a(h, (__u8)tolower((unsigned char)host[len]));
	oc->hosts[*n].hash = h;
	oc->hosts[*n].len = len;
	++*n;
}

/*
 * Who siphond is, for the XDP answer to OPTIONS (bpf/sip_options.h), and
 * a heartbeat: the answer stops SIPHON_OPTIONS_ALIVE_NS after the last
 * one, so a siphond that is gone is not claimed alive. until 0 disarms.
 */
static void options_arm(struct sd_shield *sh, __u64 until)
{
	const struct sd_config *c = sh->cfg;
	struct siphon_options_cfg oc = { .alive_until_ns = until,
					 .tag_secret = sh->tag_secret };
	unsigned int i, nh = 0, np = 0;
	char text[INET6_ADDRSTRLEN + 2];
	__u32 key = 0;

	if (sh->opt_fd < 0)
		return;
	for (i = 0; i < c->ndomains; i++)
		options_host(&oc, &nh, c->domains[i]);
	options_host(&oc, &nh, c->advertise);
	for (i = 0; i < c->nlisten; i++) {
		const union sd_sockaddr *a = &c->listen[i].addr;

		if (c->listen[i].proto != SD_PROTO_UDP)
			continue;
		if (np < SIPHON_OPTIONS_PORTS_MAX)
			oc.ports[np++] = htons(sd_sockaddr_port(a));
		options_host(&oc, &nh, c->listen[i].host);
		if (a->sa.sa_family == AF_INET6 &&
		    inet_ntop(AF_INET6, &a->in6.sin6_addr, text + 1,
			      sizeof(text) - 2)) {
			text[0] = '[';
			strcat(text, "]");
			options_host(&oc, &nh, text);
		}
		if ((a->sa.sa_family == AF_INET &&
		     a->in.sin_addr.s_addr == htonl(INADDR_ANY)) ||
		    (a->sa.sa_family == AF_INET6 &&
		     IN6_IS_ADDR_UNSPECIFIED(&a->in6.sin6_addr)))
			oc.flags |= SIPHON_OPTIONS_DEST_ANY;
	}
	if (bpf_map_update_elem(sh->opt_fd, &key, &oc, BPF_ANY))
		pr_debug("shield: siphon_options not written: %s\n",
			 strerror(errno));
}

static void close_maps(struct sd_shield *sh)
{
	int i;

	if (sh->opt_fd >= 0) {
		options_arm(sh, 0);
		close(sh->opt_fd);
		sh->opt_fd = -1;
	}
	shield_live_close(&sh->live);
	if (sh->rb) {
		evloop_del(sh->loop, &sh->h);
		ring_buffer__free(sh->rb);
		sh->rb = NULL;
	}
	for (i = 0; i < F_N; i++) {
		if (sh->fd[i] >= 0)
			close(sh->fd[i]);
		sh->fd[i] = -1;
	}
	sh->open = false;
}

static int open_maps(struct sd_shield *sh)
{
	const char *dir = sh->cfg->media_pin_dir;
	int i, err = 0;

	for (i = 0; i < F_N && !err; i++) {
		sh->fd[i] = siphon_map_open(dir, map_names[i]);
		if (sh->fd[i] < 0)
			err = sh->fd[i];
	}
	if (!err) {
		sh->rb = ring_buffer__new(sh->fd[F_EVENTS], on_event, sh, NULL);
		err = sh->rb ? 0 : -errno;
	}
	if (!err) {
		sh->h.fd = ring_buffer__epoll_fd(sh->rb);
		sh->h.fn = on_ring;
		err = evloop_add(sh->loop, &sh->h, EPOLLIN);
		if (err) {
			ring_buffer__free(sh->rb);
			sh->rb = NULL;
		}
	}
	if (err) {
		if (!sh->said_missing)
			pr_warn("shield: no XDP shield in %s (%s): attach "
				"siphon (siphonctl attach IFACE...); [shield] "
				"applies when it is there\n",
				dir, strerror(-err));
		sh->said_missing = true;
		close_maps(sh);
		return err;
	}
	sh->open = true;
	memset(sh->good, 0, sizeof(sh->good)); /* maybe another map now */
	err = shield_live_open(&sh->live, sh->fd[F_LIVE], sh->fd[F_PEERS]);
	if (err)
		pr_warn("shield: siphon_livepeer not recounted: %s\n",
			strerror(-err));
	sh->opt_fd = siphon_map_open(dir, SIPHON_MAP_OPTIONS);
	if (sh->said_missing)
		pr_info("shield: XDP shield found in %s\n", dir);
	return 0;
}

static bool in_list(const struct siphon_prefix_key *k,
		    const struct siphon_prefix_key *list, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!memcmp(k, &list[i], sizeof(*k)))
			return true;
	return false;
}

/*
 * The config's prefixes into one list without a moment where an old one
 * is missing: add (an operator's entry of the same prefix stays the
 * operator's), then remove config entries no longer in the file.
 */
static int sync_list(int fd, const struct siphon_prefix_key *list,
		     unsigned int n)
{
	struct shield_prefix *all = calloc(SIPHON_PREFIXES_MAX, sizeof(*all));
	struct siphon_prefix_val cur;
	unsigned int i;
	int m, err = 0;

	if (!all)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++) {
		if (!bpf_map_lookup_elem(fd, &list[i], &cur) &&
		    cur.origin == SIPHON_ORIGIN_OPERATOR)
			continue;
		err = shield_prefix_add(fd, &list[i], SIPHON_ORIGIN_CONFIG, 0);
	}
	m = err ? 0 : shield_prefix_list(fd, all, SIPHON_PREFIXES_MAX);
	for (i = 0; m > 0 && i < (unsigned int)m; i++)
		if (all[i].val.origin == SIPHON_ORIGIN_CONFIG &&
		    !in_list(&all[i].key, list, n))
			bpf_map_delete_elem(fd, &all[i].key);
	free(all);
	return err ? err : (m < 0 ? m : 0);
}

/* a [trusted] peer as a prefix of the allow list */
static int trusted_prefix(const struct cfg_trusted *t,
			  struct siphon_prefix_key *k)
{
	char addr[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 5];
	int af = t->prefix.sa.sa_family;
	const void *a = af == AF_INET ? (const void *)&t->prefix.in.sin_addr :
					(const void *)&t->prefix.in6.sin6_addr;

	if (!inet_ntop(af, a, addr, sizeof(addr)))
		return -EINVAL;
	snprintf(text, sizeof(text), "%s/%u", addr, t->plen);
	return shield_prefix_parse(text, k);
}

/*
 * The allow list siphond keeps: [shield] allow, and every [trusted] peer.
 * A trunk sends a carrier's calls from one address, far over any budget
 * meant for a phone; it is trusted with authentication already, and must
 * never be banned. Returns how many.
 */
static unsigned int allow_list(const struct sd_config *c,
			       struct siphon_prefix_key *out)
{
	unsigned int i, n = c->nshield_allow;

	memcpy(out, c->shield_allow, n * sizeof(*out));
	for (i = 0; i < c->ntrusted; i++)
		if (!trusted_prefix(&c->trusted[i], &out[n]) &&
		    !in_list(&out[n], out, n))
			n++;
	return n;
}

void sd_shield_apply(struct sd_shield *sh)
{
	struct siphon_prefix_key
		allow[CFG_SHIELD_PREFIXES_MAX + CFG_TRUSTED_MAX];
	const struct sd_config *c;
	const struct siphon_rate_budget *b;
	unsigned int nallow;
	int err;

	if (!sh || !sh->cfg->shield_apply || (!sh->open && open_maps(sh)))
		return;
	c = sh->cfg;
	b = c->shield_rate.budget;
	nallow = allow_list(c, allow);
	err = shield_rate_write(sh->fd[F_RATE], &c->shield_rate);
	if (!err)
		err = sync_list(sh->fd[F_ALLOW], allow, nallow);
	if (!err)
		err = sync_list(sh->fd[F_BLOCK], c->shield_block,
				c->nshield_block);
	/* no ban set under the old lists is decided before reading */
	if (!err)
		err = shield_lists_changed(sh->fd[F_GEN]);
	if (err) {
		sh->stats.apply_failures++;
		pr_err("shield: [shield] not fully applied: %s\n",
		       strerror(-err));
		return;
	}
	sh->stats.applied++;
	options_arm(sh, shield_now_ns() + SIPHON_OPTIONS_ALIVE_NS);
	pr_info("shield: budgets INVITE %u/s burst %u, REGISTER %u/s burst "
		"%u, other %u/s burst %u, ban %u s, global %u/s burst %u "
		"(0: off); %u allowed (trusted peers included) and %u blocked "
		"prefixes from the config\n",
		b[SIPHON_RATE_INVITE].rate, b[SIPHON_RATE_INVITE].burst,
		b[SIPHON_RATE_REGISTER].rate, b[SIPHON_RATE_REGISTER].burst,
		b[SIPHON_RATE_OTHER].rate, b[SIPHON_RATE_OTHER].burst,
		c->shield_rate.ban_s, c->shield_rate.global.rate,
		c->shield_rate.global.burst, nallow, c->nshield_block);
}

static void on_sweep(struct tw_timer *t)
{
	struct sd_shield *sh = container_of(t, struct sd_shield, sweep);
	__u64 now = shield_now_ns();

	if (!sh->open)
		sd_shield_apply(sh);
	if (sh->open) {
		ring_buffer__consume(sh->rb);
		options_arm(sh, now + SIPHON_OPTIONS_ALIVE_NS);
		end_bans(sh, now);
		if (++sh->sweeps % AGE_EVERY_SWEEPS == 0) {
			age_live_calls(sh, now);
			shield_bans_sweep(sh->fd[F_BANS], now);
		}
	}
	evloop_arm(sh->loop, &sh->sweep, SWEEP_MS);
}

struct sd_shield *sd_shield_new(struct evloop *loop,
				const struct sd_config *cfg)
{
	struct sd_shield *sh = calloc(1, sizeof(*sh));
	int i;

	if (!sh)
		return NULL;
	sh->loop = loop;
	sh->cfg = cfg;
	for (i = 0; i < F_N; i++)
		sh->fd[i] = -1;
	sh->opt_fd = -1;
	sh->tag_secret = (__u32)random() ^ (__u32)shield_now_ns();
	open_maps(sh);
	sd_shield_apply(sh);
	tw_timer_init(&sh->sweep, on_sweep);
	evloop_arm(loop, &sh->sweep, SWEEP_MS);
	return sh;
}

void sd_shield_free(struct sd_shield *sh)
{
	if (!sh)
		return;
	evloop_cancel(sh->loop, &sh->sweep);
	close_maps(sh);
	free(sh);
}

/* the Call-ID hash as the classifier computes it (siphon/sip.h) */
/* the hash XDP computes of a Call-ID's value (bpf/sip_scan.h) */
static __u32 call_id_hash_of(const char *p, size_t len)
{
	__u32 h = SIPHON_FNV_BASIS;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t')
			h = siphon_fnv1a(h, (__u8)p[i]);
	return h;
}

static bool call_id_hash(struct sip_msg *m, __u32 *hash)
{
	struct sip_error e;
	const struct sip_str *cid = sip_msg_call_id(m, &e);

	if (!cid || !cid->len)
		return false;
	*hash = call_id_hash_of(cid->p, cid->len);
	return true;
}

/* the address XDP sees as the source of a peer's packets; false: none */
static bool source_key_of(const union sd_sockaddr *a,
			  struct siphon_source_key *k)
{
	memset(k, 0, sizeof(*k));
	if (!a)
		return false;
	if (a->sa.sa_family == AF_INET) {
		k->family = SIPHON_AF_INET;
		k->addr[0] = a->in.sin_addr.s_addr;
		return true;
	}
	if (a->sa.sa_family != AF_INET6)
		return false;
	/* a dual-stack socket's IPv4 peer is an IPv4 source to XDP */
	if (IN6_IS_ADDR_V4MAPPED(&a->in6.sin6_addr)) {
		k->family = SIPHON_AF_INET;
		memcpy(&k->addr[0], &a->in6.sin6_addr.s6_addr[12], 4);
		return true;
	}
	k->family = SIPHON_AF_INET6;
	memcpy(k->addr, &a->in6.sin6_addr, sizeof(k->addr));
	return true;
}

/*
 * Was k vouched for (why) so lately that writing it again would move its
 * end by less than a quarter of known_good_s (a minute at most)? A
 * trunk's or a busy phone's every call would otherwise be a system call.
 * The cost: a source the LRU map dropped (full) or an operator removed
 * is vouched for again that much later.
 */
static bool good_written_lately(struct sd_shield *sh,
				const struct siphon_source_key *k, __u32 why,
				__u64 until)
{
	const struct good_written *w =
		&sh->good[siphon_peer_slot(k) % GOOD_WRITTEN_SLOTS];
	__u64 lag = (__u64)sh->cfg->shield_known_good_s * 1000000000ull / 4;

	if (lag > GOOD_REWRITE_MAX_NS)
		lag = GOOD_REWRITE_MAX_NS;
	return w->why == why && w->until_ns + lag > until &&
	       !memcmp(&w->k, k, sizeof(*k));
}

static void known_good_key(struct sd_shield *sh,
			   const struct siphon_source_key *k, __u32 why)
{
	struct siphon_known_good g = { .why = why };
	struct good_written *w;

	g.until_ns = shield_now_ns() +
		     (__u64)sh->cfg->shield_known_good_s * 1000000000ull;
	if (good_written_lately(sh, k, why, g.until_ns))
		return;
	if (bpf_map_update_elem(sh->fd[F_GOOD], k, &g, BPF_ANY)) {
		if (!sh->stats.known_good_failed++)
			pr_warn("shield: siphon_goodsrc refused a source: "
				"%s\n",
				strerror(errno));
		return;
	}
	w = &sh->good[siphon_peer_slot(k) % GOOD_WRITTEN_SLOTS];
	w->k = *k;
	w->why = why;
	w->until_ns = g.until_ns;
	sh->stats.known_good++;
}

void sd_shield_known_good(struct sd_shield *sh, const union sd_sockaddr *a,
			  __u32 why)
{
	struct siphon_source_key k;

	if (sh && sh->open && sh->cfg->shield_known_good_s &&
	    source_key_of(a, &k))
		known_good_key(sh, &k, why);
}

void sd_shield_call_up(struct sd_shield *sh, struct sip_msg *m,
		       const union sd_sockaddr *caller,
		       const union sd_sockaddr *callee)
{
	struct siphon_live_call v = { .since_ns = shield_now_ns() };
	unsigned int i;
	__u32 hash;

	if (!sh || !sh->open || !call_id_hash(m, &hash))
		return;
	source_key_of(caller, &v.peer[0]);
	source_key_of(callee, &v.peer[1]);
	if (shield_live_up(&sh->live, hash, &v) == LIVE_PUT_FULL) {
		if (!sh->stats.live_calls_full++)
			pr_warn("shield: the live call map is full (%d): "
				"new calls are not protected from rate "
				"limits\n",
				SIPHON_LIVE_CALLS_MAX);
		return;
	}
	sh->stats.live_calls_up++;
	for (i = 0; i < 2; i++)
		if (v.peer[i].family && sh->cfg->shield_known_good_s)
			known_good_key(sh, &v.peer[i], SIPHON_GOOD_DIALOG);
}

/* not removed at once: the BYE's retransmissions must still pass */
static void call_down(struct sd_shield *sh, __u32 hash)
{
	if (shield_live_down(&sh->live, hash, shield_now_ns()))
		sh->stats.live_calls_down++;
}

void sd_shield_call_down(struct sd_shield *sh, struct sip_msg *m)
{
	__u32 hash;

	if (sh && sh->open && call_id_hash(m, &hash))
		call_down(sh, hash);
}

void sd_shield_call_down_id(struct sd_shield *sh, const char *call_id,
			    size_t len)
{
	if (sh && sh->open && len)
		call_down(sh, call_id_hash_of(call_id, len));
}

const struct shield_stats *sd_shield_stats(const struct sd_shield *sh)
{
	return &sh->stats;
}
