#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphonctl in front of siphond's control socket: status, registrations,
# stats (the XDP map and siphond's counters together), log-level, reload
# (good and broken files), who may connect (mode, peer credentials,
# [control] group), what raw bad input gets, the bounds (request size,
# idle clients), and the socket's life (stale file replaced, a live one
# kept, removed at a clean stop). siphond keeps running through all of it.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
for tool in sipp jq socat setpriv; do
	if ! command -v $tool > /dev/null; then
		echo "1..0 # SKIP needs $tool"
		exit $KSFT_SKIP
	fi
done
if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ]; then
	echo "1..0 # SKIP needs build/siphond and build/siphonctl"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphonctl-daemon.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
# nobody must reach the socket's directory: only the socket's mode decides
chmod 755 "$LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here
sd_topology "ctl$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
make_pin_dir ctld
SD_SOCK=$LOGS/run/siphond.sock # run/ does not exist yet: siphond makes it
OUT=$LOGS/out
ERR=$LOGS/err
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
tap_plan 39

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" -s "$SD_SOCK" "$@"
}

# expect STATUS PATTERN CMD...: CMD exits STATUS and says PATTERN (on
# stdout or stderr; "" for anything)
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	"$@" > "$OUT" 2> "$ERR"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		diag "exit $rc, wanted $want: $(cat "$ERR" "$OUT" | head -5)"
		return 1
	fi
	cat "$OUT" "$ERR" | grep -q -- "$pattern" || {
		diag "output lacks '$pattern': $(cat "$ERR" "$OUT" | head -5)"
		return 1
	}
}

# jqt FILTER CMD...: CMD's JSON on stdout makes FILTER true
jqt() {
	local filter=$1
	shift
	"$@" > "$OUT" 2> "$ERR" || { diag "$* failed: $(cat "$ERR")"; return 1; }
	jq -e "$filter" "$OUT" > /dev/null || {
		diag "not $filter: $(head -c 600 "$OUT")"
		return 1
	}
}

# raw LINE...: each line sent as it is on one connection, the answers out
raw() {
	printf '%s\n' "$@" | timeout 5 socat -t 2 - UNIX-CONNECT:"$SD_SOCK"
}

# a daemon counter, read over the socket
counter() {
	raw '{"cmd":"stats"}' | jq -r ".groups.$1.$2"
}

mode_of() {
	stat -c '%a %G' "$SD_SOCK"
}

# stop siphond cleanly (SIGTERM) and wait for it to be gone
sd_stop() {
	kill -TERM "$SD_PID" 2> /dev/null
	wait "$SD_PID" 2> /dev/null
	! sd_alive
}

tap_check "siphon attached in R (for stats)" \
	eval '"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" attach r1 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "the socket is made, with its directory, mode 0600 for root" \
	eval '[ "$(mode_of)" = "600 root" ] &&
	      [ "$(stat -c %a "$LOGS/run")" = 755 ]'

tap_check "status: the pid, the config, both listeners" \
	eval 'expect 0 "pid $SD_PID," ctl status &&
	      grep -q "UDP $SD_ADDR:5060, TCP $SD_ADDR:5060" "$OUT" &&
	      grep -q "config  *$LOGS/siphond.conf" "$OUT"'
tap_check "status --json" \
	jqt ".ok == true and .pid == $SD_PID and (.listeners | length) == 2
	     and .config == \"$LOGS/siphond.conf\" and .uptime_s >= 0
	     and .registrations.bindings == 0 and .log_level == \"debug\"" \
	ctl --json status

tap_check "alice registers" \
	register "$NS_A" $A_IP 5070 alice alicepw 120
tap_check "registrations: alice's AOR, contact and source" \
	eval 'expect 0 "alice@$SD_DOMAIN" ctl registrations &&
	      grep -q "alice@$SD_DOMAIN .*UDP $A_IP:5070" "$OUT"'
tap_check "calls without [media] anchor: a clear error, exit 1" \
	expect 1 "media is not anchored" ctl calls
