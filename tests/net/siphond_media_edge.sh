#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Media anchoring off the plain INVITE/200 path, through siphon's XDP
# relay: early media (a 183 with SDP) before the answer, a call forked to
# two phones that both send early media before one answers, early media
# then CANCEL, rtcp-mux (RFC 5761) accepted and declined, an RFC 2543 hold
# (c=0.0.0.0) and its resume from a new port, and RTP injected on a
# relay port (another host, or the right host from another port). After
# every call the flow map is empty and no relay port is in use.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite media-edge 23
ip netns exec "$NS_R" ping -c1 -W1 $TRUNK_IP > /dev/null

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 34000\nport_max = 34099\n' "$PIN"
	# alice's scenarios answer no challenge
	printf '[trusted]\npeer = %s\n' $A_IP
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
tap_check "bob registers; erin registers two phones" eval \
	'register "$NS_B" $B_IP $BOB_PORT bob bobpw 120 &&
	 register "$NS_B" $B_IP 5090 erin erinpw 120 &&
	 register "$NS_B" $B_IP 5091 erin erinpw 120'

# RTP packets each rtp_through sends here
RTP_N=50
has_flow_from() {
	[ -n "$(relay_port "$1")" ]
}
drops() {
	xdp_reason drop_wrong_source
}
# dropped NS FROM TO: 20 packets from FROM to the relay's TO are dropped
# in XDP and counted as from the wrong source
dropped() {
	local before after
	before=$(drops)
	ip netns exec "$1" "$UDP_PEER" send "$2" "$3" 20 $SIZE rtp > /dev/null
	wait_for eval '[ $(($(drops) - before)) -ge 20 ]'
	after=$(drops)
	diag "drop_wrong_source: $before -> $after"
	[ $((after - before)) -eq 20 ]
}
# call_clean NAME [WAY START]: alice goes on to end the call (once she
# waits: see go_on), both phones (and the second fork, when there is one) finished cleanly, the
# flow map is empty, siphond holds no session and no relay port
call_clean() {
	local p name=$1
	shift
	go_on "$@" || return 1
	for p in $CALL_PIDS; do
		wait "$p" || { diag "$name: a phone failed (pid $p)"; return 1; }
	done
	wait_for nflows 0 && wait_for sd_media_idle ||
		{ diag "$name: left $(flows | jq -c '[.[] | .relay]'), $("$SIPHONCTL" -s "$SD_SOCK" --json status | jq -c .media)"; return 1; }
}
# uas NAME PORT SCENARIO [ARGS]: a phone of bob's or erin's waits (and
# does not linger: nothing is lost here)
uas() {
	local name=$1 port=$2 sf=$3
	shift 3
	sipp_bg "$NS_B" $B_IP "$port" "$LOGS/$name.log" \
		-sf "$SIPP_DIR/$sf" -m 1 -key linger 0 \
		-trace_msg -message_file "$LOGS/$name-msgs.log" "$@"
	CALL_PIDS="$CALL_PIDS $SIPP_PID"
}
# uac NAME PORT SCENARIO USER [ARGS]: alice calls USER in the
# background (her messages in $LOGS/NAME-uac-msgs.log), and at each wait
# of SCENARIO waits for go_on
uac() {
	local name=$1 port=$2 sf=$3 user=$4
	shift 4
	UAC=$name UAC_STEP=0
	HELD_SF=$sf sd_held_call "$name" "$NS_A" $A_IP "$port" -s "$user" \
		-key from alice -m 1 "$@"
	CALL_PIDS="$CALL_PIDS $HELD_UAC"
}
# go_on [WAY START]: once alice waits, past one more message she WAY
# (sent: an ACK, unless told) beginning with START, she goes on to her
# next step
go_on() {
	UAC_STEP=$((UAC_STEP + 1))
	sd_go_on "$UAC" $UAC_STEP "$@"
}

# ---- early media, forked ----------------------------------------------------

# erin's two phones ring at once: phone 1 sends early media from 40202
# at once and answers after 3 s, phone 2 sends early media from 40212
# 0.6 s after the INVITE and is cancelled by the answer. Both send a
# 183 with SDP: the flows follow the latest, then the answer.
CALL_PIDS=
uas fork1 5090 uas_media.xml -key port 40202 -key attr a=sendrecv -d 3000
uas fork2 5091 uas_early_ring.xml -key port 40212 -d 600
uac fork 5072 uac_media.xml erin -key port 40200 \
	-key attr a=sendrecv -key attr2 a=sendrecv
