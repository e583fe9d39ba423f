#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# An upgrade never cuts a call, even when the pinned layouts change. The
# previous siphon (commit $OLD: 104-byte flows, SCL5 call records, built
# from git into build/) relays calls whose RTP keeps flowing while the
# operator upgrades as Documentation/install.md says: the old siphond
# stops, this siphonctl attach carries the flow table over to 152-byte
# flows in the slots of the inline table (192 bytes each, found through an
# index) and switches both interfaces to the new program through the same
# links, and this siphond converts the call store. Not one RTP packet is
# lost, the flows keep their counters, the calls are listed, one is hung
# up by the operator (BYE to both phones), the rest end with their BYE.
# A pinned flow table no converter knows is refused with what to do.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

# the last commit of main with the 104-byte flow and the SCL5 record
OLD=462f0f3
OLD_TREE=$BUILD/upgrade-from-$OLD

if ! git -C "$SIPHON_ROOT" cat-file -e "$OLD^{commit}" 2> /dev/null; then
	echo "1..0 # SKIP commit $OLD (the siphon to upgrade from) is not in this clone"
	exit $KSFT_SKIP
fi
sd_media_suite upgrade 16 bpftool

# the old siphon, built once from git and kept in build/ (about 20 s)
build_old() {
	[ -x "$OLD_TREE/build/siphonctl" ] && [ -x "$OLD_TREE/build/siphond" ] &&
		return 0
	rm -rf "$OLD_TREE" && mkdir -p "$OLD_TREE" &&
		git -C "$SIPHON_ROOT" archive "$OLD" | tar -x -C "$OLD_TREE" &&
		make -j2 -C "$OLD_TREE" build/siphonctl build/siphond \
			> "$LOGS/old-build.log" 2>&1
}
if ! build_old; then
	diag "the siphon of $OLD does not build:"
	tail -n 20 "$LOGS/old-build.log" | sed 's/^/# /'
	exit $KSFT_FAIL
fi
OLD_CTL=$OLD_TREE/build/siphonctl
OLD_SIPHOND=$OLD_TREE/build/siphond

CALLS=20
# each phone sends every call's RTP, 20 ms apart, for 6 s
ROUNDS=300
A_RTP=$A_IP:40000 # the SDP of uac_held.xml and uas_answer.xml
B_RTP=$B_IP:40002

old_ctl() {
	"$OLD_CTL" --pin-dir "$PIN" --netns "$NS_R" "$@"
}

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30999\ntimeout_s = 30\n' "$PIN"
	printf '[trusted]\npeer = %s\n' $A_IP
}

# run NAME BINARY: a siphond of its own log directory, as sd_start makes it
run() {
	mkdir -p "$LOGS/$1" && SIPHOND=$2 sd_start "$LOGS/$1"
}

# flows read by whichever siphonctl knows the pinned layout (siphond_lib's
# nflows and relay_ports call this one)
FLOWS_CTL=old_ctl
flows() {
	$FLOWS_CTL --json flow list
}

# packets: what the relay counted on every flow together
packets() {
	flows | jq '[.[].packets] | add'
}
# link_progs: "link-id:prog-id" of both interfaces' pinned links
link_progs() {
	local i
	for i in r1 r2; do
		bpftool -j link show pinned "$PIN/xdp_link_$i" |
			jq -r '"\(.id):\(.prog_id)"'
	done | tr '\n' ' '
}
flow_value_size() {
	bpftool -j map show pinned "$PIN/siphon_flows" | jq .bytes_value
}

tap_check "the old siphon ($OLD) attached to both relay interfaces" \
	eval 'old_ctl attach r1 r2 > /dev/null &&
	      [ "$(flow_value_size)" = 104 ]'
if ! run old "$OLD_SIPHOND"; then
	diag "the old siphond did not start:"; sed 's/^/# /' "$LOGS/old/siphond.log"
	exit $KSFT_FAIL
