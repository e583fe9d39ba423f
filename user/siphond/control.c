// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control socket on siphond's event loop. See control.h.
 *
 * Each client has one request buffer of SIPHON_CONTROL_REQUEST_MAX bytes
 * and at most one answer being written: while an answer waits for the
 * socket to drain, the client's further requests wait in the kernel, so a
 * client that sends many requests and reads none holds one answer's
 * memory, not one per request. Nothing here blocks: a slow client only
 * keeps its own slot, and loses it after [control] idle_s of silence.
 */
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_proto.h"
#include "log.h"
#include "siphond.h"

#define CONTROL_BACKLOG 16

struct ctl_client {
	struct ev_handler h; /* h.fd < 0: a free slot */
	struct control *c;
	uid_t uid;
	char *in; /* SIPHON_CONTROL_REQUEST_MAX bytes */
	size_t in_len;
	char *out; /* the answer being written, with its newline */
	size_t out_len, out_sent;
	bool eof; /* the client shut its side: answer, then close */
	bool closing; /* close once the answer is out */
	struct tw_timer idle;
};

struct control {
	struct ev_handler listener;
	struct siphond *d;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev; /* the socket file we made, so close removes only it */
	ino_t ino;
	bool group_set;
	gid_t gid;
	uint64_t idle_ms;
	uint64_t started_ms;
	struct ctl_client clients[CONTROL_CLIENTS_MAX];
	struct control_stats stats;
};

const struct control_stats *control_stats(const struct control *c)
{
	return &c->stats;
}

uint64_t control_started_ms(const struct control *c)
{
	return c->started_ms;
}

static void client_close(struct ctl_client *cl)
{
	struct control *c = cl->c;

	evloop_cancel(&c->d->loop, &cl->idle);
	evloop_del(&c->d->loop, &cl->h);
	close(cl->h.fd);
	cl->h.fd = -1;
	free(cl->in);
	free(cl->out);
	cl->in = cl->out = NULL;
	cl->in_len = cl->out_len = cl->out_sent = 0;
	c->stats.clients--;
}

static void on_idle(struct tw_timer *t)
{
	struct ctl_client *cl =
		(struct ctl_client *)((char *)t -
				      offsetof(struct ctl_client, idle));

	pr_debug("control: client uid %u idle, closed\n",
		 (unsigned int)cl->uid);
	cl->c->stats.idle_closed++;
	client_close(cl);
}

/*
 * Write what the socket takes of the pending answer. 0: all of it is
 * out; 1: the rest waits for EPOLLOUT; -errno: the client is gone.
 */
