/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an answer to OPTIONS needs to know of the request beyond the scan
 * (bpf/sip_scan.h): the Request-URI's user, host and port, and the top
 * Via's sent-by, rport and the end of its first value. Read only for an
 * OPTIONS that may be answered, so no other packet pays for it.
 *
 * Both are read a segment per bpf_loop iteration: the bytes up to the
 * next one that could matter in the current state (a delimiter, found
 * a word at a time with the has-zero-byte trick, up to 16 bytes), whose
 * effect is taken at once (hashed, counted, packed, converted), then
 * that delimiter, in the same iteration. A ping's Request-URI takes two
 * iterations, its top Via five, where a byte each took 30 and 45.
 */
#ifndef SIPHON_BPF_SIP_OPTIONS_PARSE_H
#define SIPHON_BPF_SIP_OPTIONS_PARSE_H

#include "sip_scan.h"

/* sip_opt_regs.part in the Request-URI */
enum { UP_USER, UP_HOST, UP_HOST6, UP_PORT, UP_PARAMS, UP_DONE };

/* sip_opt_regs.part in the top Via's value */
enum {
	VS_WS,
	VS_HOST,
	VS_HOST6,
	VS_PORT,
	VS_PARAMS,
	VS_NAME,
	VS_VALUE,
	VS_DONE
};

/* "rport" and "received", packed a byte a letter from the low end */
#define OPT_RPORT 0x74726f7072ull
#define OPT_RECEIVED 0x6465766965636572ull

/* bytes of a segment a callback takes at most: two words */
#define OPT_SEG_WORDS 2

/* the word of the copy at i (bytes past the copy are masked by callers) */
static __always_inline __u64 opt_word(const struct sip_scratch *x, __u32 i)
{
	return *(const __u64 *)&x->scan.buf[i & SIP_SCAN_MASK];
}

/* the high bit of every byte at index lim and above (lim below 8) */
static __always_inline __u64 opt_word_past(__u32 lim)
{
	return lim < 8 ? (~0ull << (8 * lim)) & SIP_W_HIGHS : 0;
}

/* the high bit of every byte of v that is not a decimal digit */
static __always_inline __u64 opt_word_nondigit(__u64 v)
{
	__u64 x = v & ~SIP_W_HIGHS;
	__u64 ge_0 = x + SIP_W_ONES * (0x80 - '0');
	__u64 gt_9 = x + SIP_W_ONES * (0x80 - '9' - 1);

	return (~ge_0 | gt_9 | v) & SIP_W_HIGHS;
}

/* the bytes below SP (HTAB, CR, LF among them), SP and DEL */
static __always_inline __u64 opt_word_ws(__u64 v)
{
	return ((v - SIP_W_ONES * 0x20) & ~v & SIP_W_HIGHS) | word_is(v, ' ') |
	       word_is(v, 0x7f);
}

/* n < 2^16 decimal digits of v, the first f of them, added to port */
static __always_inline __u32 opt_word_port(__u32 port, __u64 v, __u32 f)
{
	__u32 j, next, keep;

#pragma unroll
	for (j = 0; j < 8; j++) {
		next = port * 10 + (__u32)((v >> (8 * j)) & 0xf);
		/* more than 65535 stays more: the port is refused */
		next = next > 65536 ? 65536 : next;
		keep = 0 - (__u32)(((__u64)j - f) >> 63);
		port = (next & keep) | (port & ~keep);
	}
	return port;
}

/* what a segment is read for: where its stops are */
enum {
	SEG_URI, /* the Request-URI, its first '@' known (or read past) */
	SEG_URI_AT, /* the Request-URI, '@' a stop in every part */
	SEG_VIA, /* the top Via's value */
};

/*
 * The bytes that end a segment in each part of the URI; '@' in every part
 * until the user part is known (at: the first '@' is known)
 */
