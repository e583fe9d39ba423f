#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphonctl's live views with a real call and paced RTP through siphond
# and the XDP relay: flow show --interval gives each flow's rate, top
# --json lists the call with the packet rates each way close to what the
# phones send, top for humans prints one plain snapshot per interval when
# it writes to a pipe, top works with siphond down (the XDP side alone),
# and bad arguments are refused with exit status 2.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ] ||
	! command -v sipp > /dev/null || ! command -v jq > /dev/null; then
	echo "1..0 # SKIP needs build/siphond, build/siphonctl, sipp and jq"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphonctl-top.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL # sipp writes its error logs here
sd_topology "top$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
make_pin_dir top
SD_SOCK=$LOGS/siphond.sock
OUT=$LOGS/out
ERR=$LOGS/err
tap_plan 16

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" -s "$SD_SOCK" "$@"
}

# expect STATUS PATTERN CMD...: CMD exits STATUS and says PATTERN
expect() {
	local want=$1 pattern=$2 rc
	shift 2
	"$@" > "$OUT" 2> "$ERR"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		diag "exit $rc, wanted $want: $(cat "$ERR" "$OUT" | head -5)"
		return 1
	fi
	cat "$OUT" "$ERR" | grep -q -- "$pattern" || {
		diag "output lacks '$pattern': $(cat "$ERR" "$OUT" | head -5)"
		return 1
	}
}

# bad command lines: exit 2 and a message that names the problem
tap_check "top: an unknown argument" \
	expect 2 "unknown argument '--fast'" ctl top --fast
tap_check "top: intervals under 100 ms or without a number" \
	eval 'expect 2 "not an interval" ctl top --interval 0.05 &&
	      expect 2 "not an interval" ctl top --interval 2x &&
	      expect 2 "needs a value" ctl top --interval'
tap_check "top: a count or a calls limit that is not a number" \
	eval 'expect 2 "not a whole number" ctl top --count 0 &&
	      expect 2 "not a whole number" ctl top --calls many'
tap_check "flow show: bad intervals and extra words" \
	eval 'expect 2 "not an interval" ctl flow show --interval 5 &&
	      expect 2 "not an interval" ctl flow show --interval 61s &&
	      expect 2 "needs milliseconds" ctl flow show --interval &&
	      expect 2 "flow show \[RELAY:PORT\]" ctl flow show a b'
tap_check "top with neither XDP nor siphond: exit 3, says both" \
	expect 3 "not loaded .* siphond is not running" ctl top --count 1

sd_media_lab
ctl attach r1 r2 > /dev/null || { diag "attach failed"; exit $KSFT_FAIL; }

# siphond down: top shows the XDP side and says so
top_without_siphond() {
	ctl --json top --count 1 --interval 0.2 > "$OUT" 2> "$ERR" ||
		{ diag "exit $?: $(cat "$ERR")"; return 1; }
	jq -e '.siphond.running == false and .siphond.state == "not running"
		and .xdp.loaded == true and .calls == [] and
		([.interfaces[].name] | sort) == ["r1", "r2"]' "$OUT" \
		> /dev/null || { diag "$(cat "$OUT")"; return 1; }
	ctl top --count 1 --interval 0.2 | grep -q "^siphond   not running"
}
tap_check "siphond not running: top shows the XDP side and says so" \
	top_without_siphond

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30099\ntimeout_s = 10\n' "$PIN"
	printf '[trusted]\npeer = %s\n' $A_IP
}
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
tap_check "bob registers" \
	register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

# a call held until the RTP and every look below are done
A_RTP=$A_IP:40000
B_RTP=$B_IP:40002
sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/uas.log" -sf "$SIPP_DIR/uas_answer.xml" \
	-m 1
UAS=$SIPP_PID
sd_held_call alice "$NS_A" $A_IP 5072 -s bob -key from alice -m 1
UAC=$HELD_UAC

tap_check "the answer installs the call's 4 flows" wait_for nflows 4
CALLER_SIDE=$(relay_port $A_RTP)
CALLEE_SIDE=$(relay_port $B_RTP)
diag "caller sends to $SD_ADDR:$CALLER_SIDE, callee to $SD_ADDR:$CALLEE_SIDE"

# paced RTP for 6 s: the caller at 100 packets/s (a 10 ms gap), the callee
# at 50 (20 ms, real time); usleep only ever sleeps longer, so each side
# sends at most that many per second
ip netns exec "$NS_A" "$UDP_PEER" send $A_RTP $SD_ADDR:$CALLER_SIDE 600 \
	$SIZE rtp 10000 > /dev/null &
bg_pid $!
ip netns exec "$NS_B" "$UDP_PEER" send $B_RTP $SD_ADDR:$CALLEE_SIDE 300 \
	$SIZE rtp 20000 > /dev/null &
bg_pid $!
# both senders under way
sending() {
	[ "$(flows | jq '[.[] | select(.packets > 0)] | length')" = 2 ]
}
wait_for sending

# in [lo, hi]: the rate top measured is near what was sent, and never more
# than a packet per second above it (a sample may end just after one)
near() {
	awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'
}

