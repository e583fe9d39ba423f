// SPDX-License-Identifier: GPL-2.0-only
/*
 * transport_tcp.c over real loopback sockets and a real event loop: the
 * test plays the far end with plain sockets and runs the loop until a
 * counter reaches a value or a deadline passes, so no test can hang.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "siphond/transport.h"

#define MSGS_MAX 8
#define MSG_COPY 2048
#define RUN_MS 2000 /* a generous bound: loopback answers in microseconds */
#define PORT_TRIES 200

#define REQ(body_len_hdr, body)                          \
	"OPTIONS sip:t@127.0.0.1 SIP/2.0\r\n"            \
	"Via: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\n" \
	"Call-ID: c1\r\n"                                \
	"CSeq: 1 OPTIONS\r\n" body_len_hdr "\r\n" body

#define MSG_A REQ("Content-Length: 5\r\n", "hello")
#define MSG_B REQ("Content-Length: 0\r\n", "")
#define REPLY "SIP/2.0 200 OK\r\nContent-Length: 2\r\n\r\nok"

FIXTURE(tcp)
{
	struct evloop l;
	struct tcp_transport *t;
	struct tw_timer deadline;
	uint64_t *watch; /* run_until: stop once *watch >= want */
	uint64_t want;
	/* what the deliver callback saw */
	uint64_t delivered;
	char msgs[MSGS_MAX][MSG_COPY];
	size_t lens[MSGS_MAX];
	struct sd_peer peers[MSGS_MAX];
	/* when set, the callback answers each message with it */
	const char *reply;
	int reply_err;
	int fds[4];
	union sd_sockaddr local;
};

static void on_deliver(void *arg, const struct sd_peer *from, char *msg,
		       size_t len)
{
	FIXTURE_DATA(tcp) *self = arg;
	unsigned int i = self->delivered % MSGS_MAX;
	struct sd_peer to = *from;

	self->lens[i] = len;
	self->peers[i] = *from;
	snprintf(self->msgs[i], MSG_COPY, "%.*s", (int)len, msg);
	/* the contract says the buffer is writable: ASan checks the range */
	memset(msg, 'x', len);
	if (self->reply)
		self->reply_err = tcp_send(self->t, &to, self->reply,
					   strlen(self->reply));
	self->delivered++;
}

static void check_stop(void *arg)
{
	FIXTURE_DATA(tcp) *self = arg;

	if (*self->watch >= self->want || !tw_armed(&self->deadline))
		evloop_stop(&self->l);
}

static void on_deadline(struct tw_timer *tm)
{
	(void)tm; /* waking the loop is enough: check_stop sees it disarmed */
}

FIXTURE_SETUP(tcp)
{
	unsigned int i;

	ASSERT_EQ(0, evloop_init(&self->l));
	ASSERT_EQ(0, evloop_after(&self->l, check_stop, self));
	tw_timer_init(&self->deadline, on_deadline);
	self->watch = &self->delivered;
	for (i = 0; i < 4; i++)
		self->fds[i] = -1;
}

FIXTURE_TEARDOWN(tcp)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (self->fds[i] >= 0)
			close(self->fds[i]);
	tcp_free(self->t);
	evloop_cancel(&self->l, &self->deadline);
	evloop_fini(&self->l);
}

/* run the loop until *watch >= want or ms pass; returns *watch */
static uint64_t run_until(FIXTURE_DATA(tcp) * self, uint64_t *watch,
			  uint64_t want, unsigned int ms)
{
	self->watch = watch;
	self->want = want;
	self->l.stop = false;
	/* the loop's clock stood still while the test worked the sockets */
	self->l.now = evloop_clock_ms();
	tw_advance(&self->l.wheel, self->l.now);
	evloop_arm(&self->l, &self->deadline, ms);
	if (*watch < want)
		evloop_run(&self->l);
	evloop_cancel(&self->l, &self->deadline);
	return *watch;
}

/* just run the loop for ms: timers due by then have fired */
static void run_for(FIXTURE_DATA(tcp) * self, unsigned int ms)
{
	uint64_t never = 0;

	run_until(self, &never, 1, ms);
}

