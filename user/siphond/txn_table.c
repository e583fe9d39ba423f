// SPDX-License-Identifier: GPL-2.0-only
/*
 * The transaction table: allocation within the configured bound, a hash
 * on the branch (or the RFC 2543 key), and the end of every transaction.
 * See txn.h.
 */
#include "txn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"

uint32_t txn_hash_branch(const char *p, size_t len)
{
	return (uint32_t)sd_hash_bytes(SD_HASH_INIT, p, len);
}

struct txn_table *txn_table_new(struct evloop *l, const struct txn_conf *c,
				const struct txn_ops *ops, void *tu)
{
	struct txn_table *tab = calloc(1, sizeof(*tab));
	uint32_t n = 64;

	if (!tab)
		return NULL;
	while (n < c->max && n < (1u << 24))
		n <<= 1;
	tab->buckets = calloc(n, sizeof(*tab->buckets));
	if (!tab->buckets) {
		free(tab);
		return NULL;
	}
	tab->nbuckets = n;
	tab->loop = l;
	tab->conf = *c;
	tab->ops = ops;
	tab->tu = tu;
	return tab;
}

void txn_set_timers(struct txn_table *tab, uint32_t t1, uint32_t t2,
		    uint32_t t4)
{
	tab->conf.t1_ms = t1;
	tab->conf.t2_ms = t2;
	tab->conf.t4_ms = t4;
}

static void txn_free(struct txn *t)
{
	free(t->req);
	free(t->resp);
	free(t->ack);
	free(t);
}

void txn_table_free(struct txn_table *tab)
{
	uint32_t i;

	if (!tab)
		return;
	for (i = 0; i < tab->nbuckets; i++) {
		struct txn *t = tab->buckets[i], *next;

		for (; t; t = next) {
			next = t->hnext;
			evloop_cancel(tab->loop, &t->t_retx);
			evloop_cancel(tab->loop, &t->t_fail);
			evloop_cancel(tab->loop, &t->t_end);
			txn_free(t);
		}
	}
	free(tab->buckets);
	free(tab);
}

const struct txn_stats *txn_stats(const struct txn_table *tab)
{
	return &tab->stats;
}

struct txn *txn_bucket(struct txn_table *tab, uint32_t hash)
{
	return tab->buckets[hash & (tab->nbuckets - 1)];
}

void txn_link(struct txn_table *tab, struct txn *t)
{
	struct txn **head = &tab->buckets[t->hash & (tab->nbuckets - 1)];

	t->hnext = *head;
	*head = t;
}

static void txn_unlink(struct txn *t)
{
	struct txn_table *tab = t->tab;
	struct txn **pp = &tab->buckets[t->hash & (tab->nbuckets - 1)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == t) {
			*pp = t->hnext;
			return;
		}
	}
}

struct txn *txn_alloc(struct txn_table *tab, enum txn_kind kind)
{
	struct txn *t;

	if (tab->stats.active >= tab->conf.max) {
		tab->stats.table_full++;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		tab->stats.table_full++;
		return NULL;
	}
	t->kind = kind;
	t->tab = tab;
	t->owner_slot = -1;
	tab->stats.active++;
	return t;
}

void txn_terminate(struct txn *t)
{
	struct txn_table *tab = t->tab;

	t->state = TXN_TERMINATED;
	evloop_cancel(tab->loop, &t->t_retx);
	evloop_cancel(tab->loop, &t->t_fail);
	evloop_cancel(tab->loop, &t->t_end);
	if (t->owner)
		tab->ops->gone(tab->tu, t);
	txn_unlink(t);
	tab->stats.active--;
	txn_free(t);
}

int txn_send(struct txn *t, const char *buf, size_t len)
{
	struct txn_table *tab = t->tab;
	int err = tab->ops->send(tab->tu, &t->peer, buf, len);

	if (err)
		tab->stats.transport_errors++;
	return err;
}

void txn_arm(struct txn *t, struct tw_timer *timer, uint64_t ms)
{
	evloop_arm(t->tab->loop, timer, ms);
}

char *txn_dup(const char *buf, size_t len)
{
	char *p = malloc(len + 1);

	if (p) {
		memcpy(p, buf, len);
		p[len] = 0;
	}
	return p;
}
