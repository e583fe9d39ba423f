// SPDX-License-Identifier: GPL-2.0-only
/* The pinned, mapped store of media sessions; see media_store.h. */
#include "media_store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <bpf/bpf.h>

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

static bool rec_live(const void *rec)
{
	uint32_t first;

	memcpy(&first, rec, sizeof(first));
	return first != 0;
}

static int map_into(struct media_store *st, int fd, uint32_t nrec,
		    uint32_t rec_size)
{
	size_t len = page_round((size_t)nrec * rec_size);
	void *base;

	base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return -errno;
	st->fd = fd;
	st->base = base;
	st->len = len;
	st->nrec = nrec;
	st->rec_size = rec_size;
	return 0;
}

static int create_map(uint32_t nrec, uint32_t rec_size)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_MMAPABLE);
	int fd;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, MEDIA_STORE_MAP,
			    sizeof(uint32_t), rec_size, nrec, &opts);
	return fd < 0 ? -errno : fd;
}

/*
 * Pin fd at path in place of whatever is pinned there: pinned beside it
 * first and renamed over it, so a crash in between leaves one of the two.
 */
static int pin_over(int fd, const char *path)
{
	char tmp[PATH_MAX];

	if (snprintf(tmp, sizeof(tmp), "%s_new", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (bpf_obj_pin(fd, tmp))
		return -errno;
	if (rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

/*
 * Copy the live records of old into st, packed from record 0; records of
 * another size through convert.
 */
static void copy_live(struct media_store *st, const struct media_store *old,
		      media_store_convert_fn convert,
		      struct media_store_open_info *info)
{
	uint32_t i, next = 0;

	for (i = 0; i < old->nrec; i++) {
		const void *rec = media_store_rec(old, i);
		void *to;

		if (!rec_live(rec))
			continue;
		if (next == st->nrec) {
			info->lost++;
			continue;
		}
		to = media_store_rec(st, next);
		if (old->rec_size == st->rec_size) {
			memcpy(to, rec, st->rec_size);
		} else if (convert &&
			   convert(rec, old->rec_size, to, &info->was_layout)) {
			info->converted++;
		} else {
			memset(to, 0, st->rec_size);
			info->lost++;
			continue;
		}
		next++;
		info->adopted++;
	}
}

static uint32_t count_live(const struct media_store *st)
{
	uint32_t i, n = 0;

	for (i = 0; i < st->nrec; i++)
		n += rec_live(media_store_rec(st, i));
	return n;
}

/*
 * The pinned map (old_fd, described by old_info) has another size or
 * layout: a new one takes its place, with the live records that can be
 * carried over.
 */
static int replace_store(struct media_store *st, const char *path, int old_fd,
			 const struct bpf_map_info *old_info, uint32_t nrec,
			 uint32_t rec_size, media_store_convert_fn convert,
			 struct media_store_open_info *info)
{
	struct media_store old = { .fd = -1 };
	int fd, err;

	info->relaid = true;
	info->was_nrec = old_info->max_entries;
	info->was_rec_size = old_info->value_size;
	fd = create_map(nrec, rec_size);
	if (fd < 0)
		return fd;
	err = map_into(st, fd, nrec, rec_size);
	if (err) {
		close(fd);
		return err;
	}
	if (!map_into(&old, old_fd, old_info->max_entries,
		      old_info->value_size)) {
		copy_live(st, &old, convert, info);
		munmap(old.base, old.len);
	}
	err = pin_over(fd, path);
	if (err)
		media_store_close(st);
	return err;
}

static bool our_kind(const struct bpf_map_info *mi)
{
	return mi->type == BPF_MAP_TYPE_ARRAY &&
	       (mi->map_flags & BPF_F_MMAPABLE) &&
	       mi->key_size == sizeof(uint32_t) && mi->value_size % 8 == 0;
}

static int open_pinned(struct media_store *st, const char *path, int fd,
		       uint32_t nrec, uint32_t rec_size,
		       media_store_convert_fn convert,
		       struct media_store_open_info *info, char *err,
		       size_t errlen)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	int r;

	if (bpf_obj_get_info_by_fd(fd, &mi, &len)) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	if (!our_kind(&mi)) {
		snprintf(err, errlen,
			 "%s is not siphond's call store: remove it if "
			 "nothing else uses it",
			 path);
		return -EEXIST;
	}
	if (mi.max_entries == nrec && mi.value_size == rec_size) {
		r = map_into(st, fd, nrec, rec_size);
		if (!r)
			info->adopted = count_live(st);
	} else {
		r = replace_store(st, path, fd, &mi, nrec, rec_size, convert,
				  info);
	}
	if (r)
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
	return r;
}

static int create_pinned(struct media_store *st, const char *path,
			 uint32_t nrec, uint32_t rec_size,
			 struct media_store_open_info *info, char *err,
			 size_t errlen)
{
	int fd, r;

	info->created = true;
	fd = create_map(nrec, rec_size);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path,
			 strerror(-fd));
		return fd;
	}
	r = map_into(st, fd, nrec, rec_size);
	if (!r && bpf_obj_pin(fd, path))
		r = -errno;
	if (r) {
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		if (st->base)
			media_store_close(st);
		else
			close(fd);
	}
	return r;
}

int media_store_open(struct media_store *st, const char *pin_dir, uint32_t nrec,
		     uint32_t rec_size, media_store_convert_fn convert,
		     struct media_store_open_info *info, char *err,
		     size_t errlen)
{
	char path[PATH_MAX];
	int fd, r;

	memset(st, 0, sizeof(*st));
	memset(info, 0, sizeof(*info));
	st->fd = -1;
	if (!nrec || !rec_size || rec_size % 8) {
		snprintf(err, errlen, "call store: bad geometry");
		return -EINVAL;
	}
	if (snprintf(path, sizeof(path), "%s/" MEDIA_STORE_MAP, pin_dir) >=
	    (int)sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", pin_dir);
		return -ENAMETOOLONG;
	}
	fd = bpf_obj_get(path);
	if (fd < 0 && errno == ENOENT)
		return create_pinned(st, path, nrec, rec_size, info, err,
				     errlen);
	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	r = open_pinned(st, path, fd, nrec, rec_size, convert, info, err,
			errlen);
	/* a new map took the place of the old one, or nothing worked */
	if (st->fd != fd)
		close(fd);
	return r;
}

void media_store_close(struct media_store *st)
{
	if (st->base)
		munmap(st->base, st->len);
	if (st->fd >= 0)
		close(st->fd);
	st->base = NULL;
	st->fd = -1;
}
