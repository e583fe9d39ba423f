/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIP transports: UDP (transport_udp.c: recvmmsg in, a sendmmsg batch out
 * flushed once per loop wake-up) and TCP (transport_tcp.c: listeners,
 * outgoing connections, Content-Length framing, RFC 5626 keep-alives,
 * idle timeout, a bounded connection table). Both hand every complete
 * message to one deliver function with the peer it came from; neither
 * parses more than framing.
 */
#ifndef SIPHOND_TRANSPORT_H
#define SIPHOND_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "counters.h"
#include "evloop.h"
#include "sockaddr.h"

/* msg is writable and valid only during the call */
typedef void (*sd_deliver_fn)(void *arg, const struct sd_peer *from,
			      char *msg, size_t len);

#define SD_RECV_BATCH 32
#define SD_SEND_BATCH 64
#define SD_DGRAM_MAX 65535

/* transport_udp.c */
#define UDP_COUNTERS(X)                                                      \
	X(rx_datagrams)                                                      \
	X(rx_bytes)                                                          \
	X(rx_keepalives) /* CRLFCRLF pings, answered with CRLF */            \
	X(rx_errors)                                                         \
	X(tx_datagrams)                                                      \
	X(tx_bytes)                                                          \
	X(tx_errors)                                                         \
	X(tx_queue_full) /* the send batch bound hit: dropped */

struct udp_stats {
	UDP_COUNTERS(SD_COUNTER_FIELD)
};

struct udp_transport;

struct udp_transport *udp_new(struct evloop *l, sd_deliver_fn fn, void *arg);
void udp_free(struct udp_transport *u);
/* bind a listener; index is what struct sd_peer.listener names */
int udp_listen(struct udp_transport *u, uint16_t index,
	       const union sd_sockaddr *addr);
/* queue a datagram from listener to->listener; sent at the loop's flush */
int udp_send(struct udp_transport *u, const struct sd_peer *to,
	     const char *buf, size_t len);
void udp_flush(struct udp_transport *u);
const struct udp_stats *udp_stats(const struct udp_transport *u);

/* transport_tcp.c */
#define TCP_COUNTERS(X)                                                      \
	X(accepted)                                                          \
	X(connected)                                                         \
	X(connect_failed)                                                    \
	X(refused_full) /* past tcp_max_connections: counted, closed */      \
	X(closed_idle)                                                       \
	X(closed_peer)                                                       \
	X(closed_error)                                                      \
	X(framing_errors) /* bad Content-Length etc.: conn closed */         \
	X(rx_messages)                                                       \
	X(rx_bytes)                                                          \
	X(rx_pings)                                                          \
	X(tx_messages)                                                       \
	X(tx_bytes)                                                          \
	X(tx_errors)                                                         \
	X(tx_queue_full) /* output buffer bound hit: conn closed */          \
	X(open) /* a gauge: connections open now */

struct tcp_stats {
	TCP_COUNTERS(SD_COUNTER_FIELD)
};

struct tcp_transport;

struct tcp_transport *tcp_new(struct evloop *l, uint32_t max_conns,
			      uint32_t idle_ms, sd_deliver_fn fn, void *arg);
void tcp_free(struct tcp_transport *t);
int tcp_listen(struct tcp_transport *t, uint16_t index,
	       const union sd_sockaddr *addr);
/*
 * Send one message to `to`. Uses to->conn while that connection lives;
 * else any open connection to to->addr; else connects (non-blocking,
 * from listener to->listener's address) and queues the bytes until the
 * connection is up. Sets to->conn to the connection used. Returns 0 or
 * -errno (-ENOBUFS: output bound, -EMFILE: table full).
 */
int tcp_send(struct tcp_transport *t, struct sd_peer *to, const char *buf,
	     size_t len);
const struct tcp_stats *tcp_stats(const struct tcp_transport *t);

#endif /* SIPHOND_TRANSPORT_H */
