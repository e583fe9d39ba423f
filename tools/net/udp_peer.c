// SPDX-License-Identifier: GPL-2.0-only
/*
 * udp_peer: the endpoints of siphon's end-to-end tests and demo.
 *
 *   udp_peer send BIND_ADDR:PORT DEST_ADDR:PORT COUNT [SIZE [rtp[:FIRST:LOSE]
 *                 [GAP_US]]]
 *   udp_peer recv BIND_ADDR:PORT EXPECT_FROM_ADDR:PORT COUNT TIMEOUT_MS
 *   udp_peer talk BIND_ADDR:PORT PEER_ADDR:PORT COUNT SIZE GAP_US TIMEOUT_MS
 *   udp_peer probe BIND_ADDR:PORT DEST_ADDR:PORT COUNT WAIT_MS < MESSAGE
 *   udp_peer spray BIND_ADDR:PORT DEST_ADDR:PORT,... ROUNDS SIZE GAP_US
 *                  FROM_ADDR[:PORT] TIMEOUT_MS
 *   udp_peer rtp LIST SECONDS PPS SIZE WAIT_MS
 *
 * send: COUNT datagrams of SIZE bytes, numbered; with "rtp" the payload
 * starts with an RTP header (version 2, PT 0, sequence and timestamp
 * advancing per packet, 20 ms of PCMU at 8 kHz); GAP_US paces the packets
 * (20000 is real time; default: a short pause every 64 packets).
 * rtp:FIRST:LOSE numbers the packets from FIRST, and after half of them
 * skips LOSE numbers, as if that many were lost on the way (the
 * timestamps skip too). recv: waits (bounded) for
 * COUNT datagrams, checks each comes from EXPECT_FROM, and prints "received N from-expected M bytes B". A datagram whose UDP checksum is
 * wrong never reaches a socket, so a full count also proves the checksums.
 * talk: one socket, as a phone has, sends COUNT RTP packets to PEER and
 * receives COUNT from it at the same time.
 * probe: sends what stdin holds, byte for byte, as one datagram COUNT
 * times (a SIP message, or garbage), and prints the first line of every
 * reply that comes back until WAIT_MS after the last send, then
 * "replies N". It exits 0 whatever came back: the caller judges.
 * spray: many calls' media through one phone's socket: ROUNDS times, one
 * RTP packet to each destination in turn, then a pause of GAP_US; at the
 * same time it receives, and waits (bounded) for as many as it sent, from
 * FROM (without a port: any port of that address). Prints "sent N received M from-expected K".
 * rtp: the media of many calls at a phone's pace, for tools/bench/calls;
 * see do_rtp() below.
 * Exit 0 when all COUNT arrived from the expected source, else 1.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "benchnet.h"
#include "endpoint.h"
#include "siphon/flow.h"

#define MAX_SIZE 1472

static socklen_t sockaddr_of(const struct endpoint *ep,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->family == SIPHON_AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, ep->addr, 16);
		s6->sin6_port = ep->port;
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = ep->addr[0];
	s4->sin_port = ep->port;
	return sizeof(*s4);
}

static bool same_endpoint(const struct sockaddr_storage *ss,
			  const struct endpoint *ep)
{
	struct sockaddr_storage want;

	sockaddr_of(ep, &want);
	if (ss->ss_family != want.ss_family)
		return false;
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss,
					  *b = (const void *)&want;

		return !memcmp(&a->sin6_addr, &b->sin6_addr, 16) &&
		       (!ep->port || a->sin6_port == b->sin6_port);
	}
	const struct sockaddr_in *a = (const void *)ss,
				 *b = (const void *)&want;

	return a->sin_addr.s_addr == b->sin_addr.s_addr &&
	       (!ep->port || a->sin_port == b->sin_port);
}

static int open_bound(const struct endpoint *ep)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(ep, &ss);
	int fd;

	/* no SO_REUSEADDR: a second socket on the port would steal packets */
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void fill_rtp(unsigned char *buf, size_t size, unsigned int seq)
{
	unsigned int ts = seq * 160;

	if (size < 12)
		return;
	buf[0] = 0x80; /* version 2 */
	buf[1] = 0; /* PCMU */
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[4] = ts >> 24;
	buf[5] = ts >> 16;
	buf[6] = ts >> 8;
	buf[7] = ts;
	memcpy(buf + 8, "siph", 4); /* SSRC */
}

