/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Socket addresses of SIP peers and listeners, IPv4 or IPv6, and the peer
 * a message came from or goes to (address, transport, and for TCP the
 * connection it rides on).
 */
#ifndef SIPHOND_SOCKADDR_H
#define SIPHOND_SOCKADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sip/sip_str.h"

union sd_sockaddr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
};

enum sd_proto {
	SD_PROTO_UDP,
	SD_PROTO_TCP,
};

/* "UDP" or "TCP", as a Via writes it */
const char *sd_proto_name(enum sd_proto p);

struct sd_peer {
	union sd_sockaddr addr; /* the far end */
	enum sd_proto proto;
	uint16_t listener; /* the local socket it came in on or leaves from */
	uint32_t conn; /* TCP: the connection's handle, 0 when none yet */
};

/*
 * "198.18.1.1", "198.18.1.1:5060", "[2001:db8::1]:5060", "2001:db8::1"
 * (a bare IPv6 address has no port). A missing port is default_port.
 * Names are not resolved. Returns 0 or -EINVAL.
 */
int sd_sockaddr_parse(const char *text, uint16_t default_port,
		      union sd_sockaddr *out);
/* the same, from a URI or Via host (brackets optional) and a port */
int sd_sockaddr_from_host(struct sip_str host, uint16_t port,
			  union sd_sockaddr *out);
/* "198.18.1.1:5060" or "[2001:db8::1]:5060"; returns buf */
#define SD_ADDRSTRLEN 56
const char *sd_sockaddr_str(const union sd_sockaddr *a, char *buf, size_t len);
/* the address alone, IPv6 without brackets: for Via received= */
const char *sd_sockaddr_host(const union sd_sockaddr *a, char *buf, size_t len);
uint16_t sd_sockaddr_port(const union sd_sockaddr *a);
socklen_t sd_sockaddr_len(const union sd_sockaddr *a);
/*
 * A non-blocking TCP listening socket on a: SO_REUSEADDR (a restart finds
 * the port with connections in TIME_WAIT) and, for IPv6, IPv6 only, as
 * the UDP listeners do. The fd, or -errno.
 */
int sd_listen_stream(const union sd_sockaddr *a, int backlog);
bool sd_sockaddr_eq(const union sd_sockaddr *a, const union sd_sockaddr *b);
/* a in prefix/plen (same family) */
bool sd_sockaddr_in_prefix(const union sd_sockaddr *a,
			   const union sd_sockaddr *prefix, unsigned int plen);

#endif /* SIPHOND_SOCKADDR_H */
