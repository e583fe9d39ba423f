// SPDX-License-Identifier: GPL-2.0-only
/*
 * A call forked past siphond (a forking proxy behind it, or siphond's own
 * parallel branches) can be answered by several phones: each 2xx makes a
 * dialog of its own, and the caller ACKs each and sends BYE in those it
 * does not want (RFC 3261 13.2.2.4). There is one offer, so one set of
 * relay ports: the flows follow the first 2xx, the one callers keep.
 *
 * Each other fork's 2xx is rewritten towards the same relay ports (its
 * phone learns nothing of the caller, the caller nothing of it) and its
 * answer and dialog are kept here. A BYE in such a dialog ends only that
 * dialog; a BYE in the first one, while another is still up, hands the
 * flows to that one (a caller that kept the second 2xx), and only the
 * last dialog's BYE ends the call. Kept in memory, not in the store: a
 * restart forgets the other forks, and the dialog the flows follow
 * (callee_tag, stored) then ends the call with its BYE.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "log_ratelimit.h"
#include "media_internal.h"

/* one stream as the fork's phone answered it */
struct fork_stream {
	bool answered; /* its answer names an end for the relay */
	bool nat, mux;
	uint32_t clock_rate;
	struct endpoint rtp, rtcp;
};

struct media_fork {
	uint64_t tag; /* media_tag_hash of its phone's tag */
	bool has_sdp; /* its 2xx carried SDP: s[] says where media goes */
	struct fork_stream s[SDP_MEDIA_MAX];
	struct media_dialog dialog; /* DIALOG_NONE until captured */
};

struct media_forks {
	uint32_t gen; /* of the session they belong to */
	unsigned int n;
	struct media_fork *f[MEDIA_FORKS_MAX];
};

uint64_t media_tag_hash(struct sip_str tag)
{
	uint64_t h = sd_hash_str(SD_HASH_INIT, tag);

	return h ? h : 1;
}

static uint32_t slot_of(const struct media *md, const struct media_session *ms)
{
	return (uint32_t)(ms - md->slots);
}

/* the forks of ms; created when asked (NULL: out of memory) */
static struct media_forks *forks_of(struct media *md,
				    const struct media_session *ms, bool create)
{
	uint32_t slot = slot_of(md, ms);
	struct media_forks *fs;

	if (!md->forks) {
		if (!create)
			return NULL;
		md->forks = calloc(md->max, sizeof(*md->forks));
		if (!md->forks)
			return NULL;
	}
	fs = md->forks[slot];
	if (fs && fs->gen != ms->gen) /* a call that ended without a word */
		media_fork_drop(md, ms);
	fs = md->forks[slot];
	if (!fs && create) {
		fs = calloc(1, sizeof(*fs));
		if (fs)
			fs->gen = ms->gen;
		md->forks[slot] = fs;
	}
	return fs;
}

static struct media_fork *fork_find(struct media_forks *fs, uint64_t tag)
{
	unsigned int i;

	for (i = 0; fs && i < fs->n; i++)
		if (fs->f[i]->tag == tag)
			return fs->f[i];
	return NULL;
}

static struct media_fork *fork_add(struct media *md,
				   const struct media_session *ms, uint64_t tag)
{
	struct media_forks *fs = forks_of(md, ms, true);
	struct media_fork *f = fork_find(fs, tag);

	if (f)
		return f;
	if (fs && fs->n < MEDIA_FORKS_MAX)
		f = calloc(1, sizeof(*f));
	if (!f) {
		md->stats.forks_untracked++;
		pr_info_ratelimited("media: call %.*s: more phones answered "
				    "than siphond keeps (%d): this one's "
				    "answer cannot take the media over\n",
				    (int)ms->call_id_len, ms->call_id,
				    MEDIA_FORKS_MAX);
		return NULL;
	}
	f->tag = tag;
	fs->f[fs->n++] = f;
	md->stats.forks++;
	pr_info("media: call %.*s: another phone answered too; the media "
		"stays with the first until its dialog ends\n",
		(int)ms->call_id_len, ms->call_id);
	return f;
}

static void fork_forget(struct media_forks *fs, struct media_fork *f)
{
	unsigned int i;

	for (i = 0; i < fs->n && fs->f[i] != f; i++)
		;
	if (i == fs->n)
		return;
	free(f);
	memmove(&fs->f[i], &fs->f[i + 1], (fs->n - i - 1) * sizeof(fs->f[0]));
	fs->n--;
}

/* stream i of the fork's SDP s, from src, into fs; false: not for us */
static bool fork_stream_of(struct media *md, const struct media_stream *st,
			   const struct sdp_session *s, unsigned int i,
			   const union sd_sockaddr *src, bool offer,
			   struct fork_stream *fst)
{
	*fst = (struct fork_stream){ 0 };
	if (!media_stream_ends(md, s, i, src, &fst->rtp, &fst->rtcp, &fst->nat))
		return false;
	fst->answered = true;
	/* its offer (a late offer's 2xx): the caller's answer decides */
	fst->mux = s->media[i].rtcp_mux && (offer || st->offer_mux);
	fst->clock_rate = sdp_media_clock_rate(s, i);
	return true;
}

