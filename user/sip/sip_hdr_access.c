// SPDX-License-Identifier: GPL-2.0-only
/*
 * Typed access to an indexed message, cached in it, and the message-level
 * rules of RFC 3261 section 8 (sip_msg_validate()).
 */
#include "sip_lex.h"
#include "sip_msg.h"

/* a parser's offset counts from its span; the caller wants the message */
static void rebase(const struct sip_msg *m, struct sip_str span,
		   struct sip_error *err)
{
	err->offset += (uint32_t)(span.p - m->buf);
}

static void missing(const struct sip_msg *m, struct sip_error *err)
{
	err->code = SIP_ERR_MISSING_HEADER;
	err->offset = m->hdr_end;
}

/* true when c was tried before; *err gets what it gave */
static bool cached(const struct sip_msg *m, enum sip_cached c,
		   struct sip_error *err)
{
	if (!(m->cache.done & (1u << c)))
		return false;
	if (m->cache.err[c].code)
		*err = m->cache.err[c];
	return true;
}

/* remember the outcome r of parsing span for c; true on success */
static bool store(struct sip_msg *m, enum sip_cached c, struct sip_str span,
		  int r, struct sip_error *err)
{
	if (r && span.p)
		rebase(m, span, err);
	m->cache.err[c] = r ? *err : (struct sip_error){ SIP_ERR_OK, 0 };
	m->cache.done |= 1u << c;
	return !r;
}

/* the value of the first line of id, or false with MISSING_HEADER */
static bool value_of(const struct sip_msg *m, enum sip_hdr_id id,
		     struct sip_str *v, struct sip_error *err)
{
	const struct sip_hdr *h = sip_msg_first(m, id);

	if (!h) {
		missing(m, err);
		return false;
	}
	*v = h->value;
	return true;
}

const struct sip_via *sip_msg_top_via(struct sip_msg *m, struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL, rest;
	int r = -1;

	if (cached(m, SIP_CACHED_VIA, err))
		return m->cache.err[SIP_CACHED_VIA].code ? NULL : &m->cache.via;
	if (value_of(m, SIP_HDR_VIA, &rest, err)) {
		if (sip_list_next(&rest, &v) == 1) {
			r = sip_via_parse(v, &m->cache.via, err);
		} else {
			err->code = SIP_ERR_BAD_VIA;
			err->offset = 0;
			v = rest;
		}
	}
	return store(m, SIP_CACHED_VIA, v, r, err) ? &m->cache.via : NULL;
}

static const struct sip_addr *addr_of(struct sip_msg *m, enum sip_cached c,
				      enum sip_hdr_id id, struct sip_addr *out,
				      struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL;
	int r = -1;

	if (cached(m, c, err))
		return m->cache.err[c].code ? NULL : out;
	if (value_of(m, id, &v, err))
		r = sip_addr_parse(v,
				   id == SIP_HDR_FROM ? SIP_ERR_BAD_FROM :
							SIP_ERR_BAD_TO,
				   out, err);
	return store(m, c, v, r, err) ? out : NULL;
}

const struct sip_addr *sip_msg_from(struct sip_msg *m, struct sip_error *err)
{
	return addr_of(m, SIP_CACHED_FROM, SIP_HDR_FROM, &m->cache.from, err);
}

const struct sip_addr *sip_msg_to(struct sip_msg *m, struct sip_error *err)
{
	return addr_of(m, SIP_CACHED_TO, SIP_HDR_TO, &m->cache.to, err);
}

const struct sip_str *sip_msg_call_id(struct sip_msg *m, struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL;
	int r = -1;

	if (cached(m, SIP_CACHED_CALL_ID, err))
		return m->cache.err[SIP_CACHED_CALL_ID].code ?
			       NULL :
			       &m->cache.call_id;
	if (value_of(m, SIP_HDR_CALL_ID, &v, err))
		r = sip_call_id_parse(v, &m->cache.call_id, err);
	return store(m, SIP_CACHED_CALL_ID, v, r, err) ? &m->cache.call_id :
							 NULL;
}

const struct sip_cseq *sip_msg_cseq(struct sip_msg *m, struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL;
	int r = -1;

	if (cached(m, SIP_CACHED_CSEQ, err))
		return m->cache.err[SIP_CACHED_CSEQ].code ? NULL :
							    &m->cache.cseq;
	if (value_of(m, SIP_HDR_CSEQ, &v, err))
		r = sip_cseq_parse(v, &m->cache.cseq, err);
	return store(m, SIP_CACHED_CSEQ, v, r, err) ? &m->cache.cseq : NULL;
}

