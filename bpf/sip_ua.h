/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scanner signatures in User-Agent: every pattern of siphon_scanners
 * (lower case, up to SIPHON_SCANNER_LEN_MAX bytes) is looked for anywhere
 * in the first SIPHON_SIP_UA_SCAN_MAX bytes of the value, in any case.
 *
 * A bitmap of the patterns' first bytes is built once per packet, so the
 * walk over the value (a bpf_loop) only tries the patterns (a nested
 * bpf_loop) where one could start.
 */
#ifndef SIPHON_BPF_SIP_UA_H
#define SIPHON_BPF_SIP_UA_H

#include "maps.h"
#include "sip_scan.h"

struct ua_match {
	struct siphon_sip_scan *s;
	__u32 end; /* the value's end in the copy */
	__u32 pos; /* where the patterns are tried */
	__u32 start;
	__u32 hit;
	__u64 first[4]; /* bit c: a pattern starts with byte c */
};

static __always_inline __u64 ua_first_word(const struct ua_match *m, __u8 c)
{
	return c < 64  ? m->first[0] :
	       c < 128 ? m->first[1] :
	       c < 192 ? m->first[2] :
			 m->first[3];
}

/* bpf_loop callback: pattern j at m->pos */
static long ua_try_pattern(__u32 j, void *data)
{
	struct ua_match *m = data;
	struct siphon_scanner *pat;
	__u32 key = j, k, len;

	pat = bpf_map_lookup_elem(&siphon_scanners, &key);
	if (!pat)
		return 1;
	len = pat->len;
	if (!len || len > SIPHON_SCANNER_LEN_MAX || m->pos + len > m->end)
		return 0;
	for (k = 0; k < SIPHON_SCANNER_LEN_MAX; k++) {
		if (k >= len)
			break;
		if (sip_lower(scan_at(m->s, m->pos + k)) != pat->text[k])
			return 0;
	}
	m->hit = 1;
	return 1;
}

/* bpf_loop callback: byte i of the value, where a pattern may start */
static long ua_try_pos(__u32 i, void *data)
{
	struct ua_match *m = data;
	__u8 c = sip_lower(scan_at(m->s, m->start + i));

	if (!(ua_first_word(m, c) & (1ull << (c & 63))))
		return 0;
	m->pos = m->start + i;
	bpf_loop(SIPHON_SCANNERS_MAX, ua_try_pattern, m, 0);
	return m->hit ? 1 : 0;
}

/* bpf_loop callback: note the first byte of pattern j */
static long ua_note_first(__u32 j, void *data)
{
	struct ua_match *m = data;
	struct siphon_scanner *pat;
	__u32 key = j;
	__u64 bit;
	__u8 c;

	pat = bpf_map_lookup_elem(&siphon_scanners, &key);
	if (!pat)
		return 1;
	if (!pat->len)
		return 0;
	c = pat->text[0];
	bit = 1ull << (c & 63);
	if (c < 64)
		m->first[0] |= bit;
	else if (c < 128)
		m->first[1] |= bit;
	else if (c < 192)
		m->first[2] |= bit;
	else
		m->first[3] |= bit;
	return 0;
}

/* does the User-Agent the scan found name a scanner? */
static __always_inline bool ua_is_scanner(struct siphon_sip_scan *s)
{
	struct ua_match m = { .s = s };
	__u32 len;

	len = s->info.ua_len;
	if (len > SIPHON_SIP_UA_SCAN_MAX)
		len = SIPHON_SIP_UA_SCAN_MAX;
	m.start = s->info.ua_off;
	m.end = m.start + len;
	bpf_loop(SIPHON_SCANNERS_MAX, ua_note_first, &m, 0);
	if (!(m.first[0] | m.first[1] | m.first[2] | m.first[3]))
		return false;
	bpf_loop(len, ua_try_pos, &m, 0);
	return m.hit;
}

#endif /* SIPHON_BPF_SIP_UA_H */
