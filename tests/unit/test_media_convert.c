// SPDX-License-Identifier: GPL-2.0-only
/*
 * Call records of an older siphond in this one's layout: an SCL5 record
 * (the layout before RTP clock rates) and an SCL6 one (before forks and
 * removed streams) keep their call, their streams and their dialog; an
 * unknown layout is refused and leaves the target alone; and
 * the pinned store, opened by this siphond over one of SCL5 records, is
 * replaced by a map of the new size holding the converted calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>

#include "kselftest_harness.h"
#include "siphond/media_convert.h"

static void fill_endpoint(struct endpoint *ep, uint8_t last, uint16_t port)
{
	memset(ep, 0, sizeof(*ep));
	ep->family = SIPHON_AF_INET;
	ep->addr[0] = htonl(0xc6120100u | last); /* 198.18.1.x */
	ep->port = htons(port);
}

/* a call of two streams, answered, its dialog confirmed */
static void fill_scl5(struct media_session_scl5 *o, uint32_t gen)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->gen = gen;
	o->magic = MEDIA_SESSION_MAGIC_SCL5;
	o->hnext = -1;
	o->hash = 0x1234;
	fill_endpoint(&o->relay, 1, 0);
	o->call_id_len = (uint8_t)snprintf(o->call_id, sizeof(o->call_id),
					   "call-%u@198.18.1.2", gen);
	o->tag_len = (uint8_t)snprintf(o->tag, sizeof(o->tag), "tag%u", gen);
	o->nstreams = 2;
	o->late_offer = true;
	o->ack_answer = MEDIA_ACK_FROM_CALLER;
	o->answered_ms = 1000 + gen;
	o->expires_at_ms = 90000;
	for (i = 0; i < 2; i++) {
		struct media_stream_scl5 *s = &o->s[i];

		s->anchored = s->answered = true;
		s->rtcp_mux = i == 1;
		s->callee_nat = true;
		s->caller_side = (uint16_t)(30000 + 4 * i);
		s->callee_side = (uint16_t)(30002 + 4 * i);
		fill_endpoint(&s->caller_rtp, 2, (uint16_t)(40000 + i));
		fill_endpoint(&s->caller_rtcp, 2, (uint16_t)(40100 + i));
		fill_endpoint(&s->callee_rtp, 3, (uint16_t)(40200 + i));
		fill_endpoint(&s->callee_rtcp, 3, (uint16_t)(40300 + i));
	}
	o->dialog.state = DIALOG_CONFIRMED;
	o->dialog.p[DIALOG_CALLER].cseq = 7;
	o->dialog.p[DIALOG_CALLER].party_len = (uint16_t)snprintf(
		o->dialog.p[0].party, DIALOG_PARTY_MAX, "<sip:alice@x>;tag=a");
	o->dialog.p[DIALOG_CALLEE].target_len = (uint16_t)snprintf(
		o->dialog.p[1].target, DIALOG_URI_MAX, "sip:bob@198.18.2.2");
}

/*
 * What every older record carries and the conversion keeps as it was:
 * macros, because each older layout is a struct type of its own
 */
#define EXPECT_SESSION_KEPT(o, ms)                                       \
	do {                                                             \
		EXPECT_EQ((o)->gen, (ms)->gen);                          \
		EXPECT_EQ(MEDIA_SESSION_MAGIC, (ms)->magic);             \
		EXPECT_EQ((o)->hash, (ms)->hash);                        \
		EXPECT_EQ(0, memcmp(&(o)->relay, &(ms)->relay,           \
				    sizeof((ms)->relay)));               \
		EXPECT_EQ((o)->call_id_len, (ms)->call_id_len);          \
		EXPECT_EQ(0, memcmp((o)->call_id, (ms)->call_id,         \
				    (o)->call_id_len));                  \
		EXPECT_EQ((o)->tag_len, (ms)->tag_len);                  \
		EXPECT_EQ(0, memcmp((o)->tag, (ms)->tag, (o)->tag_len)); \
		EXPECT_EQ((o)->nstreams, (ms)->nstreams);                \
		EXPECT_EQ((o)->late_offer, (ms)->late_offer);            \
		EXPECT_EQ((o)->ack_answer, (ms)->ack_answer);            \
		EXPECT_EQ((o)->answered_ms, (ms)->answered_ms);          \
		EXPECT_EQ((o)->expires_at_ms, (ms)->expires_at_ms);      \
	} while (0)

