#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Media relayed by XDP between two networks: endpoint A (198.18.1.0/24) and
# endpoint B (198.18.2.0/24) talk through the relay namespace R, where
# siphon is attached to both interfaces. Datagrams must arrive with the
# right addresses and valid checksums (a real socket receives them), in
# both directions, and the flow counters must match what was sent.

source "$(dirname "$0")/lib.sh"
source "$SIPHON_ROOT/tools/net/topology.sh"
require_root

A=sre-a-$$
B=sre-b-$$
R=sre-r-$$
make_pin_dir e2e
N=200
SIZE=172 # one 20 ms PCMU packet: 12 bytes RTP + 160 bytes audio

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$R" "$@"
}

setup() {
	on_exit "topo_delete $A $B $R"
	topo_create "$A" "$B" "$R"
}

# relay A:4000 <-> B:5000 through R's ports 30000 (A side), 30002 (B side)
add_flows() {
	ctl flow add 198.18.1.1:30000 from 198.18.1.2:4000 \
		to 198.18.2.2:5000 src 198.18.2.1:30002 "$@" >/dev/null &&
	ctl flow add 198.18.2.1:30002 from 198.18.2.2:5000 \
		to 198.18.1.2:4000 src 198.18.1.1:30000 "$@" >/dev/null
}

# send COUNT from NS BIND to DEST, and expect it at RNS RBIND from FROM
relay_ok() {
	local ns=$1 bind=$2 dest=$3 rns=$4 rbind=$5 from=$6 count=$7 out
	local fifo=$(mktemp -u) rc
	mkfifo "$fifo"
	ip netns exec "$rns" "$UDP_PEER" recv "$rbind" "$from" "$count" 3000 \
		>"$fifo" &
	bg_pid $!
	exec 3<"$fifo"
	rm -f "$fifo"
	read -r -t 5 _ <&3 # "ready"
	ip netns exec "$ns" "$UDP_PEER" send "$bind" "$dest" "$count" \
		$SIZE rtp >/dev/null
	read -r -t 10 out <&3
	exec 3<&-
	diag "$out"
	[ "$out" = "received $count from-expected $count bytes $((count * SIZE))" ]
}

# how many packets reach RNS RBIND within 1 s (nothing expected)
received_none() {
	local ns=$1 bind=$2 dest=$3 rns=$4 rbind=$5 out
	local fifo=$(mktemp -u)
	mkfifo "$fifo"
	ip netns exec "$rns" "$UDP_PEER" recv "$rbind" 0.0.0.0:1 1 1000 \
		>"$fifo" &
	bg_pid $!
	exec 3<"$fifo"
	rm -f "$fifo"
	read -r -t 5 _ <&3
	ip netns exec "$ns" "$UDP_PEER" send "$bind" "$dest" 20 $SIZE >/dev/null
	read -r -t 10 out <&3
	exec 3<&-
	diag "$out"
	[ "${out%% from-expected*}" = "received 0" ]
}

flow_field() {
	ctl --json flow list |
		jq -r --arg r "$1" '.[] | select(.relay == $r) | .'"$2"
}

reason() {
	ctl --json stats | jq -r ".reasons.$1"
}

counters_match() {
	[ "$(flow_field 198.18.1.1:30000 packets)" = $N ] &&
	[ "$(flow_field 198.18.1.1:30000 bytes)" = $((N * SIZE)) ] &&
	[ "$(flow_field 198.18.2.1:30002 packets)" = $N ] &&
	[ "$(flow_field 198.18.2.1:30002 bytes)" = $((N * SIZE)) ]
}

tap_plan 13

if ! setup; then
	tap_fail "namespaces set up"
	tap_done
fi
tap_check "attach to both relay interfaces" \
	eval 'ctl attach r1 r2 >/dev/null'
tap_check "flows installed with cached next hops" add_flows nexthop cache
tap_check "A to B relayed, addresses and checksums right" \
	relay_ok "$A" 198.18.1.2:4000 198.18.1.1:30000 \
	"$B" 198.18.2.2:5000 198.18.2.1:30002 $N
tap_check "B to A relayed, addresses and checksums right" \
	relay_ok "$B" 198.18.2.2:5000 198.18.2.1:30002 \
	"$A" 198.18.1.2:4000 198.18.1.1:30000 $N
tap_check "flow counters equal what was sent" counters_match
tap_check "redirect counter counts both directions" \
	test "$(reason redirect)" = $((2 * N))

drops=$(reason drop_wrong_source)
tap_check "injection from an unsignalled port gets nothing" \
	received_none "$A" 198.18.1.2:4001 198.18.1.1:30000 \
	"$B" 198.18.2.2:5000
tap_check "injected packets dropped and counted" \
	test "$(reason drop_wrong_source)" = $((drops + 20))

# the FIB path: the kernel's tables give the next hop per packet
ip netns exec "$R" sysctl -qw net.ipv4.conf.all.forwarding=1
ctl flow flush >/dev/null
tap_check "A to B relayed with a FIB lookup per packet" \
	eval 'add_flows nexthop fib &&
	relay_ok "$A" 198.18.1.2:4000 198.18.1.1:30000 \
		"$B" 198.18.2.2:5000 198.18.2.1:30002 $N'

# the follower keeps cached next hops true when a neighbour changes
ctl flow flush >/dev/null
add_flows nexthop cache
ctl flow refresh --follow 60 >/dev/null &
bg_pid $!
NEW_MAC=02:00:5e:10:00:b0
ip -n "$B" link set b0 address $NEW_MAC
tap_check "with a stale next-hop MAC, B gets nothing (control)" \
	received_none "$A" 198.18.1.2:4000 198.18.1.1:30000 \
	"$B" 198.18.2.2:5000
ip -n "$R" neigh replace 198.18.2.2 lladdr $NEW_MAC dev r2 nud reachable
tap_check "the neighbour change reaches the flow" \
	wait_for eval '[ "$(flow_field 198.18.1.1:30000 nexthop_mac)" = $NEW_MAC ]'
tap_check "A to B relayed again to the new MAC" \
	relay_ok "$A" 198.18.1.2:4000 198.18.1.1:30000 \
	"$B" 198.18.2.2:5000 198.18.2.1:30002 $N

ctl detach r1 r2 >/dev/null
tap_check "after detach nothing is relayed" \
	received_none "$A" 198.18.1.2:4000 198.18.1.1:30000 \
	"$B" 198.18.2.2:5000
tap_done
