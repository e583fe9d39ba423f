/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What an answer to OPTIONS needs to know of the request beyond the scan
 * (bpf/sip_scan.h): the Request-URI's user, host and port, and the top
 * Via's sent-by, rport and the end of its first value. Each is read by a
 * bpf_loop over its bytes in the copy, only for an OPTIONS that may be
 * answered, so no other packet pays for it.
 */
#ifndef SIPHON_BPF_SIP_OPTIONS_PARSE_H
#define SIPHON_BPF_SIP_OPTIONS_PARSE_H

#include "sip_scan.h"

/* sip_opt_regs.part: where in the Request-URI */
enum { UP_USER, UP_HOST, UP_HOST6, UP_PORT, UP_PARAMS };

/* sip_opt_regs.vstate: where in the top Via's value */
enum { VS_WS, VS_HOST, VS_HOST6, VS_PORT, VS_PARAMS, VS_NAME, VS_VALUE,
       VS_DONE };

/* "rport" and "received", packed a byte a letter from the low end */
#define OPT_RPORT 0x74726f7072ull
#define OPT_RECEIVED 0x6465766965636572ull

/* one byte more of a dotted quad; *ok drops to 0 at anything else */
static __always_inline void opt_v4_byte(__u32 *addr, __u32 *octet,
					__u32 *dots, __u8 *ok, __u8 c)
{
	if (sip_is_digit(c)) {
		*octet = *octet * 10 + (c - '0');
		if (*octet > 255)
			*ok = 0;
	} else if (c == '.' && *dots < 3) {
		*addr = *addr << 8 | *octet;
		*octet = 0;
		*dots += 1;
	} else {
		*ok = 0;
	}
}

/* the address a finished dotted quad spelled, network order, or 0 */
static __always_inline __be32 opt_v4_end(__u32 addr, __u32 octet, __u32 dots,
					 __u8 ok)
{
	return ok && dots == 3 ? bpf_htonl(addr << 8 | octet) : 0;
}

/* bpf_loop: the Request-URI after "sip:", byte i of the host part on */
static long opt_uri_byte(__u32 i, void *data)
{
	struct sip_scratch *x = ((struct sip_scan_arg *)data)->x;
	struct sip_opt_regs *r = &x->or;
	__u8 c = scan_at(&x->scan, x->sc.uri_off + 4 + i);

	switch (r->part) {
	case UP_USER:
		/* the user part ends at the first '@' (a host holds none) */
		if (c == '@') {
			r->part = UP_HOST;
			return 0;
		}
		r->user_hash = siphon_fnv1a(r->user_hash, c);
		r->user_len++;
		return 0;
	case UP_HOST:
		if (!r->host_len && c == '[') {
			r->part = UP_HOST6;
			r->v6 = 1;
			break;
		}
		if (c == ':' || c == ';' || c == '?') {
			r->part = c == ':' ? UP_PORT : UP_PARAMS;
			r->bad |= c == '?'; /* headers in the URI */
			return 0;
		}
		opt_v4_byte(&r->v4, &r->v4_octet, &r->v4_dots, &r->v4_ok, c);
		break;
	case UP_HOST6:
		if (c == ']')
			r->part = UP_HOST;
		break;
	case UP_PORT:
		if (sip_is_digit(c) && r->port < 65536)
			r->port = r->port * 10 + (c - '0');
		else if (c == ';')
			r->part = UP_PARAMS;
		else
			r->bad = 1;
		return 0;
	case UP_PARAMS:
		/* uri-parameters do not change whom it is for; headers do */
		r->bad |= c == '?';
		return 0;
	}
	r->host_hash = siphon_fnv1a(r->host_hash, sip_lower(c));
	r->host_len++;
	return 0;
}

/* bpf_loop: find the first '@' of the Request-URI, if any */
static long opt_uri_at(__u32 i, void *data)
{
	struct sip_scratch *x = ((struct sip_scan_arg *)data)->x;

	if (scan_at(&x->scan, x->sc.uri_off + 4 + i) != '@')
		return 0;
	x->or.part = UP_USER;
	return 1;
}

/*
 * user, host and port of a "sip:" Request-URI; false when it is not one
 * XDP can judge (another scheme, too long, URI headers, a bad port)
 */