#define EXPECT_STREAM_KEPT(os, s)                                          \
	do {                                                               \
		EXPECT_EQ((os)->anchored, (s)->anchored);                  \
		EXPECT_EQ((os)->answered, (s)->answered);                  \
		EXPECT_EQ((os)->rtcp_mux, (s)->rtcp_mux);                  \
		EXPECT_EQ((os)->rtcp_mux, (s)->offer_mux);                 \
		EXPECT_EQ((os)->caller_nat, (s)->caller_nat);              \
		EXPECT_EQ((os)->callee_nat, (s)->callee_nat);              \
		EXPECT_EQ((os)->caller_side, (s)->caller_side);            \
		EXPECT_EQ((os)->callee_side, (s)->callee_side);            \
		EXPECT_EQ(0, memcmp(&(os)->caller_rtp, &(s)->caller_rtp,   \
				    sizeof((s)->caller_rtp)));             \
		EXPECT_EQ(0, memcmp(&(os)->caller_rtcp, &(s)->caller_rtcp, \
				    sizeof((s)->caller_rtcp)));            \
		EXPECT_EQ(0, memcmp(&(os)->callee_rtp, &(s)->callee_rtp,   \
				    sizeof((s)->callee_rtp)));             \
		EXPECT_EQ(0, memcmp(&(os)->callee_rtcp, &(s)->callee_rtcp, \
				    sizeof((s)->callee_rtcp)));            \
	} while (0)

static void expect_converted(struct __test_metadata *_metadata,
			     const struct media_session_scl5 *o,
			     const struct media_session *ms)
{
	unsigned int i;

	EXPECT_SESSION_KEPT(o, ms);
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		const struct media_stream_scl5 *os = &o->s[i];
		const struct media_stream *s = &ms->s[i];

		EXPECT_STREAM_KEPT(os, s);
		/* the flows of a call set up before were never measured */
		EXPECT_EQ(0u, s->clock_rate);
	}
	EXPECT_EQ(0, memcmp(&o->dialog, &ms->dialog, sizeof(ms->dialog)));
	/* no fork known: its first BYE ends it */
	EXPECT_EQ(0u, ms->callee_tag);
}

/* the same call as SCL6 wrote it: with RTP clock rates */
static void fill_scl6(struct media_session_scl6 *o, uint32_t gen)
{
	struct media_session_scl5 *five = calloc(1, sizeof(*five));
	unsigned int i;

	memset(o, 0, sizeof(*o));
	if (!five)
		return;
	fill_scl5(five, gen);
	o->gen = five->gen;
	o->magic = MEDIA_SESSION_MAGIC_SCL6;
	o->hnext = five->hnext;
	o->hash = five->hash;
	o->relay = five->relay;
	o->call_id_len = five->call_id_len;
	o->tag_len = five->tag_len;
	memcpy(o->call_id, five->call_id, sizeof(o->call_id));
	memcpy(o->tag, five->tag, sizeof(o->tag));
	o->nstreams = five->nstreams;
	o->late_offer = five->late_offer;
	o->ack_answer = five->ack_answer;
	o->answered_ms = five->answered_ms;
	o->expires_at_ms = five->expires_at_ms;
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		memcpy(&o->s[i], &five->s[i], sizeof(five->s[i]));
		o->s[i].clock_rate = five->s[i].anchored ? 8000 + i : 0;
	}
	o->dialog = five->dialog;
	free(five);
}

static void expect_converted6(struct __test_metadata *_metadata,
			      const struct media_session_scl6 *o,
			      const struct media_session *ms)
{
	unsigned int i;

	EXPECT_SESSION_KEPT(o, ms);
	EXPECT_EQ(o->hnext, ms->hnext);
	for (i = 0; i < SDP_MEDIA_MAX; i++) {
		const struct media_stream_scl6 *os = &o->s[i];
		const struct media_stream *s = &ms->s[i];

		EXPECT_STREAM_KEPT(os, s);
		EXPECT_EQ(os->clock_rate, s->clock_rate);
	}
	EXPECT_EQ(0, memcmp(&o->dialog, &ms->dialog, sizeof(ms->dialog)));
	EXPECT_EQ(0u, ms->callee_tag);
}

