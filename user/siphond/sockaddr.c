// SPDX-License-Identifier: GPL-2.0-only
/* Socket addresses: parse, print, compare. See sockaddr.h. */
#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "fmt.h"

const char *sd_proto_name(enum sd_proto p)
{
	return p == SD_PROTO_TCP ? "TCP" : "UDP";
}

static int parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int fill(const char *host, uint16_t port, union sd_sockaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, host, &out->in.sin_addr) == 1) {
		out->in.sin_family = AF_INET;
		out->in.sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &out->in6.sin6_addr) == 1) {
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}

int sd_sockaddr_parse(const char *text, uint16_t default_port,
		      union sd_sockaddr *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *colon, *hs = text;
	size_t hlen;
	uint16_t port = default_port;

	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			return -EINVAL;
		hs = text + 1;
		hlen = (size_t)(close - hs);
		if (close[1] == ':') {
			if (parse_port(close + 2, &port))
				return -EINVAL;
		} else if (close[1]) {
			return -EINVAL;
		}
	} else {
		colon = strchr(text, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 address */
		hlen = colon ? (size_t)(colon - text) : strlen(text);
		if (colon && parse_port(colon + 1, &port))
			return -EINVAL;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, hs, hlen);
	host[hlen] = 0;
	return fill(host, port, out);
}

int sd_sockaddr_from_host(struct sip_str host, uint16_t port,
			  union sd_sockaddr *out)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (host.len >= 2 && host.p[0] == '[' && host.p[host.len - 1] == ']') {
		host.p++;
		host.len -= 2;
	}
	if (host.len == 0 || host.len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, host.p, host.len);
	buf[host.len] = 0;
	return fill(buf, port, out);
}

/*
 * A dotted quad by hand: the proxy writes the sender's address into every
 * request's Via (received=), and glibc's inet_ntop() spends ~1,700
 * instructions on it through sprintf().
 */
static bool ipv4_text(const struct in_addr *a, char *buf, size_t len)
{
	const uint8_t *b = (const uint8_t *)&a->s_addr;
	char *p = buf;
	int i;

	if (len < INET_ADDRSTRLEN)
		return false;
	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = sd_put_u32(p, b[i]);
	}
	*p = 0;
	return true;
}

const char *sd_sockaddr_host(const union sd_sockaddr *a, char *buf, size_t len)
{
	const void *src = a->sa.sa_family == AF_INET6 ?
				  (const void *)&a->in6.sin6_addr :
				  (const void *)&a->in.sin_addr;

	if (a->sa.sa_family == AF_INET && ipv4_text(&a->in.sin_addr, buf, len))
		return buf;
	if (!inet_ntop(a->sa.sa_family, src, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

const char *sd_sockaddr_str(const union sd_sockaddr *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	sd_sockaddr_host(a, host, sizeof(host));
	if (a->sa.sa_family == AF_INET6)
		snprintf(buf, len, "[%s]:%u", host, sd_sockaddr_port(a));
	else
		snprintf(buf, len, "%s:%u", host, sd_sockaddr_port(a));
	return buf;
}

uint16_t sd_sockaddr_port(const union sd_sockaddr *a)
{
	return ntohs(a->sa.sa_family == AF_INET6 ? a->in6.sin6_port :
						   a->in.sin_port);
}

socklen_t sd_sockaddr_len(const union sd_sockaddr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->in6) : sizeof(a->in);
}

bool sd_sockaddr_eq(const union sd_sockaddr *a, const union sd_sockaddr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16);
	return a->in.sin_port == b->in.sin_port &&
	       a->in.sin_addr.s_addr == b->in.sin_addr.s_addr;
}

bool sd_sockaddr_in_prefix(const union sd_sockaddr *a,
			   const union sd_sockaddr *prefix, unsigned int plen)
{
	const uint8_t *x, *y;
	unsigned int bits, i;

	if (a->sa.sa_family != prefix->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET6) {
		x = a->in6.sin6_addr.s6_addr;
		y = prefix->in6.sin6_addr.s6_addr;
		bits = 128;
	} else {
		x = (const uint8_t *)&a->in.sin_addr;
		y = (const uint8_t *)&prefix->in.sin_addr;
		bits = 32;
	}
	if (plen > bits)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (x[i] != y[i])
			return false;
	if (plen % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - plen % 8));

		if ((x[i] ^ y[i]) & mask)
			return false;
	}
	return true;
}

int sd_listen_stream(const union sd_sockaddr *a, int backlog)
{
	int fd, on = 1, ret;

	fd = socket(a->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)))
		goto fail;
	if (a->sa.sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)))
		goto fail;
	if (bind(fd, &a->sa, sd_sockaddr_len(a)) || listen(fd, backlog))
		goto fail;
	return fd;
fail:
	ret = -errno;
	close(fd);
	return ret;
}
