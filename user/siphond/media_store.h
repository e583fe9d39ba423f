/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where siphond keeps its media sessions: the records live in a BPF array
 * map pinned next to the flow map (PIN_DIR/siphon_calls) and mapped into
 * siphond's memory. A session written there is in the kernel the moment
 * the store instruction retires, so neither kill -9 nor a crash loses it,
 * and the next siphond finds every call whose flows are still forwarding.
 * Both live exactly as long as the pins: a reboot or a removed pin
 * directory ends calls and their flows alike.
 *
 * The store knows nothing of what a record holds except this: a record
 * whose first 32 bits are zero is free. Records of another size (left by
 * another version) are handed to the caller's converter.
 */
#ifndef SIPHOND_MEDIA_STORE_H
#define SIPHOND_MEDIA_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_STORE_MAP "siphon_calls"

struct media_store {
	int fd;
	void *base; /* nrec records of rec_size bytes each */
	size_t len; /* of the mapping */
	uint32_t nrec, rec_size;
};

/*
 * A live record of another version (old_size bytes) written into rec in
 * the caller's layout (rec_size bytes); false when it cannot be. *name:
 * what the old layout was, for the log.
 */
typedef bool (*media_store_convert_fn)(const void *old, uint32_t old_size,
				       void *rec, const char **name);

/* what opening found */
struct media_store_open_info {
	uint32_t adopted; /* live records kept from the previous run */
	uint32_t lost; /* live records that no longer fit, or no converter */
	uint32_t converted; /* of adopted: records of another size converted */
	uint32_t was_nrec; /* the previous map's size, 0: none */
	uint32_t was_rec_size; /* the previous map's record size, 0: none */
	const char *was_layout; /* what convert called them, or NULL */
	bool created; /* nothing was pinned */
	bool relaid; /* the pinned map had another size or record layout */
};

/*
 * Map the store pinned in pin_dir, creating and pinning it when there is
 * none. A store of another record count or record size is copied into a
 * new map of nrec records pinned in its place (live records first come,
 * first kept); records of another size go through convert (NULL: they are
 * lost). 0, or -errno with a message in err.
 */
int media_store_open(struct media_store *st, const char *pin_dir, uint32_t nrec,
		     uint32_t rec_size, media_store_convert_fn convert,
		     struct media_store_open_info *info, char *err,
		     size_t errlen);
/* unmap and close; the pinned map and what it holds stay */
void media_store_close(struct media_store *st);

static inline void *media_store_rec(const struct media_store *st, uint32_t i)
{
	return (char *)st->base + (size_t)i * st->rec_size;
}

#endif /* SIPHOND_MEDIA_STORE_H */
