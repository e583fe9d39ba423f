// SPDX-License-Identifier: GPL-2.0-only
/*
 * siphonctl's commands that ask siphond (status, registrations, calls, reload,
 * log-level) over its control socket, and the one call they share: one
 * JSON request line out, one JSON answer line back (control_proto.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_proto.h"
#include "ctl.h"

/* siphond answers from its event loop: seconds mean it is stuck */
#define ANSWER_TIMEOUT_S 10
/* a registrations listing of a full location table is tens of MB */
#define ANSWER_MAX (512u << 20)

/* a quiet call (siphonctl stats) says nothing itself */
__attribute__((format(printf, 3, 4))) static int say(bool quiet, int code,
						     const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return code;
	va_start(ap, fmt);
	fputs("siphonctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

static int connect_daemon(struct ctl *ctl, int *fdp, bool quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = ANSWER_TIMEOUT_S };
	int fd, err;

	if (strlen(ctl->socket) >= sizeof(sa.sun_path))
		return say(quiet, CTL_USAGE, "socket path too long: %s",
			   ctl->socket);
	memcpy(sa.sun_path, ctl->socket, strlen(ctl->socket) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return say(quiet, CTL_FAILED, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		*fdp = fd;
		return CTL_OK;
	}
	err = errno;
	close(fd);
	if (err == ENOENT || err == ENOTDIR)
		return say(quiet, CTL_NOT_RUNNING,
			   "siphond is not running (no socket at %s)",
			   ctl->socket);
	if (err == ECONNREFUSED)
		return say(quiet, CTL_NOT_RUNNING,
			   "siphond is not running (nothing listens on %s)",
			   ctl->socket);
	if (err == EACCES || err == EPERM)
		return say(quiet, CTL_DENIED,
			   "permission denied on %s (siphond's socket is for "
			   "root and its [control] group)",
			   ctl->socket);
	return say(quiet, CTL_FAILED, "cannot connect to %s: %s", ctl->socket,
		   strerror(err));
}

/* the request line, whole; a peer that hung up is not an error yet */
static int send_line(int fd, json_t *req)
{
	char *text = json_dumps(req, JSON_COMPACT);
	size_t len, off = 0;
	ssize_t n;
	int ret = 0;

	if (!text)
		return -ENOMEM;
	len = strlen(text);
	text[len] = '\n'; /* over the NUL: text is used by length from here */
	while (off < len + 1) {
		n = send(fd, text + off, len + 1 - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	free(text);
	return ret;
}

/* one answer line into *out (malloc'd, NUL instead of the newline) */
static int read_line(int fd, char **out, size_t *outlen)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *more, *nl = NULL;
	ssize_t n;

	while (!nl) {
		if (cap - len < 4096) {
			if (cap >= ANSWER_MAX) {
				free(buf);
				return -EFBIG;
			}
			cap = cap ? cap * 2 : 16384;
			more = realloc(buf, cap);
			if (!more) {
				free(buf);
				return -ENOMEM;
			}
			buf = more;
		}
		n = recv(fd, buf + len, cap - len - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return n ? -errno : -ECONNRESET;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	*nl = '\0';
	*out = buf;
	*outlen = (size_t)(nl - buf);
	return 0;
}

/* an answer that says "ok": false, as an exit code and a message */
static int daemon_refused(const char *cmd, json_t *ans, bool quiet)
{
	const char *code = json_string_value(json_object_get(ans, "code"));
	const char *msg = json_string_value(json_object_get(ans, "error"));

	if (!msg)
		msg = "failed, without saying why";
	if (!code)
		code = "";
	if (!strcmp(code, CONTROL_ERR_DENIED))
		return say(quiet, CTL_DENIED,
			   "siphond: %s (its socket is for root and its "
			   "[control] group)",
			   msg);
	if (!strcmp(code, CONTROL_ERR_UNKNOWN_COMMAND))
		return say(quiet, CTL_FAILED,
			   "siphond does not know '%s' (is it older than "
			   "siphonctl?)",
			   cmd);
	if (!strcmp(code, CONTROL_ERR_BAD_ARGUMENT))
		return say(quiet, CTL_USAGE, "%s: %s", cmd, msg);
	if (!strcmp(code, CONTROL_ERR_NOT_FOUND))
		return say(quiet, CTL_NOT_FOUND, "%s: %s", cmd, msg);
	return say(quiet, CTL_FAILED, "%s: %s", cmd, msg);
}

int ctl_daemon_call(struct ctl *ctl, json_t *req, json_t **ans, bool quiet)
{
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	char *line = NULL;
	json_error_t jerr;
	size_t len = 0;
	int fd = -1, rc, err;

	*ans = NULL;
	rc = connect_daemon(ctl, &fd, quiet);
	if (rc)
		goto out;
	/* a refusal (denied, busy) is already on its way: read it anyway */
	send_line(fd, req);
	err = read_line(fd, &line, &len);
	if (err == -EAGAIN) {
		rc = say(quiet, CTL_FAILED,
			 "siphond did not answer within %d s",
			 ANSWER_TIMEOUT_S);
		goto out;
	}
	if (err) {
		rc = say(quiet, CTL_FAILED, "no answer from siphond: %s",
			 strerror(-err));
		goto out;
	}
	*ans = json_loadb(line, len, 0, &jerr);
	if (!json_is_boolean(json_object_get(*ans, "ok"))) {
		rc = say(quiet, CTL_FAILED,
			 "siphond's answer makes no sense: %s",
			 *ans ? "no \"ok\"" : jerr.text);
		goto out;
	}
	if (!json_is_true(json_object_get(*ans, "ok")))
		rc = daemon_refused(cmd ? cmd : "?", *ans, quiet);
out:
	free(line);
	json_decref(req);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* the call for one command: --json prints the answer, whatever it says */
static int call(struct ctl *ctl, json_t *req, json_t **ans)
{
	int rc = ctl_daemon_call(ctl, req, ans, false);

	if (ctl->json && *ans) {
		json_incref(*ans);
		ctl_print_json(*ans);
	}
	return rc;
}

static json_int_t num(json_t *obj, const char *path1, const char *path2)
{
	json_t *v = json_object_get(obj, path1);

	if (path2)
		v = json_object_get(v, path2);
	return json_integer_value(v);
}

static void print_relay(json_t *relay)
{
	if (!relay)
		return;
	printf("%-15s %s, %s\n", "relay address",
	       json_string_value(json_object_get(relay, "address")),
	       json_is_true(json_object_get(relay, "available")) ?
		       "on an interface" :
		       "GONE: new calls get 503");
}

/* one line per interface: "r1  up, XDP native, re-attached 1 time" */
static void print_interfaces(json_t *ifaces)
{
	json_int_t n;
	json_t *i;
	size_t k;

	json_array_foreach(ifaces, k, i)
	{
		printf("%-15s %-8s %s, XDP %s", k ? "" : "interfaces",
		       json_string_value(json_object_get(i, "name")),
		       json_string_value(json_object_get(i, "link")),
		       json_string_value(json_object_get(i, "mode")));
		if (!json_is_true(json_object_get(i, "wanted")))
			printf(" (not re-attached when it comes back)");
		n = num(i, "reattached", NULL);
		if (n)
			printf(", re-attached %lld time%s", n,
			       n == 1 ? "" : "s");
		printf("\n");
	}
}

static void print_status(json_t *a)
{
	json_int_t up = num(a, "uptime_s", NULL);
	json_t *l, *media = json_object_get(a, "media");
	size_t i;

	printf("%-15s pid %lld, up %lldd %02lld:%02lld:%02lld\n", "siphond",
	       num(a, "pid", NULL), up / 86400, up / 3600 % 24, up / 60 % 60,
	       up % 60);
	printf("%-15s %s\n", "config",
	       json_string_value(json_object_get(a, "config")));
	printf("%-15s %s\n", "log level",
	       json_string_value(json_object_get(a, "log_level")));
	printf("%-15s", "listeners");
	json_array_foreach(json_object_get(a, "listeners"), i, l)
		printf("%s %s %s", i ? "," : "",
		       json_string_value(json_object_get(l, "transport")),
		       json_string_value(json_object_get(l, "address")));
	printf("\n%-15s %lld bindings, %lld AORs\n", "registrations",
	       num(a, "registrations", "bindings"),
	       num(a, "registrations", "aors"));
	printf("%-15s %lld active\n", "transactions",
	       num(a, "transactions", "active"));
	if (media)
		printf("%-15s %lld sessions, %lld ports in use\n", "media",
		       num(media, "sessions", NULL),
		       num(media, "ports_in_use", NULL));
	else
		printf("%-15s not anchored\n", "media");
	print_relay(json_object_get(media, "relay"));
	printf("%-15s %lld clients\n", "control", num(a, "control", "clients"));
	print_interfaces(json_object_get(a, "interfaces"));
}

int ctl_status(struct ctl *ctl, int argc, char **argv)
{
	json_t *ans;
	int rc;

	(void)argv;
	if (argc != 1)
		return ctl_fail(CTL_USAGE, "status takes no arguments");
	rc = call(ctl, json_pack("{s:s}", "cmd", "status"), &ans);
	if (!rc && !ctl->json)
		print_status(ans);
	json_decref(ans);
	return rc;
}

static void print_registrations(json_t *a)
{
	json_t *regs = json_object_get(a, "registrations"), *r;
	size_t i;

	if (!json_array_size(regs)) {
		printf("no registrations\n");
		return;
	}
	printf("%-28s %-40s %7s %5s  %s\n", "AOR", "CONTACT", "EXPIRES", "Q",
	       "SOURCE");
	json_array_foreach(regs, i, r)
		printf("%-28s %-40s %6llds %5.3f  %s %s\n",
		       json_string_value(json_object_get(r, "aor")),
		       json_string_value(json_object_get(r, "contact")),
		       num(r, "expires_in_s", NULL),
		       json_number_value(json_object_get(r, "q")),
		       json_string_value(json_object_get(r, "transport")),
		       json_string_value(json_object_get(r, "source")));
}

int ctl_registrations(struct ctl *ctl, int argc, char **argv)
{
	json_t *ans;
	int rc;

	(void)argv;
	if (argc != 1)
		return ctl_fail(CTL_USAGE, "registrations takes no arguments");
	rc = call(ctl, json_pack("{s:s}", "cmd", "registrations"), &ans);
	if (!rc && !ctl->json)
		print_registrations(ans);
	json_decref(ans);
	return rc;
}

static const char *text_or(json_t *obj, const char *key, const char *none)
{
	const char *t = json_string_value(json_object_get(obj, key));

	return t ? t : none;
}

/*
 * One line per stream: caller -> relay ... relay <- callee, and the RTP
 * packets XDP carried from each.
 */
static void print_calls(json_t *a)
{
	json_t *calls = json_object_get(a, "calls"), *c, *s;
	size_t i, j;

	if (!json_array_size(calls)) {
		printf("no calls\n");
		return;
	}
	printf("%-32s %-9s %6s  %-21s %-21s %-21s %-21s %s\n", "CALL-ID",
	       "STATE", "AGE", "CALLER", "CALLER SENDS TO", "CALLEE SENDS TO",
	       "CALLEE", "RTP FROM CALLER/CALLEE");
	json_array_foreach(calls, i, c)
	{
		json_t *age = json_object_get(c, "answered_s_ago");
		char age_text[24] = "-";

		if (json_is_integer(age))
			snprintf(age_text, sizeof(age_text), "%llds",
				 (long long)json_integer_value(age));
		json_array_foreach(json_object_get(c, "streams"), j, s)
			printf("%-32.32s %-9.9s %6s  %-21s %-21s %-21s %-21s "
			       "%lld/%lld\n",
			       j ? "" : text_or(c, "call_id", "?"),
			       j ? "" : text_or(c, "state", "?"),
			       j ? "" : age_text, text_or(s, "caller", "-"),
			       text_or(s, "caller_sends_to", "-"),
			       text_or(s, "callee_sends_to", "-"),
			       text_or(s, "callee", "-"),
			       (long long)num(s, "from_caller", "packets"),
			       (long long)num(s, "from_callee", "packets"));
	}
}

static int calls_list(struct ctl *ctl)
{
	json_t *ans;
	int rc;

	rc = call(ctl, json_pack("{s:s}", "cmd", "calls"), &ans);
	if (!rc && !ctl->json)
		print_calls(ans);
	json_decref(ans);
	return rc;
}

/* calls show ID, calls hangup ID: ctl_calls.c prints their answers */
static int calls_one(struct ctl *ctl, const char *what, const char *id)
{
	bool show = !strcmp(what, "show");
	json_t *ans;
	int rc;

	rc = call(ctl,
		  json_pack("{s:s, s:s}", "cmd",
			    show ? "call-show" : "call-hangup", "id", id),
		  &ans);
	if (!rc && !ctl->json) {
		if (show)
			ctl_print_call(ans);
		else
			ctl_print_hangup(ans);
	}
	json_decref(ans);
	return rc;
}

int ctl_calls(struct ctl *ctl, int argc, char **argv)
{
	if (argc == 1 || (argc == 2 && !strcmp(argv[1], "list")))
		return calls_list(ctl);
	if (argc == 3 &&
	    (!strcmp(argv[1], "show") || !strcmp(argv[1], "hangup")))
		return calls_one(ctl, argv[1], argv[2]);
	if (argc >= 2 &&
	    (!strcmp(argv[1], "show") || !strcmp(argv[1], "hangup")))
		return ctl_fail(CTL_USAGE, "calls %s takes one CALL-ID",
				argv[1]);
	return ctl_fail(
		CTL_USAGE,
		"calls [list] | calls show CALL-ID | calls hangup CALL-ID");
}

int ctl_reload(struct ctl *ctl, int argc, char **argv)
{
	json_t *ans;
	int rc;

	(void)argv;
	if (argc != 1)
		return ctl_fail(CTL_USAGE, "reload takes no arguments");
	rc = call(ctl, json_pack("{s:s}", "cmd", "reload"), &ans);
	if (!rc && !ctl->json)
		printf("configuration reloaded: %lld routes, %lld trusted "
		       "peers\n",
		       num(ans, "routes", NULL), num(ans, "trusted", NULL));
	json_decref(ans);
	return rc;
}

int ctl_log_level(struct ctl *ctl, int argc, char **argv)
{
	static const char *const levels[] = { "error", "err", "warn", "info",
					      "debug" };
	json_t *req, *ans;
	size_t i;
	int rc;

	if (argc > 2)
		return ctl_fail(CTL_USAGE, "log-level takes at most one level");
	if (argc == 2) {
		for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
			if (!strcmp(argv[1], levels[i]))
				break;
		if (i == sizeof(levels) / sizeof(levels[0]))
			return ctl_fail(CTL_USAGE,
					"log level '%s': not error, warn, "
					"info or debug",
					argv[1]);
		req = json_pack("{s:s, s:s}", "cmd", "log-level", "level",
				argv[1]);
	} else {
		req = json_pack("{s:s}", "cmd", "log-level");
	}
	rc = call(ctl, req, &ans);
	if (!rc && !ctl->json) {
		if (argc == 2)
			printf("log level %s (was %s)\n",
			       json_string_value(json_object_get(ans, "level")),
			       json_string_value(
				       json_object_get(ans, "previous")));
		else
			printf("%s\n", json_string_value(
					       json_object_get(ans, "level")));
	}
	json_decref(ans);
	return rc;
}
