// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TCP transport: listeners, outgoing connections, Content-Length
 * framing through sip_msg_frame(), RFC 5626 keep-alives, an idle timeout
 * and a connection table bounded by max_conns. See transport.h.
 *
 * Connection slots are allocated once, in tcp_new(), and never move: the
 * loop holds pointers to their struct ev_handler. A closed slot is not
 * reused in the wake-up that closed it, because events for its old socket
 * may still be waiting in the loop's batch; closed slots wait on a pending
 * list that a zero-delay timer (run after every handler of the wake-up)
 * moves to the free list, freeing their buffers then. That also keeps the
 * input buffer valid while a deliver callback that closed its own
 * connection is still running.
 */
#include "hash.h"
#include "transport.h"

#include <errno.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "log_ratelimit.h"
#include "sip/sip_limits.h"
#include "sip/sip_msg.h"

#define TCP_LISTENERS_MAX 16
/* handles keep the slot in 16 bits */
#define TCP_CONNS_MAX 65535
/* a whole message and the start of the next */
#define TCP_IN_MAX (SIP_MSG_MAX + 4096)
#define TCP_IN_FIRST 4096
#define TCP_OUT_MAX (256 * 1024)
#define TCP_OUT_FIRST 4096
/* reads per readiness event: the loop is level-triggered, others get a turn */
#define TCP_READS_PER_EVENT 8
#define TCP_NO_SLOT UINT32_MAX

struct tcp_listener {
	struct ev_handler h; /* fd -1: unused */
	struct tcp_transport *t;
	uint16_t index;
	union sd_sockaddr local;
};

struct tcp_conn {
	struct ev_handler h; /* fd -1: closed */
	struct tcp_transport *t;
	struct tw_timer idle;
	union sd_sockaddr remote;
	uint64_t last_active; /* ms, loop clock */
	uint16_t gen;
	uint16_t listener;
	bool connecting; /* non-blocking connect not confirmed yet */
	bool want_out; /* EPOLLOUT registered */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_off, out_len, out_cap; /* queued: out[out_off, +out_len) */
	uint32_t next; /* free or pending list: slot index, TCP_NO_SLOT ends */
	uint32_t hash_next; /* address chain: slot index, TCP_NO_SLOT ends */
};

struct tcp_transport {
	struct evloop *l;
	sd_deliver_fn deliver;
	void *arg;
	uint32_t max_conns, idle_ms;
	struct tcp_stats stats;
	struct tcp_listener listeners[TCP_LISTENERS_MAX];
	struct tcp_conn *conns;
	uint32_t free_head, pending_head;
	struct tw_timer reaper; /* releases the pending slots */
	uint32_t *buckets; /* slot index chains by remote address */
	uint32_t bucket_mask;
};

static void conn_close(struct tcp_conn *c, uint64_t *counter);

static uint32_t conn_slot(const struct tcp_conn *c)
{
	return (uint32_t)(c - c->t->conns);
}

static uint32_t conn_handle(const struct tcp_conn *c)
{
	return ((uint32_t)c->gen << 16) | (conn_slot(c) + 1);
}

static bool conn_open(const struct tcp_conn *c)
{
	return c->h.fd >= 0;
}

