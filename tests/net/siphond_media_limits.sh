#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Media anchoring at its limits and past the plain one-dialog call,
# through siphon's XDP relay, with a relay port range of 5 pairs and
# [media] max_sessions = 2:
# - a stream removed by a re-INVITE (port 0, RFC 3264 8.2) loses its flows
#   and gives its ports back while the call's audio keeps crossing XDP;
#   both phones keep m=video 0; offered again later, it is anchored anew;
# - a new INVITE when the ports run out, or when max_sessions calls are
#   up, gets 503 with a reason phrase saying which, and Retry-After; it
#   leaves no flow, session or port; the counters say so (siphonctl
#   stats, --json, /metrics); calls already up keep their media; once a
#   call ends a new one goes through;
# - a stream a re-INVITE adds when no port is left is declined (port 0);
# - one INVITE answered 200 by two phones (a forking proxy behind
#   siphond, RFC 3261 13.2.2.4): the media follows the first 2xx; the
#   caller's BYE of the unwanted dialog leaves it, or, when the caller
#   keeps the second, hands the flows to it; a siphond killed and started
#   again in between still knows which dialog the flows follow; the
#   shield protects the call's in-dialog requests until its last dialog
#   ends.
# The calls are held up by their sipp scenarios until the test says (an
# OPTIONS in the call), so no step depends on timing. After every
# scenario the flow map is empty and siphond holds no session and no port.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite media-limits 31 curl

# 5 relay port pairs: a call of audio and video takes 4, one of audio 2
PORT_MIN=36000
PORT_MAX=36009
MET=127.0.0.1:9465
sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = %d\nport_max = %d\nmax_sessions = 2\n' \
		"$PIN" $PORT_MIN $PORT_MAX
	printf '[metrics]\nlisten = %s\n' $MET
	# alice's scenarios answer no challenge
	printf '[trusted]\npeer = %s\n' $A_IP
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "bob, carol, dave and erin register" eval \
	'register "$NS_B" $B_IP 5080 bob bobpw 120 &&
	 register "$NS_B" $B_IP 5082 carol carolpw 120 &&
	 register "$NS_B" $B_IP 5084 dave davepw 120 &&
	 register "$NS_B" $B_IP 5086 erin erinpw 120'

# RTP packets each rtp_through sends here
RTP_N=50
has_flow_from() {
	[ -n "$(relay_port "$1")" ]
}
drops() {
	ctl --json stats | jq -r '.reasons.drop_wrong_source'
}
# dropped NS FROM TO: 20 packets from FROM to the relay's TO are dropped
# in XDP as from the wrong source
dropped() {
	local before after
	before=$(drops)
	ip netns exec "$1" "$UDP_PEER" send "$2" "$3" 20 $SIZE rtp > /dev/null
	sleep 0.2
	after=$(drops)
	diag "drop_wrong_source: $before -> $after"
	[ $((after - before)) -eq 20 ]
}
# media_is SESSIONS PORTS: siphond's gauges
media_is() {
	"$SIPHONCTL" -s "$SD_SOCK" --json status |
		jq -e --argjson s "$1" --argjson p "$2" \
			'.media.sessions == $s and .media.ports_in_use == $p' \
			> /dev/null
}
# counter NAME: siphond's media counter, as siphonctl --json stats says
counter() {
	ctl -s "$SD_SOCK" --json stats | jq -r ".siphond.media.$1"
}
# counted NAME N: siphonctl stats (table and --json) and /metrics agree
counted() {
	local json text met
	json=$(counter "$1")
	text=$(ctl -s "$SD_SOCK" stats |
		awk -v n="$1" '$1 == "media" && $2 == n { print $3 }')
	met=$(ip netns exec "$NS_R" curl -sS --max-time 5 "http://$MET/metrics" |
		awk -v m="siphon_media_$1_total" '$1 == m { print $2 }')
	diag "$1: --json $json, stats ${text:-none}, /metrics ${met:-none}"
	[ "$json" = "$2" ] && [ "$text" = "$2" ] && [ "$met" = "$2" ]
}
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
# got_count FILE PATTERN: the lines PATTERN in a phone's trace
got_count() {
	tr -d '\r' < "$1" | grep -c "$2"
}