static __always_inline __u64 opt_uri_stops(__u8 part, __u64 v, bool at)
{
	__u64 m = at ? 0 : word_is(v, '@');

	switch (part) {
	case UP_USER:
		return word_is(v, '@');
	case UP_HOST:
		return m | word_is(v, ':') | word_is(v, ';') | word_is(v, '?');
	case UP_HOST6:
		return m | word_is(v, ']');
	case UP_PORT:
		return m | word_is(v, ';');
	default:
		return m | word_is(v, '?');
	}
}

/* the bytes that end a segment in each part of the Via value */
static __always_inline __u64 opt_via_stops(__u8 part, __u64 v)
{
	__u64 m = opt_word_ws(v) | word_is(v, ';') | word_is(v, ',') |
		  word_is(v, '"');

	switch (part) {
	case VS_HOST:
		return m | word_is(v, ':');
	case VS_HOST6:
		return m | word_is(v, ']');
	case VS_NAME:
		return m | word_is(v, '=');
	}
	return m;
}

/*
 * The segment from i on, before lim: how many bytes, up to 16, come
 * before the first stop of part (SEG_* says whose part); *v0 is its
 * first word. *stop says whether a stop (before lim) ends it, rather
 * than the 16 bytes or lim.
 */
static __always_inline __u32 opt_segment(const struct sip_scratch *x, __u32 i,
					 __u32 lim, int seg_of, __u8 part,
					 __u64 *v0, bool *stop)
{
	__u32 seg = 0, w, f;
	__u64 v, m = 0;

	for (w = 0; w < OPT_SEG_WORDS; w++) {
		v = opt_word(x, i + seg);
		if (!w)
			*v0 = v;
		m = seg_of == SEG_VIA ?
			    opt_via_stops(part, v) :
			    opt_uri_stops(part, v, seg_of == SEG_URI);
		m |= opt_word_past(lim - i - seg);
		f = m ? word_first(m) : 8;
		seg += f;
		if (m)
			break;
	}
	*stop = m && i + seg < lim;
	return seg;
}

/* the bytes of a URI segment: the user's or the host's hash, the port */
static __always_inline void opt_uri_segment(struct sip_opt_regs *r,
					    const struct sip_scratch *x,
					    __u32 pos, __u32 seg)
{
	__u32 k, f;
	__u64 v;

#pragma unroll
	for (k = 0; k < OPT_SEG_WORDS; k++) {
		if (seg <= 8 * k)
			break;
		v = opt_word(x, pos + 8 * k);
		f = seg - 8 * k > 8 ? 8 : seg - 8 * k;
		switch (r->part) {
		case UP_USER:
			/* a user part is case-sensitive */
			r->user_hash = word_hash(r->user_hash, v, f);
			r->user_len += f;
			break;
		case UP_HOST:
		case UP_HOST6:
			r->host_hash =
				word_hash(r->host_hash, word_lower(v), f);
			r->host_len += f;
			break;
		case UP_PORT:
			if (opt_word_nondigit(v) & ~opt_word_past(f))
				r->bad = 1;
			r->port = opt_word_port(r->port, v, f);
			break;
		}
	}
}

/* the Request-URI has a user part, up to at: read again from its start */
static __always_inline __u32 opt_uri_user(struct sip_opt_regs *r, __u32 at,
					  __u32 start)
{
	r->at = at;
	r->part = UP_USER;
	r->user_hash = SIPHON_FNV_BASIS;
	r->host_hash = SIPHON_FNV_BASIS;
	r->user_len = 0;
	r->host_len = 0;
	r->port = 0;
	r->bad = 0;
	r->v6 = 0;
	return start;
}