/* FNV-1a over the address and port: cheap and spreads nearby addresses */
static uint32_t addr_hash(const union sd_sockaddr *a)
{
	const uint8_t *p;
	size_t n, i;
	uint32_t h = 2166136261u;
	uint16_t port = sd_sockaddr_port(a);

	if (a->sa.sa_family == AF_INET6) {
		p = a->in6.sin6_addr.s6_addr;
		n = sizeof(a->in6.sin6_addr);
	} else {
		p = (const uint8_t *)&a->in.sin_addr;
		n = sizeof(a->in.sin_addr);
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	h = (h ^ (port & 0xff)) * 16777619u;
	h = (h ^ (port >> 8)) * 16777619u;
	return h;
}

static uint32_t *bucket_of(struct tcp_transport *t, const union sd_sockaddr *a)
{
	return &t->buckets[addr_hash(a) & t->bucket_mask];
}

static void hash_insert(struct tcp_conn *c)
{
	uint32_t *b = bucket_of(c->t, &c->remote);

	c->hash_next = *b;
	*b = conn_slot(c);
}

static void hash_remove(struct tcp_conn *c)
{
	struct tcp_transport *t = c->t;
	uint32_t *link = bucket_of(t, &c->remote);

	while (*link != TCP_NO_SLOT) {
		if (*link == conn_slot(c)) {
			*link = c->hash_next;
			break;
		}
		link = &t->conns[*link].hash_next;
	}
	c->hash_next = TCP_NO_SLOT;
}

static struct tcp_conn *conn_by_addr(struct tcp_transport *t,
				     const union sd_sockaddr *a)
{
	uint32_t i;

	for (i = *bucket_of(t, a); i != TCP_NO_SLOT; i = t->conns[i].hash_next)
		if (sd_sockaddr_eq(&t->conns[i].remote, a))
			return &t->conns[i];
	return NULL;
}

static struct tcp_conn *conn_by_handle(struct tcp_transport *t, uint32_t handle)
{
	uint32_t slot = (handle & 0xffff) - 1;
	struct tcp_conn *c;

	if ((handle & 0xffff) == 0 || slot >= t->max_conns)
		return NULL;
	c = &t->conns[slot];
	if (!conn_open(c) || c->gen != handle >> 16)
		return NULL;
	return c;
}

static struct tcp_conn *slot_take(struct tcp_transport *t)
{
	struct tcp_conn *c;

	if (t->free_head == TCP_NO_SLOT)
		return NULL;
	c = &t->conns[t->free_head];
	t->free_head = c->next;
	c->next = TCP_NO_SLOT;
	return c;
}

static void slot_put_free(struct tcp_conn *c)
{
	c->next = c->t->free_head;
	c->t->free_head = conn_slot(c);
}

/* the buffers go when the slot is reused-safe, not when it closes */
static void slot_release(struct tcp_conn *c)
{
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->in_len = c->in_cap = 0;
	c->out_off = c->out_len = c->out_cap = 0;
	slot_put_free(c);
}

static void reap_pending(struct tcp_transport *t)
{
	struct tcp_conn *c;

	while (t->pending_head != TCP_NO_SLOT) {
		c = &t->conns[t->pending_head];
		t->pending_head = c->next;
		slot_release(c);
	}
}

static void on_reaper(struct tw_timer *tm)
{
	reap_pending(container_of(tm, struct tcp_transport, reaper));
}

static void conn_close(struct tcp_conn *c, uint64_t *counter)
{
	struct tcp_transport *t = c->t;

	if (!conn_open(c))
		return;
	evloop_del(t->l, &c->h);
	close(c->h.fd);
	c->h.fd = -1;
	c->gen++;
	hash_remove(c);
	evloop_cancel(t->l, &c->idle);
	t->stats.open--;
	if (counter)
		(*counter)++;
	c->next = t->pending_head;
	t->pending_head = conn_slot(c);
	if (!tw_armed(&t->reaper))
		evloop_arm(t->l, &t->reaper, 0);
}

static void conn_touch(struct tcp_conn *c)
{
	c->last_active = c->t->l->now;
}

/* re-armed lazily: activity only moves last_active */
static void on_idle(struct tw_timer *tm)
{
	struct tcp_conn *c = container_of(tm, struct tcp_conn, idle);
	struct tcp_transport *t = c->t;
	uint64_t idle_for = 0;

	if (!conn_open(c))
		return;
	if (t->l->now > c->last_active)
		idle_for = t->l->now - c->last_active;
	if (idle_for >= t->idle_ms) {
		conn_close(c, &t->stats.closed_idle);
		return;
	}
	evloop_arm(t->l, &c->idle, t->idle_ms - idle_for);
}

static int conn_watch_out(struct tcp_conn *c, bool on)
{
	uint32_t events = EPOLLIN | (on ? EPOLLOUT : 0);
	int err;

	if (c->want_out == on)
		return 0;
	err = evloop_mod(c->t->l, &c->h, events);
	if (!err)
		c->want_out = on;
	return err;
}

/* make room for need more queued bytes; false past TCP_OUT_MAX */
static bool out_reserve(struct tcp_conn *c, size_t need)
{
	size_t cap = c->out_cap ? c->out_cap : TCP_OUT_FIRST;
	char *p;

	if (c->out_len + need > TCP_OUT_MAX)
		return false;
	if (c->out_off && c->out_off + c->out_len + need > c->out_cap) {
		memmove(c->out, c->out + c->out_off, c->out_len);
		c->out_off = 0;
	}
	if (c->out_off + c->out_len + need <= c->out_cap)
		return true;
	while (cap < c->out_len + need)
		cap *= 2;
	if (cap > TCP_OUT_MAX)
		cap = TCP_OUT_MAX;
	p = realloc(c->out, cap);
	if (!p)
		return false;
	c->out = p;
	c->out_cap = cap;
	return true;
}

static int conn_queue(struct tcp_conn *c, const char *buf, size_t len)
{
	struct tcp_transport *t = c->t;

	if (!out_reserve(c, len)) {
		pr_warn_ratelimited("tcp: output queue of %u full, closing\n",
				    conn_handle(c));
		conn_close(c, &t->stats.tx_queue_full);
		return -ENOBUFS;
	}
	memcpy(c->out + c->out_off + c->out_len, buf, len);
	c->out_len += len;
	if (conn_watch_out(c, true)) {
		conn_close(c, &t->stats.closed_error);
		return -EIO;
	}
	return 0;
}

/* bytes written, or -errno; 0 when the socket is full */
static ssize_t conn_write_some(struct tcp_conn *c, const char *buf, size_t len)
{
	ssize_t n;

	do
		n = send(c->h.fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return 0;
	return -errno;
}

/*
 * Write now when nothing waits ahead of it, queue the rest. On failure
 * the connection is closed; the caller counts the lost message.
 */
static int conn_write(struct tcp_conn *c, const char *buf, size_t len)
{
	struct tcp_transport *t = c->t;
	ssize_t n = 0;

	if (!c->connecting && c->out_len == 0) {
		n = conn_write_some(c, buf, len);
		if (n < 0) {
			conn_close(c, &t->stats.closed_error);
			return (int)n;
		}
		if ((size_t)n == len)
			return 0;
	}
	return conn_queue(c, buf + n, len - (size_t)n);
}

static void conn_flush(struct tcp_conn *c)
{
	struct tcp_transport *t = c->t;
	ssize_t n;

	while (c->out_len) {
		n = conn_write_some(c, c->out + c->out_off, c->out_len);
		if (n < 0) {
			t->stats.tx_errors++;
			conn_close(c, &t->stats.closed_error);
			return;
		}
		if (n == 0)
			return;
		c->out_off += (size_t)n;
		c->out_len -= (size_t)n;
	}
	c->out_off = 0;
	if (conn_watch_out(c, false))
		conn_close(c, &t->stats.closed_error);
}

/* EPOLLOUT on a connecting socket: SO_ERROR says how connect() ended */
static void conn_connect_done(struct tcp_conn *c)
{
	struct tcp_transport *t = c->t;
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(c->h.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err == EINPROGRESS || err == EALREADY)
		return;
	if (err) {
		char addr[SD_ADDRSTRLEN];

		pr_info_ratelimited("tcp: connect to %s: %s\n",
				    sd_sockaddr_str(&c->remote, addr,
						    sizeof(addr)),
				    strerror(err));
		conn_close(c, &t->stats.connect_failed);
		return;
	}
	c->connecting = false;
	t->stats.connected++;
}

static void conn_deliver(struct tcp_conn *c, char *msg, size_t len)
{
	struct tcp_transport *t = c->t;
	struct sd_peer from = {
		.addr = c->remote,
		.proto = SD_PROTO_TCP,
		.listener = c->listener,
		.conn = conn_handle(c),
	};

	t->stats.rx_messages++;
	t->deliver(t->arg, &from, msg, len);
}

/* one framed unit at c->in + off; returns its length, 0 for more, -1 */
static ssize_t conn_frame_one(struct tcp_conn *c, size_t off)
{
	struct tcp_transport *t = c->t;
	struct sip_error err = { 0 };
	size_t len = 0;

	switch (sip_msg_frame(c->in + off, c->in_len - off, &len, &err)) {
	case SIP_FRAME_MORE:
		return 0;
	case SIP_FRAME_MSG:
		conn_deliver(c, c->in + off, len);
		return (ssize_t)len;
	case SIP_FRAME_PING:
		t->stats.rx_pings++;
		conn_write(c, "\r\n", 2);
		return (ssize_t)len;
	case SIP_FRAME_PONG:
		return (ssize_t)len;
	default:
		pr_info_ratelimited("tcp: framing error on %u: %s\n",
				    conn_handle(c), sip_err_phrase(err.code));
		conn_close(c, &t->stats.framing_errors);
		return -1;
	}
}

/* hand over every whole message in the buffer; keep the partial tail */
static void conn_frame_all(struct tcp_conn *c)
{
	size_t off = 0;
	ssize_t n;

	while (off < c->in_len) {
		n = conn_frame_one(c, off);
		/* a deliver callback may have closed it: the buffer stays */
		if (n <= 0 || !conn_open(c))
			break;
		off += (size_t)n;
	}
	if (!conn_open(c) || off == 0)
		return;
	memmove(c->in, c->in + off, c->in_len - off);
	c->in_len -= off;
}

/*
 * Room to read into: 0, -EMSGSIZE when a full buffer still holds no
 * whole message (the framer refuses that first; this is the backstop),
 * -ENOMEM.
 */
static int in_reserve(struct tcp_conn *c)
{
	size_t cap;
	char *p;

	if (c->in_len < c->in_cap)
		return 0;
	if (c->in_cap >= TCP_IN_MAX)
		return -EMSGSIZE;
	cap = c->in_cap ? c->in_cap * 2 : TCP_IN_FIRST;
	if (cap > TCP_IN_MAX)
		cap = TCP_IN_MAX;
	p = realloc(c->in, cap);
	if (!p)
		return -ENOMEM;
	c->in = p;
	c->in_cap = cap;
	return 0;
}

/* 1: read some, 0: socket drained, -1: closed */
static int conn_read_once(struct tcp_conn *c)
{
	struct tcp_transport *t = c->t;
	ssize_t n;
	int err = in_reserve(c);

	if (err) {
		conn_close(c, err == -EMSGSIZE ? &t->stats.framing_errors :
						 &t->stats.closed_error);
		return -1;
	}
	n = recv(c->h.fd, c->in + c->in_len, c->in_cap - c->in_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	if (n < 0 && errno == EINTR)
		return 1;
	if (n <= 0) {
		conn_close(c, n == 0 ? &t->stats.closed_peer :
				       &t->stats.closed_error);
		return -1;
	}
	t->stats.rx_bytes += (uint64_t)n;
	c->in_len += (size_t)n;
	conn_touch(c);
	conn_frame_all(c);
	return conn_open(c) ? 1 : -1;
}

static void conn_readable(struct tcp_conn *c)
{
	int i;

	for (i = 0; i < TCP_READS_PER_EVENT; i++)
		if (conn_read_once(c) <= 0)
			return;
}

static void on_conn_event(struct evloop *l, struct ev_handler *h,
			  uint32_t events)
{
	struct tcp_conn *c = container_of(h, struct tcp_conn, h);

	(void)l;
	/* closed earlier in this batch: the event is for the old socket */
	if (!conn_open(c))
		return;
	/* a failed connect may report ERR or HUP without OUT */
	if (c->connecting && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
		conn_connect_done(c);
	if (!conn_open(c) || c->connecting)
		return;
	if (events & EPOLLOUT) {
		conn_touch(c);
		conn_flush(c);
	}
	/* HUP and ERR show up as a read of 0 or an error */
	if (conn_open(c) && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		conn_readable(c);
}

static void set_nodelay(int fd)
{
	int on = 1;

	/* SIP messages are whole when written: Nagle would only delay them */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

/* take a slot for fd; on failure fd is closed and -errno returned */
static int conn_start(struct tcp_transport *t, int fd,
		      const union sd_sockaddr *remote, uint16_t listener,
		      bool connecting, struct tcp_conn **out)
{
	struct tcp_conn *c = slot_take(t);
	int err;

	if (!c) {
		close(fd);
		t->stats.refused_full++;
		return -EMFILE;
	}
	c->h.fd = fd;
	c->remote = *remote;
	c->listener = listener;
	c->connecting = connecting;
	c->want_out = connecting;
	err = evloop_add(t->l, &c->h, EPOLLIN | (connecting ? EPOLLOUT : 0));
	if (err) {
		close(fd);
		c->h.fd = -1;
		slot_put_free(c);
		return err;
	}
	set_nodelay(fd);
	hash_insert(c);
	conn_touch(c);
	if (t->idle_ms)
		evloop_arm(t->l, &c->idle, t->idle_ms);
	t->stats.open++;
	*out = c;
	return 0;
}

static void accept_one(struct tcp_listener *ls, int fd,
		       const union sd_sockaddr *remote)
{
	struct tcp_transport *t = ls->t;
	struct tcp_conn *c;

	if (conn_start(t, fd, remote, ls->index, false, &c))
		return;
	t->stats.accepted++;
}

static void on_listener_event(struct evloop *l, struct ev_handler *h,
			      uint32_t events)
{
	struct tcp_listener *ls = container_of(h, struct tcp_listener, h);
	union sd_sockaddr remote;
	socklen_t alen;
	int fd;

	(void)l;
	(void)events;
	for (;;) {
		alen = sizeof(remote);
		memset(&remote, 0, sizeof(remote));
		fd = accept4(h->fd, &remote.sa, &alen,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			accept_one(ls, fd, &remote);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			pr_warn_ratelimited("tcp: accept: %s\n",
					    strerror(errno));
		return;
	}
}

static struct tcp_listener *listener_by_index(struct tcp_transport *t,
					      uint16_t index)
{
	unsigned int i;

	for (i = 0; i < TCP_LISTENERS_MAX; i++)
		if (t->listeners[i].h.fd >= 0 && t->listeners[i].index == index)
			return &t->listeners[i];
	return NULL;
}

static struct tcp_listener *listener_free_slot(struct tcp_transport *t)
{
	unsigned int i;

	for (i = 0; i < TCP_LISTENERS_MAX; i++)
		if (t->listeners[i].h.fd < 0)
			return &t->listeners[i];
	return NULL;
}

int tcp_listen(struct tcp_transport *t, uint16_t index,
	       const union sd_sockaddr *addr)
{
	struct tcp_listener *ls;
	char text[SD_ADDRSTRLEN];
	int fd, err;

	if (addr->sa.sa_family != AF_INET && addr->sa.sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (listener_by_index(t, index))
		return -EEXIST;
	ls = listener_free_slot(t);
	if (!ls)
		return -ENOSPC;
	fd = sd_listen_stream(addr, SOMAXCONN);
	if (fd < 0) {
		pr_err("tcp: listen on %s: %s\n",
		       sd_sockaddr_str(addr, text, sizeof(text)),
		       strerror(-fd));
		return fd;
	}
	ls->h.fd = fd;
	ls->index = index;
	ls->local = *addr;
	err = evloop_add(t->l, &ls->h, EPOLLIN);
	if (err) {
		close(fd);
		ls->h.fd = -1;
		return err;
	}
	pr_info("tcp: listening on %s\n",
		sd_sockaddr_str(addr, text, sizeof(text)));
	return 0;
}

/* leave from the listener's IP (any port) so replies come back to it */
static int bind_to_listener(struct tcp_transport *t, int fd, uint16_t index,
			    sa_family_t family)
{
	struct tcp_listener *ls = listener_by_index(t, index);
	union sd_sockaddr local;

	/* no TCP listener of that family: let the kernel choose */
	if (!ls || ls->local.sa.sa_family != family)
		return 0;
	local = ls->local;
	if (family == AF_INET6)
		local.in6.sin6_port = 0;
	else
		local.in.sin_port = 0;
	return bind(fd, &local.sa, sd_sockaddr_len(&local)) ? -errno : 0;
}

static int conn_connect(struct tcp_transport *t, const struct sd_peer *to,
			struct tcp_conn **out)
{
	const union sd_sockaddr *a = &to->addr;
	bool connecting = true;
	int fd, err;

	if (a->sa.sa_family != AF_INET && a->sa.sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (t->free_head == TCP_NO_SLOT) {
		t->stats.refused_full++;
		return -EMFILE;
	}
	fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	err = bind_to_listener(t, fd, to->listener, a->sa.sa_family);
	if (err)
		goto fail;
	if (connect(fd, &a->sa, sd_sockaddr_len(a)) == 0)
		connecting = false;
	else if (errno != EINPROGRESS) {
		err = -errno;
		goto fail;
	}
	err = conn_start(t, fd, a, to->listener, connecting, out);
	if (err)
		return err;
	if (!connecting)
		t->stats.connected++;
	return 0;
fail:
	close(fd);
	t->stats.connect_failed++;
	return err;
}

/* to->conn while it lives and still goes to to->addr, else by address */
static struct tcp_conn *conn_for_peer(struct tcp_transport *t,
				      const struct sd_peer *to)
{
	struct tcp_conn *c = conn_by_handle(t, to->conn);

	if (c && sd_sockaddr_eq(&c->remote, &to->addr))
		return c;
	return conn_by_addr(t, &to->addr);
}

int tcp_send(struct tcp_transport *t, struct sd_peer *to, const char *buf,
	     size_t len)
{
	struct tcp_conn *c;
	int err;

	if (len > TCP_OUT_MAX) {
		t->stats.tx_errors++;
		return -ENOBUFS;
	}
	c = conn_for_peer(t, to);
	if (!c) {
		err = conn_connect(t, to, &c);
		if (err)
			goto fail;
	}
	to->conn = conn_handle(c);
	err = conn_write(c, buf, len);
	if (err)
		goto fail;
	conn_touch(c);
	t->stats.tx_messages++;
	t->stats.tx_bytes += len;
	return 0;
fail:
	t->stats.tx_errors++;
	return err;
}

const struct tcp_stats *tcp_stats(const struct tcp_transport *t)
{
	return &t->stats;
}

static uint32_t bucket_count(uint32_t max_conns)
{
	uint32_t n = 16;

	while (n < max_conns)
		n *= 2;
	return n;
}

static void conns_init(struct tcp_transport *t)
{
	uint32_t i;

	t->free_head = TCP_NO_SLOT;
	t->pending_head = TCP_NO_SLOT;
	for (i = t->max_conns; i-- > 0;) {
		struct tcp_conn *c = &t->conns[i];

		c->h.fd = -1;
		c->h.fn = on_conn_event;
		c->t = t;
		c->hash_next = TCP_NO_SLOT;
		tw_timer_init(&c->idle, on_idle);
		slot_put_free(c);
	}
	for (i = 0; i <= t->bucket_mask; i++)
		t->buckets[i] = TCP_NO_SLOT;
}

struct tcp_transport *tcp_new(struct evloop *l, uint32_t max_conns,
			      uint32_t idle_ms, sd_deliver_fn fn, void *arg)
{
	struct tcp_transport *t;
	uint32_t nbuckets = bucket_count(max_conns);
	unsigned int i;

	if (!l || !fn || max_conns == 0 || max_conns > TCP_CONNS_MAX) {
		errno = EINVAL;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->conns = calloc(max_conns, sizeof(*t->conns));
	t->buckets = calloc(nbuckets, sizeof(*t->buckets));
	if (!t->conns || !t->buckets)
		goto fail;
	t->l = l;
	t->deliver = fn;
	t->arg = arg;
	t->max_conns = max_conns;
	t->idle_ms = idle_ms;
	t->bucket_mask = nbuckets - 1;
	tw_timer_init(&t->reaper, on_reaper);
	for (i = 0; i < TCP_LISTENERS_MAX; i++) {
		t->listeners[i].h.fd = -1;
		t->listeners[i].h.fn = on_listener_event;
		t->listeners[i].t = t;
	}
	conns_init(t);
	return t;
fail:
	free(t->conns);
	free(t->buckets);
	free(t);
	errno = ENOMEM;
	return NULL;
}

void tcp_free(struct tcp_transport *t)
{
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < t->max_conns; i++)
		conn_close(&t->conns[i], NULL);
	evloop_cancel(t->l, &t->reaper);
	reap_pending(t);
	for (i = 0; i < TCP_LISTENERS_MAX; i++) {
		struct tcp_listener *ls = &t->listeners[i];

		if (ls->h.fd < 0)
			continue;
		evloop_del(t->l, &ls->h);
		close(ls->h.fd);
	}
	free(t->buckets);
	free(t->conns);
	free(t);
}
