#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Offers and answers off the plain INVITE/200 path, anchored on siphon's
# XDP relay: an UPDATE in an early dialog (RFC 3311) that moves both
# phones before the call is answered, and an offer in a multipart/mixed
# body (RFC 5621) next to a part siphond does not read, which must reach
# the callee byte for byte.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite offer-answer 8

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 32000\nport_max = 32099\n' "$PIN"
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
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

empty_map() {
	[ "$(flows | jq length)" = 0 ]
}
# held_call NAME UAS UAC PORT: bob waits with UAS, alice calls with UAC
# and talks until call_ended; both trace messages
held_call() {
	local name=$1 uas=$2 uac=$3 port=$4
	CALL=$name
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/$uas" -m 1 \
		-trace_msg -message_file "$LOGS/$name-uas-msgs.log"
	CALL_UAS=$SIPP_PID
	HELD_SF=$uac sd_held_call "$name" "$NS_A" $A_IP "$port" -s bob \
		-key from alice -m 1
	CALL_UAC=$HELD_UAC
}
# call_ended: alice hangs up, both phones end well, and nothing is left
call_ended() {
	sd_go_on "$CALL" && wait "$CALL_UAC" && wait "$CALL_UAS" &&
		wait_for empty_map && wait_for sd_media_idle
}

# ---- UPDATE in the early dialog -------------------------------------------

# the 183's answer installs the flows; the UPDATE moves alice to 40110
# and bob answers from 40112, before the 200: the relay ports stay, the
# flows follow both, and neither phone learns the other's ports
held_call early uas_early_update.xml uac_early_update.xml 5072
tap_check "the 183's answer installs 4 flows" wait_for nflows 4
moved() {
	[ -n "$(relay_port $A_IP:40110)" ] && [ -n "$(relay_port $B_IP:40112)" ]
}
early_update_moves_both() {
	wait_for moved || {
		diag "flows: $(flows | jq -c '[.[] | .relay + " " + .peer]')"
		return 1
	}
	A_SIDE=$(relay_port $A_IP:40110)
	B_SIDE=$(relay_port $B_IP:40112)
	diag "alice sends to $A_SIDE, bob to $B_SIDE"
	[ "$(flows | jq length)" = 4 ] &&
		rtp_through "$NS_A" $A_IP:40110 $SD_ADDR:$A_SIDE "$NS_B" \
			$B_IP:40112 $SD_ADDR:$B_SIDE &&
		rtp_through "$NS_B" $B_IP:40112 $SD_ADDR:$B_SIDE "$NS_A" \
			$A_IP:40110 $SD_ADDR:$A_SIDE
}
tap_check "UPDATE before the 200: the flows follow both phones, RTP crosses" \
	early_update_moves_both
# the m= ports in a phone's trace: its own two, and the one relay port it
# was told in the 183 (or INVITE) and again in the UPDATE's exchange
ports_seen() {
	tr -d '\r' < "$1" | sed -n 's/^m=audio \([0-9]*\) .*/\1/p' |
		sort -u | tr '\n' ' '
}
sdp_hidden() {
	diag "alice saw: $(ports_seen "$LOGS/early-uac-msgs.log");" \
		"bob saw: $(ports_seen "$LOGS/early-uas-msgs.log")"
	[ "$(ports_seen "$LOGS/early-uac-msgs.log")" = \
		"$(printf '%s\n' 40100 40110 $A_SIDE | sort -u | tr '\n' ' ')" ] &&
		[ "$(ports_seen "$LOGS/early-uas-msgs.log")" = \
		"$(printf '%s\n' 40102 40112 $B_SIDE | sort -u | tr '\n' ' ')" ]
}
tap_check "one relay port per phone throughout, the other's ports hidden; BYE ends it" \
	eval 'call_ended && sdp_hidden'

# ---- an offer in a multipart body -----------------------------------------

# the trunk-like caller's INVITE as bob got it: the SDP part names the
# relay, the XML part and the delimiters are as alice sent them, and the
# Content-Length is the body's
held_call multipart uas_answer.xml uac_multipart.xml 5073
tap_check "a multipart offer is anchored: 4 flows" wait_for nflows 4
A_SIDE=$(relay_port $A_IP:40200)
B_SIDE=$(relay_port $B_IP:40002)
diag "alice sends to $A_SIDE, bob to $B_SIDE"
# msg_of FILE FIRST_LINE_PREFIX: the first traced message starting so,
# CRLFs kept, as sipp logged it (between its separator lines)
msg_of() {
	awk -v want="$2" '
		/^-+ [0-9]/ { on = 0; next }
		!on && !done && index($0, want) == 1 { on = 1 }
		on { print; if (!seen) seen = 1 }
		!on && seen { done = 1 }' "$1"
}
multipart_kept() {
	local m f=$LOGS/bob-invite.txt total hdr cl
	# the message, and the empty line sipp writes after it
	msg_of "$LOGS/multipart-uas-msgs.log" "INVITE " > "$f"
	m=$(cat "$f")
	# what alice sent, part by part, less the SDP's anchored lines
	sent=$(msg_of "$LOGS/multipart-uac-msgs.log" "INVITE " |
		sed -n '/^--siphon-mp-1/,$p' | grep -v '^[com]=')
	got=$(sed -n '/^--siphon-mp-1/,$p' <<< "$m" | grep -v '^[com]=')
	total=$(($(wc -c < "$f") - 1))
	hdr=$(awk '{ n += length($0) + 1 } /^\r$/ { print n; exit }' "$f")
	cl=$(grep -i '^Content-Length:' <<< "$m" | tr -dc 0-9)
	diag "bob's INVITE: Content-Length $cl, body $((total - hdr)) bytes;" \
		"$(grep -E '^(c|m)=' <<< "$m" | tr -d '\r' | tr '\n' '|')"
	[ "$sent" = "$got" ] && [ -n "$got" ] &&
		grep -q "^c=IN IP4 $SD_ADDR" <<< "$m" &&
		grep -q "^m=audio $B_SIDE RTP/AVP 0" <<< "$m" &&
		! grep -q "40200" <<< "$m" &&
		grep -q '^Content-Type: multipart/mixed;boundary=siphon-mp-1' <<< "$m" &&
		[ $((total - hdr)) = "$cl" ] &&
		[ "$(head -c "$total" "$f" | tail -c 17)" = \
			"--siphon-mp-1--$(printf '\r')" ]
}
tap_check "bob gets the SDP part anchored, the XML part as it was sent" \
	multipart_kept
rtp_both() {
	[ -n "$A_SIDE" ] && [ -n "$B_SIDE" ] &&
		rtp_through "$NS_A" $A_IP:40200 $SD_ADDR:$A_SIDE "$NS_B" \
			$B_IP:40002 $SD_ADDR:$B_SIDE &&
		rtp_through "$NS_B" $B_IP:40002 $SD_ADDR:$B_SIDE "$NS_A" \
			$A_IP:40200 $SD_ADDR:$A_SIDE
}
tap_check "RTP of the multipart call crosses XDP both ways; BYE ends it" \
	eval 'rtp_both && call_ended'

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tail:"
	grep -v ": debug: " "$LOGS/siphond.log" | tail -20 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