static uint16_t port_try(unsigned int i)
{
	return (uint16_t)(45000 + (getpid() + i * 7) % 2000);
}

static void loopback(int family, uint16_t port, union sd_sockaddr *a)
{
	memset(a, 0, sizeof(*a));
	if (family == AF_INET6) {
		a->in6.sin6_family = AF_INET6;
		a->in6.sin6_addr = in6addr_loopback;
		a->in6.sin6_port = htons(port);
	} else {
		a->in.sin_family = AF_INET;
		a->in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		a->in.sin_port = htons(port);
	}
}

/* a tcp_listen on a free port of the test range */
static int listen_free(struct tcp_transport *t, uint16_t index, int family,
		       union sd_sockaddr *a)
{
	unsigned int i;
	int err = -EADDRINUSE;

	for (i = 0; i < PORT_TRIES && err == -EADDRINUSE; i++) {
		loopback(family, port_try(i), a);
		err = tcp_listen(t, index, a);
	}
	return err;
}

/* a plain listening socket (the far end of an outgoing connection) */
static int plain_listener(int family, union sd_sockaddr *a)
{
	unsigned int i;
	int fd, on = 1;

	for (i = 0; i < PORT_TRIES; i++) {
		fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		loopback(family, port_try(i + 100), a);
		if (!bind(fd, &a->sa, sd_sockaddr_len(a)) && !listen(fd, 8))
			return fd;
		close(fd);
	}
	return -1;
}