/* "rtp" or "rtp:FIRST:LOSE" */
struct rtp_plan {
	bool on;
	unsigned long first, lose;
};

static int parse_rtp_plan(const char *text, struct rtp_plan *rp)
{
	memset(rp, 0, sizeof(*rp));
	if (!strcmp(text, "rtp")) {
		rp->on = true;
		return 0;
	}
	if (sscanf(text, "rtp:%lu:%lu", &rp->first, &rp->lose) != 2 ||
	    rp->first > 65535 || rp->lose > 65535)
		return -1;
	rp->on = true;
	return 0;
}

static int do_send(const struct endpoint *bind_ep, const struct endpoint *to,
		   long count, long size, const struct rtp_plan *rtp,
		   long gap_us)
{
	unsigned char buf[MAX_SIZE];
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(to, &ss);
	long i;
	int fd;

	fd = open_bound(bind_ep);
	if (fd < 0) {
		perror("udp_peer: bind");
		return 1;
	}
	for (i = 0; i < count; i++) {
		memset(buf, (int)(i & 0xff), size);
		if (rtp->on)
			fill_rtp(buf, size,
				 rtp->first + i +
					 (i >= count / 2 ? rtp->lose : 0));
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, len) < 0) {
			perror("udp_peer: sendto");
			close(fd);
			return 1;
		}
		if (gap_us)
			usleep(gap_us);
		/* pace a little so no queue on the way overflows */
		else if (i % 64 == 63)
			usleep(1000);
	}
	close(fd);
	printf("sent %ld\n", count);
	return 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct tally {
	long got;
	long expected;
	long bytes;
};

/* read whatever is queued on fd, without blocking */
static void drain(int fd, const struct endpoint *from, struct tally *t)
{
	unsigned char buf[MAX_SIZE + 1];
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ssize_t n;

	while ((n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&ss, &len)) >= 0) {
		t->got++;
		t->bytes += n;
		if (same_endpoint(&ss, from))
			t->expected++;
		len = sizeof(ss);
	}
}

/* wait until count packets arrived or the deadline passed */
static void collect(int fd, const struct endpoint *from, long count,
		    long deadline, struct tally *t)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (t->got < count && now_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now_ms())) > 0)
			drain(fd, from, t);
	}
}

static int report(const struct tally *t, long count)
{
	printf("received %ld from-expected %ld bytes %ld\n", t->got,
	       t->expected, t->bytes);
	return t->got == count && t->expected == count ? 0 : 1;
}

static int do_recv(const struct endpoint *bind_ep, const struct endpoint *from,
		   long count, long timeout_ms)
{
	struct tally t = {};
	int fd;

	fd = open_bound(bind_ep);
	if (fd < 0) {
		perror("udp_peer: bind");
		return 1;
	}
	/* tell whoever waits for us that the socket is bound */
	printf("ready\n");
	fflush(stdout);
	collect(fd, from, count, now_ms() + timeout_ms, &t);
	close(fd);
	return report(&t, count);
}

static int do_talk(const struct endpoint *bind_ep, const struct endpoint *peer,
		   long count, long size, long gap_us, long timeout_ms)
{
	unsigned char buf[MAX_SIZE];
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(peer, &ss);
	struct tally t = {};
	long i;
	int fd;

	fd = open_bound(bind_ep);
	if (fd < 0) {
		perror("udp_peer: bind");
		return 1;
	}
	/* the other phone starts at about the same time: let it bind first */
	usleep(200000);
	for (i = 0; i < count; i++) {
		memset(buf, (int)(i & 0xff), size);
		fill_rtp(buf, size, i);
		if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss, len) < 0)
			perror("udp_peer: sendto");
		drain(fd, peer, &t);
		usleep(gap_us);
	}
	collect(fd, peer, count, now_ms() + timeout_ms, &t);
	close(fd);
	printf("sent %ld ", count);
	return report(&t, count);
}

