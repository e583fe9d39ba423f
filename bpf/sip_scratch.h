/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The value of the per-CPU map siphon_sip_scan: the part userspace reads
 * (struct siphon_sip_scan: what was learned, the copied bytes), then the
 * SIP scan's registers, private to bpf/sip_scan.h.
 */
#ifndef SIPHON_BPF_SIP_SCRATCH_H
#define SIPHON_BPF_SIP_SCRATCH_H

#include <linux/types.h>
#include "siphon/shield.h"
#include "siphon/sip.h"

/*
 * The automaton's registers. They live in the per-CPU scratch, not on the
 * stack: the verifier does not know their values there, so it checks the
 * callback for every state at once instead of for each constant one.
 */
struct sip_scan_ctx {
	__u32 status;
	__u32 tok_off; /* the method of a request line */
	__u32 tok_len;
	__u32 name_off; /* the header name being read */
	__u32 name_len;
	__u32 val_start; /* the current value, white space trimmed */
	__u32 val_end;
	__u32 hash; /* Call-ID or branch being hashed */
	__u32 hash_len;
	__u32 num; /* CSeq or Content-Length digits */
	__u32 cs_moff; /* CSeq method */
	__u32 cs_mlen;
	__u32 cseq_moff; /* the CSeq method taken, for the classifier */
	__u32 cseq_mlen;
	__u32 uri_off; /* the Request-URI */
	__u32 uri_end;
	__u32 pos; /* the next byte of the copy to read */
	__u16 seen; /* headers already taken: the first of each counts */
	__u8 line_hdr; /* enum sip_scan_hdr of this line, even a repeated one */
	__u8 line_dup; /* this line repeats a header already seen */
	__u8 state; /* enum sip_scan_state */
	__u8 k; /* characters of a literal matched so far */
	__u8 hdr; /* enum sip_scan_hdr of the current header */
	__u8 has_colon; /* the Request-URI has its ':' */
	__u8 resp; /* the start line is a status line */
	__u8 sub; /* enum sip_cseq_state or enum sip_param_state */
	__u8 pm_k; /* parameter name characters matched */
	__u8 pm_ok; /* the parameter name still matches */
	__u8 pm_quote; /* inside a quoted string */
	__u8 pm_esc; /* after a backslash in one */
	__u8 pm_angle; /* inside <...> (From, To) */
	__u8 cl_bad; /* Content-Length is not a number */
};

/* sip_opt_lines.flags */
enum {
	SIP_OPT_MAX_FORWARDS = 1 << 0, /* a Max-Forwards number was read */
	SIP_OPT_ROUTE = 1 << 1, /* a Route header */
	SIP_OPT_REQUIRE = 1 << 2, /* Require or Proxy-Require */
	SIP_OPT_DUP = 1 << 3, /* a second From, To, Call-ID or CSeq line */
};

/* the copied lines of an OPTIONS reply: where the request has them */
enum { SIP_LINE_FROM, SIP_LINE_TO, SIP_LINE_CALL_ID, SIP_LINE_CSEQ,
       SIP_LINES };

/*
 * Where the header lines an answer to OPTIONS copies are, found by the
 * scan of every request (bpf/sip_scan.h), used by bpf/sip_options.h.
 * Offsets into the copy; a line runs from its name to before its CRLF.
 */
struct sip_opt_lines {
	__u32 via_off[SIPHON_OPTIONS_VIAS_MAX];
	__u32 via_end[SIPHON_OPTIONS_VIAS_MAX];
	__u32 nvia; /* Via lines, also those past VIAS_MAX */
	__u32 top_via_val; /* where the top Via's value starts */
	__u32 line_off[SIP_LINES];
	__u32 line_end[SIP_LINES];
	__u32 to_val_end; /* To's value, trailing white space left out */
	__u32 max_forwards;
	__u32 flags; /* SIP_OPT_* */
};

/* what the answer needs of the frame's headers */
struct opt_pkt {
	__be32 saddr[4];
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u32 v4;
};

/* what the OPTIONS answer reads and writes (bpf/sip_options.h) */
struct sip_opt_regs {
	struct opt_pkt pkt;
	/* the segment reader (bpf/sip_options_parse.h) */
	__u32 pos, end; /* its cursor and limit in the copy */
	__u8 part; /* where in the Request-URI or the Via */
	__u8 bad, v6, upad;
	/* the Request-URI */
	__u32 at; /* its first '@', 0: none */
	__u32 user_hash, user_len, host_hash, host_len, host_off, port;
	/* the top Via */
	__u32 sb_off, sb_len; /* its sent-by's host */
	__u32 via_first_end; /* end of its first value, trimmed */
	__u32 rport_end; /* after "rport" with no value, 0: none */
	__u64 vpname; /* the param name, packed (up to 8 bytes) */
	__u8 vpk, vbad, vrport_val, vpad2; /* vpk: param name bytes */
	__u32 rport_n, recv_n; /* bytes of gen's rport= and received= */
	__u32 olen; /* bytes written to out */
	__u32 cp_from, cp_to; /* bytes of the request still to copy there */
	/* generated text: rport, received, tag; read a word at a time */
	__u8 gen[128] __attribute__((aligned(8)));
};

#define SIP_OPT_OUT_MAX 2048
#define SIP_OPT_OUT_MASK (SIP_OPT_OUT_MAX - 1)

/* the value of siphon_sip_scan: what userspace reads, then the registers */
/*
 * What the shield's first look (bpf/shield_early.h) learned, for the
 * stages after the read. In the scratch, not on the stack: the program's
 * deepest call chain (the OPTIONS answer's global functions) leaves no
 * room for it in 512 bytes.
 */
struct shield_src {
	struct siphon_source_key key;
	__u64 now;
	__u64 gen; /* siphon_listgen before the lists were looked up */
};

struct sip_scratch {
	struct siphon_sip_scan scan;
	struct sip_scan_ctx sc;
	struct sip_opt_lines ol;
	struct sip_opt_regs or;
	/* the frame's IP and UDP headers, for the answer */
	__u32 l3_off;
	__u32 l4_off;
	__u32 v4;
	struct shield_src ss;
	struct siphon_prefix_key pk; /* the source, as the lists see it */
	/* the OPTIONS answer; twice its bound so that every masked copy
	 * the verifier sees stays inside */
	__u8 out[2 * SIP_OPT_OUT_MAX];
};

/* what bpf_loop hands the callbacks: the scratch, the bytes copied */
struct sip_scan_arg {
	struct sip_scratch *x;
	__u32 n;
};

#endif /* SIPHON_BPF_SIP_SCRATCH_H */