TEST(scl5_record_keeps_its_call)
{
	struct media_session_scl5 *o = calloc(1, sizeof(*o));
	struct media_session *ms = malloc(sizeof(*ms));
	const char *name = NULL;

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, ms);
	fill_scl5(o, 42);
	memset(ms, 0xa5, sizeof(*ms)); /* what was there is overwritten */
	ASSERT_TRUE(media_record_convert(o, sizeof(*o), ms, &name));
	ASSERT_NE(NULL, name);
	EXPECT_NE(NULL, strstr(name, "SCL5"));
	expect_converted(_metadata, o, ms);
	free(o);
	free(ms);
}

TEST(scl6_record_keeps_its_call)
{
	struct media_session_scl6 *o = calloc(1, sizeof(*o));
	struct media_session *ms = malloc(sizeof(*ms));
	const char *name = NULL;

	ASSERT_NE(NULL, o);
	ASSERT_NE(NULL, ms);
	fill_scl6(o, 43);
	ASSERT_EQ(MEDIA_SESSION_MAGIC_SCL6, o->magic);
	memset(ms, 0xa5, sizeof(*ms)); /* what was there is overwritten */
	ASSERT_TRUE(media_record_convert(o, sizeof(*o), ms, &name));
	ASSERT_NE(NULL, name);
	EXPECT_NE(NULL, strstr(name, "SCL6"));
	expect_converted6(_metadata, o, ms);
	free(o);
	free(ms);
}

TEST(current_record_is_copied)
{
	struct media_session *a = calloc(1, sizeof(*a));
	struct media_session *b = calloc(1, sizeof(*b));

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	a->gen = 3;
	a->magic = MEDIA_SESSION_MAGIC;
	a->s[0].clock_rate = 48000;
	a->s[0].offer_mux = true;
	a->callee_tag = 0x0123456789abcdefull;
	ASSERT_TRUE(media_record_convert(a, sizeof(*a), b, NULL));
	EXPECT_EQ(0, memcmp(a, b, sizeof(*a)));
	free(a);
	free(b);
}

/* magic and size must both match a layout that shipped */
TEST(unknown_layouts_are_refused)
{
	static const struct {
		uint32_t magic, size;
	} bad[] = {
		{ 0x53434c34u,
		  2176 }, /* SCL4: before dialogs, never converted */
		{ MEDIA_SESSION_MAGIC_SCL5, 2240 }, /* a branch's SCL5 */
		{ MEDIA_SESSION_MAGIC, MEDIA_SESSION_SIZE_SCL5 },
		{ MEDIA_SESSION_MAGIC, MEDIA_SESSION_SIZE_SCL6 },
		{ MEDIA_SESSION_MAGIC_SCL6, MEDIA_SESSION_SIZE_SCL5 },
		{ MEDIA_SESSION_MAGIC_SCL5, MEDIA_SESSION_SIZE_SCL6 },
		{ 0, MEDIA_SESSION_SIZE_SCL5 },
		{ MEDIA_SESSION_MAGIC_SCL5, 4 }, /* shorter than a magic */
	};
	struct media_session *ms = malloc(sizeof(*ms));
	unsigned char *old = calloc(1, 4096);
	unsigned int i, j;

	ASSERT_NE(NULL, ms);
	ASSERT_NE(NULL, old);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		old[0] = 1; /* live */
		memcpy(old + 4, &bad[i].magic, 4);
		memset(ms, 0x5a, sizeof(*ms));
		EXPECT_FALSE(media_record_convert(old, bad[i].size, ms, NULL));
		for (j = 0; j < sizeof(*ms); j++)
			if (((unsigned char *)ms)[j] != 0x5a)
				break;
		EXPECT_EQ(sizeof(*ms), j); /* untouched */
	}
	free(ms);
	free(old);
}

static bool bpffs_usable(void)
{
	struct statfs st;

	return geteuid() == 0 && !statfs("/sys/fs/bpf", &st) &&
	       st.f_type == BPF_FS_MAGIC;
}

static uint32_t pinned_value_size(const char *dir)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/" MEDIA_STORE_MAP, dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &mi, &len))
		mi.value_size = 0;
	close(fd);
	return mi.value_size;
}

