// SPDX-License-Identifier: GPL-2.0-only
/*
 * UDP transport: each listener socket is read with recvmmsg() in batches of
 * SD_RECV_BATCH; what siphond sends is queued and leaves in one sendmmsg()
 * per listener when the loop flushes after a wake-up, so a burst of
 * requests costs a handful of system calls. RFC 5626 keep-alives (a bare
 * CRLFCRLF) are answered with CRLF here and never reach the parser.
 */
#include "transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"

#define UDP_LISTEN_MAX 8
/* room for the queued datagrams of one wake-up */
#define UDP_SENDBUF (SD_SEND_BATCH * 2048)

struct udp_listener {
	struct ev_handler h;
	struct udp_transport *u;
	uint16_t index;
	union sd_sockaddr addr;
};

struct udp_out {
	uint16_t listener;
	union sd_sockaddr to;
	uint32_t off, len; /* in sendbuf, or heap when big */
	char *heap;
};

struct udp_transport {
	struct evloop *loop;
	sd_deliver_fn deliver;
	void *arg;
	unsigned int nlisten;
	struct udp_listener listen[UDP_LISTEN_MAX];
	struct udp_stats stats;
	/* receive batch */
	struct mmsghdr rmsg[SD_RECV_BATCH];
	struct iovec riov[SD_RECV_BATCH];
	union sd_sockaddr rfrom[SD_RECV_BATCH];
	char *rbuf; /* SD_RECV_BATCH datagrams, one extra byte each */
	/* send queue */
	unsigned int nout;
	uint32_t sendbuf_used;
	struct udp_out out[SD_SEND_BATCH];
	char sendbuf[UDP_SENDBUF];
};

static struct udp_listener *listener_of(struct udp_transport *u, uint16_t index)
{
	unsigned int i;

	for (i = 0; i < u->nlisten; i++)
		if (u->listen[i].index == index)
			return &u->listen[i];
	return NULL;
}

static bool is_keepalive(const char *p, size_t n)
{
	return (n == 4 && !memcmp(p, "\r\n\r\n", 4)) ||
	       (n == 2 && !memcmp(p, "\r\n", 2));
}

static void deliver_batch(struct udp_listener *l, int n)
{
	struct udp_transport *u = l->u;
	struct sd_peer from = { .proto = SD_PROTO_UDP, .listener = l->index };
	int i;

	for (i = 0; i < n; i++) {
		char *p = u->riov[i].iov_base;
		size_t len = u->rmsg[i].msg_len;

		u->stats.rx_datagrams++;
		u->stats.rx_bytes += len;
		from.addr = u->rfrom[i];
		if (u->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
			u->stats.rx_errors++;
			continue;
		}
		if (is_keepalive(p, len)) {
			/* a ping gets its pong (RFC 5626 section 4.4.1) */
			u->stats.rx_keepalives++;
			if (len == 4)
				udp_send(u, &from, "\r\n", 2);
			continue;
		}
		p[len] = 0;
		u->deliver(u->arg, &from, p, len);
	}
}

static void on_readable(struct evloop *loop, struct ev_handler *h,
			uint32_t events)
{
	struct udp_listener *l = (struct udp_listener *)h;
	struct udp_transport *u = l->u;
	int i, n, rounds = 0;

	(void)loop;
	(void)events;
	/* a few batches, then let the other sockets and timers have a turn */
	while (rounds++ < 8) {
		for (i = 0; i < SD_RECV_BATCH; i++) {
			u->rmsg[i].msg_hdr.msg_namelen = sizeof(u->rfrom[i]);
			u->rmsg[i].msg_hdr.msg_flags = 0;
		}
		n = recvmmsg(h->fd, u->rmsg, SD_RECV_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				u->stats.rx_errors++;
			return;
		}
		deliver_batch(l, n);
		if (n < SD_RECV_BATCH)
			return;
	}
}

struct udp_transport *udp_new(struct evloop *l, sd_deliver_fn fn, void *arg)
{
	struct udp_transport *u = calloc(1, sizeof(*u));
	int i;

	if (!u)
		return NULL;
	u->rbuf = malloc((size_t)SD_RECV_BATCH * (SD_DGRAM_MAX + 1));
	if (!u->rbuf) {
		free(u);
		return NULL;
	}
	u->loop = l;
	u->deliver = fn;
	u->arg = arg;
	for (i = 0; i < SD_RECV_BATCH; i++) {
		u->riov[i].iov_base = u->rbuf + (size_t)i * (SD_DGRAM_MAX + 1);
		u->riov[i].iov_len = SD_DGRAM_MAX;
		u->rmsg[i].msg_hdr.msg_iov = &u->riov[i];
		u->rmsg[i].msg_hdr.msg_iovlen = 1;
		u->rmsg[i].msg_hdr.msg_name = &u->rfrom[i];
	}
	return u;
}

