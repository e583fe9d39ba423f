/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol between siphond and siphonctl, over a Unix stream
 * socket: one JSON object per line each way. A request names its command,
 * {"cmd":"status"}, plus the command's own arguments; every answer says
 * "ok": true or false, and when false an "error" text and a "code" from
 * the list below, so a client maps failures to its exit status without
 * reading the text. Documentation/siphond.md describes every command.
 */
#ifndef SIPHON_CONTROL_PROTO_H
#define SIPHON_CONTROL_PROTO_H

#define SIPHON_CONTROL_SOCKET_DEFAULT "/run/siphon/siphond.sock"
/* a request line longer than this is refused and the connection closed */
#define SIPHON_CONTROL_REQUEST_MAX (64 * 1024)

/* the "code" of an answer with "ok": false */
#define CONTROL_ERR_DENIED "denied" /* peer credentials refused */
#define CONTROL_ERR_BUSY "busy" /* every client slot taken */
#define CONTROL_ERR_BAD_REQUEST "bad_request" /* not JSON, no "cmd", too long */
#define CONTROL_ERR_UNKNOWN_COMMAND "unknown_command"
#define CONTROL_ERR_BAD_ARGUMENT "bad_argument" /* unknown or wrong argument */
#define CONTROL_ERR_FAILED "failed" /* understood, but it did not work */
#define CONTROL_ERR_NOT_FOUND "not_found" /* no such call (call-show, ...) */

#endif /* SIPHON_CONTROL_PROTO_H */
