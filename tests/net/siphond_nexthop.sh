#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# siphond caches the next hop in the flows it installs ([media] nexthop):
# a call's flows carry the egress interface and the phones' MAC addresses,
# and media crosses XDP with IP forwarding off in the relay (so no FIB
# lookup is made: with forwarding off it would fail). When a phone's MAC
# changes, or its neighbour entry goes, the flows follow at once; a
# siphond killed and started again keeps following them; nexthop = fib
# keeps the FIB lookup per packet, which then needs forwarding.
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite nexthop 16
# a phone whose MAC changes says so (gratuitous ARP), as real ones do
ip netns exec "$NS_A" sysctl -qw net.ipv4.conf.a0.arp_notify=1

forwarding() {
	ip netns exec "$NS_R" sysctl -qw net.ipv4.conf.all.forwarding=$1
}

NEXTHOP=auto
sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 30000\nport_max = 30099\ntimeout_s = 30\nnexthop = %s\n' \
		"$PIN" "$NEXTHOP"
	printf '[trusted]\npeer = %s\n' $A_IP
}

# run NAME: a siphond with a log directory of its own
run() {
	SD_SOCK=$LOGS/$1/siphond.sock
	mkdir -p "$LOGS/$1" && sd_start "$LOGS/$1"
}

A_RTP=$A_IP:40000 # the SDP of uac_held.xml and uas_answer.xml
B_RTP=$B_IP:40002
BOB_PORT=5080

mac_of() {
	ip -n "$1" -j link show "$2" | jq -r '.[0].address'
}

# rtp_count NS FROM TO_RELAY RNS RBIND EXPECT_FROM [N]: how many of N
# packets from FROM to the relay reach RBIND from EXPECT_FROM
rtp_count() {
	local ns=$1 from=$2 to=$3 rns=$4 rbind=$5 expect=$6 n=${7:-50}
	# emptied first: the "ready" of the last receiver is not this one's
	: > "$LOGS/recv.out"
	ip netns exec "$rns" "$UDP_PEER" recv "$rbind" "$expect" "$n" 1500 \
		> "$LOGS/recv.out" &
	local pid=$!
	bg_pid $pid
	wait_for grep -q ready "$LOGS/recv.out"
	ip netns exec "$ns" "$UDP_PEER" send "$from" "$to" "$n" $SIZE rtp \
		> /dev/null
	wait "$pid"
	tail -n 1 "$LOGS/recv.out" | awk '{ print $4 }'
}
# both ways, every packet
media_crosses() {
	local ab ba
	ab=$(rtp_count "$NS_A" $A_RTP $SD_ADDR:$CALLER_SIDE "$NS_B" $B_RTP \
		$SD_ADDR:$CALLEE_SIDE)
	ba=$(rtp_count "$NS_B" $B_RTP $SD_ADDR:$CALLEE_SIDE "$NS_A" $A_RTP \
		$SD_ADDR:$CALLER_SIDE)
	diag "RTP received: caller to callee $ab/50, callee to caller $ba/50"
	[ "$ab" = 50 ] && [ "$ba" = 50 ]
}

# held_call NAME PORT: alice calls bob, who answers, and holds the call
# until call_ended; in the background, PIDs in CALL_UAS and CALL_UAC
held_call() {
	CALL=$1
	sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/$1-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1
	CALL_UAS=$SIPP_PID
	sd_held_call "$1" "$NS_A" $A_IP "$2" -s bob -key from alice -m 1
	CALL_UAC=$HELD_UAC
	wait_for nflows 4 || return 1
	CALLER_SIDE=$(relay_port $A_RTP)
	CALLEE_SIDE=$(relay_port $B_RTP)
	diag "caller sends to $SD_ADDR:$CALLER_SIDE, callee to $SD_ADDR:$CALLEE_SIDE"
}
# call_ended: alice hangs up, both phones end well, no flow is left
call_ended() {
	sd_hangup "$CALL" && wait "$CALL_UAC" && wait "$CALL_UAS" &&
		wait_for nflows 0
}

# flows_cached: the RTP and RTCP flows towards each phone leave through
# its interface to its MAC address, as `siphonctl flow list` shows
flows_cached() {
	local a_mac b_mac out
	a_mac=$(mac_of "$NS_A" a0)
	b_mac=$(mac_of "$NS_B" b0)
	out=$(flows)
	jq -e --arg a $A_IP --arg b $B_IP --arg am "$a_mac" --arg bm "$b_mac" \
		'length == 4 and all(.[];
		  (.dst | startswith($a + ":")) and .nexthop == "r1" and .nexthop_mac == $am or
		  (.dst | startswith($b + ":")) and .nexthop == "r2" and .nexthop_mac == $bm)' \
		<<< "$out" > /dev/null || { diag "$(jq -c '[.[] | [.dst, .nexthop, .nexthop_mac]]' <<< "$out")"; return 1; }
}
flows_fib() {
	local out
	out=$(flows)
	jq -e 'length == 4 and all(.[]; .nexthop == "fib" and .nexthop_mac == "")' \
		<<< "$out" > /dev/null || { diag "$(jq -c '[.[] | [.dst, .nexthop]]' <<< "$out")"; return 1; }
}

