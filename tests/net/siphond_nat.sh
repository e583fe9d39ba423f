#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# A caller behind NAT: its SDP names its own address and port, but its
# SIP and media reach siphon from the NAT's address and from ports the
# NAT picked. siphond sees the SDP address is not where the INVITE came
# from ([media] nat = differs here: the lab has no private addresses), so
# the flow from the caller expects the NAT's address and learns the port
# from the first packet, in XDP, and the way back follows it. RTP crosses
# both ways; another port of the NAT's address still gets nothing.
#
#   P p0 198.19.9.2 --- a1 198.19.9.1 [A: SNAT to 198.18.1.2:50000-50999]
#     a0 198.18.1.2 --- r1 [R: siphond, XDP] r2 --- b0 198.18.2.2 B
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

require_root
if [ ! -x "$SIPHOND" ] || [ ! -x "$SIPHONCTL" ] || ! command -v nft > /dev/null ||
	! command -v sipp > /dev/null || ! command -v jq > /dev/null; then
	echo "1..0 # SKIP needs build/siphond, build/siphonctl, nft, sipp and jq"
	exit $KSFT_SKIP
fi

LOGS=$(mktemp -d /tmp/siphond-nat.XXXXXX)
[ -n "${KEEP_LOGS:-}" ] || on_exit "rm -rf $LOGS"
cd "$LOGS" || exit $KSFT_FAIL
sd_topology "sdn$$" || { echo "1..0 # SKIP cannot build namespaces"; exit $KSFT_SKIP; }
make_pin_dir nat

NS_P=sdn$$p
P_IP=198.19.9.2
P_RTP=$P_IP:40000 # the SDP of uac_call.xml
B_RTP=$B_IP:40002
SIZE=172

# the caller's home network behind A, which NATs it to its own address
make_netns "$NS_P" || exit $KSFT_FAIL
ip link add p0 netns "$NS_P" type veth peer name a1 netns "$NS_A"
ip -n "$NS_P" addr add $P_IP/24 dev p0
ip -n "$NS_A" addr add 198.19.9.1/24 dev a1
ip -n "$NS_P" link set p0 up
ip -n "$NS_A" link set a1 up
ip -n "$NS_P" route add default via 198.19.9.1
ip netns exec "$NS_A" sysctl -qw net.ipv4.ip_forward=1
# a port range the caller's own ports are not in: XDP must learn
ip netns exec "$NS_A" nft -f - <<EOF || { echo "1..0 # SKIP no NAT"; exit $KSFT_SKIP; }
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr 198.19.9.0/24 oifname "a0" meta l4proto udp snat to $A_IP:50000-50999
	}
}
EOF

tap_plan 9

ctl() {
	"$SIPHONCTL" --pin-dir "$PIN" --netns "$NS_R" "$@"
}

sd_media_lab
ip netns exec "$NS_P" ethtool -K p0 tx off > /dev/null

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 31000\nport_max = 31099\nnat = differs\n' "$PIN"
	# the NAT's address: the caller's INVITE needs no challenge
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

flows() {
	ctl --json flow list
}
four_flows() {
	[ "$(flows | jq length)" = 4 ]
}
# flow_of RELAY_PORT FIELD
flow_of() {
	flows | jq -r --arg r "$SD_ADDR:$1" ".[] | select(.relay == \$r) | .$2"
}

# the caller, behind the NAT, calls bob and holds the call 5 s
sipp_bg "$NS_B" $B_IP $BOB_PORT "$LOGS/uas.log" \
	-sf "$SIPP_DIR/uas_answer.xml" -m 1
CALL_UAS=$SIPP_PID
HOLD_MS=5000 sipp_run "$NS_P" $P_IP 5072 "$LOGS/uac.log" \
	-sf "$SIPP_DIR/uac_call.xml" -s bob -key from alice -m 1 \
	-trace_msg -message_file "$LOGS/uac-msgs.log" &
CALL_UAC=$!
bg_pid $CALL_UAC