fi
BOB_PORT=5080
CAROL_PORT=5082
tap_check "bob and carol register with the old siphond" \
	eval 'register "$NS_B" $B_IP $BOB_PORT bob bobpw 300 &&
	      register "$NS_B" $B_IP $CAROL_PORT carol carolpw 300'

# CALLS calls, whose media flows across the upgrade, held until the
# test is done
sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/calls-uas.log" \
	-sf "$SIPP_DIR/uas_answer.xml" -m $CALLS
CALLS_UAS=$SIPP_PID
sd_held_call calls "$NS_A" $A_IP 5072 -s bob -key from alice \
	-m $CALLS -l $CALLS -r $CALLS
CALLS_UAC=$HELD_UAC
tap_check "$CALLS calls answered by the old siphond: $((4 * CALLS)) flows" \
	eval 'for i in $(seq 100); do nflows $((4 * CALLS)) && break; sleep 0.1; done; nflows $((4 * CALLS))'
CALLER_SIDES=$(relay_ports $A_RTP)
CALLEE_SIDES=$(relay_ports $B_RTP)

# and one call to carol that waits for BYE, for the operator to hang up
sipp_bg "$NS_B" $B_IP $CAROL_PORT "$LOGS/op-uas.log" \
	-sf "$SIPP_DIR/uas_wait_bye.xml" -m 1 -key rtp_port 40012 \
	-key timer "X-Timer: none"
OP_UAS=$SIPP_PID
sipp_run "$NS_A" $A_IP 5076 "$LOGS/op-uac.log" \
	-sf "$SIPP_DIR/uac_wait_bye.xml" -s carol -key from alice \
	-key rtp_port 40010 -m 1 \
	-trace_msg -message_file "$LOGS/op-uac-msgs.log" &
OP_UAC=$!
bg_pid $OP_UAC
tap_check "the operator's call is up too: $((4 * CALLS + 4)) flows" \
	wait_for nflows $((4 * CALLS + 4))
OP_CID=$(tr -d '\r' < "$LOGS/op-uac-msgs.log" | sed -n 's/^Call-ID: //p' | head -n 1)

talk
# under way through XDP
wait_for eval '[ "$(packets)" -gt 0 ]'
BEFORE_LINKS=$(link_progs)
BEFORE_PACKETS=$(packets)
diag "before: links:progs $BEFORE_LINKS, $BEFORE_PACKETS packets counted"

# the upgrade, mid-call: old siphond stops, the new siphonctl attach
# carries the flows over, the new siphond starts
kill -TERM "$SD_PID" && wait "$SD_PID"
upgraded() {
	local rc=0
	# as siphon-attach.service runs it: root without CAP_SYS_ADMIN
	nsenter --net=/run/netns/"$NS_R" setpriv --bounding-set -sys_admin \
		"$SIPHONCTL" --pin-dir "$PIN" attach r1 r2 \
		> "$LOGS/attach.out" 2>&1 || rc=$?
	sed 's/^/# /' "$LOGS/attach.out"
	[ $rc -eq 0 ] && grep -q "$((4 * CALLS + 4)) flows carried over from 104-byte values to 152-byte flows in the slots of the inline table; 2 interfaces switched" \
		"$LOGS/attach.out"
}
tap_check "the new siphonctl attach (no CAP_SYS_ADMIN) carries every flow over" \
	upgraded
FLOWS_CTL=ctl
same_links() {
	local after b1 b2 a1 a2
	after=$(link_progs)
	diag "after: links:progs $after"
	read -r b1 b2 <<< "$BEFORE_LINKS"
	read -r a1 a2 <<< "$after"
	# link ids kept, one new program on both
	[ "${a1%:*}" = "${b1%:*}" ] && [ "${a2%:*}" = "${b2%:*}" ] &&
		[ "${a1#*:}" = "${a2#*:}" ] && [ "${a1#*:}" != "${b1#*:}" ] &&
		[ "$(flow_value_size)" = 192 ]
}
tap_check "the same links run the new program; the pin is the new table" \
	same_links
tap_check "the new siphond starts" run new "$SIPHOND"

