/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Multipart bodies (RFC 2046 section 5.1, in SIP RFC 5621): a trunk's
 * INVITE may carry its SDP next to an ISUP or XML part. The body is
 * indexed in place, without copying: each part's headers and content
 * are spans of the message, so a caller can replace one part's content
 * and keep every other byte (delimiters, other parts, preamble and
 * epilogue) exactly as received.
 */
#ifndef SIPHON_SIP_MULTIPART_H
#define SIPHON_SIP_MULTIPART_H

#include <stdbool.h>

#include "sip_error.h"
#include "sip_hdr.h"
#include "sip_str.h"

/* parts indexed in one body; more fail with MULTIPART_TOO_MANY_PARTS */
#define SIP_MULTIPART_MAX 8
/* multiparts inside multiparts searched by sip_multipart_find() */
#define SIP_MULTIPART_DEPTH 2
/* RFC 2046: a boundary is 1 to 70 characters */
#define SIP_BOUNDARY_MAX 70

struct sip_mp_part {
	struct sip_str headers; /* header lines and their CRLF; may be none */
	struct sip_str content; /* between the empty line and the delimiter */
	bool has_type;
	struct sip_content_type type; /* when has_type; else text/plain */
	struct sip_str length; /* a Content-Length value, .p NULL: none */
	struct sip_str encoding; /* Content-Transfer-Encoding, .p NULL: none */
};

struct sip_multipart {
	unsigned int n;
	struct sip_mp_part part[SIP_MULTIPART_MAX];
};

/* is ct a multipart type (multipart/mixed, /alternative, /related...)? */
bool sip_multipart_is(const struct sip_content_type *ct);

/*
 * Index body, of the multipart type ct. 0, or -1 with err->code
 * MULTIPART_NO_BOUNDARY (ct has no usable boundary), MULTIPART_BAD_BODY
 * (no opening or closing delimiter, a part without the empty line after
 * its headers, a bad part Content-Type), MULTIPART_TOO_MANY_PARTS, and
 * err->offset into body.
 */
int sip_multipart_parse(const struct sip_content_type *ct, struct sip_str body,
			struct sip_multipart *mp, struct sip_error *err);

/*
 * The first part of type type/subtype in body (of type ct), looking into
 * nested multiparts too, up to SIP_MULTIPART_DEPTH: 1 and *out; 0 when
 * there is none, or it has a Content-Transfer-Encoding other than 7bit,
 * 8bit or binary (its content is not the text itself); -1 with err when
 * a multipart on the way does not parse.
 */
int sip_multipart_find(const struct sip_content_type *ct, struct sip_str body,
		       const char *type, const char *subtype,
		       struct sip_mp_part *out, struct sip_error *err);

/*
 * body (which holds pt) with pt's content replaced by content, into out:
 * every other byte as it was, and a Content-Length of the part made
 * right. Returns the length, or -1 when it does not fit in cap.
 */
int sip_multipart_splice(struct sip_str body, const struct sip_mp_part *pt,
			 struct sip_str content, char *out, size_t cap);

#endif /* SIPHON_SIP_MULTIPART_H */
