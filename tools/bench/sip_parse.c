// SPDX-License-Identifier: GPL-2.0-only
/*
 * How fast siphon's SIP parser is next to libosip2.
 *
 * The mix: every "ok" message of tests/corpus/sip/ that both parsers
 * accept, plus an INVITE with SDP, a 200 OK and a REGISTER written here.
 * Three methods run over it, interleaved, for several rounds:
 *   parse   sip_msg_parse() alone (siphon indexes, parses on demand)
 *   fields  sip_msg_parse() + sip_msg_validate() + Call-ID, CSeq, top Via
 *           branch, From and To tags: what a proxy matches transactions on
 *   osip    osip_message_init() + osip_message_parse() (it parses every
 *           header eagerly) + the same fields + osip_message_free()
 * Wall clock varies by tens of percent here between runs, so only the
 * medians of rates taken in the same run, and their ratios, are printed.
 *
 *   sip_parse [--quick] [--corpus DIR]
 *   sip_parse --callgrind parse|fields|osip [--count N] [--corpus DIR]
 * The second form runs one method over N messages inside bench_run(), for
 * valgrind --tool=callgrind --toggle-collect=bench_run.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osipparser2/osip_parser.h>

#include "sip/sip_msg.h"

#define MIX_MAX 128
#define ROUNDS 7
#define ROUNDS_QUICK 5
#define SLICE_NS 1400000000ull /* one method, one round: 7 x 3 x 1.4 s */
#define SLICE_QUICK_NS 300000000ull

/* a dialog's first INVITE, as a softphone sends it */
static const char invite_sdp[] =
	"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.10:5060;branch=z9hG4bKnashds8;rport\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:alice@198.18.0.10:5060>\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE\r\n"
	"Supported: timer, replaces\r\n"
	"User-Agent: siphon-bench/1\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 211\r\n"
	"\r\n"
	"v=0\r\n"
	"o=alice 2890844526 2890844526 IN IP4 198.18.0.10\r\n"
	"s=-\r\n"
	"c=IN IP4 198.18.0.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 0 8 101\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=sendrecv\r\n";

/* its answer, back through one proxy, without a body */
static const char ok_200[] =
	"SIP/2.0 200 OK\r\n"
	"Via: SIP/2.0/UDP 198.18.0.1:5060;branch=z9hG4bK2d4790.1\r\n"
	"Via: SIP/2.0/UDP 198.18.0.10:5060;branch=z9hG4bKnashds8;"
	"rport=5060;received=198.18.0.10\r\n"
	"Record-Route: <sip:198.18.0.1;lr>\r\n"
	"To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf\r\n"
	"From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:bob@198.18.0.20:5060>\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static const char register_[] =
	"REGISTER sip:registrar.biloxi.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.20:5060;branch=z9hG4bKnashds7\r\n"
	"Max-Forwards: 70\r\n"
	"To: Bob <sip:bob@biloxi.example.com>\r\n"
	"From: Bob <sip:bob@biloxi.example.com>;tag=456248\r\n"
	"Call-ID: 843817637684230@998sdasdh09\r\n"
	"CSeq: 1826 REGISTER\r\n"
	"Contact: <sip:bob@198.18.0.20:5060>;expires=3600\r\n"
	"Expires: 7200\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

struct mix {
	unsigned int n;
	const char *buf[MIX_MAX];
	size_t len[MIX_MAX];
};

static struct sip_msg msg;
/* what the methods read goes here, so the compiler keeps the reading */
static volatile uintptr_t sink;

/* ---- the three methods: one message each, 0 when it parsed ---- */

static int run_parse(const char *buf, size_t len)
{
	struct sip_error err;

	if (sip_msg_parse(&msg, buf, len, &err))
		return -1;
	sink += msg.nhdrs;
	return 0;
}

static int run_fields(const char *buf, size_t len)
{
	const struct sip_addr *from, *to;
	const struct sip_str *call_id;
	const struct sip_cseq *cseq;
	const struct sip_via *via;
	struct sip_error err;

	if (sip_msg_parse(&msg, buf, len, &err) || sip_msg_validate(&msg, &err))
		return -1;
	/* validate parsed them: these are cached reads */
	call_id = sip_msg_call_id(&msg, &err);
	cseq = sip_msg_cseq(&msg, &err);
	via = sip_msg_top_via(&msg, &err);
	from = sip_msg_from(&msg, &err);
	to = sip_msg_to(&msg, &err);
	if (!call_id || !cseq || !via || !from || !to)
		return -1;
	sink += call_id->len + cseq->seq + via->branch.len + from->tag.len +
		to->tag.len;
	return 0;
}

static size_t osip_tag_len(osip_list_t *params)
{
	osip_generic_param_t *tag = NULL;

	osip_generic_param_get_byname(params, "tag", &tag);
	return tag && tag->gvalue ? strlen(tag->gvalue) : 0;
}

/* the same fields, from what libosip2 built */
static int osip_read(osip_message_t *m)
{
	osip_generic_param_t *branch = NULL;
	osip_via_t *via = NULL;

	osip_message_get_via(m, 0, &via);
	if (!via || !m->call_id || !m->cseq || !m->from || !m->to)
		return -1;
	osip_via_param_get_byname(via, "branch", &branch);
	sink += strlen(m->call_id->number) +
		strtoul(m->cseq->number, NULL, 10) +
		(branch && branch->gvalue ? strlen(branch->gvalue) : 0) +
		osip_tag_len(&m->from->gen_params) +
		osip_tag_len(&m->to->gen_params);
	return 0;
}