/* the first line of every datagram queued on fd; how many there were */
static long print_replies(int fd)
{
	char buf[65536];
	ssize_t n;
	long got = 0;

	while ((n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT)) >= 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\r\n")] = '\0';
		printf("%s\n", buf);
		got++;
	}
	return got;
}

static int do_probe(const struct endpoint *bind_ep, const struct endpoint *to,
		    long count, long wait_ms)
{
	static char msg[65507];
	struct pollfd pfd = { .events = POLLIN };
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(to, &ss);
	size_t size = fread(msg, 1, sizeof(msg), stdin);
	long i, got = 0, deadline;

	pfd.fd = open_bound(bind_ep);
	if (pfd.fd < 0) {
		perror("udp_peer: bind");
		return 1;
	}
	for (i = 0; i < count; i++) {
		if (sendto(pfd.fd, msg, size, 0, (struct sockaddr *)&ss, len) <
		    0)
			perror("udp_peer: sendto");
		got += print_replies(pfd.fd);
		/* pace a little so neither socket queue overflows */
		if (i % 64 == 63)
			usleep(2000);
	}
	deadline = now_ms() + wait_ms;
	while (now_ms() < deadline) {
		if (poll(&pfd, 1, (int)(deadline - now_ms())) > 0)
			got += print_replies(pfd.fd);
	}
	close(pfd.fd);
	printf("replies %ld\n", got);
	return 0;
}

#define SPRAY_MAX 4096

/* "A:P,B:Q,...": the destinations of spray; how many, or -1 */
static int parse_dests(char *list, struct endpoint *to, int max)
{
	char *save = NULL, *one;
	int n = 0;

	for (one = strtok_r(list, ",", &save); one;
	     one = strtok_r(NULL, ",", &save)) {
		if (n == max || endpoint_parse(one, false, &to[n]) ||
		    !to[n].port)
			return -1;
		n++;
	}
	return n ? n : -1;
}

static int do_spray(const struct endpoint *bind_ep, char *list, long rounds,
		    long size, long gap_us, const struct endpoint *from,
		    long timeout_ms)
{
	struct tally t = {};
	static struct endpoint to[SPRAY_MAX];
	static struct sockaddr_storage ss[SPRAY_MAX];
	static socklen_t len[SPRAY_MAX];
	unsigned char buf[MAX_SIZE];
	int n = parse_dests(list, to, SPRAY_MAX), fd, i;
	long r, sent = 0;

	if (n < 0) {
		fprintf(stderr, "udp_peer: bad destination list\n");
		return 2;
	}
	for (i = 0; i < n; i++)
		len[i] = sockaddr_of(&to[i], &ss[i]);
	fd = open_bound(bind_ep);
	if (fd < 0) {
		perror("udp_peer: bind");
		return 1;
	}
	/* a round lands as a burst of n packets: room for many rounds, so a
	 * busy test machine does not count its own socket's drops as loss */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 16 << 20 },
		   sizeof(int));
	/* the other phone starts at about the same time: let it bind first */
	usleep(200000);
	for (r = 0; r < rounds; r++) {
		memset(buf, (int)(r & 0xff), size);
		fill_rtp(buf, size, r);
		for (i = 0; i < n; i++) {
			if (sendto(fd, buf, size, 0, (struct sockaddr *)&ss[i],
				   len[i]) < 0)
				perror("udp_peer: sendto");
			else
				sent++;
		}
		drain(fd, from, &t);
		usleep(gap_us);
	}
	collect(fd, from, rounds * n, now_ms() + timeout_ms, &t);
	close(fd);
	printf("sent %ld ", sent);
	return report(&t, rounds * n) || sent != rounds * n;
}

