// SPDX-License-Identifier: GPL-2.0-only
/* calls show and calls hangup on the control socket; see dialog_control.h */
#include "dialog_control.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "media_internal.h"
#include "proxy.h"
#include "siphond.h"

static const char *const state_names[] = {
	[DIALOG_NONE] = "early",
	[DIALOG_CONFIRMED] = "confirmed",
	[DIALOG_UNUSABLE] = "unusable",
};

/* the call req's "id" names, or NULL with why in err */
static struct media_session *call_of(struct siphond *d, json_t *req, int *ret,
				     char *err, size_t errlen)
{
	json_t *id = json_object_get(req, "id");
	struct media_session *ms;

	*ret = -EINVAL;
	if (!json_is_string(id) || !json_string_length(id)) {
		snprintf(err, errlen,
			 "id: a Call-ID (siphonctl calls lists them)");
		return NULL;
	}
	if (!d->media) {
		*ret = -ENOENT;
		snprintf(err, errlen,
			 "media is not anchored here ([media] anchor = no): "
			 "siphond keeps no calls");
		return NULL;
	}
	ms = media_session_by_call_id(d->media,
				      sip_str_of(json_string_value(id),
						 json_string_length(id)));
	if (!ms) {
		*ret = -ESRCH;
		snprintf(err, errlen, "no call with Call-ID '%s'",
			 json_string_value(id));
	}
	return ms;
}

/* the To tag in the callee's party, "" while not known */
static json_t *callee_tag_json(const struct dialog_party *p)
{
	struct sip_error e;
	struct sip_addr a;

	if (!p->party_len ||
	    sip_to_parse(sip_str_of(p->party, p->party_len), &a, &e))
		return json_null();
	return json_stringn(a.tag.p, a.tag.len);
}

static json_t *party_json(struct siphond *d, const struct dialog_party *p)
{
	char src[SD_ADDRSTRLEN];

	sd_sockaddr_str(&p->source, src, sizeof(src));
	(void)d;
	return json_pack("{s:s%, s:s%, s:s%, s:s, s:s, s:b, s:I}", "party",
			 p->party, (size_t)p->party_len, "target", p->target,
			 (size_t)p->target_len, "route", p->route,
			 (size_t)p->route_len, "transport",
			 sd_proto_name((enum sd_proto)p->proto), "source", src,
			 "via_source", p->via_source, "cseq",
			 (json_int_t)p->cseq);
}

static json_t *dialog_json(struct siphond *d, const struct media_dialog *dg)
{
	if (dg->state != DIALOG_CONFIRMED)
		return json_pack("{s:s}", "state", state_names[dg->state]);
	return json_pack("{s:s, s:o, s:o, s:o}", "state",
			 state_names[dg->state], "callee_tag",
			 callee_tag_json(&dg->p[DIALOG_CALLEE]), "caller",
			 party_json(d, &dg->p[DIALOG_CALLER]), "callee",
			 party_json(d, &dg->p[DIALOG_CALLEE]));
}

static json_t *timers_json(struct siphond *d, const struct media_session *ms)
{
	uint64_t now = d->loop.now;
	json_t *left = json_null();

	if (ms->expires_at_ms)
		left = json_integer(
			ms->expires_at_ms > now ?
				(json_int_t)((ms->expires_at_ms - now) / 1000) :
				0);
	return json_pack("{s:o, s:I, s:b}", "session_expires_in_s", left,
			 "media_timeout_s", (json_int_t)d->cfg.media_timeout_s,
			 "bye_on_expiry", d->cfg.media_bye_on_expiry);
}

struct show_ctx {
	const struct media_session *ms;
	json_t *streams;
	uint64_t now_ns;
};

/* the streams of the one call, as "calls" shows them */
static int streams_of(void *arg, const struct media_call_view *c)
{
	struct show_ctx *x = arg;
	unsigned int i;

	if (!sip_str_eq(c->call_id,
			sip_str_of(x->ms->call_id, x->ms->call_id_len)) ||
	    !sip_str_eq(c->tag, sip_str_of(x->ms->tag, x->ms->tag_len)))
		return 0;
	for (i = 0; i < c->nstreams; i++)
		if (json_array_append_new(
			    x->streams,
			    control_stream_json(c->relay, &c->s[i], x->now_ns)))
			return -ENOMEM;
	return 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int set(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

int dialog_cmd_show(struct siphond *d, json_t *req, json_t *ans, char *err,
		    size_t errlen)
{
	struct show_ctx x = { .streams = json_array(), .now_ns = mono_ns() };
	int ret, bad = 0;

	x.ms = call_of(d, req, &ret, err, errlen);
	if (!x.ms) {
		json_decref(x.streams);
		return ret;
	}
	if (!x.streams || media_walk(d->media, streams_of, &x) < 0) {
		json_decref(x.streams);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	bad |= set(ans, "call_id",
		   json_stringn(x.ms->call_id, x.ms->call_id_len));
	bad |= set(ans, "from_tag", json_stringn(x.ms->tag, x.ms->tag_len));
	bad |= set(ans, "state",
		   json_string(x.ms->answered_ms ? "answered" :
			       x.ms->late_offer	 ? "waiting for the offer" :
						   "offered"));
	bad |= set(ans, "answered_s_ago",
		   x.ms->answered_ms ?
			   json_integer((json_int_t)((d->loop.now -
						      x.ms->answered_ms) /
						     1000)) :
			   json_null());
	bad |= set(ans, "dialog", dialog_json(d, &x.ms->dialog));
	bad |= set(ans, "timers", timers_json(d, x.ms));
	bad |= set(ans, "streams", x.streams);
	if (bad) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int dialog_cmd_hangup(struct siphond *d, json_t *req, json_t *ans, char *err,
		      size_t errlen)
{
	struct media_session *ms;
	bool with_bye;
	int ret, sent;

	ms = call_of(d, req, &ret, err, errlen);
	if (!ms)
		return ret;
	if (!ms->answered_ms) {
		snprintf(err, errlen,
			 "call '%.*s' is not answered yet: nothing to hang up",
			 (int)ms->call_id_len, ms->call_id);
		return -EBUSY;
	}
	with_bye = ms->dialog.state == DIALOG_CONFIRMED;
	if (set(ans, "call_id", json_stringn(ms->call_id, ms->call_id_len))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	sent = dialog_hangup(d, ms, DIALOG_END_OPERATOR);
	/* the call is gone now: an answer that fails to build says so */
	if (set(ans, "byes_sent", json_integer(sent)) ||
	    set(ans, "dialog_known", json_boolean(with_bye)) ||
	    set(ans, "flows_removed", json_true()))
		pr_warn("call-hangup: the answer could not be built\n");
	return 0;
}