static void drop_trace(const char *file, int line, osip_trace_level_t level,
		       const char *fmt, va_list ap)
{
	(void)file, (void)line, (void)level, (void)fmt, (void)ap;
}

static int run_osip(const char *buf, size_t len)
{
	osip_message_t *m;
	int ret = -1;

	if (osip_message_init(&m))
		return -1;
	if (!osip_message_parse(m, buf, len))
		ret = osip_read(m);
	osip_message_free(m);
	return ret;
}

typedef int (*method_fn)(const char *buf, size_t len);

static const struct {
	const char *name;
	method_fn fn;
} methods[] = {
	{ "parse", run_parse },
	{ "fields", run_fields },
	{ "osip", run_osip },
};

#define NMETHODS (sizeof(methods) / sizeof(methods[0]))

/* ---- the mix ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

/* a message joins the mix only if every method takes it */
static void add(struct mix *mx, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < NMETHODS; i++)
		if (methods[i].fn(buf, len))
			return;
	if (mx->n < MIX_MAX) {
		mx->buf[mx->n] = buf;
		mx->len[mx->n++] = len;
	}
}

static int load_corpus(struct mix *mx, const char *dir)
{
	char path[4096], line[512], name[256], want[128];
	size_t len;
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/VERDICTS", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%255s %127s", name, want) != 2 ||
		    strcmp(want, "ok"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		buf = slurp(path, &len);
		if (buf)
			add(mx, buf, len);
	}
	fclose(f);
	return 0;
}

/* ---- timing ---- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* whole passes over the mix for at least slice_ns: messages per second */
static double rate(method_fn fn, const struct mix *mx, uint64_t slice_ns)
{
	uint64_t start = now_ns(), elapsed, n = 0;
	unsigned int i;

	do {
		for (i = 0; i < mx->n; i++)
			fn(mx->buf[i], mx->len[i]);
		n += mx->n;
		elapsed = now_ns() - start;
	} while (elapsed < slice_ns);
	return (double)n * 1e9 / (double)elapsed;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* each round starts with the next method, so none always runs first */
static void bench(const struct mix *mx, unsigned int rounds, uint64_t slice_ns)
{
	double r[NMETHODS][ROUNDS], med[NMETHODS];
	unsigned int round, k, i;

	for (round = 0; round < rounds; round++)
		for (k = 0; k < NMETHODS; k++) {
			i = (round + k) % NMETHODS;
			r[i][round] = rate(methods[i].fn, mx, slice_ns);
		}
	for (i = 0; i < NMETHODS; i++) {
		med[i] = median(r[i], rounds);
		printf("%-7s %12.0f msg/s  (median of %u rounds)\n",
		       methods[i].name, med[i], rounds);
	}
	printf("ratio parse/osip   %.1f\n", med[0] / med[2]);
	printf("ratio fields/osip  %.1f\n", med[1] / med[2]);
	printf("sip parse ratio (ours/libosip2, transaction fields): %.1f\n",
	       med[1] / med[2]);
}

/* kept out of line: callgrind counts only what runs in here */
__attribute__((noinline)) void bench_run(method_fn fn, const struct mix *mx,
					 unsigned long count)
{
	unsigned long i;

	for (i = 0; i < count; i++)
		fn(mx->buf[i % mx->n], mx->len[i % mx->n]);
}

static int method_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < NMETHODS; i++)
		if (!strcmp(methods[i].name, name))
			return (int)i;
	return -1;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--quick] [--corpus DIR]\n"
		"       %s --callgrind parse|fields|osip [--count N]\n",
		prog, prog);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "corpus", required_argument, NULL, 'd' },
		{ "callgrind", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ 0 },
	};
	const char *dir = "tests/corpus/sip", *one = NULL;
	unsigned long count = 100000;
	struct mix mx = { 0 };
	bool quick = false;
	int opt, i;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quick = true;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'c':
			one = optarg;
			break;
		case 'n':
			count = strtoul(optarg, NULL, 10);
			break;
		default:
			usage(argv[0]);
			return 2;
		}
	}
	if (parser_init())
		return 1;
	/* libosip2 would log every refusal; a benchmark prints only rates */
	osip_trace_initialize_func(END_TRACE_LEVEL, drop_trace);
	add(&mx, invite_sdp, strlen(invite_sdp));
	add(&mx, ok_200, strlen(ok_200));
	add(&mx, register_, strlen(register_));
	if (mx.n != 3 || load_corpus(&mx, dir)) {
		fprintf(stderr, "no corpus in %s (--corpus DIR)\n", dir);
		return 1;
	}
	printf("mix: %u messages (3 typical + %u from the corpus)\n", mx.n,
	       mx.n - 3);
	if (one) {
		i = method_index(one);
		if (i < 0) {
			usage(argv[0]);
			return 2;
		}
		bench_run(methods[i].fn, &mx, count);
		printf("%s: %lu messages\n", one, count);
		return 0;
	}
	bench(&mx, quick ? ROUNDS_QUICK : ROUNDS,
	      quick ? SLICE_QUICK_NS : SLICE_NS);
	return 0;
}