/* the byte c at i that ended a URI segment: where the next one starts */
static __always_inline __u32 opt_uri_stop(struct sip_opt_regs *r, __u32 i,
					  __u8 c, __u32 start)
{
	/* the first '@' ends a user part: the URI did not start with its
	 * host after all */
	if (c == '@' && !r->at)
		return opt_uri_user(r, i, start);
	switch (r->part) {
	case UP_USER:
		r->part = UP_HOST;
		r->host_off = i + 1;
		break;
	case UP_HOST:
		r->bad |= c == '?'; /* headers in the URI */
		r->part = c == ':' ? UP_PORT : UP_PARAMS;
		break;
	case UP_HOST6:
		/* the ']' is part of the host */
		r->host_hash = siphon_fnv1a(r->host_hash, c);
		r->host_len++;
		r->part = UP_HOST;
		break;
	case UP_PORT:
		r->part = UP_PARAMS;
		break;
	case UP_PARAMS:
		/* uri-parameters do not change whom it is for; headers do */
		r->bad = 1;
		break;
	}
	return i + 1;
}

/* bpf_loop: a segment of the Request-URI after "sip:", and its stop */
static long opt_uri_seg(__u32 i, void *data)
{
	struct sip_scratch *x = ((struct sip_scan_arg *)data)->x;
	struct sip_opt_regs *r = &x->or;
	__u32 pos = r->pos, end = r->end, seg;
	__u8 part = r->part;
	bool stop;
	__u64 v0;

	/* until the first '@' is known, what was read may be a user part */
	if (pos >= end || (r->bad && r->at))
		return 1;
	/* an IPv6 reference: its host runs to the ']' */
	if (part == UP_HOST && !r->host_len && scan_at(&x->scan, pos) == '[') {
		part = UP_HOST6;
		r->part = part;
		r->v6 = 1;
	}
	seg = opt_segment(x, pos, end, r->at ? SEG_URI : SEG_URI_AT, part, &v0,
			  &stop);
	opt_uri_segment(r, x, pos, seg);
	pos += seg;
	if (stop)
		pos = opt_uri_stop(r, pos, scan_at(&x->scan, pos),
				   x->sc.uri_off + 4);
	r->pos = pos;
	return 0;
}

/*
 * user, host and port of a "sip:" Request-URI; false when it is not one
 * XDP can judge (another scheme, too long, URI headers, a bad port)
 */
static __always_inline bool opt_read_uri(struct sip_scratch *x)
{
	struct sip_scan_arg arg = { .x = x };
	struct sip_opt_regs *r = &x->or;
	__u32 start = x->sc.uri_off + 4, len = x->sc.uri_end - x->sc.uri_off;

	if (x->sc.uri_end <= start || len > SIPHON_OPTIONS_URI_MAX ||
	    !scan_ieq(&x->scan, x->sc.uri_off, "sip:", 4))
		return false;
	r->user_hash = SIPHON_FNV_BASIS;
	r->host_hash = SIPHON_FNV_BASIS;
	r->end = x->sc.uri_end;
	/* read as if it started with its host; its first '@', if any, says
	 * it started with a user part, and it is read again from the start
	 * (the read takes a byte at least each time: twice the length) */
	r->part = UP_HOST;
	r->host_off = start;
	r->pos = start;
	bpf_loop(2 * len, opt_uri_seg, &arg, 0);
	if (!r->port)
		r->port = SIPHON_SIP_PORT_DEFAULT;
	return !r->bad && r->host_len && r->port < 65536 && r->part != UP_HOST6;
}

/* a Via parameter's name has ended at i: rport and received are noted */
static __always_inline void opt_via_param_end(struct sip_opt_regs *r, __u32 i,
					      __u8 c)
{
	if (r->vpk == 5 && r->vpname == OPT_RPORT) {
		r->rport_end = i;
		/* a client sends rport empty (RFC 3581 section 3) */
		r->vrport_val = c == '=';
	} else if (r->vpk == 8 && r->vpname == OPT_RECEIVED) {
		r->vbad = 1; /* a received= already there: not a client's */
	}
}

/* the bytes of a Via segment: the sent-by's extent, a parameter's name */
static __always_inline void opt_via_segment(struct sip_opt_regs *r, __u32 pos,
					    __u32 seg, __u64 v0)
{
	if (!seg)
		return;
	/* a segment holds no white space */
	r->via_first_end = pos + seg;
	if (r->part == VS_HOST || r->part == VS_HOST6) {
		if (!r->sb_len)
			r->sb_off = pos;
		r->sb_len += seg;
	} else if (r->part == VS_NAME) {
		/* up to 8 bytes of the name are kept, all are counted */
		if (!r->vpk)
			r->vpname = word_head(word_lower(v0), seg);
		r->vpk = r->vpk + seg > 255 ? 255 : r->vpk + seg;
	}
}