/*
 * rtp: the RTP of many calls, each stream at a phone's pace, for
 * tools/bench/calls. LIST holds a stream a line, "BIND:PORT DEST:PORT";
 * a line "netns NAME" opens the sockets of the lines after it in that
 * namespace (as `ip netns` names it), so one process can be both phones.
 * Streams with the same BIND share one socket, as a phone's calls share
 * its media port. Each stream sends PPS packets a second for SECONDS:
 * SIZE bytes with an RTP header (version 2, PT 0, an SSRC of its own,
 * sequence +1 and timestamp +8000/PPS a packet), the streams' packets
 * spread evenly over each 1/PPS s and sent with sendmmsg(), up to
 * RTP_BATCH consecutive streams of one socket at a time, at most
 * RTP_EARLY_S ahead of their time. Every socket receives meanwhile and
 * counts what arrives, "from-expected" when it comes from the address
 * (any port) of its first stream's destination: the relay's. After the
 * last send it waits up to WAIT_MS for the rest (it stops sending sooner
 * when it falls RTP_GIVE_UP_S behind its schedule), then prints
 *   sent N received M from-expected K secs S late_ms L max_lag_ms X
 *   send_errors E
 * on one line: secs from the first send to the last; late_ms how far
 * behind its schedule the last packet went out, max_lag_ms the most any
 * batch was: a sender that cannot keep the pace shows it there.
 */
#define RTP_MAX_STREAMS 100000
#define RTP_MAX_SOCKS 16
#define RTP_BATCH 64
#define RTP_EARLY_S 0.001
/* this far behind, the pace is lost for good: stop and say so */
#define RTP_GIVE_UP_S 1.0

struct rtp_stream {
	struct sockaddr_storage to;
	socklen_t len;
	int sock; /* index in rtp_run.socks */
	__u32 ssrc, ts0;
	__u16 seq0;
};

struct rtp_sock {
	int fd;
	int netns; /* how many "netns" lines came before it */
	struct endpoint bind;
	struct endpoint expect; /* the address packets should come from */
};

struct rtp_run {
	struct rtp_stream *streams;
	int nstreams;
	struct rtp_sock socks[RTP_MAX_SOCKS];
	int nsocks;
	long size, pps;
	struct tally t;
	__u32 rand;
};

static __u32 rtp_random(struct rtp_run *r)
{
	/* xorshift32: distinct SSRCs and starting points, nothing more */
	r->rand ^= r->rand << 13;
	r->rand ^= r->rand >> 17;
	r->rand ^= r->rand << 5;
	return r->rand;
}

static bool same_bind(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && a->port == b->port &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* the socket bound to bind in the current namespace, opened on first use */
static int rtp_sock_for(struct rtp_run *r, const struct endpoint *bind,
			const struct endpoint *dest, int netns)
{
	struct rtp_sock *s;
	int i;

	for (i = 0; i < r->nsocks; i++)
		if (r->socks[i].netns == netns &&
		    same_bind(&r->socks[i].bind, bind))
			return i;
	if (r->nsocks == RTP_MAX_SOCKS) {
		fprintf(stderr, "udp_peer: more than %d sockets\n",
			RTP_MAX_SOCKS);
		return -1;
	}
	s = &r->socks[r->nsocks];
	s->fd = open_bound(bind);
	if (s->fd < 0) {
		perror("udp_peer: bind");
		return -1;
	}
	/* bursts of thousands of calls' packets: room for a few periods */
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ 32 << 20 },
		   sizeof(int));
	s->netns = netns;
	s->bind = *bind;
	s->expect = *dest;
	s->expect.port = 0;
	return r->nsocks++;
}

