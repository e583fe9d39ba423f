#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: two phones on different networks call each other through
# siphond, and their RTP crosses siphon's XDP relay. bob registers; alice
# calls him (both sipp); siphond anchors the call's media on the relay;
# both phones talk; alice hangs up. Prints the call, its flows while it
# lasts, the XDP counters, siphond's counters, and the relay's own UDP
# counters to show that no kernel socket there saw a media packet.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
SIPHONCTL=$BUILD/siphonctl
SIPHOND=$BUILD/siphond
UDP_PEER=$BUILD/tools/net/udp_peer
SCEN=$ROOT/tests/sipp
source "$ROOT/tools/net/topology.sh"

A=sdemo-a-$$
B=sdemo-b-$$
R=sdemo-r-$$
PIN=/sys/fs/bpf/siphon-demo-$$
DIR=$(mktemp -d /tmp/siphon-demo.XXXXXX)
DOMAIN=siphon.test
SIP=$TOPO_R1_ADDR:5060
PACKETS=500
SIZE=172
# where the phones' SDP (tests/sipp/uac_call.xml, uas_answer.xml) wants media
A_RTP=$TOPO_A_ADDR:40000
B_RTP=$TOPO_B_ADDR:40002

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (namespaces, XDP)" >&2
	exit 1
fi
pids=()
cleanup() {
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	topo_delete "$A" "$B" "$R"
	rm -rf "$PIN" "$DIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "demo: $*" >&2
	exit 1
}

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$R" --socket "$DIR/siphond.sock" \
		"$@"
}

udp_in() {
	ip netns exec "$R" awk '/^Udp:/ && !h { h = 1; next }
		/^Udp:/ { print $2 + $3 }' /proc/net/snmp
}

step() {
	printf '\n== %s\n' "$*"
}

# sipp NS IP PORT LOG ARGS...: one phone, bounded in time
sipp_in() {
	local ns=$1 ip=$2 port=$3 log=$4
	shift 4
	timeout 40 ip netns exec "$ns" sipp -nostdin -i "$ip" -p "$port" \
		-timeout 30s -timeout_error -key domain $DOMAIN "$@" \
		>"$DIR/$log" 2>&1
}

# wait_until SECONDS CMD...: poll a condition, bounded
wait_until() {
	local i n=$(($1 * 10))
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

flows() {
	ctl --json flow list
}

four_flows() {
	[ "$(flows | jq length)" = 4 ]
}

no_flows() {
	[ "$(flows | jq length)" = 0 ]
}

# the relay port of the flow that takes packets from PEER
relay_port() {
	flows | jq -r --arg p "$1" '.[] | select(.peer == $p) | .relay'
}

step "namespaces: A $TOPO_A_ADDR -- [$TOPO_R1_ADDR relay $TOPO_R2_ADDR] -- $TOPO_B_ADDR B"
topo_create "$A" "$B" "$R" || fail "cannot build the namespaces"
# the relay asks the kernel's FIB for each packet's next hop
ip netns exec "$R" sysctl -qw net.ipv4.conf.all.forwarding=1

step "siphonctl attach r1 r2"
ctl attach r1 r2 || exit 1

step "siphond on $SIP, media anchored on the relay"
printf '%s\n' "alice alicepw" "bob bobpw" >"$DIR/users"
cat >"$DIR/siphond.conf" <<EOF
[general]
log_level = info
[listen]
udp = $SIP
[proxy]
domain = $DOMAIN
[registrar]
state_file = $DIR/registrations
[auth]
credentials = $DIR/users
md5_first = yes
[media]
anchor = yes
pin_dir = $PIN
port_min = 30000
port_max = 30999
[control]
socket = $DIR/siphond.sock
EOF
# nsenter, not ip netns exec: siphond must see the maps under /sys/fs/bpf
nsenter --net=/run/netns/"$R" "$SIPHOND" -c "$DIR/siphond.conf" \
	>"$DIR/siphond.log" 2>&1 &
SD_PID=$!
pids+=($SD_PID)
wait_until 5 grep -q ready "$DIR/siphond.log" ||
	fail "siphond did not start: $(cat "$DIR/siphond.log")"
grep -v ': debug:' "$DIR/siphond.log"

step "bob registers from $TOPO_B_ADDR:5080 (401, then 200)"
sipp_in "$B" $TOPO_B_ADDR 5080 reg.log $SIP -sf "$SCEN/register_auth.xml" \
	-s bob -au bob -ap bobpw -key expires 300 -m 1 ||
	fail "bob could not register: $(tail -5 "$DIR/reg.log")"
echo "registered"

step "alice calls bob (407, INVITE, 100, 180, 200, ACK), the call lasts 5 s"
sipp_in "$B" $TOPO_B_ADDR 5080 uas.log -sf "$SCEN/uas_answer.xml" -m 1 &
UAS=$!
pids+=($UAS)
sleep 0.3
sipp_in "$A" $TOPO_A_ADDR 5070 uac.log $SIP -sf "$SCEN/uac_call.xml" \
	-s bob -key from alice -au alice -ap alicepw -d 5000 -m 1 &
UAC=$!
pids+=($UAC)
wait_until 5 four_flows || fail "the call's flows did not appear"
A_TO=$(relay_port $A_RTP)
B_TO=$(relay_port $B_RTP)
echo "answered: alice sends media to $A_TO, bob to $B_TO"

step "siphonctl flow list (the call's 4 flows: RTP and RTCP, each way)"
ctl flow list

udp_before=$(udp_in)
step "RTP: $PACKETS packets each way (PCMU, $SIZE bytes, 2 ms apart)"
# each phone sends and receives on one socket, as a real one does
ip netns exec "$A" "$UDP_PEER" talk $A_RTP "$A_TO" $PACKETS $SIZE 2000 \
	3000 >"$DIR/talk-a" &
talk_a=$!
ip netns exec "$B" "$UDP_PEER" talk $B_RTP "$B_TO" $PACKETS $SIZE 2000 \
	3000 >"$DIR/talk-b"
status=$?
wait $talk_a || status=1
udp_after=$(udp_in)
echo "alice: $(cat "$DIR/talk-a")"
echo "bob:   $(cat "$DIR/talk-b")"

step "siphonctl flow list (packets counted by XDP)"
ctl flow list

step "siphonctl calls (siphond's view: the call and its media, from XDP)"
ctl calls

step "alice hangs up (BYE, 200)"
wait $UAC || status=1
wait $UAS || status=1
wait_until 5 no_flows || status=1
echo "call ended; flows left: $(flows | jq length)"

step "siphonctl stats"
ctl stats

step "siphond's counters (SIGUSR1)"
kill -USR1 $SD_PID
wait_until 5 grep -q 'stats media:' "$DIR/siphond.log"
grep -E 'stats (proxy|transaction|udp|media):' "$DIR/siphond.log" |
	sed 's/^siphond: info: //'

step "proof"
echo "packets forwarded by XDP: $(ctl --json stats | jq .verdicts.redirect)"
echo "UDP datagrams the relay's kernel stack received while the phones talked: $((udp_after - udp_before))"
if [ "$((udp_after - udp_before))" -eq 0 ] && [ "$status" -eq 0 ]; then
	echo "the call went through siphond; every media packet crossed the"
	echo "relay in XDP, and no socket there (siphond's included) saw one"
else
	echo "demo: something went wrong (see above)" >&2
	exit 1
fi
