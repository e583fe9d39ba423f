#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Calls through siphond with their media anchored on siphon's XDP relay:
# the SDP both phones see names the relay, the flows appear when the
# answer passes, RTP crosses XDP both ways (and only from the ends the SDP
# named), and every way a call ends (BYE, busy, CANCEL) leaves the flow
# map empty and the relay ports free.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite media 21
ip netns exec "$NS_R" ping -c1 -W1 $TRUNK_IP > /dev/null

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30099\ntimeout_s = 5\n' "$PIN"
	# the calls given up below stay up for their phones: flows only
	# (siphond_hangup.sh has the BYEs of bye_on_expiry = yes)
	printf 'bye_on_expiry = no\n'
	# alice's re-INVITE scenario answers no challenge
	printf '[trusted]\npeer = %s\n' $A_IP
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

# the SDP of uac_held.xml and uas_answer.xml: where each phone wants media
A_RTP=$A_IP:40000
B_RTP=$B_IP:40002

# held_call NAME UAS_XML UAC_XML PORT: bob answers with UAS_XML, alice
# (trusted here: no challenge) calls from PORT with UAC_XML, and goes on
# from each of its waits when told (sd_go_on NAME, call_ended NAME);
# both run in the background, their PIDs in CALL_UAS and CALL_UAC
held_call() {
	local name=$1 uas=$2 uac=$3 port=$4
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/$uas" -m 1
	CALL_UAS=$SIPP_PID
	HELD_SF=$uac sd_held_call "$name" "$NS_A" $A_IP "$port" -s bob \
		-key from alice -m 1
	CALL_UAC=$HELD_UAC
}

# talk_call NAME PORT [UAC ARGS...]: bob answers with uas_answer.xml,
# alice calls from PORT with uac_held.xml and holds the call until
# call_ended NAME; PIDs in CALL_UAS and CALL_UAC
talk_call() {
	local name=$1 port=$2
	shift 2
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	CALL_UAS=$SIPP_PID
	sd_held_call "$name" "$NS_A" $A_IP "$port" -s bob -key from alice \
		-m 1 "$@"
	CALL_UAC=$HELD_UAC
}

# call_ended [NAME [N [WAY LINE]]]: (alice, in call NAME, goes on from
# her last wait, past her Nth ACK or what sd_go_on is told, to hang up,
# and) both phones finished cleanly, the flow map is empty and no
# session nor relay port is left
call_ended() {
	if [ -n "${1:-}" ]; then
		sd_go_on "$@" || return 1
	fi
	wait "$CALL_UAC" && wait "$CALL_UAS" && wait_for empty_map &&
		wait_for sd_media_idle
}

# a call held open while the tests below send media through it (each
# well within [media] timeout_s = 5 of the packets before)
talk_call talk 5072

tap_check "the answer installs 4 flows (RTP and RTCP, each way)" \
	wait_for nflows 4
CALLER_SIDE=$(relay_port $A_RTP)
CALLEE_SIDE=$(relay_port $B_RTP)
diag "caller sends to $SD_ADDR:$CALLER_SIDE, callee to $SD_ADDR:$CALLEE_SIDE"
# what siphond itself says of the call, over its control socket
calls_listed() {
	local out
	"$SIPHONCTL" -s "$SD_SOCK" calls | grep -q "$A_RTP .*$SD_ADDR:$CALLER_SIDE" ||
		return 1
	out=$("$SIPHONCTL" -s "$SD_SOCK" --json calls)
	jq -e --arg a $A_RTP --arg b $B_RTP \
		--arg ra $SD_ADDR:$CALLER_SIDE --arg rb $SD_ADDR:$CALLEE_SIDE \
		'.count == 1 and .calls[0].state == "answered" and
		 (.calls[0].streams[0] | .caller == $a and .callee == $b and
		  .caller_sends_to == $ra and .callee_sends_to == $rb)' \
		<<< "$out" > /dev/null || { diag "$out"; return 1; }
}
tap_check "siphonctl calls: the call, its phones and its relay ports" \
	calls_listed
tap_check "caller's RTP crosses XDP to the callee" \
	rtp_through "$NS_A" $A_RTP $SD_ADDR:$CALLER_SIDE "$NS_B" $B_RTP \
	$SD_ADDR:$CALLEE_SIDE
tap_check "callee's RTP crosses XDP to the caller" \
	rtp_through "$NS_B" $B_RTP $SD_ADDR:$CALLEE_SIDE "$NS_A" $A_RTP \
	$SD_ADDR:$CALLER_SIDE

