/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siphond's control socket ([control] in the config): a Unix stream
 * socket siphonctl talks to, one JSON request per line and one JSON
 * answer per line (user/control_proto.h). control.c owns the socket and
 * its clients on the event loop: peer credentials, the bounds (clients,
 * request size, idle time) and the framing. control_cmds.c turns one
 * request into one answer: a command is one row of its table and one
 * function.
 */
#ifndef SIPHOND_CONTROL_H
#define SIPHOND_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>

#include "counters.h"

/* clients served at once; one more is answered "busy" and closed */
#define CONTROL_CLIENTS_MAX 16

#define CONTROL_COUNTERS(X)                                             \
	X(connections) /* accepted, whatever became of them */          \
	X(clients) /* a gauge: connected now */                         \
	X(refused_busy) /* CONTROL_CLIENTS_MAX already connected */     \
	X(denied) /* peer credentials neither root nor the group */     \
	X(commands) /* requests that named a known command */           \
	X(command_errors) /* of those: answered ok false */             \
	X(unknown_commands)                                             \
	X(bad_requests) /* not a JSON object with a "cmd" string */     \
	X(too_long) /* a request line past 64 KiB: connection closed */ \
	X(idle_closed) /* silent for [control] idle_s */                \
	X(write_errors) /* the client went away before its answer */

struct control_stats {
	CONTROL_COUNTERS(SD_COUNTER_FIELD)
};

struct siphond;
struct control;

/*
 * Open d->cfg's [control] socket on d->loop: *out is NULL when the socket
 * is turned off (an empty path). 0, or -errno with a message in err.
 */
int control_open(struct siphond *d, struct control **out, char *err,
		 size_t errlen);
/* close every client and the socket, and remove the socket file */
void control_close(struct control *c);
const struct control_stats *control_stats(const struct control *c);
/* when the socket opened, on the loop's clock: siphond's uptime */
uint64_t control_started_ms(const struct control *c);

/*
 * control_cmds.c: the answer to one request line (len bytes, no newline),
 * never NULL but out of memory; counts into st.
 */
json_t *control_dispatch(struct siphond *d, const char *line, size_t len,
			 struct control_stats *st);
/* {"ok": false, "error": msg, "code": code} */
json_t *control_error(const char *code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct media_stream_view;
/* one stream of "calls", for dialog_control.c's "call-show" too */
json_t *control_stream_json(const char *relay,
			    const struct media_stream_view *s, uint64_t now_ns);

/*
 * control_peer.c: may a peer with these credentials use the socket? Root
 * and siphond's own user may; with a group configured (group_set), a peer
 * whose primary or supplementary groups include gid may too.
 */
bool control_peer_allowed(uid_t uid, gid_t pgid, const gid_t *groups,
			  size_t ngroups, uid_t self, bool group_set,
			  gid_t gid);
/* the credentials of a connected Unix socket's peer, then the verdict */
bool control_peer_check(int fd, bool group_set, gid_t gid, uid_t *uid);

#endif /* SIPHOND_CONTROL_H */