static void set_timeout(int fd)
{
	struct timeval tv = { .tv_sec = 1 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/* a blocking client: loopback completes the handshake before accept() */
static int client(const union sd_sockaddr *a)
{
	int fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	set_timeout(fd);
	if (connect(fd, &a->sa, sd_sockaddr_len(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *s, size_t len)
{
	return send(fd, s, len, MSG_NOSIGNAL) == (ssize_t)len;
}

static bool send_str(int fd, const char *s)
{
	return send_all(fd, s, strlen(s));
}

/* read exactly len bytes (1 s timeout): the string, or "" */
static const char *read_n(int fd, size_t len)
{
	static char buf[4096];
	size_t got = 0;
	ssize_t n;

	while (got < len && got < sizeof(buf) - 1) {
		n = recv(fd, buf + got, len - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	return buf;
}

/* true when the far end closed: EOF or a reset */
static bool peer_closed(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, 0);

	return n == 0 || (n < 0 && errno == ECONNRESET);
}

static bool same_addr(int fd, const union sd_sockaddr *seen)
{
	union sd_sockaddr a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	if (getsockname(fd, &a.sa, &len))
		return false;
	return sd_sockaddr_eq(&a, seen);
}

TEST_F(tcp, two_in_one_write_then_one_split)
{
	const char two[] = MSG_A MSG_B;
	const char *split = MSG_A;
	size_t half = strlen(split) / 2;
	int fd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	ASSERT_EQ(0, listen_free(self->t, 3, AF_INET, &self->local));
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);

	ASSERT_TRUE(send_str(fd, two));
	ASSERT_EQ(2u, run_until(self, &self->delivered, 2, RUN_MS));
	EXPECT_STREQ(MSG_A, self->msgs[0]);
	EXPECT_STREQ(MSG_B, self->msgs[1]);
	EXPECT_EQ(strlen(MSG_A), self->lens[0]);
	EXPECT_EQ((int)SD_PROTO_TCP, (int)self->peers[0].proto);
	EXPECT_EQ(3, self->peers[0].listener);
	EXPECT_NE(0u, self->peers[0].conn);
	EXPECT_EQ(self->peers[0].conn, self->peers[1].conn);
	EXPECT_TRUE(same_addr(fd, &self->peers[0].addr));

	/* the first half must sit in the buffer, delivered as nothing */
	ASSERT_TRUE(send_all(fd, split, half));
	run_until(self, (uint64_t *)&tcp_stats(self->t)->rx_bytes,
		  strlen(two) + half, RUN_MS);
	ASSERT_EQ(2u, self->delivered);
	ASSERT_TRUE(send_str(fd, split + half));
	ASSERT_EQ(3u, run_until(self, &self->delivered, 3, RUN_MS));
	EXPECT_STREQ(MSG_A, self->msgs[2]);
	EXPECT_EQ(3u, tcp_stats(self->t)->rx_messages);
	EXPECT_EQ(1u, tcp_stats(self->t)->accepted);
	EXPECT_EQ(1u, tcp_stats(self->t)->open);
}

TEST_F(tcp, ping_answered_with_crlf_pong_ignored)
{
	const struct tcp_stats *st;
	int fd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);

	ASSERT_TRUE(send_str(fd, "\r\n\r\n"));
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->rx_pings, 1, RUN_MS));
	EXPECT_STREQ("\r\n", read_n(fd, 2));
	/* a lone CRLF (a pong) before a message is dropped, not answered */
	ASSERT_TRUE(send_str(fd, "\r\n" MSG_B));
	ASSERT_EQ(1u, run_until(self, &self->delivered, 1, RUN_MS));
	EXPECT_STREQ(MSG_B, self->msgs[0]);
	EXPECT_EQ(1u, st->rx_pings);
	EXPECT_EQ(1u, st->open);
}

static const struct {
	const char *name;
	const char *bytes;
} bad_frames[] = {
	{ "no Content-Length", REQ("", "") },
	{ "Content-Length not a number", REQ("Content-Length: abc\r\n", "") },
	{ "Content-Length past the limit",
	  REQ("Content-Length: 70000\r\n", "") },
};

TEST_F(tcp, framing_error_closes_and_counts)
{
	const struct tcp_stats *st;
	unsigned int i;
	int fd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	for (i = 0; i < sizeof(bad_frames) / sizeof(bad_frames[0]); i++) {
		TH_LOG("case: %s", bad_frames[i].name);
		fd = client(&self->local);
		ASSERT_LE(0, fd);
		self->fds[0] = fd;
		ASSERT_TRUE(send_str(fd, MSG_B));
		ASSERT_TRUE(send_str(fd, bad_frames[i].bytes));
		ASSERT_EQ(i + 1,
			  run_until(self, (uint64_t *)&st->framing_errors,
				    i + 1, RUN_MS));
		/* the good message ahead of the bad one still got through */
		EXPECT_EQ(i + 1, self->delivered);
		EXPECT_TRUE(peer_closed(fd));
		EXPECT_EQ(0u, st->open);
		close(fd);
		self->fds[0] = -1;
	}
	EXPECT_EQ(0u, st->closed_peer);
}

TEST_F(tcp, reply_rides_the_inbound_connection)
{
	const struct tcp_stats *st;
	int fd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	self->reply = REPLY;
	self->reply_err = 1;
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);

	ASSERT_TRUE(send_str(fd, MSG_A MSG_A));
	ASSERT_EQ(2u, run_until(self, &self->delivered, 2, RUN_MS));
	EXPECT_EQ(0, self->reply_err);
	EXPECT_STREQ(REPLY REPLY, read_n(fd, 2 * strlen(REPLY)));
	EXPECT_EQ(2u, st->tx_messages);
	EXPECT_EQ(2 * strlen(REPLY), st->tx_bytes);
	EXPECT_EQ(0u, st->connected);
	EXPECT_EQ(1u, st->open);
}

TEST_F(tcp, outgoing_connect_queues_until_up)
{
	const struct tcp_stats *st;
	union sd_sockaddr far, near;
	struct sd_peer to = { .proto = SD_PROTO_TCP, .listener = 1 };
	socklen_t alen = sizeof(near);
	struct sd_peer again;
	int lfd, fd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 1, AF_INET, &self->local));
	lfd = self->fds[0] = plain_listener(AF_INET, &far);
	ASSERT_LE(0, lfd);

	to.addr = far;
	ASSERT_EQ(0, tcp_send(self->t, &to, MSG_A, strlen(MSG_A)));
	ASSERT_NE(0u, to.conn);
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->connected, 1, RUN_MS));
	fd = self->fds[1] = accept(lfd, &near.sa, &alen);
	ASSERT_LE(0, fd);
	set_timeout(fd);
	EXPECT_STREQ(MSG_A, read_n(fd, strlen(MSG_A)));
	/* it left from the listener's IP: 127.0.0.1 */
	EXPECT_EQ(htonl(INADDR_LOOPBACK), near.in.sin_addr.s_addr);

	/* found by address when the handle is unknown: no new connection */
	again = to;
	again.conn = 0;
	ASSERT_EQ(0, tcp_send(self->t, &again, MSG_B, strlen(MSG_B)));
	EXPECT_EQ(to.conn, again.conn);
	EXPECT_STREQ(MSG_B, read_n(fd, strlen(MSG_B)));

	/* what the far end sends back is delivered on the same handle */
	ASSERT_TRUE(send_str(fd, REPLY));
	ASSERT_EQ(1u, run_until(self, &self->delivered, 1, RUN_MS));
	EXPECT_EQ(to.conn, self->peers[0].conn);
	EXPECT_EQ(1, self->peers[0].listener);
	EXPECT_TRUE(sd_sockaddr_eq(&far, &self->peers[0].addr));
	EXPECT_EQ(1u, st->connected);
	EXPECT_EQ(0u, st->accepted);
	EXPECT_EQ(2u, st->tx_messages);
}

