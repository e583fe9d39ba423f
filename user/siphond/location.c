// SPDX-License-Identifier: GPL-2.0-only
/*
 * The location service: a chained hash table of address-of-record
 * entries, each holding a short list of bindings. Entries and bindings are
 * allocated as they come and freed as they go, so memory follows the count;
 * the bucket array is the only fixed cost, a power of two sized from the
 * total bound.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "location.h"
#include "log.h"
#include "location_store.h"

#define LOC_BUCKETS_MIN 16u
#define LOC_BUCKETS_MAX (1u << 20)

struct loc_binding {
	struct binding b; /* first: lookup hands out &b and we map back */
	uint64_t stamp; /* when added or last refreshed, for ties in q */
	int32_t slot; /* its record in the state file, -1: none */
	struct loc_binding *next;
};

struct loc_aor {
	char aor[LOC_AOR_MAX];
	uint32_t hash;
	uint32_t nbindings;
	struct loc_binding *bindings;
	struct loc_aor *next;
};

struct location {
	uint32_t max_total, max_per_aor;
	uint32_t mask; /* buckets - 1 */
	uint64_t stamp; /* the last one handed out */
	/* no binding expires before this: the sweep has nothing to do */
	uint64_t next_expiry_ms;
	struct loc_aor **buckets;
	bool persist; /* store holds every binding */
	struct loc_store store;
	struct location_stats stats;
};

/* FNV-1a, 32 bits: short keys, cheap, spreads well enough for a table */
static uint32_t aor_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

static uint32_t bucket_count(uint32_t max_total)
{
	uint32_t n = LOC_BUCKETS_MIN;

	while (n < max_total && n < LOC_BUCKETS_MAX)
		n <<= 1;
	return n;
}

struct location *location_new(uint32_t max_total, uint32_t max_per_aor)
{
	struct location *l;
	uint32_t n;

	if (!max_total || !max_per_aor)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	n = bucket_count(max_total);
	l->buckets = calloc(n, sizeof(*l->buckets));
	if (!l->buckets) {
		free(l);
		return NULL;
	}
	l->mask = n - 1;
	l->next_expiry_ms = UINT64_MAX;
	l->max_total = max_total;
	l->max_per_aor = max_per_aor;
	return l;
}

static void aor_free(struct loc_aor *a)
{
	struct loc_binding *b, *next;

	for (b = a->bindings; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a);
}

void location_free(struct location *l)
{
	struct loc_aor *a, *next;
	uint32_t i;

	if (!l)
		return;
	for (i = 0; i <= l->mask; i++) {
		for (a = l->buckets[i]; a; a = next) {
			next = a->next;
			aor_free(a);
		}
	}
	free(l->buckets);
	loc_store_close(&l->store);
	free(l);
}

const struct location_stats *location_stats(const struct location *l)
{
	return &l->stats;
}

/* the host part of a key: lower-cased, since host names compare so */
static int append_lower(char *buf, size_t len, size_t at, struct sip_str s)
{
	uint32_t i;

	if (at + s.len >= len)
		return -1;
	for (i = 0; i < s.len; i++) {
		char c = s.p[i];

		buf[at + i] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
	}
	return (int)(at + s.len);
}