# RTP injection: another host sends to the caller's relay port
inject_dropped() {
	local before after
	before=$(xdp_reason drop_wrong_source)
	ip netns exec "$NS_B" "$UDP_PEER" send $TRUNK_IP:40004 \
		$SD_ADDR:$CALLER_SIDE 20 $SIZE rtp > /dev/null
	wait_for eval '[ $(($(xdp_reason drop_wrong_source) - before)) -ge 20 ]'
	after=$(xdp_reason drop_wrong_source)
	diag "drop_wrong_source: $before -> $after"
	[ $((after - before)) -eq 20 ]
}
tap_check "RTP from a host the SDP did not name is dropped in XDP" \
	inject_dropped

# siphonctl calls counts what XDP carried each way: 100 packets from each
# phone, the injected 20 not among them
calls_count_rtp() {
	local out
	out=$("$SIPHONCTL" -s "$SD_SOCK" --json calls)
	jq -e '.calls[0].streams[0] | .from_caller.packets == 100 and
		.from_callee.packets == 100 and .from_caller.bytes == 17200 and
		.from_caller.idle_ms >= 0' <<< "$out" > /dev/null ||
		{ diag "$(jq -c '.calls[0].streams[0]' <<< "$out")"; return 1; }
	"$SIPHONCTL" -s "$SD_SOCK" calls | grep -q " 100/100$"
}
tap_check "siphonctl calls: RTP packets each way, as XDP counted them" \
	calls_count_rtp