TEST_F(tcp, connect_refused_counts)
{
	const struct tcp_stats *st;
	struct sd_peer to = { .proto = SD_PROTO_TCP };
	int lfd;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	/* a port that was just listening and now is not */
	lfd = plain_listener(AF_INET, &to.addr);
	ASSERT_LE(0, lfd);
	close(lfd);

	/* loopback may refuse at once or report it through EPOLLOUT */
	if (tcp_send(self->t, &to, MSG_A, strlen(MSG_A)) == 0)
		run_until(self, (uint64_t *)&st->connect_failed, 1, RUN_MS);
	EXPECT_EQ(1u, st->connect_failed);
	EXPECT_EQ(0u, st->connected);
	EXPECT_EQ(0u, st->open);
}

TEST_F(tcp, table_bound_refuses_and_handles_go_stale)
{
	const struct tcp_stats *st;
	struct sd_peer other = { .proto = SD_PROTO_TCP };
	uint32_t first;
	int fd, fd2;

	self->t = tcp_new(&self->l, 1, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->accepted, 1, RUN_MS));

	fd2 = self->fds[1] = client(&self->local);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(1u,
		  run_until(self, (uint64_t *)&st->refused_full, 1, RUN_MS));
	EXPECT_TRUE(peer_closed(fd2));
	loopback(AF_INET, 9, &other.addr);
	EXPECT_EQ(-EMFILE, tcp_send(self->t, &other, MSG_A, strlen(MSG_A)));
	EXPECT_EQ(2u, st->refused_full);

	/* the first one still works */
	ASSERT_TRUE(send_str(fd, MSG_B));
	ASSERT_EQ(1u, run_until(self, &self->delivered, 1, RUN_MS));
	first = self->peers[0].conn;

	/* closed by the peer; the next connection reuses the slot */
	close(fd);
	self->fds[0] = -1;
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->closed_peer, 1, RUN_MS));
	/* a closed slot is free again from the next timer tick on */
	run_for(self, 4 * TW_TICK_MS);
	fd = self->fds[2] = client(&self->local);
	ASSERT_LE(0, fd);
	ASSERT_EQ(2u, run_until(self, (uint64_t *)&st->accepted, 2, RUN_MS));
	ASSERT_TRUE(send_str(fd, MSG_B));
	ASSERT_EQ(2u, run_until(self, &self->delivered, 2, RUN_MS));
	EXPECT_EQ(first & 0xffff, self->peers[1].conn & 0xffff);
	EXPECT_NE(first, self->peers[1].conn);
	EXPECT_EQ(1u, st->open);
}

