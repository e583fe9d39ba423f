/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The SIP text scan: one pass over the copied bytes through a small
 * automaton, in bpf_loop iterations that each read one byte, or a run of
 * bytes the automaton would step through without a decision (found a
 * word at a time, see scan_skip()). The verifier checks the callback
 * once, whatever the length; every read of the copy is masked to its size.
 *
 * The start line follows user/sip/sip_msg.c to the byte, so the classifier
 * and siphond agree on which start lines are SIP:
 *   Request: token SP URI SP "SIP/2.0" CRLF, the URI starting with a letter,
 *            holding a ':', and no SP, control, DEL, 8-bit, '<', '>', '"'.
 *   Status:  "SIP/2.0" SP 3DIGIT [SP reason] CRLF, 100..699, no control
 *            byte but HTAB in the reason.
 *   "SIP/2.0" in any case; leading CRLFs are skipped; a bare LF is wrong.
 * Header lines are read less strictly: what decisions need is taken from
 * them (Call-ID, CSeq, top Via branch, From/To tags, Content-Length,
 * User-Agent, compact forms included), a line that cannot be read ends the
 * scan (SIPHON_SIP_F_HDR_BAD) and is left to siphond to refuse.
 */
#ifndef SIPHON_BPF_SIP_SCAN_H
#define SIPHON_BPF_SIP_SCAN_H

#include <stdbool.h>
#include <linux/types.h>
#include "siphon/sip.h"
#include "sip_scratch.h"

#define SIP_SCAN_MASK (SIPHON_SIP_SCAN_MAX - 1)
/* a CSeq number above this has gone past 2^31 - 1 (RFC 3261 8.1.1.5) */
#define SIP_CSEQ_CAP 0x7fffffffu
/* Content-Length digits stop counting here: no UDP body is this long */
#define SIP_CL_CAP 0x00ffffffu

_Static_assert((SIPHON_SIP_SCAN_MAX & SIP_SCAN_MASK) == 0,
	       "the scan budget is a power of two");

enum sip_scan_state {
	/* the start line */
	SC_LEAD, /* CRLFs before the start line */
	SC_LEAD_LF,
	SC_METHOD, /* the method, or "SIP" of a status line */
	SC_URI_FIRST,
	SC_URI,
	SC_QVERSION, /* "SIP/2.0" ending a request line */
	SC_RVERSION, /* "2.0" after "SIP/" of a status line */
	SC_STATUS,
	SC_REASON,
	SC_START_LF,
	/* header lines */
	SC_LINE, /* first byte of a line */
	SC_NAME,
	SC_NAME_WS,
	SC_VALUE_LWS,
	SC_VALUE,
	SC_VALUE_LF,
	SC_END_LF,
	/* final: the loop stops */
	SC_DONE, /* the empty line after the headers */
	SC_NOT_SIP, /* the first word is neither a method nor "SIP/" */
	SC_BAD_START, /* a start line siphond refuses too */
	SC_HDR_BAD, /* a header line the scan does not read */
};

/* the headers the scan reads; bit (1 << id) in sip_scan_ctx.seen */
enum sip_scan_hdr {
	SH_OTHER,
	SH_CALL_ID,
	SH_CSEQ,
	SH_VIA,
	SH_FROM,
	SH_TO,
	SH_CONTENT_LENGTH,
	SH_USER_AGENT,
	/* only where they are for an OPTIONS answer (sip_opt_lines) */
	SH_MAX_FORWARDS,
	SH_ROUTE,
	SH_REQUIRE, /* Require or Proxy-Require */
};

/* a ";name=value" parameter of Via (branch) or From/To (tag) */
enum sip_param_state {
	PM_OUT, /* before the next ';' */
	PM_NAME,
	PM_AFTER_NAME, /* the name matched; '=' next */
	PM_VAL_WS,
	PM_VAL,
	PM_STOP, /* Via: past the first value (a ',') */
};

/* CSeq: 1*DIGIT LWS Method */
enum sip_cseq_state {
	CS_PRE,
	CS_NUM,
	CS_SEP,
	CS_METHOD,
	CS_END,
	CS_BAD,
};

static __always_inline bool sip_is_ws(__u8 c)
{
	return c == ' ' || c == '\t';
}

static __always_inline bool sip_is_digit(__u8 c)
{
	return c >= '0' && c <= '9';
}

