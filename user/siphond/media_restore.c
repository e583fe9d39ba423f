// SPDX-License-Identifier: GPL-2.0-only
/*
 * A siphond starting where another left off: the call store still holds
 * the sessions of the calls it had, and the flow map their flows, which
 * kept forwarding all along. Each answered call whose relay ports are
 * still ours is taken over as it was, so its BYE (or its silence) ends it
 * as if nothing had happened. A call that was still being set up cannot
 * go on (its INVITE transaction died with the old process) and is
 * dropped, and so is a call on an address or ports the configuration no
 * longer gives the relay. Last, flows on the relay's ports that no call
 * owns are removed: no flow outlives its call, however the last run ended.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "flow_table.h"
#include "hash.h"
#include "log.h"
#include "media_convert.h"
#include "media_internal.h"

static bool same_relay(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && !memcmp(a->addr, b->addr, 16);
}

/* the pairs of every stream; false (none kept) when one is not ours */
static bool claim_ports(struct media *md, const struct media_session *ms)
{
	uint16_t port[2 * SDP_MEDIA_MAX];
	unsigned int i, n = 0, k;

	for (i = 0; i < ms->nstreams && i < SDP_MEDIA_MAX; i++) {
		if (ms->s[i].caller_side)
			port[n++] = ms->s[i].caller_side;
		if (ms->s[i].callee_side)
			port[n++] = ms->s[i].callee_side;
	}
	for (k = 0; k < n; k++) {
		if (media_ports_claim(&md->ports, port[k]))
			break;
	}
	if (k == n)
		return true;
	/* before media_ports_claims_done(), a put undoes a claim */
	while (k--)
		media_ports_put(&md->ports, port[k]);
	return false;
}

static bool can_go_on(struct media *md, const struct media_session *ms)
{
	return ms->magic == MEDIA_SESSION_MAGIC && ms->answered_ms &&
	       ms->nstreams <= SDP_MEDIA_MAX && ms->tag_len < MEDIA_TAG_MAX &&
	       same_relay(&ms->relay, &md->relay) && claim_ports(md, ms);
}

/*
 * A call that cannot go on. Its flows on the relay's address and ports
 * are orphans the sweep removes; on an address the relay no longer has,
 * they are removed here.
 */
static void drop(struct media *md, struct media_session *ms)
{
	unsigned int i;

	if (ms->magic == MEDIA_SESSION_MAGIC &&
	    !same_relay(&ms->relay, &md->relay)) {
		for (i = 0; i < ms->nstreams && i < SDP_MEDIA_MAX; i++) {
			const struct media_stream *s = &ms->s[i];
			uint16_t port[2] = { s->caller_side, s->callee_side };
			unsigned int j;

			for (j = 0; j < 2; j++) {
				if (!port[j])
					continue;
				media_flow_remove(md, &ms->relay, port[j]);
				media_flow_remove(md, &ms->relay, port[j] + 1);
			}
		}
	}
	memset(ms, 0, sizeof(*ms));
	md->stats.restore_dropped++;
}

static bool party_sane(const struct dialog_party *p)
{
	return p->party_len < DIALOG_PARTY_MAX &&
	       p->target_len < DIALOG_URI_MAX &&
	       p->route_len < DIALOG_ROUTE_MAX;
}

/*
 * The dialog goes on with its call, so the call can still be hung up
 * with BYE; one whose lengths make no sense is only flows now.
 */
static void check_dialog(struct media_session *ms)
{
	struct media_dialog *dg = &ms->dialog;

	if (dg->state == DIALOG_CONFIRMED && party_sane(&dg->p[0]) &&
	    party_sane(&dg->p[1]))
		return;
	if (dg->state == DIALOG_NONE)
		return;
	memset(dg, 0, sizeof(*dg));
	dg->state = DIALOG_UNUSABLE;
}

static void adopt(struct media *md, struct media_session *ms)
{
	unsigned int i;

	check_dialog(ms);
	media_session_link(md, ms);
	if (ms->gen >= md->next_gen)
		md->next_gen = ms->gen + 1;
	/* the flow map may be younger than the store (re-created by a
	 * detach and attach): what is missing goes back, what is there
	 * keeps its counters and its latch */
	for (i = 0; i < ms->nstreams; i++)
		if (ms->s[i].answered)
			media_stream_install(md, ms, &ms->s[i], false);
	md->stats.sessions++;
	md->stats.restored++;
}