/* one line of LIST: a stream, a namespace, or nothing; 0 or -1 */
static int rtp_line(struct rtp_run *r, char *line, int *netns)
{
	struct endpoint bind, dest;
	struct rtp_stream *st;
	char a[128], b[128];
	int n = sscanf(line, "%127s %127s", a, b), err;

	if (n < 1 || a[0] == '#')
		return 0;
	if (!strcmp(a, "netns") && n == 2) {
		err = netns_enter(b);
		if (err) {
			fprintf(stderr, "udp_peer: netns %s: %s\n", b,
				strerror(-err));
			return -1;
		}
		(*netns)++;
		return 0;
	}
	if (n != 2 || endpoint_parse(a, false, &bind) ||
	    endpoint_parse(b, false, &dest) || r->nstreams == RTP_MAX_STREAMS)
		return -1;
	st = &r->streams[r->nstreams];
	st->sock = rtp_sock_for(r, &bind, &dest, *netns);
	if (st->sock < 0)
		return -1;
	st->len = sockaddr_of(&dest, &st->to);
	st->ssrc = rtp_random(r);
	st->ts0 = rtp_random(r);
	st->seq0 = rtp_random(r);
	r->nstreams++;
	return 0;
}

static int rtp_load(struct rtp_run *r, const char *path)
{
	char line[300];
	int lineno = 0, netns = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror("udp_peer: rtp list");
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (rtp_line(r, line, &netns)) {
			fprintf(stderr,
				"udp_peer: %s:%d: bad stream (BIND:PORT "
				"DEST:PORT or netns NAME; at most %d)\n",
				path, lineno, RTP_MAX_STREAMS);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!r->nstreams)
		fprintf(stderr, "udp_peer: %s: no streams\n", path);
	return r->nstreams ? 0 : -1;
}

/* the RTP header of a stream's packet in round `round` */
static void rtp_header(unsigned char *buf, const struct rtp_stream *st,
		       long round, long pps)
{
	__u16 seq = st->seq0 + round;
	__u32 ts = st->ts0 + round * (8000 / pps);

	buf[0] = 0x80; /* version 2 */
	buf[1] = 0; /* PCMU */
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[4] = ts >> 24;
	buf[5] = ts >> 16;
	buf[6] = ts >> 8;
	buf[7] = ts;
	buf[8] = st->ssrc >> 24;
	buf[9] = st->ssrc >> 16;
	buf[10] = st->ssrc >> 8;
	buf[11] = st->ssrc;
}

/* read whatever is queued on every socket, without blocking */
static void rtp_drain(struct rtp_run *r)
{
	static unsigned char bufs[RTP_BATCH][MAX_SIZE + 1];
	static struct sockaddr_storage from[RTP_BATCH];
	struct mmsghdr msgs[RTP_BATCH];
	struct iovec iov[RTP_BATCH];
	int i, k, n;

	for (i = 0; i < r->nsocks; i++) {
		do {
			for (k = 0; k < RTP_BATCH; k++) {
				iov[k] = (struct iovec){ bufs[k],
							 sizeof(bufs[k]) };
				msgs[k] = (struct mmsghdr){
					.msg_hdr = { .msg_name = &from[k],
						     .msg_namelen =
							     sizeof(from[k]),
						     .msg_iov = &iov[k],
						     .msg_iovlen = 1 }
				};
			}
			n = recvmmsg(r->socks[i].fd, msgs, RTP_BATCH,
				     MSG_DONTWAIT, NULL);
			for (k = 0; k < n; k++) {
				r->t.got++;
				r->t.bytes += msgs[k].msg_len;
				if (same_endpoint(&from[k],
						  &r->socks[i].expect))
					r->t.expected++;
			}
		} while (n == RTP_BATCH);
	}
}

/* receive until the monotonic time `until` (seconds) */
static void rtp_wait(struct rtp_run *r, double until)
{
	struct pollfd pfd[RTP_MAX_SOCKS];
	struct timespec ts;
	double left = until - now_sec();
	int i;

	if (left <= 0)
		return;
	for (i = 0; i < r->nsocks; i++)
		pfd[i] = (struct pollfd){ .fd = r->socks[i].fd,
					  .events = POLLIN };
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	if (ppoll(pfd, r->nsocks, &ts, NULL) > 0)
		rtp_drain(r);
}