int sip_msg_max_forwards(struct sip_msg *m, struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL;
	int r = -1;

	if (cached(m, SIP_CACHED_MAX_FORWARDS, err))
		return m->cache.err[SIP_CACHED_MAX_FORWARDS].code ?
			       -1 :
			       m->cache.max_forwards;
	if (value_of(m, SIP_HDR_MAX_FORWARDS, &v, err))
		r = sip_max_forwards_parse(v, &m->cache.max_forwards, err);
	return store(m, SIP_CACHED_MAX_FORWARDS, v, r, err) ?
		       m->cache.max_forwards :
		       -1;
}

const struct sip_content_type *sip_msg_content_type(struct sip_msg *m,
						    struct sip_error *err)
{
	struct sip_str v = SIP_STR_NULL;
	int r = -1;

	if (cached(m, SIP_CACHED_CONTENT_TYPE, err))
		return m->cache.err[SIP_CACHED_CONTENT_TYPE].code ?
			       NULL :
			       &m->cache.content_type;
	if (value_of(m, SIP_HDR_CONTENT_TYPE, &v, err))
		r = sip_content_type_parse(v, &m->cache.content_type, err);
	return store(m, SIP_CACHED_CONTENT_TYPE, v, r, err) ?
		       &m->cache.content_type :
		       NULL;
}

/*
 * Section 8.1.1: a message carries To, From, CSeq, Call-ID and Via. A
 * response without Via cannot be matched to its client transaction (17.1.3)
 * nor routed back. Max-Forwards is not required: a UAC must send it, but a
 * proxy passes a request without one and adds it (16.3 step 3, 16.6 step 3).
 */
static int mandatory(const struct sip_msg *m, struct sip_error *err)
{
	static const uint8_t need[] = {
		SIP_HDR_TO,	 SIP_HDR_FROM, SIP_HDR_CSEQ,
		SIP_HDR_CALL_ID, SIP_HDR_VIA,
	};
	size_t i;

	for (i = 0; i < sizeof(need); i++) {
		if (!m->count[need[i]]) {
			missing(m, err);
			return -1;
		}
	}
	return 0;
}

/* single-valued headers may repeat only as exact copies */
static int duplicates(const struct sip_msg *m, struct sip_error *err)
{
	const struct sip_hdr *first, *h;
	int id;

	for (id = 1; id < SIP_HDR_MAX; id++) {
		if (m->count[id] < 2 || !(sip_hdr_flags(id) & SIP_HF_SINGLE))
			continue;
		first = sip_msg_first(m, id);
		for (h = sip_msg_next(m, first); h; h = sip_msg_next(m, h)) {
			if (!sip_str_eq(first->value, h->value)) {
				err->code = SIP_ERR_DUPLICATE_HEADER;
				err->offset = (uint32_t)(h->value.p - m->buf);
				return -1;
			}
		}
	}
	return 0;
}

static int cseq_matches(struct sip_msg *m, const struct sip_cseq *cs,
			struct sip_error *err)
{
	if (!m->is_request || (cs->method == m->method &&
			       (cs->method != SIP_METHOD_OTHER ||
				sip_str_eq(cs->method_str, m->method_str))))
		return 0;
	err->code = SIP_ERR_CSEQ_METHOD_MISMATCH;
	err->offset = (uint32_t)(cs->method_str.p - m->buf);
	return -1;
}

int sip_msg_validate(struct sip_msg *m, struct sip_error *err)
{
	const struct sip_cseq *cs;

	if (mandatory(m, err) || duplicates(m, err))
		return -1;
	if (!sip_msg_top_via(m, err) || !sip_msg_from(m, err) ||
	    !sip_msg_to(m, err) || !sip_msg_call_id(m, err))
		return -1;
	cs = sip_msg_cseq(m, err);
	if (!cs || cseq_matches(m, cs, err))
		return -1;
	/* an absent Max-Forwards is the proxy's to add (16.6 step 3) */
	if (m->is_request && m->count[SIP_HDR_MAX_FORWARDS] &&
	    sip_msg_max_forwards(m, err) < 0)
		return -1;
	/* section 20.15: a body says what it is */
	if (m->count[SIP_HDR_CONTENT_TYPE] && !sip_msg_content_type(m, err))
		return -1;
	if (m->body.len && !m->count[SIP_HDR_CONTENT_TYPE]) {
		missing(m, err);
		return -1;
	}
	err->code = SIP_ERR_OK;
	err->offset = 0;
	return 0;
}
