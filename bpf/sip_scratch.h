/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The value of the per-CPU map siphon_sip_scan: the part userspace reads
 * (struct siphon_sip_scan: what was learned, the copied bytes), then the
 * SIP scan's registers, private to bpf/sip_scan.h.
 */
#ifndef SIPHON_BPF_SIP_SCRATCH_H
#define SIPHON_BPF_SIP_SCRATCH_H

#include <linux/types.h>
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
	__u8 state; /* enum sip_scan_state */
	__u8 k; /* characters of a literal matched so far */
	__u8 hdr; /* enum sip_scan_hdr of the current header */
	__u8 seen; /* headers already taken: the first of each counts */
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

/* the value of siphon_sip_scan: what userspace reads, then the registers */
struct sip_scratch {
	struct siphon_sip_scan scan;
	struct sip_scan_ctx sc;
};

/* what bpf_loop hands the callbacks: the scratch */
struct sip_scan_arg {
	struct sip_scratch *x;
};

#endif /* SIPHON_BPF_SIP_SCRATCH_H */