tap_check "registrations --json" \
	jqt ".ok and .count == 1 and .registrations[0].aor == \"alice@$SD_DOMAIN\"
	     and .registrations[0].source == \"$A_IP:5070\"
	     and .registrations[0].transport == \"UDP\"
	     and .registrations[0].expires_in_s > 100
	     and .registrations[0].expires_in_s <= 120
	     and .registrations[0].q == 1" \
	ctl --json registrations
tap_check "status counts the binding" \
	jqt '.registrations.bindings == 1 and .registrations.aors == 1' \
	ctl --json status

tap_check "stats --json: XDP reasons and siphond's groups together" \
	jqt '(.reasons | length) > 0 and .siphond.proxy.requests > 0
	     and .siphond.registrar.ok >= 1 and .siphond.control.commands > 0
	     and .siphond.control.connections > 0
	     and .siphond.transaction.server_created > 0' \
	ctl --json stats
tap_check "stats: siphond's counters after the XDP tables" \
	eval 'expect 0 "^proxy  *requests" ctl stats &&
	      grep -q "^REASON" "$OUT" && grep -q "^control  *commands" "$OUT"'

tap_check "log-level: debug, as the config says" \
	eval 'expect 0 "^debug$" ctl log-level'
tap_check "log-level warn: set, the old one said" \
	eval 'expect 0 "log level warn (was debug)" ctl log-level warn &&
	      [ "$(ctl log-level)" = warn ]'
tap_check "log-level --json info, and status agrees" \
	eval 'jqt ".ok and .level == \"info\" and .previous == \"warn\"" \
		ctl --json log-level info &&
	      jqt ".log_level == \"info\"" ctl --json status'
tap_check "log-level with a level that is none: exit 2" \
	expect 2 "not error, warn, info or debug" ctl log-level loud

tap_check "reload" \
	expect 0 "configuration reloaded: 1 routes, 1 trusted peers" ctl reload
cp "$LOGS/siphond.conf" "$LOGS/siphond.conf.good"
printf "[routes]\nroute = sideways 1 2 3\n" >> "$LOGS/siphond.conf"
tap_check "reload of a broken [routes]: exit 1, the file and line said" \
	expect 1 "siphond.conf:[0-9]*: \[routes\] route: not 'domain|prefix" \
	ctl reload
printf 'alice\n' > "$LOGS/bad-users"
sed "s|^credentials = .*|credentials = $LOGS/bad-users|" \
	"$LOGS/siphond.conf.good" > "$LOGS/siphond.conf"
tap_check "reload of broken credentials: exit 1, credentials not reloaded" \
	expect 1 "credentials not reloaded: .*bad-users:1" ctl reload
tap_check "reload --json says ok false and why" \
	jqt '.ok == false and .code == "failed" and (.error | test("bad-users"))' \
	eval 'ctl --json reload || true'
cp "$LOGS/siphond.conf.good" "$LOGS/siphond.conf"
tap_check "siphond runs on, and reloads the mended file" \
	eval 'sd_alive && expect 0 "configuration reloaded" ctl reload'

tap_check "nobody: the socket's mode refuses, exit 4" \
	expect 4 "permission denied" "${NOBODY[@]}" "$SIPHONCTL" -s "$SD_SOCK" status
# a loosened mode: the peer credentials still say no
chmod 666 "$SD_SOCK"
tap_check "nobody through a loosened mode: siphond refuses, exit 4" \
	eval 'expect 4 "siphond: permission denied" "${NOBODY[@]}" \
		"$SIPHONCTL" -s "$SD_SOCK" status &&
	      [ "$(counter control denied)" -ge 1 ]'
chmod 600 "$SD_SOCK"

tap_check "no socket there: siphond is not running, exit 3" \
	expect 3 "siphond is not running (no socket at $LOGS/none.sock)" \
	"$SIPHONCTL" -s "$LOGS/none.sock" status
tap_check "an unknown siphonctl command: exit 2" \
	expect 2 "unknown command 'frobnicate'" ctl frobnicate
tap_check "raw: an unknown command is named, ok false" \
	eval '[ "$(raw "{\"cmd\":\"frobnicate\"}" | jq -c "[.ok, .code, .error]")" = \
	       "[false,\"unknown_command\",\"unknown command '"'"'frobnicate'"'"'\"]" ]'
