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
tap_plan 15
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
# retransmitted 407 (its ACK lost) in the middle of a later step
call_lossy() {
	CALLER_NS=$NS_B CALLER_IP=$TRUNK_IP UAS_ARGS="-lost 10" \
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

tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