static int flush_out(struct ctl_client *cl)
{
	ssize_t n;

	while (cl->out_sent < cl->out_len) {
		n = send(cl->h.fd, cl->out + cl->out_sent,
			 cl->out_len - cl->out_sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1;
		if (n < 0)
			return -errno;
		cl->out_sent += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_sent = 0;
	return 0;
}

/* the answer, compact (so on one line), as the pending output */
static int set_answer(struct ctl_client *cl, json_t *ans)
{
	char *text;
	size_t len;

	text = ans ? json_dumps(ans, JSON_COMPACT) : NULL;
	json_decref(ans);
	if (!text)
		return -ENOMEM;
	len = strlen(text);
	/* one more byte for the newline that ends the answer */
	cl->out = realloc(text, len + 1);
	if (!cl->out) {
		free(text);
		return -ENOMEM;
	}
	cl->out[len] = '\n';
	cl->out_len = len + 1;
	cl->out_sent = 0;
	return 0;
}

/* the request line at in[0..len), the rest of the buffer moved up */
static void take_line(struct ctl_client *cl, size_t len, size_t used)
{
	struct control *c = cl->c;
	size_t i = 0;

	/* blank lines (a human at the socket pressing Enter) are no request */
	while (i < len &&
	       (cl->in[i] == ' ' || cl->in[i] == '\t' || cl->in[i] == '\r'))
		i++;
	if (i < len &&
	    set_answer(cl, control_dispatch(c->d, cl->in, len, &c->stats)))
		cl->closing = true; /* out of memory: nothing to say */
	memmove(cl->in, cl->in + used, cl->in_len - used);
	cl->in_len -= used;
}

/*
 * Answer the buffered requests one at a time, each once the one before is
 * written out. Returns what flush_out() did with the last answer.
 */
static int serve(struct ctl_client *cl)
{
	struct control *c = cl->c;
	char *nl;
	int ret;

	for (;;) {
		ret = flush_out(cl);
		if (ret || cl->closing)
			return ret;
		nl = memchr(cl->in, '\n', cl->in_len);
		if (nl) {
			take_line(cl, (size_t)(nl - cl->in),
				  (size_t)(nl - cl->in) + 1);
			continue;
		}
		if (cl->in_len == SIPHON_CONTROL_REQUEST_MAX) {
			c->stats.too_long++;
			cl->closing = true;
			if (set_answer(cl,
				       control_error(
					       CONTROL_ERR_BAD_REQUEST,
					       "request longer than %d bytes",
					       SIPHON_CONTROL_REQUEST_MAX)))
				return 0;
			continue;
		}
		/* a last request without its newline still gets its answer */
		if (cl->eof && cl->in_len) {
			take_line(cl, cl->in_len, cl->in_len);
			continue;
		}
		if (cl->eof)
			cl->closing = true;
		return 0;
	}
}

/* read what fits; 0 when the buffer is full or the socket empty */
static int fill_in(struct ctl_client *cl)
{
	ssize_t n;

	while (cl->in_len < SIPHON_CONTROL_REQUEST_MAX && !cl->eof) {
		n = recv(cl->h.fd, cl->in + cl->in_len,
			 SIPHON_CONTROL_REQUEST_MAX - cl->in_len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0)
			return -errno;
		if (n == 0)
			cl->eof = true;
		cl->in_len += (size_t)n;
		/* a whole request: answer it before reading on */
		if (memchr(cl->in + cl->in_len - n, '\n', (size_t)n))
			return 0;
	}
	return 0;
}

static void on_client(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct ctl_client *cl = (struct ctl_client *)h;
	int ret;

	/* closed by its idle timer earlier in this wake-up */
	if (h->fd < 0)
		return;
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !cl->out &&
	    fill_in(cl) < 0) {
		cl->c->stats.write_errors++;
		client_close(cl);
		return;
	}
	ret = serve(cl);
	if (ret < 0) {
		cl->c->stats.write_errors++;
		client_close(cl);
		return;
	}
	if (ret == 0 && cl->closing) {
		client_close(cl);
		return;
	}
	/* waiting for room to write, or for the next request */
	evloop_mod(l, h, ret ? EPOLLOUT : EPOLLIN);
	evloop_arm(l, &cl->idle, cl->c->idle_ms);
}

/* one line to a client we do not keep, then close it */
static void refuse(int fd, json_t *ans)
{
	char *text = ans ? json_dumps(ans, JSON_COMPACT) : NULL;

	json_decref(ans);
	/* an empty socket buffer takes a short line whole, or not at all */
	if (text) {
		if (send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) >=
		    0)
			send(fd, "\n", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		free(text);
	}
	close(fd);
}

static struct ctl_client *free_slot(struct control *c)
{
	unsigned int i;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].h.fd < 0)
			return &c->clients[i];
	return NULL;
}

static void accept_one(struct control *c, int fd)
{
	struct ctl_client *cl;
	uid_t uid;

	c->stats.connections++;
	if (!control_peer_check(fd, c->group_set, c->gid, &uid)) {
		c->stats.denied++;
		pr_warn("control: uid %d denied\n", (int)uid);
		refuse(fd,
		       control_error(CONTROL_ERR_DENIED, "permission denied"));
		return;
	}
	cl = free_slot(c);
	if (!cl) {
		c->stats.refused_busy++;
		refuse(fd, control_error(CONTROL_ERR_BUSY,
					 "too many clients (at most %d)",
					 CONTROL_CLIENTS_MAX));
		return;
	}
	memset(cl, 0, sizeof(*cl));
	cl->c = c;
	cl->uid = uid;
	cl->h.fd = fd;
	cl->h.fn = on_client;
	tw_timer_init(&cl->idle, on_idle);
	cl->in = malloc(SIPHON_CONTROL_REQUEST_MAX);
	if (!cl->in || evloop_add(&c->d->loop, &cl->h, EPOLLIN)) {
		free(cl->in);
		cl->in = NULL;
		cl->h.fd = -1;
		close(fd);
		pr_warn("control: cannot take a client: out of memory\n");
		return;
	}
	c->stats.clients++;
	evloop_arm(&c->d->loop, &cl->idle, c->idle_ms);
}

static void on_accept(struct evloop *l, struct ev_handler *h, uint32_t events)
{
	struct control *c = (struct control *)h;
	int fd;

	(void)l;
	(void)events;
	for (;;) {
		fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0) {
			accept_one(c, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN)
			pr_warn("control: accept: %s\n", strerror(errno));
		return;
	}
}