/* the byte c at i that ended a Via segment; false stops the read */
static __always_inline bool opt_via_stop(struct sip_opt_regs *r, __u32 i,
					 __u8 c)
{
	bool ws = c <= ' ' || c == 0x7f;

	if (c == '"') {
		r->vbad = 1; /* a quoted parameter: not the simple case */
		return false;
	}
	if (r->part == VS_NAME) {
		/* white space, '=', ';' or ',' end the name */
		opt_via_param_end(r, i, c);
		r->part = c == '=' ? VS_VALUE : VS_PARAMS;
		if (ws && r->rport_end == i && r->rport_end)
			r->vbad = 1; /* "rport =": keep it simple */
	}
	if (c == ',') {
		r->part = VS_DONE;
		return false;
	}
	if (!ws)
		r->via_first_end = i + 1;
	switch (r->part) {
	case VS_HOST:
		if (c == ':')
			r->part = VS_PORT;
		else if (c == ';')
			r->part = VS_NAME;
		else if (ws)
			r->part = VS_PARAMS;
		r->vpk = 0;
		break;
	case VS_HOST6:
		if (c == ']') {
			r->sb_len++;
			r->part = VS_HOST;
		}
		break;
	case VS_PORT:
	case VS_PARAMS:
	case VS_VALUE:
		if (c == ';') {
			r->part = VS_NAME;
			r->vpk = 0;
			r->vpname = 0;
		}
		break;
	}
	return !r->vbad;
}

/* bpf_loop: a segment of the top Via's value, and its stop */
static long opt_via_seg(__u32 i, void *data)
{
	struct sip_scratch *x = ((struct sip_scan_arg *)data)->x;
	struct sip_opt_regs *r = &x->or;
	__u32 pos = r->pos, end = r->end, seg;
	__u8 part = r->part;
	bool stop;
	__u64 v0;

	if (pos >= end)
		return 1;
	if (part == VS_WS && scan_at(&x->scan, pos) > ' ' &&
	    scan_at(&x->scan, pos) != 0x7f) {
		/* the sent-by starts: a host, or an IPv6 reference */
		part = scan_at(&x->scan, pos) == '[' ? VS_HOST6 : VS_HOST;
		r->part = part;
	}
	seg = opt_segment(x, pos, end, SEG_VIA, part, &v0, &stop);
	opt_via_segment(r, pos, seg, v0);
	pos += seg;
	r->pos = pos + stop;
	if (stop)
		return !opt_via_stop(r, pos, scan_at(&x->scan, pos));
	return 0;
}

/*
 * The top Via: "SIP/2.0/UDP" (any case), then its sent-by and params up
 * to the end of its first value. False when it is not the simple case.
 */
static __always_inline bool opt_read_via(struct sip_scratch *x)
{
	struct sip_scan_arg arg = { .x = x };
	struct sip_opt_regs *r = &x->or;
	__u32 start = x->ol.top_via_val, end = x->ol.via_end[0];

	if (end <= start + 12 || end - start > SIPHON_OPTIONS_URI_MAX ||
	    !scan_ieq(&x->scan, start, "sip/2.0/udp", 11) ||
	    !sip_is_ws(scan_at(&x->scan, start + 11)))
		return false;
	r->part = VS_WS;
	r->pos = start + 12;
	r->end = end;
	bpf_loop(end - start - 12, opt_via_seg, &arg, 0);
	if (r->part == VS_NAME)
		opt_via_param_end(r, r->via_first_end, 0);
	return !r->vbad && !r->vrport_val && r->via_first_end;
}

#endif /* SIPHON_BPF_SIP_OPTIONS_PARSE_H */