static __always_inline bool sip_is_alpha(__u8 c)
{
	return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static __always_inline __u8 sip_lower(__u8 c)
{
	return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
}

/* RFC 3261 token: alphanumerics and -.!%*_+`'~ */
static __always_inline bool sip_is_token(__u8 c)
{
	return sip_is_alpha(c) || sip_is_digit(c) || c == '-' || c == '.' ||
	       c == '!' || c == '%' || c == '*' || c == '_' || c == '+' ||
	       c == '`' || c == '\'' || c == '~';
}

/* bytes a header value or a reason phrase may not hold (HTAB may) */
static __always_inline bool sip_is_ctl(__u8 c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static __always_inline __u8 scan_at(const struct siphon_sip_scan *s, __u32 i)
{
	return s->buf[i & SIP_SCAN_MASK];
}

/* n bytes at off equal lit, letters compared in any case (lit lower) */
static __always_inline bool scan_ieq(const struct siphon_sip_scan *s, __u32 off,
				     const char *lit, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (sip_lower(scan_at(s, off + i)) != (__u8)lit[i])
			return false;
	}
	return true;
}

/* n bytes at off equal lit exactly */
static __always_inline bool scan_eq(const struct siphon_sip_scan *s, __u32 off,
				    const char *lit, __u32 n)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		if (scan_at(s, off + i) != (__u8)lit[i])
			return false;
	}
	return true;
}

#define SIP_METHOD_TRY(name, str)                                            \
	if (len == sizeof(str) - 1 && scan_eq(s, off, str, sizeof(str) - 1)) \
		return SIPHON_SIP_METHOD_##name;

/* the method a token names (case-sensitive), OTHER for any other token */
static __always_inline __u8 scan_method(const struct siphon_sip_scan *s,
					__u32 off, __u32 len)
{
	SIPHON_SIP_METHODS(SIP_METHOD_TRY)
	return SIPHON_SIP_METHOD_OTHER;
}
#undef SIP_METHOD_TRY

/* the header a name stands for, full or compact, in any case */
static __always_inline __u8 scan_hdr_of(const struct siphon_sip_scan *s,
					__u32 off, __u32 len)
{
	__u8 c = sip_lower(scan_at(s, off));

	switch (len) {
	case 1:
		return c == 'i' ? SH_CALL_ID :
		       c == 'v' ? SH_VIA :
		       c == 'f' ? SH_FROM :
		       c == 't' ? SH_TO :
		       c == 'l' ? SH_CONTENT_LENGTH :
				  SH_OTHER;
	case 2:
		return scan_ieq(s, off, "to", 2) ? SH_TO : SH_OTHER;
	case 3:
		return scan_ieq(s, off, "via", 3) ? SH_VIA : SH_OTHER;
	case 4:
		return scan_ieq(s, off, "cseq", 4) ? SH_CSEQ :
		       scan_ieq(s, off, "from", 4) ? SH_FROM :
						     SH_OTHER;
	case 5:
		return scan_ieq(s, off, "route", 5) ? SH_ROUTE : SH_OTHER;
	case 7:
		return scan_ieq(s, off, "call-id", 7) ? SH_CALL_ID :
		       scan_ieq(s, off, "require", 7) ? SH_REQUIRE :
							SH_OTHER;
	case 10:
		return scan_ieq(s, off, "user-agent", 10) ? SH_USER_AGENT :
							    SH_OTHER;
	case 12:
		return scan_ieq(s, off, "max-forwards", 12) ? SH_MAX_FORWARDS :
							      SH_OTHER;
	case 13:
		return scan_ieq(s, off, "proxy-require", 13) ? SH_REQUIRE :
							       SH_OTHER;
	case 14:
		return scan_ieq(s, off, "content-length", 14) ?
			       SH_CONTENT_LENGTH :
			       SH_OTHER;
	}
	return SH_OTHER;
}

/* a new header line: its name is known, nothing of its value yet */
static __always_inline void scan_hdr_begin(struct sip_scratch *x)
{
	struct sip_scan_ctx *sc = &x->sc;

	sc->hdr = scan_hdr_of(&x->scan, sc->name_off, sc->name_len);
	sc->line_hdr = sc->hdr;
	sc->line_dup = (sc->seen >> sc->hdr) & 1;
	/* only the first line of each header is read */
	if (sc->line_dup)
		sc->hdr = SH_OTHER;
	sc->val_start = 0;
	sc->val_end = 0;
	sc->hash = SIPHON_FNV_BASIS;
	sc->hash_len = 0;
	sc->num = 0;
	sc->sub = 0;
	sc->pm_quote = 0;
	sc->pm_esc = 0;
	sc->pm_angle = 0;
	sc->cl_bad = 0;
}

/*
 * Where the lines an OPTIONS answer copies are. A line runs from its name
 * (name_off) to end, before its CRLF; kept for every request, as the
 * method alone does not say yet whether the answer is XDP's.
 */
