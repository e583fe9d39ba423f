// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket's commands: one request object in, one answer
 * object out, built with jansson. A command is one row of the table at
 * the end (its name, the arguments it takes) and one function that fills
 * the answer; the dispatcher checks the request's shape and the
 * arguments' names first, so a function only checks their values.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "control_proto.h"
#include "dialog_control.h"
#include "endpoint.h"
#include "log.h"
#include "media.h"
#include "netlink_report.h"
#include "siphond.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Fill ans (an object with "ok": true already) from req. 0, or -EINVAL for a
 * bad argument value and any other -errno for a failure, err saying why.
 */
typedef int (*control_fn)(struct siphond *d, json_t *req, json_t *ans,
			  char *err, size_t errlen);

struct control_cmd {
	const char *name;
	control_fn run;
	const char *const *args; /* the keys it takes besides "cmd"; NULL: none */
};

json_t *control_error(const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", msg, "code",
			 code);
}

/* what config.c reads, and "err" as well: what a C programmer types */
static const char *const level_names[] = {
	[LOG_LEVEL_ERR] = "error",
	[LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info",
	[LOG_LEVEL_DEBUG] = "debug",
};

static int level_of(const char *name)
{
	size_t i;

	if (!strcmp(name, "err"))
		return LOG_LEVEL_ERR;
	for (i = 0; i < ARRAY_SIZE(level_names); i++)
		if (!strcmp(name, level_names[i]))
			return (int)i;
	return -1;
}

/* json_object_set_new() that the caller checks once, at the end */
static int set(json_t *obj, const char *key, json_t *value)
{
	return value ? json_object_set_new(obj, key, value) : -1;
}

static json_t *listeners_json(const struct sd_config *cfg)
{
	json_t *arr = json_array();
	char addr[SD_ADDRSTRLEN];
	unsigned int i;

	for (i = 0; arr && i < cfg->nlisten; i++) {
		sd_sockaddr_str(&cfg->listen[i].addr, addr, sizeof(addr));
		if (json_array_append_new(
			    arr, json_pack("{s:s, s:s}", "transport",
					   sd_proto_name(cfg->listen[i].proto),
					   "address", addr))) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

static int cmd_status(struct siphond *d, json_t *req, json_t *ans, char *err,
		      size_t errlen)
{
	const struct location_stats *loc = location_stats(d->loc);
	uint64_t started = d->ctl ? control_started_ms(d->ctl) : d->loop.now;
	int bad = 0;

	(void)req;
	bad |= set(ans, "pid", json_integer(getpid()));
	bad |= set(ans, "uptime_s",
		   json_integer((json_int_t)((d->loop.now - started) / 1000)));
	bad |= set(ans, "config", json_string(d->config_path));
	bad |= set(ans, "log_level",
		   json_string(level_names[d->cfg.log_level]));
	bad |= set(ans, "listeners", listeners_json(&d->cfg));
	bad |= set(ans, "registrations",
		   json_pack("{s:I, s:I}", "aors", (json_int_t)loc->aors,
			     "bindings", (json_int_t)loc->bindings));
	bad |= set(ans, "transactions",
		   json_pack("{s:I}", "active",
			     (json_int_t)txn_stats(d->txns)->active));
	if (d->media) {
		const struct media_stats *ms = media_stats(d->media);

		bad |= set(ans, "media",
			   json_pack("{s:I, s:I}", "sessions",
				     (json_int_t)ms->sessions, "ports_in_use",
				     (json_int_t)ms->ports_in_use));
		bad |= set(json_object_get(ans, "media"), "relay",
			   json_pack("{s:s, s:b}", "address",
				     media_relay_text(d->media), "available",
				     media_relay_available(d->media)));
	}
	if (d->nl)
		bad |= set(ans, "interfaces", netlink_interfaces_json(d->nl));
	if (d->ctl)
		bad |= set(
			ans, "control",
			json_pack("{s:I}", "clients",
				  (json_int_t)control_stats(d->ctl)->clients));
	if (bad) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

struct stats_fill {
	json_t *groups;
	int bad;
};

static void stats_add(void *arg, const char *group, const char *name,
		      uint64_t value)
{
	struct stats_fill *f = arg;
	json_t *g = json_object_get(f->groups, group);

	if (!g) {
		g = json_object();
		if (set(f->groups, group, g)) {
			f->bad = 1;
			return;
		}
	}
	f->bad |= set(g, name, json_integer((json_int_t)value));
}

static int cmd_stats(struct siphond *d, json_t *req, json_t *ans, char *err,
		     size_t errlen)
{
	struct stats_fill f = { .groups = json_object() };

	(void)req;
	if (!f.groups || set(ans, "groups", f.groups))
		goto oom;
	sd_stats_visit(d, stats_add, &f);
	if (!f.bad)
		return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

struct binding_list {
	const struct binding **b;
	size_t n, cap;
};

static int binding_note(void *arg, const struct binding *b)
{
	struct binding_list *l = arg;

	/* the count includes bindings past their time: never short */
	if (l->n == l->cap)
		return -ENOSPC;
	l->b[l->n++] = b;
	return 0;
}

/* by AOR, then contact: the same table twice reads the same */
static int binding_cmp(const void *a, const void *b)
{
	const struct binding *x = *(const struct binding *const *)a;
	const struct binding *y = *(const struct binding *const *)b;
	int c = strcmp(x->aor, y->aor);

	return c ? c : strcmp(x->contact, y->contact);
}

static json_t *binding_json(const struct binding *b, uint64_t now)
{
	char src[SD_ADDRSTRLEN];

	sd_sockaddr_str(&b->source.addr, src, sizeof(src));
	return json_pack("{s:s, s:s, s:I, s:f, s:s, s:s, s:s, s:I}", "aor",
			 b->aor, "contact", b->contact, "expires_in_s",
			 (json_int_t)((b->expires_ms - now + 999) / 1000), "q",
			 b->q / 1000.0, "transport",
			 sd_proto_name(b->source.proto), "source", src,
			 "call_id", b->call_id, "cseq", (json_int_t)b->cseq);
}

static int cmd_registrations(struct siphond *d, json_t *req, json_t *ans,
			     char *err, size_t errlen)
{
	struct binding_list l = { .cap = location_stats(d->loc)->bindings };
	json_t *arr = json_array();
	int ret = -ENOMEM;
	size_t i;

	(void)req;
	l.b = calloc(l.cap ? l.cap : 1, sizeof(*l.b));
	if (!l.b || !arr)
		goto out;
	ret = location_walk(d->loc, d->loop.now, binding_note, &l);
	if (ret)
		goto out;
	qsort(l.b, l.n, sizeof(*l.b), binding_cmp);
	ret = -ENOMEM;
	for (i = 0; i < l.n; i++)
		if (json_array_append_new(arr,
					  binding_json(l.b[i], d->loop.now)))
			goto out;
	if (set(ans, "count", json_integer((json_int_t)l.n)))
		goto out;
	ret = set(ans, "registrations", arr) ? -ENOMEM : 0;
	arr = NULL;
out:
	json_decref(arr);
	free(l.b);
	if (ret)
		snprintf(err, errlen, "registrations: %s", strerror(-ret));
	return ret;
}

static int cmd_reload(struct siphond *d, json_t *req, json_t *ans, char *err,
		      size_t errlen)
{
	int ret;

	(void)req;
	ret = sd_reload(d, err, errlen);
	if (ret)
		return ret;
	return set(ans, "routes", json_integer(d->cfg.nroutes)) ||
			       set(ans, "trusted",
				   json_integer(d->cfg.ntrusted)) ?
		       -ENOMEM :
		       0;
}

/* {"level": NAME} sets it; without, the answer only says what it is */
static int cmd_log_level(struct siphond *d, json_t *req, json_t *ans, char *err,
			 size_t errlen)
{
	json_t *want = json_object_get(req, "level");
	enum log_level old = d->cfg.log_level;
	int level;

	if (want) {
		level = json_is_string(want) ?
				level_of(json_string_value(want)) :
				-1;
		if (level < 0) {
			snprintf(err, errlen,
				 "level must be error, warn, info or debug");
			return -EINVAL;
		}
		d->cfg.log_level = (enum log_level)level;
		log_set_level(d->cfg.log_level);
		/* at warn, so the change shows whatever the new level */
		pr_warn("log level %s (was %s), from the control socket\n",
			level_names[level], level_names[old]);
	}
	if (set(ans, "level", json_string(level_names[d->cfg.log_level])) ||
	    (want && set(ans, "previous", json_string(level_names[old])))) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

static json_t *sip_str_json(struct sip_str s)
{
	return json_stringn(s.p, s.len);
}

/* "relay:port", or null when the port is not allocated yet */
static json_t *relay_json(const char *relay, uint16_t port)
{
	char text[ENDPOINT_STRLEN + 8];

	if (!port)
		return json_null();
	snprintf(text, sizeof(text), strchr(relay, ':') ? "[%s]:%u" : "%s:%u",
		 relay, port);
	return json_string(text);
}

static json_t *end_json(const struct endpoint *ep)
{
	char text[ENDPOINT_STRLEN];

	return ep->family ? json_string(endpoint_str(ep, text, sizeof(text))) :
			    json_null();
}

/*
 * RTP loss and jitter XDP measured one way: null until an RTP packet was
 * measured (see Documentation/flows.md, RTP quality)
 */
static json_t *quality_json(const struct flow_rtp_stats *q, json_t *obj)
{
	if (!obj)
		return NULL;
	if (!q->measured) {
		json_object_set_new(obj, "lost", json_null());
		json_object_set_new(obj, "loss_percent", json_null());
		json_object_set_new(obj, "jitter_ms", json_null());
		return obj;
	}
	json_object_set_new(obj, "lost", json_integer((json_int_t)q->lost));
	json_object_set_new(obj, "expected",
			    json_integer((json_int_t)q->expected));
	json_object_set_new(obj, "loss_percent", json_real(q->loss_pct));
	json_object_set_new(obj, "jitter_ms", json_real(q->jitter_ms));
	return obj;
}

/* one direction's RTP as XDP counted it; null while it has no flow */
static json_t *rtp_json(const struct media_flow_view *f, uint64_t now_ns)
{
	json_t *idle = json_null();

	if (!f->present)
		return idle;
	if (f->last_seen_ns && now_ns > f->last_seen_ns)
		idle = json_integer(
			(json_int_t)((now_ns - f->last_seen_ns) / 1000000));
	return quality_json(&f->quality,
			    json_pack("{s:I, s:I, s:o, s:b}", "packets",
				      (json_int_t)f->packets, "bytes",
				      (json_int_t)f->bytes, "idle_ms", idle,
				      "latched", f->latched));
}

json_t *control_stream_json(const char *relay,
			    const struct media_stream_view *s, uint64_t now_ns)
{
	return json_pack("{s:b, s:b, s:o, s:o, s:o, s:o, s:o, s:o}", "answered",
			 s->answered, "rtcp_mux", s->rtcp_mux, "caller",
			 end_json(&s->caller_rtp), "caller_sends_to",
			 relay_json(relay, s->caller_side), "callee",
			 end_json(&s->callee_rtp), "callee_sends_to",
			 relay_json(relay, s->callee_side), "from_caller",
			 rtp_json(&s->rtp[0], now_ns), "from_callee",
			 rtp_json(&s->rtp[1], now_ns));
}

struct calls_ctx {
	json_t *arr;
	uint64_t now; /* the loop's clock, ms */
	uint64_t now_ns; /* CLOCK_MONOTONIC, as the flows' last-seen */
};

static int call_note(void *arg, const struct media_call_view *c)
{
	struct calls_ctx *x = arg;
	json_t *streams = json_array(), *call;
	unsigned int i;

	for (i = 0; streams && i < c->nstreams; i++)
		if (json_array_append_new(
			    streams,
			    control_stream_json(c->relay, &c->s[i], x->now_ns)))
			goto oom;
	call = json_pack(
		"{s:o, s:o, s:s, s:o, s:o}", "call_id",
		sip_str_json(c->call_id), "from_tag", sip_str_json(c->tag),
		"state",
		c->answered_ms ? "answered" :
		c->late_offer  ? "waiting for the offer" :
				 "offered",
		"answered_s_ago",
		c->answered_ms ?
			json_integer((json_int_t)((x->now - c->answered_ms) /
						  1000)) :
			json_null(),
		"streams", streams);
	streams = NULL;
	if (!call || json_array_append_new(x->arr, call))
		goto oom;
	return 0;
oom:
	json_decref(streams);
	return -ENOMEM;
}

static int cmd_calls(struct siphond *d, json_t *req, json_t *ans, char *err,
		     size_t errlen)
{
	struct calls_ctx x = { .arr = json_array(), .now = d->loop.now };
	struct timespec ts;
	int ret = -ENOMEM;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	x.now_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	(void)req;
	if (!d->media) {
		json_decref(x.arr);
		snprintf(err, errlen,
			 "media is not anchored here ([media] anchor = no): "
			 "siphond keeps no calls");
		return -ENOENT;
	}
	if (x.arr && !media_walk(d->media, call_note, &x) &&
	    !set(ans, "count",
		 json_integer((json_int_t)json_array_size(x.arr))))
		ret = set(ans, "calls", json_incref(x.arr)) ? -ENOMEM : 0;
	json_decref(x.arr);
	if (ret)
		snprintf(err, errlen, "calls: %s", strerror(-ret));
	return ret;
}

static const char *const log_level_args[] = { "level", NULL };
static const char *const call_args[] = { "id", NULL };

static const struct control_cmd commands[] = {
	{ "status", cmd_status, NULL },
	{ "stats", cmd_stats, NULL },
	{ "registrations", cmd_registrations, NULL },
	{ "calls", cmd_calls, NULL },
	{ "call-show", dialog_cmd_show, call_args }, /* dialog_control.c */
	{ "call-hangup", dialog_cmd_hangup, call_args },
	{ "reload", cmd_reload, NULL },
	{ "log-level", cmd_log_level, log_level_args },
};

static const struct control_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* the first key of req that cmd does not take, or NULL */
static const char *unknown_arg(const struct control_cmd *cmd, json_t *req)
{
	const char *key, *const *a;
	json_t *value;

	json_object_foreach(req, key, value)
	{
		if (!strcmp(key, "cmd"))
			continue;
		for (a = cmd->args; a && *a; a++)
			if (!strcmp(*a, key))
				break;
		if (!a || !*a)
			return key;
	}
	return NULL;
}

static json_t *run(struct siphond *d, const struct control_cmd *cmd,
		   json_t *req, struct control_stats *st)
{
	json_t *ans = json_object();
	const char *bad;
	char err[512] = "";
	int ret;

	st->commands++;
	bad = unknown_arg(cmd, req);
	if (bad) {
		json_decref(ans);
		st->command_errors++;
		return control_error(CONTROL_ERR_BAD_ARGUMENT,
				     "%s takes no argument '%s'", cmd->name,
				     bad);
	}
	/* "ok" first: a human reading the socket sees it first */
	ret = ans && !json_object_set_new(ans, "ok", json_true()) ?
		      cmd->run(d, req, ans, err, sizeof(err)) :
		      -ENOMEM;
	if (ret) {
		json_decref(ans);
		st->command_errors++;
		return control_error(ret == -EINVAL ? CONTROL_ERR_BAD_ARGUMENT :
				     ret == -ESRCH  ? CONTROL_ERR_NOT_FOUND :
						      CONTROL_ERR_FAILED,
				     "%s", err[0] ? err : strerror(-ret));
	}
	return ans;
}

json_t *control_dispatch(struct siphond *d, const char *line, size_t len,
			 struct control_stats *st)
{
	const struct control_cmd *cmd;
	json_error_t jerr;
	json_t *req, *name, *ans;

	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		st->bad_requests++;
		return control_error(CONTROL_ERR_BAD_REQUEST,
				     "not JSON: %s (column %d)", jerr.text,
				     jerr.column);
	}
	name = json_object_get(req, "cmd");
	if (!json_is_object(req) || !json_is_string(name)) {
		json_decref(req);
		st->bad_requests++;
		return control_error(CONTROL_ERR_BAD_REQUEST,
				     "a request is an object with a \"cmd\" "
				     "string");
	}
	cmd = find_cmd(json_string_value(name));
	if (cmd) {
		ans = run(d, cmd, req, st);
	} else {
		st->unknown_commands++;
		ans = control_error(CONTROL_ERR_UNKNOWN_COMMAND,
				    "unknown command '%s'",
				    json_string_value(name));
	}
	json_decref(req);
	return ans;
}
