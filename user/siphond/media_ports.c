// SPDX-License-Identifier: GPL-2.0-only
/* Relay port pairs for media; see media_ports.h. */
#include "media_ports.h"

#include <errno.h>
#include <stdlib.h>

int media_ports_init(struct media_ports *p, uint16_t min, uint16_t max)
{
	uint32_t first = (min + 1u) & ~1u, i;

	p->ring = NULL;
	p->npairs = p->head = p->count = 0;
	p->exhausted = 0;
	if (!min || max < first + 1)
		return -EINVAL;
	p->base = (uint16_t)first;
	p->npairs = (max - first + 1) / 2;
	p->ring = malloc(p->npairs * sizeof(*p->ring));
	if (!p->ring)
		return -ENOMEM;
	for (i = 0; i < p->npairs; i++)
		p->ring[i] = i;
	p->count = p->npairs;
	return 0;
}

void media_ports_fini(struct media_ports *p)
{
	free(p->ring);
	p->ring = NULL;
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
	return (uint16_t)(p->base + 2 * pair);
}

void media_ports_put(struct media_ports *p, uint16_t rtp_port)
{
	uint32_t pair = (uint32_t)(rtp_port - p->base) / 2;

	if (rtp_port < p->base || pair >= p->npairs || p->count == p->npairs)
		return;
	p->ring[(p->head + p->count) % p->npairs] = pair;
	p->count++;
}
