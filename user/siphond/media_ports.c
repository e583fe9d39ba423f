// SPDX-License-Identifier: GPL-2.0-only
/* Relay port pairs for media; see media_ports.h. */
#include "media_ports.h"

#include <errno.h>
#include <stdlib.h>

static bool pair_used(const struct media_ports *p, uint32_t pair)
{
	return p->used[pair / 8] & (1u << (pair % 8));
}

static void pair_mark(struct media_ports *p, uint32_t pair, bool used)
{
	if (used)
		p->used[pair / 8] |= (uint8_t)(1u << (pair % 8));
	else
		p->used[pair / 8] &= (uint8_t) ~(1u << (pair % 8));
}

int media_ports_init(struct media_ports *p, uint16_t min, uint16_t max)
{
	uint32_t first = (min + 1u) & ~1u, i;

	p->ring = NULL;
	p->used = NULL;
	p->npairs = p->head = p->count = 0;
	p->exhausted = 0;
	if (!min || max < first + 1)
		return -EINVAL;
	p->base = (uint16_t)first;
	p->npairs = (max - first + 1) / 2;
	p->ring = malloc(p->npairs * sizeof(*p->ring));
	p->used = calloc((p->npairs + 7) / 8, 1);
	if (!p->ring || !p->used) {
		media_ports_fini(p);
		return -ENOMEM;
	}
	for (i = 0; i < p->npairs; i++)
		p->ring[i] = i;
	p->count = p->npairs;
	return 0;
}

void media_ports_fini(struct media_ports *p)
{
	free(p->ring);
	free(p->used);
	p->ring = NULL;
	p->used = NULL;
	p->npairs = p->count = 0;
}

uint16_t media_ports_get(struct media_ports *p)
{
	uint32_t pair;

	if (!p->count) {
		p->exhausted++;
		return 0;
	}
	pair = p->ring[p->head];
	p->head = (p->head + 1) % p->npairs;
	p->count--;
	pair_mark(p, pair, true);
	return (uint16_t)(p->base + 2 * pair);
}

bool media_ports_own(const struct media_ports *p, uint16_t port)
{
	return port >= p->base && (uint32_t)(port - p->base) / 2 < p->npairs;
}

bool media_ports_busy(const struct media_ports *p, uint16_t port)
{
	return media_ports_own(p, port) &&
	       pair_used(p, (uint32_t)(port - p->base) / 2);
}

void media_ports_put(struct media_ports *p, uint16_t rtp_port)
{
	uint32_t pair = (uint32_t)(rtp_port - p->base) / 2;

	/* a pair given back twice would be handed out twice */
	if (!media_ports_busy(p, rtp_port))
		return;
	pair_mark(p, pair, false);
	p->ring[(p->head + p->count) % p->npairs] = pair;
	p->count++;
}

int media_ports_claim(struct media_ports *p, uint16_t rtp_port)
{
	if (!media_ports_own(p, rtp_port) || (rtp_port - p->base) % 2)
		return -ERANGE;
	if (media_ports_busy(p, rtp_port))
		return -EBUSY;
	pair_mark(p, (uint32_t)(rtp_port - p->base) / 2, true);
	return 0;
}

void media_ports_claims_done(struct media_ports *p)
{
	uint32_t i;

	p->head = p->count = 0;
	for (i = 0; i < p->npairs; i++)
		if (!pair_used(p, i))
			p->ring[p->count++] = i;
}