static __always_inline void scan_opt_line(struct sip_scratch *x, __u32 end)
{
	struct sip_scan_ctx *sc = &x->sc;
	struct sip_opt_lines *ol = &x->ol;
	__u32 k = SIP_LINES, n = ol->nvia;

	switch (sc->line_hdr) {
	case SH_VIA:
		if (n < SIPHON_OPTIONS_VIAS_MAX) {
			ol->via_off[n] = sc->name_off;
			ol->via_end[n] = end;
		}
		if (!n)
			ol->top_via_val = sc->val_start;
		if (n < 255)
			ol->nvia = n + 1;
		return;
	case SH_MAX_FORWARDS:
		if (!sc->line_dup && !sc->cl_bad && sc->val_end) {
			ol->max_forwards = sc->num;
			ol->flags |= SIP_OPT_MAX_FORWARDS;
		}
		return;
	case SH_ROUTE:
		ol->flags |= SIP_OPT_ROUTE;
		return;
	case SH_REQUIRE:
		ol->flags |= SIP_OPT_REQUIRE;
		return;
	case SH_FROM:
		k = SIP_LINE_FROM;
		break;
	case SH_TO:
		k = SIP_LINE_TO;
		ol->to_val_end = sc->val_end;
		break;
	case SH_CALL_ID:
		k = SIP_LINE_CALL_ID;
		break;
	case SH_CSEQ:
		k = SIP_LINE_CSEQ;
		break;
	}
	if (k >= SIP_LINES)
		return;
	if (sc->line_dup) {
		ol->flags |= SIP_OPT_DUP;
		return;
	}
	ol->line_off[k] = sc->name_off;
	ol->line_end[k] = end;
}

/* the header line (folds included) has ended: keep what it said */
static __always_inline void scan_hdr_end(struct sip_scratch *x)
{
	struct sip_scan_ctx *sc = &x->sc;
	struct siphon_sip_info *info = &x->scan.info;

	switch (sc->hdr) {
	case SH_CALL_ID:
		if (sc->hash_len) {
			info->call_id_hash = sc->hash;
			info->call_id_len = sc->hash_len;
			info->flags |= SIPHON_SIP_F_CALL_ID;
		}
		break;
	case SH_CSEQ:
		if (sc->sub == CS_METHOD || sc->sub == CS_END) {
			info->cseq = sc->num;
			info->flags |= SIPHON_SIP_F_CSEQ;
			sc->cseq_moff = sc->cs_moff;
			sc->cseq_mlen = sc->cs_mlen;
		}
		break;
	case SH_VIA:
		info->flags |= SIPHON_SIP_F_VIA;
		break;
	case SH_CONTENT_LENGTH:
		if (!sc->cl_bad && sc->val_end) {
			info->content_length = sc->num;
			info->flags |= SIPHON_SIP_F_CONTENT_LENGTH;
		}
		break;
	case SH_USER_AGENT:
		if (sc->val_end) {
			info->ua_off = sc->val_start;
			info->ua_len = sc->val_end - sc->val_start;
			info->flags |= SIPHON_SIP_F_USER_AGENT;
		}
		break;
	}
	sc->seen |= 1 << sc->hdr;
	sc->hdr = SH_OTHER;
}

static __always_inline void scan_cseq(struct sip_scratch *x, __u32 i, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;

	switch (sc->sub) {
	case CS_PRE:
		if (sip_is_digit(c)) {
			sc->num = c - '0';
			sc->sub = CS_NUM;
		} else if (!sip_is_ws(c)) {
			sc->sub = CS_BAD;
		}
		break;
	case CS_NUM:
		if (sip_is_digit(c) && sc->num <= (SIP_CSEQ_CAP - 9) / 10)
			sc->num = sc->num * 10 + (c - '0');
		else if (sip_is_ws(c))
			sc->sub = CS_SEP;
		else
			sc->sub = CS_BAD;
		break;
	case CS_SEP:
		if (sip_is_token(c)) {
			sc->cs_moff = i;
			sc->cs_mlen = 1;
			sc->sub = CS_METHOD;
		} else if (!sip_is_ws(c)) {
			sc->sub = CS_BAD;
		}
		break;
	case CS_METHOD:
		if (sip_is_token(c))
			sc->cs_mlen++;
		else
			sc->sub = sip_is_ws(c) ? CS_END : CS_BAD;
		break;
	case CS_END:
		if (!sip_is_ws(c))
			sc->sub = CS_BAD;
		break;
	}
}

/* a byte of a parameter value: a Via branch is hashed, a tag noted */
static __always_inline void scan_param_value(struct sip_scratch *x, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;
	struct siphon_sip_info *info = &x->scan.info;

	if (sc->hdr == SH_VIA) {
		sc->hash = siphon_fnv1a(sc->hash, c);
		sc->hash_len++;
		/* the last branch parameter wins, as in sip_via_parse() */
		info->branch_hash = sc->hash;
		info->branch_len = sc->hash_len;
		info->flags |= SIPHON_SIP_F_BRANCH;
	} else {
		info->flags |= sc->hdr == SH_FROM ? SIPHON_SIP_F_FROM_TAG :
						    SIPHON_SIP_F_TO_TAG;
	}
}

