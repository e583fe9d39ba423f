// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the builders: a request that parses gets a 200
 * and a forwarded copy with every proxy edit, a response loses its top
 * Via. Each output must parse again, and validate whenever the input
 * did; it is written into an exact-size heap buffer so ASan sees any
 * write past the capacity, and one byte less must fail cleanly. A Via
 * added then popped must give back the input byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip_build.h"

#define S(lit) ((struct sip_str){ lit, sizeof(lit) - 1 })
#define SDP "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"

static struct sip_msg in, back;
static char big[SIP_MSG_MAX];
static enum sip_err last_err;

typedef int (*build_fn)(const struct sip_msg *m, char *out, size_t cap,
			struct sip_error *err);

static int build_ok(const struct sip_msg *m, char *out, size_t cap,
		    struct sip_error *err)
{
	struct sip_response r = { .status = 200,
				  .to_tag = S("fz1"),
				  .extra = S("Contact: <sip:fz@192.0.2.4>\r\n"),
				  .body = S(SDP),
				  .content_type = S("application/sdp") };

	return sip_build_response(m, &r, out, cap, err);
}

static int build_all_edits(const struct sip_msg *m, char *out, size_t cap,
			   struct sip_error *err)
{
	struct sip_edits e = {
		.add_via = true,
		.via = { .transport = S("TCP"),
			 .host = S("2001:db8::9"),
			 .port = 5061,
			 .branch = S("z9hG4bKfz") },
		.add_record_route = true,
		.record_route = { .host = S("rr.example.net") },
		.max_forwards = true,
		.request_uri = S("sip:fz@192.0.2.9"),
		.pop_routes = m->count[SIP_HDR_ROUTE] > 0,
		.replace_body = true,
		.body = S(SDP),
		.content_type = S("application/sdp"),
	};

	return sip_build_forward(m, &e, out, cap, err);
}

static int build_via(const struct sip_msg *m, char *out, size_t cap,
		     struct sip_error *err)
{
	struct sip_edits e = { .add_via = true,
			       .via = { .transport = S("UDP"),
					.host = S("p.example.net"),
					.branch = S("z9hG4bKv") } };

	return sip_build_forward(m, &e, out, cap, err);
}

static int build_pop(const struct sip_msg *m, char *out, size_t cap,
		     struct sip_error *err)
{
	struct sip_edits e = { .pop_via = true };

	return sip_build_forward(m, &e, out, cap, err);
}

/*
 * Build from m into an exact-size buffer; the output must parse (and
 * validate if must_validate). Returns the copy (caller frees) or NULL
 * when the builder refused m.
 */
static char *build(build_fn fn, const struct sip_msg *m, bool must_validate,
		   int *len)
{
	struct sip_error err;
	int n = fn(m, big, sizeof(big), &err);
	char *out;

	last_err = err.code;
	if (n < 0)
		return NULL;
	out = malloc(n ? n : 1);
	if (!out)
		abort();
	if (n && fn(m, out, n - 1, &err) != -1)
		abort();
	if (fn(m, out, n, &err) != n || memcmp(out, big, n))
		abort();
	if (sip_msg_parse(&back, out, n, &err))
		abort();
	if (back.len != (uint32_t)n || !back.has_content_length)
		abort();
	if (must_validate && sip_msg_validate(&back, &err))
		abort();
	*len = n;
	return out;
}

/* one Content-Length, no CRLF ahead, nothing after the body */
static bool round_trips(const struct sip_msg *m, size_t size)
{
	return m->count[SIP_HDR_CONTENT_LENGTH] == 1 && m->len == size &&
	       m->buf[0] != '\r';
}

static void via_round_trip(const char *buf, size_t size)
{
	char *once, *twice;
	int n1, n2;

	once = build(build_via, &in, false, &n1);
	if (!once)
		return;
	if (sip_msg_parse(&in, once, n1, &(struct sip_error){ 0 }))
		abort();
	twice = build(build_pop, &in, false, &n2);
	if (!twice || (size_t)n2 != size || memcmp(twice, buf, size))
		abort();
	free(twice);
	free(once);
}

/*
 * What may stop a build from a valid request: the output outgrowing a
 * limit, a Route list too broken to pop (validation does not read
 * Route), and Max-Forwards at 0.
 */
static bool allowed(int mf)
{
	switch (last_err) {
	case SIP_ERR_TOO_LONG:
	case SIP_ERR_TOO_MANY_HEADERS:
	case SIP_ERR_VALUE_TOO_LONG:
	case SIP_ERR_BAD_ROUTE:
		return true;
	case SIP_ERR_TOO_MANY_HOPS:
		return mf == 0;
	default:
		return false;
	}
}

static void request(const char *buf, size_t size)
{
	struct sip_error err;
	bool valid = !sip_msg_validate(&in, &err);
	bool trip = round_trips(&in, size);
	int mf = valid ? sip_msg_max_forwards(&in, &err) : -1;
	char *out;
	int n;

	out = build(build_ok, &in, valid, &n);
	if (valid && !out && !allowed(mf))
		abort();
	free(out);
	out = build(build_all_edits, &in, valid, &n);
	if (valid && !out && !allowed(mf))
		abort();
	free(out);
	if (trip)
		via_round_trip(buf, size);
}

#define FIXED                                                            \
	"OPTIONS sip:b@example.com SIP/2.0\r\n"                          \
	"Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKq\r\n"             \
	"Max-Forwards: 70\r\n"                                           \
	"To: <sip:b@example.com>\r\nFrom: <sip:a@example.com>;tag=1\r\n" \
	"Call-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"

/*
 * The input as the caller's extra header lines: whatever they hold, once
 * accepted they must not move where the headers end or the body starts.
 */
static void extra_lines(const char *buf, size_t size)
{
	static const char fixed[] = FIXED;
	struct sip_response r = { .status = 200,
				  .extra = sip_str_of(buf, size),
				  .body = S(SDP),
				  .content_type = S("application/sdp") };
	struct sip_error err;
	char *out;
	int n;

	if (sip_msg_parse(&in, fixed, sizeof(fixed) - 1, &err))
		abort();
	n = sip_build_response(&in, &r, big, sizeof(big), &err);
	if (n < 0)
		return;
	out = malloc(n);
	if (!out)
		abort();
	memcpy(out, big, n);
	if (sip_msg_parse(&back, out, n, &err) || back.len != (uint32_t)n ||
	    back.content_length != r.body.len ||
	    memcmp(back.body.p, SDP, r.body.len))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct sip_error err;
	char *out;
	int n;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (!sip_msg_parse(&in, buf, size, &err)) {
		if (in.is_request) {
			request(buf, size);
		} else {
			out = build(build_pop, &in, false, &n);
			free(out);
		}
	}
	extra_lines(buf, size);
	free(buf);
	return 0;
}