# siphond's media counter NAME, as siphonctl stats reads it
media_counter() {
	ctl -s "$SD_SOCK" --json stats | jq -r --arg n "$1" '.siphond.media[$n]'
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! run first; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/first/siphond.log"
	exit $KSFT_FAIL
fi
tap_check "bob registers" register "$NS_B" $B_IP $BOB_PORT bob bobpw 120

# ---- nexthop = auto: cached, no forwarding needed -------------------------
forwarding 0
tap_check "a call's four flows carry a cached next hop (flow list)" \
	eval 'held_call talk 5072 && flows_cached'
tap_check "media crosses XDP both ways with IP forwarding off" media_crosses

# alice's phone gets a new MAC address: its gratuitous ARP updates the
# relay's neighbour entry, and siphond the flows towards her
new_mac_followed() {
	local old new
	old=$(mac_of "$NS_A" a0)
	ip -n "$NS_A" link set a0 address 02:00:c6:12:01:42 || return 1
	new=$(mac_of "$NS_A" a0)
	diag "alice's MAC $old -> $new"
	wait_for flows_cached
}
tap_check "a phone's new MAC: its flows follow (flow list)" new_mac_followed
tap_check "media keeps crossing both ways after the MAC change" media_crosses

# the relay forgets bob's neighbour entry: siphond falls back to the FIB
# for him (and asks for the entry again), then caches the answer
tap_check "a neighbour entry deleted: the flows are cached again" \
	eval 'ip -n "$NS_R" neigh del $B_IP dev r2 && wait_for flows_cached'
tap_check "media crosses after the neighbour came back" media_crosses
counted() {
	local cached fib refreshed
	cached=$(media_counter nexthop_cached)
	fib=$(media_counter nexthop_fib)
	refreshed=$(media_counter nexthop_refreshed)
	diag "flows installed cached $cached, with FIB $fib; refreshed $refreshed"
	[ "$cached" = 4 ] && [ "$fib" = 0 ] && [ "$refreshed" -ge 4 ]
}
tap_check "siphond counted 4 flows cached, none on FIB, next hops refreshed" \
	counted
tap_check "BYE ends the call and takes its flows out" call_ended

# ---- a restart: the new siphond follows the flows it takes over -----------
restart_keeps_following() {
	held_call restart 5073 && flows_cached || return 1
	kill -KILL "$SD_PID"
	wait "$SD_PID" 2>/dev/null
	run second || return 1
	ip -n "$NS_A" link set a0 address 02:00:c6:12:01:43 || return 1
	diag "alice's MAC now $(mac_of "$NS_A" a0)"
	wait_for flows_cached && media_crosses
}
tap_check "after a restart, a new MAC is followed and media crosses" \
	restart_keeps_following
# siphonctl flow refresh --follow beside siphond: both write what the
# kernel says, so the flows end the same either way. The follower
# watches until it is told to stop, and then stops well.
following() {
	grep -q poll /proc/"$1"/wchan 2> /dev/null
}
with_follower() {
	local fpid
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" flow refresh \
		--follow 60 > "$LOGS/follow.out" 2>&1 &
	fpid=$!
	bg_pid $fpid
	# its first pass done, it waits for rtnetlink events: a pass that
	# read the neighbour before the change would write the old MAC
	# after siphond wrote the new one, until its next pass
	wait_for following $fpid ||
		diag "the follower is not seen waiting for events: on anyway"
	ip -n "$NS_A" link set a0 address 02:00:c6:12:01:44 || return 1
	wait_for flows_cached && media_crosses && kill -TERM "$fpid" &&
		wait "$fpid"
}
tap_check "siphonctl flow refresh --follow running too: the same next hops" \
	with_follower
tap_check "BYE after the restart ends the call" call_ended

# ---- nexthop = fib: the FIB lookup per packet, as before ------------------
fib_mode() {
	kill -TERM "$SD_PID"
	wait "$SD_PID" 2>/dev/null
	NEXTHOP=fib run third || return 1
	held_call fib 5074 && flows_fib
}
tap_check "nexthop = fib: the flows carry no next hop" fib_mode
no_media() {
	local ab
	ab=$(rtp_count "$NS_A" $A_RTP $SD_ADDR:$CALLER_SIDE "$NS_B" $B_RTP \
		$SD_ADDR:$CALLEE_SIDE 20)
	diag "with forwarding off: $ab/20 received"
	[ "$ab" = 0 ]
}
tap_check "nexthop = fib with forwarding off: the FIB forwards nothing" no_media
tap_check "nexthop = fib with forwarding on: media crosses" \
	eval 'forwarding 1 && media_crosses && call_ended'

if [ "$_tap_failed" -ne 0 ]; then
	diag "siphond log tails:"
	for f in "$LOGS"/*/siphond.log; do
		grep -v ": debug: " "$f" | tail -10 | sed 's/^/# /'
	done
fi
tap_done