early_at_fork2() {
	wait_for has_flow_from $B_IP:40212 || return 1
	nflows 4 && ! has_flow_from $B_IP:40202
}
tap_check "forked: the second 183 moves the early flows to its phone (4 flows)" \
	early_at_fork2
tap_check "early media crosses XDP both ways before the 200" \
	both_ways $A_IP:40200 $B_IP:40212
answered_by_fork1() {
	wait_for has_flow_from $B_IP:40202 || return 1
	nflows 4 && ! has_flow_from $B_IP:40212 &&
		both_ways $A_IP:40200 $B_IP:40202
}
tap_check "the 200 of the first phone: the flows go to it, RTP crosses" \
	answered_by_fork1
tap_check "the cancelled phone's media gets nothing" \
	dropped "$NS_B" $B_IP:40212 $SD_ADDR:$(relay_port $B_IP:40202)
tap_check "RTP from alice's address but another port gets nothing" \
	dropped "$NS_A" $A_IP:40209 $SD_ADDR:$(relay_port $A_IP:40200)
tap_check "RTP from another host to alice's relay port gets nothing" \
	dropped "$NS_B" $TRUNK_IP:40200 $SD_ADDR:$(relay_port $A_IP:40200)
fork2_cancelled() {
	grep -q "487 Request Terminated" "$LOGS/fork2-msgs.log"
}
tap_check "BYE: no flow, no session, no port left; the other phone got 487" \
	eval 'call_clean fork && fork2_cancelled'

# ---- early media, then CANCEL -------------------------------------------------

CALL_PIDS=
uas early 5080 uas_early_ring.xml -key port 40222 -d 0
uac early 5073 uac_early_cancel.xml bob -key port 40220
tap_check "early media then CANCEL: the 183 installs 4 flows, RTP crosses" \
	eval 'wait_for nflows 4 && both_ways $A_IP:40220 $B_IP:40222'
tap_check "the CANCEL (487) leaves no flow, no session, no port" \
	call_clean early-cancel received "SIP/2.0 183"

# ---- rtcp-mux (RFC 5761) ------------------------------------------------------

# both phones multiplex: one relay port per side, RTP and RTCP on it
CALL_PIDS=
uas mux 5080 uas_media.xml -key port 40232 -key attr a=rtcp-mux -d 0
uac mux 5074 uac_media.xml bob -key port 40230 \
	-key attr a=rtcp-mux -key attr2 a=sendrecv
mux_flows() {
	wait_for nflows 2 || { diag "$(flows | jq -c '[.[] | .relay]')"; return 1; }
	has_flow_from $A_IP:40230 && has_flow_from $B_IP:40232
}
tap_check "rtcp-mux on both sides: 2 flows, one relay port each way" mux_flows
# RTCP multiplexed: plain datagrams on the RTP port, as XDP sees them
mux_rtcp_crosses() {
	local ra rb
	ra=$(relay_port $A_IP:40230)
	rb=$(relay_port $B_IP:40232)
	both_ways $A_IP:40230 $B_IP:40232 &&
		rtp_through "$NS_A" $A_IP:40230 $SD_ADDR:$ra "$NS_B" \
			$B_IP:40232 $SD_ADDR:$rb 20 plain &&
		rtp_through "$NS_B" $B_IP:40232 $SD_ADDR:$rb "$NS_A" \
			$A_IP:40230 $SD_ADDR:$ra 20 plain
}
tap_check "RTP and multiplexed RTCP on the one port cross XDP both ways" \
	mux_rtcp_crosses
# what R's kernel stack received over UDP: a packet XDP passed up would
# count here (to siphond's socket, or to a relay port, where none is)
udp_in() {
	ip netns exec "$NS_R" awk '/^Udp:/ && !h { h = 1; next }
		/^Udp:/ { print $2 + $3 }' /proc/net/snmp
}
stack_saw_none() {
	local before after
	before=$(udp_in)
	both_ways $A_IP:40230 $B_IP:40232 || return 1
	after=$(udp_in)
	diag "UDP datagrams R's stack received: $before -> $after"
	[ -n "$before" ] && [ "$before" = "$after" ]
}
tap_check "none of 100 more RTP packets reached R's stack or siphond" \
	stack_saw_none
