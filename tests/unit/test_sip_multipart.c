// SPDX-License-Identifier: GPL-2.0-only
/*
 * Multipart bodies (RFC 2046, RFC 5621): the corpus in
 * tests/corpus/multipart (an SDP next to ISUP or XML, quoted boundaries,
 * preamble and epilogue, bare LF, a nested multipart/alternative, and
 * every way a body can be broken) must give the verdict VERDICTS names;
 * each message sits in a buffer of exactly its size, so ASan sees any
 * read past it. Then the splice: the SDP part replaced, every other byte
 * kept, a part's own Content-Length made right.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "corpus.h"
#include "sdp/sdp.h"
#include "sip/sip_lex.h"
#include "sip/sip_msg.h"
#include "sip/sip_multipart.h"

#define CORPUS "tests/corpus/multipart"

static struct sip_msg msg;
static struct sdp_session sdp;

/* the message's Content-Type, parsed */
static int content_type_of(const char *buf, size_t len,
			   const struct sip_content_type **ct)
{
	struct sip_error err;

	if (sip_msg_parse(&msg, buf, len, &err))
		return -1;
	*ct = sip_msg_content_type(&msg, &err);
	return *ct ? 0 : -1;
}

static const char *verdict(const char *buf, size_t len, char *out, size_t size)
{
	const struct sip_content_type *ct;
	struct sip_error err = { SIP_ERR_OK, 0 };
	struct sip_mp_part pt;
	int r;

	if (content_type_of(buf, len, &ct))
		return "unparsed";
	r = sip_multipart_find(ct, msg.body, "application", "sdp", &pt, &err);
	if (r < 0) {
		snprintf(out, size, "SIP_ERR_%s", sip_err_name(err.code));
		return out;
	}
	if (!r)
		return "none";
	return sdp_parse(pt.content.p, pt.content.len, &sdp, &err) ?
		       "sdp-unparsed" :
		       "sdp";
}

static char *slurp(const char *name, size_t *len)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];

	corpus_path(CORPUS, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return corpus_slurp(path, len);
}

TEST(every_verdict_holds)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], line[512], got[64];
	char name[256], want[128];
	unsigned int checked = 0, files = 0;
	struct dirent *de;
	size_t len;
	char *buf;
	FILE *f;
	DIR *d;

	corpus_path(CORPUS, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/VERDICTS", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f)
	{
		TH_LOG("no %s: set SIPHON_ROOT", path);
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' ||
		    sscanf(line, "%255s %127s", name, want) != 2)
			continue;
		buf = slurp(name, &len);
		EXPECT_NE(NULL, buf)
		{
			TH_LOG("%s: unreadable", name);
		}
		if (!buf)
			continue;
		EXPECT_STREQ(want, verdict(buf, len, got, sizeof(got)))
		{
			TH_LOG("%s", name);
		}
		free(buf);
		checked++;
	}
	fclose(f);
	/* every message of the corpus has its verdict */
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	while ((de = readdir(d)))
		files += strstr(de->d_name, ".sip") != NULL;
	closedir(d);
	EXPECT_EQ(files, checked);
	EXPECT_LE(10u, checked);
}

/* the other part of sdp_isup.sip: content byte for byte, after a splice */
static int isup_part(struct sip_str body, const struct sip_content_type *ct,
		     struct sip_str *content)
{
	struct sip_multipart mp;
	struct sip_error err;
	unsigned int i;

	if (sip_multipart_parse(ct, body, &mp, &err))
		return -1;
	for (i = 0; i < mp.n; i++) {
		if (sip_str_ieq_cstr(mp.part[i].type.subtype, "ISUP")) {
			*content = mp.part[i].content;
			return 0;
		}
	}
	return -1;
}

TEST(splice_keeps_every_other_byte)
{
	static const char new_sdp[] = "v=0\r\no=- 1 1 IN IP4 198.18.1.1\r\n"
				      "s=-\r\nc=IN IP4 198.18.1.1\r\nt=0 0\r\n"
				      "m=audio 31000 RTP/AVP 0\r\n";
	const struct sip_content_type *ct;
	struct sip_str before, after, isup1, isup2, body;
	struct sip_mp_part pt, pt2;
	struct sip_error err;
	char out[4096];
	size_t len;
	char *buf;
	int n;

	buf = slurp("sdp_isup.sip", &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, content_type_of(buf, len, &ct));
	ASSERT_EQ(1, sip_multipart_find(ct, msg.body, "application", "sdp", &pt,
					&err));
	ASSERT_EQ(0, isup_part(msg.body, ct, &isup1));
	n = sip_multipart_splice(msg.body, &pt,
				 sip_str_of(new_sdp, strlen(new_sdp)), out,
				 sizeof(out));
	ASSERT_LT(0, n);
	body = sip_str_of(out, (size_t)n);
	/* the bytes around the SDP are the message's */
	before = sip_str_between(msg.body.p, pt.content.p);
	after = sip_str_between(pt.content.p + pt.content.len,
				msg.body.p + msg.body.len);
	EXPECT_EQ(0, memcmp(out, before.p, before.len));
	EXPECT_EQ(0, memcmp(out + before.len + strlen(new_sdp), after.p,
			    after.len));
	EXPECT_EQ(before.len + strlen(new_sdp) + after.len, (size_t)n);
	/* and it is a multipart whose SDP is the new one */
	ASSERT_EQ(1, sip_multipart_find(ct, body, "application", "sdp", &pt2,
					&err));
	EXPECT_EQ(strlen(new_sdp), pt2.content.len);
	EXPECT_EQ(0, memcmp(new_sdp, pt2.content.p, pt2.content.len));
	ASSERT_EQ(0, isup_part(body, ct, &isup2));
	EXPECT_TRUE(sip_str_eq(isup1, isup2));
	/* no room: no partial body */
	EXPECT_EQ(-1, sip_multipart_splice(msg.body, &pt,
					   sip_str_of(new_sdp, strlen(new_sdp)),
					   out, (size_t)n - 1));
	free(buf);
}