/*
 * Send packets [j, due) as far as one sendmmsg() goes: consecutive streams
 * on one socket. Returns how many packets it used up, sent or not; counts
 * the ones that failed in *errors.
 */
static long rtp_send(struct rtp_run *r, long j, long due, long *errors)
{
	static unsigned char bufs[RTP_BATCH][MAX_SIZE];
	struct mmsghdr msgs[RTP_BATCH];
	struct iovec iov[RTP_BATCH];
	int first = j % r->nstreams, sock = r->streams[first].sock, k, n;
	long round = j / r->nstreams;

	for (k = 0; k < RTP_BATCH && k < due - j && first + k < r->nstreams;
	     k++) {
		struct rtp_stream *st = &r->streams[first + k];

		if (st->sock != sock)
			break;
		if (bufs[k][12] != 0xff) /* the payload: PCMU silence */
			memset(bufs[k], 0xff, sizeof(bufs[k]));
		rtp_header(bufs[k], st, round, r->pps);
		iov[k] = (struct iovec){ bufs[k], r->size };
		msgs[k] = (struct mmsghdr){ .msg_hdr = { .msg_name = &st->to,
							 .msg_namelen = st->len,
							 .msg_iov = &iov[k],
							 .msg_iovlen = 1 } };
	}
	n = sendmmsg(r->socks[sock].fd, msgs, k, 0);
	if (n == k)
		return k;
	/* the packet after the last one sent failed: skip it */
	(*errors)++;
	return (n > 0 ? n : 0) + 1;
}

static int do_rtp(const char *list, long seconds, long pps, long size,
		  long wait_ms)
{
	struct rtp_run r = { .size = size, .pps = pps };
	double t0, first = 0, last = 0, lag, max_lag = -1, deadline;
	long j = 0, total, rate, errors = 0, used, i;

	r.rand = (__u32)time(NULL) ^ ((__u32)getpid() << 16) ^ 0x9e3779b9;
	r.streams = calloc(RTP_MAX_STREAMS, sizeof(*r.streams));
	if (!r.streams || rtp_load(&r, list))
		return 2;
	rate = r.nstreams * pps;
	total = rate * seconds;
	t0 = now_sec();
	while (j < total) {
		double now = now_sec(), due_at = t0 + (double)j / rate;

		if (now + RTP_EARLY_S < due_at) {
			rtp_wait(&r, due_at - RTP_EARLY_S);
			continue;
		}
		lag = now - due_at;
		if (lag > max_lag)
			max_lag = lag;
		if (lag > RTP_GIVE_UP_S)
			break;
		i = (long)((now + RTP_EARLY_S - t0) * rate) + 1;
		used = rtp_send(&r, j, i < total ? i : total, &errors);
		if (!j)
			first = now;
		j += used;
		last = now_sec();
		rtp_drain(&r);
	}
	deadline = now_sec() + wait_ms / 1000.0;
	while (r.t.got < j - errors && now_sec() < deadline)
		rtp_wait(&r, deadline);
	for (i = 0; i < r.nsocks; i++)
		close(r.socks[i].fd);
	free(r.streams);
	printf("sent %ld received %ld from-expected %ld secs %.3f late_ms %.1f "
	       "max_lag_ms %.1f send_errors %ld\n",
	       j - errors, r.t.got, r.t.expected, last - first,
	       (last - (t0 + (double)(j - 1) / rate)) * 1000, max_lag * 1000,
	       errors);
	if (j < total || errors)
		return 1;
	return r.t.got == total && r.t.expected == total ? 0 : 1;
}

static int usage(void);