tap_check "raw: broken JSON answered, the connection serves on" \
	eval 'raw "{\"cmd\": sta" "" "{\"cmd\":\"status\"}" > "$OUT" &&
	      [ "$(jq -sc "[.[] | .ok]" "$OUT")" = "[false,true]" ] &&
	      head -1 "$OUT" | jq -e ".code == \"bad_request\" and
		(.error | startswith(\"not JSON\"))" > /dev/null'
tap_check "raw: no cmd, an unknown argument" \
	eval '[ "$(raw "[1,2]" "{\"cmd\":\"status\",\"x\":1}" |
		   jq -sc "[.[] | .code]")" = "[\"bad_request\",\"bad_argument\"]" ]'
# 64 KiB with no newline yet: siphond reads all of it, answers, hangs up
too_long() {
	head -c 65536 /dev/zero | tr "\0" x |
		timeout 5 socat -t 2 - UNIX-CONNECT:"$SD_SOCK" > "$OUT" || return 1
	[ "$(jq -sc "[.[] | .error]" "$OUT")" = '["request longer than 65536 bytes"]' ] &&
		[ "$(counter control too_long)" = 1 ]
}
tap_check "raw: a request past 64 KiB is refused, the connection closed" \
	too_long
tap_check "siphond is still running and counted the bad requests" \
	eval 'sd_alive && [ "$(counter control bad_requests)" = 2 ] &&
	      [ "$(counter control unknown_commands)" = 1 ]'

# a second siphond on the same socket is refused; its SIP port differs
sed -e "s|^udp = .*|udp = 127.0.0.1:15998|; s|^tcp = .*||" \
	"$LOGS/siphond.conf" > "$LOGS/second.conf"
tap_check "a second siphond on a live socket is refused" \
	eval '! timeout 5 "$SIPHOND" -c "$LOGS/second.conf" > "$LOGS/second.log" 2>&1 &&
	      grep -q "another siphond answers on $SD_SOCK" "$LOGS/second.log" &&
	      sd_alive && ctl status > /dev/null'

tap_check "a clean stop removes the socket" \
	eval 'sd_stop && [ ! -e "$SD_SOCK" ]'
tap_check "stats with siphond down: the XDP counters, siphond not running" \
	eval 'expect 0 "siphond: not running" ctl stats &&
	      jqt "(.reasons | length) > 0 and .siphond == null" ctl --json stats'

# a group, a short idle time; and a stale socket file left behind
sd_extra_conf() {
	printf '[control]\ngroup = nogroup\nidle_s = 1\n'
}
socat UNIX-LISTEN:"$SD_SOCK",unlink-close=0 /dev/null & # a stale file
STALE=$!
bg_pid $STALE
wait_for test -S "$SD_SOCK"
kill -KILL $STALE 2> /dev/null
wait $STALE 2> /dev/null
if ! sd_start "$LOGS"; then
	diag "siphond did not start again:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "a stale socket file is replaced at start" \
	eval 'grep -q "removing stale socket" "$LOGS/siphond.log" &&
	      ctl status > /dev/null'
tap_check "[control] group: mode 0660, that group" \
	eval '[ "$(mode_of)" = "660 nogroup" ]'
tap_check "a member by primary group may ask" \
	expect 0 "pid $SD_PID," "${NOBODY[@]}" "$SIPHONCTL" -s "$SD_SOCK" status
tap_check "a member by supplementary group may ask" \
	expect 0 "pid $SD_PID," setpriv --reuid=65534 --regid=100 \
	--groups=65534 "$SIPHONCTL" -s "$SD_SOCK" status
tap_check "a user outside the group may not: exit 4" \
	expect 4 "permission denied" setpriv --reuid=65534 --regid=100 \
	--clear-groups "$SIPHONCTL" -s "$SD_SOCK" status
# a client that says nothing: siphond hangs up after idle_s (1 s)
idle_closed() {
	local t0=$SECONDS
	timeout 10 socat -u UNIX-CONNECT:"$SD_SOCK" - > /dev/null || return 1
	[ $((SECONDS - t0)) -le 4 ] && [ "$(counter control idle_closed)" = 1 ]
}
tap_check "an idle client is closed after idle_s" idle_closed

tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
fi
tap_done
