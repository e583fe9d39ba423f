#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond as proxy and registrar between real sipp phones in veth
# namespaces: registration with digest authentication, calls with BYE from
# either side, CANCEL, busy, unknown users, Max-Forwards, expiry, forking,
# a trusted trunk by static route, lost packets, and TCP.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || ! command -v sipp > /dev/null; then
	echo "1..0 # SKIP needs build/siphond and sipp"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-calls.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here
sd_topology "sdc$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
tap_plan 17
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi

BOB_PORT=5080
ALICE_PORT=5070

tap_check "alice registers after a 401 challenge" \
	register "$NS_A" $A_IP $ALICE_PORT alice alicepw 120
tap_check "bob registers after a 401 challenge" \
	register "$NS_B" $B_IP $BOB_PORT bob bobpw 120
tap_check "a wrong password gets 403" \
	sipp_run "$NS_A" $A_IP 5074 "$LOGS/forbidden.log" \
	-sf "$SIPP_DIR/register_forbidden.xml" -s carol -au carol \
	-ap wrong -key expires 60 -m 1
tap_check "call alice to bob (407 answered), caller hangs up" \
	call caller_bye uas_answer.xml uac_call.xml 1
tap_check "call alice to bob, callee hangs up" \
	call callee_bye uas_hangup.xml uac_callee_bye.xml 1
tap_check "CANCEL while ringing: 200 for CANCEL, 487 for INVITE" \
	call cancel uas_ring_forever.xml uac_cancel.xml 1
UAS_ARGS="" tap_check "busy callee: 486 reaches the caller" \
	call busy uas_busy.xml uac_reject.xml 1 -key code 486 -key alt 486 \
	-key maxfwd 70
tap_check "unknown user: 404" reject unknown nobody 404
tap_check "Max-Forwards 0: 483" reject hops bob 483 0
# from the trusted trunk address: sipp's strict scenarios cannot take a
# retransmitted 407 (its ACK lost) in the middle of a later step. The callee
# ignores rather than aborts on a message that comes while sipp is between
# steps (an ACK racing the retransmitted INVITE it has just answered again):
# its 200 is retransmitted until the ACK comes again; it lingers 4 s
# after its last 200, for a BYE whose 200 was lost.
call_lossy() {
	CALLER_NS=$NS_B CALLER_IP=$TRUNK_IP \
		UAS_ARGS="-lost 10 -default_behaviors all,-abortunexp -d 4000" \
		CALLER_ONLY=1 call lossy "$@"
}
tap_check "10 calls with 10% loss on both sides all complete" \
	call_lossy uas_answer.xml uac_call.xml 10 -lost 10

# a trusted trunk is reached by the static route "prefix 9"
trunk() {
	sipp_bg "$NS_B" $TRUNK_IP 5060 "$LOGS/trunk-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	local uas_pid=$SIPP_PID rc
	sipp_run "$NS_A" $A_IP 5075 "$LOGS/trunk-uac.log" \
		-sf "$SIPP_DIR/uac_call.xml" -s 9123456 -key from alice \
		-au alice -ap alicepw -m 1
	rc=$?
	wait "$uas_pid" && [ $rc -eq 0 ]
}
tap_check "a number with the trunk prefix goes to the trunk" trunk

# forking: erin has two phones, one answers, the other is cancelled
fork() {
	register "$NS_B" $B_IP 5090 erin erinpw 60 &&
	register "$NS_B" $B_IP 5091 erin erinpw 60 || return 1
	sipp_bg "$NS_B" $B_IP 5090 "$LOGS/fork-a.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	local pa=$SIPP_PID
	sipp_bg "$NS_B" $B_IP 5091 "$LOGS/fork-b.log" \
		-sf "$SIPP_DIR/uas_ring_forever.xml" -m 1
	local pb=$SIPP_PID rc
	sipp_run "$NS_A" $A_IP 5076 "$LOGS/fork-uac.log" \
		-sf "$SIPP_DIR/uac_call.xml" -s erin -key from alice \
		-au alice -ap alicepw -m 1
	rc=$?
	wait "$pa" && wait "$pb" && [ $rc -eq 0 ]
}
tap_check "forking to two contacts: one answers, the other gets CANCEL" fork

# expiry: a binding for 2 s is gone after 3 s
expiry() {
	register "$NS_B" $B_IP 5092 dave davepw 2 || return 1
	sleep 3
	reject expired dave 404
}
tap_check "a binding expires: 404 after its time" expiry

# TCP: register and call over TCP
tcp_call() {
	register "$NS_B" $B_IP $BOB_PORT bob bobpw 120 -t t1 || return 1
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/tcp-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1 -t t1
	local uas_pid=$SIPP_PID rc
	sipp_run "$NS_A" $A_IP 5077 "$LOGS/tcp-uac.log" \
		-sf "$SIPP_DIR/uac_call.xml" -s bob -key from alice \
		-au alice -ap alicepw -m 1 -t t1
	rc=$?
	wait "$uas_pid" && [ $rc -eq 0 ]
}
tap_check "register and call over TCP" tcp_call

# in_dialog_options RURI ROUTE: an in-dialog OPTIONS from alice, as a
# phone or a router before siphond would send it, on stdout
in_dialog_options() {
	printf '%s\r\n' "OPTIONS $1 SIP/2.0" \
		"Via: SIP/2.0/UDP $A_IP:5098;branch=z9hG4bK-strict-$RANDOM;rport" \
		"From: <sip:alice@$SD_DOMAIN>;tag=a1" \
		"To: <sip:bob@$SD_DOMAIN>;tag=b1" \
		"Call-ID: strict-$RANDOM@$A_IP" "CSeq: 2 OPTIONS" \
		"Max-Forwards: 70" "Route: $2" "Content-Length: 0" ""
}

# routed NAME START_LINE ROUTE < REQUEST: bob's phone gets the request
# with that start line and exactly that Route ("": none), and alice the 200
routed() {
	local name=$1 want_line=$2 want_route=$3 got
	sipp_bg "$NS_B" $B_IP 5081 "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/uas_options.xml" -m 1 -trace_msg \
		-message_file "$LOGS/$name-msgs.log"
	local pid=$SIPP_PID
	ip netns exec "$NS_A" "$UDP_PEER" probe $A_IP:5098 $SD_ADDR:5060 1 \
		1000 > "$LOGS/$name-probe.log"
	wait "$pid" && grep -qx "SIP/2.0 200 OK" "$LOGS/$name-probe.log" ||
		return 1
	# the request as bob got it: from its start line to the blank line
	got=$(tr -d '\r' < "$LOGS/$name-msgs.log" |
		awk -v l="$want_line" '$0 == l { on = 1 } on && $0 == "" { exit } on')
	if [ -z "$got" ] || [ "$(grep '^Route:' <<< "$got")" != "$want_route" ]; then
		diag "$name: bob got: $(tr '\n' '|' <<< "${got:-nothing like $want_line}")"
		return 1
	fi
}
BOB_B="sip:bob@$B_IP:5081"
tap_check "from a strict router: the last Route becomes the Request-URI (16.4)" \
	eval 'in_dialog_options "sip:$SD_ADDR:5060;lr" "<$BOB_B>" |
	      routed strict_in "OPTIONS $BOB_B SIP/2.0" ""'
tap_check "to a strict router: its Route value becomes the Request-URI (16.6)" \
	eval 'in_dialog_options "$BOB_B" "<sip:$SD_ADDR;lr>, <sip:$B_IP:5081>" |
	      routed strict_next "OPTIONS sip:$B_IP:5081 SIP/2.0" "Route: <$BOB_B>"'

tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
