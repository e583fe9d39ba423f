// SPDX-License-Identifier: GPL-2.0-only
/*
 * /metrics over HTTP with libmicrohttpd, on siphond's one event loop. See
 * metrics.h.
 *
 * MHD runs without a thread of its own ("external polling" with epoll):
 * its listener and connections sit in an epoll set of MHD's, and that one
 * fd sits in siphond's epoll set. When it is readable, or when the time
 * MHD_get_timeout() asked for has come (a connection timing out, or data
 * MHD already holds), MHD_run() does what is due without blocking, and
 * calls on_request() for each request, which builds the page there and
 * then. A scrape takes a few map reads; nothing waits on a client.
 *
 * Bounds: [metrics] max_connections at once (MHD then takes its listener
 * out of its epoll set, and the next clients wait in the kernel's
 * backlog), [metrics] timeout_s of silence per connection, MHD's memory
 * pool per connection for the request; the page itself is one buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "log.h"
#include "metrics.h"
#include "siphond.h"

#define METRICS_PATH "/metrics"
#define METRICS_BACKLOG 64
/* what Prometheus asks for by default: the text format, version 0.0.4 */
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct metrics {
	struct ev_handler h; /* MHD's epoll fd */
	struct siphond *d;
	struct MHD_Daemon *mhd;
	struct tw_timer timer; /* when MHD_get_timeout() wants MHD_run() */
	uint64_t start_s;
	bool run_again; /* a connection closed: see rearm() */
	char addr[SD_ADDRSTRLEN];
	struct metrics_stats stats;
};

const struct metrics_stats *metrics_stats(const struct metrics *m)
{
	return &m->stats;
}

/* MHD's own messages (a failed accept, a broken request) to our log */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	pr_warn("metrics: %s\n", msg);
}

static void on_connection(void *cls, struct MHD_Connection *conn,
			  void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct metrics *m = cls;

	(void)conn;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		m->stats.connections++;
	} else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		m->stats.connections--;
		m->run_again = true;
	}
}

/* a short fixed answer; allow: the Allow header of a 405, or NULL */
static enum MHD_Result reply_text(struct MHD_Connection *conn,
				  unsigned int status, const char *text,
				  const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	r = MHD_create_response_from_buffer(strlen(text), (void *)text,
					    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; charset=utf-8");
	if (allow)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_metrics(struct metrics *m,
				     struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *text;

	text = metrics_scrape(m->d, m->start_s, &len);
	r = text ? MHD_create_response_from_buffer(len, text,
						   MHD_RESPMEM_MUST_FREE) :
		   NULL;
	if (!r) {
		free(text);
		m->stats.failed++;
		return reply_text(conn, MHD_HTTP_INTERNAL_SERVER_ERROR,
				  "out of memory\n", NULL);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, CONTENT_TYPE);
	ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	if (ret == MHD_YES)
		m->stats.scrapes++;
	return ret;
}

/*
 * Every request is answered at its first call, once its headers are in:
 * nothing here wants a body. A body that comes anyway (a POST) is
 * swallowed by the later calls; MHD sends the answer after it.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
				  const char *url, const char *method,
				  const char *version, const char *upload_data,
				  size_t *upload_data_size, void **req_cls)
{
	struct metrics *m = cls;

	(void)version;
	(void)upload_data;
	if (*req_cls) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	*req_cls = m;
	m->stats.requests++;
	/* MHD gives the path without its query: /metrics?x is /metrics */
	if (strcmp(url, METRICS_PATH)) {
		m->stats.not_found++;
		return reply_text(conn, MHD_HTTP_NOT_FOUND,
				  "not found: siphond serves " METRICS_PATH
				  " only\n",
				  NULL);
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD)) {
		m->stats.bad_method++;
		return reply_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
				  "method not allowed: GET or HEAD\n",
				  "GET, HEAD");
	}
	return reply_metrics(m, conn);
}

/*
 * After every MHD_run(): when must it run again, even with nothing to
 * read? MHD says so; MHD_NO means only when its epoll fd wakes us.
 *
 * Except after a connection closed: at its connection limit MHD takes
 * its listener out of its epoll set, and puts it back only at the start
 * of an MHD_run(), which nothing would call once the last connection is
 * gone: the clients waiting in the backlog would wait for ever. So a
 * close is followed by one more MHD_run() at the next turn of the loop.
 */
static void rearm(struct metrics *m)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (m->run_again) {
		m->run_again = false;
		evloop_arm(&m->d->loop, &m->timer, 0);
	} else if (MHD_get_timeout(m->mhd, &ms) == MHD_YES)
		evloop_arm(&m->d->loop, &m->timer, ms);
	else
		evloop_cancel(&m->d->loop, &m->timer);
}

static void on_ready(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct metrics *m = (struct metrics *)h;

	(void)l;
	(void)events;
	MHD_run(m->mhd);
	rearm(m);
}

static void on_timer(struct tw_timer *t)
{
	struct metrics *m =
		(struct metrics *)((char *)t - offsetof(struct metrics, timer));

	MHD_run(m->mhd);
	rearm(m);
}

static int start_mhd(struct metrics *m, int fd)
{
	const struct sd_config *c = &m->d->cfg;
	const union MHD_DaemonInfo *info;

	/* the logger first: MHD logs the options that follow with it */
	m->mhd = MHD_start_daemon(
		MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, m,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, m,
		MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)c->metrics_max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)c->metrics_timeout_s,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, m, MHD_OPTION_END);
	if (!m->mhd)
		return -EIO;
	info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!info)
		return -EIO;
	m->h.fd = info->epoll_fd;
	m->h.fn = on_ready;
	return evloop_add(&m->d->loop, &m->h, EPOLLIN);
}

int metrics_open(struct siphond *d, struct metrics **out, char *err,
		 size_t errlen)
{
	const struct sd_config *c = &d->cfg;
	struct metrics *m;
	int fd, ret;

	*out = NULL;
	if (!c->metrics_on)
		return 0;
	m = calloc(1, sizeof(*m));
	if (!m) {
		snprintf(err, errlen, "metrics: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	m->d = d;
	m->h.fd = -1;
	m->start_s = (uint64_t)time(NULL);
	tw_timer_init(&m->timer, on_timer);
	sd_sockaddr_str(&c->metrics_listen, m->addr, sizeof(m->addr));
	/* the listener is ours, not MHD's: a bind failure says exactly why
	 * (MHD only logs it), and IPv6 means IPv6 only */
	fd = sd_listen_stream(&c->metrics_listen, METRICS_BACKLOG);
	if (fd < 0) {
		ret = fd;
		snprintf(err, errlen, "[metrics] listen %s: %s", m->addr,
			 strerror(-ret));
		goto fail;
	}
	ret = start_mhd(m, fd);
	if (ret) {
		/*
		 * When MHD_start_daemon() fails, some of its paths close the
		 * listener and some do not: leave it, siphond is stopping.
		 */
		snprintf(err, errlen,
			 "[metrics] listen %s: libmicrohttpd would not start",
			 m->addr);
		goto fail;
	}
	pr_info("metrics: http://%s" METRICS_PATH "\n", m->addr);
	rearm(m);
	*out = m;
	return 0;
fail:
	if (m->mhd)
		MHD_stop_daemon(m->mhd);
	free(m);
	return ret;
}

void metrics_close(struct metrics *m)
{
	if (!m)
		return;
	evloop_cancel(&m->d->loop, &m->timer);
	if (m->h.fd >= 0)
		evloop_del(&m->d->loop, &m->h);
	/* closes the listener, every connection and the epoll fd */
	MHD_stop_daemon(m->mhd);
	free(m);
}