void udp_free(struct udp_transport *u)
{
	unsigned int i;

	if (!u)
		return;
	udp_flush(u);
	for (i = 0; i < u->nlisten; i++) {
		evloop_del(u->loop, &u->listen[i].h);
		close(u->listen[i].h.fd);
	}
	free(u->rbuf);
	free(u);
}

int udp_listen(struct udp_transport *u, uint16_t index,
	       const union sd_sockaddr *addr)
{
	struct udp_listener *l;
	int fd, one = 1, err, buf = 4 << 20;

	if (u->nlisten >= UDP_LISTEN_MAX)
		return -ENOSPC;
	fd = socket(addr->sa.sa_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (addr->sa.sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	/* room for a burst while the loop is busy elsewhere */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, &addr->sa, sd_sockaddr_len(addr)))
		goto fail;
	l = &u->listen[u->nlisten];
	l->h.fd = fd;
	l->h.fn = on_readable;
	l->u = u;
	l->index = index;
	l->addr = *addr;
	err = evloop_add(u->loop, &l->h, EPOLLIN);
	if (err) {
		close(fd);
		return err;
	}
	u->nlisten++;
	return 0;
fail:
	err = -errno;
	close(fd);
	return err;
}

int udp_send(struct udp_transport *u, const struct sd_peer *to, const char *buf,
	     size_t len)
{
	struct udp_out *o;

	if (!listener_of(u, to->listener) || len > SD_DGRAM_MAX) {
		u->stats.tx_errors++;
		return -EINVAL;
	}
	if (u->nout == SD_SEND_BATCH)
		udp_flush(u);
	o = &u->out[u->nout];
	o->listener = to->listener;
	o->to = to->addr;
	o->len = (uint32_t)len;
	o->heap = NULL;
	if (u->sendbuf_used + len <= UDP_SENDBUF) {
		o->off = u->sendbuf_used;
		memcpy(u->sendbuf + o->off, buf, len);
		u->sendbuf_used += (uint32_t)len;
	} else {
		o->heap = malloc(len);
		if (!o->heap) {
			u->stats.tx_queue_full++;
			return -ENOBUFS;
		}
		memcpy(o->heap, buf, len);
	}
	u->nout++;
	return 0;
}

/* one sendmmsg() per listener over the queued datagrams that leave by it */
static void flush_listener(struct udp_transport *u, struct udp_listener *l)
{
	struct mmsghdr msg[SD_SEND_BATCH];
	struct iovec iov[SD_SEND_BATCH];
	unsigned int i, n = 0;
	int sent, done = 0;

	for (i = 0; i < u->nout; i++) {
		struct udp_out *o = &u->out[i];

		if (o->listener != l->index)
			continue;
		iov[n].iov_base = o->heap ? o->heap : u->sendbuf + o->off;
		iov[n].iov_len = o->len;
		memset(&msg[n], 0, sizeof(msg[n]));
		msg[n].msg_hdr.msg_iov = &iov[n];
		msg[n].msg_hdr.msg_iovlen = 1;
		msg[n].msg_hdr.msg_name = &o->to;
		msg[n].msg_hdr.msg_namelen = sd_sockaddr_len(&o->to);
		n++;
	}
	while (done < (int)n) {
		sent = sendmmsg(l->h.fd, msg + done, n - (unsigned int)done, 0);
		if (sent < 0) {
			if (errno == EINTR)
				continue;
			/* one unreachable peer must not sink the rest */
			u->stats.tx_errors++;
			done++;
			continue;
		}
		for (i = (unsigned int)done; i < (unsigned int)(done + sent);
		     i++)
			u->stats.tx_bytes += iov[i].iov_len;
		u->stats.tx_datagrams += (uint64_t)sent;
		done += sent;
	}
}

void udp_flush(struct udp_transport *u)
{
	unsigned int i;

	if (!u->nout)
		return;
	for (i = 0; i < u->nlisten; i++)
		flush_listener(u, &u->listen[i]);
	for (i = 0; i < u->nout; i++)
		free(u->out[i].heap);
	u->nout = 0;
	u->sendbuf_used = 0;
}

const struct udp_stats *udp_stats(const struct udp_transport *u)
{
	return &u->stats;
}
