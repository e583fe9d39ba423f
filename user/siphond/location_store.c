// SPDX-License-Identifier: GPL-2.0-only
/* Bindings kept in a mapped file across restarts; see location_store.h. */
#include "location_store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * A record of this layout holds a binding; anything else is free. Change
 * the magic with struct binding (location.h): an old file is then read as
 * empty rather than misread.
 */
#define LOC_RECORD_MAGIC 0x53524731u /* "SRG1" */

struct loc_record {
	uint32_t magic; /* written last: a torn record is a free one */
	uint32_t reserved;
	struct binding b;
};

/* fails the build when struct binding changes: change the magic then */
_Static_assert(sizeof(struct binding) == 1080, "LOC_RECORD_MAGIC layout");

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

static int make_parent(const char *path)
{
	char dir[4096];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return -ENOENT;
	*slash = '\0';
	return mkdir(dir, 0755) ? -errno : 0;
}

/* every live record of what the file holds now, to fn */
static int replay(int fd, void (*fn)(void *arg, const struct binding *b),
		  void *arg)
{
	struct loc_record r;
	ssize_t n;

	while ((n = read(fd, &r, sizeof(r))) == (ssize_t)sizeof(r)) {
		if (r.magic != LOC_RECORD_MAGIC)
			continue;
		/* the strings end inside their arrays, whatever was there */
		r.b.aor[LOC_AOR_MAX - 1] = '\0';
		r.b.contact[LOC_CONTACT_MAX - 1] = '\0';
		r.b.call_id[LOC_CALL_ID_MAX - 1] = '\0';
		/* the TCP connection it came on is gone with the old process */
		r.b.source.conn = 0;
		fn(arg, &r.b);
	}
	return n < 0 ? -errno : 0;
}

int loc_store_open(struct loc_store *st, const char *path, uint32_t nrec,
		   void (*fn)(void *arg, const struct binding *b), void *arg,
		   char *err, size_t errlen)
{
	uint32_t i;
	int fd, r;

	memset(st, 0, sizeof(*st));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	/* /run/siphon, say, after a reboot: one level is made */
	if (fd < 0 && errno == ENOENT && !make_parent(path))
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "[registrar] state_file %s: %s", path,
			 strerror(-r));
		return r;
	}
	/* the file is read once, then made anew at the right size */
	r = replay(fd, fn, arg);
	st->len = page_round((size_t)nrec * sizeof(struct loc_record));
	if (!r && (ftruncate(fd, 0) || ftruncate(fd, (off_t)st->len)))
		r = -errno;
	if (!r) {
		st->rec = mmap(NULL, st->len, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);
		if (st->rec == MAP_FAILED) {
			st->rec = NULL;
			r = -errno;
		}
	}
	close(fd);
	st->free = r ? NULL : malloc(nrec * sizeof(*st->free));
	if (!r && !st->free)
		r = -ENOMEM;
	if (r) {
		snprintf(err, errlen, "[registrar] state_file %s: %s", path,
			 strerror(-r));
		loc_store_close(st);
		return r;
	}
	st->nrec = nrec;
	for (i = 0; i < nrec; i++)
		st->free[i] = nrec - 1 - i;
	st->nfree = nrec;
	return 0;
}

void loc_store_close(struct loc_store *st)
{
	if (st->rec)
		munmap(st->rec, st->len);
	free(st->free);
	memset(st, 0, sizeof(*st));
}

int32_t loc_store_alloc(struct loc_store *st)
{
	if (!st->nfree)
		return -1;
	return (int32_t)st->free[--st->nfree];
}

void loc_store_put(struct loc_store *st, int32_t slot, const struct binding *b)
{
	struct loc_record *r;

	if (slot < 0 || (uint32_t)slot >= st->nrec)
		return;
	r = &st->rec[slot];
	/* a kill between the stores leaves a free record, not a torn one */
	__atomic_store_n(&r->magic, 0, __ATOMIC_RELEASE);
	r->b = *b;
	__atomic_store_n(&r->magic, LOC_RECORD_MAGIC, __ATOMIC_RELEASE);
}

void loc_store_release(struct loc_store *st, int32_t slot)
{
	if (slot < 0 || (uint32_t)slot >= st->nrec)
		return;
	__atomic_store_n(&st->rec[slot].magic, 0, __ATOMIC_RELEASE);
	st->free[st->nfree++] = (uint32_t)slot;
}
