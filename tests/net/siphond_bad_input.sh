#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond against bad input over real sockets in veth namespaces: what is
# not SIP and responses nobody asked for are dropped and counted; a
# malformed request gets a 400 whose reason says what is wrong; too many
# hops, a loop and an unsupported Proxy-Require get 483, 482 and 420; a
# TCP stream with a bad Content-Length is closed; through all of it the
# daemon keeps answering, and its memory stays flat under a burst.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || [ ! -x "$UDP_PEER" ]; then
	echo "1..0 # SKIP needs build/siphond and build/tools/net/udp_peer"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-bad.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
sd_topology "sdx$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
tap_plan 19
# "prefix 8" leads back to siphond itself: a request to 8... loops
sd_extra_conf() {
	printf '[routes]\nroute = prefix 8 %s:5060\n' $SD_ADDR
}
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi

PROBE_PORT=5099

# sip METHOD URI [LINES...]: a well-formed request on stdout, CRLF line
# ends, a fresh branch and Call-ID each time. Each of LINES is a header
# line added at the end, or "-Name" to leave out siphond's usual Name.
sip() {
	local method=$1 uri=$2 line
	# not a counter: sip runs in pipelines, subshells that forget it
	local SEQ=$(date +%s%N)
	shift 2
	{
		{
			echo "$method $uri SIP/2.0"
			echo "Via: SIP/2.0/UDP $A_IP:$PROBE_PORT;branch=z9hG4bKbad$$.$SEQ;rport"
			echo "From: <sip:probe@$SD_DOMAIN>;tag=p$SEQ"
			echo "To: <$uri>"
			echo "Call-ID: bad$SEQ.$$@$A_IP"
			echo "CSeq: 1 $method"
			echo "Max-Forwards: 70"
			echo "Content-Length: 0"
		} | drop_headers "$@"
		for line in "$@"; do
			[ "${line#-}" = "$line" ] && echo "$line"
		done
		echo
	} | sed 's/$/\r/'
}

# drop_headers ARGS...: stdin without the lines named by "-Name" in ARGS
drop_headers() {
	local a pattern='^$.'
	for a in "$@"; do
		[ "${a#-}" != "$a" ] && pattern="$pattern|^${a#-}:"
	done
	grep -Ev "$pattern"
}

# probe COUNT: send stdin to siphond COUNT times from A; print the start
# lines of the replies and "replies N"
probe() {
	ip netns exec "$NS_A" "$UDP_PEER" probe $A_IP:$PROBE_PORT \
		$SD_ADDR:5060 "$1" "${2:-500}"
}

# replied WANT: stdin (probe's output) holds a reply starting with WANT
replied() {
	local out
	out=$(cat)
	grep -qxF "$1" <<< "$out" && return 0
	diag "wanted \"$1\", got: $(tr '\n' '|' <<< "$out")"
	return 1
}

# silent: stdin (probe's output) says nothing came back
silent() {
	local out
	out=$(cat)
	[ "$(tail -n 1 <<< "$out")" = "replies 0" ] && return 0
	diag "wanted no reply, got: $(tr '\n' '|' <<< "$out")"
	return 1
}

garbage() {
	printf 'hello siphon, this is not SIP\r\n\r\n'
}

# bytes no parser should make sense of, the same every run
binary() {
	head -c 1400 /dev/zero | tr '\0' '\351'
}

# a 200 OK for a transaction siphond never started
orphan() {
	sip OPTIONS "sip:$SD_DOMAIN" | sed '1s|.*|SIP/2.0 200 OK\r|' |
		sed "s|branch=z9hG4bKbad|branch=z9hG4bKnobody|"
}

tap_check "text that is not SIP: dropped, no reply" \
	eval 'garbage | probe 1 | silent'
tap_check "binary junk: dropped, no reply" \
	eval 'binary | probe 1 | silent'
tap_check "a response to no transaction: dropped, no reply" \
	eval 'orphan | probe 1 | silent'
tap_check "no Call-ID: 400 Missing Call-ID" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -Call-ID | probe 1 |
	      replied "SIP/2.0 400 Missing Call-ID"'
tap_check "no Via: nobody to answer, dropped" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -Via | probe 1 | silent'
tap_check "a CSeq that is not a number: 400 Bad CSeq" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -CSeq "CSeq: one OPTIONS" |
	      probe 1 | replied "SIP/2.0 400 Bad CSeq"'
tap_check "CSeq method not the request's: 400 saying so" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -CSeq "CSeq: 1 INVITE" |
	      probe 1 |
	      replied "SIP/2.0 400 CSeq method differs from the request'"'"'s"'
tap_check "Max-Forwards not a number: 400 Bad Max-Forwards" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -Max-Forwards "Max-Forwards: x" |
	      probe 1 | replied "SIP/2.0 400 Bad Max-Forwards"'
