/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Finding and reading the test corpus from a unit test. The corpus is found
 * from $SIPHON_ROOT, else next to the binary (build/tests/ ->
 * ../../tests/corpus/...), else from the working directory (tests/run.sh
 * runs from the repository root).
 */
#ifndef SIPHON_TESTS_CORPUS_H
#define SIPHON_TESTS_CORPUS_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline bool corpus_is_dir(const char *path)
{
	DIR *d = opendir(path);

	if (d)
		closedir(d);
	return d;
}

/* the directory of corpus sub ("tests/corpus/sip") into out */
static inline void corpus_path(const char *sub, char *out, size_t size)
{
	const char *root = getenv("SIPHON_ROOT");
	char exe[PATH_MAX];
	ssize_t n;

	if (root) {
		snprintf(out, size, "%s/%s", root, sub);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		/* a path too long to hold falls through to the cwd */
		if (snprintf(out, size, "%s/../../%s", exe, sub) < (int)size &&
		    corpus_is_dir(out))
			return;
	}
	snprintf(out, size, "%s", sub);
}

/*
 * The whole file in a malloc'd buffer of exactly its size (1 for an empty
 * one), so ASan reports any read past the end; NULL if unreadable.
 */
static inline char *corpus_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? (size_t)n : 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

#endif /* SIPHON_TESTS_CORPUS_H */