/*
 * ";branch=" in the first value of the top Via, ";tag=" outside <...> in
 * From and To. Names in any case, LWS around ';' and '='; quoted strings
 * are skipped whole.
 */
static __always_inline void scan_param(struct sip_scratch *x, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;

	/* "branch" and "tag", packed a byte a letter from the low end */
	__u64 name = sc->hdr == SH_VIA ? 0x68636e617262ull : 0x676174ull;
	__u8 name_len = sc->hdr == SH_VIA ? 6 : 3;

	if (sc->sub == PM_STOP)
		return;
	if (sc->pm_quote) {
		if (sc->pm_esc)
			sc->pm_esc = 0;
		else if (c == '\\')
			sc->pm_esc = 1;
		else if (c == '"')
			sc->pm_quote = 0;
		return;
	}
	if (c == '"') {
		sc->pm_quote = 1;
		sc->sub = PM_OUT;
		return;
	}
	if (sc->hdr != SH_VIA) {
		if (c == '<')
			sc->pm_angle = 1;
		else if (c == '>')
			sc->pm_angle = 0;
		if (sc->pm_angle || c == '>')
			return;
	}
	if (c == ';') {
		sc->sub = PM_NAME;
		sc->pm_k = 0;
		sc->pm_ok = 1;
		return;
	}
	if (c == ',' && sc->hdr == SH_VIA) {
		sc->sub = PM_STOP;
		return;
	}
	switch (sc->sub) {
	case PM_NAME:
		if (sip_is_ws(c)) {
			if (sc->pm_k)
				sc->sub = sc->pm_ok && sc->pm_k == name_len ?
						  PM_AFTER_NAME :
						  PM_OUT;
		} else if (c == '=') {
			sc->sub = sc->pm_ok && sc->pm_k == name_len ?
					  PM_VAL_WS :
					  PM_OUT;
		} else {
			if (sc->pm_k >= name_len ||
			    sip_lower(c) != ((name >> (8 * sc->pm_k)) & 0xff))
				sc->pm_ok = 0;
			if (sc->pm_k < 255)
				sc->pm_k++;
		}
		break;
	case PM_AFTER_NAME:
		if (c == '=')
			sc->sub = PM_VAL_WS;
		else if (!sip_is_ws(c))
			sc->sub = PM_OUT;
		break;
	case PM_VAL_WS:
		if (sip_is_ws(c))
			break;
		sc->hash = SIPHON_FNV_BASIS;
		sc->hash_len = 0;
		sc->sub = PM_VAL;
		scan_param_value(x, c);
		break;
	case PM_VAL:
		if (sip_is_ws(c))
			sc->sub = PM_OUT;
		else
			scan_param_value(x, c);
		break;
	}
}

/* one byte of a header value (not CR): what the header needs of it */
static __always_inline void scan_value(struct sip_scratch *x, __u32 i, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;

	if (!sip_is_ws(c)) {
		if (!sc->val_end)
			sc->val_start = i;
		sc->val_end = i + 1;
	}
	switch (sc->hdr) {
	case SH_CALL_ID:
		if (!sip_is_ws(c)) {
			sc->hash = siphon_fnv1a(sc->hash, c);
			sc->hash_len++;
		}
		break;
	case SH_CSEQ:
		scan_cseq(x, i, c);
		break;
	case SH_CONTENT_LENGTH:
	case SH_MAX_FORWARDS:
		if (sip_is_digit(c) && sc->num <= SIP_CL_CAP)
			sc->num = sc->num * 10 + (c - '0');
		else if (!sip_is_ws(c))
			sc->cl_bad = 1;
		break;
	case SH_VIA:
	case SH_FROM:
	case SH_TO:
		scan_param(x, c);
		break;
	}
}

/* "SIP/2.0", lower case, a byte at a time */
static __always_inline __u8 sip_version_char(__u8 k)
{
	return (0x302e322f706973ull >> (8 * k)) & 0xff;
}

