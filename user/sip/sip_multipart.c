// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multipart bodies, RFC 2046 section 5.1.1:
 *
 *   [preamble CRLF] "--" boundary *LWSP CRLF part
 *   *( CRLF "--" boundary *LWSP CRLF part ) CRLF "--" boundary "--" [epilogue]
 *
 * The CRLF before each delimiter belongs to the delimiter, not to the
 * part before it. A bare LF is taken for CRLF, as phones send both.
 */
#include <stdio.h>
#include <string.h>

#include "sip_lex.h"
#include "sip_multipart.h"

static int fail(struct sip_error *err, enum sip_err code, struct sip_str body,
		const char *at)
{
	err->code = code;
	err->offset = (uint32_t)(at - body.p);
	return -1;
}

bool sip_multipart_is(const struct sip_content_type *ct)
{
	return sip_str_ieq_cstr(ct->type, "multipart");
}

static int boundary_of(const struct sip_content_type *ct, struct sip_str *b)
{
	struct sip_param p;

	if (!sip_param_find(ct->params, "boundary", &p) || !p.has_value ||
	    !p.value.len || p.value.len > SIP_BOUNDARY_MAX)
		return -1;
	*b = p.value;
	return 0;
}

/* after "--boundary": white space, then a line end; where the part starts */
static const char *after_delimiter(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '\r')
		p++;
	return p < end && *p == '\n' ? p + 1 : NULL;
}

/* a delimiter's boundary is followed by "--" or by its line end: a
 * line that merely starts with the boundary is content */
static bool delimiter_ends(const char *p, const char *end)
{
	return (p + 2 <= end && p[0] == '-' && p[1] == '-') ||
	       after_delimiter(p, end);
}

/*
 * The next delimiter at or after p: *line is where its line end begins
 * (the part before it ends there), the return value just after
 * "--boundary". At the body's start the delimiter needs no line end.
 */
static const char *next_delimiter(struct sip_str body, const char *p,
				  struct sip_str b, const char **line)
{
	const char *end = body.p + body.len;

	for (; p + 2 + b.len <= end; p++) {
		const char *d = p;

		if (p != body.p) {
			if (*p != '\n')
				continue;
			d = p + 1;
		}
		if (d + 2 + b.len > end || d[0] != '-' || d[1] != '-' ||
		    memcmp(d + 2, b.p, b.len) ||
		    !delimiter_ends(d + 2 + b.len, end))
			continue;
		*line = p == body.p		      ? p :
			(p > body.p && p[-1] == '\r') ? p - 1 :
							p;
		return d + 2 + b.len;
	}
	return NULL;
}

/* a header line's value: to its line end, folded lines included */
static const char *line_value_end(const char *p, const char *end)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			return end;
		if (nl + 1 < end && (nl[1] == ' ' || nl[1] == '\t')) {
			p = nl + 1;
			continue;
		}
		return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	}
	return end;
}

static bool name_is(struct sip_str name, const char *want)
{
	return sip_str_ieq_cstr(sip_str_trim(name), want);
}

/* the headers a part's handling needs: Content-Type, -Length, -Encoding */
static int read_part_headers(struct sip_mp_part *pt, struct sip_str body,
			     struct sip_error *err)
{
	const char *p = pt->headers.p, *end = p + pt->headers.len;

	while (p < end) {
		const char *colon = memchr(p, ':', (size_t)(end - p));
		const char *vend, *next;
		struct sip_str name, value;

		if (!colon)
			return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, p);
		vend = line_value_end(colon + 1, end);
		name = sip_str_between(p, colon);
		value = sip_str_trim(sip_str_between(colon + 1, vend));
		if (name_is(name, "Content-Type") || name_is(name, "c")) {
			if (sip_content_type_parse(value, &pt->type, err))
				return fail(err, SIP_ERR_MULTIPART_BAD_BODY,
					    body, value.p);
			pt->has_type = true;
		} else if (name_is(name, "Content-Length") ||
			   name_is(name, "l")) {
			pt->length = value;
		} else if (name_is(name, "Content-Transfer-Encoding")) {
			pt->encoding = value;
		}
		next = memchr(vend, '\n', (size_t)(end - vend));
		p = next ? next + 1 : end;
	}
	return 0;
}

/* one part, [start, stop): its headers, the empty line, its content */
static int read_part(struct sip_mp_part *pt, struct sip_str body,
		     const char *start, const char *stop, struct sip_error *err)
{
	const char *p = start;

	memset(pt, 0, sizeof(*pt));
	/* the header block ends at the first empty line */
	while (p < stop) {
		const char *nl;

		if (*p == '\n' || (*p == '\r' && p + 1 < stop && p[1] == '\n'))
			break;
		nl = memchr(p, '\n', (size_t)(stop - p));
		if (!nl)
			return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, p);
		p = nl + 1;
	}
	if (p >= stop) /* no empty line: headers only, and no content */
		return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, p);
	pt->headers = sip_str_between(start, p);
	pt->content = sip_str_between(p + (*p == '\r' ? 2 : 1), stop);
	return read_part_headers(pt, body, err);
}