/* a tel: number without its visual separators (RFC 3966 section 5.1.1) */
static int tel_key(const struct sip_uri *uri, char *buf, size_t len)
{
	size_t n = 0;
	uint32_t i;

	for (i = 0; i < uri->number.len; i++) {
		char c = uri->number.p[i];

		if (c == '-' || c == '.' || c == '(' || c == ')')
			continue;
		if (n + 1 >= len)
			return -1;
		buf[n++] = c;
	}
	if (!n)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

int location_aor_key(const struct sip_uri *uri, char *buf, size_t len)
{
	int n = 0;

	if (!len)
		return -1;
	if (uri->scheme == SIP_URI_TEL)
		return tel_key(uri, buf, len);
	if (uri->user.len) {
		/* leave room for the '@' and at least the NUL */
		n = sip_uri_unescape(uri->user, buf, len - 1);
		if (n < 0 || (size_t)n + 1 >= len)
			return -1;
		buf[n++] = '@';
	}
	n = append_lower(buf, len, (size_t)n, uri->host);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static struct loc_aor *aor_find(struct location *l, const char *aor,
				uint32_t hash)
{
	struct loc_aor *a;

	for (a = l->buckets[hash & l->mask]; a; a = a->next)
		if (a->hash == hash && !strcmp(a->aor, aor))
			return a;
	return NULL;
}

static struct loc_aor *aor_lookup(struct location *l, const char *aor)
{
	return aor_find(l, aor, aor_hash(aor));
}

static struct loc_aor *aor_add(struct location *l, const char *aor)
{
	struct loc_aor *a = calloc(1, sizeof(*a));
	uint32_t hash = aor_hash(aor);

	if (!a)
		return NULL;
	strcpy(a->aor, aor); /* callers checked it fits */
	a->hash = hash;
	a->next = l->buckets[hash & l->mask];
	l->buckets[hash & l->mask] = a;
	l->stats.aors++;
	return a;
}

/* unlink and free an entry that has no binding left */
static void aor_drop_if_empty(struct location *l, struct loc_aor *a)
{
	struct loc_aor **pp;

	if (a->nbindings)
		return;
	for (pp = &l->buckets[a->hash & l->mask]; *pp; pp = &(*pp)->next) {
		if (*pp == a) {
			*pp = a->next;
			l->stats.aors--;
			free(a);
			return;
		}
	}
}

static void binding_unlink(struct location *l, struct loc_aor *a,
			   struct loc_binding **pp)
{
	struct loc_binding *b = *pp;

	*pp = b->next;
	a->nbindings--;
	l->stats.bindings--;
	if (l->persist)
		loc_store_release(&l->store, b->slot);
	free(b);
}

/* drop a's bindings whose time has come; the entry itself stays */
static unsigned int aor_expire(struct location *l, struct loc_aor *a,
			       uint64_t now_ms)
{
	struct loc_binding **pp = &a->bindings;
	unsigned int n = 0;

	while (*pp) {
		if ((*pp)->b.expires_ms <= now_ms) {
			binding_unlink(l, a, pp);
			n++;
		} else {
			if ((*pp)->b.expires_ms < l->next_expiry_ms)
				l->next_expiry_ms = (*pp)->b.expires_ms;
			pp = &(*pp)->next;
		}
	}
	l->stats.expired += n;
	return n;
}

unsigned int location_expire(struct location *l, uint64_t now_ms)
{
	struct loc_aor *a, *next;
	unsigned int n = 0;
	uint32_t i;

	/* the walk is over every bucket: only when something is due */
	if (now_ms < l->next_expiry_ms)
		return 0;
	l->next_expiry_ms = UINT64_MAX;
	for (i = 0; i <= l->mask; i++) {
		for (a = l->buckets[i]; a; a = next) {
			next = a->next;
			n += aor_expire(l, a, now_ms);
			aor_drop_if_empty(l, a);
		}
	}
	return n;
}

int location_walk(const struct location *l, uint64_t now_ms,
		  location_walk_fn fn, void *arg)
{
	const struct loc_binding *b;
	const struct loc_aor *a;
	uint32_t i;
	int ret;

	for (i = 0; i <= l->mask; i++) {
		for (a = l->buckets[i]; a; a = a->next) {
			for (b = a->bindings; b; b = b->next) {
				if (b->b.expires_ms <= now_ms)
					continue;
				ret = fn(arg, &b->b);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * RFC 3261 19.1.4 says when two contacts are the same binding. A stored
 * contact was validated by the registrar, so the byte comparison is only a
 * safety net for one that somehow does not parse.
 */
static bool contact_matches(const struct sip_uri *want, bool want_ok,
			    struct sip_str want_text, const char *stored)
{
	struct sip_str text = sip_str_of(stored, strlen(stored));
	struct sip_error err;
	struct sip_uri have;

	if (!want_ok || sip_uri_parse(text, &have, &err))
		return sip_str_eq(want_text, text);
	return sip_uri_equal(want, &have);
}

static struct loc_binding **binding_find(struct loc_aor *a,
					 struct sip_str contact)
{
	struct loc_binding **pp;
	struct sip_error err;
	struct sip_uri want;
	bool ok = !sip_uri_parse(contact, &want, &err);

	for (pp = &a->bindings; *pp; pp = &(*pp)->next)
		if (contact_matches(&want, ok, contact, (*pp)->b.contact))
			return pp;
	return NULL;
}

const struct binding *location_find(struct location *l, const char *aor,
				    struct sip_str contact)
{
	struct loc_aor *a = aor_lookup(l, aor);
	struct loc_binding **pp;

	if (!a)
		return NULL;
	pp = binding_find(a, contact);
	return pp ? &(*pp)->b : NULL;
}

/* a before b in a lookup: higher q, then the newer */
static bool ranks_before(const struct loc_binding *a,
			 const struct loc_binding *b)
{
	if (a->b.q != b->b.q)
		return a->b.q > b->b.q;
	return a->stamp > b->stamp;
}

static const struct loc_binding *entry_of(const struct binding *b)
{
	return (const struct loc_binding *)((const char *)b -
					    offsetof(struct loc_binding, b));
}

/* insert b into the sorted out[0..n), keeping at most max; returns new n */
static unsigned int insert_ranked(const struct binding **out, unsigned int n,
				  unsigned int max, const struct loc_binding *b)
{
	unsigned int i = n;

	while (i > 0 && ranks_before(b, entry_of(out[i - 1])))
		i--;
	if (i >= max)
		return n;
	if (n == max)
		n--; /* the last one falls off */
	memmove(&out[i + 1], &out[i], (n - i) * sizeof(*out));
	out[i] = &b->b;
	return n + 1;
}

/*
 * Expired bindings of aor are dropped on the way, so the count the
 * registrar sees is the count the bounds see.
 */
unsigned int location_lookup(struct location *l, const char *aor,
			     uint64_t now_ms, const struct binding **out,
			     unsigned int max)
{
	struct loc_aor *a = aor_lookup(l, aor);
	struct loc_binding *b;
	unsigned int n = 0;

	if (!a)
		return 0;
	aor_expire(l, a, now_ms);
	if (!a->nbindings) {
		aor_drop_if_empty(l, a);
		return 0;
	}
	for (b = a->bindings; b && max; b = b->next)
		n = insert_ranked(out, n, max, b);
	return n;
}

unsigned int location_remove_all(struct location *l, const char *aor)
{
	struct loc_aor *a = aor_lookup(l, aor);
	unsigned int n = 0;

	if (!a)
		return 0;
	while (a->bindings) {
		binding_unlink(l, a, &a->bindings);
		n++;
	}
	l->stats.removed += n;
	aor_drop_if_empty(l, a);
	return n;
}

static void binding_set(struct location *l, struct loc_binding *b,
			struct sip_str call_id, uint32_t cseq, uint16_t q,
			uint32_t expires_s, const struct sd_peer *source,
			uint64_t now_ms)
{
	memcpy(b->b.call_id, call_id.p, call_id.len);
	b->b.call_id[call_id.len] = '\0';
	b->b.cseq = cseq;
	b->b.q = q > 1000 ? 1000 : q;
	b->b.expires_ms = now_ms + (uint64_t)expires_s * 1000;
	if (b->b.expires_ms < l->next_expiry_ms)
		l->next_expiry_ms = b->b.expires_ms;
	b->b.source = *source;
	b->stamp = ++l->stamp;
	if (l->persist)
		loc_store_put(&l->store, b->slot, &b->b);
}

/* a new binding for a, or NULL when a bound (or memory) says no */
static struct loc_binding *binding_add(struct location *l, struct loc_aor *a,
				       struct sip_str contact,
				       enum loc_update *why)
{
	struct loc_binding *b;

	if (a->nbindings >= l->max_per_aor) {
		l->stats.full_aor++;
		*why = LOC_FULL_AOR;
		return NULL;
	}
	*why = LOC_FULL_TOTAL;
	if (l->stats.bindings >= l->max_total) {
		l->stats.full_total++;
		return NULL;
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		l->stats.full_total++; /* out of memory is full all the same */
		return NULL;
	}
	/* the file has a record per binding max_total allows */
	b->slot = l->persist ? loc_store_alloc(&l->store) : -1;
	memcpy(b->b.contact, contact.p, contact.len);
	b->b.contact[contact.len] = '\0';
	strcpy(b->b.aor, a->aor);
	b->next = a->bindings;
	a->bindings = b;
	a->nbindings++;
	l->stats.bindings++;
	l->stats.added++;
	*why = LOC_ADDED;
	return b;
}

static enum loc_update binding_remove(struct location *l, const char *aor,
				      struct sip_str contact)
{
	struct loc_aor *a = aor_lookup(l, aor);
	struct loc_binding **pp;

	if (!a)
		return LOC_REMOVED;
	pp = binding_find(a, contact);
	if (pp) {
		binding_unlink(l, a, pp);
		l->stats.removed++;
		aor_drop_if_empty(l, a);
	}
	return LOC_REMOVED;
}

static bool update_fits(const char *aor, struct sip_str contact,
			struct sip_str call_id)
{
	return strlen(aor) < LOC_AOR_MAX && *aor &&
	       contact.len < LOC_CONTACT_MAX && contact.len &&
	       call_id.len < LOC_CALL_ID_MAX;
}

enum loc_update location_update(struct location *l, const char *aor,
				struct sip_str contact, struct sip_str call_id,
				uint32_t cseq, uint16_t q, uint32_t expires_s,
				const struct sd_peer *source, uint64_t now_ms)
{
	enum loc_update why;
	struct loc_binding **pp;
	struct loc_binding *b;
	struct loc_aor *a;

	if (!update_fits(aor, contact, call_id))
		return LOC_TOO_LONG;
	if (!expires_s)
		return binding_remove(l, aor, contact);

	a = aor_lookup(l, aor);
	if (a) {
		/* a stale binding must neither be refreshed nor hold a slot */
		aor_expire(l, a, now_ms);
		pp = binding_find(a, contact);
		if (pp) {
			binding_set(l, *pp, call_id, cseq, q, expires_s, source,
				    now_ms);
			l->stats.refreshed++;
			return LOC_REFRESHED;
		}
	} else {
		if (l->stats.bindings >= l->max_total) {
			l->stats.full_total++;
			return LOC_FULL_TOTAL;
		}
		a = aor_add(l, aor);
		if (!a) {
			l->stats.full_total++;
			return LOC_FULL_TOTAL;
		}
	}
	b = binding_add(l, a, contact, &why);
	if (b)
		binding_set(l, b, call_id, cseq, q, expires_s, source, now_ms);
	else
		aor_drop_if_empty(l, a);
	return why;
}

/* one binding the last siphond left, back in its place */
static void restore_binding(struct location *l, const struct binding *old,
			    uint64_t now_ms)
{
	struct sip_str contact = sip_str_of(old->contact, strlen(old->contact));
	struct loc_aor *a = aor_lookup(l, old->aor);
	enum loc_update why;
	struct loc_binding *b;

	if (old->expires_ms <= now_ms || !old->aor[0] || !contact.len)
		return;
	if (a && binding_find(a, contact))
		return;
	if (!a && l->stats.bindings >= l->max_total) {
		l->stats.full_total++;
		return;
	}
	if (!a)
		a = aor_add(l, old->aor);
	if (!a)
		return;
	b = binding_add(l, a, contact, &why);
	if (!b) {
		aor_drop_if_empty(l, a);
		return;
	}
	l->stats.added--; /* not new: taken over */
	l->stats.restored++;
	b->b = *old;
	b->stamp = ++l->stamp;
	if (b->b.expires_ms < l->next_expiry_ms)
		l->next_expiry_ms = b->b.expires_ms;
	loc_store_put(&l->store, b->slot, &b->b);
}

struct restore_list {
	struct binding *b;
	size_t n, cap;
	bool oom;
};

static void restore_note(void *arg, const struct binding *b)
{
	struct restore_list *r = arg;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 64;
		struct binding *nb = realloc(r->b, cap * sizeof(*nb));

		if (!nb) {
			r->oom = true;
			return;
		}
		r->b = nb;
		r->cap = cap;
	}
	r->b[r->n++] = *b;
}

int location_persist(struct location *l, const char *path, uint64_t now_ms,
		     char *err, size_t errlen)
{
	struct restore_list r = { 0 };
	size_t i;
	int ret;

	ret = loc_store_open(&l->store, path, l->max_total, restore_note, &r,
			     err, errlen);
	if (!ret) {
		l->persist = true;
		/* past max_total or max_per_aor now: the bounds say no */
		for (i = 0; i < r.n; i++)
			restore_binding(l, &r.b[i], now_ms);
		if (r.oom)
			pr_warn("registrar: out of memory reading %s: %zu "
				"bindings taken over, the rest lost\n",
				path, r.n);
	}
	free(r.b);
	return ret;
}