int media_fork_answer(struct media *md, struct media_session *ms, uint64_t tag,
		      const struct sdp_session *s, const union sd_sockaddr *src,
		      char *out, size_t cap, struct sip_str *body)
{
	struct media_fork *f = fork_add(md, ms, tag);
	struct sdp_rewrite rw = { 0 };
	struct fork_stream fst;
	unsigned int i, n = 0;

	if (!s)
		return 0;
	if (f) {
		memset(f->s, 0, sizeof(f->s));
		f->has_sdp = true;
	}
	for (i = 0; i < s->n_media && i < ms->nstreams; i++) {
		const struct media_stream *st = &ms->s[i];

		if (!st->anchored ||
		    !fork_stream_of(md, st, s, i, src, ms->late_offer, &fst))
			continue;
		/* the caller sends to the ports it has, whichever phone
		 * the flows take them to */
		if (ms->late_offer)
			media_anchor_offer(md, &rw.media[i], st->caller_side);
		else
			media_anchor_at(md, &rw.media[i], st->caller_side,
					fst.mux);
		media_keep_hold(s, i, &rw.media[i]);
		if (f)
			f->s[i] = fst;
		n++;
	}
	if (!n || media_write_sdp(md, s, &rw, out, cap, body))
		return 0;
	return 1;
}

int media_fork_ack(struct media *md, struct media_session *ms, uint64_t tag,
		   const struct sdp_session *s, char *out, size_t cap,
		   struct sip_str *body)
{
	struct media_fork *f = fork_find(forks_of(md, ms, false), tag);
	struct sdp_rewrite rw = { 0 };
	unsigned int i, n = 0;

	for (i = 0; i < s->n_media && i < ms->nstreams; i++) {
		const struct media_stream *st = &ms->s[i];
		bool mux = s->media[i].rtcp_mux;

		if (!st->anchored || !s->media[i].port)
			continue;
		if (f) {
			f->s[i].mux = f->s[i].mux && mux;
			mux = f->s[i].mux;
		}
		media_anchor_at(md, &rw.media[i], st->callee_side, mux);
		media_keep_hold(s, i, &rw.media[i]);
		n++;
	}
	if (!n || media_write_sdp(md, s, &rw, out, cap, body))
		return 0;
	return 1;
}

struct media_dialog *media_fork_dialog(struct media *md,
				       const struct media_session *ms,
				       uint64_t tag)
{
	struct media_fork *f = fork_find(forks_of(md, ms, false), tag);

	return f ? &f->dialog : NULL;
}

/* the flows of stream st go to the fork's phone, as its answer said */
static void take_stream(struct media *md, struct media_session *ms,
			struct media_stream *st, const struct fork_stream *fst)
{
	bool was_mux = st->rtcp_mux;

	/* the fork's phone declined it: the stream is no more */
	if (!fst->answered) {
		media_stream_release(md, ms, st);
		return;
	}
	st->callee_rtp = fst->rtp;
	st->callee_rtcp = fst->rtcp;
	st->callee_nat = fst->nat;
	st->rtcp_mux = fst->mux;
	st->clock_rate = fst->clock_rate;
	st->answered = true;
	/* RTCP now rides on the RTP ports: its own flows go */
	if (!was_mux && st->rtcp_mux) {
		media_flow_remove(md, &ms->relay, st->caller_side + 1);
		media_flow_remove(md, &ms->relay, st->callee_side + 1);
	}
	media_stream_install(md, ms, st, true);
}

/* the dialog the flows followed ended: f's takes them over */
static void take_over(struct media *md, struct media_session *ms,
		      struct media_fork *f)
{
	struct media_dialog *dg = &ms->dialog;
	unsigned int i;

	media_undo_drop(md, ms);
	ms->callee_tag = f->tag;
	/* every request of either dialog moved the CSeqs kept in the
	 * first one's (dialog_on_request): the highest stay */
	for (i = 0; i < 2; i++)
		if (f->dialog.p[i].cseq < dg->p[i].cseq)
			f->dialog.p[i].cseq = dg->p[i].cseq;
	*dg = f->dialog;
	md->stats.fork_takeovers++;
	pr_info("media: call %.*s: the dialog the media followed ended; "
		"another phone's, still up, takes it over\n",
		(int)ms->call_id_len, ms->call_id);
	/* without its SDP (the answer came in a 183) the ends stay */
	if (!f->has_sdp)
		return;
	for (i = 0; i < ms->nstreams; i++)
		if (ms->s[i].anchored)
			take_stream(md, ms, &ms->s[i], &f->s[i]);
}

bool media_fork_bye(struct media *md, struct media_session *ms, uint64_t tag)
{
	struct media_forks *fs;

	if (!ms->callee_tag)
		return false;
	fs = forks_of(md, ms, false);
	if (tag != ms->callee_tag) {
		/* another fork's dialog, remembered or not (a restart, or
		 * past the bound): its end leaves the call's media alone */
		if (fork_find(fs, tag))
			fork_forget(fs, fork_find(fs, tag));
		pr_info("media: call %.*s: another phone's dialog ended; the "
			"media goes on\n",
			(int)ms->call_id_len, ms->call_id);
		return true;
	}
	if (!fs || !fs->n)
		return false;
	take_over(md, ms, fs->f[0]);
	fork_forget(fs, fs->f[0]);
	return true;
}

void media_fork_drop(struct media *md, const struct media_session *ms)
{
	uint32_t slot = slot_of(md, ms);
	struct media_forks *fs;
	unsigned int i;

	if (!md->forks || !md->forks[slot])
		return;
	fs = md->forks[slot];
	for (i = 0; i < fs->n; i++)
		free(fs->f[i]);
	free(fs);
	md->forks[slot] = NULL;
}