/* the start line, one byte: the next state */
static __always_inline __u8 scan_start(struct sip_scratch *x, __u32 i, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;

	switch (sc->state) {
	case SC_LEAD:
		if (c == '\r')
			return SC_LEAD_LF;
		sc->tok_off = i;
		sc->tok_len = 0;
		/* fall through: the first byte of the start line */
	case SC_METHOD:
		if (sip_is_token(c)) {
			sc->tok_len++;
			return SC_METHOD;
		}
		if (c == ' ' && sc->tok_len)
			return SC_URI_FIRST;
		if (c == '/' && sc->tok_len == 3 &&
		    scan_ieq(&x->scan, sc->tok_off, "sip", 3)) {
			sc->resp = 1;
			sc->k = 4;
			return SC_RVERSION;
		}
		return SC_NOT_SIP;
	case SC_LEAD_LF:
		return c == '\n' ? SC_LEAD : SC_NOT_SIP;
	case SC_URI_FIRST:
		sc->has_colon = 0;
		sc->uri_off = i;
		return sip_is_alpha(c) ? SC_URI : SC_BAD_START;
	case SC_URI:
		if (c == ' ') {
			sc->k = 0;
			sc->uri_end = i;
			return sc->has_colon ? SC_QVERSION : SC_BAD_START;
		}
		if (c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == '"')
			return SC_BAD_START;
		if (c == ':')
			sc->has_colon = 1;
		return SC_URI;
	case SC_QVERSION:
		if (sc->k == 7)
			return c == '\r' ? SC_START_LF : SC_BAD_START;
		if (sip_lower(c) != sip_version_char(sc->k))
			return SC_BAD_START;
		sc->k++;
		return SC_QVERSION;
	case SC_RVERSION:
		if (sc->k == 7) {
			sc->k = 0;
			sc->status = 0;
			return c == ' ' ? SC_STATUS : SC_BAD_START;
		}
		if (sip_lower(c) != sip_version_char(sc->k))
			return SC_BAD_START;
		sc->k++;
		return SC_RVERSION;
	case SC_STATUS:
		if (sc->k < 3) {
			if (!sip_is_digit(c))
				return SC_BAD_START;
			sc->status = sc->status * 10 + (c - '0');
			sc->k++;
			return SC_STATUS;
		}
		if (sc->status < 100 || sc->status > 699)
			return SC_BAD_START;
		if (c == '\r')
			return SC_START_LF;
		return c == ' ' ? SC_REASON : SC_BAD_START;
	case SC_REASON:
		if (c == '\r')
			return SC_START_LF;
		return sip_is_ctl(c) ? SC_BAD_START : SC_REASON;
	case SC_START_LF:
		if (c != '\n')
			return SC_BAD_START;
		if (sc->resp) {
			x->scan.info.kind = SIPHON_SIP_KIND_RESPONSE;
			x->scan.info.status = sc->status;
		} else {
			x->scan.info.kind = SIPHON_SIP_KIND_REQUEST;
		}
		return SC_LINE;
	}
	return SC_BAD_START;
}

/* the header section, one byte: the next state */
static __always_inline __u8 scan_headers(struct sip_scratch *x, __u32 i, __u8 c)
{
	struct sip_scan_ctx *sc = &x->sc;

	switch (sc->state) {
	case SC_LINE:
		if (sip_is_ws(c)) {
			/* a fold: more of the value above, if there is one */
			if (!sc->name_len)
				return SC_HDR_BAD;
			scan_value(x, i, c);
			return SC_VALUE;
		}
		if (sc->name_len) {
			/* i is past the CRLF that ended the line */
			scan_opt_line(x, i - 2);
			scan_hdr_end(x);
		}
		if (c == '\r')
			return SC_END_LF;
		if (!sip_is_token(c))
			return SC_HDR_BAD;
		sc->name_off = i;
		sc->name_len = 1;
		return SC_NAME;
	case SC_NAME:
		if (sip_is_token(c)) {
			sc->name_len++;
			return SC_NAME;
		}
		if (sip_is_ws(c))
			return SC_NAME_WS;
		/* fall through */
	case SC_NAME_WS:
		if (c == ':') {
			scan_hdr_begin(x);
			return SC_VALUE_LWS;
		}
		return sip_is_ws(c) ? SC_NAME_WS : SC_HDR_BAD;
	case SC_VALUE_LWS:
		if (sip_is_ws(c))
			return SC_VALUE_LWS;
		/* fall through */
	case SC_VALUE:
		if (c == '\r')
			return SC_VALUE_LF;
		if (sip_is_ctl(c))
			return SC_HDR_BAD;
		scan_value(x, i, c);
		return SC_VALUE;
	case SC_VALUE_LF:
		return c == '\n' ? SC_LINE : SC_HDR_BAD;
	case SC_END_LF:
		if (c != '\n')
			return SC_HDR_BAD;
		x->scan.info.hdr_len = i + 1;
		x->scan.info.flags |= SIPHON_SIP_F_HDR_END;
		return SC_DONE;
	}
	return SC_HDR_BAD;
}