/* the socket's directory, made 0755 when missing (/run is a tmpfs) */
static int make_dir(const char *path, char *err, size_t errlen)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *dir;

	snprintf(buf, sizeof(buf), "%s", path);
	dir = dirname(buf);
	if (!mkdir(dir, 0755)) {
		/* mkdir's mode went through the umask */
		if (chmod(dir, 0755))
			goto fail;
		pr_info("control: made directory %s\n", dir);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
fail:
	snprintf(err, errlen, "control socket directory %s: %s", dir,
		 strerror(errno));
	return -errno;
}

/*
 * A socket file left by a siphond that did not stop cleanly is removed;
 * one a running siphond answers on is not: two daemons on one socket
 * would leave one of them unreachable.
 */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret = 0;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a socket",
			 sa->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (!connect(fd, (const struct sockaddr *)sa, sizeof(*sa))) {
		snprintf(err, errlen, "another siphond answers on %s",
			 sa->sun_path);
		ret = -EADDRINUSE;
	} else if (errno == ECONNREFUSED) {
		pr_info("control: removing stale socket %s\n", sa->sun_path);
		if (unlink(sa->sun_path) && errno != ENOENT)
			ret = -errno;
	} else {
		ret = -errno;
	}
	close(fd);
	if (ret && !*err)
		snprintf(err, errlen, "control socket %s: %s", sa->sun_path,
			 strerror(-ret));
	return ret;
}

/* bind with no access at all, then open it to who the config says */
static int bind_socket(struct control *c, const struct sockaddr_un *sa,
		       char *err, size_t errlen)
{
	mode_t old = umask(0177);
	struct stat st;
	int ret = 0;

	if (bind(c->listener.fd, (const struct sockaddr *)sa, sizeof(*sa)))
		ret = -errno;
	umask(old);
	if (ret)
		goto fail;
	if (c->group_set && chown(c->path, (uid_t)-1, c->gid))
		ret = -errno;
	else if (chmod(c->path, c->group_set ? 0660 : 0600))
		ret = -errno;
	else if (stat(c->path, &st))
		ret = -errno;
	if (ret) {
		unlink(c->path);
		goto fail;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (listen(c->listener.fd, CONTROL_BACKLOG)) {
		ret = -errno;
		unlink(c->path);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "control socket %s: %s", c->path, strerror(-ret));
	return ret;
}

static int resolve_group(struct control *c, const char *name, char *err,
			 size_t errlen)
{
	struct group *g;

	if (!*name)
		return 0;
	errno = 0;
	g = getgrnam(name);
	if (!g) {
		snprintf(err, errlen, "[control] group %s: %s", name,
			 errno ? strerror(errno) : "no such group");
		return errno ? -errno : -ENOENT;
	}
	c->group_set = true;
	c->gid = g->gr_gid;
	return 0;
}

int control_open(struct siphond *d, struct control **out, char *err,
		 size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const struct sd_config *cfg = &d->cfg;
	struct control *c;
	unsigned int i;
	int ret;

	*out = NULL;
	err[0] = '\0';
	if (!cfg->control_socket[0])
		return 0;
	/* config.c checked it fits; a test-made config may not have */
	if (strlen(cfg->control_socket) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path too long");
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, cfg->control_socket,
	       strlen(cfg->control_socket) + 1);
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "control socket: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	c->d = d;
	c->listener.fd = -1;
	c->listener.fn = on_accept;
	c->idle_ms = (uint64_t)cfg->control_idle_s * 1000;
	c->started_ms = d->loop.now;
	memcpy(c->path, sa.sun_path, sizeof(c->path));
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		c->clients[i].h.fd = -1;

	ret = resolve_group(c, cfg->control_group, err, errlen);
	if (!ret)
		ret = make_dir(c->path, err, errlen);
	if (!ret)
		ret = clear_stale(&sa, err, errlen);
	if (ret)
		goto fail;
	c->listener.fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->listener.fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "control socket: %s", strerror(-ret));
		goto fail;
	}
	ret = bind_socket(c, &sa, err, errlen);
	if (ret)
		goto fail;
	ret = evloop_add(&d->loop, &c->listener, EPOLLIN);
	if (ret) {
		unlink(c->path);
		snprintf(err, errlen, "control socket: %s", strerror(-ret));
		goto fail;
	}
	pr_info("control socket %s (mode %s%s)\n", c->path,
		c->group_set ? "0660, group " : "0600",
		c->group_set ? cfg->control_group : "");
	*out = c;
	return 0;
fail:
	if (c->listener.fd >= 0)
		close(c->listener.fd);
	free(c);
	return ret;
}

void control_close(struct control *c)
{
	struct stat st;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].h.fd >= 0)
			client_close(&c->clients[i]);
	evloop_del(&c->d->loop, &c->listener);
	close(c->listener.fd);
	/* a socket another siphond made since (after ours went) stays */
	if (!stat(c->path, &st) && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	free(c);
}