top_json_rates() {
	local last pc pe
	ctl --json top --count 2 --interval 1 > "$OUT" 2> "$ERR" ||
		{ diag "exit $?: $(cat "$ERR")"; return 1; }
	[ "$(wc -l < "$OUT")" = 2 ] || { diag "$(cat "$OUT")"; return 1; }
	jq -e . "$OUT" > /dev/null || return 1
	last=$(tail -n 1 "$OUT")
	diag "$(jq -c '.calls[0]' <<< "$last")"
	pc=$(jq '.calls[0].from_caller.pps' <<< "$last")
	pe=$(jq '.calls[0].from_callee.pps' <<< "$last")
	jq -e '.siphond.running and .siphond.calls == 1 and
		.siphond.registrations >= 1 and (.calls | length) == 1 and
		.calls[0].state == "answered" and .calls[0].streams == 1 and
		.interval_seconds > 0.9 and .xdp.relayed_pps > 0' \
		<<< "$last" > /dev/null || { diag "$last"; return 1; }
	near "$pc" 40 101 && near "$pe" 20 51
}
tap_check "top --json: the call, ~100 pps from the caller, ~50 from the callee" \
	top_json_rates

top_json_ifaces() {
	local last
	last=$(tail -n 1 "$OUT")
	# r1 receives the caller's RTP and sends the callee's
	jq -e '(.interfaces[] | select(.name == "r1") |
		.rx_pps >= 40 and .tx_pps >= 20 and .rx_bps > .rx_pps * 8 * 172)
		and .xdp.shield_drops_per_second == 0' <<< "$last" > /dev/null ||
		{ diag "$(jq -c '.interfaces, .xdp' <<< "$last")"; return 1; }
}
tap_check "top --json: the interfaces' rates and the shield's drops" \
	top_json_ifaces

top_human_pipe() {
	ctl top --count 2 --interval 0.5 > "$OUT" 2> "$ERR" ||
		{ diag "exit $?: $(cat "$ERR")"; return 1; }
	# a pipe: no escape sequences, two whole snapshots one after the other
	! grep -q $'\033' "$OUT" &&
		[ "$(grep -c '^siphonctl top' "$OUT")" = 2 ] &&
		[ "$(grep -c '^siphond   running; calls 1, registrations 1 ' "$OUT")" = 2 ] &&
		grep -q '^CALL-ID .* CALLER_PPS' "$OUT" &&
		grep -q '^r1 ' "$OUT" && grep -q '^XDP  .* 4 flows' "$OUT" ||
		{ diag "$(head -12 "$OUT")"; return 1; }
}
tap_check "top for humans, into a pipe: plain snapshots, one per interval" \
	top_human_pipe

flow_show_rates() {
	local out pps bps
	out=$(ctl --json flow show $SD_ADDR:$CALLER_SIDE --interval 1000) ||
		return 1
	pps=$(jq '.pps' <<< "$out")
	bps=$(jq '.bps' <<< "$out")
	diag "caller's flow: $pps pps, $bps bit/s"
	near "$pps" 40 101 || return 1
	# the bytes the relay counts per packet: at least the UDP payload
	jq -e '.bps >= .pps * 8 * 171 and .bps <= .pps * 8 * 300 and
		.interval_seconds >= 0.99' <<< "$out" > /dev/null ||
		{ diag "$out"; return 1; }
	ctl flow show $SD_ADDR:$CALLER_SIDE --interval 200ms |
		grep -q '^rate  .* pps, .* bit/s over 0.2. s$'
}
tap_check "flow show RELAY:PORT --interval: pps and bit/s of one flow" \
	flow_show_rates

flow_show_all_rates() {
	local row
	ctl flow show --interval 500 > "$OUT" || return 1
	head -1 "$OUT" | grep -q ' IDLE  *PPS  *BIT/S$' || { diag "$(head -1 "$OUT")"; return 1; }
	row=$(grep "^$SD_ADDR:$CALLEE_SIDE " "$OUT")
	# the callee's flow: its PPS column near 50, RTCP's flows at 0
	near "$(awk '{ print $(NF - 1) }' <<< "$row")" 20 52 &&
		[ "$(ctl --json flow show --rate | jq '[.[] | select(.pps == 0)] | length')" = 2 ] ||
		{ diag "$row"; return 1; }
}
tap_check "flow show --interval: PPS and BIT/S columns for every flow" \
	flow_show_all_rates
tap_check "flow show without --interval: no rate columns, no rate fields" \
	eval '! ctl flow show | head -1 | grep -q PPS &&
	      ctl --json flow show | jq -e "all(has(\"pps\") | not)" > /dev/null'

tap_check "the call ends cleanly" \
	eval 'sd_hangup alice && wait $UAC && wait $UAS'

sd_stop() {
	kill "$SD_PID" && wait "$SD_PID"
}
tap_check "siphond stopped: top still runs, the call list is gone" \
	eval 'sd_stop; ctl --json top --count 1 --interval 0.2 | jq -e \
		".siphond.running == false and .xdp.loaded and .calls == []" \
		> /dev/null'
tap_done