/*
 * Runs of bytes that change nothing but a length, a hash or where a value
 * ends are taken many per callback: the bytes that could matter (the
 * stops of the current state) are looked for a machine word at a time,
 * and the run ends before the first of them, which is read alone by the
 * automaton. Control bytes (CR, HTAB included) and DEL always stop a run.
 */
/*
 * Words per callback, and token bytes per callback (names, methods). Each
 * bound is unrolled into verifier work for every kind of run: larger
 * ones cut few callbacks more (most runs are short) but make the program
 * load measurably slower (4 words and 16 token bytes: +50 %).
 */
#define SIP_SKIP_WORDS 2
#define SIP_TOKEN_RUN_MAX 8
#define SIP_W_ONES 0x0101010101010101ull
#define SIP_W_HIGHS 0x8080808080808080ull

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the word skip reads the first byte from the low end");

/* which bytes stop a run, and what the run does */
enum sip_stop {
	STOP_WS = 1 << 0, /* SP: the value's end is tracked */
	STOP_PARAM = 1 << 1, /* ';' and '"' */
	STOP_COMMA = 1 << 2, /* ',': the end of Via's first value */
	STOP_ANGLE = 1 << 3, /* '<', '>' and ';', '"' (From, To) */
	STOP_QUOTED = 1 << 4, /* '\\' and '"' inside a quoted string */
	STOP_URI = 1 << 5, /* SP, 8-bit, '<', '>', '"', ':' */
	RUN_HASH = 1 << 6, /* the bytes are hashed (Call-ID, branch) */
	RUN_TOKEN = 1 << 7, /* a token: its bytes are counted */
	RUN_PARAM_NAME = 1 << 8, /* a parameter's name: matched too */
	RUN_CSEQ_METHOD = 1 << 9, /* CSeq's method: counted */
};

/* the high bit of each byte of v that is zero; exact up to the first */
static __always_inline __u64 word_zero(__u64 v)
{
	return (v - SIP_W_ONES) & ~v & SIP_W_HIGHS;
}

static __always_inline __u64 word_is(__u64 v, __u8 c)
{
	return word_zero(v ^ (SIP_W_ONES * c));
}

/* v with A..Z in lower case, every other byte as it was */
static __always_inline __u64 word_lower(__u64 v)
{
	__u64 x = v & ~SIP_W_HIGHS;
	__u64 ge_a = x + SIP_W_ONES * (0x80 - 'A');
	__u64 gt_z = x + SIP_W_ONES * (0x80 - 'Z' - 1);

	return v | (((ge_a & ~gt_z & ~v) & SIP_W_HIGHS) >> 2);
}

/* the first f bytes of v (f up to 8), the rest zero */
static __always_inline __u64 word_head(__u64 v, __u32 f)
{
	return f >= 8 ? v : v & ((1ull << (8 * f)) - 1);
}

/* the bytes of v that stop a run: their high bits */
static __always_inline __u64 word_stops(__u64 v, __u32 stops)
{
	/* bytes below SP, and DEL */
	__u64 m = ((v - SIP_W_ONES * 0x20) & ~v & SIP_W_HIGHS) |
		  word_is(v, 0x7f);

	if (stops & (STOP_WS | STOP_URI))
		m |= word_is(v, ' ');
	if (stops & (STOP_PARAM | STOP_ANGLE | STOP_QUOTED | STOP_URI))
		m |= word_is(v, '"');
	if (stops & (STOP_PARAM | STOP_ANGLE))
		m |= word_is(v, ';');
	if (stops & STOP_COMMA)
		m |= word_is(v, ',');
	if (stops & (STOP_ANGLE | STOP_URI))
		m |= word_is(v, '<') | word_is(v, '>');
	if (stops & STOP_QUOTED)
		m |= word_is(v, '\\');
	if (stops & STOP_URI)
		m |= (v & SIP_W_HIGHS) | word_is(v, ':');
	return m;
}

/*
 * How many bytes of a word come before its first stop (m not 0): the
 * lowest stop alone, 1 << (8 * f + 7), times a constant whose byte 7 - f
 * is f, has f in its top byte.
 */
static __always_inline __u32 word_first(__u64 m)
{
	__u64 low = m & (0 - m);

	return ((low >> 7) * 0x0001020304050607ull) >> 56;
}

/* h with the first f bytes of v hashed (f up to 8), without a branch */
static __always_inline __u32 word_hash(__u32 h, __u64 v, __u32 f)
{
	__u32 j, next, keep;

#pragma unroll
	for (j = 0; j < 8; j++) {
		next = siphon_fnv1a(h, (v >> (8 * j)) & 0xff);
		/* all ones while j < f */
		keep = 0 - (__u32)(((__u64)j - f) >> 63);
		h = (next & keep) | (h & ~keep);
	}
	return h;
}

