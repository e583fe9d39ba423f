// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <time.h>
#include <sys/socket.h>

#include "nl.h"

int nl_open(struct nl_conn *nl)
{
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID)) {
		int err = -errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = time(NULL);
	return 0;
}

void nl_close(struct nl_conn *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

struct nlmsghdr *nl_request(struct nl_conn *nl, __u16 type, __u16 flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);

	nlh->nlmsg_type = type;
	/* the ACK ends every exchange, replies or not (a dump ends at its
	 * NLMSG_DONE instead: the kernel sends no ACK after one) */
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

int nl_talk(struct nl_conn *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int seq = nlh->nlmsg_seq;
	ssize_t len;
	int ret;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		len = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (len < 0)
			return -errno;
		ret = mnl_cb_run(nl->buf, len, seq, nl->portid, cb, data);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

struct mnl_socket *nl_watch_open(unsigned int groups)
{
	struct mnl_socket *sock =
		mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (!sock)
		return NULL;
	if (mnl_socket_bind(sock, groups, MNL_SOCKET_AUTOPID)) {
		int err = errno;

		mnl_socket_close(sock);
		errno = err;
		return NULL;
	}
	return sock;
}

int nl_watch_drain(struct mnl_socket *sock, mnl_cb_t cb, void *data)
{
	char buf[8192];
	bool lost = false;
	ssize_t len;
	int n = 0;

	for (;;) {
		len = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		if (len < 0 && errno == ENOBUFS) {
			/* events were lost; read on, then say so */
			lost = true;
			continue;
		}
		if (len < 0)
			break;
		n++;
		/* portid and seq 0: events come from the kernel unasked */
		if (cb)
			mnl_cb_run(buf, len, 0, 0, cb, data);
	}
	if (lost)
		return -ENOBUFS;
	return errno == EAGAIN || errno == EWOULDBLOCK ? n : -errno;
}
