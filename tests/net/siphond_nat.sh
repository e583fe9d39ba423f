#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Phones behind NAT, calling and called. Such a phone's SDP and Contact
# name its own address and port, but its SIP and media reach siphon from
# the NAT's address and from ports the NAT picked.
#
# Media: siphond sees the SDP address is not where the message came from
# ([media] nat = differs here: the lab has no private addresses), so the
# flow from that phone expects the NAT's address and learns the port from
# the first packet, in XDP, and the way back follows it. RTP crosses both
# ways; another port of the NAT's address still gets nothing.
#
# Signalling: a callee that registered from behind NAT gets its calls at
# the NAT's mapping of its REGISTER; requests inside the dialog (ACK,
# BYE), whichever side sends them, reach a phone behind NAT through the
# mark siphond put on its Contact, and the phone gets its own Contact
# back as the Request-URI.
#
#   P p0 198.19.9.2 --- a1 198.19.9.1 [A: SNAT to 198.18.1.2:50000-50999]
#     a0 198.18.1.2 --- r1 [R: siphond, XDP] r2 --- b0 198.18.2.2 [B]
#   [B: SNAT to 198.18.2.2:52000-52999] b1 198.19.10.1 --- q0 198.19.10.2 Q
#
# The caller behind NAT (P calls bob at B), the callee behind NAT (alice
# at A calls carol at Q), then both (P calls carol).
set -u
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/siphond_lib.sh"

sd_media_suite nat 21 nft

NS_P=${SD_NS}p
NS_Q=${SD_NS}q
P_IP=198.19.9.2
Q_IP=198.19.10.2
P_RTP=$P_IP:40000 # the SDP of uac_held.xml
Q_RTP=$Q_IP:40002 # the SDP of uas_answer.xml
A_RTP=$A_IP:40000
B_RTP=$B_IP:40002

# home_net NS DEV NAT_NS NAT_DEV NET PHONE_IP NAT_OUT NAT_ADDR PORTS: a
# phone's home network NET.0/24 behind NAT_NS, which NATs it to NAT_ADDR
# on NAT_OUT from a port range the phone's own ports are not in (so XDP
# must learn them)
home_net() {
	local ns=$1 dev=$2 nat=$3 ndev=$4 net=$5 ip=$6 out=$7 addr=$8 ports=$9
	make_netns "$ns" || return 1
	ip link add "$dev" netns "$ns" type veth peer name "$ndev" netns "$nat"
	ip -n "$ns" addr add "$ip/24" dev "$dev"
	ip -n "$nat" addr add "$net.1/24" dev "$ndev"
	ip -n "$ns" link set "$dev" up
	ip -n "$nat" link set "$ndev" up
	ip -n "$ns" route add default via "$net.1"
	ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1
	ip netns exec "$nat" nft -f - <<EOF
table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip saddr $net.0/24 oifname "$out" meta l4proto udp snat to $addr:$ports
	}
}
EOF
}
home_net "$NS_P" p0 "$NS_A" a1 198.19.9 $P_IP a0 $A_IP 50000-50999 &&
	home_net "$NS_Q" q0 "$NS_B" b1 198.19.10 $Q_IP b0 $B_IP 52000-52999 ||
	{ diag "no NAT"; exit $KSFT_SKIP; }
ip netns exec "$NS_P" ethtool -K p0 tx off > /dev/null
ip netns exec "$NS_Q" ethtool -K q0 tx off > /dev/null

sd_extra_conf() {
	printf '[media]\nanchor = yes\npin_dir = %s\nport_min = 31000\nport_max = 31099\nnat = differs\n' "$PIN"
	# the NAT's address, alice's too: no INVITE needs a challenge
	printf '[trusted]\npeer = %s\n' $A_IP
}

tap_check "siphon attached to both relay interfaces" \
	eval 'ctl attach r1 r2 > /dev/null'
if ! sd_start "$LOGS"; then
	diag "siphond did not start:"; sed 's/^/# /' "$LOGS/siphond.log"
	exit $KSFT_FAIL
fi
PHONE_PORT=5080
tap_check "bob registers" register "$NS_B" $B_IP $PHONE_PORT bob bobpw 120