TEST_F(tcp, idle_connection_closes)
{
	const struct tcp_stats *st;
	uint64_t start;
	int fd;

	self->t = tcp_new(&self->l, 8, 50, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	start = evloop_clock_ms();
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->closed_idle, 1, RUN_MS));
	EXPECT_LE(start + 50, evloop_clock_ms());
	EXPECT_TRUE(peer_closed(fd));
	EXPECT_EQ(0u, st->open);
	EXPECT_EQ(0u, st->closed_peer);
}

TEST_F(tcp, activity_keeps_a_connection_open)
{
	const struct tcp_stats *st;
	unsigned int i;
	int fd;

	self->t = tcp_new(&self->l, 8, 100, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);
	/* 5 x 30 ms is past the 100 ms timeout, but no gap is */
	for (i = 0; i < 5; i++) {
		ASSERT_TRUE(send_str(fd, MSG_B));
		run_for(self, 30);
	}
	EXPECT_EQ(5u, self->delivered);
	EXPECT_EQ(0u, st->closed_idle);
	EXPECT_EQ(1u, st->open);
	ASSERT_EQ(1u, run_until(self, (uint64_t *)&st->closed_idle, 1, RUN_MS));
}

TEST_F(tcp, stalled_reader_hits_output_bound)
{
	static char chunk[60000];
	const struct tcp_stats *st;
	struct sd_peer to = { .proto = SD_PROTO_TCP };
	int fd, small = 4096, err = 0;
	unsigned int i;

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	st = tcp_stats(self->t);
	ASSERT_EQ(0, listen_free(self->t, 0, AF_INET, &self->local));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fd);
	self->fds[0] = fd;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	ASSERT_EQ(0, connect(fd, &self->local.sa, sizeof(self->local.in)));
	ASSERT_TRUE(send_str(fd, MSG_B));
	ASSERT_EQ(1u, run_until(self, &self->delivered, 1, RUN_MS));

	/* the client never reads: the kernel buffers fill, then the queue */
	memset(chunk, 'a', sizeof(chunk));
	to = self->peers[0];
	for (i = 0; i < 2000 && !err; i++)
		err = tcp_send(self->t, &to, chunk, sizeof(chunk));
	EXPECT_EQ(-ENOBUFS, err);
	EXPECT_EQ(1u, st->tx_queue_full);
	EXPECT_EQ(0u, st->open);
}

TEST_F(tcp, ipv6_loopback)
{
	union sd_sockaddr probe;
	int fd;

	loopback(AF_INET6, 0, &probe);
	fd = socket(AF_INET6, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, &probe.sa, sizeof(probe.in6))) {
		if (fd >= 0)
			close(fd);
		SKIP(return, "no IPv6 loopback");
	}
	close(fd);

	self->t = tcp_new(&self->l, 8, 0, on_deliver, self);
	ASSERT_NE(NULL, self->t);
	ASSERT_EQ(0, listen_free(self->t, 6, AF_INET6, &self->local));
	self->reply = REPLY;
	fd = self->fds[0] = client(&self->local);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(send_str(fd, MSG_A));
	ASSERT_EQ(1u, run_until(self, &self->delivered, 1, RUN_MS));
	EXPECT_STREQ(MSG_A, self->msgs[0]);
	EXPECT_EQ(AF_INET6, self->peers[0].addr.sa.sa_family);
	EXPECT_EQ(6, self->peers[0].listener);
	EXPECT_TRUE(same_addr(fd, &self->peers[0].addr));
	EXPECT_EQ(0, self->reply_err);
	EXPECT_STREQ(REPLY, read_n(fd, strlen(REPLY)));
}

TEST(bad_arguments_refused)
{
	struct evloop l;

	ASSERT_EQ(0, evloop_init(&l));
	EXPECT_EQ(NULL, tcp_new(&l, 0, 0, on_deliver, NULL));
	EXPECT_EQ(NULL, tcp_new(&l, 70000, 0, on_deliver, NULL));
	EXPECT_EQ(NULL, tcp_new(&l, 8, 0, NULL, NULL));
	evloop_fini(&l);
}

TEST_HARNESS_MAIN
