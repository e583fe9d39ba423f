// SPDX-License-Identifier: GPL-2.0-only
/*
 * The RTP clock rate of a stream: that of the first payload type its m=
 * line lists (the one an answerer sends first, RFC 3264 6.1), from its
 * a=rtpmap or, for a static type without one, from RFC 3551's tables.
 * The XDP relay needs it to measure jitter in timestamp units.
 */
#include "sdp/sdp.h"

/* RFC 3551 tables 4 and 5: the static payload types' clock rates */
static uint32_t static_clock_rate(uint32_t pt)
{
	switch (pt) {
	case 0: /* PCMU */
	case 3: /* GSM */
	case 4: /* G723 */
	case 5: /* DVI4 */
	case 7: /* LPC */
	case 8: /* PCMA */
	case 9: /* G722: 8000 in RTP, for historical reasons */
	case 12: /* QCELP */
	case 13: /* CN */
	case 15: /* G728 */
	case 18: /* G729 */
		return 8000;
	case 6: /* DVI4 */
		return 16000;
	case 10: /* L16 stereo */
	case 11: /* L16 mono */
		return 44100;
	case 16: /* DVI4 */
		return 11025;
	case 17: /* DVI4 */
		return 22050;
	case 14: /* MPA */
	case 25: /* CelB */
	case 26: /* JPEG */
	case 28: /* nv */
	case 31: /* H261 */
	case 32: /* MPV */
	case 33: /* MP2T */
	case 34: /* H263 */
		return 90000;
	default:
		return 0;
	}
}

/* a decimal number at *i in t, at most max; false when none */
static bool read_number(struct sip_str t, size_t *i, uint32_t max,
			uint32_t *out)
{
	size_t start = *i;
	uint64_t n = 0;

	while (*i < t.len && t.p[*i] >= '0' && t.p[*i] <= '9') {
		n = n * 10 + (uint64_t)(t.p[*i] - '0');
		if (n > max)
			return false;
		(*i)++;
	}
	*out = (uint32_t)n;
	return *i > start;
}

/* "PT encoding/rate[/params]": the rate, when the value is for pt */
static uint32_t rtpmap_rate(struct sip_str v, uint32_t pt)
{
	uint32_t got, rate;
	size_t i = 0;

	if (!read_number(v, &i, 127, &got) || got != pt || i >= v.len ||
	    v.p[i] != ' ')
		return 0;
	while (i < v.len && v.p[i] != '/')
		i++;
	i++;
	if (i >= v.len || !read_number(v, &i, 10000000, &rate))
		return 0;
	return rate;
}

uint32_t sdp_media_clock_rate(const struct sdp_session *s, unsigned int i)
{
	const struct sdp_media *m;
	uint32_t pt, rate;
	size_t pos = 0;
	unsigned int a;

	if (i >= s->n_media)
		return 0;
	m = &s->media[i];
	if (m->proto == SDP_PROTO_OTHER)
		return 0;
	if (!read_number(m->formats, &pos, 127, &pt))
		return SDP_CLOCK_RATE_DEFAULT;
	for (a = m->attr_first;
	     a < m->attr_first + m->attr_count && a < s->n_attrs; a++) {
		if (s->attrs[a].kind != SDP_ATTR_RTPMAP ||
		    s->attrs[a].media != i)
			continue;
		rate = rtpmap_rate(s->attrs[a].value, pt);
		if (rate)
			return rate;
	}
	rate = static_clock_rate(pt);
	return rate ? rate : SDP_CLOCK_RATE_DEFAULT;
}
