#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond ends calls itself, with a BYE to both phones: when an operator
# hangs a call up (siphonctl calls hangup), when its media times out, and
# when its session timer runs out. Each phone gets a BYE it accepts (the
# right Request-URI, Call-ID, tags, CSeq and Reason) and answers 200; the
# flows go at once, even when one phone no longer answers (its BYE is
# then counted as timed out); a call taken over after a restart can still
# be hung up; an unknown call is a clear error with its own exit code.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite hangup 21

sctl() {
	"$SIPHONCTL" -s "$SD_SOCK" "$@"
}

# T1 of 100 ms: a BYE nobody answers gives up (timer F) after 6.4 s
TIMEOUT_S=30
sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30099\ntimeout_s = %s\n' \
		"$PIN" "$TIMEOUT_S"
	printf '[proxy]\nt1_ms = 100\n'
	printf '[trusted]\npeer = %s\n' $A_IP
}

# run NAME: a siphond with its own log directory
run() {
	mkdir -p "$LOGS/$1" && sd_start "$LOGS/$1" && SD_LOG=$LOGS/$1/siphond.log
}

no_calls() {
	[ "$(sctl --json calls | jq .count)" = 0 ]
}
dialog_counters() {
	ctl -s "$SD_SOCK" --json stats | jq -c .siphond.dialog
}
dialog_counter() {
	dialog_counters | jq -r ".$1"
}

# start_call NAME UAS_XML PORT: bob answers with UAS_XML (media on
# 40002; TIMER is the header line of his 2xx), alice calls from PORT with
# uac_wait_bye.xml, and both wait for BYE; their PIDs in UAC, UAS
start_call() {
	local name=$1 uas=$2 port=$3
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$name-uas.log" \
		-sf "$SIPP_DIR/$uas" -m 1 -key rtp_port 40002 \
		-key timer "${TIMER:-X-Timer: none}" \
		-trace_msg -message_file "$LOGS/$name-uas-msgs.log"
	UAS=$SIPP_PID
	sipp_run "$NS_A" $A_IP "$port" "$LOGS/$name-uac.log" \
		-sf "$SIPP_DIR/uac_wait_bye.xml" -s bob -key from alice \
		-key rtp_port 40000 -m 1 \
		-trace_msg -message_file "$LOGS/$name-uac-msgs.log" &
	UAC=$!
	bg_pid $UAC
	CALL=$name
}

# the call is up: answered, its flows in, alice's UPDATE (CSeq 7) seen
call_up() {
	local i
	for i in $(seq 100); do
		CID=$(sctl --json calls | jq -r '.calls[0].call_id // empty')
		[ -n "$CID" ] && nflows 4 &&
			[ "$(sctl --json calls show "$CID" | jq .dialog.caller.cseq)" = 7 ] &&
			return 0
		sleep 0.1
	done
	diag "no call up: $(sctl --json calls | jq -c .)"
	return 1
}

# both phones finished their scenario cleanly (each answered a BYE)
phones_done() {
	local rc urc
	wait "$UAC"; rc=$?
	wait "$UAS"; urc=$?
	[ $rc -eq 0 ] && [ $urc -eq 0 ] && return 0
	diag "$CALL: caller exit $rc, callee exit $urc"
	return 1
}

# the first BYE a phone's message log holds, its header lines
bye_in() {
	tr -d '\r' < "$1" | awk '/^BYE /{ p = 1 } p && /^$/{ exit } p'
}
# hdr LOG NAME [MATCH]: the first value of header NAME (holding MATCH)
# in a message log
hdr() {
	tr -d '\r' < "$1" | sed -n "s/^$2: \(.*${3:-}\)/\1/p" | head -n 1
}