# 50 more RTP packets from the caller, numbered on from 100, with 5
# numbers skipped half-way (lost on the way, as far as XDP can tell)
rtp_loss_counted() {
	local out caller_flow
	ip netns exec "$NS_A" "$UDP_PEER" send $A_RTP $SD_ADDR:$CALLER_SIDE 50 \
		$SIZE rtp:100:5 > /dev/null || return 1
	caller_flow() {
		ctl --json flow show $SD_ADDR:$CALLER_SIDE |
			jq -e '.packets == 150' > /dev/null
	}
	wait_for caller_flow || return 1
	out=$("$SIPHONCTL" -s "$SD_SOCK" --json calls)
	jq -e '.calls[0].streams[0] |
		.from_caller.lost == 5 and .from_caller.expected == 155 and
		.from_caller.loss_percent > 3.2 and .from_caller.loss_percent < 3.3 and
		(.from_caller.jitter_ms | type) == "number" and
		.from_callee.lost == 0 and .from_callee.expected == 100' \
		<<< "$out" > /dev/null ||
		{ diag "$(jq -c '.calls[0].streams[0]' <<< "$out")"; return 1; }
	# the answer's PCMU clock; RTCP is not measured
	out=$(ctl --json flow show $SD_ADDR:$CALLER_SIDE)
	jq -e '.rtp.clock_rate == 8000 and .rtp.lost == 5 and
		.rtp.received == 150' <<< "$out" > /dev/null ||
		{ diag "$out"; return 1; }
	ctl --json flow show $SD_ADDR:$((CALLER_SIDE + 1)) |
		jq -e '.rtp == null' > /dev/null || return 1
	# /metrics (its default listener): one loss-free direction, one
	# with 3.2 % lost
	out=$(ip netns exec "$NS_R" curl -sS --max-time 5 \
		http://127.0.0.1:9463/metrics | grep "^siphon_media_rtp_loss")
	grep -qx 'siphon_media_rtp_loss_ratio_bucket{le="0"} 1' <<< "$out" &&
		grep -qx 'siphon_media_rtp_loss_ratio_bucket{le="0.02"} 1' <<< "$out" &&
		grep -qx 'siphon_media_rtp_loss_ratio_bucket{le="0.05"} 2' <<< "$out" &&
		grep -qx 'siphon_media_rtp_loss_ratio_count 2' <<< "$out" ||
		{ diag "$(tr '\n' ' ' <<< "$out")"; return 1; }
}
tap_check "RTP loss: siphonctl calls, flow show and /metrics count the 5 lost" \
	rtp_loss_counted
empty_map() {
	[ "$(flows | jq length)" = 0 ]
}
tap_check "BYE ends the call and takes its flows out" call_ended talk

# what alice saw: the answer names the relay, not bob (alice's own SDP
# names her address, so the relay's lines can only be bob's answer)
answer_names_relay() {
	local sdp
	sdp=$(tr -d '\r' < "$LOGS/talk-uac-msgs.log" | grep -E '^(o|c|m)=')
	diag "$(tr '\n' '|' <<< "$sdp")"
	grep -qx "c=IN IP4 $SD_ADDR" <<< "$sdp" &&
		grep -q "^m=audio $CALLER_SIDE " <<< "$sdp" &&
		! grep -q "$B_IP" <<< "$sdp"
}
tap_check "the caller's answer names the relay (c=, m=, o=), never bob" \
	answer_names_relay

UAS_ARGS="" tap_check "busy: 486 reaches the caller, no flow is left" \
	eval 'call busy uas_busy.xml uac_reject.xml 1 -key code 486 \
	      -key alt 486 -key maxfwd 70 && empty_map && wait_for sd_media_idle'
tap_check "CANCEL: 487, no flow is left" \
	eval 'call cancel uas_ring_forever.xml uac_cancel.xml 1 && empty_map &&
	      wait_for sd_media_idle'

# a phone that goes silent without a BYE: after timeout_s without a
# packet either way, the call's media is given up, flows and ports
silent_call_reaped() {
	local i alive
	talk_call silent 5072
	wait_for nflows 4 || return 1
	# 5 s of silence, and the reaper looks every 1.25 s
	for i in $(seq 100); do
		empty_map && break
		sleep 0.1
	done
	kill -0 $CALL_UAC 2>/dev/null
	alive=$?
	call_ended silent && [ $alive -eq 0 ]
}
tap_check "a silent call's flows go after timeout_s, the call still up" \
	silent_call_reaped

# a re-INVITE (alice, trusted for this suite, puts bob on hold from a new
# port): the SDP names the relay again, the same relay ports, and the flow
# from the caller now expects the new port. (Not from the trunk next to
# bob: XDP_TX back out of a veth is only delivered when the peer runs an
# XDP program, which b0 does not; a real NIC has no such trap.)
reinvite_moves_media() {
	local port i
	held_call reinvite uas_reinvite.xml uac_reinvite.xml 5074
	wait_for nflows 4 || return 1
	port=$(relay_port $A_IP:40020)
	sd_go_on reinvite || return 1
	for i in $(seq 60); do
		[ -n "$(relay_port $A_IP:40030)" ] && break
		sleep 0.1
	done
	diag "caller's relay port $port, after the re-INVITE $(relay_port $A_IP:40030)"
	[ -n "$port" ] && [ "$(relay_port $A_IP:40030)" = "$port" ] &&
		[ -z "$(relay_port $A_IP:40020)" ] &&
		rtp_through "$NS_A" $A_IP:40030 $SD_ADDR:$port "$NS_B" \
			$B_RTP $SD_ADDR:$(relay_port $B_RTP) &&
		call_ended reinvite 2
}
tap_check "re-INVITE: same relay ports, the flows follow the new port" \
	reinvite_moves_media

# an INVITE without SDP: bob's offer comes in the 200, alice's answer in
# the ACK; the flows go in when the ACK passes
late_offer_anchored() {
	local a b
	held_call late uas_late_offer.xml uac_late_offer.xml 5075
	wait_for nflows 4 || return 1
	a=$(relay_port $A_IP:40040)
	b=$(relay_port $B_IP:40042)
	diag "alice sends to $a, bob to $b"
	[ -n "$a" ] && [ -n "$b" ] &&
		rtp_through "$NS_A" $A_IP:40040 $SD_ADDR:$a "$NS_B" \
			$B_IP:40042 $SD_ADDR:$b && call_ended late
}
tap_check "offer in the 200, answer in the ACK: anchored, RTP crosses XDP" \
	late_offer_anchored

# a re-INVITE without SDP (bob offers in the 200, alice answers in the
# ACK), then an UPDATE (RFC 3311) that adds video: each time both phones
# move, the relay ports stay, and RTP follows; the new stream gets a port
# pair each way
reoffers_move_media() {
	local a b i va vb
	held_call reoffer uas_reoffer.xml uac_reoffer.xml 5076
	wait_for nflows 4 || return 1
	a=$(relay_port $A_IP:40060)
	b=$(relay_port $B_IP:40062)
	sd_go_on reoffer || return 1
	for i in $(seq 60); do
		[ "$(relay_port $A_IP:40070)" = "$a" ] &&
			[ "$(relay_port $B_IP:40072)" = "$b" ] && break
		sleep 0.1
	done
	diag "after the re-INVITE: alice $(relay_port $A_IP:40070) (was $a), bob $(relay_port $B_IP:40072) (was $b)"
	[ -n "$a" ] && [ "$(relay_port $A_IP:40070)" = "$a" ] &&
		[ "$(relay_port $B_IP:40072)" = "$b" ] &&
		rtp_through "$NS_A" $A_IP:40070 $SD_ADDR:$a "$NS_B" \
			$B_IP:40072 $SD_ADDR:$b || return 1
	sd_go_on reoffer 2 || return 1
	for i in $(seq 60); do
		[ "$(relay_port $A_IP:40080)" = "$a" ] &&
			[ "$(relay_port $B_IP:40082)" = "$b" ] && break
		sleep 0.1
	done
	va=$(relay_port $A_IP:40090)
	vb=$(relay_port $B_IP:40092)
	diag "after the UPDATE: alice $(relay_port $A_IP:40080), bob $(relay_port $B_IP:40082); video: alice $va, bob $vb"
	[ "$(relay_port $A_IP:40080)" = "$a" ] &&
		[ "$(relay_port $B_IP:40082)" = "$b" ] &&
		rtp_through "$NS_B" $B_IP:40082 $SD_ADDR:$b "$NS_A" \
			$A_IP:40080 $SD_ADDR:$a &&
		[ -n "$va" ] && [ -n "$vb" ] && [ "$va" != "$a" ] &&
		[ "$vb" != "$b" ] && [ "$(flows | jq length)" = 8 ] &&
		rtp_through "$NS_A" $A_IP:40090 $SD_ADDR:$va "$NS_B" \
			$B_IP:40092 $SD_ADDR:$vb &&
		call_ended reoffer 1 received "CSeq: 3 UPDATE"
}
tap_check "re-INVITE without SDP, then UPDATE adding video: RTP follows" \
	reoffers_move_media

# a re-INVITE refused with 491 (glare) changes nothing (RFC 3261 14.1):
# the flow from alice, moved to her offered port while the re-INVITE was
# on its way, expects her old port again, and RTP from it crosses
reoffer_undone() {
	local a
	held_call glare uas_reinvite_491.xml uac_reinvite_491.xml 5077
	wait_for nflows 4 || return 1
	a=$(relay_port $A_IP:40100)
	sd_go_on glare || return 1
	wait_for eval 'grep -q "re-offer failed, the ends before it are back" \
		"$LOGS/siphond.log"' || return 1
	diag "alice's relay port $a; after the 491 it takes $(flows | jq -r --arg r "$SD_ADDR:$a" '.[] | select(.relay == $r) | .peer')"
	[ -n "$a" ] && [ "$(relay_port $A_IP:40100)" = "$a" ] &&
		[ -z "$(relay_port $A_IP:40110)" ] &&
		rtp_through "$NS_A" $A_IP:40100 $SD_ADDR:$a "$NS_B" \
			$B_IP:40102 $SD_ADDR:$(relay_port $B_IP:40102) &&
		call_ended glare 2
}
tap_check "a re-INVITE refused with 491 leaves the flows as they were" \
	reoffer_undone

# a session timer (RFC 4028): a call whose phones agreed on 4 s refreshes
# it once (an UPDATE without SDP, at 2 s) and then never again; its
# media is kept past the first 4 s, and given up once 4 s pass with no
# refresh, while the call itself is still up
session_timer_runs_out() {
	local t0 alive
	t0=$(date +%s%N)
	held_call timer uas_timer.xml uac_timer.xml 5078
	wait_for nflows 4 || return 1
	# some RTP at 3 s, so silence ([media] timeout_s) is not what ends it
	sleep 3
	rtp_through "$NS_A" $A_IP:40120 $SD_ADDR:$(relay_port $A_IP:40120) \
		"$NS_B" $B_IP:40122 $SD_ADDR:$(relay_port $B_IP:40122) 20 ||
		return 1
	# past the first 4 s (and the reaper's 1.25 s): the refresh held it
	sleep $(awk -v t0=$t0 -v now=$(date +%s%N) \
		'BEGIN { d = 5.5 - (now - t0) / 1e9; print (d > 0 ? d : 0) }')
	nflows 4 || { diag "the flows went before the refreshed timer"; return 1; }
	wait_for eval 'grep -q "session timer ran out" "$LOGS/siphond.log"' ||
		return 1
	empty_map || return 1
	kill -0 $CALL_UAC 2>/dev/null
	alive=$?
	call_ended && [ $alive -eq 0 ]
}
tap_check "a session timer not refreshed ends the media (RFC 4028)" \
	session_timer_runs_out

# the daemon's own account: every session it opened, it closed
counter() {
	sed -n "s/.*stats $1:.* $2=\([0-9]*\).*/\1/p" "$LOGS/siphond.log" |
		tail -n 1
}
media_counters() {
	local n
	n=$(grep -c "stats media:" "$LOGS/siphond.log")
	kill -USR1 "$SD_PID" &&
		wait_for eval '[ "$(grep -c "stats media:" "$LOGS/siphond.log")" -gt '$n' ]' ||
		return 1
	diag "$(grep "stats media:" "$LOGS/siphond.log" | tail -n 1)"
	[ "$(counter media offers)" = 9 ] && [ "$(counter media answers)" = 10 ] &&
		[ "$(counter media reoffers)" = 4 ] &&
		[ "$(counter media reoffers_undone)" = 1 ] &&
		[ "$(counter media ended)" = 9 ] &&
		[ "$(counter media session_expired)" = 1 ] &&
		[ "$(counter media timeouts)" = 1 ] &&
		[ "$(counter media sessions)" = 0 ] &&
		[ "$(counter media ports_in_use)" = 0 ]
}
tap_check "siphond counted 9 offers, 4 re-offers (1 undone), 10 answers, 9 ends (1 timeout, 1 session expiry), no port in use" \
	media_counters
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