/* chain the free slots, lowest first */
static void chain_free_slots(struct media *md)
{
	uint32_t i = md->max;

	md->free_head = -1;
	while (i--) {
		if (md->slots[i].gen)
			continue;
		md->slots[i].hnext = md->free_head;
		md->free_head = (int32_t)i;
	}
}

struct orphans {
	struct media *md;
	struct siphon_flow_key *keys;
	uint32_t n, cap;
};

static int note_orphan(const struct siphon_flow_key *key,
		       const struct siphon_flow *flow, void *arg)
{
	struct orphans *o = arg;
	struct media *md = o->md;
	struct endpoint ep;
	uint16_t port;

	(void)flow;
	endpoint_of_key(key, &ep);
	port = ntohs(ep.port);
	ep.port = 0;
	if (!same_relay(&ep, &md->relay) ||
	    !media_ports_own(&md->ports, port) ||
	    media_ports_busy(&md->ports, port))
		return 0;
	if (o->n == o->cap) {
		uint32_t cap = o->cap ? 2 * o->cap : 64;
		void *k = realloc(o->keys, cap * sizeof(*o->keys));

		if (!k)
			return -ENOMEM;
		o->keys = k;
		o->cap = cap;
	}
	o->keys[o->n++] = *key;
	return 0;
}

/* flows on the relay's ports that no call holds */
static void sweep_orphans(struct media *md)
{
	struct orphans o = { .md = md };
	uint32_t i;
	int r;

	/* deleting while walking would restart the walk: collect first */
	r = flow_table_walk(&md->maps.flows, note_orphan, &o);
	if (r)
		pr_warn("media: looking for flows no call owns: %s\n",
			strerror(-r));
	for (i = 0; i < o.n; i++)
		if (!flow_table_del(&md->maps.flows, &o.keys[i]))
			md->stats.orphan_flows++;
	free(o.keys);
}

/*
 * A record of this size whose magic is another layout's (a change that
 * kept the size): converted in place when a converter knows it. The store
 * converts records of another size as it opens (media_store.h).
 */
static bool convert_in_place(struct media_session *ms, const char **name)
{
	struct media_session *copy;
	bool done;

	if (ms->magic == MEDIA_SESSION_MAGIC)
		return false;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return false;
	memcpy(copy, ms, sizeof(*copy));
	done = media_record_convert(copy, sizeof(*copy), ms, name);
	free(copy);
	return done;
}

static void report_store(const struct media *md,
			 const struct media_store_open_info *info)
{
	if (info->relaid && info->was_rec_size != sizeof(struct media_session))
		pr_warn("media: the call store was of another siphond "
			"(%u-byte records, now %zu): %u calls converted from "
			"%s, %u dropped\n",
			info->was_rec_size, sizeof(struct media_session),
			info->converted,
			info->was_layout ? info->was_layout : "no known layout",
			info->lost);
	else if (info->relaid)
		pr_warn("media: the call store held %u calls, now %u: %u calls "
			"carried over, %u dropped\n",
			info->was_nrec, md->max, info->adopted, info->lost);
}

void media_restore(struct media *md, const struct media_store_open_info *info)
{
	const char *layout = NULL;
	uint32_t i, converted = 0;

	report_store(md, info);
	md->next_gen = 1;
	for (i = 0; i < md->max; i++) {
		struct media_session *ms = &md->slots[i];

		if (!ms->gen)
			continue;
		converted += convert_in_place(ms, &layout);
		if (can_go_on(md, ms)) {
			ms->hash = (uint32_t)sd_hash_str(
				SD_HASH_INIT,
				sip_str_of(ms->call_id, ms->call_id_len));
			adopt(md, ms);
		} else {
			drop(md, ms);
		}
	}
	if (converted)
		pr_warn("media: %u calls of the store converted from %s\n",
			converted, layout);
	md->stats.restore_dropped += info->lost;
	media_ports_claims_done(&md->ports);
	chain_free_slots(md);
	sweep_orphans(md);
	if (md->stats.restored || md->stats.restore_dropped ||
	    md->stats.orphan_flows)
		pr_info("media: %llu calls taken over from the last run, %llu "
			"dropped, %llu flows no call owned removed\n",
			(unsigned long long)md->stats.restored,
			(unsigned long long)md->stats.restore_dropped,
			(unsigned long long)md->stats.orphan_flows);
}