no_flow() {
	[ "$(flows | jq length)" = 0 ]
}
# flow_of RELAY_PORT FIELD
flow_of() {
	flows | jq -r --arg r "$SD_ADDR:$1" ".[] | select(.relay == \$r) | .$2"
}
# relay_to DST: the relay port of the flow that sends to DST
relay_to() {
	flows | jq -r --arg d "$1" '.[] | select(.dst == $d) | .relay | split(":")[1]'
}
# drops NS FROM RELAY_PORT: 20 packets from FROM are all dropped in XDP
drops() {
	local before after
	before=$(xdp_reason drop_wrong_source)
	ip netns exec "$1" "$UDP_PEER" send "$2" $SD_ADDR:$3 20 $SIZE rtp \
		> /dev/null
	wait_for eval '[ $(($(xdp_reason drop_wrong_source) - before)) -ge 20 ]'
	after=$(xdp_reason drop_wrong_source)
	diag "from $2: drop_wrong_source $before -> $after"
	[ $((after - before)) -eq 20 ]
}
# learns NS PHONE_RTP RELAY_PORT NAT_IP LOW HIGH OTHER_RELAY_PORT: the
# phone's first packet crosses its NAT and teaches the port, which is
# the NAT's, and the way back to the phone follows it
learns() {
	local learned
	ip netns exec "$1" "$UDP_PEER" send "$2" $SD_ADDR:$3 1 $SIZE rtp \
		> /dev/null &&
		wait_for eval "[ \"\$(flow_of $3 latch)\" = learned ]" ||
		return 1
	learned=$(flow_of "$3" peer)
	diag "learned $learned; the way back: $(flow_of "$7" dst)"
	[ "${learned%:*}" = "$4" ] && [ "${learned#*:}" -ge "$5" ] &&
		[ "${learned#*:}" -le "$6" ] &&
		[ "$(flow_of "$7" dst)" = "$learned" ]
}
# talk NS1 RTP1 RELAY1 NS2 RTP2 RELAY2: both phones talk, each hears all
# of the other (the first to bind is the one whose first packets count)
talk() {
	local a b
	ip netns exec "$1" "$UDP_PEER" talk "$2" $SD_ADDR:$3 \
		100 $SIZE 10000 3000 > "$LOGS/talk-1.out" &
	a=$!
	sleep 0.1
	ip netns exec "$4" "$UDP_PEER" talk "$5" $SD_ADDR:$6 \
		100 $SIZE 10000 3000 > "$LOGS/talk-2.out" &
	b=$!
	bg_pid $a
	bg_pid $b
	wait $a; wait $b
	diag "1: $(cat "$LOGS/talk-1.out"); 2: $(cat "$LOGS/talk-2.out")"
	grep -q "sent 100 received 100 from-expected 100" "$LOGS/talk-1.out" &&
		grep -q "sent 100 received 100 from-expected 100" "$LOGS/talk-2.out"
}
# call_bg NAME CALLER_NS CALLER_IP CALLEE_NS CALLEE_IP CALLEE: the
# callee waits with uas_answer.xml, the caller calls it and holds the
# call until call_ended; sets CALL_UAS and CALL_UAC, the callee's
# messages in $LOGS/NAME-uas-msgs.log
call_bg() {
	CALL=$1
	sipp_bg "$4" "$5" $PHONE_PORT "$LOGS/$1-uas.log" \
		-sf "$SIPP_DIR/uas_answer.xml" -m 1 \
		-trace_msg -message_file "$LOGS/$1-uas-msgs.log"
	CALL_UAS=$SIPP_PID
	sd_held_call "$1" "$2" "$3" 5072 -s "$6" -key from alice -m 1
	CALL_UAC=$HELD_UAC
}
# the caller hangs up: both sipps ended well, and with them the flows,
# the session and its relay ports
call_ended() {
	sd_hangup "$CALL" && wait "$CALL_UAC" && wait "$CALL_UAS" &&
		wait_for no_flow && wait_for sd_media_idle
}
# hangs_up NAME CALLER_NS CALLER_IP CALLEE_NS CALLEE_IP CALLEE: a short
# call the callee ends; its BYE must reach the caller and be answered
hangs_up() {
	sipp_bg "$4" "$5" $PHONE_PORT "$LOGS/$1-uas.log" \
		-sf "$SIPP_DIR/uas_hangup.xml" -m 1
	local uas=$SIPP_PID
	sipp_run "$2" "$3" 5072 "$LOGS/$1-uac.log" \
		-sf "$SIPP_DIR/uac_callee_bye.xml" -s "$6" -key from alice -m 1 \
		-trace_msg -message_file "$LOGS/$1-uac-msgs.log" &&
		wait $uas && wait_for no_flow
}

# ---- the caller behind NAT ----------------------------------------------

# the caller, behind the NAT, calls bob and holds the call 5 s
call_bg caller "$NS_P" $P_IP "$NS_B" $B_IP bob

tap_check "the call is answered: 4 flows" wait_for nflows 4
CALLER_SIDE=$(relay_to $B_RTP)
CALLEE_SIDE=$(relay_to $A_IP:40000)
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
tap_check "the caller's first packet teaches XDP the NAT's port" \
	learns "$NS_P" $P_RTP $CALLER_SIDE $A_IP 50000 50999 $CALLEE_SIDE
tap_check "RTP both ways through the NAT and XDP, none lost" \
	talk "$NS_P" $P_RTP $CALLER_SIDE "$NS_B" $B_RTP $CALLEE_SIDE
# the NAT's address from any other port is someone else (RTP inject)
tap_check "another port of the NAT's address is dropped in XDP" \
	drops "$NS_A" $A_IP:40004 $CALLER_SIDE
tap_check "the caller's BYE ends the call: no flow left" call_ended

# ---- the callee behind NAT ----------------------------------------------