tap_check "A: every RTP packet of every call crossed, none lost" \
	no_loss a $TALK_A $NS_A
tap_check "B: every RTP packet of every call crossed, none lost" \
	no_loss b $TALK_B $NS_B
counted() {
	local now sent=$((2 * CALLS * ROUNDS))
	now=$(packets)
	diag "the flows counted $BEFORE_PACKETS packets before the upgrade, $now in all; $sent sent"
	# what the old program counted between copy and switch was caught up
	# with; only a packet counted by the new program as the catch-up
	# rewrote its flow may be missing (microseconds per flow), while
	# without the catch-up some 40 packets would be (2 per flow per 20 ms
	# of the window)
	[ "$now" -ge "$BEFORE_PACKETS" ] && [ "$now" -le $sent ] &&
		[ "$now" -ge $((sent - 2)) ]
}
tap_check "the flows kept their counters and counted every packet" counted
converted() {
	grep -q "$((CALLS + 1)) calls converted from SCL5" "$LOGS/new/siphond.log" &&
		grep -q "media: $((CALLS + 1)) calls taken over from the last run, 0 dropped, 0 flows" \
			"$LOGS/new/siphond.log"
}
tap_check "the new siphond converted and took over all $((CALLS + 1)) calls" \
	converted
listed() {
	local out
	out=$("$SIPHONCTL" -s "$SD_SOCK" --json calls) || return 1
	jq -e --argjson n $((CALLS + 1)) \
		'[.calls[] | select(.state == "answered")] | length == $n' \
		<<< "$out" > /dev/null
}
tap_check "siphonctl calls lists the $((CALLS + 1)) calls, answered" listed

hangup_op() {
	local out rc urc
	out=$("$SIPHONCTL" -s "$SD_SOCK" calls hangup "$OP_CID") || return 1
	diag "$out"
	grep -q "BYE sent to 2 of 2 phones" <<< "$out" || return 1
	wait "$OP_UAC"; rc=$?
	wait "$OP_UAS"; urc=$?
	diag "operator's call: caller exit $rc, callee exit $urc"
	[ $rc -eq 0 ] && [ $urc -eq 0 ] && wait_for nflows $((4 * CALLS))
}
tap_check "a converted call is hung up: BYE to both phones, its flows gone" \
	hangup_op
calls_ended() {
	local rc urc
	sd_hangup calls $CALLS || return 1
	wait $CALLS_UAC; rc=$?
	wait $CALLS_UAS; urc=$?
	diag "caller exit $rc, callee exit $urc, $(flows | jq length) flows left"
	[ $rc -eq 0 ] && [ $urc -eq 0 ] && wait_for nflows 0
}
tap_check "the other $CALLS calls end with BYE: no flow left" calls_ended

# a pinned flow table that is no older layout of siphon's: refused, and
# the message says what to do
refused() {
	local pin=$PIN-odd out
	mkdir -p "$pin" && on_exit "rm -rf $pin"
	bpftool map create "$pin/siphon_flows" type hash key 20 value 96 \
		entries 16 name siphon_flows || return 1
	out=$("$SIPHONCTL" --pin-dir "$pin" --netns "$NS_R" attach r1 2>&1) &&
		return 1
	diag "$out"
	grep -q "another layout .*cannot carry over: detach siphon" <<< "$out" &&
		[ "$(bpftool -j link show pinned "$PIN/xdp_link_r1" | jq .prog_id)" = \
			"$(link_progs | cut -d' ' -f1 | cut -d: -f2)" ]
}
tap_check "an unknown flow layout is refused, saying what to do" refused
tap_check "siphond is still running" sd_alive

if [ "$_tap_failed" -ne 0 ]; then
	for r in old new; do
		[ -f "$LOGS/$r/siphond.log" ] || continue
		diag "siphond $r log tail:"
		grep -v ": debug: " "$LOGS/$r/siphond.log" | tail -8 | sed 's/^/# /'
	done
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -10 "$f" | sed 's/^/# /'
	done
fi
tap_done