/* udp_peer rtp LIST SECONDS PPS SIZE WAIT_MS */
static int rtp_main(char **argv)
{
	long seconds = strtol(argv[3], NULL, 10);
	long pps = strtol(argv[4], NULL, 10);
	long size = strtol(argv[5], NULL, 10);
	long wait_ms = strtol(argv[6], NULL, 10);

	if (seconds < 1 || seconds > 600 || pps < 1 || pps > 1000 ||
	    size < 12 || size > MAX_SIZE || wait_ms < 0 || wait_ms > 60000)
		return usage();
	return do_rtp(argv[2], seconds, pps, size, wait_ms);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: udp_peer send BIND:PORT DEST:PORT COUNT [SIZE "
		"[rtp[:FIRST:LOSE] [GAP_US]]]\n"
		"       udp_peer recv BIND:PORT FROM:PORT COUNT TIMEOUT_MS\n"
		"       udp_peer talk BIND:PORT PEER:PORT COUNT SIZE GAP_US "
		"TIMEOUT_MS\n"
		"       udp_peer probe BIND:PORT DEST:PORT COUNT WAIT_MS "
		"< MESSAGE\n"
		"       udp_peer spray BIND:PORT DEST:PORT,... ROUNDS SIZE "
		"GAP_US FROM[:PORT] TIMEOUT_MS\n"
		"       udp_peer rtp LIST SECONDS PPS SIZE WAIT_MS\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct rtp_plan rtp = { 0 };
	struct endpoint a, b;
	long count, arg4, gap_us, timeout;

	if (argc == 9 && !strcmp(argv[1], "spray") &&
	    !endpoint_parse(argv[2], false, &a) &&
	    !endpoint_parse(argv[7], true, &b)) {
		count = strtol(argv[4], NULL, 10);
		arg4 = strtol(argv[5], NULL, 10);
		gap_us = strtol(argv[6], NULL, 10);
		timeout = strtol(argv[8], NULL, 10);
		if (count < 1 || count > 1000000 || arg4 < 12 ||
		    arg4 > MAX_SIZE || gap_us < 0 || gap_us > 1000000 ||
		    timeout < 1 || timeout > 600000)
			return usage();
		return do_spray(&a, argv[3], count, arg4, gap_us, &b, timeout);
	}
	if (argc == 7 && !strcmp(argv[1], "rtp"))
		return rtp_main(argv);
	if (argc < 5 || endpoint_parse(argv[2], false, &a) ||
	    endpoint_parse(argv[3], false, &b))
		return usage();
	count = strtol(argv[4], NULL, 10);
	arg4 = argc > 5 ? strtol(argv[5], NULL, 10) : 172;
	if (count < 1 || count > 10000000)
		return usage();
	if (!strcmp(argv[1], "send")) {
		if (arg4 < 1 || arg4 > MAX_SIZE)
			return usage();
		gap_us = argc > 7 ? strtol(argv[7], NULL, 10) : 0;
		if (gap_us < 0 || gap_us > 1000000)
			return usage();
		/* another word there: plain datagrams, as ever */
		if (argc > 6 && !strncmp(argv[6], "rtp", 3) &&
		    parse_rtp_plan(argv[6], &rtp))
			return usage();
		return do_send(&a, &b, count, arg4, &rtp, gap_us);
	}
	if (!strcmp(argv[1], "recv") && argc == 6 && arg4 > 0 && arg4 <= 600000)
		return do_recv(&a, &b, count, arg4);
	if (!strcmp(argv[1], "probe") && argc == 6 && arg4 >= 0 &&
	    arg4 <= 60000)
		return do_probe(&a, &b, count, arg4);
	if (!strcmp(argv[1], "talk") && argc == 8 && arg4 > 0 &&
	    arg4 <= MAX_SIZE) {
		gap_us = strtol(argv[6], NULL, 10);
		timeout = strtol(argv[7], NULL, 10);
		if (gap_us >= 0 && gap_us <= 1000000 && timeout > 0 &&
		    timeout <= 600000)
			return do_talk(&a, &b, count, arg4, gap_us, timeout);
	}
	return usage();
}