/* the run the byte at the cursor may start (enum sip_stop), or -1 */
static __always_inline int scan_stops(const struct sip_scan_ctx *sc)
{
	switch (sc->state) {
	case SC_METHOD:
	case SC_NAME:
		return RUN_TOKEN;
	case SC_URI:
		return STOP_URI;
	case SC_REASON:
		return 0;
	case SC_VALUE_LWS:
	case SC_VALUE:
		break;
	default:
		return -1;
	}
	if (sc->pm_esc)
		return -1;
	switch (sc->hdr) {
	case SH_OTHER:
	case SH_ROUTE:
	case SH_REQUIRE:
		/* To's value end is kept for an OPTIONS answer */
		return sc->line_hdr == SH_TO ? STOP_WS : 0;
	case SH_USER_AGENT:
		return STOP_WS;
	case SH_CALL_ID:
		return STOP_WS | RUN_HASH;
	case SH_VIA:
		if (sc->pm_quote)
			return STOP_WS | STOP_QUOTED;
		if (sc->sub == PM_OUT || sc->sub == PM_STOP)
			return STOP_WS | STOP_PARAM | STOP_COMMA;
		if (sc->sub == PM_VAL)
			return STOP_WS | STOP_PARAM | STOP_COMMA | RUN_HASH;
		return sc->sub == PM_NAME ? RUN_PARAM_NAME : -1;
	case SH_FROM:
	case SH_TO:
		if (sc->pm_quote)
			return STOP_WS | STOP_QUOTED;
		if (sc->sub == PM_OUT || sc->sub == PM_VAL)
			return STOP_WS | STOP_ANGLE;
		/* inside <...> a name is never read (pm_angle) */
		return sc->sub == PM_NAME && !sc->pm_angle ? RUN_PARAM_NAME :
							     -1;
	case SH_CSEQ:
		return sc->sub == CS_METHOD ? RUN_CSEQ_METHOD : -1;
	}
	return -1;
}

/* token bytes from i on, before n: a name's or a method's rest */
static __always_inline __u32 scan_token_run(struct sip_scratch *x, __u32 i,
					    __u32 n)
{
	__u32 k;

	for (k = 0; k < SIP_TOKEN_RUN_MAX; k++) {
		if (i + k >= n || !sip_is_token(scan_at(&x->scan, i + k)))
			break;
	}
	return k;
}

/*
 * Bytes from i on, before n, up to the first stop, whole words at a time
 * (none when fewer than eight are left); hashed into *h with RUN_HASH.
 */
static __always_inline __u32 scan_word_run(struct sip_scratch *x, __u32 i,
					   __u32 n, __u32 stops, __u32 *h)
{
	__u32 run = 0, w, off, f;
	__u64 v, m;

	for (w = 0; w < SIP_SKIP_WORDS; w++) {
		off = (i + run) & SIP_SCAN_MASK;
		if (i + run + 8 > n || off > SIPHON_SIP_SCAN_MAX - 8)
			break;
		v = *(const __u64 *)&x->scan.buf[off];
		m = word_stops(v, stops);
		f = m ? word_first(m) : 8;
		if (stops & RUN_HASH)
			*h = word_hash(*h, v, f);
		run += f;
		if (m)
			break;
	}
	return run;
}

/* a Call-ID's or a branch's run was hashed: as scan_value would keep it */
static __always_inline void scan_hash_run(struct sip_scratch *x, __u32 h,
					  __u32 run)
{
	struct sip_scan_ctx *sc = &x->sc;
	struct siphon_sip_info *info = &x->scan.info;

	sc->hash = h;
	sc->hash_len += run;
	if (sc->hdr == SH_VIA) {
		info->branch_hash = sc->hash;
		info->branch_len = sc->hash_len;
	}
}

/*
 * A value's run ended at j: the value goes on (SC_VALUE), or its line
 * ends there with CRLF, taken at once as scan_headers() would. Where the
 * next line is read from.
 */
static __always_inline __u32 scan_value_end(struct sip_scratch *x, __u32 j,
					    __u32 n)
{
	struct sip_scan_ctx *sc = &x->sc;

	if (j + 2 <= n && scan_at(&x->scan, j) == '\r' &&
	    scan_at(&x->scan, j + 1) == '\n') {
		sc->state = SC_LINE;
		return j + 2;
	}
	if (j > sc->pos)
		sc->state = SC_VALUE;
	return j;
}

/* "sip/2.0" and CR, a byte a letter from the low end */
#define SIP_VERSION_CR 0x0d302e322f706973ull

/*
 * "SIP/2.0" CRLF ending a request line, taken at once as scan_start()
 * would take it a byte at a time: 9 bytes, or 0 when they are not that.
 * Bit 5 set in the first three bytes makes S, I and P lower case, and
 * makes nothing else s, i or p.
 */