# uas NAME PORT SCENARIO [ARGS]: one of bob's, carol's... phones waits
uas() {
	local name=$1 port=$2 sf=$3
	shift 3
	sipp_bg "$NS_B" $B_IP "$port" "$LOGS/$name.log" \
		-sf "$SIPP_DIR/$sf" -m 1 \
		-trace_msg -message_file "$LOGS/$name-msgs.log" "$@"
	PIDS[$name]=$SIPP_PID
}
# uac NAME PORT SCENARIO USER [ARGS]: alice calls USER in the background;
# the call's Call-ID is NAME-$$-1@A_IP, for poke
uac() {
	local name=$1 port=$2 sf=$3 user=$4
	shift 4
	sipp_run "$NS_A" $A_IP "$port" "$LOGS/$name.log" \
		-sf "$SIPP_DIR/$sf" -s "$user" -key from alice -m 1 \
		-cid_str "$name-$$-%u@%s" \
		-trace_msg -message_file "$LOGS/$name-msgs.log" "$@" &
	PIDS[$name]=$!
	PORTS[$name]=$port
	bg_pid $!
}
declare -A PIDS PORTS POKES
# poke NAME: the caller NAME goes on to its next step: an OPTIONS in its
# call, which its scenario waits for (and does not answer)
poke() {
	local name=$1 n
	n=$((${POKES[$name]:-0} + 1))
	POKES[$name]=$n
	printf '%s\r\n' "OPTIONS sip:alice@$A_IP:${PORTS[$name]} SIP/2.0" \
		"Via: SIP/2.0/UDP $A_IP:5999;branch=z9hG4bK-poke-$name-$n" \
		"From: <sip:test@$SD_DOMAIN>;tag=poke" \
		"To: <sip:alice@$SD_DOMAIN>" "Call-ID: $name-$$-1@$A_IP" \
		"CSeq: $n OPTIONS" "Max-Forwards: 70" "Content-Length: 0" "" |
		ip netns exec "$NS_A" "$UDP_PEER" probe $A_IP:5999 \
			$A_IP:"${PORTS[$name]}" 1 0 > /dev/null
}
# ended NAME...: each phone's sipp finished cleanly
ended() {
	local n
	for n in "$@"; do
		wait "${PIDS[$n]}" || { diag "$n: sipp failed"; return 1; }
	done
}
# clean NAME...: those phones finished cleanly, the flow map is empty,
# siphond holds no session and no port
clean() {
	ended "$@" && wait_for nflows 0 && wait_for media_is 0 0 ||
		{ diag "left $(flows | jq -c '[.[] | .relay]'), $("$SIPHONCTL" -s "$SD_SOCK" --json status | jq -c .media)"; return 1; }
}
# refused NAME USER PHRASE: alice's INVITE gets 503 PHRASE, Retry-After
refused() {
	local msgs=$LOGS/$1-msgs.log
	sipp_run "$NS_A" $A_IP 5079 "$LOGS/$1.log" \
		-sf "$SIPP_DIR/uac_reject.xml" -s "$2" -key from alice \
		-key code 503 -key alt 503 -key maxfwd 70 -m 1 \
		-trace_msg -message_file "$msgs" || return 1
	diag "$(tr -d '\r' < "$msgs" | grep "^SIP/2.0 [2-6]")"
	[ "$(got_count "$msgs" "^SIP/2.0 503 $3\$")" = 1 ] &&
		[ "$(got_count "$msgs" "^Retry-After: 5\$")" = 1 ]
}

# ---- a stream removed, the relay ports running out -----------------------

A_AUDIO=$A_IP:40400 A_VIDEO=$A_IP:40402
B_AUDIO=$B_IP:40410 B_VIDEO=$B_IP:40412
uas streams-uas 5080 uas_streams.xml -key aport 40410 -key vport 40412
uac streams 5072 uac_streams.xml bob -key aport 40400 -key vport 40402
av_up() {
	wait_for nflows 8 && media_is 1 4 &&
		both_ways $A_AUDIO $B_AUDIO && both_ways $A_VIDEO $B_VIDEO
}
tap_check "audio and video: 8 flows, 4 port pairs, both cross XDP both ways" \
	av_up

# one pair left, a call needs two: the INVITE is refused whole
tap_check "no relay port pair left: 503 Media Relay Ports Exhausted, Retry-After" \
	refused no-ports carol "Media Relay Ports Exhausted"
tap_check "the refused call left nothing: 8 flows, 1 session, 4 pairs" \
	eval 'nflows 8 && media_is 1 4'
tap_check "ports_exhausted counted 1: siphonctl stats, --json and /metrics" \
	counted ports_exhausted 1
tap_check "the call already up still crosses XDP, audio and video" \
	eval 'both_ways $A_AUDIO $B_AUDIO && both_ways $A_VIDEO $B_VIDEO'

# RFC 3264 8.2: alice removes the video (port 0), bob's answer mirrors it
OLD_VIDEO=$(relay_port $A_VIDEO)
poke streams
video_removed() {
	wait_for nflows 4 || return 1
	media_is 1 2 && ! has_flow_from $A_VIDEO && ! has_flow_from $B_VIDEO &&
		[ "$(counter streams_removed)" = 1 ]
}
tap_check "re-INVITE with video port 0: its 4 flows go, its 2 pairs are free" \
	video_removed
