// SPDX-License-Identifier: GPL-2.0-only
/*
 * Header name classification, the only place that knows the names. The
 * scanner calls sip_hdr_id_of() once per header line.
 */
#include <pthread.h>

#include "sip_hdr_name.h"
#include "sip_lex.h"

struct hdr_entry {
	const char *name;
	uint8_t len;
	char compact;
	uint8_t flags;
};

#define S SIP_HF_SINGLE
#define L SIP_HF_LIST
#define SIP_HDR_ENTRY(id, n, c, f) [SIP_HDR_##id] = { n, sizeof(n) - 1, c, f },
static const struct hdr_entry table[SIP_HDR_MAX] = {
	[SIP_HDR_OTHER] = { "", 0, 0, 0 },
	SIP_HEADERS(SIP_HDR_ENTRY)
};
#undef SIP_HDR_ENTRY
#undef S
#undef L

/*
 * Full names go through an open-addressed hash of length and three
 * letters: one probe and one compare for almost every name, where a
 * search by halves mispredicts a branch at every step. The table is
 * built once, on first use, from the list above.
 */
#define HASH_SLOTS 512 /* a power of two, well above SIP_HDR_MAX */
static uint8_t slots[HASH_SLOTS];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static unsigned int name_hash(const char *name, size_t len)
{
	return ((unsigned int)len * 7 + sip_lower(name[0]) * 31 +
		sip_lower(name[len / 2]) * 17 + sip_lower(name[len - 1])) &
	       (HASH_SLOTS - 1);
}

static void build_slots(void)
{
	unsigned int h;
	int id;

	for (id = 1; id < SIP_HDR_MAX; id++) {
		h = name_hash(table[id].name, table[id].len);
		while (slots[h])
			h = (h + 1) & (HASH_SLOTS - 1);
		slots[h] = (uint8_t)id;
	}
}

static bool name_ieq(const char *a, const char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (sip_lower(a[i]) != sip_lower(b[i]))
			return false;
	}
	return true;
}

static enum sip_hdr_id compact_id(char c)
{
	int id;

	c = (char)sip_lower(c);
	for (id = 1; id < SIP_HDR_MAX; id++) {
		if (table[id].compact == c)
			return (enum sip_hdr_id)id;
	}
	return SIP_HDR_OTHER;
}

enum sip_hdr_id sip_hdr_id_of(const char *name, size_t len)
{
	const struct hdr_entry *e;
	unsigned int h;

	if (len <= 1)
		return len ? compact_id(name[0]) : SIP_HDR_OTHER;
	pthread_once(&slots_once, build_slots);
	for (h = name_hash(name, len); slots[h];
	     h = (h + 1) & (HASH_SLOTS - 1)) {
		e = &table[slots[h]];
		if (e->len == len && name_ieq(e->name, name, len))
			return (enum sip_hdr_id)slots[h];
	}
	return SIP_HDR_OTHER;
}

const char *sip_hdr_name(enum sip_hdr_id id)
{
	return (unsigned int)id < SIP_HDR_MAX ? table[id].name : "";
}

unsigned int sip_hdr_flags(enum sip_hdr_id id)
{
	return (unsigned int)id < SIP_HDR_MAX ? table[id].flags : 0;
}