int sip_multipart_parse(const struct sip_content_type *ct, struct sip_str body,
			struct sip_multipart *mp, struct sip_error *err)
{
	const char *end = body.p + body.len, *line, *d, *start;
	struct sip_str b;

	mp->n = 0;
	if (!sip_multipart_is(ct) || boundary_of(ct, &b))
		return fail(err, SIP_ERR_MULTIPART_NO_BOUNDARY, body, body.p);
	d = next_delimiter(body, body.p, b, &line);
	if (!d)
		return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, body.p);
	/* the first delimiter opens a part: "--b--" at once is none */
	start = after_delimiter(d, end);
	if (!start)
		return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, d);
	for (;;) {
		d = next_delimiter(body, start, b, &line);
		if (!d)
			return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body,
				    start);
		if (mp->n == SIP_MULTIPART_MAX)
			return fail(err, SIP_ERR_MULTIPART_TOO_MANY_PARTS, body,
				    start);
		if (read_part(&mp->part[mp->n], body, start, line, err))
			return -1;
		mp->n++;
		/* "--b--": the close delimiter; the epilogue is ignored */
		if (d + 2 <= end && d[0] == '-' && d[1] == '-')
			return 0;
		start = after_delimiter(d, end);
		if (!start)
			return fail(err, SIP_ERR_MULTIPART_BAD_BODY, body, d);
	}
}

/* content the SDP parser can read as it is */
static bool plain_encoding(struct sip_str enc)
{
	return !enc.p || sip_str_ieq_cstr(enc, "7bit") ||
	       sip_str_ieq_cstr(enc, "8bit") || sip_str_ieq_cstr(enc, "binary");
}

static int find_in(const struct sip_content_type *ct, struct sip_str body,
		   const char *type, const char *subtype,
		   struct sip_mp_part *out, unsigned int depth,
		   struct sip_error *err)
{
	struct sip_multipart mp;
	unsigned int i;
	int r;

	if (sip_multipart_parse(ct, body, &mp, err))
		return -1;
	for (i = 0; i < mp.n; i++) {
		const struct sip_mp_part *pt = &mp.part[i];

		if (!pt->has_type)
			continue;
		if (sip_str_ieq_cstr(pt->type.type, type) &&
		    sip_str_ieq_cstr(pt->type.subtype, subtype)) {
			if (!plain_encoding(pt->encoding))
				return 0;
			*out = *pt;
			return 1;
		}
		if (sip_multipart_is(&pt->type) &&
		    depth < SIP_MULTIPART_DEPTH) {
			r = find_in(&pt->type, pt->content, type, subtype, out,
				    depth + 1, err);
			if (r)
				return r;
		}
	}
	return 0;
}

int sip_multipart_find(const struct sip_content_type *ct, struct sip_str body,
		       const char *type, const char *subtype,
		       struct sip_mp_part *out, struct sip_error *err)
{
	return find_in(ct, body, type, subtype, out, 1, err);
}

static size_t put(char *out, size_t at, size_t cap, const char *p, size_t n,
		  bool *full)
{
	if (*full || n > cap - at) {
		*full = true;
		return at;
	}
	memcpy(out + at, p, n);
	return at + n;
}

int sip_multipart_splice(struct sip_str body, const struct sip_mp_part *pt,
			 struct sip_str content, char *out, size_t cap)
{
	const char *body_end = body.p + body.len;
	const char *c_end = pt->content.p + pt->content.len;
	char num[12];
	bool full = false;
	size_t n = 0;
	int w;

	if (pt->length.p) {
		/* the part's own Content-Length follows its new content */
		w = snprintf(num, sizeof(num), "%u", (unsigned int)content.len);
		n = put(out, n, cap, body.p, (size_t)(pt->length.p - body.p),
			&full);
		n = put(out, n, cap, num, (size_t)w, &full);
		n = put(out, n, cap, pt->length.p + pt->length.len,
			(size_t)(pt->content.p - pt->length.p - pt->length.len),
			&full);
	} else {
		n = put(out, n, cap, body.p, (size_t)(pt->content.p - body.p),
			&full);
	}
	n = put(out, n, cap, content.p, content.len, &full);
	n = put(out, n, cap, c_end, (size_t)(body_end - c_end), &full);
	return full ? -1 : (int)n;
}