tap_check "the call is answered: 4 flows" wait_for four_flows
CALLER_SIDE=$(flows | jq -r --arg b $B_RTP \
	'.[] | select(.dst == $b) | .relay | split(":")[1]')
CALLEE_SIDE=$(flows | jq -r --arg b $B_RTP \
	'.[] | select(.peer == $b) | .relay | split(":")[1]')
diag "caller sends to $CALLER_SIDE, bob to $CALLEE_SIDE"

expects_nat() {
	diag "from the caller: peer $(flow_of $CALLER_SIDE peer)" \
		"latch $(flow_of $CALLER_SIDE latch);" \
		"to the caller: dst $(flow_of $CALLEE_SIDE dst)"
	[ "$(flow_of $CALLER_SIDE peer)" = "$A_IP:*" ] &&
		[ "$(flow_of $CALLER_SIDE latch)" = learning ] &&
		[ "$(flow_of $CALLEE_SIDE dst)" = "$A_IP:40000" ]
}
tap_check "the caller's flows expect the NAT's address, any port" \
	expects_nat

# the caller's first packet crosses the NAT and teaches the port
tap_check "the caller's first packet is relayed" \
	eval 'ip netns exec "$NS_P" "$UDP_PEER" send $P_RTP \
		$SD_ADDR:$CALLER_SIDE 1 $SIZE rtp > /dev/null &&
	      wait_for eval "[ \"\$(flow_of $CALLER_SIDE latch)\" = learned ]"'
LEARNED=$(flow_of $CALLER_SIDE peer)
follows() {
	diag "learned $LEARNED; to the caller: $(flow_of $CALLEE_SIDE dst)"
	[ "${LEARNED%:*}" = $A_IP ] && [ "${LEARNED#*:}" -ge 50000 ] &&
		[ "${LEARNED#*:}" -le 50999 ] &&
		[ "$(flow_of $CALLEE_SIDE dst)" = "$LEARNED" ]
}
tap_check "XDP learned the NAT's port, and the way back follows it" follows

# both phones talk: each hears all of the other, through the NAT
talk_through_nat() {
	local a b
	ip netns exec "$NS_P" "$UDP_PEER" talk $P_RTP $SD_ADDR:$CALLER_SIDE \
		100 $SIZE 10000 3000 > "$LOGS/talk-p.out" &
	a=$!
	# the caller binds first: bob's first packets are for it
	sleep 0.1
	ip netns exec "$NS_B" "$UDP_PEER" talk $B_RTP $SD_ADDR:$CALLEE_SIDE \
		100 $SIZE 10000 3000 > "$LOGS/talk-b.out" &
	b=$!
	bg_pid $a
	bg_pid $b
	wait $a; wait $b
	diag "caller: $(cat "$LOGS/talk-p.out"); bob: $(cat "$LOGS/talk-b.out")"
	grep -q "sent 100 received 100 from-expected 100" "$LOGS/talk-p.out" &&
		grep -q "sent 100 received 100 from-expected 100" "$LOGS/talk-b.out"
}
tap_check "RTP both ways through the NAT and XDP, none lost" talk_through_nat

# the NAT's address from any other port is someone else (RTP inject)
other_port_dropped() {
	local before after
	before=$(ctl --json stats | jq -r '.reasons.drop_wrong_source')
	ip netns exec "$NS_A" "$UDP_PEER" send $A_IP:40004 \
		$SD_ADDR:$CALLER_SIDE 20 $SIZE rtp > /dev/null
	sleep 0.2
	after=$(ctl --json stats | jq -r '.reasons.drop_wrong_source')
	diag "drop_wrong_source: $before -> $after"
	[ $((after - before)) -eq 20 ]
}
tap_check "another port of the NAT's address is dropped in XDP" \
	other_port_dropped

call_ended() {
	wait "$CALL_UAC" && wait "$CALL_UAS" &&
		wait_for eval '[ "$(flows | jq length)" = 0 ]'
}
tap_check "the caller's BYE ends the call: no flow left" call_ended

if [ "$_tap_failed" -ne 0 ]; then
	grep -v ": debug: " "$LOGS/siphond.log" | tail -15 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
