// SPDX-License-Identifier: GPL-2.0-only
/*
 * flow show --interval: every flow's packet and byte counters at one
 * moment, kept sorted by key, so a second read of the table can say how
 * fast each flow went in between.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_rate.h"
#include "flow_table.h"

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct siphon_flow_key));
}

/* the map's size bounds the table; doubling keeps the copies few */
static int add_sample(const struct siphon_flow_key *key,
		      const struct siphon_flow *flow, void *ctx)
{
	struct flow_samples *s = ctx;
	struct flow_sample *more;
	size_t cap;

	/* grow when n reaches a power of two (the capacity) */
	if (!s->n || !(s->n & (s->n - 1))) {
		cap = s->n ? s->n * 2 : 64;
		more = realloc(s->v, cap * sizeof(*more));
		if (!more)
			return -ENOMEM;
		s->v = more;
	}
	s->v[s->n].key = *key;
	s->v[s->n].packets = flow->packets;
	s->v[s->n].bytes = flow->bytes;
	s->n++;
	return 0;
}

int flow_samples_take(struct flow_table *ft, struct flow_samples *s)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->taken_s = ctl_now_s();
	err = flow_table_walk(ft, add_sample, s);
	if (err)
		return err;
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), key_cmp);
	return 0;
}

const struct flow_sample *flow_samples_find(const struct flow_samples *s,
					    const struct siphon_flow_key *key)
{
	if (!s->n)
		return NULL;
	/* the key is the first member: bsearch compares keys alone */
	return bsearch(key, s->v, s->n, sizeof(*s->v), key_cmp);
}

void flow_samples_free(struct flow_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void flow_rate_of(const struct flow_sample *before, __u64 packets, __u64 bytes,
		  double seconds, struct flow_rate *rate)
{
	double byte_rate;

	rate->pps = -1;
	rate->bps = -1;
	/* a flow added during the interval has no starting point */
	if (!before)
		return;
	rate->pps = ctl_rate(before->packets, packets, seconds);
	byte_rate = ctl_rate(before->bytes, bytes, seconds);
	rate->bps = byte_rate < 0 ? -1 : byte_rate * 8;
	if (rate->pps < 0 || rate->bps < 0)
		rate->pps = rate->bps = -1;
}