# bye_ok REASON: each phone's BYE is the one a UA of the dialog would
# send it (RFC 3261 12.2.1.1): its Contact as Request-URI, the Call-ID,
# the other phone's tag in From and its own in To, the other phone's
# CSeq plus one (alice sent 7; bob sent none), Max-Forwards and Reason
bye_ok() {
	local reason=$1 a_log=$LOGS/$CALL-uac-msgs.log b_log=$LOGS/$CALL-uas-msgs.log
	local to_a to_b cid atag btag a_uri b_uri
	to_a=$(bye_in "$a_log")
	to_b=$(bye_in "$b_log")
	cid=$(hdr "$a_log" Call-ID)
	atag=$(hdr "$a_log" From | sed 's/.*tag=//')
	btag=$(hdr "$b_log" To ';tag=' | sed 's/.*tag=//')
	a_uri=$(hdr "$a_log" Contact | tr -d '<>')
	b_uri=$(grep -m1 -A20 '^SIP/2.0 200' "$b_log" | tr -d '\r' |
		sed -n 's/^Contact: <\(.*\)>/\1/p' | head -n 1)
	diag "BYE to bob: $(tr '\n' '|' <<< "$to_b")"
	diag "BYE to alice: $(tr '\n' '|' <<< "$to_a")"
	[ -n "$cid" ] && [ -n "$atag" ] && [ -n "$btag" ] || return 1
	check_bye "$to_b" "$b_uri" "$cid" "$atag" "$btag" 8 "$reason" &&
		check_bye "$to_a" "$a_uri" "$cid" "$btag" "$atag" 1 "$reason"
}