# bob's third message is the re-INVITE (then its ACK); alice's last the 200
port0_kept() {
	wait_for eval '[ "$(got_count "$LOGS/streams-msgs.log" "^CSeq: 2 ACK")" -ge 1 ]' ||
		return 1
	received 3 "$LOGS/streams-uas-msgs.log" | grep -q "^m=video 0 " &&
		received -1 "$LOGS/streams-msgs.log" | grep -q "^m=video 0 " &&
		received -1 "$LOGS/streams-msgs.log" | grep -q "^m=audio [1-9]"
}
tap_check "both phones' SDP keep the m=video line with port 0" port0_kept
tap_check "the audio still crosses XDP both ways" both_ways $A_AUDIO $B_AUDIO
tap_check "video sent to its old relay port goes nowhere" \
	nothing_through "$NS_A" $A_VIDEO $SD_ADDR:$OLD_VIDEO "$NS_B" $B_VIDEO

# ---- max_sessions ----------------------------------------------------------

uas held-uas 5082 uas_media.xml -key port 40422 -key attr a=sendrecv -key linger 0 -d 0
uac held 5073 uac_held_options.xml carol -key port 40420
tap_check "a second call: 2 sessions (max_sessions), 4 pairs, RTP crosses" \
	eval 'wait_for nflows 8 && media_is 2 4 &&
	      both_ways $A_IP:40420 $B_IP:40422'
tap_check "max_sessions calls up: 503 Media Relay Full, Retry-After" \
	refused full dave "Media Relay Full"
tap_check "table_full counted 1, nothing left: 8 flows, 2 sessions, 4 pairs" \
	eval 'counted table_full 1 && nflows 8 && media_is 2 4'
tap_check "both calls up still cross XDP" \
	eval 'both_ways $A_AUDIO $B_AUDIO && both_ways $A_IP:40420 $B_IP:40422'

# alice offers the video again with one pair left: declined, port 0
poke streams
video_declined() {
	wait_for eval '[ "$(got_count "$LOGS/streams-msgs.log" "^CSeq: 3 ACK")" -ge 1 ]' ||
		return 1
	received 5 "$LOGS/streams-uas-msgs.log" | grep -q "^m=video 0 " &&
		received -1 "$LOGS/streams-msgs.log" | grep -q "^m=video 0 " &&
		nflows 8 && media_is 2 4 && [ "$(counter streams_refused)" = 1 ] &&
		[ "$(counter ports_exhausted)" = 2 ]
}
tap_check "video offered again without ports: declined (port 0), nothing taken" \
	video_declined

poke held
tap_check "carol's call ends: its flows and ports go, alice's audio stays" \
	eval 'ended held held-uas && wait_for nflows 4 && media_is 1 2 &&
	      both_ways $A_AUDIO $B_AUDIO'
uas again-uas 5084 uas_media.xml -key port 40432 -key attr a=sendrecv -key linger 0 -d 0
uac again 5074 uac_held_options.xml dave -key port 40430
tap_check "once a call ended, a new call goes through and crosses XDP" \
	eval 'wait_for nflows 8 && media_is 2 4 &&
	      both_ways $A_IP:40430 $B_IP:40432'
poke again
tap_check "that call ends: alice's call alone is left" \
	eval 'ended again again-uas && wait_for nflows 4 && media_is 1 2'

# alice offers the video once more: anchored anew, on free ports
poke streams
video_back() {
	wait_for nflows 8 || return 1
	media_is 1 4 && both_ways $A_AUDIO $B_AUDIO &&
		both_ways $A_VIDEO $B_VIDEO
}
tap_check "video offered again with ports free: 8 flows, it crosses XDP again" \
	video_back
poke streams
tap_check "alice hangs up: no flow, no session, no port" \
	clean streams streams-uas

# ---- one INVITE, two 200 OKs -----------------------------------------------

