// SPDX-License-Identifier: GPL-2.0-only
/*
 * The verdict corpus: every tests/corpus/sip/NAME.sip is parsed and
 * validated, and the outcome must be what VERDICTS says ("ok" or the
 * SIP_ERR_ name). Each message sits in a malloc'd buffer of exactly its
 * size, so ASan reports any read past its end.
 *
 * The corpus is found from $SIPHON_ROOT, else next to the binary
 * (build/tests/ -> ../../tests/corpus/sip), else from the working
 * directory (tests/run.sh runs from the repository root).
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "corpus.h"
#include "sip/sip_msg.h"

#define CORPUS "tests/corpus/sip"

static struct sip_msg msg;
static struct sip_err_counts counts;

/* "ok" or "SIP_ERR_X" for one message, checking the error offset too */
static const char *verdict(struct __test_metadata *_metadata, const char *buf,
			   size_t len, char *out, size_t size)
{
	struct sip_error err = { SIP_ERR_OK, 0 };

	if (!sip_msg_parse(&msg, buf, len, &err) &&
	    !sip_msg_validate(&msg, &err)) {
		sip_err_count(&counts, SIP_ERR_OK);
		return "ok";
	}
	sip_err_count(&counts, err.code);
	EXPECT_GE(len, err.offset);
	snprintf(out, size, "SIP_ERR_%s", sip_err_name(err.code));
	return out;
}

TEST(every_verdict_holds)
{
	char dir[PATH_MAX], path[PATH_MAX + 256], line[512], got[64];
	char name[256], want[128];
	unsigned int checked = 0;
	const char *seen;
	size_t len;
	char *buf;
	FILE *f;

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
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		buf = corpus_slurp(path, &len);
		EXPECT_NE(NULL, buf)
		{
			TH_LOG("cannot read %s", path);
		}
		if (!buf)
			continue;
		seen = verdict(_metadata, buf, len, got, sizeof(got));
		EXPECT_STREQ(want, seen)
		{
			TH_LOG("%s", name);
		}
		free(buf);
		checked++;
	}
	fclose(f);
	EXPECT_LE(40u, checked);
	TH_LOG("%u messages checked", checked);

	/* each limit is reached by the corpus and counted under its name */
	EXPECT_LE(1u, counts.n[SIP_ERR_TOO_LONG]);
	EXPECT_LE(1u, counts.n[SIP_ERR_TOO_MANY_HEADERS]);
	EXPECT_LE(1u, counts.n[SIP_ERR_VALUE_TOO_LONG]);
	EXPECT_LE(40u, counts.n[SIP_ERR_OK]);
}

/* every .sip file has a verdict, so none is silently skipped */
TEST(every_file_has_a_verdict)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], line[512], name[256];
	struct dirent *e;
	bool found;
	DIR *d;
	FILE *f;

	corpus_path(CORPUS, dir, sizeof(dir));
	d = opendir(dir);
	ASSERT_NE(NULL, d);
	snprintf(path, sizeof(path), "%s/VERDICTS", dir);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".sip"))
			continue;
		found = false;
		rewind(f);
		while (!found && fgets(line, sizeof(line), f))
			found = sscanf(line, "%255s", name) == 1 &&
				!strcmp(name, e->d_name);
		EXPECT_TRUE(found)
		{
			TH_LOG("%s has no verdict", e->d_name);
		}
	}
	fclose(f);
	closedir(d);
}

TEST_HARNESS_MAIN