# check_bye BYE RURI CALL-ID FROM-TAG TO-TAG CSEQ REASON
check_bye() {
	local m=$1
	grep -qxF "BYE $2 SIP/2.0" <<< "$m" &&
		grep -qxF "Call-ID: $3" <<< "$m" &&
		grep -q "^From: .*;tag=$4\$" <<< "$m" &&
		grep -q "^To: .*;tag=$5\$" <<< "$m" &&
		grep -qx "CSeq: $6 BYE" <<< "$m" &&
		grep -qx "Max-Forwards: 70" <<< "$m" &&
		grep -q "^Via: SIP/2.0/UDP $SD_ADDR:5060;branch=z9hG4bK" <<< "$m" &&
		grep -qxF "Reason: SIP;cause=$7" <<< "$m" &&
		! grep -q "^Route:" <<< "$m"
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! run first; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/first/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 300

# (e) a call siphond does not have
unknown_call() {
	local out rc jrc code
	out=$(sctl calls hangup no-such-call@nowhere 2>&1)
	rc=$?
	code=$(sctl --json calls show no-such-call@nowhere 2>/dev/null | jq -r .code)
	sctl --json calls show no-such-call@nowhere > /dev/null 2>&1
	jrc=$?
	diag "$out (exit $rc; --json show: code $code, exit $jrc)"
	[ $rc -eq 5 ] && [ $jrc -eq 5 ] && [ "$code" = not_found ] &&
		grep -qF "no call with Call-ID 'no-such-call@nowhere'" <<< "$out"
}
tap_check "hangup of an unknown call: 'no call with Call-ID', exit 5" \
	unknown_call
bad_usage() {
	sctl calls hangup > /dev/null 2>&1
	[ $? -eq 2 ] || return 1
	sctl calls frobnicate x > /dev/null 2>&1
	[ $? -eq 2 ]
}
tap_check "calls hangup without an ID, or a bad subcommand: exit 2" bad_usage

# (a) an operator hangs a call up
start_call op uas_wait_bye.xml 5072
tap_check "a call is up: 4 flows, alice's UPDATE seen (CSeq 7)" call_up

show_json() {
	local out
	out=$(sctl --json calls show "$CID")
	jq -e --arg a "$A_IP:5072" --arg b "$B_IP:$BOB_PORT" \
		--arg rtp "$A_IP:40000" --argjson t "$TIMEOUT_S" \
		'.state == "answered" and .dialog.state == "confirmed" and
		 (.dialog.callee_tag | length > 0) and
		 (.dialog.caller.party | test(";tag=")) and
		 (.dialog.caller.target | contains($a)) and
		 (.dialog.callee.target | contains($b)) and
		 .dialog.caller.source == $a and .dialog.callee.source == $b and
		 .dialog.caller.route == "" and .dialog.callee.cseq == 0 and
		 .timers.media_timeout_s == $t and .timers.bye_on_expiry and
		 (.streams | length) == 1 and .streams[0].caller == $rtp and
		 .streams[0].from_caller.packets == 0' <<< "$out" > /dev/null ||
		{ diag "$out"; return 1; }
}
tap_check "calls show --json: parties, tags, targets, sources, timers, streams" \
	show_json
show_human() {
	local out
	out=$(sctl calls show "$CID")
	diag "$(head -n 4 <<< "$out" | tr '\n' '|')"
	grep -q "^dialog *confirmed" <<< "$out" &&
		grep -q "^  target *sip:alice@$A_IP:5072" <<< "$out" &&
		grep -q "^  cseq *7" <<< "$out" &&
		grep -q "^stream 0 *caller $A_IP:40000 -> $SD_ADDR:" <<< "$out"
}
tap_check "calls show: the same for humans" show_human

hangup_op() {
	local out
	out=$(sctl calls hangup "$CID") || return 1
	diag "$out"
	grep -q "BYE sent to 2 of 2 phones" <<< "$out"
}
tap_check "calls hangup: BYE sent to both phones, exit 0" hangup_op
tap_check "both phones got BYE and answered 200" phones_done
tap_check "each BYE: Contact, Call-ID, tags, CSeq, Reason (operator)" \
	bye_ok '200;text="Operator Hangup"'
tap_check "the flows are gone and the calls table is empty" \
	eval 'nflows 0 && no_calls'
tap_check "both BYEs counted as answered" \
	eval '[ "$(dialog_counter byes_answered)" = 2 ]'

# (d) one phone gone: its BYE is retransmitted and times out (timer F),
# the flows go at once all the same
gone_hangup() {
	local out
	wait "$UAS" || return 1 # bob's phone is gone
	out=$(sctl --json calls hangup "$CID") || return 1
	diag "$(jq -c . <<< "$out")"
	[ "$(jq .byes_sent <<< "$out")" = 2 ] && nflows 0 && no_calls &&
		wait "$UAC"
}
start_call gone uas_gone.xml 5073
tap_check "a call whose callee then vanishes is up" call_up
tap_check "calls hangup --json: both BYEs sent, flows gone at once" gone_hangup
timed_out() {
	local i
	for i in $(seq 150); do
		[ "$(dialog_counter byes_timed_out)" = 1 ] && return 0
		sleep 0.1
	done
	diag "dialog: $(dialog_counters)"
	return 1
}
tap_check "the BYE nobody answered is counted as timed out" timed_out

# (f) a call taken over after a restart can still be hung up
start_call restored uas_wait_bye.xml 5074
call_up || diag "the call to restore is not up"
restart_takes_call() {
	kill -KILL "$SD_PID"
	wait "$SD_PID" 2>/dev/null
	run second && grep -q "media: 1 calls taken over" "$SD_LOG" && nflows 4
}
tap_check "siphond killed and started again: the call is taken over" \
	restart_takes_call
restored_hangup() {
	local out
	out=$(sctl calls hangup "$CID") || return 1
	diag "$out"
	grep -q "BYE sent to 2 of 2 phones" <<< "$out" && phones_done &&
		bye_ok '200;text="Operator Hangup"' && nflows 0 && no_calls
}
tap_check "the restored call hangs up: both BYEs right, flows gone" \
	restored_hangup

# (b) and (c): calls siphond gives up end with BYE too
TIMEOUT_S=3
kill -TERM "$SD_PID" && wait "$SD_PID"
if ! run third; then
	diag "siphond did not start again"
fi
media_timeout() {
	start_call silent uas_wait_bye.xml 5075
	phones_done && bye_ok '408;text="Media Timeout"' &&
		nflows 0 && no_calls
}
tap_check "a silent call (timeout_s = 3): BYE to both, reason Media Timeout" \
	media_timeout
session_expired() {
	TIMER="Session-Expires: 1;refresher=uac" start_call expired \
		uas_wait_bye.xml 5076
	phones_done && bye_ok '408;text="Session Expired"' &&
		nflows 0 && no_calls
}
tap_check "a session timer not refreshed: BYE to both, reason Session Expired" \
	session_expired
counted() {
	local d
	d=$(dialog_counters)
	diag "dialog: $d"
	jq -e '.confirmed == 2 and .hangups == 2 and .byes_sent == 4 and
		.byes_answered == 4 and .byes_unsent == 0 and
		.hangups_flows_only == 0' <<< "$d" > /dev/null &&
		grep -q "silent for .* it ends" "$SD_LOG" &&
		grep -q "session timer ran out with no refresh: it ends" "$SD_LOG"
}
tap_check "siphond counted 2 dialogs, 2 hangups, 4 BYEs sent and answered" \
	counted
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	for r in first second third; do
		[ -f "$LOGS/$r/siphond.log" ] || continue
		diag "siphond $r log tail:"
		grep -v ": debug: " "$LOGS/$r/siphond.log" | tail -8 | sed 's/^/# /'
	done
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -10 "$f" | sed 's/^/# /'
	done
fi
tap_done