FORK_A=$A_IP:40500 FORK_1=$B_IP:40502 FORK_2=$B_IP:40512
# fork CASE KEEP: erin's two phones answer alice's INVITE
fork() {
	uas "$1-uas" 5086 uas_forked.xml -key port1 40502 -key port2 40512
	uac "$1" 5075 uac_forked.xml erin -key port 40500 -key keep "$2"
}
# byes NAME N: N BYEs of the call passed siphond (its callee got them)
byes() {
	[ "$(got_count "$LOGS/$1-uas-msgs.log" "^BYE ")" -ge "$2" ]
}
# acks NAME N: the callee of call NAME got N ACKs
acks() {
	[ "$(got_count "$LOGS/$1-uas-msgs.log" "^ACK ")" = "$2" ]
}
# shield_down: calls the shield no longer protects (a BYE ended them)
shield_down() {
	ctl -s "$SD_SOCK" --json stats | jq -r ".siphond.shield.live_calls_down"
}
fork kept-first first
first_answer_rules() {
	wait_for acks kept-first 2 && wait_for nflows 4 || return 1
	has_flow_from $FORK_1 && ! has_flow_from $FORK_2 && media_is 1 2 &&
		[ "$(counter forks)" = 1 ] && both_ways $FORK_A $FORK_1
}
tap_check "two 200 OKs, both ACKed: the media follows the first, crosses XDP" \
	first_answer_rules
both_rewritten() {
	local relay=$(relay_port $FORK_A)
	[ "$(got_count "$LOGS/kept-first-msgs.log" "^m=audio $relay ")" = 2 ] &&
		[ "$(got_count "$LOGS/kept-first-msgs.log" "^c=IN IP4 $SD_ADDR")" -ge 2 ] &&
		[ "$(got_count "$LOGS/kept-first-msgs.log" "^[oc]=.*$B_IP")" = 0 ]
}
tap_check "alice sees both answers name the relay port she sends to, never bob" \
	both_rewritten
SHIELD_DOWN=$(shield_down)
poke kept-first
unwanted_gone() {
	wait_for byes kept-first 1 || return 1
	nflows 4 && has_flow_from $FORK_1 && media_is 1 2 &&
		[ "$(shield_down)" = "$SHIELD_DOWN" ] &&
		both_ways $FORK_A $FORK_1 &&
		dropped "$NS_B" $FORK_2 $SD_ADDR:$(relay_port $FORK_1)
}
tap_check "BYE in the second dialog: the first keeps its flows and the shield's protection, the second gets nothing" \
	unwanted_gone
poke kept-first
tap_check "BYE in the first dialog: no flow, no session, no port, the shield's call down" \
	eval 'clean kept-first kept-first-uas &&
	      [ "$(shield_down)" = $((SHIELD_DOWN + 1)) ]'

SHIELD_DOWN=$(shield_down)
fork kept-second second
# poke_when_up NAME: both 200 OKs of call NAME are ACKed, the flows in
poke_when_up() {
	wait_for acks "$1" 2 && wait_for nflows 4 && has_flow_from $FORK_1
}
taken_over() {
	poke_when_up kept-second || return 1
	poke kept-second
	wait_for byes kept-second 1 && wait_for has_flow_from $FORK_2 ||
		return 1
	nflows 4 && ! has_flow_from $FORK_1 && media_is 1 2 &&
		[ "$(counter fork_takeovers)" = 1 ] &&
		[ "$(shield_down)" = "$SHIELD_DOWN" ] &&
		both_ways $FORK_A $FORK_2 &&
		dropped "$NS_B" $FORK_1 $SD_ADDR:$(relay_port $FORK_2)
}
tap_check "BYE in the first dialog while the second is up: the flows move to it" \
	taken_over
poke kept-second
tap_check "BYE in the second dialog: no flow, no session, no port" \
	clean kept-second kept-second-uas

tap_check "siphond counted 2 forks, 1 stream removed, 1 refused, no leak" \
	eval '[ "$(counter forks)" = 2 ] && [ "$(counter streams_removed)" = 1 ] &&
	      [ "$(counter streams_refused)" = 1 ] && [ "$(counter sessions)" = 0 ] &&
	      [ "$(counter ports_in_use)" = 0 ] && sd_alive'

# the dialog the flows follow is in the call's pinned record: a siphond
# killed while two dialogs are up, and started again, still tells them
# apart (the other one's BYE leaves the call), though it forgot the other
fork restarted first
restarted() {
	poke_when_up restarted || return 1
	kill -KILL "$SD_PID"
	wait "$SD_PID" 2> /dev/null
	mkdir -p "$LOGS/second" && sd_start "$LOGS/second" &&
		grep -q "media: 1 calls taken over from the last run" \
			"$LOGS/second/siphond.log" && nflows 4 && media_is 1 2
}
tap_check "siphond killed (SIGKILL) with both dialogs up, started again: call taken over" \
	restarted
tap_check "after the restart, BYE in the second dialog leaves the first's media" \
	eval 'poke restarted && wait_for byes restarted 1 && nflows 4 &&
	      media_is 1 2 && both_ways $FORK_A $FORK_1'
poke restarted
tap_check "BYE in the first dialog: no flow, no session, no port" \
	eval 'clean restarted restarted-uas && sd_alive'

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
