#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond over IPv6, UDP and TCP: phones register and call each other
# through it with every address an IPv6 one (Via, Contact, Record-Route,
# responses routed back by Via). The whole suite runs on ::1 inside one
# namespace of its own: loopback is the only IPv6 these tests may use.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || ! command -v sipp > /dev/null; then
	echo "1..0 # SKIP needs build/siphond and sipp"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-ipv6.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here

# siphond, alice and bob all on ::1 in one namespace; the trunk and the
# trusted peer of the shared configuration stay IPv4 and unused
NS=sdv$$
make_netns "$NS" || { echo "1..0 # SKIP cannot make a namespace"; exit $KSFT_SKIP; }
NS_R=$NS NS_A=$NS NS_B=$NS
SD_ADDR='[::1]'
A_IP=::1
B_IP=::1
TRUNK_IP=198.18.2.3
BOB_PORT=5080
ALICE_PORT=5070

tap_plan 8
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi

tap_check "alice registers over IPv6 after a 401 challenge" \
	register "$NS" ::1 $ALICE_PORT alice alicepw 120
tap_check "bob registers over IPv6 after a 401 challenge" \
	register "$NS" ::1 $BOB_PORT bob bobpw 120
tap_check "IPv6 call alice to bob (407 answered), caller hangs up" \
	call caller_bye uas_answer.xml uac_call.xml 1
tap_check "IPv6 call, callee hangs up" \
	call callee_bye uas_hangup.xml uac_callee_bye.xml 1
tap_check "IPv6 CANCEL while ringing: 487" \
	call cancel uas_ring_forever.xml uac_cancel.xml 1
tap_check "IPv6 unknown user: 404" reject unknown nobody 404

tcp_call() {
	register "$NS" ::1 $BOB_PORT bob bobpw 120 -t t1 || return 1
	UAS_ARGS="-t t1" call tcp uas_answer.xml uac_call.xml 1 -t t1
}
tap_check "IPv6 register and call over TCP" tcp_call

tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
