/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The relay's UDP ports for media: pairs of an even RTP port and the odd
 * RTCP port after it, from [media] port_min..port_max. A freed pair goes
 * to the back of the line, so a port is reused as late as possible and a
 * late packet of an ended call finds no flow rather than someone else's.
 */
#ifndef SIPHOND_MEDIA_PORTS_H
#define SIPHOND_MEDIA_PORTS_H

#include <stdbool.h>
#include <stdint.h>

struct media_ports {
	uint16_t base; /* the first even port */
	uint32_t npairs;
	uint32_t head, count; /* the free pairs: a ring of indexes */
	uint32_t *ring;
	uint8_t *used; /* a bit per pair, set while it is handed out */
	uint64_t exhausted; /* asked for a pair when none was free */
};

/* -EINVAL when the range holds no pair, -ENOMEM */
int media_ports_init(struct media_ports *p, uint16_t min, uint16_t max);
void media_ports_fini(struct media_ports *p);
/* an RTP port (RTCP is the next one), or 0 when none is free */
uint16_t media_ports_get(struct media_ports *p);
/* give back what media_ports_get() handed out; a free pair stays free */
void media_ports_put(struct media_ports *p, uint16_t rtp_port);
/* the pair of port (RTP or RTCP) is handed out */
bool media_ports_busy(const struct media_ports *p, uint16_t port);
/* port is one of the range's, in use or not */
bool media_ports_own(const struct media_ports *p, uint16_t port);

/*
 * At a restart, before the first get: the pair of rtp_port belongs to a
 * call that lives on. -ERANGE: not in the range (it changed); -EBUSY:
 * claimed already. media_ports_claims_done() then lines up the others.
 */
int media_ports_claim(struct media_ports *p, uint16_t rtp_port);
void media_ports_claims_done(struct media_ports *p);

static inline uint32_t media_ports_in_use(const struct media_ports *p)
{
	return p->npairs - p->count;
}

#endif /* SIPHOND_MEDIA_PORTS_H */
