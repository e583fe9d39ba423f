// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoint.h"
#include "siphon/flow.h"

static int parse_port(const char *text, __be16 *port)
{
	char *end;
	long val;

	if (!*text || *text == '-' || *text == '+')
		return -EINVAL;
	errno = 0;
	val = strtol(text, &end, 10);
	if (errno || *end || val < 1 || val > 65535)
		return -EINVAL;
	*port = htons((__u16)val);
	return 0;
}

static int parse_addr(const char *text, struct endpoint *ep)
{
	memset(ep->addr, 0, sizeof(ep->addr));
	if (inet_pton(AF_INET, text, &ep->addr[0]) == 1) {
		ep->family = SIPHON_AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, text, ep->addr) == 1) {
		ep->family = SIPHON_AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int endpoint_parse(const char *text, bool port_optional, struct endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *colon;
	size_t len;

	memset(ep, 0, sizeof(*ep));
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close)
			return -EINVAL;
		len = close - text - 1;
		text++;
		if (close[1] == ':')
			port = close + 2;
		else if (close[1])
			return -EINVAL;
	} else {
		colon = strchr(text, ':');
		/* more than one colon and no brackets: a bare IPv6 address */
		if (colon && !strchr(colon + 1, ':'))
			port = colon + 1;
		len = port ? (size_t)(colon - text) : strlen(text);
	}
	if (!len || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, len);
	host[len] = '\0';

	if (parse_addr(host, ep))
		return -EINVAL;
	if (port)
		return parse_port(port, &ep->port);
	return port_optional ? 0 : -EINVAL;
}

const char *endpoint_str(const struct endpoint *ep, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	char port[8] = "*";

	if (ep->port)
		snprintf(port, sizeof(port), "%u", ntohs(ep->port));
	if (ep->family == SIPHON_AF_INET6) {
		inet_ntop(AF_INET6, ep->addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%s", host, port);
	} else {
		inet_ntop(AF_INET, &ep->addr[0], host, sizeof(host));
		snprintf(buf, len, "%s:%s", host, port);
	}
	return buf;
}