# received N FILE: the Nth message a phone's trace says it received
# (-1: the last)
received() {
	tr -d '\r' < "$2" | awk -v n="$1" '
		/^-+ [0-9]/ { m = 0 }
		/message received/ { k++; m = 1; delete l; c = 0; next }
		m { l[c++] = $0 }
		m && (n == k) { print }
		END { if (n < 0) for (i = 0; i < c; i++) print l[i] }'
}
# what each phone was told: rtcp-mux kept
mux_sdp() {
	received 1 "$LOGS/mux-msgs.log" | grep -q "^a=rtcp-mux" &&
		received -1 "$LOGS/mux-uac-msgs.log" | grep -q "^a=rtcp-mux"
}
tap_check "both phones see rtcp-mux; the call ends: nothing left" \
	eval 'mux_sdp && call_clean mux'

# alice offers rtcp-mux (RTCP on 40241 if bob declines, a=rtcp), bob
# declines: RTCP has its own relay ports, and each side's RTCP reaches
# the other's RTCP port
CALL_PIDS=
uas nomux 5080 uas_media.xml -key port 40242 -key attr a=sendrecv -d 0
uac nomux 5075 uac_media.xml bob -key port 40240 \
	-key attr a=rtcp-mux -key attr2 a=rtcp:40241
tap_check "rtcp-mux offered, declined: 4 flows, RTP crosses" \
	eval 'wait_for nflows 4 && both_ways $A_IP:40240 $B_IP:40242'
# RTCP goes where each phone's SDP says: bob to the port the offer he got
# names for RTCP, alice to the answer's RTP port + 1
rtcp_port_told() {
	local sdp port
	sdp=$(received "$1" "$2")
	port=$(sed -n 's/^a=rtcp:\([0-9]*\).*/\1/p' <<< "$sdp")
	[ -n "$port" ] && { echo "$port"; return; }
	port=$(sed -n 's/^m=audio \([0-9]*\) .*/\1/p' <<< "$sdp")
	echo $((port + 1))
}
nomux_rtcp_crosses() {
	local to_bob to_alice
	# bob got the offer first, alice the answer last
	to_alice=$(rtcp_port_told 1 "$LOGS/nomux-msgs.log")
	to_bob=$(rtcp_port_told -1 "$LOGS/nomux-uac-msgs.log")
	diag "bob sends RTCP to $to_alice, alice to $to_bob"
	rtp_through "$NS_A" $A_IP:40241 $SD_ADDR:$to_bob "$NS_B" $B_IP:40243 \
		$SD_ADDR:$to_alice 20 plain &&
		rtp_through "$NS_B" $B_IP:40243 $SD_ADDR:$to_alice "$NS_A" \
			$A_IP:40241 $SD_ADDR:$to_bob 20 plain
}
tap_check "RTCP crosses both ways between the RTCP ports the SDP named" \
	nomux_rtcp_crosses
tap_check "the call ends: no flow, no session, no port" call_clean nomux

# ---- hold the RFC 2543 way, then resume ------------------------------------

# alice holds with c=0.0.0.0 (send me nothing), then resumes from a new
# port: the flows keep her old end through the hold, and bob is told to
# send nothing; after the resume they follow her new port
CALL_PIDS=
uas hold 5080 uas_hold.xml
uac hold 5076 uac_hold.xml bob
tap_check "the call is up: 4 flows, RTP crosses" \
	eval 'wait_for nflows 4 && both_ways $A_IP:40300 $B_IP:40302'
# the third message bob got: the hold re-INVITE (the ACK came second)
held() {
	received 3 "$LOGS/hold-msgs.log" | grep -q "^c=IN IP4 0.0.0.0"
}
on_hold() {
	go_on || return 1
	wait_for held || { diag "bob was never told c=0.0.0.0"; return 1; }
	nflows 4 && has_flow_from $A_IP:40300 && has_flow_from $B_IP:40302
}
tap_check "hold (c=0.0.0.0): bob is told to send nothing, the flows stay" \
	on_hold
resumed() {
	local i
	go_on || return 1
	for i in $(seq 50); do
		has_flow_from $A_IP:40310 && break
		sleep 0.1
	done
	nflows 4 && ! has_flow_from $A_IP:40300 &&
		both_ways $A_IP:40310 $B_IP:40302
}
tap_check "resume from a new port: the flows follow it, RTP crosses" resumed
tap_check "the call ends: no flow, no session, no port" call_clean hold

tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