TEST(splice_fixes_the_part_content_length)
{
	static const char new_sdp[] = "v=0\r\no=- 1 1 IN IP4 198.18.1.1\r\n"
				      "s=-\r\nc=IN IP4 198.18.1.1\r\nt=0 0\r\n"
				      "m=audio 31000 RTP/AVP 0\r\n";
	const struct sip_content_type *ct;
	struct sip_mp_part pt, pt2;
	struct sip_error err;
	char out[4096], want[16];
	size_t len;
	char *buf;
	int n;

	buf = slurp("xml_first_quoted_boundary.sip", &len);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, content_type_of(buf, len, &ct));
	ASSERT_EQ(1, sip_multipart_find(ct, msg.body, "application", "sdp", &pt,
					&err));
	ASSERT_NE(NULL, pt.length.p);
	n = sip_multipart_splice(msg.body, &pt,
				 sip_str_of(new_sdp, strlen(new_sdp)), out,
				 sizeof(out));
	ASSERT_LT(0, n);
	ASSERT_EQ(1, sip_multipart_find(ct, sip_str_of(out, (size_t)n),
					"application", "sdp", &pt2, &err));
	snprintf(want, sizeof(want), "%zu", strlen(new_sdp));
	EXPECT_TRUE(sip_str_eq(pt2.length, sip_str_of(want, strlen(want))));
	EXPECT_EQ(strlen(new_sdp), pt2.content.len);
	free(buf);
}

/* inline bodies, for what the corpus does not show */
struct mp_case {
	const char *ctype, *body;
	int parts; /* -1: refused */
	const char *first; /* the first part's content */
};

TEST(delimiters)
{
	static const struct mp_case cases[] = {
		/* a line that only starts with the boundary is content */
		{ "multipart/mixed;boundary=b",
		  "--b\r\n\r\n--bx\r\nmore\r\n--b--", 1, "--bx\r\nmore" },
		/* white space after a delimiter is padding */
		{ "multipart/mixed;boundary=b", "--b \t\r\n\r\nx\r\n--b--  ", 1,
		  "x" },
		/* two parts, the second empty of content */
		{ "multipart/mixed;boundary=b",
		  "--b\r\n\r\nx\r\n--b\r\n\r\n\r\n--b--", 2, "x" },
		/* "--b--" at once opens no part */
		{ "multipart/mixed;boundary=b", "--b--\r\n", -1, NULL },
		/* not a multipart type, or a boundary past 70 characters */
		{ "application/sdp;boundary=b", "--b\r\n\r\nx\r\n--b--", -1,
		  NULL },
		{ "multipart/mixed;boundary=0123456789012345678901234567890123"
		  "4567890123456789012345678901234567890",
		  "--b\r\n\r\nx\r\n--b--", -1, NULL },
		/* the body ends inside the delimiter */
		{ "multipart/mixed;boundary=b", "--b\r\n\r\nx\r\n--", -1,
		  NULL },
		{ "multipart/mixed;boundary=b", "", -1, NULL },
	};
	struct sip_content_type ct;
	struct sip_multipart mp;
	struct sip_error err;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mp_case *c = &cases[i];
		size_t blen = strlen(c->body);
		char *body = malloc(blen ? blen : 1);
		int r;

		ASSERT_NE(NULL, body);
		memcpy(body, c->body, blen);
		ASSERT_EQ(0, sip_content_type_parse(
				     sip_str_of(c->ctype, strlen(c->ctype)),
				     &ct, &err));
		r = sip_multipart_parse(&ct, sip_str_of(body, blen), &mp, &err);
		if (c->parts < 0) {
			EXPECT_EQ(-1, r)
			{
				TH_LOG("case %zu", i);
			}
		} else {
			EXPECT_EQ(0, r)
			{
				TH_LOG("case %zu: %s", i,
				       sip_err_name(err.code));
			}
			EXPECT_EQ((unsigned int)c->parts, mp.n);
			EXPECT_TRUE(r == 0 &&
				    sip_str_eq(mp.part[0].content,
					       sip_str_of(c->first,
							  strlen(c->first))))
			{
				TH_LOG("case %zu", i);
			}
		}
		free(body);
	}
}

TEST_HARNESS_MAIN