registered_behind_nat() {
	local b
	b=$("$SIPHONCTL" -s "$SD_SOCK" --json registrations |
		jq -c '.registrations[] |
		select(.aor | startswith("carol@"))')
	diag "carol: $b"
	local src
	src=$(jq -r .source <<< "$b")
	[ "$(jq -r .contact <<< "$b")" = \
		"sip:carol@$Q_IP:$PHONE_PORT;transport=UDP" ] &&
		[ "${src%:*}" = $B_IP ] && [ "${src#*:}" -ge 52000 ] &&
		[ "${src#*:}" -le 52999 ]
}
tap_check "carol registers from behind NAT: bound where it came from" \
	eval 'register "$NS_Q" $Q_IP $PHONE_PORT carol carolpw 120 &&
	      registered_behind_nat'

call_bg callee "$NS_A" $A_IP "$NS_Q" $Q_IP carol
tap_check "alice's call reaches carol through the NAT: 4 flows" \
	wait_for nflows 4
CALLER_SIDE=$(relay_to $B_IP:40002)
CALLEE_SIDE=$(relay_to $A_RTP)
diag "alice sends to $CALLER_SIDE, carol to $CALLEE_SIDE"

callee_expects_nat() {
	diag "from carol: peer $(flow_of $CALLEE_SIDE peer)" \
		"latch $(flow_of $CALLEE_SIDE latch);" \
		"from alice: peer $(flow_of $CALLER_SIDE peer)"
	[ "$(flow_of $CALLEE_SIDE peer)" = "$B_IP:*" ] &&
		[ "$(flow_of $CALLEE_SIDE latch)" = learning ] &&
		[ "$(flow_of $CALLER_SIDE peer)" = "$A_RTP" ]
}
tap_check "the answer's flows expect carol's NAT, any port" \
	callee_expects_nat
tap_check "carol's first packet teaches XDP the NAT's port" \
	learns "$NS_Q" $Q_RTP $CALLEE_SIDE $B_IP 52000 52999 $CALLER_SIDE
tap_check "RTP both ways through carol's NAT and XDP, none lost" \
	talk "$NS_Q" $Q_RTP $CALLEE_SIDE "$NS_A" $A_RTP $CALLER_SIDE
tap_check "another port of carol's NAT address is dropped in XDP" \
	drops "$NS_B" $B_IP:40006 $CALLEE_SIDE

# the Contact of carol's answers (uas_answer.xml names the user "service")
CAROL_CONTACT="sip:service@$Q_IP:$PHONE_PORT;transport=UDP"
# the ACK and BYE went to carol's private Contact, through the NAT, and
# carol saw that Contact as the Request-URI, not siphond's mark
contact_back() {
	grep -q "^ACK $CAROL_CONTACT SIP/2.0" "$LOGS/callee-uas-msgs.log" &&
		grep -q "^BYE $CAROL_CONTACT SIP/2.0" "$LOGS/callee-uas-msgs.log" &&
		grep -q "siphon-nat=$B_IP~5[0-9]*" "$LOGS/callee-uac-msgs.log"
}
tap_check "alice's ACK and BYE reach carol behind NAT: no flow left" \
	eval 'call_ended && contact_back'
tap_check "carol's BYE from behind NAT reaches alice" \
	hangs_up callee-bye "$NS_A" $A_IP "$NS_Q" $Q_IP carol

# ---- both behind NAT ----------------------------------------------------

call_bg both "$NS_P" $P_IP "$NS_Q" $Q_IP carol
both_expect_nat() {
	wait_for nflows 4 || return 1
	CALLER_SIDE=$(relay_to $B_IP:40002)
	CALLEE_SIDE=$(relay_to $A_IP:40000)
	diag "the caller sends to $CALLER_SIDE, carol to $CALLEE_SIDE"
	[ "$(flow_of $CALLER_SIDE peer)" = "$A_IP:*" ] &&
		[ "$(flow_of $CALLEE_SIDE peer)" = "$B_IP:*" ]
}
tap_check "a call between two NATs: 4 flows, each side expects its NAT" \
	both_expect_nat
both_learn() {
	learns "$NS_P" $P_RTP $CALLER_SIDE $A_IP 50000 50999 $CALLEE_SIDE &&
		learns "$NS_Q" $Q_RTP $CALLEE_SIDE $B_IP 52000 52999 $CALLER_SIDE
}
tap_check "both first packets teach XDP their NATs' ports" both_learn
tap_check "RTP both ways between two NATs, none lost" \
	talk "$NS_P" $P_RTP $CALLER_SIDE "$NS_Q" $Q_RTP $CALLEE_SIDE
tap_check "the caller's BYE reaches carol through both NATs: no flow left" \
	eval 'call_ended &&
	      grep -q "^BYE $CAROL_CONTACT SIP/2.0" "$LOGS/both-uas-msgs.log"'
tap_check "carol's BYE reaches the caller behind the other NAT" \
	hangs_up both-bye "$NS_P" $P_IP "$NS_Q" $Q_IP carol

if [ "$_tap_failed" -ne 0 ]; then
	grep -v ": debug: " "$LOGS/siphond.log" | tail -15 | sed 's/^/# /'
	for f in "$LOGS"/*errors.log; do
		[ -f "$f" ] && head -20 "$f" | sed 's/^/# /'
	done
fi
tap_done
