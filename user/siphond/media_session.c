// SPDX-License-Identifier: GPL-2.0-only
/*
 * The table of calls with anchored media: slots in the pinned store
 * (media_store.h), chained by Call-ID hash, and found again by the
 * requests of their dialog. See media_internal.h.
 */
#include <string.h>

#include "hash.h"
#include "media_internal.h"

static uint32_t bucket_of(const struct media *md, uint32_t hash)
{
	return hash & (md->nbuckets - 1);
}

void media_session_link(struct media *md, struct media_session *ms)
{
	int32_t slot = (int32_t)(ms - md->slots);

	ms->hnext = md->buckets[bucket_of(md, ms->hash)];
	md->buckets[bucket_of(md, ms->hash)] = slot;
}

struct media_session *
media_session_new(struct media *md, struct sip_str call_id, struct sip_str tag)
{
	struct media_session *ms;
	int32_t slot = md->free_head;

	if (slot < 0) {
		md->stats.table_full++;
		return NULL;
	}
	ms = &md->slots[slot];
	md->free_head = ms->hnext;
	memset(ms, 0, sizeof(*ms));
	if (!md->next_gen) /* 0 marks a free slot */
		md->next_gen = 1;
	ms->gen = md->next_gen++;
	ms->hash = (uint32_t)sd_hash_str(SD_HASH_INIT, call_id);
	ms->call_id_len = (uint8_t)call_id.len;
	memcpy(ms->call_id, call_id.p, call_id.len);
	ms->tag_len = (uint8_t)tag.len;
	memcpy(ms->tag, tag.p, tag.len);
	ms->relay = md->relay;
	ms->magic = MEDIA_SESSION_MAGIC;
	media_session_link(md, ms);
	md->stats.sessions++;
	return ms;
}

void media_session_free(struct media *md, struct media_session *ms)
{
	int32_t slot = (int32_t)(ms - md->slots), *pp;
	unsigned int i;

	for (i = 0; i < ms->nstreams; i++)
		media_stream_release(md, ms, &ms->s[i]);
	media_undo_drop(md, ms);
	media_fork_drop(md, ms);
	for (pp = &md->buckets[bucket_of(md, ms->hash)]; *pp >= 0;
	     pp = &md->slots[*pp].hnext) {
		if (*pp == slot) {
			*pp = ms->hnext;
			break;
		}
	}
	ms->gen = 0;
	ms->hnext = md->free_head;
	md->free_head = slot;
	md->stats.sessions--;
}

void media_session_end(struct media *md, struct media_session *ms)
{
	media_session_free(md, ms);
	md->stats.ended++;
}

struct media_session *media_session_of(struct media *md, struct media_ref r)
{
	struct media_session *ms;

	if (!r.gen || r.slot >= md->max)
		return NULL;
	ms = &md->slots[r.slot];
	return ms->gen == r.gen ? ms : NULL;
}

struct media_session *media_session_find(struct media *md, struct sip_msg *m,
					 bool *by_callee, uint64_t *dialog_tag)
{
	struct sip_error e;
	const struct sip_str *cid = sip_msg_call_id(m, &e);
	const struct sip_addr *from = sip_msg_from(m, &e);
	const struct sip_addr *to = sip_msg_to(m, &e);
	uint32_t hash;
	int32_t i;

	if (!cid || !from || !to)
		return NULL;
	hash = (uint32_t)sd_hash_str(SD_HASH_INIT, *cid);
	for (i = md->buckets[bucket_of(md, hash)]; i >= 0;
	     i = md->slots[i].hnext) {
		struct media_session *ms = &md->slots[i];
		struct sip_str id = sip_str_of(ms->call_id, ms->call_id_len);
		struct sip_str tag = sip_str_of(ms->tag, ms->tag_len);
		bool callee;

		if (ms->hash != hash || !sip_str_eq(id, *cid))
			continue;
		if (!sip_str_eq(tag, from->tag) && !sip_str_eq(tag, to->tag))
			continue;
		callee = !sip_str_eq(tag, from->tag);
		if (by_callee)
			*by_callee = callee;
		if (dialog_tag)
			*dialog_tag =
				media_tag_hash(callee ? from->tag : to->tag);
		return ms;
	}
	return NULL;
}

/* ---- for dialog_*.c, whose state lives in the session's record ---------- */

struct media_session *media_session_by_ref(struct media *md,
					   struct media_ref ref)
{
	return md ? media_session_of(md, ref) : NULL;
}

struct media_session *media_session_by_msg(struct media *md, struct sip_msg *m,
					   bool *by_callee)
{
	return md ? media_session_find(md, m, by_callee, NULL) : NULL;
}

struct media_session *media_session_by_call_id(struct media *md,
					       struct sip_str call_id)
{
	uint32_t hash = (uint32_t)sd_hash_str(SD_HASH_INIT, call_id);
	int32_t i;

	for (i = md->buckets[bucket_of(md, hash)]; i >= 0;
	     i = md->slots[i].hnext) {
		struct media_session *ms = &md->slots[i];

		if (ms->hash == hash &&
		    sip_str_eq(sip_str_of(ms->call_id, ms->call_id_len),
			       call_id))
			return ms;
	}
	return NULL;
}
