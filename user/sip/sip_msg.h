/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One SIP message, indexed in a single pass and parsed further on demand.
 *
 * sip_msg_parse() reads the start line, records every header line (name,
 * value, id) and finds the body; it checks framing only. Header values are
 * read by the typed parsers (sip_hdr.h) when asked, through the accessors
 * below, which keep the result in the message so a second ask is free.
 * sip_msg_validate() adds the message-level rules of RFC 3261 section 8.
 *
 * Nothing is copied or allocated: every span points into the buffer given
 * to sip_msg_parse(), which must outlive the message.
 */
#ifndef SIPHON_SIP_MSG_H
#define SIPHON_SIP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_error.h"
#include "sip_hdr.h"
#include "sip_hdr_name.h"
#include "sip_limits.h"
#include "sip_method.h"
#include "sip_str.h"

#define SIP_HDR_NONE 0xff

/* header indexes and ids are bytes, SIP_HDR_NONE is none of them */
_Static_assert(SIP_HEADERS_MAX < SIP_HDR_NONE, "header index is a byte");
_Static_assert(SIP_HDR_MAX <= 0xff, "header id is a byte");

struct sip_hdr {
	struct sip_str name; /* as sent: "v", "VIA", "X-Foo" */
	struct sip_str value; /* trimmed; folds kept as CRLF + SP/HTAB */
	uint8_t id; /* enum sip_hdr_id */
	uint8_t next; /* the next header of the same id, or SIP_HDR_NONE */
};

/* what the accessors have parsed, and what it gave */
enum sip_cached {
	SIP_CACHED_VIA,
	SIP_CACHED_FROM,
	SIP_CACHED_TO,
	SIP_CACHED_CALL_ID,
	SIP_CACHED_CSEQ,
	SIP_CACHED_MAX_FORWARDS,
	SIP_CACHED_CONTENT_TYPE,
	SIP_CACHED_MAX
};

struct sip_msg_cache {
	uint16_t done; /* bit per enum sip_cached: tried, result below */
	struct sip_error err[SIP_CACHED_MAX];
	struct sip_via via; /* the top one */
	struct sip_addr from, to;
	struct sip_str call_id;
	struct sip_cseq cseq;
	uint8_t max_forwards;
	struct sip_content_type content_type;
};

struct sip_msg {
	const char *buf;
	uint32_t len; /* the message: start line to the end of its body */
	bool is_request;
	/* request line */
	enum sip_method method;
	struct sip_str method_str, uri;
	/* status line */
	uint16_t status;
	struct sip_str reason;
	struct sip_str version; /* "SIP/2.0" as sent */

	struct sip_str body;
	bool has_content_length;
	uint32_t content_length;
	uint32_t hdr_end; /* offset of the empty line ending the headers */

	uint8_t nhdrs;
	uint8_t first[SIP_HDR_MAX]; /* first header of each id */
	uint8_t count[SIP_HDR_MAX]; /* header lines of each id */
	struct sip_hdr hdrs[SIP_HEADERS_MAX];
	struct sip_msg_cache cache;
};

/*
 * Index one datagram. CRLF before the start line is skipped (RFC 3261
 * section 7.5). With Content-Length, the body is that many bytes and any
 * excess is ignored (section 18.3); without it, the rest of the buffer.
 * Returns 0, or -1 with err set.
 */
int sip_msg_parse(struct sip_msg *m, const char *buf, size_t len,
		  struct sip_error *err);

/* the return values of sip_msg_frame() */
enum sip_frame {
	SIP_FRAME_ERROR = -1, /* err set: close the connection */
	SIP_FRAME_MORE = 0, /* need more bytes; nothing to consume */
	SIP_FRAME_MSG = 1, /* a whole message of *msg_len bytes */
	SIP_FRAME_PING = 2, /* CRLFCRLF, *msg_len = 4: answer with CRLF */
	SIP_FRAME_PONG = 3, /* one CRLF, *msg_len = 2: a keep-alive answer */
};

/*
 * Find where the first message of a stream (TCP, TLS) ends. The caller
 * consumes *msg_len bytes after anything but SIP_FRAME_MORE and calls
 * again. Keep-alives of RFC 5626 section 3.5.1 come back on their own:
 * a ping (CRLFCRLF) wants a pong (CRLF) sent back, a lone CRLF is a pong
 * (or stray padding) to note and drop. A CRLF with nothing after it yet
 * is SIP_FRAME_MORE: siphond mostly answers pings, and half a ping must
 * not be taken for a pong; a real pong is reported once the next bytes
 * (a message) arrive.
 * Every message on a stream must carry Content-Length (section 18.3).
 */
int sip_msg_frame(const char *buf, size_t len, size_t *msg_len,
		  struct sip_error *err);

/*
 * RFC 3261 section 8 on an indexed message: the mandatory headers, no
 * conflicting copies of single-valued ones, parseable From, To, Call-ID,
 * CSeq, Max-Forwards, top Via and Content-Type, and a request's CSeq
 * method equal to its own. Returns 0, or -1 with err set.
 */
int sip_msg_validate(struct sip_msg *m, struct sip_error *err);

/* the first header line of an id, or NULL */
const struct sip_hdr *sip_msg_first(const struct sip_msg *m,
				    enum sip_hdr_id id);
/* the next line with the same id as h, or NULL */
const struct sip_hdr *sip_msg_next(const struct sip_msg *m,
				   const struct sip_hdr *h);
static inline unsigned int sip_msg_count(const struct sip_msg *m,
					 enum sip_hdr_id id)
{
	return (unsigned int)id < SIP_HDR_MAX ? m->count[id] : 0;
}
/* the first header named name (any case), known or not, or NULL */
const struct sip_hdr *sip_msg_find(const struct sip_msg *m, const char *name);

/*
 * Every comma-separated value of every line of one header id, in order:
 *	struct sip_val_iter it;
 *	sip_msg_values(m, SIP_HDR_VIA, &it);
 *	while ((r = sip_val_next(&it, &v, &err)) == 1) ...
 * sip_val_next() returns 1 with a value, 0 at the end, -1 on an empty
 * element, an unbalanced quote or '<', or more than SIP_VALUES_MAX values
 * in one line (SIP_ERR_TOO_MANY_VALUES).
 */
struct sip_val_iter {
	const struct sip_msg *m;
	const struct sip_hdr *h;
	struct sip_str rest;
	unsigned int n;
};
void sip_msg_values(const struct sip_msg *m, enum sip_hdr_id id,
		    struct sip_val_iter *it);
int sip_val_next(struct sip_val_iter *it, struct sip_str *val,
		 struct sip_error *err);

/*
 * Cached typed access. NULL (or -1) with err set when the header is
 * missing (SIP_ERR_MISSING_HEADER) or malformed; offsets in err count
 * from the message start.
 */
const struct sip_via *sip_msg_top_via(struct sip_msg *m, struct sip_error *err);
const struct sip_addr *sip_msg_from(struct sip_msg *m, struct sip_error *err);
const struct sip_addr *sip_msg_to(struct sip_msg *m, struct sip_error *err);
const struct sip_str *sip_msg_call_id(struct sip_msg *m, struct sip_error *err);
const struct sip_cseq *sip_msg_cseq(struct sip_msg *m, struct sip_error *err);
/* 0..255, or -1: absent (SIP_ERR_MISSING_HEADER: a proxy adds 70) or bad */
int sip_msg_max_forwards(struct sip_msg *m, struct sip_error *err);
const struct sip_content_type *sip_msg_content_type(struct sip_msg *m,
						    struct sip_error *err);

#endif /* SIPHON_SIP_MSG_H */
