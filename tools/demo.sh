#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: two endpoints on different networks exchange an RTP stream
# through a relay namespace where siphon's XDP program carries every packet.
# Prints the flows, the XDP counters, and the relay's own UDP counters to
# show that its kernel sockets never saw a media packet.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SIPHONCTL=$BUILD/siphonctl
UDP_PEER=$BUILD/tools/net/udp_peer
source "$ROOT/tools/net/topology.sh"

A=sdemo-a-$$
B=sdemo-b-$$
R=sdemo-r-$$
PIN=/sys/fs/bpf/siphon-demo-$$
PACKETS=500
SIZE=172

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (namespaces, XDP)" >&2
	exit 1
fi
pids=()
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	topo_delete "$A" "$B" "$R"
	rm -rf "$PIN"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$R" "$@"
}

udp_in() {
	ip netns exec "$R" awk '/^Udp:/ && !h { h = 1; next }
		/^Udp:/ { print $2 + $3 }' /proc/net/snmp
}

step() {
	printf '\n== %s\n' "$*"
}

step "namespaces: A $TOPO_A_ADDR -- [$TOPO_R1_ADDR relay $TOPO_R2_ADDR] -- $TOPO_B_ADDR B"
topo_create "$A" "$B" "$R" || exit 1

step "siphonctl attach r1 r2"
ctl attach r1 r2 || exit 1

step "flows: A:4000 <-> relay :30000 / :30002 <-> B:5000"
ctl flow add $TOPO_R1_ADDR:30000 from $TOPO_A_ADDR:4000 \
	to $TOPO_B_ADDR:5000 src $TOPO_R2_ADDR:30002 || exit 1
ctl flow add $TOPO_R2_ADDR:30002 from $TOPO_B_ADDR:5000 \
	to $TOPO_A_ADDR:4000 src $TOPO_R1_ADDR:30000 || exit 1

udp_before=$(udp_in)
step "RTP: $PACKETS packets each way (PCMU, $SIZE bytes, 2 ms apart)"
# each phone sends and receives on one socket, as a real one does
ip netns exec "$A" "$UDP_PEER" talk $TOPO_A_ADDR:4000 $TOPO_R1_ADDR:30000 \
	$PACKETS $SIZE 2000 3000 >"/tmp/siphon-demo-a.$$" &
pids+=($!)
ip netns exec "$B" "$UDP_PEER" talk $TOPO_B_ADDR:5000 $TOPO_R2_ADDR:30002 \
	$PACKETS $SIZE 2000 3000 >"/tmp/siphon-demo-b.$$"
status=$?
wait "${pids[@]}" || status=1
echo "A (sends to relay :30000): $(cat "/tmp/siphon-demo-a.$$")"
echo "B (sends to relay :30002): $(cat "/tmp/siphon-demo-b.$$")"
rm -f /tmp/siphon-demo-[ab].$$
pids=()

step "siphonctl flow list"
ctl flow list
step "siphonctl stats"
ctl stats

udp_after=$(udp_in)
step "proof"
echo "packets forwarded by XDP: $(ctl --json stats | jq .verdicts.redirect)"
echo "UDP datagrams the relay's kernel stack received: $((udp_after - udp_before))"
if [ "$((udp_after - udp_before))" -eq 0 ] && [ "$status" -eq 0 ]; then
	echo "every media packet crossed the relay in XDP; no socket saw one"
else
	echo "demo: something went wrong (see above)" >&2
	exit 1
fi