static __always_inline bool opt_read_uri(struct sip_scratch *x)
{
	struct sip_scan_arg arg = { .x = x };
	struct sip_opt_regs *r = &x->or;
	__u32 len = x->sc.uri_end - x->sc.uri_off;

	if (x->sc.uri_end <= x->sc.uri_off + 4 ||
	    len > SIPHON_OPTIONS_URI_MAX ||
	    !scan_ieq(&x->scan, x->sc.uri_off, "sip:", 4))
		return false;
	r->user_hash = SIPHON_FNV_BASIS;
	r->host_hash = SIPHON_FNV_BASIS;
	r->v4_ok = 1;
	/* no '@': the URI starts with its host */
	r->part = UP_HOST;
	bpf_loop(len - 4, opt_uri_at, &arg, 0);
	bpf_loop(len - 4, opt_uri_byte, &arg, 0);
	if (!r->port)
		r->port = SIPHON_SIP_PORT_DEFAULT;
	return !r->bad && r->host_len && r->port < 65536 && r->part != UP_HOST6;
}

/* a Via parameter's name has ended at i: rport and received are noted */
static __always_inline void opt_via_param_end(struct sip_opt_regs *r, __u32 i,
					      __u8 c)
{
	if (r->vpk == 5 && r->vpname == OPT_RPORT) {
		r->vhas_rport = 1;
		r->rport_end = i;
		/* a client sends rport empty (RFC 3581 section 3) */
		r->vrport_val = c == '=';
	} else if (r->vpk == 8 && r->vpname == OPT_RECEIVED) {
		r->vbad = 1; /* a received= already there: not a client's */
	}
}

/* bpf_loop: byte i of the top Via's value after "SIP/2.0/UDP" */
static long opt_via_byte(__u32 i, void *data)
{
	struct sip_scratch *x = ((struct sip_scan_arg *)data)->x;
	struct sip_opt_regs *r = &x->or;
	__u32 at = x->ol.top_via_val + 11 + i;
	__u8 c = scan_at(&x->scan, at);
	bool ws = sip_is_ws(c) || c == '\r' || c == '\n';

	if (c == '"') {
		r->vbad = 1; /* a quoted parameter: not the simple case */
		return 1;
	}
	if (r->vstate == VS_NAME &&
	    (ws || c == '=' || c == ';' || c == ',')) {
		opt_via_param_end(r, at, c);
		r->vstate = c == '=' ? VS_VALUE : VS_PARAMS;
		if (ws && r->vhas_rport && r->rport_end == at)
			r->vbad = 1; /* "rport =": keep it simple */
	}
	if (c == ',') {
		r->vstate = VS_DONE;
		return 1;
	}
	if (!ws)
		r->via_first_end = at + 1;
	switch (r->vstate) {
	case VS_WS:
		if (ws)
			break;
		r->vstate = c == '[' ? VS_HOST6 : VS_HOST;
		/* fall through */
	case VS_HOST:
		if (c == ':')
			r->vstate = VS_PORT;
		else if (c == ';')
			r->vstate = VS_NAME;
		else if (ws)
			r->vstate = VS_PARAMS;
		else
			opt_v4_byte(&r->sb_v4, &r->sb_oct, &r->sb_dots,
				    &r->sb_v4_ok, c);
		if (r->vstate != VS_HOST)
			r->vpk = 0;
		break;
	case VS_HOST6:
		r->sb_v4_ok = 0;
		if (c == ']')
			r->vstate = VS_HOST;
		break;
	case VS_PORT:
	case VS_PARAMS:
	case VS_VALUE:
		if (c == ';') {
			r->vstate = VS_NAME;
			r->vpk = 0;
			r->vpname = 0;
		}
		break;
	case VS_NAME:
		if (r->vpk < 8)
			r->vpname |= (__u64)sip_lower(c) << (8 * r->vpk);
		if (r->vpk < 255)
			r->vpk++;
		break;
	}
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
	r->sb_v4_ok = 1;
	r->vstate = VS_WS;
	bpf_loop(end - start - 11, opt_via_byte, &arg, 0);
	if (r->vstate == VS_NAME)
		opt_via_param_end(r, r->via_first_end, 0);
	return !r->vbad && !r->vrport_val && r->via_first_end;
}

#endif /* SIPHON_BPF_SIP_OPTIONS_PARSE_H */