tap_check "Content-Length beyond the datagram: 400 saying so (18.3)" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -Content-Length \
	      "Content-Length: 400" | probe 1 |
	      replied "SIP/2.0 400 Content-Length beyond the body"'
tap_check "a malformed Request-URI: 400" \
	eval 'sip OPTIONS "sip:bob@[bad" | probe 1 |
	      grep -q "^SIP/2.0 400 "'
tap_check "Max-Forwards 0: 483" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN -Max-Forwards "Max-Forwards: 0" |
	      probe 1 | replied "SIP/2.0 483 Too Many Hops"'
tap_check "Proxy-Require of an unknown extension: 420" \
	eval 'sip OPTIONS sip:bob@$SD_DOMAIN "Proxy-Require: x-teleport" |
	      probe 1 | replied "SIP/2.0 420 Bad Extension"'
tap_check "a request routed back to siphond itself: 482" \
	eval 'sip OPTIONS sip:8000@$SD_DOMAIN | probe 1 1500 |
	      replied "SIP/2.0 482 Loop Detected"'

# TCP: a stream whose Content-Length cannot be framed is closed
tcp_bad_length() {
	sip OPTIONS sip:bob@$SD_DOMAIN -Content-Length \
		"Content-Length: -5" > "$LOGS/badlen.msg"
	timeout 5 ip netns exec "$NS_A" bash -c \
		"exec 3<>/dev/tcp/$SD_ADDR/5060 && cat $LOGS/badlen.msg >&3 &&
		 cat <&3 > /dev/null"
}
tap_check "TCP with a bad Content-Length: connection closed" tcp_bad_length

# 30 more such connections: each is closed and counted, but the log gets at
# most a burst of lines about them (log_ratelimit.h), not one per peer
framing_logged() {
	grep -c "tcp: framing error" "$LOGS/siphond.log"
}
tcp_bad_flood() {
	local i
	for i in $(seq 30); do
		tcp_bad_length || return 1
	done
	diag "$(framing_logged) framing errors logged for 31 connections"
	[ "$(framing_logged)" -le 10 ]
}
tap_check "30 more of them: closed, and the log is rate-limited" tcp_bad_flood

# a burst of every kind of bad input above but the stateful ones
burst() {
	local n=$1
	garbage | probe "$n" 0 > /dev/null &&
	binary | probe "$n" 0 > /dev/null &&
	orphan | probe "$n" 0 > /dev/null &&
	sip OPTIONS sip:bob@$SD_DOMAIN -Call-ID | probe "$n" 0 > /dev/null &&
	sip OPTIONS sip:bob@$SD_DOMAIN -CSeq "CSeq: one OPTIONS" |
		probe "$n" 0 > /dev/null
}

# RSS after a warm-up burst (buffers touched once), then after 5 times
# more of the same: bad input must leave nothing behind
rss_flat() {
	local before after
	burst 100 || return 1
	sleep 0.5
	before=$(sd_rss_kb)
	burst 500 || return 1
	sleep 0.5
	after=$(sd_rss_kb)
	diag "siphond RSS ${before} kB before, ${after} kB after 2500 bad datagrams"
	[ -n "$before" ] && [ -n "$after" ] && [ $((after - before)) -le 64 ]
}
tap_check "RSS flat across a burst of 2500 bad datagrams" rss_flat
tap_check "siphond is alive and answers OPTIONS after all that" \
	eval 'sd_alive && sip OPTIONS sip:$SD_DOMAIN | probe 1 |
	      replied "SIP/2.0 200 OK"'

# SIGUSR1 writes the counters to the log, one line per group
counter() {
	sed -n "s/.*stats $1:.* $2=\([0-9]*\).*/\1/p" "$LOGS/siphond.log" |
		tail -n 1
}
stats_dump() {
	local n
	n=$(grep -c "stats proxy:" "$LOGS/siphond.log")
	kill -USR1 "$SD_PID" &&
	wait_for eval '[ "$(grep -c "stats proxy:" "$LOGS/siphond.log")" -gt '$n' ]'
}
# at_least GROUP NAME MIN
at_least() {
	local v
	v=$(counter "$1" "$2")
	[ -n "$v" ] && [ "$v" -ge "$3" ] && return 0
	diag "$1.$2 is ${v:-missing}, wanted at least $3"
	return 1
}
tap_check "SIGUSR1 writes the counters to the log" stats_dump
tap_check "counted: not SIP, orphan responses, 400s, loops" \
	eval 'at_least proxy parse_errors 1202 &&
	      at_least proxy orphan_responses 601 &&
	      at_least proxy bad_requests 1207 &&
	      at_least proxy loops 1 && at_least proxy too_many_hops 1 &&
	      at_least proxy bad_extensions 1 && at_least proxy unanswerable 1 &&
	      at_least tcp framing_errors 31'
tap_done
