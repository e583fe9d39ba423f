/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Registrations that outlive siphond: every binding is also a record in a
 * file mapped into memory ([registrar] state_file, in /run by default).
 * A record written there is in the kernel's page cache at once, so a
 * siphond that is stopped, killed or crashes leaves its registrations for
 * the next one; a reboot (a new /run, a new monotonic clock) starts empty,
 * as the phones do. The file is sparse: only the slots in use take memory.
 */
#ifndef SIPHOND_LOCATION_STORE_H
#define SIPHOND_LOCATION_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "location.h"

struct loc_store {
	struct loc_record *rec; /* nrec records, mapped from the file */
	size_t len;
	uint32_t nrec;
	uint32_t *free; /* free slots, a stack, lowest on top */
	uint32_t nfree;
};

/*
 * Map path (created, or grown or shrunk to nrec records) and hand every
 * live binding it held, whatever nrec, to fn (in no particular order)
 * before clearing it: the caller adds them back through
 * loc_store_put(). 0, or -errno with err saying why.
 */
int loc_store_open(struct loc_store *st, const char *path, uint32_t nrec,
		   void (*fn)(void *arg, const struct binding *b), void *arg,
		   char *err, size_t errlen);
void loc_store_close(struct loc_store *st);

/* a slot for a new binding, or -1 when none is free */
int32_t loc_store_alloc(struct loc_store *st);
/* the binding in slot now reads b */
void loc_store_put(struct loc_store *st, int32_t slot, const struct binding *b);
/* slot holds no binding any more, and is free */
void loc_store_release(struct loc_store *st, int32_t slot);

#endif /* SIPHOND_LOCATION_STORE_H */