static __always_inline __u32 scan_request_version(struct sip_scratch *x,
						  __u32 i, __u32 n)
{
	__u64 v = *(const __u64 *)&x->scan.buf[i & SIP_SCAN_MASK];

	if (i + 9 > n || (v | 0x202020ull) != SIP_VERSION_CR ||
	    scan_at(&x->scan, i + 8) != '\n')
		return 0;
	x->sc.k = 7;
	x->sc.state = SC_LINE;
	x->scan.info.kind = SIPHON_SIP_KIND_REQUEST;
	return 9;
}

/* white space from i on (two bytes at most), before n */
static __always_inline __u32 scan_lws_run(const struct sip_scratch *x, __u32 i,
					  __u32 n)
{
	__u32 k;

	for (k = 0; k < 2; k++) {
		if (i + k >= n || !sip_is_ws(scan_at(&x->scan, i + k)))
			break;
	}
	return k;
}

/*
 * run token bytes of a parameter's name from i: matched against the name
 * scan_param() looks for, as it would match them one at a time
 */
static __always_inline void scan_param_name_run(struct sip_scratch *x, __u32 i,
						__u32 run)
{
	struct sip_scan_ctx *sc = &x->sc;
	__u64 name = sc->hdr == SH_VIA ? 0x68636e617262ull : 0x676174ull;
	__u32 name_len = sc->hdr == SH_VIA ? 6 : 3, k = sc->pm_k;
	__u64 v = *(const __u64 *)&x->scan.buf[i & SIP_SCAN_MASK];

	if (k + run > name_len ||
	    word_head(word_lower(v) ^ (name >> (8 * k)), run))
		sc->pm_ok = 0;
	sc->pm_k = k + run > 255 ? 255 : k + run;
}

/*
 * Bytes from i on that the automaton would read without a change of
 * state: how many, with their effect applied. None when the byte at i
 * must be read alone.
 */
static __always_inline __u32 scan_skip(struct sip_scratch *x, __u32 i, __u32 n)
{
	struct sip_scan_ctx *sc = &x->sc;
	int stops = scan_stops(sc);
	__u32 run, h;

	if (sc->state == SC_QVERSION && !sc->k)
		return scan_request_version(x, i, n);
	if (stops < 0)
		return 0;
	if (stops & RUN_TOKEN) {
		run = scan_token_run(x, i, n);
		if (sc->state == SC_METHOD)
			sc->tok_len += run;
		else
			sc->name_len += run;
		return run;
	}
	if (stops & (RUN_PARAM_NAME | RUN_CSEQ_METHOD)) {
		run = scan_token_run(x, i, n);
		if (!run)
			return 0;
		if (stops & RUN_PARAM_NAME)
			scan_param_name_run(x, i, run);
		else
			sc->cs_mlen += run;
		/* token bytes: part of the value, none of them white space */
		if (!sc->val_end)
			sc->val_start = i;
		sc->val_end = i + run;
		return scan_value_end(x, i + run, n) - i;
	}
	h = sc->hash;
	run = scan_word_run(x, i, n, stops, &h);
	if (run && (stops & RUN_HASH))
		scan_hash_run(x, h, run);
	/* every byte of the run is part of the value and not white space */
	if (run && (stops & STOP_WS)) {
		if (!sc->val_end)
			sc->val_start = i;
		sc->val_end = i + run;
	}
	if (sc->state == SC_VALUE || sc->state == SC_VALUE_LWS)
		run = scan_value_end(x, i + run, n) - i;
	return run;
}

/*
 * bpf_loop callback: a run from the cursor, if one starts there, then the
 * byte after it, which must be read alone; 1 stops
 */
static long scan_byte(__u32 iter, void *data)
{
	struct sip_scan_arg *arg = data;
	struct sip_scratch *x = arg->x;
	struct sip_scan_ctx *sc = &x->sc;
	__u32 i = sc->pos;
	__u8 c;

	if (i >= arg->n)
		return 1;
	/* a run ends before a byte that must be read alone: read it too */
	i += scan_skip(x, i, arg->n);
	if (i >= arg->n) {
		sc->pos = i;
		return 1;
	}
	c = scan_at(&x->scan, i);
	if (sc->state < SC_LINE)
		sc->state = scan_start(x, i, c);
	else
		sc->state = scan_headers(x, i, c);
	sc->pos = i + 1;
	/* white space after a header's colon changes nothing: taken along */
	if (sc->state == SC_VALUE_LWS)
		sc->pos += scan_lws_run(x, sc->pos, arg->n);
	return sc->state >= SC_DONE || sc->pos >= arg->n;
}

#endif /* SIPHON_BPF_SIP_SCAN_H */
