#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A restart never cuts a call: 100 calls talk through siphon's XDP relay
# while siphond is killed with SIGKILL and started again, and the XDP
# program is replaced under them; not one RTP packet is lost either way,
# the new siphond takes every call and registration over, and each call's
# BYE still takes its flows out. A clean stop keeps calls too, and flows on the relay's
# ports that no call owns are removed when siphond starts.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite restart 18

CALLS=100
# each phone sends every call's RTP, 20 ms apart, for 6 s
ROUNDS=300
A_RTP=$A_IP:40000 # the SDP of uac_held.xml and uas_answer.xml
B_RTP=$B_IP:40002

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30999\ntimeout_s = 30\n' "$PIN"
	printf '[trusted]\npeer = %s\n' $A_IP
}

# run NAME: a siphond of its own log directory, as sd_start makes it
run() {
	mkdir -p "$LOGS/$1" && sd_start "$LOGS/$1"
}

# counter RUN GROUP NAME: the last value siphond RUN logged
counter() {
	sed -n "s/.*stats $2:.* $3=\([0-9]*\).*/\1/p" "$LOGS/$1/siphond.log" |
		tail -n 1
}
# stats_of RUN: siphond RUN writes its counters to its log now
stats_of() {
	local log=$LOGS/$1/siphond.log n
	n=$(grep -c "stats media:" "$log")
	kill -USR1 "$SD_PID" &&
		wait_for eval "[ \$(grep -c 'stats media:' $log) -gt $n ]"
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! run first; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/first/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 300

# 100 calls, all up within a second, each held until the restart and the
# media below are done
sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/calls-uas.log" \
	-sf "$SIPP_DIR/uas_answer.xml" -m $CALLS
CALLS_UAS=$SIPP_PID
sd_held_call calls "$NS_A" $A_IP 5072 -s bob -key from alice \
	-m $CALLS -l $CALLS -r $CALLS
CALLS_UAC=$HELD_UAC

all_flows() {
	local i
	for i in $(seq 100); do
		nflows $((4 * CALLS)) && return 0
		sleep 0.1
	done
	diag "$(flows | jq length) flows"
	return 1
}
tap_check "$CALLS calls answered: $((4 * CALLS)) flows in the map" all_flows
CALLER_SIDES=$(relay_ports $A_RTP)
CALLEE_SIDES=$(relay_ports $B_RTP)

tap_check "the calls' relay ports are known" \
	eval '[ -n "$CALLER_SIDES" ] && [ -n "$CALLEE_SIDES" ]'
talk
# under way through XDP
wait_for eval '[ "$(xdp_reason redirect)" -gt 0 ]'
# SIGKILL: nothing is written on the way out, nothing is cleaned up
kill -KILL "$SD_PID"
wait "$SD_PID" 2>/dev/null
sleep 0.5
tap_check "siphond killed (SIGKILL) and started again mid-call" run second
replaced() {
	[ "$(ctl --json attach r1 r2 | jq '[.attached[].replaced] | all')" = true ]
}
tap_check "the XDP program replaced on both interfaces mid-call" replaced
tap_check "A: every RTP packet of every call crossed, none lost" no_loss a $TALK_A $NS_A
tap_check "B: every RTP packet of every call crossed, none lost" no_loss b $TALK_B $NS_B
tap_check "the new siphond took over all $CALLS calls" \
	eval 'grep -q "media: $CALLS calls taken over from the last run, 0 dropped, 0 flows" \
	      "$LOGS/second/siphond.log"'

registration_kept() {
	grep -q "registrar: 1 bindings of 1 AORs taken over" \
		"$LOGS/second/siphond.log" &&
		"$SIPHONCTL" -s "$SD_SOCK" --json registrations |
		jq -e --arg s "$B_IP:$BOB_PORT" \
			'.count == 1 and .registrations[0].source == $s' > /dev/null
}
tap_check "bob's registration was taken over too" registration_kept
tap_check "siphonctl calls lists the $CALLS calls, answered" \
	eval '"$SIPHONCTL" -s "$SD_SOCK" --json calls |
	      jq -e "[.calls[] | select(.state == \"answered\")] | length == $CALLS" \
	      > /dev/null'

# alice hangs up: her BYEs reach a siphond that never saw the INVITEs,
# and still take the flows out
calls_ended() {
	local rc urc
	sd_hangup calls $CALLS || return 1
	wait $CALLS_UAC; rc=$?
	wait $CALLS_UAS; urc=$?
	diag "caller exit $rc, callee exit $urc, $(flows | jq length) flows left"
	[ $rc -eq 0 ] && [ $urc -eq 0 ] && wait_for nflows 0
}
tap_check "all $CALLS calls end with BYE: no flow left" calls_ended
second_counted() {
	stats_of second || return 1
	diag "$(grep "stats media:" "$LOGS/second/siphond.log" | tail -n 1)"
	[ "$(counter second media restored)" = $CALLS ] &&
		[ "$(counter second media ended)" = $CALLS ] &&
		[ "$(counter second media sessions)" = 0 ] &&
		[ "$(counter second media ports_in_use)" = 0 ]
}
tap_check "siphond counted $CALLS calls taken over and ended, no port in use" \
	second_counted

# a clean stop (SIGTERM) keeps a call up too: a restart is not a hangup
held() {
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/held-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	HELD_UAS=$SIPP_PID
	sd_held_call held "$NS_A" $A_IP 5074 -s bob -key from alice -m 1
}
# bob does not register again: the third siphond must know him too
held
stop_keeps_call() {
	wait_for nflows 4 || return 1
	kill -TERM "$SD_PID" && wait "$SD_PID"
	diag "after a clean stop: $(flows | jq length) flows"
	nflows 4 && run third && nflows 4 &&
		grep -q "media: 1 calls taken over" "$LOGS/third/siphond.log"
}
tap_check "a clean stop keeps the call's flows; the next siphond takes it" \
	stop_keeps_call
held_ended() {
	sd_hangup held && wait $HELD_UAC && wait $HELD_UAS && wait_for nflows 0
}
tap_check "that call's BYE still takes its flows out" held_ended

# a flow on the relay's ports that no call owns (left by hand, or by a
# store lost with its pin) is removed when siphond starts
orphan_removed() {
	kill -TERM "$SD_PID" && wait "$SD_PID"
	ctl flow add $SD_ADDR:30500 from $A_IP:40000 to $B_IP:40002 \
		src $SD_ADDR:30501 > /dev/null && nflows 1 || return 1
	run fourth && nflows 0 &&
		grep -q "0 calls taken over from the last run, 0 dropped, 1 flows" \
			"$LOGS/fourth/siphond.log"
}
tap_check "a flow no call owns is removed at start" orphan_removed
# siphond keeps the flow writers' lock from a write to the end of that
# wake-up (the orphan's removal above, before its first sleep): an idle
# siphond holds nothing, so siphonctl's writes go through at once, not
# after a timeout
lock_let_go() {
	timeout 5 "$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" flow add \
		$SD_ADDR:30600 from $A_IP:40000 to $B_IP:40002 \
		src $SD_ADDR:30601 > /dev/null &&
		timeout 5 "$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" \
			flow del $SD_ADDR:30600 > /dev/null && nflows 0
}
tap_check "siphonctl writes flows while siphond runs idle" lock_let_go
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	for r in first second third fourth; do
		[ -f "$LOGS/$r/siphond.log" ] || continue
		diag "siphond $r log tail:"
		grep -v ": debug: " "$LOGS/$r/siphond.log" | tail -8 | sed 's/^/# /'
	done
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -10 "$f" | sed 's/^/# /'
	done
fi
tap_done