/* a pin directory of its own, removed whatever the test's end */
FIXTURE(pin)
{
	char dir[64], path[96];
	bool made;
};

FIXTURE_SETUP(pin)
{
	if (!bpffs_usable())
		SKIP(return, "needs root and bpffs at /sys/fs/bpf");
	snprintf(self->dir, sizeof(self->dir),
		 "/sys/fs/bpf/test_media_convert_%d", (int)getpid());
	snprintf(self->path, sizeof(self->path), "%s/" MEDIA_STORE_MAP,
		 self->dir);
	ASSERT_EQ(0, mkdir(self->dir, 0700));
	self->made = true;
}

FIXTURE_TEARDOWN(pin)
{
	if (!self->made)
		return;
	unlink(self->path);
	rmdir(self->dir);
}

/* the real pinned map: an SCL5 store opened by this siphond */
TEST_F(pin, store_of_scl5_records_is_converted)
{
	struct media_store_open_info info;
	struct media_store st;
	struct media_session_scl5 o[2];
	const char *dir = self->dir;
	char err[256];
	uint32_t nrec = 8;

	/* what the old siphond left: two calls in slots 1 and 5 */
	ASSERT_EQ(0, media_store_open(&st, dir, nrec, MEDIA_SESSION_SIZE_SCL5,
				      NULL, &info, err, sizeof(err)))
	TH_LOG("%s", err);
	EXPECT_TRUE(info.created);
	fill_scl5(&o[0], 11);
	fill_scl5(&o[1], 12);
	memcpy(media_store_rec(&st, 1), &o[0], sizeof(o[0]));
	memcpy(media_store_rec(&st, 5), &o[1], sizeof(o[1]));
	media_store_close(&st);

	ASSERT_EQ(0, media_store_open(
			     &st, dir, nrec, sizeof(struct media_session),
			     media_record_convert, &info, err, sizeof(err)))
	TH_LOG("%s", err);
	EXPECT_TRUE(info.relaid);
	EXPECT_EQ(2u, info.adopted);
	EXPECT_EQ(2u, info.converted);
	EXPECT_EQ(0u, info.lost);
	EXPECT_EQ((uint32_t)MEDIA_SESSION_SIZE_SCL5, info.was_rec_size);
	ASSERT_NE(NULL, info.was_layout);
	/* packed from slot 0, the rest free */
	expect_converted(_metadata, &o[0], media_store_rec(&st, 0));
	expect_converted(_metadata, &o[1], media_store_rec(&st, 1));
	EXPECT_EQ(0u, *(uint32_t *)media_store_rec(&st, 2));
	media_store_close(&st);
	/* the new map took the old one's pin */
	EXPECT_EQ(sizeof(struct media_session), pinned_value_size(dir));

	/* and the next siphond adopts it as it is */
	ASSERT_EQ(0, media_store_open(
			     &st, dir, nrec, sizeof(struct media_session),
			     media_record_convert, &info, err, sizeof(err)));
	EXPECT_FALSE(info.relaid);
	EXPECT_EQ(2u, info.adopted);
	EXPECT_EQ(0u, info.converted);
	media_store_close(&st);
}

/* without a converter (or for a layout none knows) the calls are lost,
 * counted, and the store still opens */
TEST_F(pin, store_of_unknown_records_is_replaced)
{
	struct media_store_open_info info;
	struct media_store st;
	const char *dir = self->dir;
	char err[256];
	ASSERT_EQ(0, media_store_open(&st, dir, 4, 2176, NULL, &info, err,
				      sizeof(err)));
	((uint32_t *)media_store_rec(&st, 0))[0] = 1;
	((uint32_t *)media_store_rec(&st, 0))[1] = 0x53434c34u;
	media_store_close(&st);
	ASSERT_EQ(0, media_store_open(&st, dir, 4, sizeof(struct media_session),
				      media_record_convert, &info, err,
				      sizeof(err)));
	EXPECT_TRUE(info.relaid);
	EXPECT_EQ(0u, info.adopted);
	EXPECT_EQ(1u, info.lost);
	EXPECT_EQ(0u, *(uint32_t *)media_store_rec(&st, 0));
	media_store_close(&st);
}

TEST_HARNESS_MAIN
