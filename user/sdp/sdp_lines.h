/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Splitting an SDP body into lines, shared by the parser and the rewriter
 * so both walk the body the same way.
 */
#ifndef SIPHON_SDP_LINES_H
#define SIPHON_SDP_LINES_H

#include <stdint.h>
#include <string.h>

enum sdp_eol {
	SDP_EOL_NONE, /* the last line of a body that lacks its terminator */
	SDP_EOL_LF,
	SDP_EOL_CRLF,
};

struct sdp_line {
	uint32_t off; /* of the type letter */
	uint32_t len; /* without the terminator */
	uint32_t next; /* first byte of the following line */
	enum sdp_eol eol;
};

/* the line that starts at pos (< len) */
static inline void sdp_line_at(const char *buf, uint32_t len, uint32_t pos,
			       struct sdp_line *l)
{
	const char *lf = memchr(buf + pos, '\n', len - pos);
	uint32_t end = lf ? (uint32_t)(lf - buf) : len;

	l->off = pos;
	l->next = lf ? end + 1 : len;
	l->eol = lf ? SDP_EOL_LF : SDP_EOL_NONE;
	if (lf && end > pos && buf[end - 1] == '\r') {
		end--;
		l->eol = SDP_EOL_CRLF;
	}
	l->len = end - pos;
}

#endif /* SIPHON_SDP_LINES_H */
